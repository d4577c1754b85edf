/**
 * Wilcoxon rank-sum / Mann–Whitney U test as R's `wilcox.test(x, y, paired = FALSE)`:
 * W = (sum of the ranks of x) − nx(nx+1)/2. Exact null distribution when both samples have
 * fewer than 50 values and there are no ties (R's default `exact = NULL`); otherwise the normal
 * approximation with tie-corrected variance and, by default, continuity correction.
 */
import { pnorm } from './distributions/index.js';
import { type Alternative, type TestResult, StatsInputError, checkAlternative, dropMissing, midRanks } from './common.js';

export interface MannWhitneyOptions {
  alternative?: Alternative;
  /** null (default) = exact when nx < 50, ny < 50 and no ties, as R. */
  exact?: boolean | null;
  /** Continuity correction in the normal approximation (R's `correct = TRUE`). */
  correct?: boolean;
}

export interface MannWhitneyResult extends TestResult {
  exact: boolean;
  /** Tie groups were present (the exact path is then unavailable). */
  ties: boolean;
  nx: number;
  ny: number;
}

/**
 * Counts of the Mann–Whitney U statistic under H0 for sample sizes m, n: entry u is the number
 * of size-m rank subsets of {1..m+n} whose rank sum is u + m(m+1)/2. Built by a subset-sum
 * recursion that only adds non-negative numbers, so the tails keep full relative accuracy.
 */
export function mannWhitneyCounts(m: number, n: number): Float64Array {
  const maxU = m * n;
  const width = maxU + 1;
  // counts[i*width + s]: i ranks chosen among those seen so far, offset sum s.
  const counts = new Float64Array((m + 1) * width);
  counts[0] = 1;
  const N = m + n;
  for (let j = 1; j <= N; j++) {
    const top = Math.min(j, m);
    for (let i = top; i >= 1; i--) {
      const shift = j - i; // adding rank j as the i-th chosen adds j − i to the offset sum
      if (shift > n) continue;
      const src = (i - 1) * width;
      const dst = i * width;
      const maxS = (i - 1) * Math.min(n, j - i);
      for (let s = 0; s <= maxS && s + shift <= maxU; s++) {
        const c = counts[src + s] as number;
        if (c !== 0) counts[dst + s + shift] = (counts[dst + s + shift] as number) + c;
      }
    }
  }
  return counts.slice(m * width, (m + 1) * width);
}

/** P(U ≤ q) (lower) or P(U > q) (upper) under H0, as R's pwilcox. */
export function pwilcox(q: number, m: number, n: number, lowerTail = true, counts = mannWhitneyCounts(m, n)): number {
  let total = 0;
  let tail = 0;
  const qf = Math.floor(q + 1e-7);
  for (let u = 0; u < counts.length; u++) {
    const c = counts[u] as number;
    total += c;
    if (lowerTail ? u <= qf : u > qf) tail += c;
  }
  return tail / total;
}

export function mannWhitneyTest(x: ArrayLike<number>, y: ArrayLike<number>, opts: MannWhitneyOptions = {}): MannWhitneyResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const correct = opts.correct ?? true;
  const xs = dropMissing(x);
  const ys = dropMissing(y);
  const nx = xs.values.length;
  const ny = ys.values.length;
  if (nx < 1) throw new StatsInputError('Mann–Whitney: not enough (non-missing) x observations');
  if (ny < 1) throw new StatsInputError('Mann–Whitney: not enough (non-missing) y observations');
  const all = new Float64Array(nx + ny);
  all.set(xs.values, 0);
  all.set(ys.values, nx);
  const { ranks, tieSizes } = midRanks(all);
  let rx = 0;
  for (let i = 0; i < nx; i++) rx += ranks[i] as number;
  const W = rx - (nx * (nx + 1)) / 2;
  const ties = tieSizes.some((t) => t > 1);
  const exact = (opts.exact ?? (nx < 50 && ny < 50)) && !ties;
  let pValue: number;
  if (exact) {
    const counts = mannWhitneyCounts(nx, ny);
    if (alternative === 'two.sided') {
      const p = W > (nx * ny) / 2 ? pwilcox(W - 1, nx, ny, false, counts) : pwilcox(W, nx, ny, true, counts);
      pValue = Math.min(2 * p, 1);
    } else if (alternative === 'greater') {
      pValue = pwilcox(W - 1, nx, ny, false, counts);
    } else {
      pValue = pwilcox(W, nx, ny, true, counts);
    }
  } else {
    let tieTerm = 0;
    for (const t of tieSizes) tieTerm += t * t * t - t;
    const N = nx + ny;
    const sigma = Math.sqrt(((nx * ny) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
    if (!(sigma > 0)) throw new StatsInputError('Mann–Whitney: all values are tied; the test is undefined');
    const z0 = W - (nx * ny) / 2;
    let corr = 0;
    if (correct) corr = alternative === 'two.sided' ? Math.sign(z0) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
    const z = (z0 - corr) / sigma;
    if (alternative === 'two.sided') pValue = 2 * Math.min(pnorm(z), pnorm(z, 0, 1, false));
    else if (alternative === 'greater') pValue = pnorm(z, 0, 1, false);
    else pValue = pnorm(z);
  }
  return {
    statistic: W,
    statisticName: 'W',
    pValue,
    method: exact
      ? 'Wilcoxon rank sum exact test'
      : correct
        ? 'Wilcoxon rank sum test with continuity correction'
        : 'Wilcoxon rank sum test',
    alternative,
    exact,
    ties,
    nx,
    ny,
    nMissing: [xs.nMissing, ys.nMissing],
  };
}
