/**
 * Cox proportional-hazards regression with Efron's approximation for tied event times
 * (Efron 1977, JASA 72:557), as survival::coxph(ties = "efron"): Newton–Raphson with step
 * halving on the partial log-likelihood from β = 0, Wald, likelihood-ratio and score tests,
 * hazard ratios with Wald CIs, and Harrell's concordance as survival::concordance (pairs with
 * tied event times are not comparable; a subject censored at an event time counts as at risk;
 * ties in the linear predictor count one half).
 */
import { pchisq, pnorm, qnorm } from './distributions/index.js';
import { StatsInputError } from './common.js';

export interface CoxCoefficient {
  name: string;
  coef: number;
  se: number;
  z: number;
  pValue: number;
  hazardRatio: number;
  confInt: [number, number];
}

export interface CoxResult {
  coefficients: CoxCoefficient[];
  logLik: number;
  logLikNull: number;
  likelihoodRatio: { statistic: number; df: number; pValue: number };
  wald: { statistic: number; df: number; pValue: number };
  score: { statistic: number; df: number; pValue: number };
  concordance: number;
  n: number;
  nEvents: number;
  nMissing: number;
  iterations: number;
  /** Problems a user should see next to the table (e.g. a coefficient drifting to infinity). */
  warnings: string[];
}

interface Fit {
  loglik: number;
  grad: Float64Array;
  info: Float64Array;
}

/** Partial log-likelihood, score and information (Efron ties) at β; rows sorted by time descending. */
function evaluate(beta: Float64Array, X: Float64Array[], time: Float64Array, status: Uint8Array, order: Int32Array): Fit {
  const p = beta.length;
  const n = time.length;
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < p; k++) s += (beta[k] as number) * ((X[k] as Float64Array)[i] as number);
    eta[i] = s;
  }
  const grad = new Float64Array(p);
  const info = new Float64Array(p * p);
  let loglik = 0;
  // Risk-set sums over everyone with time ≥ current time.
  let s0 = 0;
  const s1 = new Float64Array(p);
  const s2 = new Float64Array(p * p);
  const d1 = new Float64Array(p);
  const d2 = new Float64Array(p * p);
  const a1 = new Float64Array(p);
  let idx = 0;
  while (idx < n) {
    const t = time[order[idx] as number] as number;
    let d0 = 0;
    d1.fill(0);
    d2.fill(0);
    let nd = 0;
    while (idx < n && time[order[idx] as number] === t) {
      const i = order[idx] as number;
      const w = Math.exp(eta[i] as number);
      s0 += w;
      for (let k = 0; k < p; k++) {
        const xk = (X[k] as Float64Array)[i] as number;
        s1[k] = (s1[k] as number) + w * xk;
        for (let l = 0; l <= k; l++) s2[k * p + l] = (s2[k * p + l] as number) + w * xk * ((X[l] as Float64Array)[i] as number);
      }
      if (status[i] === 1) {
        nd++;
        d0 += w;
        loglik += eta[i] as number;
        for (let k = 0; k < p; k++) {
          const xk = (X[k] as Float64Array)[i] as number;
          grad[k] = (grad[k] as number) + xk;
          d1[k] = (d1[k] as number) + w * xk;
          for (let l = 0; l <= k; l++) d2[k * p + l] = (d2[k * p + l] as number) + w * xk * ((X[l] as Float64Array)[i] as number);
        }
      }
      idx++;
    }
    for (let r = 0; r < nd; r++) {
      const f = r / nd;
      const den = s0 - f * d0;
      loglik -= Math.log(den);
      for (let k = 0; k < p; k++) {
        a1[k] = ((s1[k] as number) - f * (d1[k] as number)) / den;
        grad[k] = (grad[k] as number) - (a1[k] as number);
      }
      for (let k = 0; k < p; k++) {
        for (let l = 0; l <= k; l++) {
          const a2 = ((s2[k * p + l] as number) - f * (d2[k * p + l] as number)) / den;
          info[k * p + l] = (info[k * p + l] as number) + a2 - (a1[k] as number) * (a1[l] as number);
        }
      }
    }
  }
  for (let k = 0; k < p; k++) for (let l = 0; l < k; l++) info[l * p + k] = info[k * p + l] as number;
  return { loglik, grad, info };
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; throws if singular. */
function invertSpd(A: Float64Array, p: number, what: string): Float64Array {
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * p + k] as number) * (L[j * p + k] as number);
      if (i === j) {
        if (!(s > 1e-12 * Math.abs(A[i * p + i] as number))) throw new StatsInputError(what);
        L[i * p + i] = Math.sqrt(s);
      } else L[i * p + j] = s / (L[j * p + j] as number);
    }
  }
  const inv = new Float64Array(p * p);
  const col = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    col.fill(0);
    col[c] = 1;
    for (let i = 0; i < p; i++) {
      let s = col[i] as number;
      for (let k = 0; k < i; k++) s -= (L[i * p + k] as number) * (col[k] as number);
      col[i] = s / (L[i * p + i] as number);
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = col[i] as number;
      for (let k = i + 1; k < p; k++) s -= (L[k * p + i] as number) * (col[k] as number);
      col[i] = s / (L[i * p + i] as number);
    }
    for (let i = 0; i < p; i++) inv[i * p + c] = col[i] as number;
  }
  return inv;
}

function quadForm(v: Float64Array, M: Float64Array, p: number): number {
  let s = 0;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += (v[i] as number) * (M[i * p + j] as number) * (v[j] as number);
  return s;
}

/**
 * Fit a Cox model. `covariates` are columns (each the length of `time`), `names` label them.
 * Rows with NaN in time, status or any covariate are dropped.
 */
export function coxPH(
  time: ArrayLike<number>,
  status: ArrayLike<number>,
  covariates: ReadonlyArray<ArrayLike<number>>,
  opts: { names?: readonly string[]; confLevel?: number; maxIter?: number } = {},
): CoxResult {
  const p = covariates.length;
  if (p < 1) throw new StatsInputError('Cox model: needs at least one covariate');
  const names = opts.names ?? covariates.map((_, k) => `x${k + 1}`);
  const N = time.length;
  if (status.length !== N) throw new StatsInputError(`Cox model: time and status differ in length (${N} vs ${status.length})`);
  covariates.forEach((c, k) => {
    if (c.length !== N) throw new StatsInputError(`Cox model: covariate '${names[k]}' has ${c.length} values, expected ${N}`);
  });
  const keep: number[] = [];
  for (let i = 0; i < N; i++) {
    let ok = !Number.isNaN(time[i] as number) && !Number.isNaN(status[i] as number);
    for (let k = 0; k < p && ok; k++) ok = !Number.isNaN(covariates[k]![i] as number);
    if (!ok) continue;
    const s = status[i] as number;
    if (s !== 0 && s !== 1)
      throw new StatsInputError(`Cox model: status at row ${i + 1} is ${s}; expected 1 (event) or 0 (censored)`);
    keep.push(i);
  }
  const n = keep.length;
  const t = Float64Array.from(keep, (i) => time[i] as number);
  const st = Uint8Array.from(keep, (i) => status[i] as number);
  const nEvents = st.reduce((a, b) => a + b, 0);
  if (nEvents === 0) throw new StatsInputError('Cox model: no events');
  // Centre covariates (as coxph does) for numerical stability; coefficients are unchanged.
  const X = covariates.map((c, k) => {
    const col = Float64Array.from(keep, (i) => c[i] as number);
    let m = 0;
    for (let i = 0; i < n; i++) m += col[i] as number;
    m /= n;
    let varies = false;
    for (let i = 0; i < n; i++) {
      col[i] = (col[i] as number) - m;
      if (col[i] !== 0) varies = true;
    }
    if (!varies) throw new StatsInputError(`Cox model: covariate '${names[k]}' is constant`);
    return col;
  });
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (t[b] as number) - (t[a] as number));
  const beta = new Float64Array(p);
  const singular = 'Cox model: the information matrix is singular (collinear covariates or no variation among those at risk)';
  let fit = evaluate(beta, X, t, st, order);
  const null0 = fit;
  const scoreStat = quadForm(null0.grad, invertSpd(null0.info, p, singular), p);
  const maxIter = opts.maxIter ?? 50;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    const inv = invertSpd(fit.info, p, singular);
    const step = new Float64Array(p);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) step[i] = (step[i] as number) + (inv[i * p + j] as number) * (fit.grad[j] as number);
    let scale = 1;
    let next: Fit;
    let trial: Float64Array;
    for (;;) {
      trial = Float64Array.from(beta, (b, k) => b + scale * (step[k] as number));
      next = evaluate(trial, X, t, st, order);
      if (next.loglik >= fit.loglik - 1e-12 * Math.abs(fit.loglik) || scale < 1e-6) break;
      scale /= 2; // step halving, as coxph
    }
    const change = Math.abs(next.loglik - fit.loglik);
    beta.set(trial);
    fit = next;
    let maxStep = 0;
    for (let k = 0; k < p; k++)
      maxStep = Math.max(maxStep, Math.abs(scale * (step[k] as number)) / Math.max(1, Math.abs(beta[k] as number)));
    if (change <= 1e-13 * Math.abs(fit.loglik) && maxStep < 1e-10) break;
  }
  const warnings: string[] = [];
  if (iter >= maxIter) warnings.push(`Cox model: did not converge in ${maxIter} iterations`);
  const inv = invertSpd(fit.info, p, singular);
  const z = qnorm(1 - (1 - (opts.confLevel ?? 0.95)) / 2);
  const coefficients: CoxCoefficient[] = [];
  for (let k = 0; k < p; k++) {
    const b = beta[k] as number;
    const se = Math.sqrt(inv[k * p + k] as number);
    if (Math.abs(b) > 15 && se > (10 * Math.abs(b)) / 15) {
      warnings.push(`Cox model: coefficient of '${names[k]}' may be infinite (monotone likelihood, e.g. no events in one group)`);
    }
    const zk = b / se;
    coefficients.push({
      name: names[k] as string,
      coef: b,
      se,
      z: zk,
      pValue: 2 * pnorm(-Math.abs(zk)),
      hazardRatio: Math.exp(b),
      confInt: [Math.exp(b - z * se), Math.exp(b + z * se)],
    });
  }
  const lr = 2 * (fit.loglik - null0.loglik);
  const waldStat = quadForm(beta, fit.info, p);
  // Harrell's C on the linear predictor.
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < p; k++) eta[i] = (eta[i] as number) + (beta[k] as number) * ((X[k] as Float64Array)[i] as number);
  let conc = 0;
  let disc = 0;
  let tiedX = 0;
  for (let i = 0; i < n; i++) {
    if (st[i] !== 1) continue;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const comparable = (t[j] as number) > (t[i] as number) || ((t[j] as number) === (t[i] as number) && st[j] === 0);
      if (!comparable) continue;
      if ((eta[i] as number) > (eta[j] as number)) conc++;
      else if ((eta[i] as number) < (eta[j] as number)) disc++;
      else tiedX++;
    }
  }
  return {
    coefficients,
    logLik: fit.loglik,
    logLikNull: null0.loglik,
    likelihoodRatio: { statistic: lr, df: p, pValue: pchisq(lr, p, false) },
    wald: { statistic: waldStat, df: p, pValue: pchisq(waldStat, p, false) },
    score: { statistic: scoreStat, df: p, pValue: pchisq(scoreStat, p, false) },
    concordance: (conc + tiedX / 2) / (conc + disc + tiedX),
    n,
    nEvents,
    nMissing: N - n,
    iterations: iter + 1,
    warnings,
  };
}
