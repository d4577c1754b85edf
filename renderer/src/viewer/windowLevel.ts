/**
 * Window/level for MR intensities, which have no fixed unit (except ADC, in 10⁻⁶ mm²/s): the
 * presets are percentiles of the series' own histogram, chosen per sequence, plus ADC's usual
 * 0–2500 window. Percentiles ignore the zero background that dominates breast MRI volumes.
 */
export interface WindowLevel {
  window: number;
  level: number;
}

export interface WindowPreset {
  id: string;
  label: string;
  /** Percentile range of the non-zero voxels, or a fixed window [lo, hi]. */
  percentiles?: [number, number];
  fixed?: [number, number];
}

const FULL: WindowPreset = { id: 'full', label: 'Full range', percentiles: [0, 100] };

/** Presets per sequence label (main/api/extraction.ts sequenceLabel): the first is the default. */
export function presetsFor(sequence: string): WindowPreset[] {
  if (sequence.startsWith('ADC'))
    return [{ id: 'adc', label: 'ADC 0–2500', fixed: [0, 2500] }, { id: 'p1-99', label: '1–99 %', percentiles: [1, 99] }, FULL];
  if (sequence.startsWith('DWI'))
    return [
      { id: 'p1-99.5', label: 'DWI 1–99.5 %', percentiles: [1, 99.5] },
      { id: 'p5-99.9', label: 'Bright lesions 5–99.9 %', percentiles: [5, 99.9] },
      FULL,
    ];
  if (sequence.startsWith('DCE') || sequence === 'SUB')
    return [
      { id: 'p0.5-99.8', label: 'DCE 0.5–99.8 %', percentiles: [0.5, 99.8] },
      { id: 'p10-99.5', label: 'Enhancement 10–99.5 %', percentiles: [10, 99.5] },
      FULL,
    ];
  return [
    { id: 'p1-99', label: 'Soft tissue 1–99 %', percentiles: [1, 99] },
    { id: 'p2-98', label: 'Contrast 2–98 %', percentiles: [2, 98] },
    FULL,
  ];
}

/** Sorted sample of the non-zero voxels (every n-th voxel, at most ~200 000) for percentiles. */
export function intensitySample(data: ArrayLike<number>): Float64Array {
  const step = Math.max(1, Math.floor(data.length / 200_000));
  const out: number[] = [];
  for (let v = 0; v < data.length; v += step) if (data[v] !== 0) out.push(data[v]!);
  const sorted = Float64Array.from(out.length ? out : [0]);
  sorted.sort();
  return sorted;
}

/** Linear-interpolated percentile of a sorted sample (numpy's default 'linear' method). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 1) return sorted[0]!;
  const x = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (x - lo) * (sorted[hi]! - sorted[lo]!);
}

export function windowOf(preset: WindowPreset, sorted: Float64Array): WindowLevel {
  const [lo, hi] = preset.fixed ?? [percentile(sorted, preset.percentiles![0]), percentile(sorted, preset.percentiles![1])];
  return { window: Math.max(1e-6, hi - lo), level: (lo + hi) / 2 };
}
