/**
 * Shapiro–Wilk W test of normality with Royston's approximations (Royston 1995, Algorithm
 * AS R94, Appl. Statist. 44:547–551), as R's `shapiro.test` (3 ≤ n ≤ 5000). Coefficients a_i
 * from normal scores m_i = Φ⁻¹((i − 3/8)/(n + 1/4)) with Royston's polynomial corrections for the
 * two most extreme; W as the squared correlation of a and the ordered sample; p-value from
 * Royston's normalising transformations (n = 3 exact, 4–11 and ≥ 12 polynomial fits).
 * The numeric constants are the published ones, also used by R.
 */
import { pnorm, qnorm } from './distributions/index.js';
import { type TestResult, StatsInputError, dropMissing, sortedCopy } from './common.js';

function poly(c: readonly number[], x: number): number {
  let r = 0;
  for (let j = c.length - 1; j >= 0; j--) r = r * x + (c[j] as number);
  return r;
}

const C1 = [0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056];
const C2 = [0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
const C3 = [0.544, -0.39978, 0.025054, -6.714e-4];
const C4 = [1.3822, -0.77857, 0.062767, -0.0020322];
const C5 = [-1.5861, -0.31082, -0.083751, 0.0038915];
const C6 = [-0.4803, -0.082676, 0.0030302];
const G = [-2.273, 0.459];

/** Coefficients a_1..a_⌊n/2⌋ for the upper half (a_{n+1−i} = −a_i). */
function swCoefficients(n: number): Float64Array {
  const half = Math.floor(n / 2);
  const a = new Float64Array(half);
  if (n === 3) {
    a[0] = 0.70710678; // AS R94's rounded √½ (R uses the same)
    return a;
  }
  const m = new Float64Array(half);
  let summ2 = 0;
  for (let i = 0; i < half; i++) {
    m[i] = -qnorm((i + 1 - 0.375) / (n + 0.25)); // positive scores of the upper half
    summ2 += (m[i] as number) * (m[i] as number);
  }
  summ2 *= 2;
  const ssumm2 = Math.sqrt(summ2);
  const rsn = 1 / Math.sqrt(n);
  const a1 = (m[0] as number) / ssumm2 + poly(C1, rsn);
  let fac: number;
  let first: number;
  if (n > 5) {
    const a2 = (m[1] as number) / ssumm2 + poly(C2, rsn);
    fac = Math.sqrt((summ2 - 2 * (m[0] as number) ** 2 - 2 * (m[1] as number) ** 2) / (1 - 2 * a1 * a1 - 2 * a2 * a2));
    a[1] = a2;
    first = 2;
  } else {
    fac = Math.sqrt((summ2 - 2 * (m[0] as number) ** 2) / (1 - 2 * a1 * a1));
    first = 1;
  }
  a[0] = a1;
  for (let i = first; i < half; i++) a[i] = (m[i] as number) / fac;
  return a;
}

export interface ShapiroResult extends TestResult {
  n: number;
}

export function shapiroWilk(x: ArrayLike<number>): ShapiroResult {
  const { values, nMissing } = dropMissing(x);
  const n = values.length;
  if (n < 3 || n > 5000) throw new StatsInputError(`Shapiro–Wilk: sample size must be between 3 and 5000 (has ${n})`);
  const s = sortedCopy(values);
  const range = (s[n - 1] as number) - (s[0] as number);
  if (range === 0) throw new StatsInputError('Shapiro–Wilk: all values are identical');
  const a = swCoefficients(n);
  // Full antisymmetric coefficient vector in sample order (ascending).
  const coef = (i: number): number => {
    const j = n - 1 - i;
    if (i === j) return 0;
    return i < j ? -(a[i] as number) : (a[j] as number);
  };
  // W as the squared correlation of a and x/range (scaled as AS R94 does to limit rounding).
  let sa = 0;
  let sx = 0;
  for (let i = 0; i < n; i++) {
    sa += coef(i);
    sx += (s[i] as number) / range;
  }
  sa /= n;
  sx /= n;
  let ssa = 0;
  let ssx = 0;
  let sax = 0;
  for (let i = 0; i < n; i++) {
    const asa = coef(i) - sa;
    const xsx = (s[i] as number) / range - sx;
    ssa += asa * asa;
    ssx += xsx * xsx;
    sax += asa * xsx;
  }
  const ssassx = Math.sqrt(ssa * ssx);
  const w1 = ((ssassx - sax) * (ssassx + sax)) / (ssa * ssx); // 1 − W without cancellation
  const W = 1 - w1;
  let pValue: number;
  if (n === 3) {
    // Exact: p = (6/π)(asin √W − asin √¾), with AS R94's constants.
    pValue = Math.max(0, 1.90985931710274 * (Math.asin(Math.sqrt(W)) - 1.0471975511966));
  } else {
    let y = Math.log(w1);
    let m: number;
    let sd: number;
    if (n <= 11) {
      const gamma = poly(G, n);
      if (y >= gamma) {
        pValue = 1e-99;
        return {
          statistic: W,
          statisticName: 'W',
          pValue,
          method: 'Shapiro-Wilk normality test',
          alternative: 'two.sided',
          n,
          nMissing: [nMissing],
        };
      }
      y = -Math.log(gamma - y);
      m = poly(C3, n);
      sd = Math.exp(poly(C4, n));
    } else {
      const lx = Math.log(n);
      m = poly(C5, lx);
      sd = Math.exp(poly(C6, lx));
    }
    pValue = pnorm(y, m, sd, false);
  }
  return {
    statistic: W,
    statisticName: 'W',
    pValue,
    method: 'Shapiro-Wilk normality test',
    alternative: 'two.sided',
    n,
    nMissing: [nMissing],
  };
}
