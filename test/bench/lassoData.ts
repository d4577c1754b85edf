/**
 * The LASSO-CV benchmark's data set, generated identically by test/fixtures/r/lasso_bench.R (see
 * the generator's definition there): the Park–Miller minimal standard LCG, exact in doubles,
 * with every arithmetic step in the same order as the R script, so both languages fit the same
 * 300 × 1,200 matrix without a data file.
 */
export interface LassoBenchData {
  n: number;
  p: number;
  /** Column-major features, one Float64Array per column. */
  columns: Float64Array[];
  y: Float64Array;
  foldid: Int32Array;
}

const MODULUS = 2147483647;
const BETA = [1, -0.9, 0.8, -0.7, 0.6, -0.5, 0.4, -0.3, 0.3, -0.3];

export function lassoBenchData(n = 300, p = 1200, seed = 20261207): LassoBenchData {
  let state = seed;
  const u = (): number => {
    state = (16807 * state) % MODULUS;
    return state / MODULUS;
  };
  const s3 = Math.sqrt(3);
  const columns = Array.from({ length: p }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= p; j++) {
      const a = u();
      const b = u();
      const c = u();
      const d = u();
      const v = (a + b + c + d - 2) * s3;
      if (j < p) columns[j]![i] = v;
      else {
        let eta = 0;
        for (let k = 0; k < BETA.length; k++) eta = eta + BETA[k]! * columns[k]![i]!;
        y[i] = eta + v > 0 ? 1 : 0;
      }
    }
  }
  const foldid = Int32Array.from({ length: n }, (_, i) => (i % 10) + 1);
  return { n, p, columns, y, foldid };
}

/** The checksums lasso_bench.R records, summed in R's order (column-major for sum(X)). */
export function lassoBenchChecksum(d: LassoBenchData): {
  sum_x: number;
  sum_x_squared: number;
  x_1_1: number;
  x_n_p: number;
  events: number;
} {
  let sx = 0;
  let sxx = 0;
  for (const c of d.columns)
    for (const v of c) {
      sx += v;
      sxx += v * v;
    }
  return {
    sum_x: sx,
    sum_x_squared: sxx,
    x_1_1: d.columns[0]![0]!,
    x_n_p: d.columns[d.p - 1]![d.n - 1]!,
    events: d.y.reduce((a, b) => a + b, 0),
  };
}
