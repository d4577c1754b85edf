/**
 * Beta distribution (R's `dbeta`/`pbeta`/`qbeta`), plus the logit-scale quantile solver that
 * Student t and F reuse. In u = logit x the lower tail behaves like a·u and the upper like
 * −b·u, so Newton on log-tails is nearly linear in both tails.
 */
import { incompleteBeta } from './incomplete.js';
import { dbinomRaw, lbeta } from './special.js';
import { checkProbability, solveTail } from './solve.js';

export function checkBetaShapes(a: number, b: number, name = 'beta'): void {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`${name}: shape1 must be a finite number > 0 (got ${a})`);
  if (!(b > 0) || !Number.isFinite(b)) throw new RangeError(`${name}: shape2 must be a finite number > 0 (got ${b})`);
}

/** x^a y^b / B(a,b) = x·y·f(x): the density on the logit scale. */
function logitDensity(x: number, y: number, a: number, b: number): number {
  return ((a * b) / (a + b)) * dbinomRaw(a, a + b, x, y);
}

export function dbeta(x: number, a: number, b: number): number {
  checkBetaShapes(a, b);
  if (x < 0 || x > 1) return 0;
  if (x === 0) return a < 1 ? Infinity : a === 1 ? b : 0;
  if (x === 1) return b < 1 ? Infinity : b === 1 ? a : 0;
  const y = 1 - x;
  return logitDensity(x, y, a, b) / (x * y);
}

export function pbeta(q: number, a: number, b: number, lowerTail = true): number {
  checkBetaShapes(a, b);
  const t = incompleteBeta(q, a, b);
  return lowerTail ? t.lower : t.upper;
}

/**
 * Solve I_x(a,b) = p for the logit u = log(x/(1−x)). `lowerTailTarget` says whether p is the
 * lower tail I_x(a,b) or the upper tail 1 − I_x(a,b). p must be in (0, 1).
 */
export function qbetaLogit(p: number, a: number, b: number, lowerTailTarget: boolean): number {
  // Use the tail that is the smaller one, given exactly.
  let useLower = lowerTailTarget;
  let target = p;
  if (p > 0.5) {
    useLower = !lowerTailTarget;
    target = 1 - p;
  }
  let u0 = Math.log(a / b);
  if (target < 0.1) {
    // Tail expansions: I_x(a,b) ≈ x^a / (a B(a,b)) near 0; symmetric near 1.
    if (useLower) {
      const lx = (Math.log(target) + Math.log(a) + lbeta(a, b)) / a;
      u0 = Math.min(u0, lx - Math.log1p(-Math.min(Math.exp(lx), 0.5)));
    } else {
      const ly = (Math.log(target) + Math.log(b) + lbeta(a, b)) / b;
      u0 = Math.max(u0, -(ly - Math.log1p(-Math.min(Math.exp(ly), 0.5))));
    }
  }
  return solveTail(
    (u) => {
      const x = 1 / (1 + Math.exp(-u));
      const y = 1 / (1 + Math.exp(u));
      const t = incompleteBeta(x, a, b, y);
      return { tail: useLower ? t.lower : t.upper, slope: logitDensity(x, y, a, b) };
    },
    target,
    useLower,
    u0,
  );
}

export function qbeta(p: number, a: number, b: number, lowerTail = true): number {
  checkBetaShapes(a, b);
  checkProbability(p, 'qbeta');
  if (Number.isNaN(p)) return NaN;
  if (p === 0) return lowerTail ? 0 : 1;
  if (p === 1) return lowerTail ? 1 : 0;
  const u = qbetaLogit(p, a, b, lowerTail);
  return 1 / (1 + Math.exp(-u));
}
