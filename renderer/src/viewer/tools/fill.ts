/**
 * Region tools on the labelmap: flood fill / region growing from a seed, fill holes, keep the
 * largest component, remove small islands. Each works in one slice ('2d', across `axis`) or in
 * the whole volume ('3d'), with face connectivity (region.ts).
 */
import { checkGrid, type EditRecorder, type Intensities, type SliceAxis, type Vec3 } from './grid.js';
import { components, forEachInBox, sliceBox, wholeGrid, type Box } from './region.js';

export interface Scope {
  mode: '2d' | '3d';
  axis: SliceAxis;
}

function boxFor(size: Vec3, scope: Scope, slice: number): Box {
  return scope.mode === '2d' ? sliceBox(size, scope.axis, slice) : wholeGrid(size);
}

function offsetOf(size: Vec3, p: Vec3): number {
  return p[0] + size[0] * (p[1] + size[1] * p[2]);
}

/**
 * Region growing: every voxel face-connected to the seed whose intensity lies within
 * `toleranceAbove`/`toleranceBelow` of the seed's intensity gets `value`. Returns the region size.
 */
export function floodFill(
  rec: EditRecorder,
  image: Intensities,
  seed: Vec3,
  o: Scope & { value: number; tolerance: number },
): number {
  const g = rec.grid;
  checkGrid(g, image);
  if (seed.some((x, a) => !Number.isInteger(x) || x < 0 || x >= g.size[a]!))
    throw new Error(`seed ${seed.join(', ')} is outside the ${g.size.join('×')} grid`);
  const s = image[offsetOf(g.size, seed)]!;
  const lo = s - o.tolerance;
  const hi = s + o.tolerance;
  const box = boxFor(g.size, o, seed[o.axis]);
  const { label } = components(g.size, box, (v) => image[v]! >= lo && image[v]! <= hi);
  const b0 = box.lo;
  const bx = box.hi[0] - b0[0] + 1;
  const by = box.hi[1] - b0[1] + 1;
  const seedLabel = label[seed[0] - b0[0] + bx * (seed[1] - b0[1] + by * (seed[2] - b0[2]))]!;
  let n = 0;
  forEachInBox(g.size, box, (v, b) => {
    if (label[b] === seedLabel) {
      rec.set(v, o.value);
      n++;
    }
  });
  return n;
}

/** Background regions enclosed by `value` (not reaching the border of the slice/volume) become `value`. */
export function fillHoles(rec: EditRecorder, o: Scope & { value: number; slice?: number }): number {
  const g = rec.grid;
  checkGrid(g);
  const slices = o.mode === '2d' ? (o.slice !== undefined ? [o.slice] : [...Array(g.size[o.axis]).keys()]) : [0];
  let filled = 0;
  for (const slice of slices) {
    const box = boxFor(g.size, o, slice);
    const { label, touchesBorder } = components(g.size, box, (v) => g.data[v] !== o.value);
    forEachInBox(g.size, box, (v, b) => {
      const c = label[b]!;
      if (c !== 0 && !touchesBorder[c]) {
        rec.set(v, o.value);
        filled++;
      }
    });
  }
  return filled;
}

/**
 * Islands of `value`: keeps only the largest component (`keepLargest`), or removes the
 * components smaller than `minVoxels`. Ties for the largest keep the first in voxel order.
 * Returns the number of voxels removed.
 */
export function removeIslands(
  rec: EditRecorder,
  o: Scope & { value: number; slice?: number } & ({ keepLargest: true } | { minVoxels: number }),
): number {
  const g = rec.grid;
  checkGrid(g);
  const slice = o.slice ?? 0;
  const box = boxFor(g.size, o, slice);
  const { label, sizes } = components(g.size, box, (v) => g.data[v] === o.value);
  let largest = 0;
  for (let c = 1; c < sizes.length; c++) if (sizes[c]! > (sizes[largest] ?? 0)) largest = c;
  const drop = (c: number): boolean => ('keepLargest' in o ? c !== largest : sizes[c]! < o.minVoxels);
  let removed = 0;
  forEachInBox(g.size, box, (v, b) => {
    const c = label[b]!;
    if (c !== 0 && drop(c)) {
      rec.set(v, 0);
      removed++;
    }
  });
  return removed;
}
