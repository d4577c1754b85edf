/**
 * Descriptive statistics as R computes them: mean, sd (n − 1), quantiles of type 7 (R's default
 * `quantile`, Hyndman & Fan 1996 definition 7), IQR, and category counts with percentages of the
 * non-missing values. NaN is missing: it is dropped and counted in `nMissing`.
 */
import { StatsInputError, dropMissing, mean, sortedCopy, variance } from './common.js';

export interface NumericSummary {
  n: number;
  nMissing: number;
  mean: number;
  sd: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  iqr: number;
}

/** Type-7 quantiles of already sorted, NaN-free data (R: quantile(x, probs, type = 7)). */
export function quantileSorted(sorted: ArrayLike<number>, probs: ArrayLike<number>): Float64Array {
  const n = sorted.length;
  const out = new Float64Array(probs.length);
  for (let k = 0; k < probs.length; k++) {
    const p = probs[k] as number;
    if (!(p >= 0 && p <= 1)) throw new StatsInputError(`quantile: probability ${p} is outside [0, 1]`);
    if (n === 0) {
      out[k] = NaN;
      continue;
    }
    // R: index <- 1 + (n − 1) p; qs <- (1 − h) x[lo] + h x[hi]   (1-based)
    const index = (n - 1) * p;
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    const xl = sorted[lo] as number;
    const xh = sorted[hi] as number;
    const h = index - lo;
    out[k] = index > lo && xh !== xl ? (1 - h) * xl + h * xh : xl;
  }
  return out;
}

/** Type-7 quantiles; NaN values are dropped first (R: quantile(x, probs, na.rm = TRUE)). */
export function quantile(x: ArrayLike<number>, probs: ArrayLike<number>): Float64Array {
  return quantileSorted(sortedCopy(dropMissing(x).values), probs);
}

export function median(x: ArrayLike<number>): number {
  return quantile(x, [0.5])[0] as number;
}

/** Summary of a numeric variable. Throws when no value is present. */
export function summarizeNumeric(x: ArrayLike<number>, name = 'x'): NumericSummary {
  const { values, nMissing } = dropMissing(x);
  if (values.length === 0) throw new StatsInputError(`${name}: no non-missing values to summarise`);
  const s = sortedCopy(values);
  const [q1, med, q3] = quantileSorted(s, [0.25, 0.5, 0.75]) as unknown as [number, number, number];
  return {
    n: s.length,
    nMissing,
    mean: mean(s),
    sd: Math.sqrt(variance(values)),
    min: s[0] as number,
    q1,
    median: med,
    q3,
    max: s[s.length - 1] as number,
    iqr: q3 - q1,
  };
}

export interface CategoryCount {
  level: string;
  count: number;
  /** Percent of the non-missing values (0–100). */
  percent: number;
}

/**
 * Counts per level, in the order given by `levels` (default: sorted distinct values), with
 * percentages of the non-missing values. null, undefined, '' and NaN are missing.
 */
export function countLevels(
  x: ArrayLike<string | number | null | undefined>,
  levels?: readonly string[],
): { counts: CategoryCount[]; n: number; nMissing: number } {
  const tally = new Map<string, number>();
  let nMissing = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v))) {
      nMissing++;
      continue;
    }
    const key = String(v);
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const n = x.length - nMissing;
  const order = levels ? [...levels] : [...tally.keys()].sort();
  if (levels) {
    for (const k of tally.keys()) {
      if (!levels.includes(k)) throw new StatsInputError(`value '${k}' is not one of the levels ${levels.join(', ')}`);
    }
  }
  const counts = order.map((level) => {
    const count = tally.get(level) ?? 0;
    return { level, count, percent: n > 0 ? (100 * count) / n : NaN };
  });
  return { counts, n, nMissing };
}
