/**
 * Operating points: Youden-optimal threshold (pROC coords(x = "best", best.method = "youden"))
 * and the confusion-matrix metrics at a threshold, with exact Clopper–Pearson (R binom.test)
 * or Wilson score (R prop.test(correct = FALSE)) confidence intervals for the proportions.
 */
import { qbeta, qnorm } from '../distributions/index.js';
import { StatsInputError } from '../common.js';
import type { RocCurve } from './curve.js';

export interface YoudenPoint {
  threshold: number;
  sensitivity: number;
  specificity: number;
  youden: number;
  /** All thresholds that tie for the maximum (pROC returns them all). */
  tiedThresholds: number[];
}

export function youdenThreshold(curve: RocCurve): YoudenPoint {
  let best = -Infinity;
  let idx: number[] = [];
  for (let i = 0; i < curve.thresholds.length; i++) {
    const j = (curve.sensitivities[i] as number) + (curve.specificities[i] as number);
    // Compare with a tolerance of a few ulps: se + sp sums of fractions can differ in the last bit.
    if (j > best + 1e-12) {
      best = j;
      idx = [i];
    } else if (Math.abs(j - best) <= 1e-12) idx.push(i);
  }
  const i0 = idx[0] as number;
  return {
    threshold: curve.thresholds[i0] as number,
    sensitivity: curve.sensitivities[i0] as number,
    specificity: curve.specificities[i0] as number,
    youden: best - 1,
    tiedThresholds: idx.map((i) => curve.thresholds[i] as number),
  };
}

export type ProportionCiMethod = 'clopper-pearson' | 'wilson';

export interface Proportion {
  estimate: number;
  successes: number;
  total: number;
  confInt: [number, number];
}

/** Binomial proportion with a two-sided CI. */
export function proportionCi(x: number, n: number, method: ProportionCiMethod = 'wilson', confLevel = 0.95): Proportion {
  if (!(n >= 0) || !(x >= 0) || x > n) throw new StatsInputError(`proportion: need 0 ≤ successes ≤ total (got ${x}/${n})`);
  if (n === 0) return { estimate: NaN, successes: x, total: n, confInt: [NaN, NaN] };
  const p = x / n;
  const a = 1 - confLevel;
  if (method === 'clopper-pearson') {
    const lo = x === 0 ? 0 : qbeta(a / 2, x, n - x + 1);
    const hi = x === n ? 1 : qbeta(1 - a / 2, x + 1, n - x);
    return { estimate: p, successes: x, total: n, confInt: [lo, hi] };
  }
  // Wilson score interval (prop.test without continuity correction).
  const z = qnorm(1 - a / 2);
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const den = 1 + z2 / n;
  // At x = 0 or x = n the bound is exactly 0 or 1 (as prop.test), not a rounding residue.
  const lo = x === 0 ? 0 : Math.max(0, (centre - half) / den);
  const hi = x === n ? 1 : Math.min(1, (centre + half) / den);
  return { estimate: p, successes: x, total: n, confInt: [lo, hi] };
}

export interface ThresholdMetrics {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  sensitivity: Proportion;
  specificity: Proportion;
  ppv: Proportion;
  npv: Proportion;
  accuracy: Proportion;
  f1: number;
}

/**
 * Confusion matrix at `threshold` in the curve's direction: for '<' a subject is called positive
 * when predictor ≥ threshold, for '>' when predictor ≤ threshold (pROC: controls < t ≤ cases).
 */
export function metricsAtThreshold(
  curve: RocCurve,
  threshold: number,
  opts: { ciMethod?: ProportionCiMethod; confLevel?: number } = {},
): ThresholdMetrics {
  const method = opts.ciMethod ?? 'wilson';
  const cl = opts.confLevel ?? 0.95;
  const positive = (v: number): boolean => (curve.direction === '<' ? v >= threshold : v <= threshold);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < curve.cases.length; i++) if (positive(curve.cases[i] as number)) tp++;
  for (let i = 0; i < curve.controls.length; i++) if (positive(curve.controls[i] as number)) fp++;
  const fn = curve.cases.length - tp;
  const tn = curve.controls.length - fp;
  const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    sensitivity: proportionCi(tp, tp + fn, method, cl),
    specificity: proportionCi(tn, tn + fp, method, cl),
    ppv: proportionCi(tp, tp + fp, method, cl),
    npv: proportionCi(tn, tn + fn, method, cl),
    accuracy: proportionCi(tp + tn, tp + tn + fp + fn, method, cl),
    f1,
  };
}
