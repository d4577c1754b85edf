/**
 * Neighbouring Grey Tone Difference Matrix features, PyRadiomics definitions
 * (radiomics/ngtdm.py, cmatrices.c `calculate_ngtdm`); IBSI chapter 3.10 (family IPET).
 *
 * For each ROI voxel of grey level i: s_i += |i − mean of its ROI neighbours| (offsets at the
 * `distances`, both directions; 0 when it has none), n_i += 1. p_i = n_i / N_vp over the levels
 * present, N_gp = number of levels present. PyRadiomics conventions for flat regions: Coarseness
 * 10⁶ when Σ p_i s_i = 0, Contrast 0 when N_gp = 1, Busyness and Strength 0 on a zero divisor.
 */
import type { DiscretizedRoi } from './discretize.js';
import type { RadiomicsSettings } from './settings.js';
import { neighbourCounts } from './neighbourhood.js';

type NgtdmSettings = Pick<RadiomicsSettings, 'distances' | 'force2D' | 'force2Ddimension'>;

export interface NgtdmMatrix {
  /** n_i (voxel count) per grey level present. */
  n: Float64Array;
  /** s_i (sum of absolute differences) per grey level present. */
  s: Float64Array;
}

export function computeNgtdm(roi: DiscretizedRoi, st: NgtdmSettings): NgtdmMatrix {
  // One pass with GLDM's (same neighbourhood): whichever class runs first computes both.
  const { n, s } = neighbourCounts(roi, st);
  return { n, s };
}

export function ngtdmFeatures(roi: DiscretizedRoi, st: NgtdmSettings): Record<string, number> {
  const { n, s } = computeNgtdm(roi, st);
  return toneDifferenceFeatures(n, s, roi.grayLevels);
}

/** NGTDM features from n_i, s_i and the grey-level values (levels with n_i = 0 are skipped). */
export function toneDifferenceFeatures(n: Float64Array, s: Float64Array, lv: Int32Array): Record<string, number> {
  const ng = n.length;
  let nvp = 0;
  let ngp = 0;
  let sumS = 0;
  for (let g = 0; g < ng; g++) {
    nvp += n[g]!;
    if (n[g]! > 0) ngp++;
    sumS += s[g]!;
  }
  const p = new Float64Array(ng);
  for (let g = 0; g < ng; g++) p[g] = n[g]! / nvp;
  let ps = 0;
  for (let g = 0; g < ng; g++) ps += p[g]! * s[g]!;
  let contrastSum = 0;
  let absdiff = 0;
  let complexity = 0;
  let strengthSum = 0;
  for (let a = 0; a < ng; a++) {
    if (p[a] === 0) continue;
    for (let b = 0; b < ng; b++) {
      if (p[b] === 0) continue;
      const d = lv[a]! - lv[b]!;
      contrastSum += p[a]! * p[b]! * d * d;
      absdiff += Math.abs(lv[a]! * p[a]! - lv[b]! * p[b]!);
      complexity += (Math.abs(d) * (p[a]! * s[a]! + p[b]! * s[b]!)) / (p[a]! + p[b]!);
      strengthSum += (p[a]! + p[b]!) * d * d;
    }
  }
  return {
    Busyness: absdiff === 0 ? 0 : ps / absdiff,
    Coarseness: ps === 0 ? 1e6 : 1 / ps,
    Complexity: complexity / nvp,
    Contrast: ngp <= 1 ? 0 : (contrastSum / (ngp * (ngp - 1))) * (sumS / nvp),
    Strength: sumS === 0 ? 0 : strengthSum / sumS,
  };
}
