/**
 * Pearson and Spearman correlation tests, as R's `cor.test`. Pearson: t = r √(n−2)/√(1−r²) on
 * n − 2 df with Fisher-z confidence interval (n > 3). Spearman: S = (n³ − n)(1 − ρ)/6 with the
 * AS 89 distribution (Best & Roberts 1975) as R's C_pRho — exact by enumerating permutations
 * for n ≤ 9, Edgeworth series above — when there are no ties and n ≤ 1290; otherwise the t
 * approximation ρ √((n−2)/(1−ρ²)).
 */
import { pnorm, pt, qnorm } from './distributions/index.js';
import { type Alternative, type TestResult, StatsInputError, checkAlternative, dropMissingPairs, midRanks } from './common.js';

export interface CorrelationResult extends TestResult {
  estimate: number;
  n: number;
  df?: number;
  confInt?: [number, number];
  exact?: boolean;
}

/** Pearson correlation coefficient of complete pairs (R: cor(x, y)). */
export function pearsonR(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

export function pearsonTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { alternative?: Alternative; confLevel?: number } = {},
): CorrelationResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const confLevel = opts.confLevel ?? 0.95;
  const p = dropMissingPairs(x, y);
  const n = p.x.length;
  if (n < 3) throw new StatsInputError(`Pearson correlation: needs at least 3 complete pairs (has ${n})`);
  const r = pearsonR(p.x, p.y);
  if (Number.isNaN(r)) throw new StatsInputError('Pearson correlation: x or y is constant');
  const df = n - 2;
  const t = (Math.sqrt(df) * r) / Math.sqrt(1 - r * r);
  const pValue =
    alternative === 'less' ? pt(t, df) : alternative === 'greater' ? pt(t, df, false) : 2 * Math.min(pt(t, df), pt(t, df, false));
  let confInt: [number, number] | undefined;
  if (n > 3) {
    const z = Math.atanh(r);
    const sigma = 1 / Math.sqrt(n - 3);
    if (alternative === 'less') confInt = [-1, Math.tanh(z + sigma * qnorm(confLevel))];
    else if (alternative === 'greater') confInt = [Math.tanh(z - sigma * qnorm(confLevel)), 1];
    else {
      const q = qnorm((1 + confLevel) / 2);
      confInt = [Math.tanh(z - sigma * q), Math.tanh(z + sigma * q)];
    }
  }
  return {
    statistic: t,
    statisticName: 't',
    df,
    pValue,
    method: "Pearson's product-moment correlation",
    alternative,
    estimate: r,
    n,
    confInt,
    nMissing: [p.nMissing],
  };
}

// Exact null distribution of S = Σ (i − π(i))² over all n! permutations, n ≤ 9, by value of S/2.
const exactSCounts = new Map<number, Float64Array>();
function spearmanExactCounts(n: number): Float64Array {
  const cached = exactSCounts.get(n);
  if (cached) return cached;
  const maxHalf = (n * (n * n - 1)) / 6;
  const counts = new Float64Array(maxHalf + 1);
  const perm = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  const record = (): void => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (i - (perm[i] as number)) ** 2;
    counts[s / 2] = (counts[s / 2] as number) + 1;
  };
  // Heap's algorithm.
  record();
  let i = 0;
  while (i < n) {
    if ((c[i] as number) < i) {
      const j = i % 2 === 0 ? 0 : (c[i] as number);
      const t = perm[j] as number;
      perm[j] = perm[i] as number;
      perm[i] = t;
      record();
      c[i] = (c[i] as number) + 1;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  exactSCounts.set(n, counts);
  return counts;
}

/** R's C_pRho: P(S ≥ is) (upper) or P(S < is) (lower). */
function pRho(is: number, n: number, lowerTail: boolean): number {
  const n3 = (n * (n * n - 1)) / 3;
  if (is <= 0) return lowerTail ? 0 : 1;
  if (is > n3) return lowerTail ? 1 : 0;
  if (n <= 9) {
    const counts = spearmanExactCounts(n);
    let ge = 0;
    let tot = 0;
    for (let h = 0; h < counts.length; h++) {
      tot += counts[h] as number;
      if (2 * h >= is) ge += counts[h] as number;
    }
    return lowerTail ? (tot - ge) / tot : ge / tot;
  }
  // Edgeworth series (AS 89).
  const b = 1 / n;
  const x = ((6 * (is - 1) * b) / (n * n - 1) - 1) * Math.sqrt(n - 1);
  const y2 = x * x;
  const u =
    x *
    b *
    (0.2274 +
      b * (0.2531 + 0.1745 * b) +
      y2 *
        (-0.0758 +
          b * (0.1033 + 0.3932 * b) -
          y2 * b * (0.0879 + 0.0151 * b - y2 * (0.0072 - 0.0831 * b + y2 * b * (0.0131 - 4.6e-4 * y2)))));
  const corr = u / Math.exp(y2 / 2);
  const pv = (lowerTail ? -corr : corr) + pnorm(x, 0, 1, lowerTail);
  return Math.min(1, Math.max(0, pv));
}

export function spearmanTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { alternative?: Alternative; exact?: boolean | null } = {},
): CorrelationResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const p = dropMissingPairs(x, y);
  const n = p.x.length;
  if (n < 2) throw new StatsInputError(`Spearman correlation: needs at least 2 complete pairs (has ${n})`);
  const rx = midRanks(p.x);
  const ry = midRanks(p.y);
  const rho = pearsonR(rx.ranks, ry.ranks);
  if (Number.isNaN(rho)) throw new StatsInputError('Spearman correlation: x or y is constant');
  const ties = rx.tieSizes.length < n || ry.tieSizes.length < n;
  const exact = (opts.exact ?? true) && !ties;
  const q = ((n * n * n - n) * (1 - rho)) / 6;
  const pspearman = (qq: number, lower: boolean): number => {
    if (n <= 1290 && exact) return pRho(Math.round(qq) + 2 * Number(lower), n, lower);
    const den = (n * (n * n - 1)) / 6;
    const r = 1 - qq / den;
    return pt(r / Math.sqrt((1 - r * r) / (n - 2)), n - 2, !lower);
  };
  let pValue: number;
  if (alternative === 'two.sided') {
    const pp = q > (n * n * n - n) / 6 ? pspearman(q, false) : pspearman(q, true);
    pValue = Math.min(2 * pp, 1);
  } else if (alternative === 'greater') pValue = pspearman(q, true);
  else pValue = pspearman(q, false);
  return {
    statistic: q,
    statisticName: 'S',
    pValue,
    method: "Spearman's rank correlation rho",
    alternative,
    estimate: rho,
    n,
    exact,
    nMissing: [p.nMissing],
  };
}
