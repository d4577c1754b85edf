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
import { EPS } from './firstorder.js';
import type { RadiomicsSettings } from './settings.js';
import { compactLevelIndex } from './texture.js';

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
  const pg = new Float64Array(ngp);
  const pd = new Float64Array(nd);
  let nz = 0;
  for (let g = 0; g < ngp; g++)
    for (let d = 0; d < nd; d++) {
      const v = counts[g * nd + d]!;
      pg[g]! += v;
      pd[d]! += v;
      nz += v;
    }
  let sde = 0;
  let lde = 0;
  let dn = 0;
  let uj = 0;
  for (let d = 0; d < nd; d++) {
    const j = d + 1;
    sde += pd[d]! / (j * j);
    lde += pd[d]! * j * j;
    dn += pd[d]! * pd[d]!;
    uj += (pd[d]! / nz) * j;
  }
  let dv = 0;
  for (let d = 0; d < nd; d++) dv += (pd[d]! / nz) * (d + 1 - uj) ** 2;
  let gln = 0;
  let lgle = 0;
  let hgle = 0;
  let ui = 0;
  for (let g = 0; g < ngp; g++) {
    const i = lv[g]!;
    gln += pg[g]! * pg[g]!;
    lgle += pg[g]! / (i * i);
    hgle += pg[g]! * i * i;
    ui += (pg[g]! / nz) * i;
  }
  let glv = 0;
  for (let g = 0; g < ngp; g++) glv += (pg[g]! / nz) * (lv[g]! - ui) ** 2;
  let de = 0;
  let sdlgle = 0;
  let sdhgle = 0;
  let ldlgle = 0;
  let ldhgle = 0;
  for (let g = 0; g < ngp; g++) {
    const i2 = lv[g]! * lv[g]!;
    for (let d = 0; d < nd; d++) {
      const v = counts[g * nd + d]!;
      if (v === 0) continue;
      const j2 = (d + 1) * (d + 1);
      const p = v / nz;
      de -= p * Math.log2(p + EPS);
      sdlgle += v / (i2 * j2);
      sdhgle += (v * i2) / j2;
      ldlgle += (v * j2) / i2;
      ldhgle += v * i2 * j2;
    }
  }
  return {
    DependenceEntropy: de,
    DependenceNonUniformity: dn / nz,
    DependenceNonUniformityNormalized: dn / (nz * nz),
    DependenceVariance: dv,
    GrayLevelNonUniformity: gln / nz,
    GrayLevelVariance: glv,
    HighGrayLevelEmphasis: hgle / nz,
    LargeDependenceEmphasis: lde / nz,
    LargeDependenceHighGrayLevelEmphasis: ldhgle / nz,
    LargeDependenceLowGrayLevelEmphasis: ldlgle / nz,
    LowGrayLevelEmphasis: lgle / nz,
    SmallDependenceEmphasis: sde / nz,
    SmallDependenceHighGrayLevelEmphasis: sdhgle / nz,
    SmallDependenceLowGrayLevelEmphasis: sdlgle / nz,
  };
}
