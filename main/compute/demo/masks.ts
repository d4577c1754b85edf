/**
 * Lesion masks on the image grid: the reference (the phantom's lesion at occupancy ≥ 0.5) and
 * two readers' masks that disagree at the border the way manual delineations do — a reader
 * bias (one draws generously, one tightly), a smooth boundary wobble, slice-to-slice jitter
 * (contours are drawn slice by slice) and spicules traced to a reader-specific length.
 */
import type { Geometry } from '../imaging/volume.js';
import type { LesionShape, Phantom } from './phantom.js';
import { setSpiculeStarts, shapeBox, shapeOccupancy } from './phantom.js';
import { Rng } from './random.js';

export type MaskKind = 'reference' | 'reader1' | 'reader2';

/** Reader habits: relative boundary bias, wobble amplitude, per-slice jitter SD, spicule reach. */
const READERS: Record<'reader1' | 'reader2', { bias: number; wobble: number; sliceJitter: number; reach: [number, number] }> = {
  reader1: { bias: 0.06, wobble: 0.09, sliceJitter: 0.05, reach: [0.5, 1] },
  reader2: { bias: -0.05, wobble: 0.1, sliceJitter: 0.06, reach: [0.2, 0.8] },
};

/** Reference mask of lesion `li` (0-based): 1 where that lesion's occupancy is ≥ 0.5. */
export function referenceMask(ph: Phantom, li: number): Uint8Array {
  const out = new Uint8Array(ph.lesion.length);
  for (let v = 0; v < out.length; v++) if (ph.lesionId[v] === li + 1 && ph.lesion[v]! >= 0.5) out[v] = 1;
  return out;
}

/** A reader's mask of lesion `li`, deterministic in (seed, patient, lesion, reader). */
export function readerMask(
  ph: Phantom,
  li: number,
  reader: 'reader1' | 'reader2',
  seed: number,
  patientIndex: number,
): Uint8Array {
  const shape = ph.shapes[li]!;
  const habit = READERS[reader];
  const rng = Rng.derive(seed, 'reader', reader, patientIndex, li);
  // The reader's boundary: the true bumps plus the reader's own wobble bumps (lobulation 1,
  // weights pre-scaled), so boundaryRadius evaluates both in one pass.
  const extra = 10;
  const bumps = new Float64Array(shape.bumps.length + extra * 4);
  for (let k = 0; k < shape.bumps.length; k += 4) {
    bumps.set([shape.bumps[k]!, shape.bumps[k + 1]!, shape.bumps[k + 2]!, shape.bumps[k + 3]! * shape.lobulation], k);
  }
  for (let k = 0; k < extra; k++) {
    let x = 0;
    let y = 0;
    let z = 0;
    let r = 0;
    while (r < 0.1 || r > 1) {
      x = rng.range(-1, 1);
      y = rng.range(-1, 1);
      z = rng.range(-1, 1);
      r = Math.hypot(x, y, z);
    }
    bumps.set([x / r, y / r, z / r, rng.normal(0, habit.wobble * 1.6)], shape.bumps.length + 4 * k);
  }
  const drawn: LesionShape = { ...shape, bumps, lobulation: 1, spicules: shape.spicules.slice() };
  setSpiculeStarts(drawn);
  const reach = rng.range(habit.reach[0], habit.reach[1]);
  const g: Geometry = ph.geometry;
  const [nx, ny] = g.size;
  const [sx, sy, sz] = g.spacingMm;
  const ramp = Math.max(sx, sy);
  const out = new Uint8Array(ph.lesion.length);
  const { lo, hi } = shapeBox(shape, g, 4);
  for (let k = lo[2]; k <= hi[2]; k++) {
    const scale = 1 + habit.bias + rng.normal(0, habit.sliceJitter);
    const dz = g.originMm[2] + k * sz - shape.centerMm[2];
    for (let j = lo[1]; j <= hi[1]; j++) {
      const dy = g.originMm[1] + j * sy - shape.centerMm[1];
      for (let i = lo[0]; i <= hi[0]; i++) {
        const dx = g.originMm[0] + i * sx - shape.centerMm[0];
        if (shapeOccupancy(drawn, dx, dy, dz, ramp, scale, reach) >= 0.5) out[i + nx * (j + ny * k)] = 1;
      }
    }
  }
  return out;
}

/** Dice similarity 2|A∩B| / (|A| + |B|) of two binary masks (1 when both are empty). */
export function dice(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let na = 0;
  let nb = 0;
  for (let v = 0; v < a.length; v++) {
    const x = a[v]! > 0;
    const y = b[v]! > 0;
    if (x) na++;
    if (y) nb++;
    if (x && y) both++;
  }
  return na + nb === 0 ? 1 : (2 * both) / (na + nb);
}
