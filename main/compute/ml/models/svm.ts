/**
 * Support vector classifiers (linear and RBF kernels) as scikit-learn's SVC: the C-SVM dual
 *   min ½ αᵀQα − Σα,  0 ≤ α ≤ C,  Σ yᵢαᵢ = 0,  Qᵢⱼ = yᵢyⱼK(xᵢ, xⱼ),  y ∈ {−1, +1},
 * solved by sequential minimal optimisation with second-order working-set selection (Fan, Chen &
 * Lin 2005, as libsvm, whose 32-bit kernel cache values it also uses), stopped when the maximal
 * violation is below tol (sklearn's default 1e-3). The intercept is
 * libsvm's: the mean of yᵢ∇ᵢ over free support vectors (the middle of the feasible interval when
 * there are none). decision(x) = Σ αᵢyᵢK(xᵢ, x) − ρ, positive for class 1. Kernels: linear
 * K = xᵀz; RBF K = exp(−γ‖x − z‖²) with gamma 'scale' (1 / (p · Var X), the default), 'auto'
 * (1 / p) or a number.
 *
 * Probabilities are Platt's sigmoid P(y = 1) = 1 / (1 + exp(A·f + B)) fitted (Lin, Lin & Weng
 * 2007) to out-of-fold decision values of a 5-fold cross-validation whose folds are drawn from
 * the app's seeded generator (sklearn's folds are its own, so its probabilities are not
 * reproduced); the probabilities are monotone in the decision value of the model fitted on all
 * rows. Features should be scaled first.
 */
import { StatsInputError } from '../../stats/common.js';
import { Rng } from '../../stats/random.js';
import type { DataMatrix, FittedClassifier, SavedClassifier } from '../types.js';
import { checkParams, numberParam } from './params.js';
import type { Params } from './params.js';

type SvmKind = 'svm_linear' | 'svm_rbf';

interface SvmState {
  ncol: number;
  gamma: number;
  /** Support vectors (row-major) and their αᵢyᵢ. */
  sv: number[];
  coef: number[];
  rho: number;
  plattA: number;
  plattB: number;
}

function kernelFn(kind: SvmKind, gamma: number, ncol: number) {
  return (a: ArrayLike<number>, ia: number, b: ArrayLike<number>, ib: number): number => {
    let s = 0;
    if (kind === 'svm_linear') {
      for (let k = 0; k < ncol; k++) s += (a[ia * ncol + k] as number) * (b[ib * ncol + k] as number);
      return s;
    }
    for (let k = 0; k < ncol; k++) {
      const d = (a[ia * ncol + k] as number) - (b[ib * ncol + k] as number);
      s += d * d;
    }
    return Math.exp(-gamma * s);
  };
}

interface DualSolution {
  alpha: Float64Array;
  rho: number;
}

/** SMO for the C-SVM dual on rows of X (ys ∈ {−1, +1}). */
function solveDual(K: Float64Array, ys: Float64Array, C: number, tol: number): DualSolution {
  const n = ys.length;
  const TAU = 1e-12;
  const alpha = new Float64Array(n);
  const G = new Float64Array(n).fill(-1); // ∇ = Qα − e at α = 0
  // As libsvm, the solver's Qᵢⱼ are rounded to 32-bit floats (its kernel cache type); the diagonal
  // stays double. The solution then agrees with sklearn's to the solver tolerance.
  const Qf = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) Qf[a * n + b] = Math.fround((ys[a] as number) * (ys[b] as number) * (K[a * n + b] as number));
  }
  const Q = (i: number, j: number): number => Qf[i * n + j] as number;
  const maxIter = Math.max(10000000, 100 * n);
  for (let iter = 0; iter < maxIter; iter++) {
    // i: the maximal violator in I_up; j: the second-order choice in I_low.
    let gmax = -Infinity;
    let i = -1;
    for (let t = 0; t < n; t++) {
      if (ys[t] === 1) {
        if ((alpha[t] as number) < C && -(G[t] as number) >= gmax) {
          gmax = -(G[t] as number);
          i = t;
        }
      } else if ((alpha[t] as number) > 0 && (G[t] as number) >= gmax) {
        gmax = G[t] as number;
        i = t;
      }
    }
    let gmax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    for (let t = 0; t < n; t++) {
      let gradDiff: number;
      let quad: number;
      if (ys[t] === 1) {
        if (!((alpha[t] as number) > 0)) continue;
        gradDiff = gmax + (G[t] as number);
        gmax2 = Math.max(gmax2, G[t] as number);
        if (i < 0 || gradDiff <= 0) continue;
        quad = (K[i * n + i] as number) + (K[t * n + t] as number) - 2 * (ys[i] as number) * Q(i, t);
      } else {
        if (!((alpha[t] as number) < C)) continue;
        gradDiff = gmax - (G[t] as number);
        gmax2 = Math.max(gmax2, -(G[t] as number));
        if (i < 0 || gradDiff <= 0) continue;
        quad = (K[i * n + i] as number) + (K[t * n + t] as number) + 2 * (ys[i] as number) * Q(i, t);
      }
      const obj = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
      if (obj <= best) {
        best = obj;
        j = t;
      }
    }
    if (gmax + gmax2 < tol || i < 0 || j < 0) break;

    const ai = alpha[i] as number;
    const aj = alpha[j] as number;
    let ni: number;
    let nj: number;
    const qij = Q(i, j);
    if (ys[i] !== ys[j]) {
      let quad = (K[i * n + i] as number) + (K[j * n + j] as number) + 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (-(G[i] as number) - (G[j] as number)) / quad;
      const diff = ai - aj;
      ni = ai + delta;
      nj = aj + delta;
      if (diff > 0) {
        if (nj < 0) {
          nj = 0;
          ni = diff;
        }
      } else if (ni < 0) {
        ni = 0;
        nj = -diff;
      }
      if (diff > 0) {
        if (ni > C) {
          ni = C;
          nj = C - diff;
        }
      } else if (nj > C) {
        nj = C;
        ni = C + diff;
      }
    } else {
      let quad = (K[i * n + i] as number) + (K[j * n + j] as number) - 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = ((G[i] as number) - (G[j] as number)) / quad;
      const sum = ai + aj;
      ni = ai - delta;
      nj = aj + delta;
      if (sum > C) {
        if (ni > C) {
          ni = C;
          nj = sum - C;
        }
      } else if (nj < 0) {
        nj = 0;
        ni = sum;
      }
      if (sum > C) {
        if (nj > C) {
          nj = C;
          ni = sum - C;
        }
      } else if (ni < 0) {
        ni = 0;
        nj = sum;
      }
    }
    alpha[i] = ni;
    alpha[j] = nj;
    const di = ni - ai;
    const dj = nj - aj;
    for (let t = 0; t < n; t++) G[t]! += Q(i, t) * di + Q(j, t) * dj;
  }
  // libsvm's ρ.
  let ub = Infinity;
  let lb = -Infinity;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < n; t++) {
    const yg = (ys[t] as number) * (G[t] as number);
    const a = alpha[t] as number;
    if (a >= C) {
      if (ys[t] === -1) ub = Math.min(ub, yg);
      else lb = Math.max(lb, yg);
    } else if (a <= 0) {
      if (ys[t] === 1) ub = Math.min(ub, yg);
      else lb = Math.max(lb, yg);
    } else {
      nFree++;
      sumFree += yg;
    }
  }
  return { alpha, rho: nFree > 0 ? sumFree / nFree : (ub + lb) / 2 };
}

interface Core {
  sv: number[];
  coef: number[];
  rho: number;
}

function fitCore(
  kind: SvmKind,
  gamma: number,
  X: DataMatrix,
  rows: readonly number[],
  y: Float64Array,
  C: number,
  tol: number,
): Core {
  const n = rows.length;
  const ncol = X.ncol;
  const Xs = new Float64Array(n * ncol);
  rows.forEach((r, k) => Xs.set(X.data.subarray(r * ncol, (r + 1) * ncol), k * ncol));
  const ys = Float64Array.from(rows, (r) => ((y[r] as number) === 1 ? 1 : -1));
  const kf = kernelFn(kind, gamma, ncol);
  const K = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const v = kf(Xs, a, Xs, b);
      K[a * n + b] = v;
      K[b * n + a] = v;
    }
  }
  const { alpha, rho } = solveDual(K, ys, C, tol);
  const sv: number[] = [];
  const coef: number[] = [];
  for (let a = 0; a < n; a++) {
    if ((alpha[a] as number) > 0) {
      for (let k = 0; k < ncol; k++) sv.push(Xs[a * ncol + k] as number);
      coef.push((alpha[a] as number) * (ys[a] as number));
    }
  }
  return { sv, coef, rho };
}

function decisionOf(
  kind: SvmKind,
  gamma: number,
  ncol: number,
  core: Core,
  X: DataMatrix,
  rows?: readonly number[],
): Float64Array {
  const kf = kernelFn(kind, gamma, ncol);
  const idx = rows ?? Array.from({ length: X.nrow }, (_, i) => i);
  const out = new Float64Array(idx.length);
  idx.forEach((r, q) => {
    let s = 0;
    for (let a = 0; a < core.coef.length; a++) s += (core.coef[a] as number) * kf(core.sv, a, X.data, r);
    out[q] = s - core.rho;
  });
  return out;
}

/** Platt's sigmoid by Lin, Lin & Weng (2007), Algorithm 1 (Newton with backtracking). */
export function plattFit(dec: ArrayLike<number>, y: ArrayLike<number>): { A: number; B: number } {
  const n = dec.length;
  let prior1 = 0;
  for (let i = 0; i < n; i++) prior1 += (y[i] as number) === 1 ? 1 : 0;
  const prior0 = n - prior1;
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = Float64Array.from({ length: n }, (_, i) => ((y[i] as number) === 1 ? hi : lo));
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  const fobj = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const f = (dec[i] as number) * a + b;
      s += f >= 0 ? (t[i] as number) * f + Math.log1p(Math.exp(-f)) : ((t[i] as number) - 1) * f + Math.log1p(Math.exp(f));
    }
    return s;
  };
  let fval = fobj(A, B);
  for (let it = 0; it < 100; it++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const d = dec[i] as number;
      const f = d * A + B;
      const p = f >= 0 ? Math.exp(-f) / (1 + Math.exp(-f)) : 1 / (1 + Math.exp(f));
      const q = 1 - p;
      const d2 = p * q;
      h11 += d * d * d2;
      h22 += d2;
      h21 += d * d2;
      const d1 = (t[i] as number) - p;
      g1 += d * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = fobj(nA, nB);
      if (nf < fval + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fval = nf;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { A, B };
}

function restore(kind: SvmKind, state: SvmState, params: Record<string, unknown>): FittedClassifier {
  const { ncol, gamma, plattA, plattB } = state;
  const core: Core = { sv: state.sv, coef: state.coef, rho: state.rho };
  const decision = (X: DataMatrix): Float64Array => {
    if (X.ncol !== ncol) throw new StatsInputError(`SVM model: ${X.ncol} features given, fitted on ${ncol}`);
    return decisionOf(kind, gamma, ncol, core, X);
  };
  return {
    kind,
    predictProba(X: DataMatrix): Float64Array {
      return decision(X).map((f) => {
        const z = f * plattA + plattB;
        return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      });
    },
    decisionFunction: decision,
    toJSON(): SavedClassifier {
      return { kind, params, state };
    },
  } as FittedClassifier & { decisionFunction(X: DataMatrix): Float64Array };
}

export function fitSvm(kind: SvmKind, X: DataMatrix, y: Float64Array, params: Params = {}, seed = 1): FittedClassifier {
  checkParams(kind, params, kind === 'svm_rbf' ? ['C', 'gamma', 'tol'] : ['C', 'tol']);
  const C = numberParam(kind, params, 'C', 1, Number.MIN_VALUE);
  const tol = numberParam(kind, params, 'tol', 1e-3, Number.MIN_VALUE);
  const n = X.nrow;
  const ncol = X.ncol;
  if (y.length !== n) throw new StatsInputError(`model '${kind}': ${y.length} outcomes for ${n} rows`);
  for (const v of X.data) {
    if (!Number.isFinite(v)) throw new StatsInputError(`model '${kind}': missing feature values (impute first)`);
  }
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) pos.push(i);
    else if (y[i] === 0) neg.push(i);
    else throw new StatsInputError(`model '${kind}': outcomes must be 0 or 1 (got ${y[i]})`);
  }
  if (pos.length < 5 || neg.length < 5) {
    throw new StatsInputError(`model '${kind}' needs at least 5 rows of each class (got ${pos.length} and ${neg.length})`);
  }
  let gamma = 0;
  if (kind === 'svm_rbf') {
    const g = params.gamma ?? 'scale';
    if (g === 'scale') {
      let m = 0;
      for (const v of X.data) m += v;
      m /= X.data.length;
      let v2 = 0;
      for (const v of X.data) v2 += (v - m) * (v - m);
      const variance = v2 / X.data.length;
      gamma = variance > 0 ? 1 / (ncol * variance) : 1;
    } else if (g === 'auto') {
      gamma = 1 / ncol;
    } else if (typeof g === 'number' && Number.isFinite(g) && g > 0) {
      gamma = g;
    } else {
      throw new StatsInputError(`model '${kind}': gamma must be 'scale', 'auto' or a positive number, not ${JSON.stringify(g)}`);
    }
  }
  const all = Array.from({ length: n }, (_, i) => i);
  const core = fitCore(kind, gamma, X, all, y, C, tol);
  // Platt scaling on out-of-fold decision values: 5 stratified folds from the seeded generator.
  const rng = new Rng(seed);
  const fold = new Int32Array(n);
  for (const cls of [rng.shuffle([...pos]), rng.shuffle([...neg])]) cls.forEach((r, k) => (fold[r] = k % 5));
  const cvDec = new Float64Array(n);
  for (let f = 0; f < 5; f++) {
    const train = all.filter((r) => fold[r] !== f);
    const held = all.filter((r) => fold[r] === f);
    const c = fitCore(kind, gamma, X, train, y, C, tol);
    const d = decisionOf(kind, gamma, ncol, c, X, held);
    held.forEach((r, k) => (cvDec[r] = d[k] as number));
  }
  const { A, B } = plattFit(cvDec, y);
  return restore(kind, { ncol, gamma, ...core, plattA: A, plattB: B }, { ...params });
}

export function restoreSvm(saved: SavedClassifier): FittedClassifier {
  return restore(saved.kind as SvmKind, saved.state as SvmState, saved.params);
}
