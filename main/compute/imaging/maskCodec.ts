/**
 * Compact storage of a labelmap on a voxel grid (voxel order of volume.ts), gzip-compressed.
 * Two formats, told apart by their first bytes:
 * - version 1 (binary masks, every mask stored before several labels existed): alternating run
 *   lengths (background first, then foreground, …) as little-endian uint32.
 * - version 2 (a label value above 1 present): the magic "RLM2", uint32 run count n, the n
 *   alternating run lengths as uint32 (a zero-length background run separates two touching
 *   labels), then one uint8 label value (1…255) per foreground run.
 * Masks whose labels are all 1 are still written as version 1, so their bytes and SHA-256 do
 * not change. A lesion mask on a 512×512×160 breast MRI is a few hundred runs, so a few kB.
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

/**
 * Runs of a labelmap: alternating run lengths (background first) and the label value of each
 * foreground run (runs[2r+1] has values[r]). Touching labels are separated by an empty
 * background run. For a binary mask the runs equal maskRuns and every value is 1.
 */
export function labelRuns(mask: Uint8Array): { runs: number[]; values: number[] } {
  const runs: number[] = [];
  const values: number[] = [];
  let current = 0;
  let run = 0;
  for (let v = 0; v < mask.length; v++) {
    const l = mask[v]!;
    if (l === current) {
      run++;
      continue;
    }
    runs.push(run);
    if (current !== 0 && l !== 0) {
      // Label to another label: an empty background run between them.
      runs.push(0);
    }
    if (l !== 0) values.push(l);
    current = l;
    run = 1;
  }
  runs.push(run);
  return { runs, values };
}

/**
 * The labelmap of runs and values (labelRuns' form); `values` absent means every foreground
 * run is label 1. Throws, naming `what`, when the runs do not cover exactly `length` voxels or
 * a value is not 1…255.
 */
export function maskFromLabelRuns(
  runs: readonly number[],
  values: readonly number[] | undefined,
  length: number,
  what: string,
): Uint8Array {
  checkLabelRuns(runs, values, length, what);
  const out = new Uint8Array(length);
  let v = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    if (r % 2 === 1) out.fill(values ? values[(r - 1) / 2]! : 1, v, v + run);
    v += run;
  }
  return out;
}

/**
 * Checks runs and values as maskFromLabelRuns does (throwing its messages) without building the
 * labelmap; returns the labelled voxel count.
 */
export function checkLabelRuns(
  runs: readonly number[],
  values: readonly number[] | undefined,
  length: number,
  what: string,
): number {
  const foreground = Math.floor(runs.length / 2);
  if (values && values.length !== foreground)
    throw new Error(`${what}: ${values.length} label values for ${foreground} labelled runs.`);
  let total = 0;
  let labelled = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    if (!Number.isInteger(run) || run < 0) throw new Error(`${what}: run ${r} (${run}) is not a whole number of voxels.`);
    total += run;
    if (r % 2 === 1) {
      labelled += run;
      const l = values ? values[(r - 1) / 2]! : 1;
      if (!Number.isInteger(l) || l < 1 || l > 255)
        throw new Error(`${what}: label value ${l} of run ${r} is not an integer 1…255.`);
    }
  }
  if (total !== length) throw new Error(`${what} covers ${total} voxels, the series grid has ${length}.`);
  return labelled;
}

/** First four bytes of a version-2 blob ("RLM2"). */
const MAGIC_V2 = 0x324d4c52;

export function encodeMask(mask: Uint8Array): Uint8Array {
  const { runs, values } = labelRuns(mask);
  return encodeLabelRuns(runs, values);
}

/**
 * encodeMask from the labelmap's runs and values (labelRuns' form, values absent = all label 1),
 * without the labelmap: an autosaved draft arrives as runs. Runs in labelRuns' canonical form give
 * encodeMask's bytes; others (a zero run that is not between two labels) decode to the same mask.
 */
export function encodeLabelRuns(runs: readonly number[], values: readonly number[] | undefined): Uint8Array {
  if (values && values.some((l) => l !== 1)) {
    const raw = new Uint8Array(8 + 4 * runs.length + values.length);
    const view = new DataView(raw.buffer);
    view.setUint32(0, MAGIC_V2, true);
    view.setUint32(4, runs.length, true);
    for (let r = 0; r < runs.length; r++) view.setUint32(8 + 4 * r, runs[r]!, true);
    raw.set(values, 8 + 4 * runs.length);
    return new Uint8Array(gzipSync(raw));
  }
  const raw = new Uint8Array(4 * runs.length);
  const view = new DataView(raw.buffer);
  for (let r = 0; r < runs.length; r++) view.setUint32(4 * r, runs[r]!, true);
  return new Uint8Array(gzipSync(raw));
}

/** Inverse of encodeMask (either version); `length` is the voxel count of the grid, checked against the runs. */
export function decodeMask(blob: Uint8Array, length: number): Uint8Array {
  const raw = gunzipSync(blob);
  // A version-1 mask whose first background run equals the magic would cover more than 800 M
  // voxels; such a run cannot fit the grid, so the magic is unambiguous for grids below that.
  if (
    raw.length >= 8 &&
    new DataView(raw.buffer, raw.byteOffset, raw.length).getUint32(0, true) === MAGIC_V2 &&
    length < MAGIC_V2
  )
    return decodeV2(raw, length);
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

function decodeV2(raw: Buffer, length: number): Uint8Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const n = view.getUint32(4, true);
  const foreground = Math.floor(n / 2);
  if (raw.length !== 8 + 4 * n + foreground)
    throw new Error(`mask blob (version 2) holds ${raw.length} bytes, ${n} runs need ${8 + 4 * n + foreground}`);
  const runs: number[] = new Array<number>(n);
  for (let r = 0; r < n; r++) runs[r] = view.getUint32(8 + 4 * r, true);
  const values = Array.from(raw.subarray(8 + 4 * n));
  return maskFromLabelRuns(runs, values, length, 'mask blob');
}

/** Voxel count of each label value present (value → count). */
export function labelCounts(mask: Uint8Array): Map<number, number> {
  const counts = new Uint32Array(256);
  for (let v = 0; v < mask.length; v++) counts[mask[v]!]!++;
  const out = new Map<number, number>();
  for (let l = 1; l < 256; l++) if (counts[l]! > 0) out.set(l, counts[l]!);
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
