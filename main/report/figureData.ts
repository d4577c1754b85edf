/**
 * The numbers behind every figure of an analysis, from its stored result (predictions per row and
 * set, metrics, fitted pipelines): ROC points, DeLong matrices, calibration curves, decision
 * curves, rad-score distributions by class, coefficients, confusion matrices and LASSO paths.
 * Everything is recomputed from the saved predictions with the statistics core, so the figures
 * agree with the metrics tables to the last digit.
 */
import type { AnalysisResult, SetName } from '../compute/ml/analysis.js';
import { rocOf } from '../compute/ml/evaluate.js';
import { smoothedCalibration } from '../compute/stats/calibrateBootstrap.js';
import { binnedCalibration } from '../compute/stats/calibrateBootstrap.js';
import { StatsInputError } from '../compute/stats/common.js';
import { decisionCurve } from '../compute/stats/decisionCurve.js';
import { quantileSorted } from '../compute/stats/descriptives.js';
import { mannWhitneyTest } from '../compute/stats/wilcoxon.js';
import type { LassoPathState } from '../compute/ml/steps.js';
import type {
  BoxStats,
  CalibrationSeries,
  ConfusionMatrix,
  DecisionCurveSeries,
  FigureData,
  RadScoreByClass,
  RocSeries,
  SetKey,
} from './charts/types.js';

const SETS: SetKey[] = ['train', 'cv', 'test', 'external'];
const round = (v: number, d = 5): number => Number(v.toFixed(d));
const expit = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

/** y and p of the rows of one set that have a prediction. */
function setData(r: AnalysisResult, preds: number[]): { y: Float64Array; p: Float64Array } {
  const y: number[] = [];
  const p: number[] = [];
  preds.forEach((v, i) => {
    if (!Number.isNaN(v) && v !== null) {
      y.push(r.rows.y[i] as number);
      p.push(v);
    }
  });
  return { y: Float64Array.from(y), p: Float64Array.from(p) };
}

export function boxStats(values: ArrayLike<number>): BoxStats {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return { n: 0, box: [NaN, NaN, NaN, NaN, NaN], outliers: [] };
  const [q1, med, q3] = quantileSorted(s, [0.25, 0.5, 0.75]) as unknown as [number, number, number];
  const lo = q1 - 1.5 * (q3 - q1);
  const hi = q3 + 1.5 * (q3 - q1);
  let wl = q1;
  let wh = q3;
  const outliers: number[] = [];
  for (const v of s) {
    if (v < lo || v > hi) outliers.push(round(v));
    else {
      wl = Math.min(wl, v);
      wh = Math.max(wh, v);
    }
  }
  return { n, box: [wl, q1, med, q3, wh].map((v) => round(v)) as BoxStats['box'], outliers };
}

/** Contiguous threshold ranges where `better[k]` holds. */
function ranges(thresholds: readonly number[], better: readonly boolean[]): [number, number][] {
  const out: [number, number][] = [];
  let start: number | null = null;
  better.forEach((b, k) => {
    if (b && start === null) start = thresholds[k] as number;
    if ((!b || k === better.length - 1) && start !== null) {
      out.push([start, thresholds[b ? k : k - 1] as number]);
      start = null;
    }
  });
  return out;
}

/** Decision-curve thresholds: 1% to 99% in steps of 1% (dcurves' default grid). */
export const DCA_THRESHOLDS = Array.from({ length: 99 }, (_, k) => (k + 1) / 100);

function calibrationOf(
  model: AnalysisResult['models'][number],
  set: SetKey,
  y: Float64Array,
  p: Float64Array,
): CalibrationSeries | null {
  const m = model.metrics[set as SetName];
  if (!m) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of p) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const grid = Float64Array.from({ length: 50 }, (_, k) => lo + ((hi - lo) * k) / 49);
  let observed: Float64Array;
  try {
    observed = smoothedCalibration(p, y, grid);
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
    return null;
  }
  const apparent = { predicted: [] as number[], observed: [] as number[] };
  grid.forEach((g, k) => {
    const o = observed[k] as number;
    if (Number.isFinite(o)) {
      apparent.predicted.push(round(g));
      apparent.observed.push(round(Math.min(1, Math.max(0, o))));
    }
  });
  let corrected: CalibrationSeries['corrected'] = null;
  const b = model.bootstrap;
  const curve = b?.calibration;
  if (set === 'train' && b && curve) {
    // rms::calibrate: apparent lowess curve minus the mean bootstrap optimism at each grid point.
    corrected = { predicted: [], observed: [], B: b.B };
    curve.predicted.forEach((x, k) => {
      const v = curve.corrected[k];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      corrected!.predicted.push(round(x));
      corrected!.observed.push(round(Math.min(1, Math.max(0, v))));
    });
  } else if (set === 'train' && b && Number.isFinite(b.corrected.slope) && Number.isFinite(b.corrected.intercept)) {
    const xs = Array.from({ length: 50 }, (_, k) => 0.01 + (0.98 * k) / 49).filter((v) => v >= lo && v <= hi);
    corrected = {
      predicted: xs.map((v) => round(v)),
      observed: xs.map((v) => round(expit(b.corrected.intercept + b.corrected.slope * logit(v)))),
      B: b.B,
    };
  }
  let groups: CalibrationSeries['groups'] = [];
  try {
    groups = binnedCalibration(p, y, 10).map((g) => ({ predicted: round(g.meanPredicted), observed: round(g.observed), n: g.n }));
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
  }
  return {
    model: model.name,
    set,
    hosmerLemeshowP: m.hosmerLemeshowP,
    slope: m.calibrationSlope,
    intercept: m.calibrationIntercept,
    apparent,
    corrected,
    groups,
  };
}

function decisionOf(model: string, set: SetKey, y: Float64Array, p: Float64Array): DecisionCurveSeries {
  const dc = decisionCurve(p, y, DCA_THRESHOLDS);
  const nb = dc.points.map((pt) => pt.netBenefit);
  const all = dc.points.map((pt) => pt.treatAll);
  return {
    model,
    set,
    prevalence: round(dc.prevalence),
    thresholds: DCA_THRESHOLDS,
    netBenefit: nb.map((v) => round(v)),
    treatAll: all.map((v) => round(v)),
    helps: ranges(
      DCA_THRESHOLDS,
      nb.map((v, k) => v > Math.max(all[k] as number, 0)),
    ),
  };
}

function lassoOf(model: AnalysisResult['models'][number]): FigureData['lasso'][number] | null {
  const st = model.pipeline.steps.find((s) => s.spec.step === 'lasso');
  const path = st?.state.lassoPath as LassoPathState | undefined;
  return path ? { model: model.name, ...path } : null;
}

/** Everything the charts of one analysis draw. */
export function figureData(r: AnalysisResult): FigureData {
  const sets = SETS.filter((s) => r.models.some((m) => m.metrics[s as SetName]));
  const roc: RocSeries[] = [];
  const calibration: CalibrationSeries[] = [];
  const decisionCurves: DecisionCurveSeries[] = [];
  const radScore: RadScoreByClass[] = [];
  const confusion: ConfusionMatrix[] = [];
  for (const m of r.models) {
    const linear = !!m.radScore;
    for (const set of sets) {
      const metrics = m.metrics[set as SetName];
      if (!metrics) continue;
      const { y, p } = setData(r, m.predictions[set as SetName]);
      const curve = rocOf(y, p);
      const fpr = Array.from(curve.specificities, (s) => round(1 - s)).reverse();
      const tpr = Array.from(curve.sensitivities, (s) => round(s)).reverse();
      roc.push({ model: m.name, set, auc: metrics.auc, ci: metrics.aucCi, fpr, tpr });
      const cal = calibrationOf(m, set, y, p);
      if (cal) calibration.push(cal);
      decisionCurves.push(decisionOf(m.name, set, y, p));
      const score = (v: number): number => (linear ? logit(Math.min(1 - 1e-12, Math.max(1e-12, v))) : v);
      const neg: number[] = [];
      const pos: number[] = [];
      p.forEach((v, i) => (y[i] === 1 ? pos : neg).push(score(v)));
      let pValue: number | null = null;
      try {
        pValue = mannWhitneyTest(pos, neg).pValue;
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
      }
      radScore.push({
        model: m.name,
        set,
        scale: linear ? 'Rad-score (log-odds)' : 'Predicted probability',
        negative: boxStats(neg),
        positive: boxStats(pos),
        pValue,
      });
      // Counts at the training Youden threshold (≥ threshold = positive, as pROC coords).
      let tp = 0;
      let fp = 0;
      let fn = 0;
      let tn = 0;
      p.forEach((v, i) => {
        const call = v >= m.threshold;
        if (y[i] === 1 && call) tp++;
        else if (y[i] === 1) fn++;
        else if (call) fp++;
        else tn++;
      });
      confusion.push({ model: m.name, set, threshold: m.threshold, tp, fp, fn, tn });
    }
  }
  const delong = Object.entries(r.comparison).map(([set, c]) => ({
    set: set as SetKey,
    models: c.models,
    pValues: c.pValues.map((row) => row.map((v) => (v === null || Number.isNaN(v) ? null : v))),
  }));
  const coefficients = r.models
    .filter((m) => m.radScore)
    .map((m) => ({
      model: m.name,
      intercept: m.radScore!.intercept,
      terms: m.radScore!.terms.map((t) => ({
        feature: t.feature,
        coefficient: t.coefficient,
        standardized: t.standardized.coefficient,
      })),
    }));
  const pos = r.spec.outcome.positive;
  return {
    analysis: r.spec.name,
    outcome: `${r.spec.outcome.column} = ${Array.isArray(pos) ? pos.join(' or ') : String(pos)}`,
    models: r.models.map((m) => m.name),
    sets,
    roc,
    delong,
    calibration,
    decisionCurves,
    radScore,
    coefficients,
    confusion,
    lasso: r.models.map(lassoOf).filter((x): x is NonNullable<typeof x> => x !== null),
  };
}
