/**
 * DeLong, DeLong & Clarke-Pearson (1988, Biometrics 44:837) variance of the empirical AUC and
 * tests comparing AUCs, as pROC's `var(method = "delong")`, `ci.auc(method = "delong")` and
 * `roc.test(method = "delong")`. Placements are computed by sorting (Sun & Xu 2014, IEEE SPL
 * 21:1389), O((m+n) log(m+n)), so n = 10,000 costs milliseconds.
 */
import { pnorm, pt, qnorm } from '../distributions/index.js';
import { type Alternative, StatsInputError, checkAlternative } from '../common.js';
import type { RocCurve, RocDirection } from './curve.js';

export interface Placements {
  /** V10: for each case, the share of controls it outranks (ties ½). */
  cases: Float64Array;
  /** V01: for each control, the share of cases that outrank it (ties ½). */
  controls: Float64Array;
  /** The AUC (mean of either placement vector). */
  theta: number;
}

/** Count of values in sorted `s` strictly below v and at most v (binary search). */
function countBelow(s: Float64Array, v: number): [number, number] {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((s[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  const lt = lo;
  hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((s[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return [lt, lo];
}

export function delongPlacements(controls: Float64Array, cases: Float64Array, direction: RocDirection): Placements {
  const n = controls.length;
  const m = cases.length;
  const sc = Float64Array.from(controls).sort();
  const sx = Float64Array.from(cases).sort();
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const [lt, le] = countBelow(sc, cases[i] as number);
    const wins = direction === '<' ? lt : n - le;
    v10[i] = (wins + 0.5 * (le - lt)) / n;
    sum += v10[i] as number;
  }
  for (let j = 0; j < n; j++) {
    const [lt, le] = countBelow(sx, controls[j] as number);
    const wins = direction === '<' ? m - le : lt;
    v01[j] = (wins + 0.5 * (le - lt)) / m;
  }
  return { cases: v10, controls: v01, theta: sum / m };
}

function covariance(a: Float64Array, ta: number, b: Float64Array, tb: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - ta) * ((b[i] as number) - tb);
  return s / (a.length - 1);
}

export interface AucCi {
  auc: number;
  /** DeLong variance of the AUC. */
  variance: number;
  /** [lower, upper], clipped to [0, 1] as pROC does. */
  confInt: [number, number];
  confLevel: number;
}

/** AUC with DeLong variance and normal-theory CI (pROC ci.auc(method = "delong")). */
export function aucDelong(curve: RocCurve, confLevel = 0.95): AucCi {
  const m = curve.cases.length;
  const n = curve.controls.length;
  if (m < 2 || n < 2) throw new StatsInputError(`DeLong CI: needs at least 2 cases and 2 controls (has ${m} and ${n})`);
  const V = delongPlacements(curve.controls, curve.cases, curve.direction);
  const variance = covariance(V.cases, V.theta, V.cases, V.theta) / m + covariance(V.controls, V.theta, V.controls, V.theta) / n;
  const sd = Math.sqrt(variance);
  const a = (1 - confLevel) / 2;
  const clip = (v: number): number => Math.min(1, Math.max(0, v));
  // pROC: qnorm(c(a, 1 − a), mean = theta, sd = sqrt(S)); with sd = 0 both ends equal theta.
  const lo = sd > 0 ? qnorm(a, V.theta, sd) : V.theta;
  const hi = sd > 0 ? qnorm(1 - a, V.theta, sd) : V.theta;
  return { auc: V.theta, variance, confInt: [clip(lo), clip(hi)], confLevel };
}

export interface RocTestResult {
  statistic: number;
  statisticName: 'Z' | 'D';
  df?: number;
  pValue: number;
  auc: [number, number];
  /** Paired test: CI of AUC1 − AUC2. */
  confInt?: [number, number];
  method: string;
  alternative: Alternative;
}

/**
 * DeLong test for two correlated ROC curves on the same subjects (pROC roc.test, paired).
 * Both curves must come from the same outcome vector (same cases and controls, same order).
 */
export function delongPairedTest(
  roc1: RocCurve,
  roc2: RocCurve,
  opts: { alternative?: Alternative; confLevel?: number } = {},
): RocTestResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const confLevel = opts.confLevel ?? 0.95;
  const m = roc1.cases.length;
  const n = roc1.controls.length;
  if (roc2.cases.length !== m || roc2.controls.length !== n) {
    throw new StatsInputError(
      `paired DeLong test: the curves have different cases/controls (${m}/${n} vs ${roc2.cases.length}/${roc2.controls.length}); drop missing predictors jointly first`,
    );
  }
  if (m < 2 || n < 2) throw new StatsInputError(`paired DeLong test: needs at least 2 cases and 2 controls (has ${m} and ${n})`);
  const R = delongPlacements(roc1.controls, roc1.cases, roc1.direction);
  const S = delongPlacements(roc2.controls, roc2.cases, roc2.direction);
  const sx11 = covariance(R.cases, R.theta, R.cases, R.theta);
  const sx22 = covariance(S.cases, S.theta, S.cases, S.theta);
  const sx12 = covariance(R.cases, R.theta, S.cases, S.theta);
  const sy11 = covariance(R.controls, R.theta, R.controls, R.theta);
  const sy22 = covariance(S.controls, S.theta, S.controls, S.theta);
  const sy12 = covariance(R.controls, R.theta, S.controls, S.theta);
  const varD = (sx11 + sx22 - 2 * sx12) / m + (sy11 + sy22 - 2 * sy12) / n;
  const sig = Math.sqrt(varD);
  const d = R.theta - S.theta;
  let z = d / sig;
  if (Number.isNaN(z) && d === 0 && sig === 0) z = 0;
  const pValue = alternative === 'two.sided' ? 2 * pnorm(-Math.abs(z)) : alternative === 'greater' ? pnorm(-z) : pnorm(z);
  const crit = qnorm(1 - (1 - confLevel) / 2);
  return {
    statistic: z,
    statisticName: 'Z',
    pValue,
    auc: [R.theta, S.theta],
    confInt: [d - crit * sig, d + crit * sig],
    method: "DeLong's test for two correlated ROC curves",
    alternative,
  };
}

/** DeLong test for two ROC curves on different subjects (pROC roc.test, unpaired: t with Welch df). */
export function delongUnpairedTest(roc1: RocCurve, roc2: RocCurve, opts: { alternative?: Alternative } = {}): RocTestResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const a = aucDelong(roc1);
  const b = aucDelong(roc2);
  const se = Math.sqrt(a.variance + b.variance);
  const t = (a.auc - b.auc) / se;
  const ntotR = roc1.cases.length + roc1.controls.length;
  const ntotS = roc2.cases.length + roc2.controls.length;
  const df = (a.variance + b.variance) ** 2 / (a.variance ** 2 / (ntotR - 1) + b.variance ** 2 / (ntotS - 1));
  const pValue = alternative === 'two.sided' ? 2 * pt(-Math.abs(t), df) : alternative === 'greater' ? pt(-t, df) : pt(t, df);
  return {
    statistic: t,
    statisticName: 'D',
    df,
    pValue,
    auc: [a.auc, b.auc],
    method: "DeLong's test for two ROC curves",
    alternative,
  };
}

/** Two-sided paired DeLong p-values for every pair of curves (symmetric, NaN on the diagonal). */
export function delongPairwiseMatrix(curves: readonly RocCurve[]): number[][] {
  const k = curves.length;
  const out = Array.from({ length: k }, () => new Array<number>(k).fill(NaN));
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const p = delongPairedTest(curves[i] as RocCurve, curves[j] as RocCurve).pValue;
      out[i]![j] = p;
      out[j]![i] = p;
    }
  }
  return out;
}
