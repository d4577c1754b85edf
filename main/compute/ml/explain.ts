/**
 * Explanations of a fitted model on its own inputs (the features left after the pipeline's
 * steps):
 * - SHAP values, chosen by model kind:
 *   - linear models (logistic, L1/L2/elastic net): exact, φ_j = β_j (x_j − mean_j) with the
 *     background means (Lundberg & Lee 2017, linear SHAP), log-odds;
 *   - tree models (decision tree, random forest, gradient boosting): exact path-dependent
 *     TreeSHAP (treeShap.ts) on the model's own output scale, as shap's TreeExplainer reports it:
 *     probability for a tree or forest, log-odds for boosting;
 *   - any other model (SVM, kNN, MLP, naive Bayes), interventional on the log-odds scale as
 *     shap's "logit" link reports it, except kNN, explained on the probability scale (identity
 *     link) since its vote shares are often exactly 0 or 1, whose log-odds are unbounded
 *     (features outside a coalition take the values of background rows drawn from the
 *     training set): Kernel SHAP (Lundberg & Lee 2017, §4.1): the Shapley-kernel weighted
 *     least squares over coalitions with the efficiency constraint Σφ = g(x) − E[g]; every
 *     coalition is enumerated when 2^M − 2 ≤ `samples` (then the values are the exact Shapley
 *     values of the interventional game), else `samples` coalitions are drawn by size from the
 *     kernel distribution in complementary pairs.
 * - Permutation importance (Breiman 2001; scikit-learn's permutation_importance): the mean and
 *   SD over `repeats` shuffles of one input column of the decrease in ROC AUC.
 */
import { StatsInputError } from '../stats/common.js';
import { Rng } from '../stats/random.js';
import { aucMannWhitney } from '../stats/roc/curve.js';
import { supportsTreeShap, treeShap } from './treeShap.js';
import type { DataMatrix, FittedClassifier } from './types.js';

export interface ShapResult {
  method: 'linear-exact' | 'tree-exact' | 'kernel-exact' | 'kernel-sampled';
  /** The model output the values add up to. */
  scale: 'log-odds' | 'probability';
  /** E[g] on that scale (over the background, or the training cover for TreeSHAP). */
  baseValue: number;
  /** rows × features, on that scale. */
  values: number[][];
}

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};

const LINEAR = new Set(['logistic', 'logistic_l1', 'logistic_l2', 'logistic_elasticnet']);

export function linearShap(model: FittedClassifier, X: DataMatrix, background: DataMatrix): ShapResult {
  const state = model.toJSON().state as { intercept: number; coefficients: number[] };
  const M = X.ncol;
  const mean = new Float64Array(M);
  for (let i = 0; i < background.nrow; i++) for (let j = 0; j < M; j++) mean[j] += background.data[i * M + j]! / background.nrow;
  let base = state.intercept;
  for (let j = 0; j < M; j++) base += state.coefficients[j]! * mean[j]!;
  const values = Array.from({ length: X.nrow }, (_, i) =>
    Array.from({ length: M }, (_, j) => state.coefficients[j]! * (X.data[i * M + j]! - mean[j]!)),
  );
  return { method: 'linear-exact', scale: 'log-odds', baseValue: base, values };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Coalitions (as 0/1 arrays) with their kernel weights: all of them, or a paired sample. */
function coalitions(M: number, samples: number, rng: Rng): { masks: Uint8Array[]; weights: number[]; exact: boolean } {
  const masks: Uint8Array[] = [];
  const weights: number[] = [];
  const total = 2 ** M - 2;
  if (M <= 30 && total <= samples) {
    for (let bits = 1; bits <= total; bits++) {
      const z = new Uint8Array(M);
      let s = 0;
      for (let j = 0; j < M; j++) {
        if ((bits >> j) & 1) {
          z[j] = 1;
          s++;
        }
      }
      masks.push(z);
      weights.push((M - 1) / (binomial(M, s) * s * (M - s)));
    }
    return { masks, weights, exact: true };
  }
  // Sizes drawn with probability ∝ kernel weight × number of coalitions of that size = (M−1)/(s(M−s)).
  const sizeWeights = Array.from({ length: M - 1 }, (_, k) => (M - 1) / ((k + 1) * (M - k - 1)));
  const sum = sizeWeights.reduce((a, b) => a + b, 0);
  for (let draw = 0; draw + 1 < samples; draw += 2) {
    let u = rng.nextDouble() * sum;
    let s = 1;
    while (s < M - 1 && u > sizeWeights[s - 1]!) {
      u -= sizeWeights[s - 1]!;
      s++;
    }
    const order = Array.from({ length: M }, (_, j) => j);
    for (let j = 0; j < s; j++) {
      const k = j + rng.nextInt(M - j);
      [order[j], order[k]] = [order[k]!, order[j]!];
    }
    const z = new Uint8Array(M);
    for (let j = 0; j < s; j++) z[order[j]!] = 1;
    const c = Uint8Array.from(z, (v) => 1 - v);
    masks.push(z, c);
    weights.push(1, 1); // sampled from the kernel: equal weights
  }
  return { masks, weights, exact: false };
}

/** Solves the symmetric positive (semi)definite system A x = b (Cholesky with a tiny ridge). */
function solveSpd(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]! + (i === j ? 1e-12 : 0);
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / L[j * n + j]!;
    }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

export function kernelShap(
  model: FittedClassifier,
  X: DataMatrix,
  background: DataMatrix,
  opts: { samples?: number; seed?: number; link?: 'logit' | 'identity' } = {},
): ShapResult {
  const link = opts.link ?? 'logit';
  const g = link === 'logit' ? logit : (p: number) => p;
  const M = X.ncol;
  const nb = background.nrow;
  if (nb === 0) throw new StatsInputError('SHAP: the background set is empty');
  const rng = new Rng(opts.seed ?? 1);
  const { masks, weights, exact } = coalitions(M, opts.samples ?? 2048, rng);
  const gBackground = Array.from(model.predictProba(background), g);
  const base = gBackground.reduce((a, b) => a + b, 0) / nb;
  const values: number[][] = [];
  const hybrid = new Float64Array(masks.length * nb * M);
  for (let i = 0; i < X.nrow; i++) {
    const gx = g(model.predictProba({ data: X.data.subarray(i * M, (i + 1) * M), nrow: 1, ncol: M })[0]!);
    if (M === 1) {
      values.push([gx - base]);
      continue;
    }
    // v(z) = mean over background rows of g(x on z, background elsewhere).
    for (let c = 0; c < masks.length; c++) {
      const z = masks[c]!;
      for (let b = 0; b < nb; b++) {
        const o = (c * nb + b) * M;
        for (let j = 0; j < M; j++) hybrid[o + j] = z[j] ? X.data[i * M + j]! : background.data[b * M + j]!;
      }
    }
    const p = model.predictProba({ data: hybrid, nrow: masks.length * nb, ncol: M });
    const delta = gx - base;
    // Eliminate φ_{M−1} through the constraint: regress y' on X'_j = z_j − z_{M−1}.
    const n1 = M - 1;
    const A = new Float64Array(n1 * n1);
    const r = new Float64Array(n1);
    const xr = new Float64Array(n1);
    for (let c = 0; c < masks.length; c++) {
      const z = masks[c]!;
      let v = 0;
      for (let b = 0; b < nb; b++) v += g(p[c * nb + b]!);
      v /= nb;
      const w = weights[c]!;
      const yPrime = v - base - z[n1]! * delta;
      for (let j = 0; j < n1; j++) xr[j] = z[j]! - z[n1]!;
      for (let j = 0; j < n1; j++) {
        r[j] += w * xr[j]! * yPrime;
        for (let k = 0; k <= j; k++) A[j * n1 + k] += w * xr[j]! * xr[k]!;
      }
    }
    for (let j = 0; j < n1; j++) for (let k = j + 1; k < n1; k++) A[j * n1 + k] = A[k * n1 + j]!;
    const phi = Array.from(solveSpd(A, r, n1));
    phi.push(delta - phi.reduce((a, b) => a + b, 0));
    values.push(phi);
  }
  return {
    method: exact ? 'kernel-exact' : 'kernel-sampled',
    scale: link === 'logit' ? 'log-odds' : 'probability',
    baseValue: base,
    values,
  };
}

export function shapValues(
  model: FittedClassifier,
  X: DataMatrix,
  background: DataMatrix,
  opts: { samples?: number; seed?: number } = {},
): ShapResult {
  if (LINEAR.has(model.kind)) return linearShap(model, X, background);
  if (supportsTreeShap(model)) return treeShap(model, X);
  return kernelShap(model, X, background, { ...opts, link: model.kind === 'knn' ? 'identity' : 'logit' });
}

export interface PermutationImportance {
  metric: 'auc';
  baseline: number;
  repeats: number;
  /** Per feature: mean and SD of (baseline − permuted AUC). */
  mean: number[];
  sd: number[];
}

export function permutationImportance(
  model: FittedClassifier,
  X: DataMatrix,
  y: ArrayLike<number>,
  opts: { repeats?: number; seed?: number } = {},
): PermutationImportance {
  const repeats = opts.repeats ?? 10;
  const auc = (p: Float64Array): number => {
    const controls: number[] = [];
    const cases: number[] = [];
    for (let i = 0; i < p.length; i++) (y[i] === 1 ? cases : controls).push(p[i]!);
    if (controls.length === 0 || cases.length === 0)
      throw new StatsInputError('permutation importance needs both classes in the explained set');
    return aucMannWhitney(controls, cases, '<');
  };
  const baseline = auc(model.predictProba(X));
  const rng = new Rng(opts.seed ?? 1);
  const M = X.ncol;
  const n = X.nrow;
  const copy = Float64Array.from(X.data);
  const mean: number[] = [];
  const sd: number[] = [];
  for (let j = 0; j < M; j++) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const k = rng.nextInt(i + 1);
        const t = order[i]!;
        order[i] = order[k]!;
        order[k] = t;
      }
      for (let i = 0; i < n; i++) copy[i * M + j] = X.data[order[i]! * M + j]!;
      drops.push(baseline - auc(model.predictProba({ data: copy, nrow: n, ncol: M })));
      for (let i = 0; i < n; i++) copy[i * M + j] = X.data[i * M + j]!;
    }
    const m = drops.reduce((a, b) => a + b, 0) / repeats;
    mean.push(m);
    sd.push(Math.sqrt(drops.reduce((a, b) => a + (b - m) ** 2, 0) / repeats));
  }
  return { metric: 'auc', baseline, repeats, mean, sd };
}
