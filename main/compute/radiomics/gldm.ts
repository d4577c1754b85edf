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
import { angleOffsets, maxReach, neighbourCounts, paddedRoi } from './neighbourhood.js';
import { grayLevelSizeSums } from './texture.js';

type GldmSettings = Pick<RadiomicsSettings, 'distances' | 'force2D' | 'force2Ddimension' | 'gldm_a'>;

export interface GldmMatrix {
  ngp: number;
  /** Columns j = 1…nd (dependence count + 1). */
  nd: number;
  counts: Float64Array;
}

export function computeGldm(roi: DiscretizedRoi, s: GldmSettings): GldmMatrix {
  const ngp = roi.grayLevels.length;
  const alpha = s.gldm_a;
  // The default α = 0 shares its pass over the neighbourhood with NGTDM.
  if (alpha === 0) {
    const { nd, dependence } = neighbourCounts(roi, s);
    return { ngp, nd, counts: dependence };
  }
  const angles = generateAngles(roi.size, s.distances, true, s.force2D ? s.force2Ddimension : -1);
  const na = angles.count;
  const nd = na + 1;
  const counts = new Float64Array(ngp * nd);
  const pr = paddedRoi(roi, maxReach(angles));
  const off = angleOffsets(angles, pr);
  const { level, compact, voxels } = pr;
  for (let v = 0; v < voxels.length; v++) {
    const o = voxels[v]!;
    const g = level[o]!;
    let dep = 0;
    for (let a = 0; a < na; a++) {
      const w = level[o + off[a]!]!;
      if (w !== 0 && Math.abs(w - g) <= alpha) dep++;
    }
    counts[(compact[o]! - 1) * nd + dep]!++;
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
