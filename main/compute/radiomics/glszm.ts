/**
 * Grey Level Size Zone Matrix features, PyRadiomics definitions (radiomics/glszm.py,
 * cmatrices.c `calculate_glszm`); IBSI chapter 3.8 (family 9SAK) for the shared ones.
 *
 * A zone is a connected set of ROI voxels with equal grey level; connectivity is 26 in 3D (8 in
 * 2D with force2D), i.e. all offsets at infinity-norm distance 1. P(i, j): number of zones of
 * grey level i and size j. N_z = number of zones, N_p = number of ROI voxels.
 */
import { kernels } from './native.js';
import { generateAngles } from './angles.js';
import type { DiscretizedRoi } from './discretize.js';
import type { RadiomicsSettings } from './settings.js';
import { angleOffsets, maxReach, paddedRoi } from './neighbourhood.js';
import { grayLevelSizeSums } from './texture.js';

type GlszmSettings = Pick<RadiomicsSettings, 'force2D' | 'force2Ddimension'>;

export interface GlszmMatrix {
  ngp: number;
  /** Largest zone found: columns j = 1…maxZone. */
  maxZone: number;
  /** Raw zone counts [i][j − 1]. */
  counts: Float64Array;
}

export function computeGlszm(roi: DiscretizedRoi, s: GlszmSettings): GlszmMatrix {
  const angles = generateAngles(roi.size, [1], true, s.force2D ? s.force2Ddimension : -1);
  const na = angles.count;
  const pr = paddedRoi(roi, maxReach(angles));
  const off = angleOffsets(angles, pr);
  const { compact, voxels } = pr;
  const stack = new Int32Array(roi.voxelCount);
  // Zones as (compact level, size) pairs, filled into the matrix once the largest size is known.
  const zoneLevel = new Int32Array(roi.voxelCount);
  const zoneSize = new Int32Array(roi.voxelCount);
  let zones = 0;
  let maxZone = 0;
  const k = kernels();
  if (k) {
    // The native twin finds the same zones by union–find, reading the shared levels only.
    const stats = new Int32Array(1);
    zones = k.glszmZones(pr.level, compact, voxels, off, stack, zoneLevel, zoneSize, stats);
    maxZone = stats[0]!;
  } else {
    // A private copy of the levels, zeroed as voxels join a zone: "same level and not yet visited"
    // becomes one comparison (ROI levels are ≥ 1; the shared padded ROI stays untouched).
    const level = pr.level.slice();
    for (let vi = 0; vi < voxels.length; vi++) {
      const start = voxels[vi]!;
      const gl = level[start]!;
      if (gl === 0) continue;
      let top = 0;
      stack[top++] = start;
      level[start] = 0;
      let size = 0;
      while (top > 0) {
        const v = stack[--top]!;
        size++;
        for (let a = 0; a < na; a++) {
          const w = v + off[a]!;
          if (level[w] !== gl) continue;
          level[w] = 0;
          stack[top++] = w;
        }
      }
      zoneLevel[zones] = compact[start]! - 1;
      zoneSize[zones] = size;
      zones++;
      if (size > maxZone) maxZone = size;
    }
  }
  const ngp = roi.grayLevels.length;
  const counts = new Float64Array(ngp * maxZone);
  for (let z = 0; z < zones; z++) counts[zoneLevel[z]! * maxZone + zoneSize[z]! - 1]!++;
  return { ngp, maxZone, counts };
}

export function glszmFeatures(roi: DiscretizedRoi, s: GlszmSettings): Record<string, number> {
  const { ngp, maxZone, counts } = computeGlszm(roi, s);
  return sizeZoneStyleFeatures(counts, ngp, maxZone, roi.grayLevels);
}

/** GLSZM features of a raw count matrix P(i, j); shared by the IBSI-mode aggregations. */
export function sizeZoneStyleFeatures(counts: Float64Array, ngp: number, ns: number, lv: Int32Array): Record<string, number> {
  const t = grayLevelSizeSums(counts, ngp, ns, lv);
  const nz = t.nz;
  return {
    GrayLevelNonUniformity: t.grayNonUniformity / nz,
    GrayLevelNonUniformityNormalized: t.grayNonUniformity / (nz * nz),
    GrayLevelVariance: t.grayVariance,
    HighGrayLevelZoneEmphasis: t.highGray / nz,
    LargeAreaEmphasis: t.large / nz,
    LargeAreaHighGrayLevelEmphasis: t.largeHighGray / nz,
    LargeAreaLowGrayLevelEmphasis: t.largeLowGray / nz,
    LowGrayLevelZoneEmphasis: t.lowGray / nz,
    SizeZoneNonUniformity: t.sizeNonUniformity / nz,
    SizeZoneNonUniformityNormalized: t.sizeNonUniformity / (nz * nz),
    SmallAreaEmphasis: t.small / nz,
    SmallAreaHighGrayLevelEmphasis: t.smallHighGray / nz,
    SmallAreaLowGrayLevelEmphasis: t.smallLowGray / nz,
    ZoneEntropy: t.entropy,
    ZonePercentage: nz / t.np,
    ZoneVariance: t.sizeVariance,
  };
}
