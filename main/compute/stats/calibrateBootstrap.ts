/**
 * Calibration curves for a model of a binary outcome:
 *
 * - `calibrateBootstrap`: the bootstrap overfitting-corrected ("bias-corrected") calibration
 *   curve of rms::calibrate (rms 6.5, calibrate.default with method = "boot" through
 *   predab.resample). On a grid of predicted probabilities (`predy`, default 50 points from the
 *   5th smallest to the 5th largest prediction) the apparent curve is lowess(p, y, iter = 0)
 *   interpolated linearly (NA outside the range of p, approx's rule 1). For each bootstrap
 *   sample the model is re-fitted; its curve on the sample minus its curve on the original data
 *   is that sample's optimism at each grid point; the corrected curve is the apparent curve
 *   minus the mean optimism over the samples where both were defined at that point (rms's `n`
 *   column). The mean and 0.9 quantile of |error| are print.calibrate's summary: the
 *   predictions minus the corrected curve interpolated at them.
 * - `binnedCalibration`: observed proportion against mean predicted risk in groups at quantiles
 *   of the predictions (the Hosmer–Lemeshow groups), with Wilson CIs (prop.test(correct = FALSE)).
 *
 * The model is any `CalibrationModel`: a function that fits on given rows and returns
 * probabilities for any rows, so every model of the modeling pipeline can be calibrated the same
 * way; `logisticCalibrationModel` is the lrm one. Bootstrap samples come from RadStudy's seeded
 * generator, or are given (0-based indices), which is how the tests replay R's own samples.
 */
import { StatsInputError } from './common.js';
import { quantileSorted } from './descriptives.js';
import { lowess } from './lowess.js';
import { logisticRegression, predictLogistic } from './logistic.js';
import type { DesignMatrix } from './logistic.js';
import { Rng } from './random.js';
import { hosmerLemeshow } from './calibration.js';
import { proportionCi } from './roc/threshold.js';

/** Fits on `train` (row indices, repeats allowed) and returns P(y = 1) for the rows asked. */
export type CalibrationModel = (train: Int32Array) => (rows: Int32Array) => Float64Array;

export interface CalibrateBootstrapOptions {
  /** Bootstrap samples (rms default 40; 200 or more for a publication figure). */
  B?: number;
  seed?: number;
  /** Explicit bootstrap samples (0-based row indices, each of length n); overrides B and seed. */
  samples?: readonly Int32Array[];
  /** Grid of predicted probabilities (default: 50 points from the 5th to the n−4th sorted prediction). */
  predy?: ArrayLike<number>;
  /** Called after each bootstrap sample (for job progress). */
  onProgress?: (done: number, total: number) => void;
}

export interface CalibrateBootstrapResult {
  predy: Float64Array;
  /** Apparent calibration curve (rms calibrated.orig); NaN where undefined. */
  apparent: Float64Array;
  /** Overfitting-corrected curve (rms calibrated.corrected). */
  corrected: Float64Array;
  /** Mean of (curve on the bootstrap sample − predy) and (curve on the original data − predy). */
  training: Float64Array;
  test: Float64Array;
  optimism: Float64Array;
  /** Bootstrap samples that contributed at each grid point. */
  count: Int32Array;
  B: number;
  /** Samples whose fit failed (rms: "Divergence or singularity in k samples"). */
  failed: number;
  meanAbsoluteError: number;
  meanSquaredError: number;
  quantile90AbsoluteError: number;
  n: number;
  warnings: string[];
}

/**
 * The lowess (iter = 0) calibration curve of p against y, linearly interpolated at the grid;
 * NaN outside [min p, max p] (R: approx(lowess(x, y, iter = 0), xout = predy, ties = first)).
 */
export function smoothedCalibration(p: Float64Array, y: Float64Array, predy: Float64Array): Float64Array {
  const sm = lowess(p, y, { iter: 0 });
  // Collapse tied x (lowess gives them equal fits; approx keeps the first).
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < sm.x.length; i++) {
    const xi = sm.x[i] as number;
    if (xs.length > 0 && xs[xs.length - 1] === xi) continue;
    xs.push(xi);
    ys.push(sm.y[i] as number);
  }
  return interpolate(xs, ys, predy);
}

/** approx(x, y, xout, rule = 1) for increasing x: linear, NaN outside [x0, xn]. */
function interpolate(xs: readonly number[], ys: readonly number[], at: ArrayLike<number>): Float64Array {
  const out = new Float64Array(at.length);
  const m = xs.length;
  for (let k = 0; k < at.length; k++) {
    const v = at[k] as number;
    if (Number.isNaN(v) || m === 0 || v < (xs[0] as number) || v > (xs[m - 1] as number)) {
      out[k] = NaN;
      continue;
    }
    if (m === 1) {
      out[k] = ys[0] as number;
      continue;
    }
    let lo = 0;
    let hi = m - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if ((xs[mid] as number) > v) hi = mid;
      else lo = mid;
    }
    const x0 = xs[lo] as number;
    const x1 = xs[hi] as number;
    // R's approx1: v == x[j] returns y[j] exactly; otherwise y[i] + (y[j] − y[i]) · (v − x[i]) / (x[j] − x[i]).
    out[k] =
      v === x1
        ? (ys[hi] as number)
        : v === x0
          ? (ys[lo] as number)
          : (ys[lo] as number) + ((ys[hi] as number) - (ys[lo] as number)) * ((v - x0) / (x1 - x0));
  }
  return out;
}

/** R's seq(from, to, length.out = k). */
export function seqLength(from: number, to: number, k: number): Float64Array {
  const out = new Float64Array(k);
  const by = (to - from) / (k - 1);
  for (let i = 0; i < k; i++) out[i] = i === k - 1 ? to : from + i * by;
  out[0] = from;
  return out;
}

function checkOutcome(y: ArrayLike<number>): Float64Array {
  const yy = Float64Array.from(y);
  let events = 0;
  for (let i = 0; i < yy.length; i++) {
    const v = yy[i] as number;
    if (v !== 0 && v !== 1) {
      throw new StatsInputError(
        `bootstrap calibration: outcome at row ${i + 1} is ${v}; expected 0 or 1 (remove missing rows first)`,
      );
    }
    events += v;
  }
  if (events === 0 || events === yy.length) {
    throw new StatsInputError(`bootstrap calibration: all outcomes are ${events === 0 ? 0 : 1}; both classes are needed`);
  }
  return yy;
}

export function calibrateBootstrap(
  model: CalibrationModel,
  y: ArrayLike<number>,
  opts: CalibrateBootstrapOptions = {},
): CalibrateBootstrapResult {
  const yy = checkOutcome(y);
  const n = yy.length;
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const predicted = model(all)(all);
  let predy: Float64Array;
  if (opts.predy) predy = Float64Array.from(opts.predy);
  else {
    if (n < 11) throw new StatsInputError(`bootstrap calibration: ${n} rows; need more than 10 (or give the grid)`);
    const sorted = Float64Array.from(predicted).sort();
    predy = seqLength(sorted[4] as number, sorted[n - 5] as number, 50);
  }
  const samples = opts.samples;
  const B = samples ? samples.length : (opts.B ?? 40);
  if (!(B >= 1) || !Number.isInteger(B))
    throw new StatsInputError(`bootstrap calibration: B must be a positive integer (got ${B})`);
  if (samples) {
    samples.forEach((s, b) => {
      if (s.length !== n) throw new StatsInputError(`bootstrap calibration: sample ${b + 1} has ${s.length} rows, the data ${n}`);
      for (const i of s) if (!(i >= 0 && i < n)) throw new StatsInputError(`bootstrap calibration: sample ${b + 1} has row ${i}`);
    });
  }
  const apparentDiff = smoothedCalibration(predicted, yy, predy);
  const apparent = apparentDiff.slice();
  const g = predy.length;
  const trainSum = new Float64Array(g);
  const testSum = new Float64Array(g);
  const count = new Int32Array(g);
  const rng = new Rng(opts.seed ?? 1);
  const idx = new Int32Array(n);
  const yBoot = new Float64Array(n);
  let failed = 0;
  const failures = new Map<string, number>();
  for (let b = 0; b < B; b++) {
    const train = samples ? (samples[b] as Int32Array) : rng.resampleIndices(n, n, idx);
    let predictTrain: Float64Array;
    let predictAll: Float64Array;
    try {
      const fitted = model(train);
      predictTrain = fitted(train);
      predictAll = fitted(all);
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      failed++;
      failures.set(e.message, (failures.get(e.message) ?? 0) + 1);
      opts.onProgress?.(b + 1, B);
      continue;
    }
    for (let i = 0; i < n; i++) yBoot[i] = yy[train[i] as number] as number;
    const calTrain = smoothedCalibration(predictTrain, yBoot, predy);
    const calTest = smoothedCalibration(predictAll, yy, predy);
    for (let k = 0; k < g; k++) {
      const tr = (calTrain[k] as number) - (predy[k] as number);
      const te = (calTest[k] as number) - (predy[k] as number);
      if (Number.isNaN(tr + te)) continue;
      trainSum[k] += tr;
      testSum[k] += te;
      count[k]++;
    }
    opts.onProgress?.(b + 1, B);
  }
  const training = new Float64Array(g);
  const test = new Float64Array(g);
  const optimism = new Float64Array(g);
  const corrected = new Float64Array(g);
  for (let k = 0; k < g; k++) {
    const c = count[k] as number;
    training[k] = c > 0 ? (trainSum[k] as number) / c : NaN;
    test[k] = c > 0 ? (testSum[k] as number) / c : NaN;
    optimism[k] = (training[k] as number) - (test[k] as number);
    corrected[k] = (apparent[k] as number) - (optimism[k] as number);
  }
  // print.calibrate.default: err = predicted − approx(predy, corrected, xout = predicted, ties = mean).
  const gx: number[] = [];
  const gy: number[] = [];
  for (let k = 0; k < g; k++) {
    if (Number.isNaN((predy[k] as number) + (corrected[k] as number))) continue;
    gx.push(predy[k] as number);
    gy.push(corrected[k] as number);
  }
  const atPred = interpolate(gx, gy, predicted);
  const absErr: number[] = [];
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const e = (predicted[i] as number) - (atPred[i] as number);
    if (Number.isNaN(e)) continue;
    absErr.push(Math.abs(e));
    sq += e * e;
  }
  absErr.sort((a, b) => a - b);
  const warnings: string[] = [];
  if (failed > 0) {
    const why = [...failures].map(([m, c]) => `${c}× ${m}`).join('; ');
    warnings.push(`${failed} of ${B} bootstrap fits failed and were left out: ${why}`);
  }
  if (B - failed < 20) warnings.push(`only ${B - failed} bootstrap samples contributed; use B ≥ 200 for a stable curve`);
  const mean = absErr.reduce((a, v) => a + v, 0) / absErr.length;
  return {
    predy,
    apparent,
    corrected,
    training,
    test,
    optimism,
    count,
    B,
    failed,
    meanAbsoluteError: mean,
    meanSquaredError: sq / absErr.length,
    quantile90AbsoluteError: absErr.length ? (quantileSorted(absErr, [0.9])[0] as number) : NaN,
    n,
    warnings,
  };
}

/**
 * A logistic regression (lrm / glm binomial) of y on the design columns as a CalibrationModel.
 * Rows with missing values must be removed beforehand (the bootstrap needs fixed rows).
 */
export function logisticCalibrationModel(
  x: DesignMatrix,
  y: ArrayLike<number>,
  opts: { intercept?: boolean } = {},
): CalibrationModel {
  const cols: Float64Array[] = Array.isArray(x)
    ? (x as readonly ArrayLike<number>[]).map((c) => Float64Array.from(c))
    : (() => {
        const { data, nrow } = x as { data: Float64Array; nrow: number };
        return Array.from({ length: data.length / nrow }, (_, j) => data.slice(j * nrow, (j + 1) * nrow));
      })();
  cols.forEach((c, j) => {
    if (c.length !== y.length) {
      throw new StatsInputError(`bootstrap calibration: predictor ${j + 1} has ${c.length} values, the outcome ${y.length}`);
    }
    for (let i = 0; i < c.length; i++) {
      if (Number.isNaN(c[i] as number)) {
        throw new StatsInputError(
          `bootstrap calibration: predictor ${j + 1} is missing at row ${i + 1}; remove incomplete rows first`,
        );
      }
    }
  });
  const yy = Float64Array.from(y);
  const pick = (rows: Int32Array): Float64Array[] =>
    cols.map((c) => {
      const out = new Float64Array(rows.length);
      for (let r = 0; r < rows.length; r++) out[r] = c[rows[r] as number] as number;
      return out;
    });
  return (train) => {
    const yTrain = new Float64Array(train.length);
    for (let r = 0; r < train.length; r++) yTrain[r] = yy[train[r] as number] as number;
    const fit = logisticRegression(pick(train), yTrain, { intercept: opts.intercept ?? true });
    return (rows) => predictLogistic(fit, pick(rows));
  };
}

export interface BinnedCalibrationGroup {
  lower: number;
  upper: number;
  n: number;
  meanPredicted: number;
  observed: number;
  /** Wilson interval of the observed proportion. */
  confInt: [number, number];
}

/** Observed against predicted risk in g quantile groups (the Hosmer–Lemeshow groups). */
export function binnedCalibration(p: ArrayLike<number>, y: ArrayLike<number>, g = 10): BinnedCalibrationGroup[] {
  return hosmerLemeshow(p, y, g).groups.map((grp) => {
    const ci = proportionCi(grp.observed, grp.n, 'wilson');
    return {
      lower: grp.lower,
      upper: grp.upper,
      n: grp.n,
      meanPredicted: grp.expected / grp.n,
      observed: grp.observed / grp.n,
      confInt: ci.confInt,
    };
  });
}
