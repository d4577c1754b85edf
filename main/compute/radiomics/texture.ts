/**
 * Helpers shared by the texture classes: compact grey-level indices, angle norms for
 * distance weighting, and NaN-ignoring means (numpy.nanmean, which PyRadiomics uses to average
 * a feature over angles after marking empty angles NaN).
 */
import type { Angles } from './angles.js';
import type { DiscretizedRoi } from './discretize.js';
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
