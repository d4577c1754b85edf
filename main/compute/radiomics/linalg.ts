/**
 * Eigenvalues of a real symmetric matrix: Householder reduction to tridiagonal form, then the
 * implicit QL iteration with Wilkinson-type shifts (Golub & Van Loan, "Matrix Computations",
 * 4th ed., §8.3; Wilkinson & Reinsch, Handbook for Automatic Computation II, 1971). O(n³) once,
 * accurate to a few ulps of the matrix norm. Used for GLCM MCC (N_g × N_g) and shape PCA (3 × 3).
 */

/**
 * Eigenvalues of the n × n symmetric matrix `a` (row-major; overwritten), ascending. Only the lower
 * triangle (and diagonal) is read and updated, row by row: each product and sum is the one of the
 * textbook full-matrix form (the matrix stays symmetric, so the upper triangle is its mirror).
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const { d, e } = tridiagonalize(a, n);
  tridiagonalQl(d, e, n);
  return d.sort();
}

/**
 * Householder reduction of the symmetric n × n `a` (lower triangle read and overwritten) to the
 * tridiagonal matrix with diagonal d and sub-diagonal e[0…n−2] (e[n−1] = 0), which has the same
 * eigenvalues.
 */
export function tridiagonalize(a: Float64Array, n: number): { d: Float64Array; e: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  // Householder: for column k, reflect x = a[k+1…n−1][k] onto αe₁ and update the trailing block.
  for (let k = 0; k < n - 2; k++) {
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += a[i * n + k]! * a[i * n + k]!;
    const x0 = a[(k + 1) * n + k]!;
    if (norm2 === 0) continue;
    const alpha = x0 > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    let vv = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = i === k + 1 ? x0 - alpha : a[i * n + k]!;
      vv += v[i]! * v[i]!;
    }
    if (vv === 0) continue;
    const beta = 2 / vv;
    // p = β B v, K = β/2 vᵀp, w = p − K v;  B ← B − v wᵀ − w vᵀ.
    // (B v)_t = Σ_j B[t][j] v_j in ascending j: row t of the lower triangle gives j ≤ t, the
    // rows below give j > t, and they come in that order.
    for (let i = k + 1; i < n; i++) w[i] = 0;
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = v[i]!;
      let s = w[i]!;
      for (let j = k + 1; j < i; j++) {
        const x = a[row + j]!;
        s += x * v[j]!;
        w[j] = w[j]! + x * vi;
      }
      w[i] = s + a[row + i]! * vi;
    }
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      w[i] = beta * w[i]!;
      vp += v[i]! * w[i]!;
    }
    const kk = (beta / 2) * vp;
    for (let i = k + 1; i < n; i++) w[i] = w[i]! - kk * v[i]!;
    // Lower triangle: B[i][j] (j ≤ i) is the mirror of B[j][i] = B[j][i] − v_j w_i − w_j v_i.
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const vi = v[i]!;
      const wi = w[i]!;
      for (let j = k + 1; j <= i; j++) a[row + j] = a[row + j]! - v[j]! * wi - w[j]! * vi;
    }
    a[(k + 1) * n + k] = alpha;
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]!;
  for (let i = 0; i < n - 1; i++) e[i] = a[(i + 1) * n + i]!;
  e[n - 1] = 0;
  return { d, e };
}

/**
 * The eigenvalue of rank `k` (0 = smallest) of the symmetric tridiagonal matrix (d, e), from the
 * Sturm sequence (Golub & Van Loan §8.4.1; LAPACK dstebz): the number of negative pivots q_i of
 * T − xI is the number of eigenvalues below x. Bisection from the Gershgorin interval until the
 * bracket holds this eigenvalue alone, then Laguerre's method on f(x) = det(T − xI) = Π q_i, kept
 * inside the bracket. For a polynomial with real roots Laguerre converges to a neighbouring root
 * from any start, cubically near it; with f′/f = Σ 1/(x − λ_j) and Σ 1/(x − λ_j)² from the same
 * recurrence (sturmStep), about 8 evaluations replace the ~55 of bisection to full precision. A
 * step that would leave the bracket is a bisection step instead; each evaluation also narrows the
 * bracket by its count, so the result is never worse than bisection's (a few ulps of ‖T‖), at
 * O(n) per step instead of a full QL sweep — for when only some eigenvalues are needed. native/
 * runs two of these chains side by side (native/src/radiomics.c), step for step the same.
 */
export function tridiagonalEigenvalue(d: Float64Array, e: Float64Array, n: number, k: number): number {
  const e2 = new Float64Array(Math.max(n - 1, 0));
  const { lo, hi, pivmin } = sturmBounds(d, e, n, e2);
  const c = newEigenChain(k, n, lo, hi);
  const out = { below: 0, g: 0, h: 0 };
  for (let iter = 0; iter < 200; iter++) {
    if (chainBracketClosed(c, pivmin)) break;
    sturmStep(d, e2, n, c.x, pivmin, out);
    if (chainStep(c, out.below, out.g, out.h, n, pivmin)) break;
  }
  if (!c.done) c.result = 0.5 * (c.lo + c.hi);
  return c.result;
}

const EPS_F64 = 2.220446049250313e-16;

/** Gershgorin interval widened by a few ulps, LAPACK's pivmin, and e² into `e2`. */
function sturmBounds(d: Float64Array, e: Float64Array, n: number, e2: Float64Array): { lo: number; hi: number; pivmin: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let e2max = 0;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(e[i - 1]!) : 0) + (i < n - 1 ? Math.abs(e[i]!) : 0);
    lo = Math.min(lo, d[i]! - r);
    hi = Math.max(hi, d[i]! + r);
    if (i < n - 1) {
      e2[i] = e[i]! * e[i]!;
      e2max = Math.max(e2max, e2[i]!);
    }
  }
  // Smallest pivot allowed (LAPACK's pivmin): keeps the recurrence finite when a pivot is 0.
  const pivmin = 2.2250738585072014e-308 * Math.max(1, e2max);
  const width = Math.max(Math.abs(lo), Math.abs(hi));
  return { lo: lo - (2 * EPS_F64 * width + pivmin), hi: hi + (2 * EPS_F64 * width + pivmin), pivmin };
}

/**
 * One evaluation at x: `below` = eigenvalues below x (negative pivots), g = f′/f = Σ q_i′/q_i and
 * h = g² − f″/f = Σ (r_i² − q_i″/q_i) (r_i = q_i′/q_i), by differentiating the pivot recurrence
 * q_i = d_i − x − e²_{i−1}/q_{i−1} twice.
 */
function sturmStep(
  d: Float64Array,
  e2: Float64Array,
  n: number,
  x: number,
  pivmin: number,
  out: { below: number; g: number; h: number },
): void {
  let below = 0;
  let q = d[0]! - x;
  if (Math.abs(q) < pivmin) q = -pivmin;
  if (q < 0) below++;
  let inv = 1 / q;
  let r = -inv;
  let u = 0;
  let g = r;
  let h = r * r - u;
  for (let i = 1; i < n; i++) {
    const t = e2[i - 1]! * inv;
    const dq = -1 + t * r;
    const ddq = t * (u - 2 * r * r);
    q = d[i]! - x - t;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) below++;
    inv = 1 / q;
    r = dq * inv;
    u = ddq * inv;
    g += r;
    h += r * r - u;
  }
  out.below = below;
  out.g = g;
  out.h = h;
}

interface EigenChain {
  k: number;
  /** Eigenvalues below lo and below hi. */
  cLo: number;
  cHi: number;
  lo: number;
  hi: number;
  x: number;
  done: boolean;
  result: number;
}

function newEigenChain(k: number, n: number, lo: number, hi: number): EigenChain {
  return { k, cLo: 0, cHi: n, lo, hi, x: 0.5 * (lo + hi), done: false, result: 0 };
}

/** Before an evaluation: done when the bracket is as narrow as bisection would leave it. */
function chainBracketClosed(c: EigenChain, pivmin: number): boolean {
  if (c.done) return true;
  if (!(c.hi - c.lo > 2 * EPS_F64 * Math.max(Math.abs(c.lo), Math.abs(c.hi)) + pivmin)) {
    c.done = true;
    c.result = 0.5 * (c.lo + c.hi);
  }
  return c.done;
}

/** After the evaluation at c.x: narrow the bracket, then a Laguerre or a bisection step. True when done. */
function chainStep(c: EigenChain, below: number, g: number, h: number, n: number, pivmin: number): boolean {
  if (below > c.k) {
    c.hi = c.x;
    c.cHi = below;
  } else {
    c.lo = c.x;
    c.cLo = below;
  }
  const mid = 0.5 * (c.lo + c.hi);
  let next = mid;
  if (c.cLo === c.k && c.cHi === c.k + 1) {
    const disc = Math.sqrt(Math.max(0, (n - 1) * (n * h - g * g)));
    const step = n / (g >= 0 ? g + disc : g - disc);
    const t = c.x - step;
    // Converged only onto a point of the bracket: next to another eigenvalue (a multiple one just
    // outside it, say) the step can be tiny and point at that one.
    if (Number.isFinite(step) && Math.abs(step) <= 2 * EPS_F64 * Math.abs(c.x) + pivmin && t >= c.lo && t <= c.hi) {
      c.done = true;
      c.result = t;
      return true;
    }
    if (Number.isFinite(step) && t > c.lo && t < c.hi) next = t;
  }
  if (next === c.lo || next === c.hi) {
    c.done = true;
    c.result = mid;
    return true;
  }
  c.x = next;
  return false;
}

/** √(a² + b²); Math.hypot (slow in V8) only where the squares could overflow or underflow. */
function pythag(a: number, b: number): number {
  const m = Math.max(Math.abs(a), Math.abs(b));
  return m < 1e150 && m > 1e-150 ? Math.sqrt(a * a + b * b) : Math.hypot(a, b);
}

/**
 * Implicit QL on the symmetric tridiagonal matrix (diagonal d, sub-diagonal e[0…n−2]); on return
 * d holds the eigenvalues. Each sweep chases a bulge up from the bottom of the unreduced block
 * with Givens rotations, shifted by the eigenvalue of the leading 2 × 2 closer to d[l].
 */
export function tridiagonalQl(d: Float64Array, e: Float64Array, n: number): void {
  const EPS = 2.220446049250313e-16;
  for (let l = 0; l < n; l++) {
    for (let iter = 0; iter < 60; iter++) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= EPS * dd) break;
      }
      if (m === l) break;
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = pythag(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = pythag(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] = d[i + 1]! - p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l] = d[l]! - p;
      e[l] = g;
      e[m] = 0;
    }
  }
}
