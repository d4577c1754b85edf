/**
 * LOWESS scatterplot smoother (Cleveland 1979, JASA 74:829; 1981, Am. Stat. 35:54) with the
 * computational choices of R's `lowess` (the clowess routine): neighbourhood of
 * max(2, ⌊f·n + 1e-7⌋) points, tricube weights with the 0.001h / 0.999h cut-offs, local linear
 * fit unless the weighted spread is below 0.001 of the x range, points closer than `delta`
 * interpolated, and `iter` robustness passes with bisquare weights of 6 × median |residual|.
 */

export interface LowessOptions {
  f?: number;
  iter?: number;
  /** Default 0.01 · range(x), as R. */
  delta?: number;
}

/** Weighted local fit at xs over x[nleft..nright] (0-based, inclusive); NaN when no weight. */
function localFit(
  x: Float64Array,
  y: Float64Array,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
  robust: Float64Array | null,
): number {
  const n = x.length;
  const range = (x[n - 1] as number) - (x[0] as number);
  const h = Math.max(xs - (x[nleft] as number), (x[nright] as number) - xs);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  let j = nleft;
  while (j < n) {
    w[j] = 0;
    const r = Math.abs((x[j] as number) - xs);
    if (r <= h9) {
      if (r <= h1) w[j] = 1;
      else {
        const q = r / h;
        const c = 1 - q * q * q;
        w[j] = c * c * c;
      }
      if (robust) w[j] = (w[j] as number) * (robust[j] as number);
      a += w[j] as number;
    } else if ((x[j] as number) > xs) break;
    j++;
  }
  const nrt = j - 1;
  if (!(a > 0)) return NaN;
  for (let k = nleft; k <= nrt; k++) w[k] = (w[k] as number) / a;
  if (h > 0) {
    let mean = 0;
    for (let k = nleft; k <= nrt; k++) mean += (w[k] as number) * (x[k] as number);
    let b = xs - mean;
    let c = 0;
    for (let k = nleft; k <= nrt; k++) c += (w[k] as number) * ((x[k] as number) - mean) * ((x[k] as number) - mean);
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let k = nleft; k <= nrt; k++) w[k] = (w[k] as number) * (b * ((x[k] as number) - mean) + 1);
    }
  }
  let ys = 0;
  for (let k = nleft; k <= nrt; k++) ys += (w[k] as number) * (y[k] as number);
  return ys;
}

/**
 * Smooth y on x. Returns the x values sorted (ties kept in input order, like R's order()) and
 * the fitted values at them.
 */
export function lowess(
  xIn: ArrayLike<number>,
  yIn: ArrayLike<number>,
  opts: LowessOptions = {},
): { x: Float64Array; y: Float64Array } {
  const n = xIn.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (xIn[a] as number) - (xIn[b] as number) || a - b);
  const x = Float64Array.from(order, (i) => xIn[i] as number);
  const y = Float64Array.from(order, (i) => yIn[i] as number);
  const ys = new Float64Array(n);
  if (n < 2) {
    ys.set(y);
    return { x, y: ys };
  }
  const f = opts.f ?? 2 / 3;
  const nsteps = opts.iter ?? 3;
  const delta = opts.delta ?? 0.01 * ((x[n - 1] as number) - (x[0] as number));
  const ns = Math.max(2, Math.min(n, Math.floor(f * n + 1e-7)));
  const w = new Float64Array(n);
  const res = new Float64Array(n);
  let robust: Float64Array | null = null;
  for (let it = 1; it <= nsteps + 1; it++) {
    let nleft = 0;
    let nright = ns - 1;
    let last = -1;
    let i = 0;
    for (;;) {
      if (nright < n - 1) {
        const d1 = (x[i] as number) - (x[nleft] as number);
        const d2 = (x[nright + 1] as number) - (x[i] as number);
        if (d1 > d2) {
          nleft++;
          nright++;
          continue;
        }
      }
      const fit = localFit(x, y, x[i] as number, nleft, nright, w, robust);
      ys[i] = Number.isNaN(fit) ? (y[i] as number) : fit;
      if (last < i - 1) {
        const denom = (x[i] as number) - (x[last] as number);
        for (let j = last + 1; j < i; j++) {
          const alpha = ((x[j] as number) - (x[last] as number)) / denom;
          ys[j] = alpha * (ys[i] as number) + (1 - alpha) * (ys[last] as number);
        }
      }
      last = i;
      const cut = (x[last] as number) + delta;
      for (i = last + 1; i < n; i++) {
        if ((x[i] as number) > cut) break;
        if (x[i] === x[last]) {
          ys[i] = ys[last] as number;
          last = i;
        }
      }
      i = Math.max(last + 1, i - 1);
      if (last >= n - 1) break;
    }
    if (it > nsteps) break;
    // Robustness weights: bisquare of residual / (6 · median |residual|).
    for (let k = 0; k < n; k++) res[k] = (y[k] as number) - (ys[k] as number);
    const abs = Float64Array.from(res, Math.abs).sort();
    const m1 = Math.floor(n / 2);
    const cmad = 3 * (n % 2 === 0 ? (abs[m1 - 1] as number) + (abs[m1] as number) : 2 * (abs[m1] as number));
    let sc = 0;
    for (let k = 0; k < n; k++) sc += Math.abs(res[k] as number);
    sc /= n;
    if (cmad < 1e-7 * sc) break;
    robust = new Float64Array(n);
    const c9 = 0.999 * cmad;
    const c1 = 0.001 * cmad;
    for (let k = 0; k < n; k++) {
      const r = Math.abs(res[k] as number);
      if (r <= c1) robust[k] = 1;
      else if (r <= c9) robust[k] = (1 - (r / cmad) ** 2) ** 2;
      else robust[k] = 0;
    }
  }
  return { x, y: ys };
}
