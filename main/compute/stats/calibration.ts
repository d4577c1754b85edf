/**
 * Calibration of predicted probabilities against binary outcomes:
 * - `valProb`: the statistics of rms::val.prob — Brier score, logistic recalibration intercept
 *   and slope (fit of y ~ logit(p), Cox 1958), C (ROC) and Somers' Dxy, unreliability U
 *   (χ² on 2 df of recalibration versus the identity), Spiegelhalter's z test, and Emax / E90 /
 *   Eavg from the lowess (iter = 0) calibration curve — plus the calibration-in-the-large
 *   intercept (glm(y ~ offset(logit p))).
 * - `hosmerLemeshow`: the Hosmer–Lemeshow C-hat statistic with g groups at type-7 quantiles of p
 *   (the convention of ResourceSelection::hoslem.test: cut(p, quantile(p, 0:g/g),
 *   include.lowest = TRUE), intervals closed on the right; df = g − 2).
 */
import { pchisq, pnorm } from './distributions/index.js';
import { StatsInputError } from './common.js';
import { quantileSorted } from './descriptives.js';
import { aucMannWhitney } from './roc/curve.js';
import { lowess } from './lowess.js';

function checkInputs(
  p: ArrayLike<number>,
  y: ArrayLike<number>,
  what: string,
): { p: Float64Array; y: Float64Array; nMissing: number } {
  if (p.length !== y.length)
    throw new StatsInputError(`${what}: predictions and outcomes differ in length (${p.length} vs ${y.length})`);
  const pp: number[] = [];
  const yy: number[] = [];
  let nMissing = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const yi = y[i] as number;
    if (Number.isNaN(pi) || Number.isNaN(yi)) {
      nMissing++;
      continue;
    }
    if (!(pi >= 0 && pi <= 1))
      throw new StatsInputError(`${what}: predicted probability at row ${i + 1} is ${pi}, outside [0, 1]`);
    if (yi !== 0 && yi !== 1) throw new StatsInputError(`${what}: outcome at row ${i + 1} is ${yi}; expected 0 or 1`);
    pp.push(pi);
    yy.push(yi);
  }
  const ys = yy.reduce((a, b) => a + b, 0);
  if (ys === 0 || ys === yy.length)
    throw new StatsInputError(`${what}: all outcomes are ${ys === 0 ? 0 : 1}; both classes are needed`);
  return { p: Float64Array.from(pp), y: Float64Array.from(yy), nMissing };
}

const logit = (p: number): number => Math.log(p / (1 - p));
/** log(1 + e^η) without overflow. */
const log1pExp = (eta: number): number => (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta)));

/**
 * Maximum-likelihood logistic fit of y on (1, x) with an optional offset, by Newton–Raphson
 * (IRLS) to a relative change < 1e-13. `slopeFixed` fits the intercept only (x unused).
 */
function logisticFit(
  x: Float64Array,
  y: Float64Array,
  offset: Float64Array | null,
  slopeFixed: boolean,
): { a: number; b: number; deviance: number } {
  let a = 0;
  let b = slopeFixed ? 0 : 1;
  const n = y.length;
  for (let iter = 0; iter < 100; iter++) {
    let g0 = 0;
    let g1 = 0;
    let h00 = 0;
    let h01 = 0;
    let h11 = 0;
    for (let i = 0; i < n; i++) {
      const eta = a + (slopeFixed ? 0 : b * (x[i] as number)) + (offset ? (offset[i] as number) : 0);
      const mu = 1 / (1 + Math.exp(-eta));
      const w = mu * (1 - mu);
      const r = (y[i] as number) - mu;
      const xi = x[i] as number;
      g0 += r;
      g1 += r * xi;
      h00 += w;
      h01 += w * xi;
      h11 += w * xi * xi;
    }
    let da: number;
    let db: number;
    if (slopeFixed) {
      da = g0 / h00;
      db = 0;
    } else {
      const det = h00 * h11 - h01 * h01;
      if (!(det > 0)) throw new StatsInputError('logistic calibration: the predictions do not vary; slope is undefined');
      da = (h11 * g0 - h01 * g1) / det;
      db = (h00 * g1 - h01 * g0) / det;
    }
    a += da;
    b += db;
    if (!Number.isFinite(a) || !Number.isFinite(b))
      throw new StatsInputError('logistic calibration: the fit diverged (complete separation)');
    if (Math.abs(da) <= 1e-13 * Math.max(1, Math.abs(a)) && Math.abs(db) <= 1e-13 * Math.max(1, Math.abs(b))) break;
  }
  let dev = 0;
  for (let i = 0; i < n; i++) {
    const eta = a + (slopeFixed ? 0 : b * (x[i] as number)) + (offset ? (offset[i] as number) : 0);
    dev += -2 * ((y[i] as number) * eta - log1pExp(eta));
  }
  return { a, b: slopeFixed ? NaN : b, deviance: dev };
}

export interface ValProbResult {
  n: number;
  nMissing: number;
  brier: number;
  /** Recalibration fit y ~ logit(p): intercept and slope (1 and 0 when perfectly calibrated). */
  intercept: number;
  slope: number;
  /** Calibration-in-the-large: intercept of y ~ offset(logit p). */
  calibrationInTheLarge: number;
  c: number;
  dxy: number;
  /** Unreliability χ² (2 df): deviance at (0, 1) minus deviance of the recalibration fit. */
  uChiSq: number;
  uPValue: number;
  spiegelhalterZ: number;
  spiegelhalterP: number;
  /** |p − smoothed observed| with lowess(p, y, iter = 0): max, 90th percentile, mean (rms Emax/E90/Eavg). */
  eMax: number;
  e90: number;
  eAvg: number;
  /** The nonparametric calibration curve: sorted predictions and the lowess-smoothed outcome. */
  smooth: { x: Float64Array; y: Float64Array };
}

export function valProb(p: ArrayLike<number>, y: ArrayLike<number>): ValProbResult {
  const d = checkInputs(p, y, 'calibration');
  const n = d.p.length;
  const lp = new Float64Array(n);
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const pi = d.p[i] as number;
    if (pi === 0 || pi === 1)
      throw new StatsInputError(
        `calibration: predicted probability ${pi} at a row leaves logit(p) infinite; clip predictions to (0, 1)`,
      );
    lp[i] = logit(pi);
    brier += (pi - (d.y[i] as number)) ** 2;
  }
  brier /= n;
  const recal = logisticFit(lp, d.y, null, false);
  const citl = logisticFit(lp, d.y, lp, true);
  let l01 = 0;
  for (let i = 0; i < n; i++) l01 += -2 * ((d.y[i] as number) * (lp[i] as number) - log1pExp(lp[i] as number));
  const uChiSq = l01 - recal.deviance;
  // Spiegelhalter (1986) z: Σ(y − p)(1 − 2p) / √Σ (1 − 2p)² p (1 − p).
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const pi = d.p[i] as number;
    num += ((d.y[i] as number) - pi) * (1 - 2 * pi);
    den += (1 - 2 * pi) * (1 - 2 * pi) * pi * (1 - pi);
  }
  const z = num / Math.sqrt(den);
  const controls: number[] = [];
  const cases: number[] = [];
  for (let i = 0; i < n; i++) ((d.y[i] as number) === 1 ? cases : controls).push(lp[i] as number);
  const c = aucMannWhitney(controls, cases, '<');
  // val.prob: Sm <- lowess(p, y, iter = 0); approx(Sm, xout = p, ties = mean).
  const smooth = lowess(d.p, d.y, { iter: 0 });
  const byX = new Map<number, [number, number]>();
  for (let i = 0; i < n; i++) {
    const e = byX.get(smooth.x[i] as number) ?? [0, 0];
    e[0] += smooth.y[i] as number;
    e[1]++;
    byX.set(smooth.x[i] as number, e);
  }
  const er = new Float64Array(n);
  let eSum = 0;
  let eMax = 0;
  for (let i = 0; i < n; i++) {
    const e = byX.get(d.p[i] as number) as [number, number];
    er[i] = Math.abs((d.p[i] as number) - e[0] / e[1]);
    eSum += er[i] as number;
    eMax = Math.max(eMax, er[i] as number);
  }
  const e90 = quantileSorted(er.sort(), [0.9])[0] as number;
  return {
    n,
    nMissing: d.nMissing,
    brier,
    intercept: recal.a,
    slope: recal.b,
    calibrationInTheLarge: citl.a,
    c,
    dxy: 2 * (c - 0.5),
    uChiSq,
    uPValue: pchisq(uChiSq, 2, false),
    spiegelhalterZ: z,
    spiegelhalterP: 2 * pnorm(-Math.abs(z)),
    eMax,
    e90,
    eAvg: eSum / n,
    smooth,
  };
}

export interface HosmerLemeshowResult {
  statistic: number;
  df: number;
  pValue: number;
  groups: { lower: number; upper: number; n: number; observed: number; expected: number }[];
  nMissing: number;
}

export function hosmerLemeshow(p: ArrayLike<number>, y: ArrayLike<number>, g = 10): HosmerLemeshowResult {
  const d = checkInputs(p, y, 'Hosmer–Lemeshow');
  if (!(g >= 3) || !Number.isInteger(g)) throw new StatsInputError(`Hosmer–Lemeshow: g must be an integer ≥ 3 (got ${g})`);
  const sorted = Float64Array.from(d.p).sort();
  const probs = Array.from({ length: g + 1 }, (_, i) => i / g);
  const br = quantileSorted(sorted, probs);
  for (let i = 1; i < br.length; i++) {
    if (br[i] === br[i - 1]) {
      throw new StatsInputError(
        `Hosmer–Lemeshow: the ${g}-group cut points are not distinct (too many tied predictions); use fewer groups`,
      );
    }
  }
  const groups = Array.from({ length: g }, (_, k) => ({
    lower: br[k] as number,
    upper: br[k + 1] as number,
    n: 0,
    observed: 0,
    expected: 0,
  }));
  for (let i = 0; i < d.p.length; i++) {
    const pi = d.p[i] as number;
    // Interval k is (br[k], br[k+1]], the first also including br[0] (cut(include.lowest = TRUE)).
    let lo = 0;
    let hi = g - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pi <= (br[mid + 1] as number)) hi = mid;
      else lo = mid + 1;
    }
    const grp = groups[lo]!;
    grp.n++;
    grp.observed += d.y[i] as number;
    grp.expected += pi;
  }
  let stat = 0;
  for (const grp of groups) {
    // Both columns of hoslem.test's table: events and non-events.
    stat += (grp.observed - grp.expected) ** 2 / grp.expected;
    stat += (grp.n - grp.observed - (grp.n - grp.expected)) ** 2 / (grp.n - grp.expected);
  }
  const df = g - 2;
  return { statistic: stat, df, pValue: pchisq(stat, df, false), groups, nMissing: d.nMissing };
}
