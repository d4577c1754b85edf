/**
 * Compact storage of a binary mask on a voxel grid (voxel order of volume.ts): alternating
 * run lengths (background first, then foreground, …) as little-endian uint32, gzip-compressed.
 * A lesion mask on a 512×512×160 breast MRI is a few hundred runs, so a few kB.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Geometry } from './volume.js';
import { voxelCount } from './volume.js';

/** Alternating run lengths of a binary mask (non-zero = 1), background first. */
export function maskRuns(mask: Uint8Array): number[] {
  const runs: number[] = [];
  let current = 0;
  let run = 0;
  for (let v = 0; v < mask.length; v++) {
    const bit = mask[v] !== 0 ? 1 : 0;
    if (bit === current) run++;
    else {
      runs.push(run);
      current = bit;
      run = 1;
    }
  }
  runs.push(run);
  return runs;
}

export function encodeMask(mask: Uint8Array): Uint8Array {
  const runs = maskRuns(mask);
  const raw = new Uint8Array(4 * runs.length);
  const view = new DataView(raw.buffer);
  for (let r = 0; r < runs.length; r++) view.setUint32(4 * r, runs[r]!, true);
  return new Uint8Array(gzipSync(raw));
}

/** Inverse of encodeMask; `length` is the voxel count of the grid, checked against the runs. */
export function decodeMask(blob: Uint8Array, length: number): Uint8Array {
  const raw = gunzipSync(blob);
  if (raw.length % 4 !== 0) throw new Error('mask blob is not a sequence of uint32 run lengths');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const out = new Uint8Array(length);
  let v = 0;
  for (let r = 0; r < raw.length / 4; r++) {
    const run = view.getUint32(4 * r, true);
    if (v + run > length) throw new Error(`mask runs cover more than the ${length} voxels of the grid`);
    if (r % 2 === 1) out.fill(1, v, v + run);
    v += run;
  }
  if (v !== length) throw new Error(`mask runs cover ${v} voxels, the grid has ${length}`);
  return out;
}

export interface MaskStats {
  voxelCount: number;
  volumeMm3: number;
  /** Voxel index bounds, inclusive: [iMin, iMax, jMin, jMax, kMin, kMax]; null when empty. */
  bbox: [number, number, number, number, number, number] | null;
}

/** Voxel count, volume (count × voxel volume, as PyRadiomics' VoxelVolume) and index bounding box. */
export function maskStats(mask: Uint8Array, grid: Geometry): MaskStats {
  const [nx, ny] = grid.size;
  if (mask.length !== voxelCount(grid)) throw new Error('mask and grid sizes differ');
  let count = 0;
  const b: [number, number, number, number, number, number] = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
  for (let v = 0; v < mask.length; v++) {
    if (mask[v] === 0) continue;
    count++;
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    if (i < b[0]) b[0] = i;
    if (i > b[1]) b[1] = i;
    if (j < b[2]) b[2] = j;
    if (j > b[3]) b[3] = j;
    if (k < b[4]) b[4] = k;
    if (k > b[5]) b[5] = k;
  }
  const voxelMm3 = grid.spacingMm[0] * grid.spacingMm[1] * grid.spacingMm[2];
  return { voxelCount: count, volumeMm3: count * voxelMm3, bbox: count === 0 ? null : b };
}
