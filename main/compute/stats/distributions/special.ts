/**
 * Special functions underneath the distribution functions: log-gamma, log-beta, and the
 * saddle-point pieces of Loader (2000), "Fast and accurate computation of binomial
 * probabilities" (stirlerr, bd0), which give densities and incomplete-function prefactors
 * with small *relative* error even when the arguments are large (where the naive
 * exp(a·log x − x − lgamma(a)) loses digits to cancellation).
 */

export const LN_SQRT_2PI = 0.91893853320467274178032973640562; // log(sqrt(2π))
export const LN_2PI = 1.8378770664093454835606594728112;
export const SQRT_2PI = 2.506628274631000502415765284811;

/**
 * Stirling-series remainder for log Γ(x) at x ≥ 10:
 * log Γ(x) − [(x − ½) log x − x + log √(2π)] = Σ B₂ₖ / (2k(2k−1) x^(2k−1)).
 * Truncated after B₁₄; the first omitted term is < 3e-17/x¹⁵.
 */
function stirlingTail(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  const series =
    1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 / 156)))));
  return r * series;
}

/**
 * log |Γ(x)| for x > 0 (the only domain the distributions need). For x < 10 the argument
 * is shifted up with Γ(x) = Γ(x + n) / (x (x+1) … (x+n−1)) and the Stirling series is used,
 * which keeps the absolute error near 1e-15.
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity;
    // Reflection: Γ(x) Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingTail(x);
  let prod = 1;
  let z = x;
  while (z < 10) {
    prod *= z;
    z += 1;
  }
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + stirlingTail(z) - Math.log(prod);
}

/** Γ(x) for x > 0 (only used for moderate x). */
export function gammaFn(x: number): number {
  return Math.exp(lgamma(x));
}

/**
 * stirlerr(n) = log Γ(n+1) − [(n + ½) log n − n + log √(2π)] (Loader 2000).
 * For n ≥ 10 this is exactly the Stirling tail at n+1 rewritten; we evaluate the series at n
 * using log Γ(n+1) = log n + log Γ(n).
 */
export function stirlerr(n: number): number {
  if (n >= 10) return stirlingTail(n);
  if (n <= 0) return n === 0 ? 0 : NaN;
  return lgamma(n + 1) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
}

/**
 * Deviance term bd0(x, np) = x log(x/np) + np − x, evaluated by the series in
 * v = (x − np)/(x + np) when x ≈ np so that the result keeps full relative accuracy.
 */
export function bd0(x: number, np: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(np) || np === 0) return NaN;
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    const v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    const v2 = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / np) + np - x;
}

/** λ^x e^{−λ} / Γ(x+1) for real x ≥ 0 (the Poisson density extended to real x). */
export function dpoisRaw(x: number, lambda: number): number {
  if (lambda === 0) return x === 0 ? 1 : 0;
  if (x === 0) return Math.exp(-lambda);
  if (x < 0 || !Number.isFinite(lambda)) return 0;
  if (x < 1) {
    // Small x: direct form has no cancellation to fear.
    return Math.exp(x * Math.log(lambda) - lambda - lgamma(x + 1));
  }
  return Math.exp(-stirlerr(x) - bd0(x, lambda)) / Math.sqrt(2 * Math.PI * x);
}

/**
 * Γ(n+1)/(Γ(x+1)Γ(n−x+1)) p^x q^(n−x) for real 0 < x < n, with p + q = 1 given separately
 * so that neither loses precision near 0 or 1 (Loader 2000, eq. for dbinom_raw).
 */
export function dbinomRaw(x: number, n: number, p: number, q: number): number {
  if (x === 0) return Math.exp(n * Math.log(q));
  if (x === n) return Math.exp(n * Math.log(p));
  if (x < 0 || x > n) return 0;
  const lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  // Written as 2π x (n−x)/n to avoid forming x(n−x) when both are huge.
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return Math.exp(lc - 0.5 * lf);
}

/** log B(a, b) for a, b > 0. */
export function lbeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    // Both large: Stirling form without the cancellation of three big lgamma values.
    const corr = stirlingTail(p) + stirlingTail(q) - stirlingTail(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = stirlingTail(q) - stirlingTail(p + q);
    return lgamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return lgamma(p) + lgamma(q) - lgamma(p + q);
}
