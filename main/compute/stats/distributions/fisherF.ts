/**
 * F distribution (R's `df`/`pf`/`qf`) through the incomplete beta:
 * P(F ≤ f) = I_x(d1/2, d2/2) with x = d1 f/(d1 f + d2) and 1 − x = d2/(d1 f + d2).
 */
import { incompleteBeta } from './incomplete.js';
import { lbeta } from './special.js';
import { qbetaLogit } from './beta.js';
import { checkProbability } from './solve.js';
import { pchisq, qchisq } from './gamma.js';

function checkDfs(d1: number, d2: number): void {
  if (!(d1 > 0) || !Number.isFinite(d1)) throw new RangeError(`F: df1 must be a finite number > 0 (got ${d1})`);
  if (!(d2 > 0)) throw new RangeError(`F: df2 must be > 0 (got ${d2})`);
}

export function df(x: number, d1: number, d2: number): number {
  checkDfs(d1, d2);
  if (x < 0) return 0;
  if (x === 0) return d1 < 2 ? Infinity : d1 === 2 ? 1 : 0;
  const lx = Math.log(x);
  return Math.exp(
    0.5 * d1 * Math.log(d1 / d2) + (0.5 * d1 - 1) * lx - 0.5 * (d1 + d2) * Math.log1p((d1 * x) / d2) - lbeta(d1 / 2, d2 / 2),
  );
}

export function pf(q: number, d1: number, d2: number, lowerTail = true): number {
  checkDfs(d1, d2);
  if (Number.isNaN(q)) return NaN;
  if (d2 === Infinity) return pchisq(q * d1, d1, lowerTail);
  if (q <= 0) return lowerTail ? 0 : 1;
  if (q === Infinity) return lowerTail ? 1 : 0;
  const den = d1 * q + d2;
  const t = incompleteBeta((d1 * q) / den, d1 / 2, d2 / 2, d2 / den);
  return lowerTail ? t.lower : t.upper;
}

export function qf(p: number, d1: number, d2: number, lowerTail = true): number {
  checkDfs(d1, d2);
  checkProbability(p, 'qf');
  if (Number.isNaN(p)) return NaN;
  if (d2 === Infinity) return qchisq(p, d1, lowerTail) / d1;
  if (p === 0) return lowerTail ? 0 : Infinity;
  if (p === 1) return lowerTail ? Infinity : 0;
  // x/(1−x) = e^u = d1 F / d2.
  const u = qbetaLogit(p, d1 / 2, d2 / 2, lowerTail);
  return (d2 / d1) * Math.exp(u);
}
