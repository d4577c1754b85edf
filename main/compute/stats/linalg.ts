/**
 * Small dense least-squares helpers for the regression modules: Householder QR of a
 * column-major n × p matrix (as LINPACK dqrdc2, which R's lm/glm use, but without pivoting: a
 * column whose remaining norm falls below `tol` × its original norm is reported as collinear),
 * the least-squares solution, and the unscaled covariance (RᵀR)⁻¹ (R's chol2inv(qr$qr)).
 */

export interface QrResult {
  /** p × p upper-triangular R, column-major. */
  r: Float64Array;
  /** Index of the first column found linearly dependent on the previous ones, or −1. */
  collinear: number;
  /** Least-squares coefficients when a right-hand side was given. */
  coef: Float64Array;
}

/**
 * QR of `a` (n × p, column-major; overwritten) with right-hand side `b` (length n; overwritten
 * by Qᵀb), solving min ‖a·β − b‖.
 */
export function householderLeastSquares(a: Float64Array, n: number, p: number, b: Float64Array, tol = 1e-11): QrResult {
  const r = new Float64Array(p * p);
  let collinear = -1;
  for (let j = 0; j < p && collinear < 0; j++) {
    const cj = j * n;
    let norm = 0;
    for (let i = j; i < n; i++) norm += (a[cj + i] as number) ** 2;
    norm = Math.sqrt(norm);
    // Reflections preserve the column's norm, so this is its original norm (dqrdc2's test is
    // relative to it).
    let full = 0;
    for (let i = 0; i < n; i++) full += (a[cj + i] as number) ** 2;
    if (!(norm > tol * Math.sqrt(full)) || norm === 0) {
      collinear = j;
      break;
    }
    const ajj = a[cj + j] as number;
    const alpha = ajj > 0 ? -norm : norm;
    // v = x − alpha e1, stored in place; beta = 2 / vᵀv.
    a[cj + j] = ajj - alpha;
    let vtv = 0;
    for (let i = j; i < n; i++) vtv += (a[cj + i] as number) ** 2;
    for (let k = j + 1; k < p; k++) {
      const ck = k * n;
      let s = 0;
      for (let i = j; i < n; i++) s += (a[cj + i] as number) * (a[ck + i] as number);
      const f = (2 * s) / vtv;
      for (let i = j; i < n; i++) a[ck + i] = (a[ck + i] as number) - f * (a[cj + i] as number);
    }
    let s = 0;
    for (let i = j; i < n; i++) s += (a[cj + i] as number) * (b[i] as number);
    const f = (2 * s) / vtv;
    for (let i = j; i < n; i++) b[i] = (b[i] as number) - f * (a[cj + i] as number);
    r[j * p + j] = alpha;
    for (let k = j + 1; k < p; k++) r[k * p + j] = a[k * n + j] as number;
  }
  const coef = new Float64Array(p);
  if (collinear < 0) {
    for (let j = p - 1; j >= 0; j--) {
      let s = b[j] as number;
      for (let k = j + 1; k < p; k++) s -= (r[k * p + j] as number) * (coef[k] as number);
      coef[j] = s / (r[j * p + j] as number);
    }
  }
  return { r, collinear, coef };
}

/** (RᵀR)⁻¹ for a p × p upper-triangular, column-major R (R's chol2inv). */
export function chol2inv(r: Float64Array, p: number): Float64Array {
  // Rinv (upper triangular) by back substitution, then Rinv · Rinvᵀ.
  const ri = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    ri[j * p + j] = 1 / (r[j * p + j] as number);
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += (r[k * p + i] as number) * (ri[j * p + k] as number);
      ri[j * p + i] = -s / (r[i * p + i] as number);
    }
  }
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s = 0;
      for (let k = j; k < p; k++) s += (ri[k * p + i] as number) * (ri[k * p + j] as number);
      out[j * p + i] = s;
      out[i * p + j] = s;
    }
  }
  return out;
}
