/**
 * ComBat harmonisation of features across batches (centres, scanners): Johnson, Li & Rabinovic,
 * Biostatistics 2007, with the estimators of R's sva::ComBat, split into fit (on training rows)
 * and apply (to any rows of a batch seen at fit time), so harmonisation never sees test data.
 *
 * For feature g, sample i in batch b: x = α_g + Cβ_g + γ_bg + δ_bg ε. Fit:
 * 1. Least squares of x on [batch indicators, covariates] (normal equations); the grand mean
 *    α_g = Σ_b (n_b/n) B̂_bg; the pooled variance σ²_g = mean of squared residuals (divisor n).
 * 2. Standardise: z = (x − α_g − Cβ_g)/σ_g; γ̂_bg = batch mean of z, δ̂²_bg = batch sample variance.
 * 3. Empirical Bayes: priors γ_bg ~ N(γ̄_b, τ²_b) (mean and sample variance over features) and
 *    δ²_bg ~ InvGamma(a_b, b_b) by the method of moments (a = (2s² + m²)/s², b = (m s² + m³)/s²).
 *    Parametric: iterate γ* = (τ² n γ̂ + δ*² γ̄)/(τ² n + δ*²), δ*² = (½Σ(z − γ*)² + b)/(n/2 + a − 1)
 *    until the relative change is below 1e-4 (sva's it.sol). Non-parametric: γ*, δ*² are the
 *    means of the other features' (γ̂, δ̂²) weighted by the normal likelihood of this feature's
 *    z in that batch (sva's int.eprior; the weights are computed in log space, which gives the
 *    same values without underflow). mean.only: δ* = 1 (location only).
 * Apply: x* = (z − γ*_bg)/δ*_bg · σ_g + α_g + Cβ_g.
 *
 * Covariates are kept (their effect is estimated jointly and added back). They must be known for
 * new rows too, so the outcome must not be one of them in a prediction pipeline.
 */
import { StatsInputError } from '../stats/common.js';
import { householderLeastSquares } from '../stats/linalg.js';
import type { DataMatrix } from './types.js';

export interface CombatOptions {
  /** Parametric (default) or non-parametric empirical Bayes priors. */
  parametric?: boolean;
  /** Adjust the location only (δ* = 1). */
  meanOnly?: boolean;
  /** Covariates to keep, n × q (no intercept column), complete. */
  covariates?: DataMatrix;
  /** Relative convergence threshold of the parametric iteration (sva: 1e-4). */
  tolerance?: number;
}

export interface CombatModel {
  batches: string[];
  nFeatures: number;
  /** α_g. */
  grandMean: number[];
  /** σ_g (square root of the pooled variance). */
  pooledSd: number[];
  /** β: q × G covariate coefficients (row-major by covariate). */
  covariateCoef: number[][];
  /** γ*_bg and δ*_bg (δ* is the SD, not the variance), one row per batch. */
  gammaStar: number[][];
  deltaStar: number[][];
  /** Iterations of the parametric solver per batch (0 for non-parametric). */
  iterations: number[];
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s / a.length;
}

function sampleVar(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - m) ** 2;
  return s / (a.length - 1);
}

export function fitCombat(X: DataMatrix, batch: readonly string[], opts: CombatOptions = {}): CombatModel {
  const { nrow: n, ncol: G } = X;
  if (batch.length !== n) throw new StatsInputError(`ComBat: ${batch.length} batch labels for ${n} rows`);
  for (let k = 0; k < X.data.length; k++) {
    if (!Number.isFinite(X.data[k] as number)) {
      throw new StatsInputError(
        `ComBat needs complete data; feature ${(k % G) + 1} of row ${Math.floor(k / G) + 1} is missing (add an 'impute' step first)`,
      );
    }
  }
  const batches = [...new Set(batch)].sort();
  const B = batches.length;
  if (B < 2) throw new StatsInputError(`ComBat needs at least two batches; the training rows all come from '${batches[0]}'`);
  const bIndex = new Map(batches.map((b, i) => [b, i]));
  const rowsOf: number[][] = batches.map(() => []);
  batch.forEach((b, i) => rowsOf[bIndex.get(b)!]!.push(i));
  rowsOf.forEach((r, b) => {
    if (r.length < 2)
      throw new StatsInputError(`ComBat: batch '${batches[b]}' has ${r.length} training row(s); it needs at least 2`);
  });
  const C = opts.covariates;
  const q = C?.ncol ?? 0;
  if (C && C.nrow !== n) throw new StatsInputError(`ComBat: covariates have ${C.nrow} rows, the data ${n}`);
  const p = B + q;

  // 1. Least squares on [batch indicators, covariates], one feature at a time.
  const design = new Float64Array(n * p); // column-major
  for (let i = 0; i < n; i++) {
    design[bIndex.get(batch[i]!)! * n + i] = 1;
    for (let c = 0; c < q; c++) design[(B + c) * n + i] = C!.data[i * q + c] as number;
  }
  const coef: Float64Array[] = []; // per feature, length p
  for (let g = 0; g < G; g++) {
    const rhs = new Float64Array(n);
    for (let i = 0; i < n; i++) rhs[i] = X.data[i * G + g] as number;
    const fit = householderLeastSquares(Float64Array.from(design), n, p, rhs);
    if (fit.collinear >= 0) {
      throw new StatsInputError(
        fit.collinear < B
          ? `ComBat: the batch design is singular`
          : `ComBat: covariate ${fit.collinear - B + 1} is constant or collinear with the batches (confounded with centre); drop it`,
      );
    }
    coef.push(fit.coef);
  }
  const grandMean: number[] = [];
  const pooledSd: number[] = [];
  const covariateCoef: number[][] = Array.from({ length: q }, () => new Array<number>(G).fill(0));
  const z = new Float64Array(n * G);
  for (let g = 0; g < G; g++) {
    const b = coef[g]!;
    let gm = 0;
    for (let k = 0; k < B; k++) gm += (rowsOf[k]!.length / n) * (b[k] as number);
    let ss = 0;
    for (let i = 0; i < n; i++) {
      let fitted = b[bIndex.get(batch[i]!)!] as number;
      for (let c = 0; c < q; c++) fitted += (C!.data[i * q + c] as number) * (b[B + c] as number);
      ss += ((X.data[i * G + g] as number) - fitted) ** 2;
    }
    const sd = Math.sqrt(ss / n);
    if (!(sd > 0))
      throw new StatsInputError(`ComBat: feature ${g + 1} has no variance left after the batch and covariate effects`);
    grandMean.push(gm);
    pooledSd.push(sd);
    for (let c = 0; c < q; c++) covariateCoef[c]![g] = b[B + c] as number;
    // 2. Standardised data.
    for (let i = 0; i < n; i++) {
      let stand = gm;
      for (let c = 0; c < q; c++) stand += (C!.data[i * q + c] as number) * (b[B + c] as number);
      z[i * G + g] = ((X.data[i * G + g] as number) - stand) / sd;
    }
  }

  // 3. Batch estimates and empirical Bayes.
  const gammaStar: number[][] = [];
  const deltaStar: number[][] = [];
  const iterations: number[] = [];
  const tol = opts.tolerance ?? 1e-4;
  for (let k = 0; k < B; k++) {
    const rows = rowsOf[k]!;
    const nb = rows.length;
    const zb = (g: number) => Float64Array.from(rows, (i) => z[i * G + g] as number);
    const gHat = new Float64Array(G);
    const dHat = new Float64Array(G);
    for (let g = 0; g < G; g++) {
      const v = zb(g);
      gHat[g] = mean(v);
      dHat[g] = opts.meanOnly ? 1 : sampleVar(v);
    }
    const gBar = mean(gHat);
    const t2 = sampleVar(gHat);
    let gS: Float64Array;
    let dS: Float64Array;
    let iter = 0;
    if (opts.parametric === false) {
      ({ gS, dS } = nonParametric(gHat, dHat, (g) => zb(g)));
      if (opts.meanOnly) dS.fill(1);
    } else if (opts.meanOnly) {
      gS = gHat.map((gh) => (t2 * gh + gBar) / (t2 + 1));
      dS = new Float64Array(G).fill(1);
    } else {
      const m = mean(dHat);
      const s2 = sampleVar(dHat);
      const a = (2 * s2 + m * m) / s2;
      const bb = (m * s2 + m * m * m) / s2;
      let gOld = Float64Array.from(gHat);
      let dOld = Float64Array.from(dHat);
      for (;;) {
        const gNew = new Float64Array(G);
        const dNew = new Float64Array(G);
        let change = 0;
        for (let g = 0; g < G; g++) {
          gNew[g] = (t2 * nb * (gHat[g] as number) + (dOld[g] as number) * gBar) / (t2 * nb + (dOld[g] as number));
          let sum2 = 0;
          for (const i of rows) sum2 += ((z[i * G + g] as number) - (gNew[g] as number)) ** 2;
          dNew[g] = (0.5 * sum2 + bb) / (nb / 2 + a - 1);
          change = Math.max(
            change,
            Math.abs(((gNew[g] as number) - (gOld[g] as number)) / (gOld[g] as number)),
            Math.abs(((dNew[g] as number) - (dOld[g] as number)) / (dOld[g] as number)),
          );
        }
        gOld = gNew;
        dOld = dNew;
        iter++;
        if (!(change > tol)) break;
        if (iter >= 10000)
          throw new StatsInputError(`ComBat: the empirical Bayes iteration for batch '${batches[k]}' did not converge`);
      }
      gS = gOld;
      dS = dOld;
    }
    gammaStar.push(Array.from(gS));
    deltaStar.push(Array.from(dS, (d) => Math.sqrt(d)));
    iterations.push(iter);
  }
  return { batches, nFeatures: G, grandMean, pooledSd, covariateCoef, gammaStar, deltaStar, iterations };
}

/** sva's int.eprior for one batch: leave-one-feature-out likelihood-weighted means. */
function nonParametric(
  gHat: Float64Array,
  dHat: Float64Array,
  zOf: (g: number) => Float64Array,
): { gS: Float64Array; dS: Float64Array } {
  const G = gHat.length;
  const gS = new Float64Array(G);
  const dS = new Float64Array(G);
  const logLh = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const x = zOf(g);
    const nb = x.length;
    let best = -Infinity;
    for (let h = 0; h < G; h++) {
      if (h === g) continue;
      const gh = gHat[h] as number;
      const dh = dHat[h] as number;
      let sum2 = 0;
      for (let i = 0; i < nb; i++) sum2 += ((x[i] as number) - gh) ** 2;
      const l = (-nb / 2) * Math.log(2 * Math.PI * dh) - sum2 / (2 * dh);
      logLh[h] = l;
      if (l > best) best = l;
    }
    let w = 0;
    let sg = 0;
    let sd = 0;
    for (let h = 0; h < G; h++) {
      if (h === g) continue;
      const e = Math.exp((logLh[h] as number) - best);
      w += e;
      sg += e * (gHat[h] as number);
      sd += e * (dHat[h] as number);
    }
    gS[g] = sg / w;
    dS[g] = sd / w;
  }
  return { gS, dS };
}

/** Harmonise rows of batches seen at fit time (covariates as at fit time, same columns). */
export function applyCombat(model: CombatModel, X: DataMatrix, batch: readonly string[], covariates?: DataMatrix): DataMatrix {
  const G = model.nFeatures;
  const q = model.covariateCoef.length;
  if (X.ncol !== G) throw new StatsInputError(`ComBat: data have ${X.ncol} features, the model was fitted on ${G}`);
  if (batch.length !== X.nrow) throw new StatsInputError(`ComBat: ${batch.length} batch labels for ${X.nrow} rows`);
  if (q > 0 && (!covariates || covariates.ncol !== q || covariates.nrow !== X.nrow)) {
    throw new StatsInputError(`ComBat: the model keeps ${q} covariate(s); give them for every row`);
  }
  const bIndex = new Map(model.batches.map((b, i) => [b, i]));
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < X.nrow; i++) {
    const k = bIndex.get(batch[i]!);
    if (k === undefined) {
      throw new StatsInputError(
        `ComBat was fitted on ${model.batches.map((b) => `'${b}'`).join(', ')}; row ${i + 1} comes from '${batch[i]}', which it has not seen (an external centre cannot be harmonised with a model that never saw it)`,
      );
    }
    for (let g = 0; g < G; g++) {
      let stand = model.grandMean[g] as number;
      for (let c = 0; c < q; c++) stand += (covariates!.data[i * q + c] as number) * (model.covariateCoef[c]![g] as number);
      const sd = model.pooledSd[g] as number;
      const zv = ((X.data[i * G + g] as number) - stand) / sd;
      out[i * G + g] = ((zv - (model.gammaStar[k]![g] as number)) / (model.deltaStar[k]![g] as number)) * sd + stand;
    }
  }
  return { data: out, nrow: X.nrow, ncol: G };
}
