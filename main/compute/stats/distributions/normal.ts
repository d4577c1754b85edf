/**
 * Normal distribution. The cdf uses Φ(−|x|) = Q(½, x²/2)/2 (the upper regularized incomplete
 * gamma), which keeps full relative accuracy in both tails; the quantile starts from
 * Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) and is polished by Newton steps on the log
 * tail probability, which reach R's `qnorm` (Wichura's AS 241) to ~1e-15.
 */
import { incompleteGamma } from './incomplete.js';
import { SQRT_2PI } from './special.js';
import { checkProbability, solveTail } from './solve.js';

function checkScale(sd: number): void {
  if (!(sd > 0)) throw new RangeError(`normal: sd must be > 0 (got ${sd})`);
}

/** Density of N(mean, sd²). */
export function dnorm(x: number, mean = 0, sd = 1): number {
  checkScale(sd);
  const z = (x - mean) / sd;
  return Math.exp(-0.5 * z * z) / (SQRT_2PI * sd);
}

/** Standard normal lower tail Φ(z), upper tail 1 − Φ(z). */
function stdNormalTails(z: number): { lower: number; upper: number } {
  if (Number.isNaN(z)) return { lower: NaN, upper: NaN };
  if (z === Infinity) return { lower: 1, upper: 0 };
  if (z === -Infinity) return { lower: 0, upper: 1 };
  const g = incompleteGamma(0.5, 0.5 * z * z);
  const small = 0.5 * g.upper; // Φ(−|z|)
  const big = 0.5 + 0.5 * g.lower; // Φ(|z|)
  return z < 0 ? { lower: small, upper: big } : { lower: big, upper: small };
}

/** P(X ≤ q) (or P(X > q) when lowerTail is false), as R's `pnorm`. */
export function pnorm(q: number, mean = 0, sd = 1, lowerTail = true): number {
  checkScale(sd);
  const t = stdNormalTails((q - mean) / sd);
  return lowerTail ? t.lower : t.upper;
}

/** Initial guess for the standard normal quantile of a lower tail p ≤ 0.5 (A&S 26.2.23). */
function roughLowerQuantile(p: number): number {
  const t = Math.sqrt(-2 * Math.log(p));
  return -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
}

/** Standard normal quantile z with lower tail p (p in (0,1)). */
export function qnormStd(p: number, lowerTail = true): number {
  checkProbability(p, 'qnorm');
  if (Number.isNaN(p)) return NaN;
  // Work with the smaller tail, on the negative side.
  let tailP: number;
  let negate: boolean;
  if (lowerTail) {
    if (p <= 0.5) {
      tailP = p;
      negate = false;
    } else {
      tailP = 1 - p;
      negate = true;
    }
  } else if (p <= 0.5) {
    tailP = p;
    negate = true;
  } else {
    tailP = 1 - p;
    negate = false;
  }
  if (tailP === 0.5) return 0;
  if (tailP === 0) return negate ? Infinity : -Infinity;
  if (tailP > 0.3) {
    // Near the centre match Φ(z) − ½ = ½·P(½, z²/2)·sign z to the exactly known ½ − tailP, so a
    // tiny |z| keeps full relative accuracy (log Φ would round it against ½).
    const c = 0.5 - tailP; // exact (Sterbenz)
    let z = -c * SQRT_2PI;
    for (let iter = 0; iter < 50; iter++) {
      const half = 0.5 * incompleteGamma(0.5, 0.5 * z * z).lower; // |Φ(z) − ½|
      const f = -half - -c; // Φ(z) − ½ − (−c), z ≤ 0
      const dz = f / (Math.exp(-0.5 * z * z) / SQRT_2PI);
      z -= dz;
      if (Math.abs(dz) <= 1e-16 * Math.abs(z)) break;
    }
    return negate ? -z : z;
  }
  const z = solveTail(
    (u) => {
      const t = stdNormalTails(u);
      return { tail: t.lower, slope: Math.exp(-0.5 * u * u) / SQRT_2PI };
    },
    tailP,
    true,
    roughLowerQuantile(tailP),
  );
  return negate ? -z : z;
}

/** Quantile of N(mean, sd²), as R's `qnorm`. */
export function qnorm(p: number, mean = 0, sd = 1, lowerTail = true): number {
  checkScale(sd);
  return mean + sd * qnormStd(p, lowerTail);
}
