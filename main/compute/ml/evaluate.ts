/**
 * Performance of predicted probabilities on one set, from the statistics core: AUC with its
 * DeLong 95% CI (pROC), sensitivity, specificity, accuracy, PPV, NPV with Wilson CIs and F1 at a
 * threshold fixed beforehand (the Youden point of the training set, so test and external sets
 * are judged at a threshold they did not choose), Brier score, calibration intercept and slope
 * (rms val.prob) and the Hosmer–Lemeshow test (g = 10).
 */
import { roc } from '../stats/roc/curve.js';
import type { RocCurve } from '../stats/roc/curve.js';
import { aucDelong, delongPairwiseMatrix } from '../stats/roc/delong.js';
import { metricsAtThreshold, youdenThreshold } from '../stats/roc/threshold.js';
import type { Proportion } from '../stats/roc/threshold.js';
import { valProb, hosmerLemeshow } from '../stats/calibration.js';
import { StatsInputError } from '../stats/common.js';

export interface SetMetrics {
  n: number;
  events: number;
  auc: number;
  aucCi: [number, number] | null;
  threshold: number;
  sensitivity: Proportion;
  specificity: Proportion;
  accuracy: Proportion;
  ppv: Proportion;
  npv: Proportion;
  f1: number;
  brier: number;
  calibrationIntercept: number | null;
  calibrationSlope: number | null;
  hosmerLemeshowP: number | null;
  warnings: string[];
}

/** The Youden threshold of probabilities p for outcome y (pROC coords(best, youden); the first of ties). */
export function youdenOf(y: ArrayLike<number>, p: ArrayLike<number>): number {
  return youdenThreshold(roc(y, p, { direction: '<' })).threshold;
}

export function rocOf(y: ArrayLike<number>, p: ArrayLike<number>): RocCurve {
  return roc(y, p, { direction: '<' });
}

export function setMetrics(y: Float64Array, p: Float64Array, threshold: number): SetMetrics {
  const warnings: string[] = [];
  let events = 0;
  for (let i = 0; i < y.length; i++) events += y[i] as number;
  if (events === 0 || events === y.length) {
    throw new StatsInputError(`this set has only one class (${events} events in ${y.length} rows); AUC and its CI are undefined`);
  }
  const curve = rocOf(y, p);
  let aucCi: [number, number] | null = null;
  try {
    aucCi = aucDelong(curve).confInt;
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
    warnings.push(e.message);
  }
  const m = metricsAtThreshold(curve, threshold);
  let brier = 0;
  for (let i = 0; i < y.length; i++) brier += ((p[i] as number) - (y[i] as number)) ** 2;
  brier /= y.length;
  let calibrationIntercept: number | null = null;
  let calibrationSlope: number | null = null;
  let hosmerLemeshowP: number | null = null;
  try {
    const vp = valProb(p, y);
    calibrationIntercept = vp.intercept;
    calibrationSlope = vp.slope;
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
    warnings.push(`calibration: ${e.message}`);
  }
  try {
    hosmerLemeshowP = hosmerLemeshow(p, y, 10).pValue;
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
    warnings.push(`Hosmer–Lemeshow: ${e.message}`);
  }
  return {
    n: y.length,
    events,
    auc: curve.auc,
    aucCi,
    threshold,
    sensitivity: m.sensitivity,
    specificity: m.specificity,
    accuracy: m.accuracy,
    ppv: m.ppv,
    npv: m.npv,
    f1: m.f1,
    brier,
    calibrationIntercept,
    calibrationSlope,
    hosmerLemeshowP,
    warnings,
  };
}

/** DeLong p-values between every pair of models on the same rows (NaN on the diagonal). */
export function delongMatrix(y: Float64Array, predictions: readonly Float64Array[]): number[][] {
  return delongPairwiseMatrix(predictions.map((p) => rocOf(y, p)));
}
