/**
 * Kolmogorov–Smirnov tests as R 4.2's `ks.test`.
 * One-sample (against a continuous cdf): exact when n < 100 and no ties — two-sided by
 * Marsaglia, Tsang & Wang (2003) "Evaluating Kolmogorov's distribution" (J. Stat. Softw. 8:18),
 * one-sided by the Birnbaum–Tingey (1951) sum — else the limiting Kolmogorov distribution
 * (two-sided, series truncated exactly as R's pkstwo with tol = 1e-6) or exp(−2nD²).
 * Two-sample: exact when nx·ny < 10000 by counting lattice paths (ties handled by checking the
 * path only between distinct pooled values, as R's psmirnov), else asymptotic.
 */
import { type Alternative, type TestResult, StatsInputError, checkAlternative, dropMissing, sortedCopy } from './common.js';
import { lgamma } from './distributions/index.js';

export interface KsResult extends TestResult {
  exact: boolean;
  ties: boolean;
}

/** R's pkstwo(x, tol = 1e-6): limiting P(√n D ≤ x), with R's truncation of both series. */
function pkstwo(x: number, tol = 1e-6): number {
  if (x <= 0) return 0;
  if (x < 1) {
    // k_max = floor(sqrt(2 − log(tol))) = 3 for tol = 1e-6; odd k < k_max.
    const kMax = Math.floor(Math.sqrt(2 - Math.log(tol)));
    const z = -(Math.PI * Math.PI) / 8 / (x * x);
    const w = Math.log(x);
    let s = 0;
    for (let k = 1; k < kMax; k += 2) s += Math.exp(k * k * z - w);
    return s * Math.sqrt(2 * Math.PI);
  }
  const z = -2 * x * x;
  let sgn = -1;
  let k = 1;
  let old = 0;
  let cur = 1;
  while (Math.abs(old - cur) > tol) {
    old = cur;
    cur += 2 * sgn * Math.exp(z * k * k);
    sgn *= -1;
    k++;
  }
  return cur;
}

/** Marsaglia–Tsang–Wang exact P(D_n < d) for the two-sided one-sample statistic. */
function pKolmogorov2x(d: number, n: number): number {
  const k = Math.floor(n * d) + 1;
  const m = 2 * k - 1;
  const h = k - n * d;
  const H = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[i * m + j] = i - j + 1 < 0 ? 0 : 1;
  for (let i = 0; i < m; i++) {
    H[i * m] = (H[i * m] as number) - h ** (i + 1);
    H[(m - 1) * m + i] = (H[(m - 1) * m + i] as number) - h ** (m - i);
  }
  H[(m - 1) * m] = (H[(m - 1) * m] as number) + (2 * h - 1 > 0 ? (2 * h - 1) ** m : 0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i - j + 1 > 0) for (let g = 1; g <= i - j + 1; g++) H[i * m + j] = (H[i * m + j] as number) / g;
    }
  }
  const mul = (A: Float64Array, B: Float64Array): Float64Array => {
    const C = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < m; l++) {
        const a = A[i * m + l] as number;
        if (a === 0) continue;
        for (let j = 0; j < m; j++) C[i * m + j] = (C[i * m + j] as number) + a * (B[l * m + j] as number);
      }
    }
    return C;
  };
  // H^n with a decimal exponent kept aside to avoid overflow (centre element ≤ 1e140).
  const power = (e: number): { M: Float64Array; exp: number } => {
    if (e === 1) return { M: H.slice(), exp: 0 };
    const half = power(Math.floor(e / 2));
    let M = mul(half.M, half.M);
    let ex = 2 * half.exp;
    if (e % 2 === 1) M = mul(H, M);
    const centre = M[Math.floor(m / 2) * m + Math.floor(m / 2)] as number;
    if (centre > 1e140) {
      for (let i = 0; i < m * m; i++) M[i] = (M[i] as number) * 1e-140;
      ex += 140;
    }
    return { M, exp: ex };
  };
  const { M, exp } = power(n);
  let s = M[(k - 1) * m + (k - 1)] as number;
  let ex = exp;
  for (let i = 1; i <= n; i++) {
    s = (s * i) / n;
    if (s < 1e-140) {
      s *= 1e140;
      ex -= 140;
    }
  }
  return s * 10 ** ex;
}

/** Birnbaum–Tingey exact P(D⁺_n ≥ d) (R's 1 − pkolmogorov1x). */
function pOneSidedExactUpper(d: number, n: number): number {
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  const jMax = Math.floor(n * (1 - d));
  let s = 0;
  for (let j = 0; j <= jMax; j++) {
    const lchoose = lgamma(n + 1) - lgamma(j + 1) - lgamma(n - j + 1);
    s += Math.exp(lchoose + (n - j) * Math.log(1 - d - j / n) + (j - 1) * Math.log(d + j / n));
  }
  return d * s;
}

/** One-sample KS test of x against the continuous cdf F (e.g. x => pnorm(x, m, s)). */
export function ksTestOneSample(
  x: ArrayLike<number>,
  cdf: (q: number) => number,
  opts: { alternative?: Alternative; exact?: boolean | null } = {},
): KsResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const { values, nMissing } = dropMissing(x);
  const n = values.length;
  if (n < 1) throw new StatsInputError("Kolmogorov–Smirnov: not enough 'x' data");
  const s = sortedCopy(values);
  let ties = false;
  for (let i = 1; i < n; i++) if (s[i] === s[i - 1]) ties = true;
  const exact = opts.exact ?? (n < 100 && !ties);
  let dPlus = -Infinity; // max(i/n − F)
  let dMinus = -Infinity; // max(F − (i−1)/n)
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i] as number) - i / n;
    dMinus = Math.max(dMinus, f);
    dPlus = Math.max(dPlus, 1 / n - f);
  }
  const stat = alternative === 'two.sided' ? Math.max(dPlus, dMinus) : alternative === 'greater' ? dPlus : dMinus;
  let p: number;
  if (exact) p = alternative === 'two.sided' ? 1 - pKolmogorov2x(stat, n) : pOneSidedExactUpper(stat, n);
  else p = alternative === 'two.sided' ? 1 - pkstwo(Math.sqrt(n) * stat) : Math.exp(-2 * n * stat * stat);
  return {
    statistic: stat,
    statisticName: alternative === 'two.sided' ? 'D' : alternative === 'greater' ? 'D^+' : 'D^-',
    pValue: Math.min(1, Math.max(0, p)),
    method: `${exact ? 'Exact' : 'Asymptotic'} one-sample Kolmogorov-Smirnov test`,
    alternative,
    exact,
    ties,
    nMissing: [nMissing],
  };
}

/** Exact P(D < q) for the two-sample statistic by counting monotone lattice paths (R's psmirnov). */
function psmirnovExactLower(q: number, nx: number, ny: number, pooledSorted: Float64Array, twoSided: boolean): number {
  const N = nx + ny;
  // R rounds the observed statistic to the lattice: (0.5 + floor(q·nx·ny − 1e-7)) / (nx·ny).
  const qq = (0.5 + Math.floor(q * nx * ny - 1e-7)) / (nx * ny);
  let cur = new Float64Array(nx + 1);
  let next = new Float64Array(nx + 1);
  cur[0] = 1;
  for (let k = 1; k <= N; k++) {
    next.fill(0);
    const uLo = Math.max(0, k - ny);
    const uHi = Math.min(nx, k);
    const boundary = k === N || pooledSorted[k] !== pooledSorted[k - 1];
    for (let u = uLo; u <= uHi; u++) {
      let c = 0;
      if (k - 1 - u >= 0 && u <= k - 1) c += cur[u] as number; // step in y
      if (u > 0) c += cur[u - 1] as number; // step in x
      if (boundary) {
        let d = u / nx - (k - u) / ny;
        if (twoSided) d = Math.abs(d);
        if (!(qq > d)) c = 0;
      }
      next[u] = c;
    }
    const t = cur;
    cur = next;
    next = t;
  }
  const logDenom = lgamma(N + 1) - lgamma(nx + 1) - lgamma(ny + 1);
  return (cur[nx] as number) / Math.exp(logDenom);
}

export function ksTestTwoSample(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { alternative?: Alternative; exact?: boolean | null } = {},
): KsResult {
  const alternative = checkAlternative(opts.alternative ?? 'two.sided');
  const xs = dropMissing(x);
  const ys = dropMissing(y);
  const nx = xs.values.length;
  const ny = ys.values.length;
  if (nx < 1) throw new StatsInputError("Kolmogorov–Smirnov: not enough 'x' data");
  if (ny < 1) throw new StatsInputError("Kolmogorov–Smirnov: not enough 'y' data");
  const exact = opts.exact ?? nx * ny < 10000;
  const sx = sortedCopy(xs.values);
  const sy = sortedCopy(ys.values);
  const pooled = new Float64Array(nx + ny);
  pooled.set(sx, 0);
  pooled.set(sy, nx);
  pooled.sort();
  let ties = false;
  for (let i = 1; i < pooled.length; i++) if (pooled[i] === pooled[i - 1]) ties = true;
  // Walk the pooled order; evaluate F_x − F_y after each distinct value.
  let i = 0;
  let j = 0;
  let zMax = -Infinity;
  let zMin = Infinity;
  while (i < nx || j < ny) {
    const v = Math.min(i < nx ? (sx[i] as number) : Infinity, j < ny ? (sy[j] as number) : Infinity);
    while (i < nx && sx[i] === v) i++;
    while (j < ny && sy[j] === v) j++;
    const z = i / nx - j / ny;
    zMax = Math.max(zMax, z);
    zMin = Math.min(zMin, z);
  }
  const stat = alternative === 'two.sided' ? Math.max(Math.abs(zMax), Math.abs(zMin)) : alternative === 'greater' ? zMax : -zMin;
  const nEff = (nx * ny) / (nx + ny);
  let p: number;
  if (exact) p = 1 - psmirnovExactLower(stat, nx, ny, pooled, alternative === 'two.sided');
  else if (alternative === 'two.sided') p = 1 - (stat < Number.EPSILON ? 0 : pkstwo(Math.sqrt(nEff) * stat));
  else p = 1 - (1 - Math.exp(-2 * nEff * stat * stat)); // as R: 1 − psmirnov(lower)
  return {
    statistic: stat,
    statisticName: alternative === 'two.sided' ? 'D' : alternative === 'greater' ? 'D^+' : 'D^-',
    pValue: Math.min(1, Math.max(0, p)),
    method: `${exact ? 'Exact' : 'Asymptotic'} two-sample Kolmogorov-Smirnov test`,
    alternative,
    exact,
    ties,
    nMissing: [xs.nMissing, ys.nMissing],
  };
}
