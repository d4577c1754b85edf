/**
 * Face-connected regions (6-connectivity in 3D, 4 in a slice) inside a box of the grid: the
 * one traversal that flood fill, fill holes and the island tools share. The box is the whole
 * grid in 3D or one slice in 2D, so a 2D tool never allocates for the whole volume.
 */
import type { SliceAxis, Vec3 } from './grid.js';

export interface Box {
  lo: Vec3;
  hi: Vec3;
}

export function wholeGrid(size: Vec3): Box {
  return { lo: [0, 0, 0], hi: [size[0] - 1, size[1] - 1, size[2] - 1] };
}

export function sliceBox(size: Vec3, axis: SliceAxis, slice: number): Box {
  const b = wholeGrid(size);
  b.lo[axis] = slice;
  b.hi[axis] = slice;
  return b;
}

/**
 * Labels the face-connected components of the voxels for which `inside(v)` holds, within the
 * box. Returns, per box voxel (box order, i fastest), the component number (1…n; 0 = outside)
 * and each component's size and whether it touches the box's border (in the box's free axes).
 */
export function components(
  size: Vec3,
  box: Box,
  inside: (v: number) => boolean,
): { label: Int32Array; sizes: number[]; touchesBorder: boolean[] } {
  const [nx, ny] = size;
  const bx = box.hi[0] - box.lo[0] + 1;
  const by = box.hi[1] - box.lo[1] + 1;
  const bz = box.hi[2] - box.lo[2] + 1;
  const label = new Int32Array(bx * by * bz);
  const queue = new Int32Array(bx * by * bz);
  const sizes: number[] = [0];
  const touchesBorder: boolean[] = [false];
  const free = [bx > 1, by > 1, bz > 1];
  let current = 0;
  for (let start = 0; start < label.length; start++) {
    if (label[start] !== 0) continue;
    const si = start % bx;
    const sj = Math.floor(start / bx) % by;
    const sk = Math.floor(start / (bx * by));
    if (!inside(box.lo[0] + si + nx * (box.lo[1] + sj + ny * (box.lo[2] + sk)))) continue;
    current++;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    label[start] = current;
    let count = 0;
    let border = false;
    while (head < tail) {
      const b = queue[head++]!;
      count++;
      const i = b % bx;
      const j = Math.floor(b / bx) % by;
      const k = Math.floor(b / (bx * by));
      if (
        (free[0] && (i === 0 || i === bx - 1)) ||
        (free[1] && (j === 0 || j === by - 1)) ||
        (free[2] && (k === 0 || k === bz - 1))
      )
        border = true;
      const visit = (ii: number, jj: number, kk: number): void => {
        const nb = ii + bx * (jj + by * kk);
        if (label[nb] !== 0) return;
        if (!inside(box.lo[0] + ii + nx * (box.lo[1] + jj + ny * (box.lo[2] + kk)))) return;
        label[nb] = current;
        queue[tail++] = nb;
      };
      if (i > 0) visit(i - 1, j, k);
      if (i < bx - 1) visit(i + 1, j, k);
      if (j > 0) visit(i, j - 1, k);
      if (j < by - 1) visit(i, j + 1, k);
      if (k > 0) visit(i, j, k - 1);
      if (k < bz - 1) visit(i, j, k + 1);
    }
    sizes.push(count);
    touchesBorder.push(border);
  }
  return { label, sizes, touchesBorder };
}

/** Calls `f(v, b)` for every voxel of the box: grid offset v, box offset b. */
export function forEachInBox(size: Vec3, box: Box, f: (v: number, b: number) => void): void {
  const [nx, ny] = size;
  let b = 0;
  for (let k = box.lo[2]; k <= box.hi[2]; k++)
    for (let j = box.lo[1]; j <= box.hi[1]; j++) {
      const base = nx * (j + ny * k);
      for (let i = box.lo[0]; i <= box.hi[0]; i++) f(base + i, b++);
    }
}
