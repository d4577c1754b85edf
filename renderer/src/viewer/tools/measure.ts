/**
 * Measurements of one label: volume (voxel count × voxel volume, as PyRadiomics'
 * shape VoxelVolume) and the longest in-plane diameter (RECIST-style: the largest distance
 * between two voxel centres of the label in one slice across `axis`, in mm, over all slices).
 */
import type { LabelGrid, SliceAxis } from './grid.js';

export interface LabelMeasurements {
  voxelCount: number;
  volumeMm3: number;
  /** 0 for an empty label; null slice when empty. */
  longestDiameterMm: number;
  longestDiameterSlice: number | null;
}

export function measureLabel(g: LabelGrid, value: number, axis: SliceAxis = 2): LabelMeasurements {
  const [nx, ny, nz] = g.size;
  const [u, w] = ([0, 1, 2] as const).filter((a) => a !== axis) as [number, number];
  const n = [nx, ny, nz];
  const stride = [1, nx, nx * ny];
  let count = 0;
  let best = 0;
  let bestSlice: number | null = null;
  // Per slice, the extreme voxels of each row (along u) suffice: the farthest pair of a point
  // set lies on its convex hull, whose vertices are all row extremes.
  const minU = new Int32Array(n[w]!);
  const maxU = new Int32Array(n[w]!);
  for (let s = 0; s < n[axis]!; s++) {
    minU.fill(-1);
    maxU.fill(-1);
    let any = false;
    for (let b = 0; b < n[w]!; b++)
      for (let a = 0; a < n[u]!; a++) {
        if (g.data[s * stride[axis]! + a * stride[u]! + b * stride[w]!] !== value) continue;
        count++;
        any = true;
        if (minU[b] === -1) minU[b] = a;
        maxU[b] = a;
      }
    if (!any) continue;
    if (bestSlice === null) bestSlice = s;
    const pts: [number, number][] = [];
    for (let b = 0; b < n[w]!; b++) {
      if (minU[b] === -1) continue;
      pts.push([minU[b]! * g.spacingMm[u]!, b * g.spacingMm[w]!]);
      if (maxU[b] !== minU[b]) pts.push([maxU[b]! * g.spacingMm[u]!, b * g.spacingMm[w]!]);
    }
    for (let p = 0; p < pts.length; p++)
      for (let q = p + 1; q < pts.length; q++) {
        const d = Math.hypot(pts[p]![0] - pts[q]![0], pts[p]![1] - pts[q]![1]);
        if (d > best) {
          best = d;
          bestSlice = s;
        }
      }
  }
  const voxelMm3 = g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2];
  return { voxelCount: count, volumeMm3: count * voxelMm3, longestDiameterMm: best, longestDiameterSlice: bestSlice };
}
