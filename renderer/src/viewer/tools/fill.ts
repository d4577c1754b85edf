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
 * ± `tolerance` of the seed's intensity gets `value`. Returns the region size. Only the seed's
 * region is traversed (a byte per box voxel plus a queue that grows with the region), so a 3D
 * fill on a 512×512×160 series does not allocate a component map of the whole volume.
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
  const [nx, ny] = g.size;
  const s = image[offsetOf(g.size, seed)]!;
  const lo = s - o.tolerance;
  const hi = s + o.tolerance;
  const box = boxFor(g.size, o, seed[o.axis]);
  const bx = box.hi[0] - box.lo[0] + 1;
  const by = box.hi[1] - box.lo[1] + 1;
  const bz = box.hi[2] - box.lo[2] + 1;
  const seen = new Uint8Array(bx * by * bz);
  let queue = new Uint32Array(1024);
  let head = 0;
  let tail = 0;
  const push = (b: number): void => {
    if (tail === queue.length) {
      const bigger = new Uint32Array(queue.length * 2);
      bigger.set(queue);
      queue = bigger;
    }
    queue[tail++] = b;
  };
  const start = seed[0] - box.lo[0] + bx * (seed[1] - box.lo[1] + by * (seed[2] - box.lo[2]));
  seen[start] = 1;
  push(start);
  let n = 0;
  while (head < tail) {
    const b = queue[head++]!;
    const i = b % bx;
    const j = Math.floor(b / bx) % by;
    const k = Math.floor(b / (bx * by));
    rec.set(box.lo[0] + i + nx * (box.lo[1] + j + ny * (box.lo[2] + k)), o.value);
    n++;
    for (let d = 0; d < 6; d++) {
      const ii = i + (d === 0 ? -1 : d === 1 ? 1 : 0);
      const jj = j + (d === 2 ? -1 : d === 3 ? 1 : 0);
      const kk = k + (d === 4 ? -1 : d === 5 ? 1 : 0);
      if (ii < 0 || jj < 0 || kk < 0 || ii >= bx || jj >= by || kk >= bz) continue;
      const nb = ii + bx * (jj + by * kk);
      if (seen[nb]) continue;
      const x = image[box.lo[0] + ii + nx * (box.lo[1] + jj + ny * (box.lo[2] + kk))]!;
      if (x < lo || x > hi) continue;
      seen[nb] = 1;
      push(nb);
    }
  }
  return n;
}

/**
 * The box of `value`'s voxels within `scope`, grown by one voxel (clamped to the scope): holes
 * and islands lie inside it, and its one-voxel rim of background connects everything outside,
 * so working in it gives the same result as the whole scope at a fraction of the memory.
 */
function labelBox(g: EditRecorder['grid'], value: number, scope: Box): Box | null {
  const [nx, ny] = g.size;
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let k = scope.lo[2]; k <= scope.hi[2]; k++)
    for (let j = scope.lo[1]; j <= scope.hi[1]; j++) {
      const base = nx * (j + ny * k);
      for (let i = scope.lo[0]; i <= scope.hi[0]; i++) {
        if (g.data[base + i] !== value) continue;
        if (i < lo[0]) lo[0] = i;
        if (i > hi[0]) hi[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (j > hi[1]) hi[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (k > hi[2]) hi[2] = k;
      }
    }
  if (lo[0] === Infinity) return null;
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(scope.lo[a]!, lo[a]! - 1);
    hi[a] = Math.min(scope.hi[a]!, hi[a]! + 1);
  }
  return { lo, hi };
}

/** Background regions enclosed by `value` (not reaching the border of the slice/volume) become `value`. */
export function fillHoles(rec: EditRecorder, o: Scope & { value: number; slice?: number }): number {
  const g = rec.grid;
  checkGrid(g);
  const slices = o.mode === '2d' ? (o.slice !== undefined ? [o.slice] : [...Array(g.size[o.axis]).keys()]) : [0];
  let filled = 0;
  for (const slice of slices) {
    const box = labelBox(g, o.value, boxFor(g.size, o, slice));
    if (!box) continue;
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
  const box = labelBox(g, o.value, boxFor(g.size, o, slice));
  if (!box) return 0;
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
