/**
 * The discretised ROI laid out for neighbour look-ups without bounds checks: the crop padded by
 * `pad` empty voxels on every side (pad ≥ the largest neighbour distance), the grey levels in it
 * (0 outside the ROI), their compact indices + 1 (0 outside) and the list of ROI voxels. A
 * neighbour at (dz, dy, dx) of padded offset o is then o + dx + px·(dy + py·dz), and a look-up
 * past the crop lands in the padding (0), exactly as a bounds check would reject it. Built once
 * per ROI and shared by GLCM, GLRLM, GLSZM, GLDM and NGTDM.
 */
import { kernels } from './native.js';
import { generateAngles, type Angles } from './angles.js';
import type { DiscretizedRoi } from './discretize.js';
import type { RadiomicsSettings } from './settings.js';

export interface PaddedRoi {
  pad: number;
  /** Padded size (x, y, z). */
  px: number;
  py: number;
  pz: number;
  /** Grey level per padded voxel, 0 outside the ROI. */
  level: Int32Array;
  /** Compact grey-level index + 1 per padded voxel, 0 outside the ROI. */
  compact: Int32Array;
  /** Padded offsets of the ROI voxels, in crop order (x fastest). */
  voxels: Int32Array;
}

const cache = new WeakMap<DiscretizedRoi, Map<number, PaddedRoi>>();

export function paddedRoi(roi: DiscretizedRoi, pad: number): PaddedRoi {
  let byPad = cache.get(roi);
  const hit = byPad?.get(pad);
  if (hit) return hit;
  const [nx, ny, nz] = roi.size;
  const px = nx + 2 * pad;
  const py = ny + 2 * pad;
  const pz = nz + 2 * pad;
  const level = new Int32Array(px * py * pz);
  const compact = new Int32Array(px * py * pz);
  const voxels = new Int32Array(roi.voxelCount);
  const idx = new Int32Array(roi.ng + 1);
  for (let c = 0; c < roi.grayLevels.length; c++) idx[roi.grayLevels[c]!] = c + 1;
  const { levels, mask } = roi;
  let n = 0;
  const kn = kernels();
  if (kn) n = kn.paddedFill(levels, mask, nx, ny, nz, pad, idx, level, compact, voxels);
  else
    for (let k = 0, o = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) {
        let p = pad + px * (j + pad + py * (k + pad));
        for (let i = 0; i < nx; i++, o++, p++) {
          if (!mask[o]) continue;
          const g = levels[o]!;
          level[p] = g;
          compact[p] = idx[g]!;
          voxels[n++] = p;
        }
      }
  const out: PaddedRoi = { pad, px, py, pz, level, compact, voxels: n === voxels.length ? voxels : voxels.subarray(0, n) };
  if (!byPad) {
    byPad = new Map();
    cache.set(roi, byPad);
  }
  byPad.set(pad, out);
  return out;
}

/** Padded offset of each angle (dz, dy, dx). */
export function angleOffsets(angles: Angles, p: PaddedRoi): Int32Array {
  const off = new Int32Array(angles.count);
  for (let a = 0; a < angles.count; a++) {
    off[a] = angles.zyx[a * 3 + 2]! + p.px * (angles.zyx[a * 3 + 1]! + p.py * angles.zyx[a * 3]!);
  }
  return off;
}

/** Largest |offset| along any axis, i.e. the padding the angles need. */
export function maxReach(angles: Angles): number {
  let m = 1;
  for (let e = 0; e < angles.zyx.length; e++) m = Math.max(m, Math.abs(angles.zyx[e]!));
  return m;
}

/**
 * What GLDM (α = 0) and NGTDM count over the same neighbourhood (all offsets at the distances,
 * both directions), from one pass over the ROI voxels instead of one per class.
 */
export interface NeighbourCounts {
  /** Columns of `dependence`: the number of neighbour offsets + 1. */
  nd: number;
  /** GLDM P(i, j) for α = 0: ngp × nd, j − 1 = neighbours with the voxel's grey level. */
  dependence: Float64Array;
  /** NGTDM n_i and s_i per grey level present. */
  n: Float64Array;
  s: Float64Array;
}

const countsCache = new WeakMap<DiscretizedRoi, Map<string, NeighbourCounts>>();

/** The settings that fix the full neighbourhood (all offsets at the distances, both directions). */
export type NeighbourhoodSettings = Pick<RadiomicsSettings, 'distances' | 'force2D' | 'force2Ddimension'>;

/**
 * GLDM (α = 0) and NGTDM matrices of `roi` over the full neighbourhood of `s`, cached per ROI and
 * neighbourhood. The sums are those of the separate passes, in the same order: bit-identical.
 */
export function neighbourCounts(roi: DiscretizedRoi, s: NeighbourhoodSettings): NeighbourCounts {
  const dimension = s.force2D ? s.force2Ddimension : -1;
  const key = `${s.distances.join(',')}|${dimension}`;
  let byKey = countsCache.get(roi);
  const hit = byKey?.get(key);
  if (hit) return hit;
  const angles = generateAngles(roi.size, s.distances, true, dimension);
  const na = angles.count;
  const nd = na + 1;
  const ngp = roi.grayLevels.length;
  const dependence = new Float64Array(ngp * nd);
  const n = new Float64Array(ngp);
  const sums = new Float64Array(ngp);
  const pr = paddedRoi(roi, maxReach(angles));
  const off = angleOffsets(angles, pr);
  const { level, compact, voxels } = pr;
  const k = kernels();
  if (k) k.neighbourCounts(level, compact, voxels, off, nd, dependence, n, sums);
  else
    for (let v = 0; v < voxels.length; v++) {
      const o = voxels[v]!;
      const g = level[o]!;
      let dep = 0;
      let count = 0;
      let sum = 0;
      // Neighbours outside the ROI have level 0: not dependent (g ≥ 1), nothing added to the sum.
      for (let a = 0; a < na; a++) {
        const w = level[o + off[a]!]!;
        if (w === g) dep++;
        if (w !== 0) count++;
        sum += w;
      }
      const c = compact[o]! - 1;
      dependence[c * nd + dep]!++;
      n[c]!++;
      sums[c]! += count === 0 ? 0 : Math.abs(g - sum / count);
    }
  const out = { nd, dependence, n, s: sums };
  if (!byKey) {
    byKey = new Map();
    countsCache.set(roi, byKey);
  }
  byKey.set(key, out);
  return out;
}
