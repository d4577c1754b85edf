/**
 * Daubechies extremal-phase scaling filters dbN (N vanishing moments, 2N taps), computed from their
 * definition by spectral factorisation (I. Daubechies, "Ten Lectures on Wavelets", SIAM 1992,
 * §6.1, eqs. 6.1.10–6.1.12):
 *   |m0(ω)|² = cos^{2N}(ω/2) · P(sin²(ω/2)),  P(y) = Σ_{k<N} C(N−1+k, k) y^k.
 * Each root y_k of P gives z + 1/z = 2 − 4·y_k; the root z with |z| < 1 is kept (minimum /
 * extremal phase), so h(w) ∝ (1 + w)^N · Π_k (1 − z_k·w) with w = z⁻¹, normalised to Σh = √2.
 * The coefficients of h in increasing powers of w are PyWavelets' `rec_lo` (largest taps first).
 *
 * Roots of P by Durand–Kerner iteration with a Newton polish (degree ≤ 7 here); the result is
 * orthonormal to ~1e-16 and agrees with PyWavelets' tables (see the unit tests). Computed once per
 * call on a handful of numbers, so plain arrays are used.
 */

/** Complex number as [re, im]. */
type Complex = [number, number];
const mul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const div = (a: Complex, b: Complex): Complex => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};
function csqrt(a: Complex): Complex {
  const r = Math.hypot(a[0], a[1]);
  const re = Math.sqrt((r + a[0]) / 2);
  const im = Math.sign(a[1] || 1) * Math.sqrt(Math.max(0, (r - a[0]) / 2));
  return [re, im];
}
/** Polynomial (real coefficients, ascending powers) evaluated at complex z (Horner). */
function evalPoly(c: readonly number[], z: Complex): Complex {
  let acc: Complex = [0, 0];
  for (let k = c.length - 1; k >= 0; k--) {
    acc = mul(acc, z);
    acc[0] += c[k]!;
  }
  return acc;
}
/** All roots of a real polynomial (ascending coefficients) by Durand–Kerner, then Newton polish. */
function roots(c: readonly number[]): Complex[] {
  const n = c.length - 1;
  const lead = c[n]!;
  const monic = c.map((x) => x / lead);
  let z: Complex[] = Array.from({ length: n }, (_, k) => {
    const a = (2 * Math.PI * k) / n + 0.4;
    return [Math.cos(a) * 0.9, Math.sin(a) * 0.9] as Complex;
  });
  for (let it = 0; it < 500; it++) {
    let change = 0;
    const next = z.map((zi, i) => {
      let den: Complex = [1, 0];
      for (let j = 0; j < n; j++) if (j !== i) den = mul(den, [zi[0] - z[j]![0], zi[1] - z[j]![1]]);
      const d = div(evalPoly(monic, zi), den);
      change = Math.max(change, Math.hypot(d[0], d[1]));
      return [zi[0] - d[0], zi[1] - d[1]] as Complex;
    });
    z = next;
    if (change < 1e-16) break;
  }
  const deriv = monic.slice(1).map((x, k) => x * (k + 1));
  return z.map((zi) => {
    let r = zi;
    for (let it = 0; it < 3; it++) {
      const d = div(evalPoly(monic, r), evalPoly(deriv, r));
      r = [r[0] - d[0], r[1] - d[1]];
    }
    return r;
  });
}
/** Scaling filter (PyWavelets `rec_lo`) of dbN, N ≥ 1. */
export function daubechiesScaling(N: number): number[] {
  // P(y) = Σ_{k<N} Complex(N−1+k, k) y^k
  const p: number[] = [];
  let binom = 1;
  for (let k = 0; k < N; k++) {
    if (k > 0) binom = (binom * (N - 1 + k)) / k;
    p.push(binom);
  }
  // polynomial in z^{-1} (ascending powers of w = z^{-1}), start with (1 + w)^N
  let poly: Complex[] = [[1, 0]];
  const mulBy = (root: Complex) => {
    // multiply by (1 − root·w)
    const out: Complex[] = Array.from({ length: poly.length + 1 }, () => [0, 0] as Complex);
    for (let i = 0; i < poly.length; i++) {
      out[i]![0] += poly[i]![0];
      out[i]![1] += poly[i]![1];
      const t = mul(poly[i]!, root);
      out[i + 1]![0] -= t[0];
      out[i + 1]![1] -= t[1];
    }
    poly = out;
  };
  for (let k = 0; k < N; k++) mulBy([-1, 0]);
  if (N > 1) {
    for (const y of roots(p)) {
      // z + 1/z = 2 − 4y; z = b/2 ± sqrt(b²/4 − 1), pick |z| < 1
      const b: Complex = [2 - 4 * y[0], -4 * y[1]];
      const half: Complex = [b[0] / 2, b[1] / 2];
      const s = csqrt([half[0] * half[0] - half[1] * half[1] - 1, 2 * half[0] * half[1]]);
      const z1: Complex = [half[0] + s[0], half[1] + s[1]];
      const z2: Complex = [half[0] - s[0], half[1] - s[1]];
      mulBy(Math.hypot(z1[0], z1[1]) < 1 ? z1 : z2);
    }
  }
  const h = poly.map((c) => c[0]);
  const sum = h.reduce((a, x) => a + x, 0);
  return h.map((x) => (x * Math.SQRT2) / sum);
}
