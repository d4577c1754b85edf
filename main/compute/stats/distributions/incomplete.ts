/**
 * Regularized incomplete gamma and beta functions, returning both tails so that each tail is
 * computed directly where it is small (no 1 − p cancellation in the tail that matters).
 *
 * Gamma: power series for P(a, x) when x is left of the mode, Legendre continued fraction for
 * Q(a, x) otherwise (Abramowitz & Stegun 6.5.29 / 6.5.31), both evaluated with the modified
 * Lentz algorithm (Lentz 1976; Thompson & Barnett 1986).
 * Beta: the continued fraction of A&S 26.5.8 for I_x(a, b) on the side where it converges
 * fast, x < (a+1)/(a+b+2), and the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) on the other side.
 * The prefactors x^a e^{−x}/Γ(a+1) and x^a (1−x)^b / B(a,b) use Loader's saddle-point forms.
 */
import { dbinomRaw, dpoisRaw } from './special.js';

export interface TailPair {
  /** Lower tail P(X ≤ x). */
  lower: number;
  /** Upper tail P(X > x). */
  upper: number;
}

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 100_000;

/** Regularized incomplete gamma: lower = P(a, x), upper = Q(a, x), for a > 0, x ≥ 0. */
export function incompleteGamma(a: number, x: number): TailPair {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return { lower: NaN, upper: NaN };
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x === Infinity) return { lower: 1, upper: 0 };
  const useSeries = x < a + 1 && (x < 1 || a >= 1);
  if (useSeries) {
    // P(a,x) = x^a e^{-x}/Γ(a+1) · Σ_{n≥0} x^n / ((a+1)…(a+n))
    let term = 1;
    let sum = 1;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * EPS) break;
    }
    const lower = dpoisRaw(a, x) * sum;
    return { lower, upper: 1 - lower };
  }
  // Q(a,x) = x^a e^{-x}/Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …)))
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const upper = a * dpoisRaw(a, x) * h;
  return { lower: 1 - upper, upper };
}

/** Continued fraction of A&S 26.5.8 (without the prefactor), by modified Lentz. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** x^a y^b / (a B(a,b)) with y = 1 − x, via Loader's binomial saddle point. */
function betaPrefactor(x: number, y: number, a: number, b: number): number {
  // x^a y^b / B(a,b) = a b/(a+b) · dbinom_raw(a; a+b, x, y)
  return (b / (a + b)) * dbinomRaw(a, a + b, x, y);
}

/**
 * Regularized incomplete beta I_x(a, b) (lower) and 1 − I_x(a, b) (upper), for a, b > 0.
 * `y` must equal 1 − x; callers that know it more precisely than 1 − x pass it in.
 */
export function incompleteBeta(x: number, a: number, b: number, y: number = 1 - x): TailPair {
  if (Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b) || a <= 0 || b <= 0) {
    return { lower: NaN, upper: NaN };
  }
  if (x <= 0) return { lower: 0, upper: 1 };
  if (y <= 0) return { lower: 1, upper: 0 };
  if (x < (a + 1) / (a + b + 2)) {
    const lower = betaPrefactor(x, y, a, b) * betaContinuedFraction(x, a, b);
    return { lower, upper: 1 - lower };
  }
  const upper = betaPrefactor(y, x, b, a) * betaContinuedFraction(y, b, a);
  return { lower: 1 - upper, upper };
}
