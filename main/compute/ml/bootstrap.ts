/**
 * Bootstrap internal validation of a whole modelling procedure (pipeline steps and model refitted
 * on every bootstrap sample, so selection is validated too):
 *
 * - Harrell's optimism bootstrap as rms::validate (predab.resample): for each replicate b, fit on
 *   the bootstrap sample, compute the indexes on that sample (training) and on the original rows
 *   (test); optimism = mean(training − test); corrected = apparent − optimism. Indexes: Somers'
 *   Dxy (AUC = Dxy/2 + ½), calibration intercept and slope (logistic regression of y on the
 *   logit of the predictions, 0 and 1 in the sample the model was fitted on), Brier score.
 * - Efron & Tibshirani's .632 and .632+ estimators (JASA 1997) of the AUC, on the error scale
 *   1 − AUC with the no-information error γ = ½ (the AUC of a useless model): out-of-bag error
 *   Err⁽¹⁾ = mean over replicates of 1 − AUC on the rows not drawn; R = (Err⁽¹⁾ − err)/(γ − err)
 *   clipped to [0, 1]; w = .632/(1 − .368 R); Err.632+ = (1 − w)·err + w·Err⁽¹⁾.
 *
 * - The bias-corrected calibration curve of rms::calibrate (method = "boot") from the same
 *   replicates: lowess curves on the rms grid of predicted risk, apparent minus mean optimism
 *   (stats/calibrateBootstrap.ts documents the definition; this reuses its curve and grid).
 *
 * Replicates whose fit fails (one class drawn, a selection step leaving nothing) are skipped and
 * counted, as rms does.
 */
import { StatsInputError } from '../stats/common.js';
import { logisticRegression } from '../stats/logistic.js';
import { aucMannWhitney } from '../stats/roc/curve.js';
import { seqLength, smoothedCalibration } from '../stats/calibrateBootstrap.js';

/** Fits on the rows `train` (indices into the data, repeats allowed) and returns a predictor of P(y = 1) for any rows. */
export type FitPredict = (train: Int32Array) => (rows: Int32Array) => Float64Array;

export interface PerformanceIndexes {
  dxy: number;
  auc: number;
  intercept: number;
  slope: number;
  brier: number;
}

const INDEX_NAMES = ['dxy', 'auc', 'intercept', 'slope', 'brier'] as const;

export interface BootstrapValidation {
  B: number;
  /** Replicates that could not be fitted, and the distinct reasons (up to 3). */
  failed: number;
  failureReasons: string[];
  apparent: PerformanceIndexes;
  training: PerformanceIndexes;
  test: PerformanceIndexes;
  optimism: PerformanceIndexes;
  corrected: PerformanceIndexes;
  /** Mean out-of-bag AUC, the .632 and .632+ AUC and the relative overfitting rate R. */
  oobAuc: number;
  auc632: number;
  auc632plus: number;
  relativeOverfitting: number;
  /**
   * rms::calibrate-style curve on 50 predicted risks from the 5th smallest to the 5th largest
   * apparent prediction: apparent and bias-corrected observed risk (NaN where undefined) and the
   * replicates contributing at each point. Absent with 10 rows or fewer.
   */
  calibration?: { predicted: number[]; apparent: number[]; corrected: number[]; count: number[] };
}

const P_CLIP = 1e-12;

/** Dxy, AUC, calibration intercept and slope, Brier score of predictions p for outcomes y. */
export function performanceIndexes(y: ArrayLike<number>, p: ArrayLike<number>, apparent = false): PerformanceIndexes {
  const cases: number[] = [];
  const controls: number[] = [];
  const lp = new Float64Array(p.length);
  let brier = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (!Number.isFinite(pi)) throw new StatsInputError(`bootstrap validation: prediction ${i + 1} is not a number`);
    (y[i] === 1 ? cases : controls).push(pi);
    const c = Math.min(1 - P_CLIP, Math.max(P_CLIP, pi));
    lp[i] = Math.log(c / (1 - c));
    brier += (pi - (y[i] as number)) ** 2;
  }
  const auc = cases.length && controls.length ? aucMannWhitney(controls, cases, '<') : NaN;
  let intercept = 0;
  let slope = 1;
  if (!apparent) {
    const fit = logisticRegression([lp], y, { onSeparation: 'warn' });
    intercept = fit.coefficients[0]!.estimate;
    slope = fit.coefficients[1]!.estimate;
  }
  return { dxy: 2 * auc - 1, auc, intercept, slope, brier: brier / p.length };
}

/**
 * Bootstrap validation of `fitPredict` on n rows with outcomes y; `samples` are the bootstrap
 * index vectors (e.g. Rng.resampleIndices, or patient-level cluster samples).
 */
export function bootstrapValidate(
  fitPredict: FitPredict,
  y: ArrayLike<number>,
  samples: readonly Int32Array[],
  onReplicate?: (done: number) => void,
): BootstrapValidation {
  const n = y.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const apparentModel = fitPredict(all);
  const pApparent = apparentModel(all);
  const apparent = performanceIndexes(y, pApparent, true);
  const yAll = Float64Array.from(y);
  const sortedApparent = Float64Array.from(pApparent).sort();
  const grid = n > 10 ? seqLength(sortedApparent[4] as number, sortedApparent[n - 5] as number, 50) : null;
  const calApparent = grid ? smoothedCalibration(pApparent, yAll, grid) : null;
  const calTrainSum = new Float64Array(grid?.length ?? 0);
  const calTestSum = new Float64Array(grid?.length ?? 0);
  const calCount = new Int32Array(grid?.length ?? 0);
  const sumTrain = new Float64Array(INDEX_NAMES.length);
  const sumTest = new Float64Array(INDEX_NAMES.length);
  let used = 0;
  const reasons = new Set<string>();
  let oobSum = 0;
  let oobCount = 0;
  for (const [b, s] of samples.entries()) {
    if (b > 0) onReplicate?.(b);
    const yb = Float64Array.from(s, (i) => y[i] as number);
    let predict: (rows: Int32Array) => Float64Array;
    let tr: PerformanceIndexes;
    let te: PerformanceIndexes;
    let pSample: Float64Array;
    let pAll: Float64Array;
    try {
      predict = fitPredict(s);
      pSample = predict(s);
      pAll = predict(all);
      tr = performanceIndexes(yb, pSample, true);
      te = performanceIndexes(y, pAll);
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      if (reasons.size < 3) reasons.add(e.message);
      continue;
    }
    if (!INDEX_NAMES.every((k) => Number.isFinite(tr[k]) && Number.isFinite(te[k]))) {
      if (reasons.size < 3) reasons.add('an index could not be computed (one class in the sample)');
      continue;
    }
    INDEX_NAMES.forEach((k, j) => {
      sumTrain[j] += tr[k];
      sumTest[j] += te[k];
    });
    used++;
    if (grid) {
      const cTrain = smoothedCalibration(pSample, yb, grid);
      const cTest = smoothedCalibration(pAll, yAll, grid);
      for (let k = 0; k < grid.length; k++) {
        const a = (cTrain[k] as number) - (grid[k] as number);
        const b = (cTest[k] as number) - (grid[k] as number);
        if (Number.isNaN(a + b)) continue;
        calTrainSum[k] += a;
        calTestSum[k] += b;
        calCount[k]++;
      }
    }
    // Out-of-bag rows for .632 / .632+.
    const drawn = new Uint8Array(n);
    for (const i of s) drawn[i] = 1;
    const oob = Int32Array.from(all.filter((i) => !drawn[i]));
    const yo = Array.from(oob, (i) => y[i] as number);
    const events = yo.reduce((a, v) => a + v, 0);
    if (events > 0 && events < yo.length) {
      const po = predict(oob);
      const cases: number[] = [];
      const controls: number[] = [];
      yo.forEach((v, k) => (v === 1 ? cases : controls).push(po[k] as number));
      oobSum += aucMannWhitney(controls, cases, '<');
      oobCount++;
    }
  }
  if (samples.length > 0) onReplicate?.(samples.length);
  if (used === 0) throw new StatsInputError(`bootstrap validation: none of the ${samples.length} replicates could be fitted`);
  const mk = (f: (j: number, k: (typeof INDEX_NAMES)[number]) => number): PerformanceIndexes =>
    Object.fromEntries(INDEX_NAMES.map((k, j) => [k, f(j, k)])) as unknown as PerformanceIndexes;
  const training = mk((j) => (sumTrain[j] as number) / used);
  const test = mk((j) => (sumTest[j] as number) / used);
  const optimism = mk((_, k) => training[k] - test[k]);
  const corrected = mk((_, k) => apparent[k] - optimism[k]);
  // .632 / .632+ on the error scale 1 − AUC, γ = ½.
  const oobAuc = oobCount > 0 ? oobSum / oobCount : NaN;
  const errApp = 1 - apparent.auc;
  const gamma = 0.5;
  const errOobC = Math.min(1 - oobAuc, gamma); // Efron & Tibshirani's Err⁽¹⁾' = min(Err⁽¹⁾, γ)
  const R = errOobC > errApp && gamma > errApp ? (errOobC - errApp) / (gamma - errApp) : 0;
  const w = 0.632 / (1 - 0.368 * R);
  const auc632 = 1 - (0.368 * errApp + 0.632 * (1 - oobAuc));
  const auc632plus = 1 - ((1 - w) * errApp + w * errOobC);
  return {
    B: samples.length,
    failed: samples.length - used,
    failureReasons: [...reasons],
    apparent,
    training,
    test,
    optimism,
    corrected,
    oobAuc,
    auc632,
    auc632plus,
    relativeOverfitting: R,
    ...(grid && calApparent
      ? {
          calibration: {
            predicted: Array.from(grid),
            apparent: Array.from(calApparent),
            corrected: Array.from(grid, (_, k) => {
              const c = calCount[k] as number;
              const optimism = c > 0 ? ((calTrainSum[k] as number) - (calTestSum[k] as number)) / c : NaN;
              return (calApparent[k] as number) - optimism;
            }),
            count: Array.from(calCount),
          },
        }
      : {}),
  };
}
