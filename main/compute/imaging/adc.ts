/**
 * Apparent diffusion coefficient from diffusion-weighted images, as MR scanners compute their
 * ADC maps: the monoexponential model S_b = S_0 · exp(−b · ADC), fitted per voxel by linear
 * least squares of ln S_b on b over every b-value whose signal is positive (with two b-values
 * this is ADC = ln(S_low / S_high) / (b_high − b_low)).
 *
 * Output in 10⁻⁶ mm²/s, the unit of Siemens, GE and Philips ADC series (a value of 1,000 is
 * 1.0 × 10⁻³ mm²/s). Background voxels — lowest-b signal under a threshold — are 0, as on
 * scanner maps, and values are clamped to [0, maxAdc].
 */

export interface DiffusionImage {
  bValue: number;
  data: ArrayLike<number>;
}

export interface AdcOptions {
  /**
   * Background threshold on the lowest-b image as a fraction of its 99th percentile
   * (default 0.05; 0 keeps every voxel with a positive signal).
   */
  backgroundFraction?: number;
  /** Upper clamp in 10⁻⁶ mm²/s (default 5,000: free water at 37 °C is ≈ 3,000). */
  maxAdc?: number;
}

export interface AdcMap {
  /** ADC per voxel in 10⁻⁶ mm²/s; 0 in the background. */
  adc: Float64Array;
  bValues: number[];
  /** Lowest-b signal under which a voxel was taken as background. */
  threshold: number;
  /** Voxels fitted (signal above the threshold). */
  fitted: number;
}

/** 99th percentile (nearest rank) of the positive values, through a sorted copy of a sample. */
function percentile99(data: ArrayLike<number>): number {
  const n = data.length;
  const step = Math.max(1, Math.floor(n / 200_000));
  const sample: number[] = [];
  for (let v = 0; v < n; v += step) if (data[v]! > 0) sample.push(data[v]!);
  if (sample.length === 0) return 0;
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.ceil(0.99 * sample.length) - 1)]!;
}

export function computeAdc(images: readonly DiffusionImage[], opts: AdcOptions = {}): AdcMap {
  const sorted = [...images].sort((a, b) => a.bValue - b.bValue);
  const distinct = new Set(sorted.map((s) => s.bValue));
  if (distinct.size < 2)
    throw new Error(`an ADC map needs at least two different b-values; got ${[...distinct].join(', ') || 'none'} s/mm²`);
  if (distinct.size !== sorted.length)
    throw new Error(`b-value ${sorted.find((s, i) => i > 0 && s.bValue === sorted[i - 1]!.bValue)!.bValue} s/mm² is given twice`);
  if (sorted.some((s) => !(s.bValue >= 0) || !Number.isFinite(s.bValue)))
    throw new Error('b-values must be finite and non-negative');
  const n = sorted[0]!.data.length;
  const bad = sorted.find((s) => s.data.length !== n);
  if (bad) throw new Error(`the b = ${bad.bValue} image has ${bad.data.length} voxels, the others ${n}`);
  const fraction = opts.backgroundFraction ?? 0.05;
  if (!(fraction >= 0 && fraction < 1)) throw new Error('backgroundFraction must be in [0, 1)');
  const maxAdc = opts.maxAdc ?? 5000;
  const low = sorted[0]!.data;
  const threshold = fraction * percentile99(low);
  const m = sorted.length;
  const b = sorted.map((s) => s.bValue * 1e-6); // s/mm² → the fit's slope is then in 10⁻⁶ mm²/s
  const adc = new Float64Array(n);
  let fitted = 0;
  for (let v = 0; v < n; v++) {
    const s0 = low[v]!;
    if (!(s0 > threshold) || !(s0 > 0)) continue;
    // Least squares of y = ln S on x = b over the b-values with a positive signal.
    let k = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < m; i++) {
      const s = sorted[i]!.data[v]!;
      if (!(s > 0)) continue;
      const x = b[i]!;
      const y = Math.log(s);
      k++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    let value: number;
    if (k >= 2) {
      const den = k * sxx - sx * sx;
      value = den > 0 ? -(k * sxy - sx * sy) / den : 0;
    } else value = maxAdc; // every diffusion-weighted signal gone: beyond the measurable range
    adc[v] = value <= 0 ? 0 : value > maxAdc ? maxAdc : value;
    fitted++;
  }
  return { adc, bValues: sorted.map((s) => s.bValue), threshold, fitted };
}

/** The map as a scanner stores it: unsigned 16-bit integers, rescale slope 1. */
export function adcToStored(adc: Float64Array): Uint16Array {
  const out = new Uint16Array(adc.length);
  for (let v = 0; v < adc.length; v++) out[v] = Math.min(65535, Math.round(adc[v]!));
  return out;
}
