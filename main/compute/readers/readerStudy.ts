/**
 * Reader-study statistics for one reader (seed 004: radiologists rate lesions without and then
 * with the model output shown). Per session: the empirical AUC of the ratings against the
 * outcome with DeLong's CI (main/compute/stats/roc/delong.ts, pROC ci.auc), and the sensitivity
 * and specificity when a rating ≥ threshold is called positive. The change aided − unaided is
 * tested with the paired DeLong test (pROC roc.test, paired) on the lesions rated in both
 * sessions. Higher ratings mean "more likely a case" (direction '<' fixed, not chosen from the data).
 */
import { roc, type RocCurve } from '../stats/roc/curve.js';
import { aucDelong, delongPairedTest } from '../stats/roc/delong.js';
import { metricsAtThreshold } from '../stats/roc/threshold.js';

export interface SessionStats {
  n: number;
  cases: number;
  controls: number;
  auc: number;
  aucLower: number;
  aucUpper: number;
  sensitivity: number;
  specificity: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ReaderChange {
  n: number;
  deltaAuc: number;
  lower: number;
  upper: number;
  z: number;
  p: number;
  deltaSensitivity: number;
  deltaSpecificity: number;
}

function sessionStats(curve: RocCurve, threshold: number, confLevel: number): SessionStats {
  const ci = aucDelong(curve, confLevel);
  const m = metricsAtThreshold(curve, threshold);
  return {
    n: curve.cases.length + curve.controls.length,
    cases: curve.cases.length,
    controls: curve.controls.length,
    auc: ci.auc,
    aucLower: ci.confInt[0],
    aucUpper: ci.confInt[1],
    sensitivity: m.sensitivity.estimate,
    specificity: m.specificity.estimate,
    tp: m.tp,
    fp: m.fp,
    tn: m.tn,
    fn: m.fn,
  };
}

/** outcome: 1 case, 0 control; unaided / aided: the reader's ratings (NaN = not rated). */
export function readerStudyStats(
  outcome: ArrayLike<number>,
  unaided: ArrayLike<number>,
  aided: ArrayLike<number>,
  threshold: number,
  confLevel = 0.95,
): { unaided: SessionStats; aided: SessionStats; change: ReaderChange | null } {
  const u = sessionStats(roc(outcome, unaided, { direction: '<' }), threshold, confLevel);
  const a = sessionStats(roc(outcome, aided, { direction: '<' }), threshold, confLevel);
  // Paired: only lesions with both ratings (and an outcome).
  const y: number[] = [];
  const pu: number[] = [];
  const pa: number[] = [];
  for (let i = 0; i < outcome.length; i++) {
    const o = outcome[i]!;
    if (Number.isNaN(o) || Number.isNaN(unaided[i]!) || Number.isNaN(aided[i]!)) continue;
    y.push(o);
    pu.push(unaided[i]!);
    pa.push(aided[i]!);
  }
  const cu = roc(y, pu, { direction: '<' });
  const ca = roc(y, pa, { direction: '<' });
  if (cu.cases.length < 2 || cu.controls.length < 2) return { unaided: u, aided: a, change: null };
  const t = delongPairedTest(ca, cu, { confLevel });
  const mu = metricsAtThreshold(cu, threshold);
  const ma = metricsAtThreshold(ca, threshold);
  return {
    unaided: u,
    aided: a,
    change: {
      n: y.length,
      deltaAuc: t.auc[0] - t.auc[1],
      lower: t.confInt![0],
      upper: t.confInt![1],
      z: t.statistic,
      p: t.pValue,
      deltaSensitivity: ma.sensitivity.estimate - mu.sensitivity.estimate,
      deltaSpecificity: ma.specificity.estimate - mu.specificity.estimate,
    },
  };
}
