/**
 * Grey Level Co-occurrence Matrix features, PyRadiomics definitions (radiomics/glcm.py,
 * cmatrices.c `calculate_glcm`); IBSI chapter 3.6 (family LFYI) for the shared ones.
 *
 * One matrix per angle (13 in 3D at distance 1) counts ROI voxel pairs (i at x, j at x + a),
 * symmetrised by adding the transpose (symmetricalGLCM). Rows/columns of grey levels absent from
 * the ROI are dropped, but i and j keep their grey-level values. With `weightingNorm`, the
 * matrices are summed with weights exp(−‖a·spacing‖²) (1 for 'no_weighting') into one matrix;
 * otherwise each feature is computed per angle and averaged (numpy.nanmean), empty angles removed.
 */
import { kernels } from './native.js';
import type { Angles } from './angles.js';
import { generateAngles } from './angles.js';
import type { DiscretizedRoi } from './discretize.js';
import { EPS } from './firstorder.js';
import { symmetricEigenvalues, tridiagonalEigenvalue, tridiagonalize, tridiagonalQl } from './linalg.js';
import type { RadiomicsSettings } from './settings.js';
import { angleOffsets, maxReach, paddedRoi } from './neighbourhood.js';
import { angleNorm, nanMean } from './texture.js';

export interface GlcmMatrices {
  /** Number of matrices kept (angles, or 1 when weighted). */
  count: number;
  /** Number of grey levels present. */
  ngp: number;
  /** p(i, j) per matrix, each normalised to sum 1: [matrix][i][j]. */
  p: Float64Array;
  angles: Angles;
}

type GlcmSettings = Pick<RadiomicsSettings, 'distances' | 'force2D' | 'force2Ddimension' | 'symmetricalGLCM' | 'weightingNorm'>;

export function computeGlcm(roi: DiscretizedRoi, s: GlcmSettings): GlcmMatrices {
  const angles = generateAngles(roi.size, s.distances, false, s.force2D ? s.force2Ddimension : -1);
  const na = angles.count;
  const ngp = roi.grayLevels.length;
  const nn = ngp * ngp;
  const counts = new Float64Array(na * nn);
  const pr = paddedRoi(roi, maxReach(angles));
  const off = angleOffsets(angles, pr);
  const { compact, voxels } = pr;
  // One pass over the ROI voxels; a neighbour outside the ROI or the crop has compact index 0.
  const k = kernels();
  if (k) k.glcmCounts(compact, voxels, off, ngp, counts);
  else
    for (let v = 0; v < voxels.length; v++) {
      const o = voxels[v]!;
      const row = (compact[o]! - 1) * ngp - 1;
      for (let a = 0, base = 0; a < na; a++, base += nn) {
        const c = compact[o + off[a]!]!;
        if (c !== 0) counts[base + row + c]!++;
      }
    }
  if (k && s.weightingNorm === null) {
    const kept = k.glcmFinish(counts, na, ngp, s.symmetricalGLCM ? 1 : 0);
    return { count: kept, ngp, p: counts.subarray(0, kept * nn), angles };
  }
  for (let a = 0; a < na; a++) {
    const base = a * nn;
    if (s.symmetricalGLCM) {
      for (let r = 0; r < ngp; r++)
        for (let c = r; c < ngp; c++) {
          const v = counts[base + r * ngp + c]! + counts[base + c * ngp + r]!;
          counts[base + r * ngp + c] = v;
          counts[base + c * ngp + r] = v;
        }
    }
  }
  let mats = counts;
  let count = na;
  if (s.weightingNorm !== null) {
    mats = new Float64Array(nn);
    for (let a = 0; a < na; a++) {
      const w = s.weightingNorm === 'no_weighting' ? 1 : Math.exp(-(angleNorm(angles, a, roi.spacingMm, s.weightingNorm) ** 2));
      for (let e = 0; e < nn; e++) mats[e]! += counts[a * nn + e]! * w;
    }
    count = 1;
  }
  // Drop empty angles (only when several matrices), then normalise each matrix.
  const kept: number[] = [];
  const sums: number[] = [];
  for (let a = 0; a < count; a++) {
    let sum = 0;
    for (let e = 0; e < nn; e++) sum += mats[a * nn + e]!;
    if (sum === 0 && count > 1) continue;
    kept.push(a);
    sums.push(sum);
  }
  // Normalise in place, compacting the kept matrices (kept is ascending: sources are read first).
  kept.forEach((a, m) => {
    const sum = sums[m] === 0 ? NaN : sums[m]!;
    for (let e = 0; e < nn; e++) mats[m * nn + e] = mats[a * nn + e]! / sum;
  });
  return { count: kept.length, ngp, p: mats.subarray(0, kept.length * nn), angles };
}

const FEATURES = [
  'Autocorrelation',
  'ClusterProminence',
  'ClusterShade',
  'ClusterTendency',
  'Contrast',
  'Correlation',
  'DifferenceAverage',
  'DifferenceEntropy',
  'DifferenceVariance',
  'Id',
  'Idm',
  'Idmn',
  'Idn',
  'Imc1',
  'Imc2',
  'InverseVariance',
  'JointAverage',
  'JointEnergy',
  'JointEntropy',
  'MCC',
  'MaximumProbability',
  'SumAverage',
  'SumEntropy',
  'SumSquares',
] as const;
const F = Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<(typeof FEATURES)[number], number>;

/** Features of one normalised matrix `p` (ngp × ngp at `off`) into `out` (indexed like FEATURES). */
function matrixFeatures(p: Float64Array, off: number, lv: Int32Array, ng: number, out: Float64Array): void {
  const n = lv.length;
  // One grey level: HXY − HXY1 is 0 only with PyRadiomics' ε kept in both, so the cell form is used.
  if (n > 1 && isSymmetricMatrix(p, off, n)) {
    symmetricMatrixFeatures(p, off, lv, ng, out);
    return;
  }
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pSum = new Float64Array(2 * ng + 1);
  const pDiff = new Float64Array(ng);
  let ux = 0;
  let uy = 0;
  let ac = 0;
  let contrast = 0;
  let energy = 0;
  let hxy = 0;
  let maxP = -Infinity;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = p[off + i * n + j]!;
      // Every term below is 0 for an empty cell (v·log₂(v + ε) = 0 exactly at v = 0).
      if (v === 0) continue;
      const gi = lv[i]!;
      const gj = lv[j]!;
      px[i]! += v;
      py[j]! += v;
      ux += v * gi;
      uy += v * gj;
      ac += v * gi * gj;
      contrast += v * (gi - gj) * (gi - gj);
      energy += v * v;
      hxy -= v * Math.log2(v + EPS);
      if (v > maxP) maxP = v;
      pSum[gi + gj]! += v;
      pDiff[Math.abs(gi - gj)]! += v;
    }
  let cp = 0;
  let cs = 0;
  let ct = 0;
  let sigx2 = 0;
  let sigy2 = 0;
  let corm = 0;
  let hxy1 = 0;
  let hxy2 = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const pxy = px[i]! * py[j]!;
      const v = p[off + i * n + j]!;
      // log₂(p_x p_y + ε) once for HXY2 and HXY1 (p(i, j) > 0 implies p_x(i) p_y(j) > 0).
      if (pxy === 0) continue;
      const lxy = Math.log2(pxy + EPS);
      hxy2 -= pxy * lxy;
      if (v === 0) continue;
      const di = lv[i]! - ux;
      const dj = lv[j]! - uy;
      const t = lv[i]! + lv[j]! - ux - uy;
      const t2 = t * t;
      cp += v * t2 * t2;
      cs += v * t2 * t;
      ct += v * t2;
      sigx2 += v * di * di;
      sigy2 += v * dj * dj;
      corm += v * di * dj;
      hxy1 -= v * lxy;
    }
  let hx = 0;
  let hy = 0;
  for (let i = 0; i < n; i++) {
    hx -= px[i]! * Math.log2(px[i]! + EPS);
    hy -= py[i]! * Math.log2(py[i]! + EPS);
  }
  differenceFeatures(pDiff, ng, out);
  let sa = 0;
  let se = 0;
  for (let k = 2; k <= 2 * ng; k++) {
    sa += k * pSum[k]!;
    se -= pSum[k]! * Math.log2(pSum[k]! + EPS);
  }
  const sxy = Math.sqrt(sigx2) * Math.sqrt(sigy2);
  const div = Math.max(hx, hy);
  const imc2Arg = 1 - Math.exp(-2 * (hxy2 - hxy));
  out[F.Autocorrelation] = ac;
  out[F.ClusterProminence] = cp;
  out[F.ClusterShade] = cs;
  out[F.ClusterTendency] = ct;
  out[F.Contrast] = contrast;
  out[F.Correlation] = sxy === 0 ? 1 : corm / (sxy + EPS);
  out[F.Imc1] = div === 0 ? 0 : (hxy - hxy1) / div;
  // A negative argument (HXY > HXY2 by rounding) gives NaN in numpy, which nanmean then skips.
  out[F.Imc2] = hxy2 === hxy ? 0 : imc2Arg < 0 ? NaN : Math.sqrt(imc2Arg);
  out[F.JointAverage] = ux;
  out[F.JointEnergy] = energy;
  out[F.JointEntropy] = hxy;
  out[F.MCC] = mcc(p, off, n, px, py);
  out[F.MaximumProbability] = maxP;
  out[F.SumAverage] = sa;
  out[F.SumEntropy] = se;
  out[F.SumSquares] = sigx2;
}

/** p(i, j) = p(j, i) exactly (a symmetrical GLCM). */
function isSymmetricMatrix(p: Float64Array, off: number, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (p[off + i * n + j] !== p[off + j * n + i]) return false;
  return true;
}

/**
 * matrixFeatures for a symmetric p (the default symmetricalGLCM): p_x = p_y, so one pass over the
 * upper triangle (off-diagonal cells counted twice) gives every cell sum, and the terms that
 * depend on i + j or |i − j| only (cluster prominence, shade, tendency) come from p_{x+y}. The
 * marginal entropies are separable: with L_i = log₂ p_x(i),
 *   HXY1 = −Σ p(i, j) (L_i + L_j) = −2 Σ p_x(i) L_i,   HXY2 = −Σ p_x(i) p_x(j) (L_i + L_j) = HXY1 · Σ p_x,
 * so no logarithm per cell is needed for them. This leaves out PyRadiomics' ε inside
 * log₂(p_x p_y + ε): at most ε / (p_x p_y ln 2) per term. Measured against the cell-by-cell form
 * (fastKernels.test.ts): ≤ 3e−12 relative for Imc1/Imc2 (differences of entropies), ≤ 2e−14 for
 * the rest; one grey level (where HXY − HXY1 is ε-sized) keeps the cell form.
 */
function symmetricMatrixFeatures(p: Float64Array, off: number, lv: Int32Array, ng: number, out: Float64Array): void {
  const n = lv.length;
  const px = new Float64Array(n);
  const pSum = new Float64Array(2 * ng + 1);
  const pDiff = new Float64Array(ng);
  let ac = 0;
  let contrast = 0;
  let energy = 0;
  let hxy = 0;
  let maxP = -Infinity;
  for (let i = 0; i < n; i++) {
    const gi = lv[i]!;
    const row = off + i * n;
    const d = p[row + i]!;
    if (d !== 0) {
      px[i]! += d;
      ac += d * gi * gi;
      energy += d * d;
      hxy -= d * Math.log2(d + EPS);
      if (d > maxP) maxP = d;
      pSum[gi + gi]! += d;
      pDiff[0]! += d;
    }
    for (let j = i + 1; j < n; j++) {
      const v = p[row + j]!;
      if (v === 0) continue;
      const gj = lv[j]!;
      const v2 = v + v;
      px[i]! += v;
      px[j]! += v;
      ac += v2 * gi * gj;
      const dg = gj - gi;
      contrast += v2 * dg * dg;
      energy += v2 * v;
      hxy -= v2 * Math.log2(v + EPS);
      if (v > maxP) maxP = v;
      pSum[gi + gj]! += v2;
      pDiff[dg]! += v2;
    }
  }
  let ux = 0;
  let pxSum = 0;
  for (let i = 0; i < n; i++) {
    ux += px[i]! * lv[i]!;
    pxSum += px[i]!;
  }
  let sigx2 = 0;
  let hx = 0;
  let plogp = 0;
  for (let i = 0; i < n; i++) {
    const x = px[i]!;
    const di = lv[i]! - ux;
    sigx2 += x * di * di;
    hx -= x * Math.log2(x + EPS);
    if (x > 0) plogp += x * Math.log2(x);
  }
  let corm = 0;
  for (let i = 0; i < n; i++) {
    const di = lv[i]! - ux;
    const row = off + i * n;
    corm += p[row + i]! * di * di;
    let s = 0;
    for (let j = i + 1; j < n; j++) s += p[row + j]! * (lv[j]! - ux);
    corm += 2 * di * s;
  }
  let cp = 0;
  let cs = 0;
  let ct = 0;
  let sa = 0;
  let se = 0;
  for (let k = 2; k <= 2 * ng; k++) {
    const v = pSum[k]!;
    if (v === 0) continue;
    const t = k - 2 * ux;
    const t2 = t * t;
    cp += v * t2 * t2;
    cs += v * t2 * t;
    ct += v * t2;
    sa += k * v;
    se -= v * Math.log2(v + EPS);
  }
  const hxy1 = -2 * plogp;
  const hxy2 = hxy1 * pxSum;
  differenceFeatures(pDiff, ng, out);
  const sxy = Math.sqrt(sigx2) * Math.sqrt(sigx2);
  const imc2Arg = 1 - Math.exp(-2 * (hxy2 - hxy));
  out[F.Autocorrelation] = ac;
  out[F.ClusterProminence] = cp;
  out[F.ClusterShade] = cs;
  out[F.ClusterTendency] = ct;
  out[F.Contrast] = contrast;
  out[F.Correlation] = sxy === 0 ? 1 : corm / (sxy + EPS);
  out[F.Imc1] = hx === 0 ? 0 : (hxy - hxy1) / hx;
  out[F.Imc2] = hxy2 === hxy ? 0 : imc2Arg < 0 ? NaN : Math.sqrt(imc2Arg);
  out[F.JointAverage] = ux;
  out[F.JointEnergy] = energy;
  out[F.JointEntropy] = hxy;
  out[F.MCC] = symmetricMcc(p, off, n, px);
  out[F.MaximumProbability] = maxP;
  out[F.SumAverage] = sa;
  out[F.SumEntropy] = se;
  out[F.SumSquares] = sigx2;
}

/** The features of p_{x−y}(k), k = |i − j| = 0…ng − 1, into `out`. */
function differenceFeatures(pDiff: Float64Array, ng: number, out: Float64Array): void {
  let da = 0;
  let de = 0;
  let idm = 0;
  let idmn = 0;
  let id = 0;
  let idn = 0;
  let iv = 0;
  for (let k = 0; k < ng; k++) {
    const v = pDiff[k]!;
    da += k * v;
    de -= v * Math.log2(v + EPS);
    idm += v / (1 + k * k);
    idmn += v / (1 + (k * k) / (ng * ng));
    id += v / (1 + k);
    idn += v / (1 + k / ng);
    if (k > 0) iv += v / (k * k);
  }
  let dv = 0;
  for (let k = 0; k < ng; k++) dv += pDiff[k]! * (k - da) * (k - da);
  out[F.DifferenceAverage] = da;
  out[F.DifferenceEntropy] = de;
  out[F.DifferenceVariance] = dv;
  out[F.Id] = id;
  out[F.Idm] = idm;
  out[F.Idmn] = idmn;
  out[F.Idn] = idn;
  out[F.InverseVariance] = iv;
}

/**
 * Maximal correlation coefficient: √(second largest eigenvalue of Q), Q(i, j) = Σ_k p(i,k)p(j,k) /
 * (p_x(i) p_y(k)). Q = D⁻¹M with M symmetric and D = diag(p_x), so its eigenvalues are those of the
 * symmetric D^−½ M D^−½ (levels with p_x = 0 give zero rows and columns: eigenvalue 0). A single
 * grey level (one eigenvalue) gives 1, as in PyRadiomics. Only for matrices that are not symmetric:
 * matrixFeatures sends symmetric ones (two or more levels) to symmetricMatrixFeatures / symmetricMcc.
 */
function mcc(p: Float64Array, off: number, n: number, px: Float64Array, py: Float64Array): number {
  if (n < 2) return 1;
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) {
    if (px[i]! > 0) rows.push(i);
    if (py[i]! > 0) cols.push(i);
  }
  const m = rows.length;
  const mc = cols.length;
  // S = W Wᵀ with W(a, k) = p(row a, col k) / √(p_x(a) p_y(k)): contiguous dot products, no division
  // inside. Co-occurrences cluster near the diagonal, so each dot product runs only over the
  // columns where both rows can be non-zero (first…last non-zero of each row): every skipped term
  // is +0 (all terms are ≥ 0), so the sums are bit-identical to the full products.
  const wm = new Float64Array(m * mc);
  const inv = new Float64Array(mc);
  const first = new Int32Array(m);
  const last = new Int32Array(m);
  for (let c = 0; c < mc; c++) inv[c] = 1 / Math.sqrt(py[cols[c]!]!);
  for (let a = 0; a < m; a++) {
    const src = off + rows[a]! * n;
    const ra = 1 / Math.sqrt(px[rows[a]!]!);
    let lo = mc;
    let hi = -1;
    for (let c = 0; c < mc; c++) {
      const x = p[src + cols[c]!]!;
      wm[a * mc + c] = x * inv[c]! * ra;
      if (x !== 0) {
        if (lo === mc) lo = c;
        hi = c;
      }
    }
    first[a] = lo;
    last[a] = hi;
  }
  const s = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    const ia = a * mc;
    const fa = first[a]!;
    const la = last[a]!;
    for (let b = 0; b <= a; b++) {
      const ib = b * mc;
      const to = Math.min(la, last[b]!);
      let sum = 0;
      for (let c = Math.max(fa, first[b]!); c <= to; c++) sum += wm[ia + c]! * wm[ib + c]!;
      // symmetricEigenvalues reads the lower triangle only.
      s[a * m + b] = sum;
    }
  }
  const eig = symmetricEigenvalues(s, m);
  // Eigenvalues of the dropped rows are 0; the list has n values in all.
  const second = m >= 2 ? eig[m - 2]! : 0;
  return second > 0 ? Math.sqrt(second) : 0;
}

/**
 * MCC of a symmetrical GLCM: then W(i, j) = p(i, j) / √(p_x(i) p_x(j)) is symmetric and the
 * symmetric form of Q is W², whose eigenvalues are the squares of W's. So W is reduced to
 * tridiagonal form directly (no W Wᵀ product) and only the two eigenvalues that can give the
 * second largest square are needed (found by bisection for large matrices). Same
 * value as the eigenvalues of Q up to rounding (≈1e−15 here; W's spectrum lies in [−1, 1]).
 */
function symmetricMcc(p: Float64Array, off: number, n: number, px: Float64Array): number {
  const k = kernels();
  if (k) return k.symmetricMcc(p, off, n, px);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (px[i]! > 0) rows.push(i);
  const m = rows.length;
  if (m < 2) return 0;
  const inv = new Float64Array(m);
  for (let a = 0; a < m; a++) inv[a] = 1 / Math.sqrt(px[rows[a]!]!);
  const w = new Float64Array(m * m);
  // Lower triangle only (tridiagonalize reads no more).
  for (let a = 0; a < m; a++) {
    const src = off + rows[a]! * n;
    for (let b = 0; b <= a; b++) w[a * m + b] = p[src + rows[b]!]! * inv[a]! * inv[b]!;
  }
  const { d, e } = tridiagonalize(w, m);
  // W √p_x = √p_x, and by Perron–Frobenius that eigenvalue 1 is W's spectral radius, so the largest
  // square is 1 and the second largest is the square of the largest of the others in magnitude:
  // the second largest eigenvalue or the smallest (most negative) one.
  // Two bisections (~2·55 steps of O(m)) against a full QL sweep (O(m²)): measured, QL is faster
  // only below m ≈ 10 (1.5 µs against 2.1 µs at m = 7; 26 µs against 14 µs at m = 33).
  let upper: number;
  let lower: number;
  if (m < 10) {
    tridiagonalQl(d, e, m);
    d.sort();
    upper = d[m - 2]!;
    lower = d[0]!;
  } else {
    upper = tridiagonalEigenvalue(d, e, m, m - 2);
    lower = tridiagonalEigenvalue(d, e, m, 0);
  }
  const second = Math.max(upper * upper, lower * lower);
  return Math.sqrt(second);
}

export function glcmFeatures(roi: DiscretizedRoi, s: GlcmSettings): Record<string, number> {
  const mats = computeGlcm(roi, s);
  const nf = FEATURES.length;
  const per = new Float64Array(mats.count * nf);
  const nn = mats.ngp * mats.ngp;
  const row = new Float64Array(nf);
  for (let m = 0; m < mats.count; m++) {
    matrixFeatures(mats.p, m * nn, roi.grayLevels, roi.ng, row);
    per.set(row, m * nf);
  }
  const result: Record<string, number> = {};
  const column = new Float64Array(mats.count);
  FEATURES.forEach((name, f) => {
    for (let m = 0; m < mats.count; m++) column[m] = per[m * nf + f]!;
    result[name] = nanMean(column);
  });
  return result;
}
