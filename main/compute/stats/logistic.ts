/**
 * Logistic regression by iteratively reweighted least squares, step for step as R's
 * glm.fit(family = binomial()) (R 4.2): start at μ = (y + 0.5)/2, weighted least squares by
 * Householder QR each iteration, stop when |dev − dev_old| / (|dev| + 0.1) < ε (1e-8) or after
 * maxit (25) iterations, R's logit link with |η| > 30 clamped (family.c). Standard errors,
 * Wald z and p as summary.glm (dispersion 1, covariance from the last iteration's QR), Wald CIs
 * as confint.default, AIC = deviance + 2p (0/1 outcome), BIC = deviance + p·log n, and the
 * likelihood-ratio test of nested models as anova(m0, m1, test = "Chisq").
 *
 * Separation: R only warns "fitted probabilities numerically 0 or 1 occurred" when μ is within
 * 10·ε_machine of 0 or 1, which misses quasi-complete separation. Here `separation` is
 * 'complete' when every observation is fitted within 1e-8 of its outcome, 'quasi-complete' when
 * some are (a coefficient then drifts to ±∞ and its SE is meaningless), with a warning either
 * way, or an error with `onSeparation: 'error'`.
 */
import { pchisq, pnorm, qnorm } from './distributions/index.js';
import { StatsInputError } from './common.js';
import { chol2inv, householderLeastSquares } from './linalg.js';

/** A design matrix: column-major data with its row count, or one array per column. */
export type DesignMatrix = { data: Float64Array; nrow: number } | readonly ArrayLike<number>[];

export interface LogisticOptions {
  /** Add an intercept column (default true). */
  intercept?: boolean;
  /** Predictor names (without the intercept), default x1, x2, … */
  names?: readonly string[];
  /** glm.control(epsilon) (default 1e-8). */
  epsilon?: number;
  /** glm.control(maxit) (default 25). */
  maxIterations?: number;
  /** CI level (default 0.95). */
  level?: number;
  /** What to do on (quasi-)complete separation (default 'warn'). */
  onSeparation?: 'warn' | 'error';
}

export interface LogisticCoefficient {
  name: string;
  estimate: number;
  se: number;
  z: number;
  pValue: number;
  confInt: [number, number];
  oddsRatio: number;
  oddsRatioCi: [number, number];
}

export interface LogisticFit {
  coefficients: LogisticCoefficient[];
  /** Unscaled covariance of the estimates, p × p column-major. */
  covariance: Float64Array;
  deviance: number;
  nullDeviance: number;
  dfResidual: number;
  dfNull: number;
  logLik: number;
  aic: number;
  bic: number;
  iterations: number;
  converged: boolean;
  /** Fitted probabilities, one per used row. */
  fitted: Float64Array;
  n: number;
  nEvents: number;
  /** Rows dropped because y or a predictor was NaN (R's na.omit). */
  nMissing: number;
  intercept: boolean;
  separation: 'none' | 'quasi-complete' | 'complete';
  warnings: string[];
}

const EPS = 2.220446049250313e-16;
const THRESH = 30;

/** R's logit_linkinv (family.c): clamps to [ε, 1 − ε] beyond |η| = 30. */
function linkinv(eta: number): number {
  const t = eta < -THRESH ? EPS : eta > THRESH ? 1 / EPS : Math.exp(eta);
  return t / (1 + t);
}
/** R's logit_mu_eta. */
function muEta(eta: number): number {
  const e = Math.exp(eta);
  const o = 1 + e;
  return eta > THRESH || eta < -THRESH ? EPS : e / (o * o);
}
/** Binomial deviance residual for a 0/1 outcome (binomial_dev_resids). */
function devResid(y: number, mu: number): number {
  return y === 1 ? -2 * Math.log(mu) : -2 * Math.log(1 - mu);
}

/** Columns as Float64Arrays with a common length. */
function toColumns(x: DesignMatrix): Float64Array[] {
  if (Array.isArray(x)) return (x as readonly ArrayLike<number>[]).map((c) => Float64Array.from(c));
  const { data, nrow } = x as { data: Float64Array; nrow: number };
  if (!(nrow > 0) || data.length % nrow !== 0) {
    throw new StatsInputError(`logistic regression: design data length ${data.length} is not a multiple of nrow ${nrow}`);
  }
  const cols: Float64Array[] = [];
  for (let j = 0; j < data.length / nrow; j++) cols.push(data.slice(j * nrow, (j + 1) * nrow));
  return cols;
}

/** Fit y (0/1; NaN = missing) on the design matrix. */
export function logisticRegression(x: DesignMatrix, y: ArrayLike<number>, opts: LogisticOptions = {}): LogisticFit {
  const intercept = opts.intercept ?? true;
  const epsilon = opts.epsilon ?? 1e-8;
  const maxit = opts.maxIterations ?? 25;
  const level = opts.level ?? 0.95;
  const cols = toColumns(x);
  const names = cols.map((_, j) => opts.names?.[j] ?? `x${j + 1}`);
  if (opts.names && opts.names.length !== cols.length) {
    throw new StatsInputError(`logistic regression: ${opts.names.length} names for ${cols.length} predictors`);
  }
  const nAll = y.length;
  cols.forEach((c, j) => {
    if (c.length !== nAll) {
      throw new StatsInputError(`logistic regression: predictor '${names[j]}' has ${c.length} values, the outcome ${nAll}`);
    }
  });
  // Complete cases.
  const keep: number[] = [];
  for (let i = 0; i < nAll; i++) {
    const yi = y[i] as number;
    if (Number.isNaN(yi)) continue;
    if (yi !== 0 && yi !== 1) throw new StatsInputError(`logistic regression: outcome row ${i + 1} is ${yi}; it must be 0 or 1`);
    let ok = true;
    for (const c of cols) if (Number.isNaN(c[i] as number)) ok = false;
    if (ok) keep.push(i);
  }
  const n = keep.length;
  const p = cols.length + (intercept ? 1 : 0);
  if (p === 0) throw new StatsInputError('logistic regression: the model has no terms');
  const coefNames = intercept ? ['(Intercept)', ...names] : names;
  if (n <= p)
    throw new StatsInputError(`logistic regression: ${n} complete rows for ${p} coefficients; need more rows than coefficients`);
  const X = new Float64Array(n * p);
  const yy = new Float64Array(n);
  let nEvents = 0;
  for (let r = 0; r < n; r++) {
    const i = keep[r] as number;
    yy[r] = y[i] as number;
    nEvents += yy[r] as number;
    if (intercept) X[r] = 1;
    for (let j = 0; j < cols.length; j++) X[(j + (intercept ? 1 : 0)) * n + r] = (cols[j] as Float64Array)[i] as number;
  }
  if (nEvents === 0 || nEvents === n) {
    throw new StatsInputError(`logistic regression: all ${n} outcomes are ${nEvents === 0 ? 0 : 1}; both classes are needed`);
  }

  // glm.fit, binomial initialize: mustart = (y + 0.5) / 2.
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  let devold = 0;
  for (let i = 0; i < n; i++) {
    const m = ((yy[i] as number) + 0.5) / 2;
    eta[i] = Math.log(m / (1 - m));
    mu[i] = linkinv(eta[i] as number);
    devold += devResid(yy[i] as number, mu[i] as number);
  }
  const beta = new Float64Array(p);
  let rMat: Float64Array = new Float64Array(p * p);
  const A = new Float64Array(n * p);
  const z = new Float64Array(n);
  let converged = false;
  let iter = 0;
  let dev = devold;
  const qrTol = Math.min(1e-7, epsilon / 1000);
  for (iter = 1; iter <= maxit; iter++) {
    for (let i = 0; i < n; i++) {
      const me = muEta(eta[i] as number);
      const m = mu[i] as number;
      const w = Math.sqrt((me * me) / (m * (1 - m)));
      z[i] = ((eta[i] as number) + ((yy[i] as number) - m) / me) * w;
      for (let j = 0; j < p; j++) A[j * n + i] = (X[j * n + i] as number) * w;
    }
    const qr = householderLeastSquares(A, n, p, z, qrTol);
    if (qr.collinear >= 0) {
      throw new StatsInputError(
        `logistic regression: '${coefNames[qr.collinear]}' is constant or a linear combination of the preceding terms; remove it`,
      );
    }
    rMat = qr.r;
    beta.set(qr.coef);
    dev = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < p; j++) e += (X[j * n + i] as number) * (beta[j] as number);
      eta[i] = e;
      mu[i] = linkinv(e);
      dev += devResid(yy[i] as number, mu[i] as number);
    }
    if (!Number.isFinite(dev)) throw new StatsInputError('logistic regression: the deviance became infinite; the fit diverged');
    if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      break;
    }
    devold = dev;
  }
  if (iter > maxit) iter = maxit;

  const warnings: string[] = [];
  if (!converged) warnings.push(`the IRLS algorithm did not converge in ${maxit} iterations`);
  let numerically01 = false;
  let perfect = 0;
  for (let i = 0; i < n; i++) {
    const m = mu[i] as number;
    if (m > 1 - 10 * EPS || m < 10 * EPS) numerically01 = true;
    if (Math.abs((yy[i] as number) - m) < 1e-8) perfect++;
  }
  if (numerically01) warnings.push('fitted probabilities numerically 0 or 1 occurred');
  const separation: LogisticFit['separation'] = perfect === n ? 'complete' : perfect > 0 ? 'quasi-complete' : 'none';
  if (separation !== 'none') {
    const msg =
      `${separation} separation: ${perfect} of ${n} observations are predicted perfectly, so at least one ` +
      'coefficient is infinite in theory; its estimate, SE and p-value are not meaningful (consider removing or ' +
      'merging the predictor, or penalized/Firth regression)';
    if (opts.onSeparation === 'error') throw new StatsInputError(`logistic regression: ${msg}`);
    warnings.push(msg);
  }

  const cov = chol2inv(rMat, p);
  const zq = qnorm(1 - (1 - level) / 2);
  const coefficients: LogisticCoefficient[] = [];
  for (let j = 0; j < p; j++) {
    const b = beta[j] as number;
    const se = Math.sqrt(cov[j * p + j] as number);
    const zz = b / se;
    const lo = b - zq * se;
    const hi = b + zq * se;
    coefficients.push({
      name: coefNames[j] as string,
      estimate: b,
      se,
      z: zz,
      pValue: 2 * pnorm(-Math.abs(zz)),
      confInt: [lo, hi],
      oddsRatio: Math.exp(b),
      oddsRatioCi: [Math.exp(lo), Math.exp(hi)],
    });
  }
  // Null model: the mean with an intercept, μ = 1/2 without (glm.fit's wtdmu).
  const mu0 = intercept ? nEvents / n : 0.5;
  let nullDeviance = 0;
  for (let i = 0; i < n; i++) nullDeviance += devResid(yy[i] as number, mu0);
  return {
    coefficients,
    covariance: cov,
    deviance: dev,
    nullDeviance,
    dfResidual: n - p,
    dfNull: n - (intercept ? 1 : 0),
    logLik: -dev / 2,
    aic: dev + 2 * p,
    bic: dev + Math.log(n) * p,
    iterations: iter,
    converged,
    fitted: mu,
    n,
    nEvents,
    nMissing: nAll - n,
    intercept,
    separation,
    warnings,
  };
}

/** Predicted probabilities for new rows (same predictors, same order, as the fit). */
export function predictLogistic(fit: LogisticFit, x: DesignMatrix): Float64Array {
  const cols = toColumns(x);
  const off = fit.intercept ? 1 : 0;
  if (cols.length + off !== fit.coefficients.length) {
    throw new StatsInputError(`predict: ${cols.length} predictors given, the model has ${fit.coefficients.length - off}`);
  }
  const n = cols.length > 0 ? (cols[0] as Float64Array).length : 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = fit.intercept ? (fit.coefficients[0] as LogisticCoefficient).estimate : 0;
    for (let j = 0; j < cols.length; j++)
      e += (fit.coefficients[j + off] as LogisticCoefficient).estimate * ((cols[j] as Float64Array)[i] as number);
    out[i] = linkinv(e);
  }
  return out;
}

export interface LikelihoodRatioTest {
  statistic: number;
  df: number;
  pValue: number;
}

/**
 * Likelihood-ratio (deviance) test of a smaller model nested in a larger one fitted to the same
 * rows, as anova(small, large, test = "Chisq").
 */
export function likelihoodRatioTest(small: LogisticFit, large: LogisticFit): LikelihoodRatioTest {
  if (small.n !== large.n) {
    throw new StatsInputError(
      `likelihood-ratio test: the models use different rows (${small.n} vs ${large.n}); refit on the same data`,
    );
  }
  const df = small.dfResidual - large.dfResidual;
  if (!(df > 0)) throw new StatsInputError('likelihood-ratio test: the first model must have fewer coefficients than the second');
  const statistic = small.deviance - large.deviance;
  return { statistic, df, pValue: pchisq(statistic, df, false) };
}

/**
 * Variance inflation factors of a fitted model's predictors, as car::vif for a glm with one
 * column per term: with R the correlation matrix of the coefficient covariance without the
 * intercept, VIF_j = det(R₋ⱼ₋ⱼ) / det(R) = (R⁻¹)ⱼⱼ. Needs an intercept and ≥ 2 predictors.
 */
export function logisticVif(fit: LogisticFit): { name: string; vif: number }[] {
  if (!fit.intercept) throw new StatsInputError('VIF: the model has no intercept; VIFs are not meaningful');
  const p = fit.coefficients.length;
  const m = p - 1;
  if (m < 2) throw new StatsInputError('VIF: needs at least 2 predictors');
  // Correlation matrix of the slope covariance (row-major m × m, augmented with the identity).
  const a = new Float64Array(m * 2 * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const c = fit.covariance[(j + 1) * p + (i + 1)] as number;
      const d = Math.sqrt((fit.covariance[(i + 1) * p + (i + 1)] as number) * (fit.covariance[(j + 1) * p + (j + 1)] as number));
      a[i * 2 * m + j] = c / d;
    }
    a[i * 2 * m + m + i] = 1;
  }
  // Gauss–Jordan with partial pivoting.
  const w = 2 * m;
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * w + col] as number) > Math.abs(a[piv * w + col] as number)) piv = r;
    if (!(Math.abs(a[piv * w + col] as number) > 1e-14)) {
      throw new StatsInputError('VIF: the predictors are (nearly) collinear; the correlation matrix is singular');
    }
    if (piv !== col) {
      for (let k = 0; k < w; k++) {
        const t = a[col * w + k] as number;
        a[col * w + k] = a[piv * w + k] as number;
        a[piv * w + k] = t;
      }
    }
    const d = a[col * w + col] as number;
    for (let k = 0; k < w; k++) a[col * w + k] = (a[col * w + k] as number) / d;
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = a[r * w + col] as number;
      if (f === 0) continue;
      for (let k = 0; k < w; k++) a[r * w + k] = (a[r * w + k] as number) - f * (a[col * w + k] as number);
    }
  }
  const out: { name: string; vif: number }[] = [];
  for (let j = 0; j < m; j++)
    out.push({ name: (fit.coefficients[j + 1] as LogisticCoefficient).name, vif: a[j * w + m + j] as number });
  return out;
}
