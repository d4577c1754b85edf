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
 * The eigenvalue of rank `k` (0 = smallest) of the symmetric tridiagonal matrix (d, e), by
 * bisection on the Sturm sequence count (Golub & Van Loan §8.4.1; LAPACK dstebz): the number of
 * negative pivots of T − xI is the number of eigenvalues below x. Starts from the Gershgorin
 * interval and halves it until it is a few ulps wide, so the result is accurate to a few ulps of
 * ‖T‖ like QL, at O(n) per step instead of a full QL sweep — for when only some eigenvalues are
 * needed.
 */
export function tridiagonalEigenvalue(d: Float64Array, e: Float64Array, n: number, k: number): number {
  const EPS = 2.220446049250313e-16;
  let lo = Infinity;
  let hi = -Infinity;
  let e2max = 0;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? Math.abs(e[i - 1]!) : 0) + (i < n - 1 ? Math.abs(e[i]!) : 0);
    lo = Math.min(lo, d[i]! - r);
    hi = Math.max(hi, d[i]! + r);
    if (i < n - 1) e2max = Math.max(e2max, e[i]! * e[i]!);
  }
  // Smallest pivot allowed (LAPACK's pivmin): keeps the recurrence finite when a pivot is 0.
  const pivmin = 2.2250738585072014e-308 * Math.max(1, e2max);
  const width = Math.max(Math.abs(lo), Math.abs(hi));
  lo -= 2 * EPS * width + pivmin;
  hi += 2 * EPS * width + pivmin;
  for (let iter = 0; iter < 200; iter++) {
    const mid = 0.5 * (lo + hi);
    if (!(hi - lo > 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi)) + pivmin) || mid === lo || mid === hi) break;
    // Eigenvalues below mid: negative pivots of the LDLᵀ factorisation of T − mid·I.
    let below = 0;
    let q = d[0]! - mid;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) below++;
    for (let i = 1; i < n; i++) {
      q = d[i]! - mid - (e[i - 1]! * e[i - 1]!) / q;
      if (Math.abs(q) < pivmin) q = -pivmin;
      if (q < 0) below++;
    }
    if (below > k) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
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
