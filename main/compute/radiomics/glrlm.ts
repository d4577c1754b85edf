/**
 * Grey Level Run Length Matrix features, PyRadiomics definitions (radiomics/glrlm.py,
 * cmatrices.c `calculate_glrlm`); IBSI chapter 3.7 (family TP0I) for the shared ones.
 *
 * For each angle, every line through the crop along that angle is walked once; a run is a
 * maximal sequence of consecutive ROI voxels with equal grey level (a voxel outside the ROI ends
 * it). If no line of an angle holds more than one ROI voxel, that angle is emptied (the ROI is
 * flat along it). Matrices: P(i, j | θ), i = grey level, j = run length. With `weightingNorm`,
 * angles are summed with weights ‖a·spacing‖ (the norm itself, unlike GLCM's exp(−‖·‖²)).
 */
import { kernels } from './native.js';
import { generateAngles } from './angles.js';
import type { DiscretizedRoi } from './discretize.js';
import { EPS } from './firstorder.js';
import type { RadiomicsSettings } from './settings.js';
import { angleOffsets, paddedRoi } from './neighbourhood.js';
import { angleNorm, nanMean } from './texture.js';

type GlrlmSettings = Pick<RadiomicsSettings, 'force2D' | 'force2Ddimension' | 'weightingNorm'>;

export interface GlrlmMatrices {
  count: number;
  ngp: number;
  /** Longest possible run (max crop size): columns j = 1…maxRun. */
  maxRun: number;
  /** Raw run counts [matrix][i][j − 1]. */
  counts: Float64Array;
  /** Longest run found (columns past it are empty in every matrix). */
  longestRun: number;
}

export function computeGlrlm(roi: DiscretizedRoi, s: GlrlmSettings): GlrlmMatrices {
  const [nx, ny, nz] = roi.size;
  // PyRadiomics builds GLRLM angles with distance 1 regardless of the `distances` setting.
  const angles = generateAngles(roi.size, [1], false, s.force2D ? s.force2Ddimension : -1);
  const na = angles.count;
  const ngp = roi.grayLevels.length;
  const maxRun = Math.max(nx, ny, nz);
  const per = ngp * maxRun;
  const counts = new Float64Array(na * per);
  const pr = paddedRoi(roi, 1);
  const off = angleOffsets(angles, pr);
  const { level, compact, voxels } = pr;
  let longestRun = 1;
  // Angles whose matrix was emptied (no line holds two ROI voxels); every other one counts ≥ 1 run.
  const emptied = new Uint8Array(na);
  for (let a = 0; a < na; a++) {
    const step = off[a]!;
    const base = a * per - 1;
    let multiElement = false;
    const k = kernels();
    if (k) {
      const r = k.glrlmRuns(level, compact, voxels, step, maxRun, base, counts);
      multiElement = (r & (1 << 30)) !== 0;
      longestRun = Math.max(longestRun, r & ((1 << 30) - 1));
    } else
      // A run starts at a ROI voxel whose predecessor along the angle has another level (or is
      // outside the ROI or the crop: level 0); walk it to its end.
      for (let v = 0; v < voxels.length; v++) {
        const o = voxels[v]!;
        const g = level[o]!;
        if (level[o - step] === g) continue;
        let run = 1;
        for (let w = o + step; level[w] === g; w += step) run++;
        if (run > 1) {
          multiElement = true;
          if (run > longestRun) longestRun = run;
        }
        counts[base + (compact[o]! - 1) * maxRun + run]!++;
      }
    if (!multiElement) multiElement = lineHoldsTwo(roi, angles.zyx, a);
    if (!multiElement) {
      counts.fill(0, base + 1, base + 1 + per);
      emptied[a] = 1;
    }
  }
  let mats = counts;
  let count = na;
  if (s.weightingNorm !== null) {
    mats = new Float64Array(per);
    for (let a = 0; a < na; a++) {
      const w = angleNorm(angles, a, roi.spacingMm, s.weightingNorm);
      for (let e = 0; e < per; e++) mats[e]! += counts[a * per + e]! * w;
    }
    count = 1;
  }
  // Keep the non-empty matrices (the one weighted matrix always). A matrix is empty exactly when its
  // angle was emptied: otherwise every ROI voxel starts or continues a counted run.
  const kept: number[] = [];
  for (let a = 0; a < count; a++) if (count === 1 || !emptied[a]) kept.push(a);
  // Compact the kept matrices in place (kept is ascending, so no source is overwritten first).
  kept.forEach((a, m) => {
    if (a !== m) mats.copyWithin(m * per, a * per, (a + 1) * per);
  });
  return {
    count: kept.length,
    ngp,
    maxRun,
    counts: mats.subarray(0, kept.length * per),
    longestRun: Math.min(longestRun, maxRun),
  };
}

/**
 * Whether some line along angle `a` holds two ROI voxels (separated by non-ROI voxels, as no run
 * is longer than 1 when this is asked): PyRadiomics empties the angle otherwise.
 */
function lineHoldsTwo(roi: DiscretizedRoi, zyx: Int32Array, a: number): boolean {
  const [nx, ny, nz] = roi.size;
  const dz = zyx[a * 3]!;
  const dy = zyx[a * 3 + 1]!;
  const dx = zyx[a * 3 + 2]!;
  const step = dx + nx * (dy + ny * dz);
  const { mask } = roi;
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        if (!mask[o]) continue;
        let ci = i + dx;
        let cj = j + dy;
        let ck = k + dz;
        for (let w = o + step; ci >= 0 && ci < nx && cj >= 0 && cj < ny && ck >= 0 && ck < nz; w += step) {
          if (mask[w]) return true;
          ci += dx;
          cj += dy;
          ck += dz;
        }
      }
  return false;
}

const FEATURES = [
  'GrayLevelNonUniformity',
  'GrayLevelNonUniformityNormalized',
  'GrayLevelVariance',
  'HighGrayLevelRunEmphasis',
  'LongRunEmphasis',
  'LongRunHighGrayLevelEmphasis',
  'LongRunLowGrayLevelEmphasis',
  'LowGrayLevelRunEmphasis',
  'RunEntropy',
  'RunLengthNonUniformity',
  'RunLengthNonUniformityNormalized',
  'RunPercentage',
  'RunVariance',
  'ShortRunEmphasis',
  'ShortRunHighGrayLevelEmphasis',
  'ShortRunLowGrayLevelEmphasis',
] as const;

export function glrlmFeatures(roi: DiscretizedRoi, s: GlrlmSettings): Record<string, number> {
  const m = computeGlrlm(roi, s);
  const { ngp, maxRun } = m;
  const per = ngp * maxRun;
  // Columns past the longest run are 0 everywhere; every sum below has terms ≥ 0, so skipping them
  // (adding +0) leaves the values bit-identical.
  const runs = m.longestRun;
  const lv = roi.grayLevels;
  const values = FEATURES.map(() => new Float64Array(m.count));
  const pg = new Float64Array(ngp);
  const pr = new Float64Array(maxRun);
  for (let a = 0; a < m.count; a++) {
    const base = a * per;
    pg.fill(0);
    pr.fill(0);
    let nr = 0;
    for (let g = 0; g < ngp; g++)
      for (let r = 0; r < runs; r++) {
        const v = m.counts[base + g * maxRun + r]!;
        pg[g]! += v;
        pr[r]! += v;
        nr += v;
      }
    // Nr = 0 (a single weighted, empty matrix) gives NaN like numpy's division by NaN.
    const Nr = nr === 0 ? NaN : nr;
    let gln = 0;
    let lglre = 0;
    let hglre = 0;
    let ui = 0;
    for (let g = 0; g < ngp; g++) {
      const i = lv[g]!;
      gln += pg[g]! * pg[g]!;
      lglre += pg[g]! / (i * i);
      hglre += pg[g]! * i * i;
      ui += (pg[g]! / Nr) * i;
    }
    let glv = 0;
    for (let g = 0; g < ngp; g++) glv += (pg[g]! / Nr) * (lv[g]! - ui) ** 2;
    let rln = 0;
    let sre = 0;
    let lre = 0;
    let np = 0;
    let uj = 0;
    for (let r = 0; r < runs; r++) {
      const j = r + 1;
      rln += pr[r]! * pr[r]!;
      sre += pr[r]! / (j * j);
      lre += pr[r]! * j * j;
      np += pr[r]! * j;
      uj += (pr[r]! / Nr) * j;
    }
    let rv = 0;
    for (let r = 0; r < runs; r++) rv += (pr[r]! / Nr) * (r + 1 - uj) ** 2;
    let re = 0;
    let srlgle = 0;
    let srhgle = 0;
    let lrlgle = 0;
    let lrhgle = 0;
    for (let g = 0; g < ngp; g++) {
      const i2 = lv[g]! * lv[g]!;
      for (let r = 0; r < runs; r++) {
        const v = m.counts[base + g * maxRun + r]!;
        if (v === 0) continue;
        const j2 = (r + 1) * (r + 1);
        const p = v / Nr;
        re -= p * Math.log2(p + EPS);
        srlgle += v / (i2 * j2);
        srhgle += (v * i2) / j2;
        lrlgle += (v * j2) / i2;
        lrhgle += v * i2 * j2;
      }
    }
    const row = [
      gln / Nr,
      gln / (Nr * Nr),
      glv,
      hglre / Nr,
      lre / Nr,
      lrhgle / Nr,
      lrlgle / Nr,
      lglre / Nr,
      re,
      rln / Nr,
      rln / (Nr * Nr),
      Nr / np,
      rv,
      sre / Nr,
      srhgle / Nr,
      srlgle / Nr,
    ];
    row.forEach((v, f) => (values[f]![a] = v));
  }
  const result: Record<string, number> = {};
  FEATURES.forEach((name, f) => (result[name] = nanMean(values[f]!)));
  return result;
}
