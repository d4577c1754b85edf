/**
 * Student t distribution (R's `dt`/`pt`/`qt`), through P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½).
 * Both x = ν/(ν+t²) and 1 − x = t²/(ν+t²) are formed directly so neither tail loses digits.
 * Like R's `pt`, for ν > 4e5 the normal approximation with the 1/(4ν) correction is used.
 */
import { incompleteBeta } from './incomplete.js';
import { lbeta } from './special.js';
import { pnorm, qnormStd } from './normal.js';
import { qbetaLogit } from './beta.js';
import { checkProbability } from './solve.js';

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`t: df must be > 0 (got ${df})`);
}

export function dt(x: number, df: number): number {
  checkDf(df);
  if (df === Infinity) return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  return Math.exp(-((df + 1) / 2) * Math.log1p((x * x) / df) - 0.5 * Math.log(df) - lbeta(df / 2, 0.5));
}

/** P(T > |t|) for one tail. */
function oneTail(t: number, df: number): number {
  const at = Math.abs(t);
  if (at === Infinity) return 0;
  if (df > 4e5) {
    const v = 1 / (4 * df);
    return pnorm((at * (1 - v)) / Math.sqrt(1 + at * at * 2 * v), 0, 1, false);
  }
  const tt = at * at;
  let x: number;
  let y: number;
  if (Number.isFinite(tt)) {
    x = df / (df + tt);
    y = tt / (df + tt);
  } else {
    x = df / at / at;
    y = 1;
  }
  return 0.5 * incompleteBeta(x, df / 2, 0.5, y).lower;
}

export function pt(q: number, df: number, lowerTail = true): number {
  checkDf(df);
  if (Number.isNaN(q)) return NaN;
  if (df === Infinity) return pnorm(q, 0, 1, lowerTail);
  const small = oneTail(q, df);
  const isLowerSmall = q < 0;
  if (lowerTail) return isLowerSmall ? small : 1 - small;
  return isLowerSmall ? 1 - small : small;
}

export function qt(p: number, df: number, lowerTail = true): number {
  checkDf(df);
  checkProbability(p, 'qt');
  if (Number.isNaN(p)) return NaN;
  if (df === Infinity) return qnormStd(p, lowerTail);
  // Reduce to the upper-tail probability on the positive side.
  const pLowerSide = lowerTail ? p <= 0.5 : p > 0.5; // the answer is ≤ 0
  const tail = lowerTail ? (p <= 0.5 ? p : 1 - p) : p <= 0.5 ? p : 1 - p;
  if (tail === 0.5) return 0;
  if (tail === 0) return pLowerSide ? -Infinity : Infinity;
  // P(T > t) = ½ I_w(ν/2, ½) with w = ν/(ν+t²), so t = √ν · exp(−u/2) where u = logit w.
  const u = qbetaLogit(2 * tail, df / 2, 0.5, true);
  const t = Math.sqrt(df) * Math.exp(-0.5 * u);
  return pLowerSide ? -t : t;
}
