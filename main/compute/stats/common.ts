/**
 * Shared helpers for the statistical tests: missing-value removal (R's na.omit convention),
 * mid-ranks with tie bookkeeping, and the result-object vocabulary every test returns.
 */

export type Alternative = 'two.sided' | 'less' | 'greater';

/** What R's htest objects carry, in RadStudy's names. */
export interface TestResult {
  /** Test statistic (t, W, X-squared, F, D, …; see `statisticName`). */
  statistic: number;
  statisticName: string;
  /** Degrees of freedom where the reference distribution has them (t, chi-square: one; F: two). */
  df?: number | [number, number];
  pValue: number;
  method: string;
  alternative: Alternative;
  /** Observations dropped because they were NaN (R's na.omit), per input in order. */
  nMissing?: number[];
}

/** Thrown for input a test cannot use; the message names the input and the problem. */
export class StatsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatsInputError';
  }
}

/** Copy the finite-or-infinite (non-NaN) values; NaN marks missing, as NA in R. */
export function dropMissing(x: ArrayLike<number>): { values: Float64Array; nMissing: number } {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) n++;
  const values = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (!Number.isNaN(v)) values[k++] = v;
  }
  return { values, nMissing: x.length - n };
}

/** Pairwise deletion for paired data: keep index i only when both x[i] and y[i] are present. */
export function dropMissingPairs(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  what = 'x and y',
): { x: Float64Array; y: Float64Array; nMissing: number } {
  if (x.length !== y.length) {
    throw new StatsInputError(`${what} must have the same length (got ${x.length} and ${y.length})`);
  }
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) n++;
  const xo = new Float64Array(n);
  const yo = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) {
      xo[k] = x[i] as number;
      yo[k] = y[i] as number;
      k++;
    }
  }
  return { x: xo, y: yo, nMissing: x.length - n };
}

export function sortedCopy(x: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(x);
  s.sort();
  return s;
}

/** Mid-ranks (average ranks for ties, as R's rank()) and the tie-group sizes. */
export function midRanks(x: ArrayLike<number>): { ranks: Float64Array; tieSizes: number[] } {
  const n = x.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (x[a] as number) - (x[b] as number));
  const ranks = new Float64Array(n);
  const tieSizes: number[] = [];
  let i = 0;
  while (i < n) {
    let j = i;
    const v = x[order[i] as number] as number;
    while (j + 1 < n && x[order[j + 1] as number] === v) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = r;
    tieSizes.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, tieSizes };
}

export function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  return s;
}

/** Mean by two passes (R's mean.default refines with a second pass for accuracy). */
export function mean(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  const m = sum(x) / n;
  let c = 0;
  for (let i = 0; i < n; i++) c += (x[i] as number) - m;
  return m + c / n;
}

/** Sample variance with n − 1 denominator (R's var). */
export function variance(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  const m = mean(x);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] as number) - m;
    ss += d * d;
  }
  return ss / (n - 1);
}

export function checkAlternative(alt: string): Alternative {
  if (alt !== 'two.sided' && alt !== 'less' && alt !== 'greater') {
    throw new StatsInputError(`alternative must be 'two.sided', 'less' or 'greater' (got '${alt}')`);
  }
  return alt;
}

/** Split values by a parallel group label array into groups (NaN values dropped). */
export function splitByGroup(
  values: ArrayLike<number>,
  groups: ArrayLike<string | number>,
): { labels: (string | number)[]; groups: Float64Array[]; nMissing: number } {
  if (values.length !== groups.length) {
    throw new StatsInputError(`values and groups must have the same length (got ${values.length} and ${groups.length})`);
  }
  const index = new Map<string | number, number[]>();
  let nMissing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const g = groups[i] as string | number;
    if (Number.isNaN(v) || g === null || g === undefined || (typeof g === 'number' && Number.isNaN(g))) {
      nMissing++;
      continue;
    }
    let arr = index.get(g);
    if (!arr) {
      arr = [];
      index.set(g, arr);
    }
    arr.push(v);
  }
  const labels = [...index.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { labels, groups: labels.map((l) => Float64Array.from(index.get(l) ?? [])), nMissing };
}
