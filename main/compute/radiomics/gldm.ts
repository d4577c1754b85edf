/**
 * Grey Level Dependence Matrix features, PyRadiomics definitions (radiomics/gldm.py,
 * cmatrices.c `calculate_gldm`). IBSI's NGLDM (chapter 3.11, family REK0) is the same matrix.
 *
 * For each ROI voxel, count the ROI neighbours (all offsets at the `distances`, both directions)
 * whose grey level differs by at most α = gldm_a; P(i, j) counts voxels of grey level i with
 * j − 1 dependent neighbours (j = 1 means none: the voxel itself). N_z = Σ P = N_p.
 */
import { generateAngles } from './angles.js';
import type { DiscretizedRoi } from './discretize.js';
import type { RadiomicsSettings } from './settings.js';
import { compactLevelIndex, grayLevelSizeSums } from './texture.js';

type GldmSettings = Pick<RadiomicsSettings, 'distances' | 'force2D' | 'force2Ddimension' | 'gldm_a'>;

export interface GldmMatrix {
  ngp: number;
  /** Columns j = 1…nd (dependence count + 1). */
  nd: number;
  counts: Float64Array;
}

export function computeGldm(roi: DiscretizedRoi, s: GldmSettings): GldmMatrix {
  const [nx, ny, nz] = roi.size;
  const angles = generateAngles(roi.size, s.distances, true, s.force2D ? s.force2Ddimension : -1);
  const na = angles.count;
  const nd = na + 1;
  const ngp = roi.grayLevels.length;
  const idx = compactLevelIndex(roi);
  const counts = new Float64Array(ngp * nd);
  const { levels, mask } = roi;
  const alpha = s.gldm_a;
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        if (!mask[o]) continue;
        const g = levels[o]!;
        let dep = 0;
        for (let a = 0; a < na; a++) {
          const ck = k + angles.zyx[a * 3]!;
          const cj = j + angles.zyx[a * 3 + 1]!;
          const ci = i + angles.zyx[a * 3 + 2]!;
          if (ci < 0 || ci >= nx || cj < 0 || cj >= ny || ck < 0 || ck >= nz) continue;
          const w = ci + nx * (cj + ny * ck);
          if (mask[w] && Math.abs(levels[w]! - g) <= alpha) dep++;
        }
        counts[idx[g]! * nd + dep]!++;
      }
  return { ngp, nd, counts };
}

export function gldmFeatures(roi: DiscretizedRoi, s: GldmSettings): Record<string, number> {
  const { ngp, nd, counts } = computeGldm(roi, s);
  return dependenceFeatures(counts, ngp, nd, roi.grayLevels);
}

/** GLDM features of a raw count matrix P(i, j). */
export function dependenceFeatures(counts: Float64Array, ngp: number, nd: number, lv: Int32Array): Record<string, number> {
  const t = grayLevelSizeSums(counts, ngp, nd, lv);
  const nz = t.nz;
  return {
    DependenceEntropy: t.entropy,
    DependenceNonUniformity: t.sizeNonUniformity / nz,
    DependenceNonUniformityNormalized: t.sizeNonUniformity / (nz * nz),
    DependenceVariance: t.sizeVariance,
    GrayLevelNonUniformity: t.grayNonUniformity / nz,
    GrayLevelVariance: t.grayVariance,
    HighGrayLevelEmphasis: t.highGray / nz,
    LargeDependenceEmphasis: t.large / nz,
    LargeDependenceHighGrayLevelEmphasis: t.largeHighGray / nz,
    LargeDependenceLowGrayLevelEmphasis: t.largeLowGray / nz,
    LowGrayLevelEmphasis: t.lowGray / nz,
    SmallDependenceEmphasis: t.small / nz,
    SmallDependenceHighGrayLevelEmphasis: t.smallHighGray / nz,
    SmallDependenceLowGrayLevelEmphasis: t.smallLowGray / nz,
  };
}
