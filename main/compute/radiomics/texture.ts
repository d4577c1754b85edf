/**
 * Helpers shared by the texture classes: compact grey-level indices, angle norms for
 * distance weighting, and NaN-ignoring means (numpy.nanmean, which PyRadiomics uses to average
 * a feature over angles after marking empty angles NaN).
 */
import type { Angles } from './angles.js';
import type { DiscretizedRoi } from './discretize.js';
import { EPS } from './firstorder.js';
import type { WeightingNorm } from './settings.js';

/**
 * Index of each grey level among the levels present (−1 when absent): PyRadiomics deletes the
 * rows/columns of absent levels from every matrix, but keeps the level values themselves.
 */
export function compactLevelIndex(roi: DiscretizedRoi): Int32Array {
  const idx = new Int32Array(roi.ng + 1).fill(-1);
  for (let c = 0; c < roi.grayLevels.length; c++) idx[roi.grayLevels[c]!] = c;
  return idx;
}

export function nanMean(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return n === 0 ? NaN : sum / n;
}

/**
 * Length of angle `a` under `norm`, with PyRadiomics' spacing order (z, y, x) matched to the
 * (dz, dy, dx) offsets.
 */
export function angleNorm(angles: Angles, a: number, spacingXyz: readonly number[], norm: WeightingNorm): number {
  const dz = Math.abs(angles.zyx[a * 3]!) * spacingXyz[2]!;
  const dy = Math.abs(angles.zyx[a * 3 + 1]!) * spacingXyz[1]!;
  const dx = Math.abs(angles.zyx[a * 3 + 2]!) * spacingXyz[0]!;
  switch (norm) {
    case 'infinity':
      return Math.max(dz, dy, dx);
    case 'euclidean':
      return Math.sqrt(dz * dz + dy * dy + dx * dx);
    case 'manhattan':
      return dz + dy + dx;
    case 'no_weighting':
      return 1;
  }
}

/** Sums over a grey level × size count matrix P(i, j), j = 1…ns (GLSZM zone size, GLDM dependence). */
export interface GrayLevelSizeSums {
  /** Number of zones (or dependences): Σ P. */
  nz: number;
  /** Σ_j j·P(·, j): voxels covered by the zones. */
  np: number;
  /** Σ P(·, j) / j² */
  small: number;
  /** Σ P(·, j) · j² */
  large: number;
  /** Σ_j P(·, j)² */
  sizeNonUniformity: number;
  /** Variance of j under p = P / nz. */
  sizeVariance: number;
  /** Σ_i P(i, ·)² */
  grayNonUniformity: number;
  /** Σ P(i, ·) / i² */
  lowGray: number;
  /** Σ P(i, ·) · i² */
  highGray: number;
  /** Variance of i under p = P / nz. */
  grayVariance: number;
  /** −Σ p log2(p + ε) */
  entropy: number;
  smallLowGray: number;
  smallHighGray: number;
  largeLowGray: number;
  largeHighGray: number;
}

/**
 * The sums GLSZM (IBSI 9SAK) and GLDM share: the same formulas over P(i, j), named zone
 * or dependence by the caller. Each class normalises by nz (or nz²) itself.
 */
export function grayLevelSizeSums(counts: Float64Array, ngp: number, ns: number, lv: Int32Array): GrayLevelSizeSums {
  const pg = new Float64Array(ngp);
  const ps = new Float64Array(ns);
  let nz = 0;
  for (let g = 0; g < ngp; g++)
    for (let r = 0; r < ns; r++) {
      const v = counts[g * ns + r]!;
      pg[g]! += v;
      ps[r]! += v;
      nz += v;
    }
  let np = 0;
  let small = 0;
  let large = 0;
  let sizeNonUniformity = 0;
  let uj = 0;
  for (let r = 0; r < ns; r++) {
    const j = r + 1;
    np += ps[r]! * j;
    small += ps[r]! / (j * j);
    large += ps[r]! * j * j;
    sizeNonUniformity += ps[r]! * ps[r]!;
    uj += (ps[r]! / nz) * j;
  }
  let sizeVariance = 0;
  for (let r = 0; r < ns; r++) sizeVariance += (ps[r]! / nz) * (r + 1 - uj) ** 2;
  let grayNonUniformity = 0;
  let lowGray = 0;
  let highGray = 0;
  let ui = 0;
  for (let g = 0; g < ngp; g++) {
    const i = lv[g]!;
    grayNonUniformity += pg[g]! * pg[g]!;
    lowGray += pg[g]! / (i * i);
    highGray += pg[g]! * i * i;
    ui += (pg[g]! / nz) * i;
  }
  let grayVariance = 0;
  for (let g = 0; g < ngp; g++) grayVariance += (pg[g]! / nz) * (lv[g]! - ui) ** 2;
  let entropy = 0;
  let smallLowGray = 0;
  let smallHighGray = 0;
  let largeLowGray = 0;
  let largeHighGray = 0;
  for (let g = 0; g < ngp; g++) {
    const i2 = lv[g]! * lv[g]!;
    for (let r = 0; r < ns; r++) {
      const v = counts[g * ns + r]!;
      if (v === 0) continue;
      const j2 = (r + 1) * (r + 1);
      const p = v / nz;
      entropy -= p * Math.log2(p + EPS);
      smallLowGray += v / (i2 * j2);
      smallHighGray += (v * i2) / j2;
      largeLowGray += (v * j2) / i2;
      largeHighGray += v * i2 * j2;
    }
  }
  return {
    nz,
    np,
    small,
    large,
    sizeNonUniformity,
    sizeVariance,
    grayNonUniformity,
    lowGray,
    highGray,
    grayVariance,
    entropy,
    smallLowGray,
    smallHighGray,
    largeLowGray,
    largeHighGray,
  };
}
