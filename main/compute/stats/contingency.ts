/**
 * Tests on contingency tables, as R's `chisq.test` (Pearson, Yates' continuity correction for
 * 2×2 only) and `fisher.test` (2×2: conditional hypergeometric p-value, conditional MLE odds
 * ratio and its exact confidence interval; r×c: exact p-value by full enumeration of the tables
 * with the observed margins). Tables are given as row arrays of counts.
 */
import { pchisq } from './distributions/index.js';
import { type Alternative, type TestResult, StatsInputError, checkAlternative } from './common.js';
import { brentRoot } from './roots.js';

export type CountTable = ReadonlyArray<ReadonlyArray<number>>;

function margins(table: CountTable, what: string): { rows: number[]; cols: number[]; n: number } {
  const nr = table.length;
  if (nr < 2) throw new StatsInputError(`${what}: the table needs at least 2 rows (has ${nr})`);
  const nc = (table[0] ?? []).length;
  if (nc < 2) throw new StatsInputError(`${what}: the table needs at least 2 columns (has ${nc})`);
  const rows = new Array<number>(nr).fill(0);
  const cols = new Array<number>(nc).fill(0);
  for (let i = 0; i < nr; i++) {
    const row = table[i] as ReadonlyArray<number>;
    if (row.length !== nc) throw new StatsInputError(`${what}: row ${i + 1} has ${row.length} cells, expected ${nc}`);
    for (let j = 0; j < nc; j++) {
      const v = row[j] as number;
      if (!(v >= 0) || !Number.isFinite(v)) throw new StatsInputError(`${what}: cell [${i + 1}, ${j + 1}] is ${v}, not a count`);
      rows[i] = (rows[i] as number) + v;
      cols[j] = (cols[j] as number) + v;
    }
  }
  const n = rows.reduce((a, b) => a + b, 0);
  return { rows, cols, n };
}

export interface ChiSquareResult extends TestResult {
  df: number;
  expected: number[][];
  /** Number of cells with expected count < 5 (the usual reason to prefer Fisher's test). */
  expectedBelow5: number;
  yates: boolean;
}

/** Pearson's chi-square test of independence; Yates' correction applies to 2×2 tables only. */
export function chiSquareTest(table: CountTable, opts: { correct?: boolean } = {}): ChiSquareResult {
  const correct = opts.correct ?? true;
  const { rows, cols, n } = margins(table, 'chi-square test');
  const nr = rows.length;
  const nc = cols.length;
  rows.forEach((r, i) => {
    if (r === 0) throw new StatsInputError(`chi-square test: row ${i + 1} has no observations`);
  });
  cols.forEach((c, j) => {
    if (c === 0) throw new StatsInputError(`chi-square test: column ${j + 1} has no observations`);
  });
  const expected = rows.map((r) => cols.map((c) => (r * c) / n));
  const yates = correct && nr === 2 && nc === 2;
  let yc = 0;
  if (yates) {
    // R: YATES <- min(0.5, abs(x - E)) — one value for the whole table.
    yc = 0.5;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) yc = Math.min(yc, Math.abs((table[i]![j] as number) - expected[i]![j]!));
  }
  let stat = 0;
  let below5 = 0;
  for (let i = 0; i < nr; i++) {
    for (let j = 0; j < nc; j++) {
      const e = expected[i]![j]!;
      const d = Math.abs((table[i]![j] as number) - e) - yc;
      stat += (d * d) / e;
      if (e < 5) below5++;
    }
  }
  const df = (nr - 1) * (nc - 1);
  return {
    statistic: stat,
    statisticName: 'X-squared',
    df,
    pValue: pchisq(stat, df, false),
    method: yates ? "Pearson's Chi-squared test with Yates' continuity correction" : "Pearson's Chi-squared test",
    alternative: 'two.sided',
    expected,
    expectedBelow5: below5,
    yates,
  };
}

const logFactCache: number[] = [0];
function logFactorial(k: number): number {
  for (let i = logFactCache.length; i <= k; i++) logFactCache.push((logFactCache[i - 1] as number) + Math.log(i));
  return logFactCache[k] as number;
}

export interface FisherResult extends TestResult {
  /** Conditional maximum-likelihood odds ratio (2×2 only). */
  oddsRatio?: number;
  confInt?: [number, number];
  /** Number of tables enumerated (r×c). */
  tablesEnumerated?: number;
}

/** Relative tolerance R uses when comparing table probabilities with the observed one. */
const REL_ERR = 1 + 1e-7;

/** Fisher's exact test for a 2×2 table, as R's fisher.test (or = 1, conf.level 0.95). */
export function fisherTest2x2(
  table: CountTable,
  opts: { alternative?: Alternative; confLevel?: number; or?: number } = {},
): FisherResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const confLevel = opts.confLevel ?? 0.95;
  const or0 = opts.or ?? 1;
  const { rows, cols } = margins(table, "Fisher's exact test");
  if (rows.length !== 2 || cols.length !== 2) throw new StatsInputError('fisherTest2x2 needs a 2×2 table');
  // R: m = first column total, n = second column total, k = first row total, x = x[1,1].
  const m = cols[0] as number;
  const n = cols[1] as number;
  const k = rows[0] as number;
  const x = table[0]![0] as number;
  const lo = Math.max(0, k - n);
  const hi = Math.min(k, m);
  const size = hi - lo + 1;
  const logdc = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const s = lo + i;
    logdc[i] =
      logFactorial(m) -
      logFactorial(s) -
      logFactorial(m - s) +
      logFactorial(n) -
      logFactorial(k - s) -
      logFactorial(n - k + s) -
      (logFactorial(m + n) - logFactorial(k) - logFactorial(m + n - k));
  }
  const dnhyper = (ncp: number): Float64Array => {
    const d = new Float64Array(size);
    let mx = -Infinity;
    const lncp = Math.log(ncp);
    for (let i = 0; i < size; i++) {
      d[i] = (logdc[i] as number) + lncp * (lo + i);
      if ((d[i] as number) > mx) mx = d[i] as number;
    }
    let tot = 0;
    for (let i = 0; i < size; i++) {
      d[i] = Math.exp((d[i] as number) - mx);
      tot += d[i] as number;
    }
    for (let i = 0; i < size; i++) d[i] = (d[i] as number) / tot;
    return d;
  };
  const mnhyper = (ncp: number): number => {
    if (ncp === 0) return lo;
    if (ncp === Infinity) return hi;
    const d = dnhyper(ncp);
    let s = 0;
    for (let i = 0; i < size; i++) s += (lo + i) * (d[i] as number);
    return s;
  };
  const pnhyper = (q: number, ncp: number, upper: boolean): number => {
    if (ncp === 1) {
      let s = 0;
      let tot = 0;
      for (let i = 0; i < size; i++) {
        const v = Math.exp(logdc[i] as number);
        tot += v;
        if (upper ? lo + i >= q : lo + i <= q) s += v;
      }
      return s / tot;
    }
    if (ncp === 0) return upper ? Number(q <= lo) : Number(q >= lo);
    if (ncp === Infinity) return upper ? Number(q <= hi) : Number(q >= hi);
    const d = dnhyper(ncp);
    let s = 0;
    for (let i = 0; i < size; i++) if (upper ? lo + i >= q : lo + i <= q) s += d[i] as number;
    return s;
  };
  let pValue: number;
  if (alternative === 'less') pValue = pnhyper(x, or0, false);
  else if (alternative === 'greater') pValue = pnhyper(x, or0, true);
  else if (or0 === 0) pValue = Number(x === lo);
  else if (or0 === Infinity) pValue = Number(x === hi);
  else {
    const d = dnhyper(or0);
    const dObs = (d[x - lo] as number) * REL_ERR;
    pValue = 0;
    for (let i = 0; i < size; i++) if ((d[i] as number) <= dObs) pValue += d[i] as number;
  }
  pValue = Math.min(1, pValue);

  // Conditional MLE (R's mle()), searched on (0,1) for ncp or for 1/ncp.
  let oddsRatio: number;
  if (x === lo) oddsRatio = 0;
  else if (x === hi) oddsRatio = Infinity;
  else {
    const mu = mnhyper(1);
    if (mu > x) oddsRatio = brentRoot((t) => mnhyper(t) - x, 0, 1);
    else if (mu < x) oddsRatio = 1 / brentRoot((t) => mnhyper(1 / t) - x, Number.EPSILON, 1);
    else oddsRatio = 1;
  }
  const ncpU = (alpha: number): number => {
    if (x === hi) return Infinity;
    const p = pnhyper(x, 1, false);
    if (p < alpha) return brentRoot((t) => pnhyper(x, t, false) - alpha, 0, 1);
    if (p > alpha) return 1 / brentRoot((t) => pnhyper(x, 1 / t, false) - alpha, Number.EPSILON, 1);
    return 1;
  };
  const ncpL = (alpha: number): number => {
    if (x === lo) return 0;
    const p = pnhyper(x, 1, true);
    if (p > alpha) return brentRoot((t) => pnhyper(x, t, true) - alpha, 0, 1);
    if (p < alpha) return 1 / brentRoot((t) => pnhyper(x, 1 / t, true) - alpha, Number.EPSILON, 1);
    return 1;
  };
  let confInt: [number, number];
  if (alternative === 'less') confInt = [0, ncpU(1 - confLevel)];
  else if (alternative === 'greater') confInt = [ncpL(1 - confLevel), Infinity];
  else {
    const alpha = (1 - confLevel) / 2;
    confInt = [ncpL(alpha), ncpU(alpha)];
  }
  return {
    statistic: oddsRatio,
    statisticName: 'odds ratio',
    pValue,
    method: "Fisher's Exact Test for Count Data",
    alternative,
    oddsRatio,
    confInt,
  };
}

/**
 * Fisher's exact test for an r×c table: the probability, under independence with fixed
 * margins, of all tables no more likely than the observed one (Freeman–Halton). Tables are
 * enumerated column by column; `maxTables` bounds the work and the call fails with a clear
 * message beyond it.
 */
export function fisherTestRxC(table: CountTable, opts: { maxTables?: number } = {}): FisherResult {
  const { rows, cols, n } = margins(table, "Fisher's exact test");
  const maxTables = opts.maxTables ?? 2e7;
  const nr = rows.length;
  const nc = cols.length;
  if (nr === 2 && nc === 2) return fisherTest2x2(table);
  // log P(table) = Σ log r_i! + Σ log c_j! − log n! − Σ log a_ij!
  let base = -logFactorial(n);
  for (const r of rows) base += logFactorial(r);
  for (const c of cols) base += logFactorial(c);
  let obsLog = base;
  for (let i = 0; i < nr; i++) for (let j = 0; j < nc; j++) obsLog -= logFactorial(table[i]![j] as number);
  const threshold = obsLog + Math.log(REL_ERR);
  const remaining = rows.slice();
  let pSum = 0;
  let count = 0;
  // Recursive fill: column j, row i, what is left of column j, and the log-probability so far.
  const fill = (j: number, i: number, colLeft: number, logp: number): void => {
    if (j === nc - 1) {
      // Last column is forced by the remaining row totals.
      let lp = logp;
      for (let r = 0; r < nr; r++) lp -= logFactorial(remaining[r] as number);
      count++;
      if (count > maxTables) {
        throw new StatsInputError(
          `Fisher's exact test: more than ${maxTables} tables with these margins; use the chi-square test or a simulated p-value`,
        );
      }
      if (lp <= threshold) pSum += Math.exp(lp);
      return;
    }
    if (i === nr - 1) {
      if (colLeft > (remaining[i] as number)) return;
      remaining[i] = (remaining[i] as number) - colLeft;
      fill(j + 1, 0, j + 1 < nc ? (cols[j + 1] as number) : 0, logp - logFactorial(colLeft));
      remaining[i] = (remaining[i] as number) + colLeft;
      return;
    }
    // Cells below must be able to absorb what is left of the column.
    let capBelow = 0;
    for (let r = i + 1; r < nr; r++) capBelow += remaining[r] as number;
    const hiV = Math.min(colLeft, remaining[i] as number);
    const loV = Math.max(0, colLeft - capBelow);
    for (let v = loV; v <= hiV; v++) {
      remaining[i] = (remaining[i] as number) - v;
      fill(j, i + 1, colLeft - v, logp - logFactorial(v));
      remaining[i] = (remaining[i] as number) + v;
    }
  };
  fill(0, 0, cols[0] as number, base);
  return {
    statistic: NaN,
    statisticName: '',
    pValue: Math.min(1, pSum),
    method: "Fisher's Exact Test for Count Data",
    alternative: 'two.sided',
    tablesEnumerated: count,
  };
}
