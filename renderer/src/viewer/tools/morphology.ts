/**
 * Dilation and erosion of one label by an ellipsoid (3D) or ellipse (2D, across `axis`) of
 * radius `radiusMm`, i.e. the same physical ball whatever the voxel spacing:
 *   offset d is in the structuring element when Σ (d_a · spacing_a)² ≤ radius².
 * Voxels outside the grid count as background (erosion shrinks a label that touches the border).
 */
import { checkGrid, type EditRecorder, type SliceAxis } from './grid.js';

export interface MorphologyOptions {
  operation: 'dilate' | 'erode';
  radiusMm: number;
  mode: '2d' | '3d';
  axis: SliceAxis;
  value: number;
}

/** Offsets (di, dj, dk) of the structuring element, centre excluded. */
export function structuringElement(
  spacingMm: readonly number[],
  radiusMm: number,
  mode: '2d' | '3d',
  axis: SliceAxis,
): number[][] {
  const reach = [0, 1, 2].map((a) => (mode === '2d' && a === axis ? 0 : Math.floor(radiusMm / spacingMm[a]! + 1e-9)));
  const out: number[][] = [];
  const r2 = radiusMm * radiusMm * (1 + 1e-9);
  for (let dk = -reach[2]!; dk <= reach[2]!; dk++)
    for (let dj = -reach[1]!; dj <= reach[1]!; dj++)
      for (let di = -reach[0]!; di <= reach[0]!; di++) {
        if (di === 0 && dj === 0 && dk === 0) continue;
        const d2 = (di * spacingMm[0]!) ** 2 + (dj * spacingMm[1]!) ** 2 + (dk * spacingMm[2]!) ** 2;
        if (d2 <= r2) out.push([di, dj, dk]);
      }
  return out;
}

/** Returns the number of voxels changed. */
export function morphology(rec: EditRecorder, o: MorphologyOptions): number {
  const g = rec.grid;
  checkGrid(g);
  const [nx, ny, nz] = g.size;
  const element = structuringElement(g.spacingMm, o.radiusMm, o.mode, o.axis);
  if (element.length === 0) return 0;
  const src = g.data.slice();
  // Only voxels near the label can change: its bounding box grown by the element's reach.
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < src.length; v++) {
    if (src[v] !== o.value) continue;
    const c = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      if (c[a]! < lo[a]!) lo[a] = c[a]!;
      if (c[a]! > hi[a]!) hi[a] = c[a]!;
    }
  }
  if (lo[0] === Infinity) return 0;
  const reach = [0, 1, 2].map((a) => Math.max(...element.map((d) => Math.abs(d[a]!))));
  if (o.operation === 'dilate')
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.max(0, lo[a]! - reach[a]!);
      hi[a] = Math.min(g.size[a]! - 1, hi[a]! + reach[a]!);
    }
  const before = rec.changed;
  const isLabel = (i: number, j: number, k: number): boolean =>
    i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && src[i + nx * (j + ny * k)] === o.value;
  for (let k = lo[2]!; k <= hi[2]!; k++)
    for (let j = lo[1]!; j <= hi[1]!; j++)
      for (let i = lo[0]!; i <= hi[0]!; i++) {
        const v = i + nx * (j + ny * k);
        const inLabel = src[v] === o.value;
        if (o.operation === 'dilate' && !inLabel) {
          if (element.some((d) => isLabel(i + d[0]!, j + d[1]!, k + d[2]!))) rec.set(v, o.value);
        } else if (o.operation === 'erode' && inLabel) {
          if (element.some((d) => !isLabel(i + d[0]!, j + d[1]!, k + d[2]!))) rec.set(v, 0);
        }
      }
  return rec.changed - before;
}
