/**
 * IBSI texture matrices with the aggregation methods of IBSI chapter 1 (§3.6–3.11): raw counts
 * over grey levels 1…N_g (absent levels keep their zero rows), built per slice (2D, 2.5D) or for
 * the whole volume (3D).
 *
 * Directional matrices (GLCM, GLRLM) come per (slice, in-plane direction) — the 4 directions at
 * Chebyshev distance 1 within a slice — or per 3D direction (13). Non-directional matrices (GLSZM,
 * GLDZM, NGTDM, NGLDM) come per slice (2D neighbourhoods: 8-connected, 4-connected for distances)
 * or for the volume (26-connected, 6-connected for distances). Slices without ROI voxels are left
 * out. Merging (2.5D, "merged") is the sum of counts; see ibsi/texture.ts for the features.
 */
import { generateAngles } from '../angles.js';
import type { Angles } from '../angles.js';

/** Discretised ROI for IBSI mode: levels 1…ng inside, 0 outside; x-fastest (nx, ny, nz). */
export interface IbsiRoi {
  size: [number, number, number];
  levels: Int32Array;
  mask: Uint8Array;
  /** Number of discretised grey levels (matrix size). */
  ng: number;
  /**
   * Morphological mask (before re-segmentation), which defines the ROI edge for GLDZM distances;
   * `mask` when absent.
   */
  morphologicalMask?: Uint8Array;
}

export type Dimensionality = '2D' | '3D';

/** One directional matrix: counts and the number of ROI voxels it was built from (N_v). */
export interface CountMatrix {
  /** Row-major [grey level − 1][column − 1], `cols` columns. */
  counts: Float64Array;
  cols: number;
  voxels: number;
  /** Slice index (2D) or −1 (3D); direction index for directional matrices, else −1. */
  slice: number;
  direction: number;
}

function anglesFor(roi: IbsiRoi, dim: Dimensionality): Angles {
  // 2D: in-plane offsets only (numpy axis 0 = z is the excluded one).
  return generateAngles(roi.size, [1], false, dim === '2D' ? 0 : -1);
}

/** ROI voxel count per slice (z). */
function sliceCounts(roi: IbsiRoi): Int32Array {
  const [nx, ny, nz] = roi.size;
  const c = new Int32Array(nz);
  for (let k = 0; k < nz; k++) for (let o = k * nx * ny; o < (k + 1) * nx * ny; o++) c[k]! += roi.mask[o]!;
  return c;
}

/** Symmetric GLCM counts (i, j both directions), one per (slice, direction) or per 3D direction. */
export function glcmMatrices(roi: IbsiRoi, dim: Dimensionality): CountMatrix[] {
  const [nx, ny, nz] = roi.size;
  const ng = roi.ng;
  const angles = anglesFor(roi, dim);
  const perSlice = sliceCounts(roi);
  const out: CountMatrix[] = [];
  const slices = dim === '2D' ? nz : 1;
  for (let a = 0; a < angles.count; a++) {
    const dz = angles.zyx[a * 3]!;
    const dy = angles.zyx[a * 3 + 1]!;
    const dx = angles.zyx[a * 3 + 2]!;
    for (let s = 0; s < slices; s++) {
      if (dim === '2D' && perSlice[s] === 0) continue;
      const counts = new Float64Array(ng * ng);
      const k0 = dim === '2D' ? s : 0;
      const k1 = dim === '2D' ? s + 1 : nz;
      for (let k = k0; k < k1; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            const o = i + nx * (j + ny * k);
            if (!roi.mask[o]) continue;
            const ci = i + dx;
            const cj = j + dy;
            const ck = k + dz;
            if (ci < 0 || ci >= nx || cj < 0 || cj >= ny || ck < 0 || ck >= nz) continue;
            const w = ci + nx * (cj + ny * ck);
            if (!roi.mask[w]) continue;
            const gi = roi.levels[o]! - 1;
            const gj = roi.levels[w]! - 1;
            counts[gi * ng + gj]!++;
            counts[gj * ng + gi]!++;
          }
      out.push({
        counts,
        cols: ng,
        voxels: dim === '2D' ? perSlice[s]! : sumOf(perSlice),
        slice: dim === '2D' ? s : -1,
        direction: a,
      });
    }
  }
  return out;
}

/** GLRLM counts [i][run length − 1], one per (slice, direction) or per 3D direction. */
export function glrlmMatrices(roi: IbsiRoi, dim: Dimensionality): { matrices: CountMatrix[]; maxRun: number } {
  const [nx, ny, nz] = roi.size;
  const ng = roi.ng;
  const maxRun = Math.max(nx, ny, nz);
  const angles = anglesFor(roi, dim);
  const perSlice = sliceCounts(roi);
  const out: CountMatrix[] = [];
  const slices = dim === '2D' ? nz : 1;
  for (let a = 0; a < angles.count; a++) {
    const dz = angles.zyx[a * 3]!;
    const dy = angles.zyx[a * 3 + 1]!;
    const dx = angles.zyx[a * 3 + 2]!;
    for (let s = 0; s < slices; s++) {
      if (dim === '2D' && perSlice[s] === 0) continue;
      const counts = new Float64Array(ng * maxRun);
      const k0 = dim === '2D' ? s : 0;
      const k1 = dim === '2D' ? s + 1 : nz;
      for (let k = k0; k < k1; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            // Start a line where the previous voxel along the direction is outside the crop.
            const pi = i - dx;
            const pj = j - dy;
            const pk = k - dz;
            if (pi >= 0 && pi < nx && pj >= 0 && pj < ny && pk >= k0 && pk < k1) continue;
            let ci = i;
            let cj = j;
            let ck = k;
            let gl = 0;
            let run = 0;
            while (ci >= 0 && ci < nx && cj >= 0 && cj < ny && ck >= k0 && ck < k1) {
              const o = ci + nx * (cj + ny * ck);
              const g = roi.mask[o] ? roi.levels[o]! : 0;
              if (g !== gl) {
                if (gl > 0) counts[(gl - 1) * maxRun + run - 1]!++;
                gl = g;
                run = 0;
              }
              if (g > 0) run++;
              ci += dx;
              cj += dy;
              ck += dz;
            }
            if (gl > 0) counts[(gl - 1) * maxRun + run - 1]!++;
          }
      out.push({
        counts,
        cols: maxRun,
        voxels: dim === '2D' ? perSlice[s]! : sumOf(perSlice),
        slice: dim === '2D' ? s : -1,
        direction: a,
      });
    }
  }
  return { matrices: out, maxRun };
}

/**
 * Zones (connected voxels of equal grey level; 8/26-connected) per slice or for the volume, as
 * GLSZM counts [i][size − 1] and GLDZM counts [i][distance − 1]. A zone's distance is the smallest
 * edge distance of its voxels: the city-block steps (4/6-connected) to the nearest voxel outside
 * the ROI or the crop, so voxels on the border have distance 1.
 */
export function zoneMatrices(
  roi: IbsiRoi,
  dim: Dimensionality,
): { size: CountMatrix[]; distance: CountMatrix[]; maxSize: number; maxDistance: number } {
  const [nx, ny, nz] = roi.size;
  const ng = roi.ng;
  const n = nx * ny * nz;
  const neighbours = generateAngles(roi.size, [1], true, dim === '2D' ? 0 : -1);
  const dist = edgeDistances(roi, dim);
  const perSlice = sliceCounts(roi);
  const visited = new Uint8Array(n);
  const stack = new Int32Array(n);
  const zones: { slice: number; gl: number; size: number; distance: number }[] = [];
  let maxSize = 1;
  let maxDistance = 1;
  for (let start = 0; start < n; start++) {
    if (!roi.mask[start] || visited[start]) continue;
    const gl = roi.levels[start]!;
    let top = 0;
    stack[top++] = start;
    visited[start] = 1;
    let size = 0;
    let d = Infinity;
    while (top > 0) {
      const v = stack[--top]!;
      size++;
      if (dist[v]! < d) d = dist[v]!;
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      for (let a = 0; a < neighbours.count; a++) {
        const ck = k + neighbours.zyx[a * 3]!;
        const cj = j + neighbours.zyx[a * 3 + 1]!;
        const ci = i + neighbours.zyx[a * 3 + 2]!;
        if (ci < 0 || ci >= nx || cj < 0 || cj >= ny || ck < 0 || ck >= nz) continue;
        const w = ci + nx * (cj + ny * ck);
        if (!roi.mask[w] || visited[w] || roi.levels[w] !== gl) continue;
        visited[w] = 1;
        stack[top++] = w;
      }
    }
    zones.push({ slice: dim === '2D' ? Math.floor(start / (nx * ny)) : -1, gl, size, distance: d });
    maxSize = Math.max(maxSize, size);
    maxDistance = Math.max(maxDistance, d);
  }
  const groups = dim === '2D' ? [...Array(nz).keys()].filter((s) => perSlice[s]! > 0) : [-1];
  const size: CountMatrix[] = [];
  const distance: CountMatrix[] = [];
  for (const s of groups) {
    // Each matrix is as wide as its own largest zone size / distance (they are merged by index).
    let ws = 1;
    let wd = 1;
    for (const z of zones) {
      if (z.slice !== s) continue;
      ws = Math.max(ws, z.size);
      wd = Math.max(wd, z.distance);
    }
    const sm = new Float64Array(ng * ws);
    const dm = new Float64Array(ng * wd);
    for (const z of zones) {
      if (z.slice !== s) continue;
      sm[(z.gl - 1) * ws + z.size - 1]!++;
      dm[(z.gl - 1) * wd + z.distance - 1]!++;
    }
    const voxels = s < 0 ? sumOf(perSlice) : perSlice[s]!;
    size.push({ counts: sm, cols: ws, voxels, slice: s, direction: -1 });
    distance.push({ counts: dm, cols: wd, voxels, slice: s, direction: -1 });
  }
  return { size, distance, maxSize, maxDistance };
}

/**
 * City-block distance of each voxel of the morphological mask to the nearest voxel outside it
 * (outside the crop counts as outside; in 2D only in-plane steps).
 */
function edgeDistances(roi: IbsiRoi, dim: Dimensionality): Int32Array {
  const [nx, ny, nz] = roi.size;
  const mask = roi.morphologicalMask ?? roi.mask;
  const n = nx * ny * nz;
  const d = new Int32Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const steps =
    dim === '2D'
      ? [
          [1, 0, 0],
          [-1, 0, 0],
          [0, 1, 0],
          [0, -1, 0],
        ]
      : [
          [1, 0, 0],
          [-1, 0, 0],
          [0, 1, 0],
          [0, -1, 0],
          [0, 0, 1],
          [0, 0, -1],
        ];
  // Seed: mask voxels with a face neighbour outside the mask or the crop have distance 1.
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        if (!mask[o]) continue;
        for (const [sx, sy, sz] of steps) {
          const ci = i + sx!;
          const cj = j + sy!;
          const ck = k + sz!;
          if (ci < 0 || ci >= nx || cj < 0 || cj >= ny || ck < 0 || ck >= nz || !mask[ci + nx * (cj + ny * ck)]) {
            d[o] = 1;
            queue[tail++] = o;
            break;
          }
        }
      }
  while (head < tail) {
    const v = queue[head++]!;
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    for (const [sx, sy, sz] of steps) {
      const ci = i + sx!;
      const cj = j + sy!;
      const ck = k + sz!;
      if (ci < 0 || ci >= nx || cj < 0 || cj >= ny || ck < 0 || ck >= nz) continue;
      const w = ci + nx * (cj + ny * ck);
      if (!mask[w] || d[w] !== 0) continue;
      d[w] = d[v]! + 1;
      queue[tail++] = w;
    }
  }
  return d;
}

/**
 * NGTDM (n_i, s_i; IBSI §3.10) and NGLDM (IBSI §3.11, coarseness α = 0) per slice or for the volume,
 * with Chebyshev distance 1 neighbourhoods of ROI voxels. NGTDM only counts voxels that have at
 * least one neighbour (N_v,c); NGLDM counts j = 1 + number of neighbours with equal grey level.
 */
export function neighbourhoodMatrices(
  roi: IbsiRoi,
  dim: Dimensionality,
): { ngtdm: { n: Float64Array; s: Float64Array; slice: number }[]; ngldm: CountMatrix[]; maxDependence: number } {
  const [nx, ny, nz] = roi.size;
  const ng = roi.ng;
  const neighbours = generateAngles(roi.size, [1], true, dim === '2D' ? 0 : -1);
  const maxDependence = neighbours.count + 1;
  const perSlice = sliceCounts(roi);
  const groups = dim === '2D' ? [...Array(nz).keys()].filter((s) => perSlice[s]! > 0) : [-1];
  const ngtdm: { n: Float64Array; s: Float64Array; slice: number }[] = [];
  const ngldm: CountMatrix[] = [];
  for (const s of groups) {
    const nArr = new Float64Array(ng);
    const sArr = new Float64Array(ng);
    const dep = new Float64Array(ng * maxDependence);
    const k0 = s < 0 ? 0 : s;
    const k1 = s < 0 ? nz : s + 1;
    for (let k = k0; k < k1; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const o = i + nx * (j + ny * k);
          if (!roi.mask[o]) continue;
          const g = roi.levels[o]!;
          let count = 0;
          let sum = 0;
          let same = 0;
          for (let a = 0; a < neighbours.count; a++) {
            const ck = k + neighbours.zyx[a * 3]!;
            const cj = j + neighbours.zyx[a * 3 + 1]!;
            const ci = i + neighbours.zyx[a * 3 + 2]!;
            if (ci < 0 || ci >= nx || cj < 0 || cj >= ny || ck < 0 || ck >= nz) continue;
            const w = ci + nx * (cj + ny * ck);
            if (!roi.mask[w]) continue;
            count++;
            sum += roi.levels[w]!;
            if (roi.levels[w] === g) same++;
          }
          if (count > 0) {
            nArr[g - 1]!++;
            sArr[g - 1]! += Math.abs(g - sum / count);
          }
          dep[(g - 1) * maxDependence + same]!++;
        }
    ngtdm.push({ n: nArr, s: sArr, slice: s });
    ngldm.push({ counts: dep, cols: maxDependence, voxels: s < 0 ? sumOf(perSlice) : perSlice[s]!, slice: s, direction: -1 });
  }
  return { ngtdm, ngldm, maxDependence };
}

function sumOf(a: Int32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}
