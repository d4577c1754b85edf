/**
 * Bland–Altman agreement of two measurement methods (Bland & Altman 1986, Lancet i:307;
 * 1999, Stat. Methods Med. Res. 8:135): bias = mean(a − b), limits of agreement
 * bias ± z·SD (z = 1.96 by default), and their t-based confidence intervals with
 * SE(bias) = SD/√n and SE(limit) = SD·√(1/n + z²/(2(n−1))).
 */
import { qt } from '../distributions/index.js';
import { StatsInputError, dropMissingPairs, mean, variance } from '../common.js';

export interface BlandAltmanResult {
  n: number;
  nMissing: number;
  bias: number;
  sdDiff: number;
  lowerLimit: number;
  upperLimit: number;
  biasCi: [number, number];
  lowerLimitCi: [number, number];
  upperLimitCi: [number, number];
  /** Per-pair means and differences, for the plot. */
  means: Float64Array;
  differences: Float64Array;
}

export function blandAltman(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { z?: number; confLevel?: number } = {},
): BlandAltmanResult {
  const z = opts.z ?? 1.96;
  const confLevel = opts.confLevel ?? 0.95;
  const p = dropMissingPairs(a, b, 'method A and method B');
  const n = p.x.length;
  if (n < 3) throw new StatsInputError(`Bland–Altman: needs at least 3 complete pairs (has ${n})`);
  const d = new Float64Array(n);
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = (p.x[i] as number) - (p.y[i] as number);
    m[i] = ((p.x[i] as number) + (p.y[i] as number)) / 2;
  }
  const bias = mean(d);
  const sd = Math.sqrt(variance(d));
  const lo = bias - z * sd;
  const hi = bias + z * sd;
  const t = qt(1 - (1 - confLevel) / 2, n - 1);
  const seBias = sd / Math.sqrt(n);
  const seLimit = sd * Math.sqrt(1 / n + (z * z) / (2 * (n - 1)));
  return {
    n,
    nMissing: p.nMissing,
    bias,
    sdDiff: sd,
    lowerLimit: lo,
    upperLimit: hi,
    biasCi: [bias - t * seBias, bias + t * seBias],
    lowerLimitCi: [lo - t * seLimit, lo + t * seLimit],
    upperLimitCi: [hi - t * seLimit, hi + t * seLimit],
    means: m,
    differences: d,
  };
}
