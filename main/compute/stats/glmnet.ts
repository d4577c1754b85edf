/**
 * Penalized logistic regression (LASSO / elastic net) along a λ path, as R's
 * glmnet(family = "binomial") 4.1 with standardize = TRUE (Friedman, Hastie & Tibshirani 2010,
 * J Stat Softw 33(1)): minimise
 *   −(1/n) Σ [yᵢηᵢ − log(1 + e^ηᵢ)] + λ Σⱼ [α|βⱼ| + (1 − α)/2 βⱼ²]
 * over standardized predictors (mean 0, variance 1 with divisor n; intercept unpenalized),
 * coefficients returned on the original scale. The λ sequence is glmnet's: λ_max =
 * maxⱼ |(1/n) Σ x̃ᵢⱼ(yᵢ − ȳ)| / max(α, 10⁻³) (the smallest λ with all βⱼ = 0), nlambda values
 * spaced evenly on the log scale down to λ_max·ratio with ratio 0.01 when n < p, else 10⁻⁴.
 * Like glmnet, a computed path stops early (after at least 5 λ) when the fraction of deviance
 * explained exceeds 0.999 or grows by less than 10⁻⁵ (glmnet.control fdev, devmax); a path on
 * user-supplied λ does not.
 *
 * Each λ is solved by proximal Newton (IRLS outer loop, cyclic coordinate descent on the
 * penalized weighted least squares inner problem), warm-started from the previous λ, to a tight
 * tolerance: the result is the optimum itself, which glmnet approaches to its threshold (1e-7).
 *
 * cvGlmnetBinomial reproduces cv.glmnet(type.measure = "deviance") for given fold ids: each fold
 * is fitted on its own λ path and predicted at the full-data λ by linear interpolation, held-out deviance with probabilities clamped to
 * [10⁻⁵, 1 − 10⁻⁵], fold means combined weighted by fold size (cvm) with
 * cvsd = sqrt(Σ nₖ(mₖ − cvm)² / n / (K − 1)); λ.min = largest λ reaching min cvm; λ.1se =
 * largest λ with cvm ≤ cvm(λ.min) + cvsd(λ.min).
 */
import { StatsInputError } from './common.js';
import type { DesignMatrix } from './logistic.js';

export interface GlmnetOptions {
  /** Elastic-net mixing: 1 = LASSO (default), 0 = ridge. */
  alpha?: number;
  nlambda?: number;
  lambdaMinRatio?: number;
  /** Use this decreasing λ sequence instead (no early stop). */
  lambda?: ArrayLike<number>;
  /** Convergence tolerance on the largest weighted squared coefficient change v·Δβ² (default 1e-18). */
  tolerance?: number;
  /** Coordinate-descent passes allowed over the whole path (glmnet's maxit; default 2,000,000). */
  maxPasses?: number;
}

export interface GlmnetPath {
  lambda: Float64Array;
  /** Fraction of null deviance explained per λ. */
  devRatio: Float64Array;
  nullDeviance: number;
  /** Intercept per λ. */
  intercept: Float64Array;
  /** beta[k] = coefficients (original scale, without intercept) at lambda[k]. */
  beta: Float64Array[];
  /** Number of nonzero coefficients per λ. */
  df: Int32Array;
  alpha: number;
  /** Where the path ended before its last λ because the fit saturated or ran out of passes (as glmnet warns). */
  stopped: { at: number; reason: 'maxit' } | null;
}

interface Prepared {
  n: number;
  p: number;
  xs: Float64Array; // standardized, column-major
  mean: Float64Array;
  sd: Float64Array;
  y: Float64Array;
}

function prepare(x: DesignMatrix, y: ArrayLike<number>): Prepared {
  let cols: Float64Array[];
  if (Array.isArray(x)) cols = (x as readonly ArrayLike<number>[]).map((c) => Float64Array.from(c));
  else {
    const { data, nrow } = x as { data: Float64Array; nrow: number };
    if (!(nrow > 0) || data.length % nrow !== 0)
      throw new StatsInputError(`glmnet: design length ${data.length} is not a multiple of nrow ${nrow}`);
    cols = [];
    for (let j = 0; j < data.length / nrow; j++) cols.push(data.slice(j * nrow, (j + 1) * nrow));
  }
  const n = y.length;
  const p = cols.length;
  if (p === 0) throw new StatsInputError('glmnet: no predictors');
  let events = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i] as number;
    if (v !== 0 && v !== 1)
      throw new StatsInputError(`glmnet: outcome row ${i + 1} is ${v}; it must be 0 or 1 (remove missing rows first)`);
    events += v;
  }
  if (events === 0 || events === n) throw new StatsInputError('glmnet: the outcome has a single class; both are needed');
  const xs = new Float64Array(n * p);
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  cols.forEach((c, j) => {
    if (c.length !== n) throw new StatsInputError(`glmnet: predictor ${j + 1} has ${c.length} values, the outcome ${n}`);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = c[i] as number;
      if (!Number.isFinite(v)) throw new StatsInputError(`glmnet: predictor ${j + 1} row ${i + 1} is missing or infinite`);
      m += v;
    }
    m /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += ((c[i] as number) - m) ** 2;
    const s = Math.sqrt(ss / n);
    if (!(s > 0)) throw new StatsInputError(`glmnet: predictor ${j + 1} is constant; remove it`);
    mean[j] = m;
    sd[j] = s;
    for (let i = 0; i < n; i++) xs[j * n + i] = ((c[i] as number) - m) / s;
  });
  return { n, p, xs, mean, sd, y: Float64Array.from(y) };
}

function binomialDeviance(y: Float64Array, eta: Float64Array): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    const e = eta[i] as number;
    // −2 [y η − log(1 + e^η)], log1p-exp computed stably.
    const l = e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e));
    d += -2 * ((y[i] as number) * e - l);
  }
  return d;
}

/** glmnet's maxit: coordinate-descent passes allowed over the whole path (all λ values). */
const MAX_PASSES = 2_000_000;

/**
 * Solve at one λ from the warm start (a, b) in place (standardized scale); 'maxit' when the
 * path's pass budget runs out (glmnet's maxit), and the path then ends at the previous λ.
 */
function solveOnSet(
  pr: Prepared,
  set: Int32Array,
  lambda: number,
  alpha: number,
  a: { v: number },
  b: Float64Array,
  eta: Float64Array,
  tol: number,
  budget: { passes: number; max: number },
): 'ok' | 'maxit' {
  const { n, p, xs, y } = pr;
  const w = new Float64Array(n);
  const r = new Float64Array(n);
  const xv = new Float64Array(p);
  const l1 = lambda * alpha;
  const l2 = lambda * (1 - alpha);
  for (let outer = 0; outer < 1000; outer++) {
    // Quadratic approximation at the current η.
    let sw = 0;
    for (let i = 0; i < n; i++) {
      const mu = 1 / (1 + Math.exp(-(eta[i] as number)));
      const wi = Math.max(mu * (1 - mu), 1e-10);
      w[i] = wi;
      r[i] = (y[i] as number) - mu; // = w (z − η)
      sw += wi;
    }
    // r holds w·(z − η) (the weighted working residual); coordinate descent keeps it current.
    for (const j of set) {
      let v = 0;
      for (let i = 0; i < n; i++) v += (w[i] as number) * (xs[j * n + i] as number) ** 2;
      xv[j] = v / n;
    }
    // One coordinate-descent sweep (intercept, then every predictor or only the active ones);
    // returns the largest weighted squared change v·Δ².
    const sweep = (activeOnly: boolean): number => {
      budget.passes++;
      let maxDelta = 0;
      let sr = 0;
      for (let i = 0; i < n; i++) sr += r[i] as number;
      const da = sr / sw;
      if (da !== 0) {
        a.v += da;
        for (let i = 0; i < n; i++) {
          r[i] = (r[i] as number) - (w[i] as number) * da;
          eta[i] = (eta[i] as number) + da;
        }
        maxDelta = Math.max(maxDelta, (sw / n) * da * da);
      }
      for (const j of set) {
        const bj = b[j] as number;
        if (activeOnly && bj === 0) continue;
        const cj = j * n;
        let g = 0;
        for (let i = 0; i < n; i++) g += (xs[cj + i] as number) * (r[i] as number);
        const v = xv[j] as number;
        const u = g / n + v * bj;
        const au = Math.abs(u) - l1;
        const nb = au > 0 ? (Math.sign(u) * au) / (v + l2) : 0;
        const d = nb - bj;
        if (d !== 0) {
          b[j] = nb;
          for (let i = 0; i < n; i++) {
            const xij = xs[cj + i] as number;
            r[i] = (r[i] as number) - (w[i] as number) * xij * d;
            eta[i] = (eta[i] as number) + xij * d;
          }
          maxDelta = Math.max(maxDelta, v * d * d);
        }
      }
      return maxDelta;
    };
    // glmnet's strategy: a sweep over the set, then iterate on the active set to convergence,
    // until a sweep over the set changes nothing beyond the tolerance.
    let maxOuter = 0;
    for (let round = 0; budget.passes < budget.max; round++) {
      const full = sweep(false);
      if (round === 0) maxOuter = full;
      if (full < tol) break;
      while (budget.passes < budget.max) if (sweep(true) < tol) break;
    }
    if (budget.passes >= budget.max) return 'maxit';
    if (maxOuter < tol) return 'ok';
  }
  return 'maxit';
}

/**
 * Solve at one λ with the sequential strong rule (Tibshirani et al. 2012, JRSS B 74(2)), as
 * glmnet does: coordinate descent runs only over the predictors that are nonzero or whose
 * gradient at the previous λ's solution reaches α(2λ − λ_prev); then the KKT condition
 * |x̃ⱼᵀ(y − μ)|/n ≤ αλ is checked for every other predictor, and any that violates it joins the
 * set and the problem is solved again. The result is the same optimum as sweeping every
 * predictor; a sweep of an excluded predictor would only have confirmed it stays 0.
 */
function solveLambda(
  pr: Prepared,
  lambda: number,
  lambdaPrev: number,
  alpha: number,
  a: { v: number },
  b: Float64Array,
  eta: Float64Array,
  tol: number,
  budget: { passes: number; max: number },
): 'ok' | 'maxit' {
  const { n, p, xs, y } = pr;
  const resid = new Float64Array(n);
  const gradient = (): void => {
    for (let i = 0; i < n; i++) resid[i] = (y[i] as number) - 1 / (1 + Math.exp(-(eta[i] as number)));
  };
  const absGrad = (j: number): number => {
    const cj = j * n;
    let g = 0;
    for (let i = 0; i < n; i++) g += (xs[cj + i] as number) * (resid[i] as number);
    return Math.abs(g / n);
  };
  gradient();
  const inSet = new Uint8Array(p);
  const cut = alpha * (2 * lambda - lambdaPrev);
  for (let j = 0; j < p; j++) if (b[j] !== 0 || absGrad(j) >= cut) inSet[j] = 1;
  const l1 = lambda * alpha;
  for (;;) {
    const set: number[] = [];
    for (let j = 0; j < p; j++) if (inSet[j]) set.push(j);
    const status = solveOnSet(pr, Int32Array.from(set), lambda, alpha, a, b, eta, tol, budget);
    if (status !== 'ok') return status;
    gradient();
    let violated = false;
    for (let j = 0; j < p; j++) {
      if (inSet[j]) continue;
      if (absGrad(j) - l1 > 0) {
        inSet[j] = 1;
        violated = true;
      }
    }
    if (!violated) return 'ok';
  }
}

function fitPrepared(pr: Prepared, opts: GlmnetOptions): GlmnetPath {
  const alpha = opts.alpha ?? 1;
  if (!(alpha >= 0 && alpha <= 1)) throw new StatsInputError(`glmnet: alpha must be in [0, 1] (got ${alpha})`);
  const tol = opts.tolerance ?? 1e-18;
  const { n, p, xs, y } = pr;
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i] as number;
  ybar /= n;
  const a0 = Math.log(ybar / (1 - ybar));
  const eta = new Float64Array(n).fill(a0);
  const nullDeviance = binomialDeviance(y, eta);
  let lambdas: Float64Array;
  const userLambda = opts.lambda !== undefined;
  if (opts.lambda !== undefined) {
    lambdas = Float64Array.from(opts.lambda);
  } else {
    let gmax = 0;
    for (let j = 0; j < p; j++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += (xs[j * n + i] as number) * ((y[i] as number) - ybar);
      gmax = Math.max(gmax, Math.abs(g / n));
    }
    const lmax = gmax / Math.max(alpha, 1e-3);
    const nl = opts.nlambda ?? 100;
    const ratio = opts.lambdaMinRatio ?? (n < p ? 0.01 : 1e-4);
    // glmnet: λ_k = λ_max · ratio^((k − 1)/(nlambda − 1)), computed as repeated multiplication.
    const step = Math.pow(ratio, 1 / (nl - 1));
    lambdas = new Float64Array(nl);
    lambdas[0] = lmax;
    for (let k = 1; k < nl; k++) lambdas[k] = k === 1 ? step * lmax : (lambdas[k - 1] as number) * step;
  }
  const a = { v: a0 };
  const b = new Float64Array(p);
  const outL: number[] = [];
  const outDev: number[] = [];
  const outA: number[] = [];
  const outB: Float64Array[] = [];
  const outDf: number[] = [];
  let stopped: GlmnetPath['stopped'] = null;
  const budget = { passes: 0, max: opts.maxPasses ?? MAX_PASSES };
  for (let k = 0; k < lambdas.length; k++) {
    const lam = lambdas[k] as number;
    const saveA = a.v;
    const saveB = Float64Array.from(b);
    const saveEta = Float64Array.from(eta);
    const status = solveLambda(pr, lam, k === 0 ? lam : (lambdas[k - 1] as number), alpha, a, b, eta, tol, budget);
    if (status !== 'ok') {
      // glmnet returns the solutions for the larger λ (error codes −10000−k / −20000−k).
      if (k === 0) throw new StatsInputError(`glmnet: no solution at the largest λ (no convergence)`);
      a.v = saveA;
      b.set(saveB);
      eta.set(saveEta);
      stopped = { at: lam, reason: status };
      break;
    }
    const dev = binomialDeviance(y, eta);
    const ratio = 1 - dev / nullDeviance;
    const beta = new Float64Array(p);
    let icpt = a.v;
    let df = 0;
    for (let j = 0; j < p; j++) {
      const bj = (b[j] as number) / (pr.sd[j] as number);
      beta[j] = bj;
      icpt -= bj * (pr.mean[j] as number);
      if (b[j] !== 0) df++;
    }
    outL.push(lam);
    outDev.push(ratio);
    outA.push(icpt);
    outB.push(beta);
    outDf.push(df);
    // glmnet's early exit (computed λ only, after mnlam = 5 values).
    if (!userLambda && k + 1 >= 5) {
      if (ratio > 0.999) break;
      if (ratio - (outDev[k - 1] as number) < 1e-5) break;
    }
  }
  return {
    lambda: Float64Array.from(outL),
    devRatio: Float64Array.from(outDev),
    nullDeviance,
    intercept: Float64Array.from(outA),
    beta: outB,
    df: Int32Array.from(outDf),
    alpha,
    stopped,
  };
}

/** The binomial elastic-net path (rows with missing values must be removed first). */
export function glmnetBinomial(x: DesignMatrix, y: ArrayLike<number>, opts: GlmnetOptions = {}): GlmnetPath {
  return fitPrepared(prepare(x, y), opts);
}

export interface CvGlmnetResult {
  path: GlmnetPath;
  lambda: Float64Array;
  /** Mean cross-validated binomial deviance per λ, and its standard error. */
  cvm: Float64Array;
  cvsd: Float64Array;
  lambdaMin: number;
  lambda1se: number;
  indexMin: number;
  index1se: number;
}

/** cv.glmnet(family = "binomial", type.measure = "deviance", foldid). Folds are 1..K. */
export function cvGlmnetBinomial(
  x: DesignMatrix,
  y: ArrayLike<number>,
  foldid: ArrayLike<number>,
  opts: GlmnetOptions = {},
): CvGlmnetResult {
  const pr = prepare(x, y);
  const { n, p } = pr;
  if (foldid.length !== n) throw new StatsInputError(`cv.glmnet: ${foldid.length} fold ids for ${n} rows`);
  let K = 0;
  for (let i = 0; i < n; i++) {
    const f = foldid[i] as number;
    if (!(Number.isInteger(f) && f >= 1)) throw new StatsInputError(`cv.glmnet: fold id at row ${i + 1} is ${f}; use 1, 2, …`);
    K = Math.max(K, f);
  }
  if (K < 3) throw new StatsInputError(`cv.glmnet: needs at least 3 folds (got ${K})`);
  const path = fitPrepared(pr, opts);
  const lambda = path.lambda;
  const L = lambda.length;
  const raw = new Float64Array(n * L); // raw[i * L + k]
  const cols: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = (pr.xs[j * n + i] as number) * (pr.sd[j] as number) + (pr.mean[j] as number);
    cols.push(c);
  }
  for (let f = 1; f <= K; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) ((foldid[i] as number) === f ? test : train).push(i);
    if (test.length === 0) throw new StatsInputError(`cv.glmnet: fold ${f} is empty`);
    // cv.glmnet.raw fits each fold on its own λ path (the user's λ if one was given) and
    // predicts at the full-data λ by linear interpolation of the coefficients between the two
    // bracketing fold λ, clamped to the fold's range (predict.glmnet → lambda.interp).
    const fit = fitPrepared(
      prepare(
        cols.map((c) => Float64Array.from(train, (i) => c[i] as number)),
        Float64Array.from(train, (i) => pr.y[i] as number),
      ),
      opts,
    );
    const fl = fit.lambda;
    const nf = fl.length;
    const coefAt = new Float64Array((p + 1) * L);
    for (let k = 0; k < L; k++) {
      const s0 = lambda[k] as number;
      let left = 0;
      let right = 0;
      let frac = 1;
      if (s0 >= (fl[0] as number)) left = right = 0;
      else if (s0 <= (fl[nf - 1] as number)) left = right = nf - 1;
      else {
        while ((fl[left + 1] as number) >= s0) left++;
        right = left + 1;
        frac = (s0 - (fl[right] as number)) / ((fl[left] as number) - (fl[right] as number));
      }
      coefAt[k * (p + 1)] = frac * (fit.intercept[left] as number) + (1 - frac) * (fit.intercept[right] as number);
      const bl = fit.beta[left] as Float64Array;
      const br = fit.beta[right] as Float64Array;
      for (let j = 0; j < p; j++) coefAt[k * (p + 1) + j + 1] = frac * (bl[j] as number) + (1 - frac) * (br[j] as number);
    }
    for (const i of test) {
      for (let k = 0; k < L; k++) {
        let e = coefAt[k * (p + 1)] as number;
        for (let j = 0; j < p; j++) e += (coefAt[k * (p + 1) + j + 1] as number) * ((cols[j] as Float64Array)[i] as number);
        const pr1 = Math.min(Math.max(1 / (1 + Math.exp(-e)), 1e-5), 1 - 1e-5);
        raw[i * L + k] = -2 * ((pr.y[i] as number) === 1 ? Math.log(pr1) : Math.log(1 - pr1));
      }
    }
  }
  const cvm = new Float64Array(L);
  const cvsd = new Float64Array(L);
  const foldMean = new Float64Array(K);
  const foldN = new Float64Array(K);
  for (let i = 0; i < n; i++) foldN[(foldid[i] as number) - 1] = (foldN[(foldid[i] as number) - 1] as number) + 1;
  for (let k = 0; k < L; k++) {
    foldMean.fill(0);
    for (let i = 0; i < n; i++) {
      const f = (foldid[i] as number) - 1;
      foldMean[f] = (foldMean[f] as number) + (raw[i * L + k] as number);
    }
    let m = 0;
    for (let f = 0; f < K; f++) {
      foldMean[f] = (foldMean[f] as number) / (foldN[f] as number);
      m += (foldN[f] as number) * (foldMean[f] as number);
    }
    m /= n;
    let v = 0;
    for (let f = 0; f < K; f++) v += (foldN[f] as number) * ((foldMean[f] as number) - m) ** 2;
    cvm[k] = m;
    cvsd[k] = Math.sqrt(v / n / (K - 1));
  }
  let cvmin = Infinity;
  for (let k = 0; k < L; k++) cvmin = Math.min(cvmin, cvm[k] as number);
  let indexMin = 0;
  while ((cvm[indexMin] as number) > cvmin) indexMin++;
  const bound = (cvm[indexMin] as number) + (cvsd[indexMin] as number);
  let index1se = 0;
  while ((cvm[index1se] as number) > bound) index1se++;
  return {
    path,
    lambda,
    cvm,
    cvsd,
    lambdaMin: lambda[indexMin] as number,
    lambda1se: lambda[index1se] as number,
    indexMin,
    index1se,
  };
}
