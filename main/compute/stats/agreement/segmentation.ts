/**
 * Agreement between two binary segmentation masks on the same voxel grid: Dice, Jaccard, volume
 * difference, and surface distances in mm. Conventions (those of MONAI's
 * compute_hausdorff_distance / compute_average_surface_distance, which build on
 * scipy.ndimage; reproduced in test/fixtures/python/segmentation_metrics.py):
 * - surface voxel: a foreground voxel with at least one face neighbour (6-connectivity in 3D,
 *   4 in 2D, i.e. mask XOR its erosion by the face-connected cross) that is background or
 *   outside the image — foreground on the image border is surface. An axis of size 1 is
 *   absent (a 2D mask is nx × ny × 1);
 * - d(A→B): for every surface voxel of A, the Euclidean distance in mm (voxel centres, spacing
 *   per axis) to the nearest surface voxel of B, from an exact distance transform
 *   (Felzenszwalb–Huttenlocher, distanceTransform.ts);
 * - Hausdorff = max(max d(A→B), max d(B→A));
 * - HD95 = max(P95 d(A→B), P95 d(B→A)), percentile with linear interpolation between order
 *   statistics (numpy.percentile default = R quantile type 7);
 * - mean surface distance (symmetric) = mean over the union of both directed distance sets,
 *   i.e. (Σ d(A→B) + Σ d(B→A)) / (|∂A| + |∂B|).
 * A is the reference, B the test segmentation; volume differences are B − A.
 */
import { StatsInputError } from '../common.js';
import { squaredDistanceTransform } from './distanceTransform.js';

export interface BinaryMask {
  /** Non-zero = foreground; nx·ny·nz values, x fastest (index x + nx·(y + ny·z)). */
  data: ArrayLike<number>;
  dims: readonly [number, number, number];
  /** Voxel size in mm along x, y, z. */
  spacing: readonly [number, number, number];
}

export interface SegmentationAgreement {
  dice: number;
  jaccard: number;
  /** Volumes in mm³ (mm² for a 2D mask with z spacing 1). */
  volumeReference: number;
  volumeTest: number;
  /** |V_test − V_ref| in mm³. */
  volumeDifferenceAbsolute: number;
  /** (V_test − V_ref) / V_ref (signed fraction). */
  volumeDifferenceRelative: number;
  /** Hausdorff distance (maximum, symmetric) in mm. */
  hausdorff: number;
  /** 95th-percentile Hausdorff distance in mm (max of the two directed 95th percentiles). */
  hausdorff95: number;
  /** Symmetric mean surface distance in mm. */
  meanSurfaceDistance: number;
  directed: {
    /** Reference surface → test surface. */
    refToTest: { mean: number; max: number; p95: number };
    testToRef: { mean: number; max: number; p95: number };
  };
  surfaceVoxels: { reference: number; test: number };
}

function checkMask(m: BinaryMask, what: string): void {
  const [nx, ny, nz] = m.dims;
  for (const n of m.dims) {
    if (!(Number.isInteger(n) && n >= 1))
      throw new StatsInputError(`${what} mask: dimensions must be positive integers (got ${m.dims.join(' × ')})`);
  }
  if (m.data.length !== nx * ny * nz) {
    throw new StatsInputError(`${what} mask: ${m.data.length} voxels for dimensions ${nx} × ${ny} × ${nz}`);
  }
  for (const s of m.spacing) {
    if (!(s > 0 && Number.isFinite(s)))
      throw new StatsInputError(`${what} mask: voxel spacing must be positive (got ${m.spacing.join(', ')})`);
  }
}

/** Surface voxels (see module comment) as a 0/1 Uint8Array. */
export function surfaceVoxels(mask: Uint8Array, dims: readonly [number, number, number]): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(mask.length);
  const sy = nx;
  const sz = nx * ny;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + sy * y + sz * z;
        if (!mask[i]) continue;
        const edge =
          (nx > 1 && (x === 0 || x === nx - 1 || !mask[i - 1] || !mask[i + 1])) ||
          (ny > 1 && (y === 0 || y === ny - 1 || !mask[i - sy] || !mask[i + sy])) ||
          (nz > 1 && (z === 0 || z === nz - 1 || !mask[i - sz] || !mask[i + sz]));
        if (edge) out[i] = 1;
      }
    }
  }
  return out;
}

/**
 * Type-7 percentile (linear interpolation between order statistics) by selection: O(n) instead
 * of a sort. `work` is reordered.
 */
function percentileSelect(work: Float64Array, p: number): number {
  const n = work.length;
  const h = (n - 1) * p;
  const k = Math.floor(h);
  // Hoare-style quickselect with a median-of-three pivot: afterwards work[k] is the k-th smallest
  // and everything right of k is ≥ it.
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const a = work[lo] as number;
    const b = work[mid] as number;
    const c = work[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((work[i] as number) < pivot) i++;
      while ((work[j] as number) > pivot) j--;
      if (i <= j) {
        const t = work[i] as number;
        work[i] = work[j] as number;
        work[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  const xk = work[k] as number;
  if (k + 1 >= n || h === k) return xk;
  let next = Infinity;
  for (let i = k + 1; i < n; i++) if ((work[i] as number) < next) next = work[i] as number;
  return xk + (h - k) * (next - xk);
}

/**
 * Directed distances (mm) from every surface voxel of `from` to the nearest surface voxel of
 * `to`, computed on the box [lo, hi] (which must contain both surfaces: exact, since all
 * features and query points lie inside it).
 */
function directedDistances(
  from: Uint8Array,
  to: Uint8Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  lo: readonly [number, number, number],
  hi: readonly [number, number, number],
): Float64Array {
  const [nx, ny] = dims;
  const bx = hi[0] - lo[0] + 1;
  const by = hi[1] - lo[1] + 1;
  const bz = hi[2] - lo[2] + 1;
  const g = new Float64Array(bx * by * bz);
  let count = 0;
  for (let z = 0; z < bz; z++) {
    for (let y = 0; y < by; y++) {
      const row = lo[0] + nx * (lo[1] + y + ny * (lo[2] + z));
      const brow = bx * (y + by * z);
      for (let x = 0; x < bx; x++) {
        g[brow + x] = to[row + x] ? 0 : Infinity;
        if (from[row + x]) count++;
      }
    }
  }
  squaredDistanceTransform(g, [bx, by, bz], spacing);
  const out = new Float64Array(count);
  let k = 0;
  for (let z = 0; z < bz; z++) {
    for (let y = 0; y < by; y++) {
      const row = lo[0] + nx * (lo[1] + y + ny * (lo[2] + z));
      const brow = bx * (y + by * z);
      for (let x = 0; x < bx; x++) if (from[row + x]) out[k++] = Math.sqrt(g[brow + x] as number);
    }
  }
  return out;
}

function summarize(d: Float64Array): { mean: number; max: number; p95: number; sum: number } {
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    sum += v;
    if (v > max) max = v;
  }
  const p95 = percentileSelect(d, 0.95);
  return { mean: sum / d.length, max, p95, sum };
}

/** Overlap, volume and surface-distance agreement of a test mask with a reference mask. */
export function segmentationAgreement(reference: BinaryMask, test: BinaryMask): SegmentationAgreement {
  checkMask(reference, 'reference');
  checkMask(test, 'test');
  for (let k = 0; k < 3; k++) {
    if (reference.dims[k] !== test.dims[k]) {
      throw new StatsInputError(
        `masks differ in size: ${reference.dims.join(' × ')} vs ${test.dims.join(' × ')}; resample to one grid first`,
      );
    }
    if (Math.abs((reference.spacing[k] as number) - (test.spacing[k] as number)) > 1e-6 * (reference.spacing[k] as number)) {
      throw new StatsInputError(
        `masks differ in voxel spacing: ${reference.spacing.join(', ')} vs ${test.spacing.join(', ')} mm`,
      );
    }
  }
  const dims = reference.dims;
  const spacing = reference.spacing;
  const [nx, ny, nz] = dims;
  const nvox = nx * ny * nz;
  const a = new Uint8Array(nvox);
  const b = new Uint8Array(nvox);
  let na = 0;
  let nb = 0;
  let inter = 0;
  const lo: [number, number, number] = [nx, ny, nz];
  const hi: [number, number, number] = [-1, -1, -1];
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const ai = (reference.data[i] as number) !== 0 ? 1 : 0;
        const bi = (test.data[i] as number) !== 0 ? 1 : 0;
        a[i] = ai;
        b[i] = bi;
        na += ai;
        nb += bi;
        inter += ai & bi;
        if (ai | bi) {
          if (x < lo[0]) lo[0] = x;
          if (x > hi[0]) hi[0] = x;
          if (y < lo[1]) lo[1] = y;
          if (y > hi[1]) hi[1] = y;
          if (z < lo[2]) lo[2] = z;
          if (z > hi[2]) hi[2] = z;
        }
      }
    }
  }
  if (na === 0 || nb === 0) {
    const which = na === 0 && nb === 0 ? 'both masks are' : na === 0 ? 'the reference mask is' : 'the test mask is';
    throw new StatsInputError(`segmentation agreement: ${which} empty; surface distances are undefined`);
  }
  const sa = surfaceVoxels(a, dims);
  const sb = surfaceVoxels(b, dims);
  const dab = summarize(directedDistances(sa, sb, dims, spacing, lo, hi));
  const dba = summarize(directedDistances(sb, sa, dims, spacing, lo, hi));
  let nsa = 0;
  let nsb = 0;
  for (let i = 0; i < nvox; i++) {
    nsa += sa[i] as number;
    nsb += sb[i] as number;
  }
  const voxel = spacing[0] * spacing[1] * spacing[2];
  const va = na * voxel;
  const vb = nb * voxel;
  return {
    dice: (2 * inter) / (na + nb),
    jaccard: inter / (na + nb - inter),
    volumeReference: va,
    volumeTest: vb,
    volumeDifferenceAbsolute: Math.abs(vb - va),
    volumeDifferenceRelative: (vb - va) / va,
    hausdorff: Math.max(dab.max, dba.max),
    hausdorff95: Math.max(dab.p95, dba.p95),
    meanSurfaceDistance: (dab.sum + dba.sum) / (nsa + nsb),
    directed: {
      refToTest: { mean: dab.mean, max: dab.max, p95: dab.p95 },
      testToRef: { mean: dba.mean, max: dba.max, p95: dba.p95 },
    },
    surfaceVoxels: { reference: nsa, test: nsb },
  };
}
