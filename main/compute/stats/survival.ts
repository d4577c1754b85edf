/**
 * Kaplan–Meier estimate with Greenwood standard error and log-transformed confidence limits
 * (survival::survfit defaults: conf.type = "log", std.err on the cumulative-hazard scale
 * √Σ d/(n(n−d))), and the k-group log-rank test (survival::survdiff, rho = 0; Mantel 1966),
 * χ² = (O − E)ᵀ V⁻ (O − E) on k − 1 df with the hypergeometric variance.
 * `status` is 1 for an event and 0 for censoring; NaN in time or status drops the row.
 */
import { pchisq, qnorm } from './distributions/index.js';
import { StatsInputError } from './common.js';

export interface KaplanMeierRow {
  time: number;
  nRisk: number;
  nEvent: number;
  nCensor: number;
  survival: number;
  /** Standard error of −log S (what survfit reports as std.err). */
  stdErr: number;
  lower: number;
  upper: number;
}

interface Clean {
  time: Float64Array;
  status: Uint8Array;
  group: (string | number)[] | null;
  nMissing: number;
}

function clean(time: ArrayLike<number>, status: ArrayLike<number>, group: ArrayLike<string | number> | null): Clean {
  if (time.length !== status.length)
    throw new StatsInputError(`survival: time and status differ in length (${time.length} vs ${status.length})`);
  if (group && group.length !== time.length)
    throw new StatsInputError(`survival: group and time differ in length (${group.length} vs ${time.length})`);
  const t: number[] = [];
  const s: number[] = [];
  const g: (string | number)[] = [];
  let nMissing = 0;
  for (let i = 0; i < time.length; i++) {
    const ti = time[i] as number;
    const si = status[i] as number;
    if (Number.isNaN(ti) || Number.isNaN(si)) {
      nMissing++;
      continue;
    }
    if (!(ti >= 0)) throw new StatsInputError(`survival: time at row ${i + 1} is ${ti}; times must be ≥ 0`);
    if (si !== 0 && si !== 1)
      throw new StatsInputError(`survival: status at row ${i + 1} is ${si}; expected 1 (event) or 0 (censored)`);
    t.push(ti);
    s.push(si);
    if (group) g.push(group[i] as string | number);
  }
  return { time: Float64Array.from(t), status: Uint8Array.from(s), group: group ? g : null, nMissing };
}

export function kaplanMeier(
  time: ArrayLike<number>,
  status: ArrayLike<number>,
  confLevel = 0.95,
): { rows: KaplanMeierRow[]; n: number; nMissing: number } {
  const d = clean(time, status, null);
  const n = d.time.length;
  if (n === 0) throw new StatsInputError('Kaplan–Meier: no complete observations');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (d.time[a] as number) - (d.time[b] as number));
  const z = qnorm(1 - (1 - confLevel) / 2);
  const rows: KaplanMeierRow[] = [];
  let atRisk = n;
  let s = 1;
  let varSum = 0;
  let i = 0;
  while (i < n) {
    const t = d.time[order[i] as number] as number;
    let events = 0;
    let cens = 0;
    while (i < n && d.time[order[i] as number] === t) {
      if (d.status[order[i] as number] === 1) events++;
      else cens++;
      i++;
    }
    if (events > 0) {
      s *= 1 - events / atRisk;
      varSum += atRisk > events ? events / (atRisk * (atRisk - events)) : Infinity;
    }
    const se = Math.sqrt(varSum);
    const ok = s > 0 && Number.isFinite(se);
    rows.push({
      time: t,
      nRisk: atRisk,
      nEvent: events,
      nCensor: cens,
      survival: s,
      stdErr: ok ? se : NaN,
      lower: ok ? Math.exp(Math.log(s) - z * se) : NaN,
      upper: ok ? Math.min(1, Math.exp(Math.log(s) + z * se)) : NaN,
    });
    atRisk -= events + cens;
  }
  return { rows, n, nMissing: d.nMissing };
}

export interface LogRankResult {
  statistic: number;
  df: number;
  pValue: number;
  groups: (string | number)[];
  n: number[];
  observed: number[];
  expected: number[];
  nMissing: number;
}

/** Solve the symmetric positive-definite system A x = b (Cholesky); A is m×m row-major. */
function solveSpd(A: Float64Array, b: Float64Array, m: number): Float64Array {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * m + k] as number) * (L[j * m + k] as number);
      if (i === j) {
        if (!(s > 0))
          throw new StatsInputError('log-rank: the variance matrix is singular (a group has no one at risk at any event time)');
        L[i * m + i] = Math.sqrt(s);
      } else L[i * m + j] = s / (L[j * m + j] as number);
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[i * m + k] as number) * (y[k] as number);
    y[i] = s / (L[i * m + i] as number);
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < m; k++) s -= (L[k * m + i] as number) * (x[k] as number);
    x[i] = s / (L[i * m + i] as number);
  }
  return x;
}

export function logRankTest(
  time: ArrayLike<number>,
  status: ArrayLike<number>,
  group: ArrayLike<string | number>,
): LogRankResult {
  const d = clean(time, status, group);
  const labels = [...new Set(d.group!)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const k = labels.length;
  if (k < 2) throw new StatsInputError(`log-rank: needs at least 2 groups (found ${k})`);
  const gi = new Int32Array(d.time.length);
  const index = new Map(labels.map((l, i) => [l, i]));
  d.group!.forEach((g, i) => (gi[i] = index.get(g) as number));
  const n = d.time.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (d.time[a] as number) - (d.time[b] as number));
  const atRisk = new Float64Array(k);
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    atRisk[gi[i] as number] = (atRisk[gi[i] as number] as number) + 1;
    sizes[gi[i] as number]!++;
  }
  const O = new Float64Array(k);
  const E = new Float64Array(k);
  const V = new Float64Array(k * k);
  const dg = new Float64Array(k);
  const leave = new Float64Array(k);
  let i = 0;
  while (i < n) {
    const t = d.time[order[i] as number] as number;
    dg.fill(0);
    leave.fill(0);
    while (i < n && d.time[order[i] as number] === t) {
      const idx = order[i] as number;
      const g = gi[idx] as number;
      if (d.status[idx] === 1) dg[g] = (dg[g] as number) + 1;
      leave[g] = (leave[g] as number) + 1;
      i++;
    }
    let dt = 0;
    let nt = 0;
    for (let g = 0; g < k; g++) {
      dt += dg[g] as number;
      nt += atRisk[g] as number;
    }
    if (dt > 0) {
      for (let g = 0; g < k; g++) {
        O[g] = (O[g] as number) + (dg[g] as number);
        E[g] = (E[g] as number) + (dt * (atRisk[g] as number)) / nt;
      }
      if (nt > 1) {
        const f = (dt * (nt - dt)) / (nt - 1);
        for (let g = 0; g < k; g++) {
          for (let h = 0; h < k; h++) {
            const pg = (atRisk[g] as number) / nt;
            const ph = (atRisk[h] as number) / nt;
            V[g * k + h] = (V[g * k + h] as number) + f * pg * ((g === h ? 1 : 0) - ph);
          }
        }
      }
    }
    for (let g = 0; g < k; g++) atRisk[g] = (atRisk[g] as number) - (leave[g] as number);
  }
  // Drop the last group: V restricted to k − 1 groups is non-singular (survdiff's generalized inverse).
  const m = k - 1;
  const Vm = new Float64Array(m * m);
  const diff = new Float64Array(m);
  for (let g = 0; g < m; g++) {
    diff[g] = (O[g] as number) - (E[g] as number);
    for (let h = 0; h < m; h++) Vm[g * m + h] = V[g * k + h] as number;
  }
  const x = solveSpd(Vm, diff, m);
  let stat = 0;
  for (let g = 0; g < m; g++) stat += (diff[g] as number) * (x[g] as number);
  return {
    statistic: stat,
    df: m,
    pValue: pchisq(stat, m, false),
    groups: labels,
    n: sizes,
    observed: Array.from(O),
    expected: Array.from(E),
    nMissing: d.nMissing,
  };
}

/**
 * survival's findq: the time at which the step function y (cumulative probability 1 − S, at
 * x = 0, t1, t2, …) first reaches p, taking the midpoint of a flat stretch that sits exactly at
 * p (within tol) — e.g. the median is halfway to the next drop when S = 0.5 exactly.
 */
function findQuantile(x: number[], y: number[], p: number, tol: number): number {
  let maxY = -Infinity;
  for (const v of y) if (!Number.isNaN(v)) maxY = Math.max(maxY, v);
  if (maxY < p) return NaN;
  const xmax = x[x.length - 1] as number;
  // Drop repeated levels (keep the first time each level is reached), NaN counting as a level.
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    const dup = ys.some((u) => u === v || (Number.isNaN(u) && Number.isNaN(v)));
    if (!dup) {
      xs.push(x[i] as number);
      ys.push(v);
    }
  }
  // First index whose (level ± tol) is ≥ p, among non-missing levels (approx(method = "constant", f = 1)).
  const firstAtLeast = (shift: number): number => {
    for (let i = 0; i < ys.length; i++) {
      const v = ys[i] as number;
      if (!Number.isNaN(v) && v + shift >= p) return i;
    }
    return -1;
  };
  const i1 = firstAtLeast(tol);
  const i2 = firstAtLeast(-tol);
  const lastY = ys[ys.length - 1] as number;
  if (i1 >= 0 && !Number.isNaN(lastY) && Math.abs(p - lastY) < tol) return ((xs[i1] as number) + xmax) / 2;
  if (i1 < 0 || i2 < 0) return NaN;
  return ((xs[i1] as number) + (xs[i2] as number)) / 2;
}

/**
 * Survival-time quantile (default the median) with the confidence limits read off the pointwise
 * CI curves, as quantile.survfit / print.survfit (NaN where the curve or its limit never gets
 * down to 1 − p).
 */
export function kaplanMeierQuantile(
  rows: readonly KaplanMeierRow[],
  p = 0.5,
): { estimate: number; lower: number; upper: number } {
  const tol = Math.sqrt(Number.EPSILON);
  const x = [0, ...rows.map((r) => r.time)];
  const curve = (f: (r: KaplanMeierRow) => number): number[] => [0, ...rows.map((r) => 1 - f(r))];
  return {
    estimate: findQuantile(
      x,
      curve((r) => r.survival),
      p,
      tol,
    ),
    lower: findQuantile(
      x,
      curve((r) => r.lower),
      p,
      tol,
    ),
    upper: findQuantile(
      x,
      curve((r) => r.upper),
      p,
      tol,
    ),
  };
}
