/**
 * Gamma and chi-square distributions (R's `dgamma`/`pgamma`/`qgamma` with shape and scale,
 * `dchisq`/`pchisq`/`qchisq` = gamma with shape df/2, scale 2). Quantiles are solved in
 * u = log x, where the lower tail behaves like a·u and the upper like −e^u.
 */
import { incompleteGamma } from './incomplete.js';
import { dpoisRaw, lgamma } from './special.js';
import { checkProbability, solveTail } from './solve.js';
import { qnormStd } from './normal.js';

function checkShape(shape: number, scale: number): void {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma: shape must be a finite number > 0 (got ${shape})`);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`gamma: scale must be a finite number > 0 (got ${scale})`);
}

/** x · f(x) for the unit-scale gamma = x^a e^{−x}/Γ(a), accurate for large a. */
function xDensity(x: number, a: number): number {
  return a * dpoisRaw(a, x);
}

export function dgamma(x: number, shape: number, scale = 1): number {
  checkShape(shape, scale);
  if (x < 0) return 0;
  const z = x / scale;
  if (z === 0) {
    if (shape < 1) return Infinity;
    return shape === 1 ? 1 / scale : 0;
  }
  return xDensity(z, shape) / x;
}

export function pgamma(q: number, shape: number, scale = 1, lowerTail = true): number {
  checkShape(shape, scale);
  const t = incompleteGamma(shape, q / scale);
  return lowerTail ? t.lower : t.upper;
}

export function qgamma(p: number, shape: number, scale = 1, lowerTail = true): number {
  checkShape(shape, scale);
  checkProbability(p, 'qgamma');
  if (Number.isNaN(p)) return NaN;
  const pLower = lowerTail ? p : 1 - p;
  if ((lowerTail && p === 0) || (!lowerTail && p === 1)) return 0;
  if ((lowerTail && p === 1) || (!lowerTail && p === 0)) return Infinity;
  // Solve on the tail that is given with full precision and is the smaller one.
  const useLower = lowerTail ? p <= 0.5 : p > 0.5;
  const target = useLower ? pLower : lowerTail ? 1 - p : p;
  // Start: Wilson–Hilferty, or the small-x expansion P(a,x) ≈ x^a/Γ(a+1).
  const a = shape;
  const z = useLower ? qnormStd(target, true) : qnormStd(target, false);
  const c = 1 / (9 * a);
  let x0 = a * Math.pow(1 - c + z * Math.sqrt(c), 3);
  if (useLower) {
    // P(a, x) ≈ x^a / Γ(a+1) near 0: if even that x underflows, so does the answer (R gives 0).
    const logX = (Math.log(target) + lgamma(a + 1)) / a;
    if (logX < -745) return 0;
  }
  if (!(x0 > 0) || (useLower && a < 1)) {
    x0 = Math.exp((Math.log(useLower ? target : 1 - target) + lgamma(a + 1)) / a);
  }
  if (!(x0 > 0) || !Number.isFinite(x0)) x0 = a;
  const u = solveTail(
    (uu) => {
      const x = Math.exp(uu);
      const t = incompleteGamma(a, x);
      return { tail: useLower ? t.lower : t.upper, slope: xDensity(x, a) };
    },
    target,
    useLower,
    Math.log(x0),
  );
  return Math.exp(u) * scale;
}

export function dchisq(x: number, df: number): number {
  return dgamma(x, df / 2, 2);
}

export function pchisq(q: number, df: number, lowerTail = true): number {
  return pgamma(q, df / 2, 2, lowerTail);
}

export function qchisq(p: number, df: number, lowerTail = true): number {
  return qgamma(p, df / 2, 2, lowerTail);
}
