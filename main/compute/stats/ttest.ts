/**
 * Student and Welch two-sample t-tests, one-sample and paired t-tests, as R's `t.test`
 * (statistic, df — Welch–Satterthwaite for unequal variances —, p, confidence interval).
 */
import { qt, pt } from './distributions/index.js';
import {
  type Alternative,
  type TestResult,
  StatsInputError,
  checkAlternative,
  dropMissing,
  dropMissingPairs,
  mean,
  variance,
} from './common.js';

export interface TTestOptions {
  alternative?: Alternative;
  /** Hypothesised mean (one-sample/paired) or mean difference (two-sample). */
  mu?: number;
  confLevel?: number;
  /** Two-sample only: true = Student (pooled variance), false = Welch (R's default). */
  varEqual?: boolean;
}

export interface TTestResult extends TestResult {
  df: number;
  confInt: [number, number];
  /** Mean of x (and of y for two-sample), or mean difference for paired. */
  estimate: number[];
  stdErr: number;
}

function finish(
  tstat: number,
  df: number,
  stdErr: number,
  mu: number,
  alternative: Alternative,
  confLevel: number,
): { pValue: number; confInt: [number, number] } {
  let pValue: number;
  let confInt: [number, number];
  if (alternative === 'less') {
    pValue = pt(tstat, df);
    confInt = [-Infinity, tstat + qt(confLevel, df)];
  } else if (alternative === 'greater') {
    pValue = pt(tstat, df, false);
    confInt = [tstat - qt(confLevel, df), Infinity];
  } else {
    pValue = 2 * pt(-Math.abs(tstat), df);
    const a = 1 - confLevel;
    const q = qt(1 - a / 2, df);
    confInt = [tstat - q, tstat + q];
  }
  // R: cint <- mu + cint * stderr
  confInt = [mu + confInt[0] * stdErr, mu + confInt[1] * stdErr];
  return { pValue, confInt };
}

function checkConf(confLevel: number): void {
  if (!(confLevel > 0 && confLevel < 1)) throw new StatsInputError(`confLevel must be in (0, 1) (got ${confLevel})`);
}

/** One-sample t-test of mean(x) = mu. */
export function tTestOneSample(x: ArrayLike<number>, opts: TTestOptions = {}): TTestResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const mu = opts.mu ?? 0;
  const confLevel = opts.confLevel ?? 0.95;
  checkConf(confLevel);
  const { values, nMissing } = dropMissing(x);
  const n = values.length;
  if (n < 2) throw new StatsInputError(`t-test: x needs at least 2 non-missing values (has ${n})`);
  const mx = mean(values);
  const v = variance(values);
  const stdErr = Math.sqrt(v / n);
  if (!(stdErr > 10 * Number.EPSILON * Math.abs(mx))) throw new StatsInputError('t-test: data are essentially constant');
  const tstat = (mx - mu) / stdErr;
  const df = n - 1;
  const { pValue, confInt } = finish(tstat, df, stdErr, mu, alternative, confLevel);
  return {
    statistic: tstat,
    statisticName: 't',
    df,
    pValue,
    confInt,
    estimate: [mx],
    stdErr,
    method: 'One Sample t-test',
    alternative,
    nMissing: [nMissing],
  };
}

/** Paired t-test: one-sample test on x − y after dropping incomplete pairs. */
export function tTestPaired(x: ArrayLike<number>, y: ArrayLike<number>, opts: TTestOptions = {}): TTestResult {
  const p = dropMissingPairs(x, y);
  const d = new Float64Array(p.x.length);
  for (let i = 0; i < d.length; i++) d[i] = (p.x[i] as number) - (p.y[i] as number);
  const r = tTestOneSample(d, opts);
  return { ...r, method: 'Paired t-test', nMissing: [p.nMissing] };
}

/** Two-sample t-test, Welch by default (R's t.test(x, y, var.equal = FALSE)). */
export function tTestTwoSample(x: ArrayLike<number>, y: ArrayLike<number>, opts: TTestOptions = {}): TTestResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const mu = opts.mu ?? 0;
  const confLevel = opts.confLevel ?? 0.95;
  const varEqual = opts.varEqual ?? false;
  checkConf(confLevel);
  const xs = dropMissing(x);
  const ys = dropMissing(y);
  const nx = xs.values.length;
  const ny = ys.values.length;
  if (nx < 1 || ny < 1 || (!varEqual && (nx < 2 || ny < 2)) || nx + ny < 3) {
    throw new StatsInputError(`t-test: not enough observations (x has ${nx}, y has ${ny}; each group needs 2)`);
  }
  const mx = mean(xs.values);
  const my = mean(ys.values);
  const vx = nx > 1 ? variance(xs.values) : 0;
  const vy = ny > 1 ? variance(ys.values) : 0;
  let df: number;
  let stdErr: number;
  if (varEqual) {
    df = nx + ny - 2;
    let v = 0;
    if (nx > 1) v += (nx - 1) * vx;
    if (ny > 1) v += (ny - 1) * vy;
    v /= df;
    stdErr = Math.sqrt(v * (1 / nx + 1 / ny));
  } else {
    const sx = vx / nx;
    const sy = vy / ny;
    stdErr = Math.sqrt(sx + sy);
    df = (stdErr * stdErr) ** 2 / ((sx * sx) / (nx - 1) + (sy * sy) / (ny - 1));
  }
  if (!(stdErr > 10 * Number.EPSILON * Math.max(Math.abs(mx), Math.abs(my)))) {
    throw new StatsInputError('t-test: data are essentially constant in both groups');
  }
  const tstat = (mx - my - mu) / stdErr;
  const { pValue, confInt } = finish(tstat, df, stdErr, mu, alternative, confLevel);
  return {
    statistic: tstat,
    statisticName: 't',
    df,
    pValue,
    confInt,
    estimate: [mx, my],
    stdErr,
    method: varEqual ? 'Two Sample t-test' : 'Welch Two Sample t-test',
    alternative,
    nMissing: [xs.nMissing, ys.nMissing],
  };
}
