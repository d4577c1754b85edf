/**
 * SHAP values and permutation importance (main/compute/ml/explain.ts).
 *
 * References and tolerances:
 * - Linear SHAP has a closed form, φ_j = β_j (x_j − mean_j) (Lundberg & Lee 2017): Kernel SHAP
 *   with every coalition enumerated must reproduce it for a logistic model on the log-odds
 *   scale within 1e-9 — two independent derivations of the same Shapley values.
 * - Local accuracy (efficiency): base value + Σφ = logit f(x) within 1e-9 for every row, for the
 *   exact and the sampled kernel, for a non-additive model (random forest).
 * - Exact Shapley values of a two-feature game computed by hand from the definition
 *   (φ₁ = ½[v(1) − v(∅)] + ½[v(12) − v(2)]) for a model with an interaction, within 1e-9.
 * - The sampled kernel (512 coalitions of 2^12) is within 0.05 log-odds of the exact values on
 *   average.
 * - For a linear model on the log-odds scale the coalition game is additive, so Kernel SHAP's
 *   weighted least squares recovers the linear closed form from any full-rank sample of
 *   coalitions: 200 sampled coalitions of 2^12 must match it within 1e-8 (rounding of the
 *   12 × 12 normal equations).
 * - SVM, kNN, MLP and naive Bayes are explained by Kernel SHAP, locally accurate within 1e-9;
 *   tree models by TreeSHAP (checked against brute force in treeShap.test.ts).
 * - Permutation importance: a feature whose coefficient is 0 has importance exactly 0; the
 *   strongest feature has the largest mean AUC decrease.
 */
import { describe, expect, it } from 'vitest';
import { kernelShap, linearShap, permutationImportance, shapValues } from '../../../main/compute/ml/explain.js';
import { registryFitter } from '../../../main/compute/ml/models/index.js';
import type { DataMatrix, FittedClassifier } from '../../../main/compute/ml/types.js';
import { Rng } from '../../../main/compute/stats/random.js';

function data(n: number, p: number, seed: number, beta: number[]): { X: DataMatrix; y: Float64Array } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -0.2;
    for (let j = 0; j < p; j++) {
      const u1 = Math.max(rng.nextDouble(), 1e-12);
      const v = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextDouble());
      X[i * p + j] = v;
      eta += (beta[j] ?? 0) * v;
    }
    y[i] = rng.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X: { data: X, nrow: n, ncol: p }, y };
}
const rows = (X: DataMatrix, from: number, to: number): DataMatrix => ({
  data: X.data.slice(from * X.ncol, to * X.ncol),
  nrow: to - from,
  ncol: X.ncol,
});
const logit = (p: number) => Math.log(p / (1 - p));

describe('SHAP', () => {
  const { X, y } = data(300, 5, 11, [1.2, -0.8, 0.4, 0, 0.2]);
  const lr = registryFitter({ kind: 'logistic' }, X, y, 1, []);
  const explainRows = rows(X, 0, 20);
  const background = rows(X, 100, 160);

  it('Kernel SHAP with every coalition equals the linear closed form for a logistic model', () => {
    const exact = linearShap(lr, explainRows, background);
    const kernel = kernelShap(lr, explainRows, background, { samples: 100 });
    expect(kernel.method).toBe('kernel-exact');
    expect(Math.abs(kernel.baseValue - exact.baseValue)).toBeLessThan(1e-9);
    kernel.values.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - exact.values[i]![j]!)).toBeLessThan(1e-9)));
    expect(shapValues(lr, explainRows, background).method).toBe('linear-exact');
  });

  it('is locally accurate for a random forest, exact and sampled', () => {
    const rf = registryFitter({ kind: 'random_forest', params: { n_estimators: 30, max_depth: 4 } }, X, y, 3, []);
    const px = rf.predictProba(explainRows);
    for (const samples of [2048, 10]) {
      const s = kernelShap(rf, explainRows, background, { samples, seed: 2 });
      expect(s.method).toBe(samples === 2048 ? 'kernel-exact' : 'kernel-sampled');
      s.values.forEach((row, i) => {
        const q = Math.min(1 - 1e-9, Math.max(1e-9, px[i]!));
        expect(Math.abs(s.baseValue + row.reduce((a, b) => a + b, 0) - logit(q))).toBeLessThan(1e-9);
      });
    }
  });

  it('matches the Shapley definition for a two-feature model with an interaction', () => {
    // g(x) = logit f(x) = x1 + 2·x2 + 3·x1·x2; one background row at (0, 0).
    const model: FittedClassifier = {
      kind: 'tree',
      predictProba: (Q) =>
        Float64Array.from({ length: Q.nrow }, (_, i) => {
          const a = Q.data[i * 2]!;
          const b = Q.data[i * 2 + 1]!;
          return 1 / (1 + Math.exp(-(a + 2 * b + 3 * a * b)));
        }),
      toJSON: () => ({ kind: 'tree', params: {}, state: null }),
    };
    const x: DataMatrix = { data: Float64Array.from([1, 1]), nrow: 1, ncol: 2 };
    const bg: DataMatrix = { data: Float64Array.from([0, 0]), nrow: 1, ncol: 2 };
    // v(∅) = 0, v(1) = 1, v(2) = 2, v(12) = 6 → φ1 = ½(1 − 0) + ½(6 − 2) = 2.5, φ2 = 3.5.
    const s = kernelShap(model, x, bg);
    expect(Math.abs(s.values[0]![0]! - 2.5)).toBeLessThan(1e-9);
    expect(Math.abs(s.values[0]![1]! - 3.5)).toBeLessThan(1e-9);
  });

  it('the sampled kernel approximates the exact values with 12 features', () => {
    const d = data(200, 12, 5, [1, -1, 0.5, 0.5, 0, 0, 0.3, 0, 0, 0, 0, 0.8]);
    const gb = registryFitter({ kind: 'gradient_boosting', params: { n_estimators: 30, max_depth: 2 } }, d.X, d.y, 1, []);
    const xr = rows(d.X, 0, 5);
    const bg = rows(d.X, 100, 120);
    const exact = kernelShap(gb, xr, bg, { samples: 5000 });
    const sampled = kernelShap(gb, xr, bg, { samples: 512, seed: 9 });
    expect(exact.method).toBe('kernel-exact');
    let err = 0;
    let count = 0;
    exact.values.forEach((row, i) => row.forEach((v, j) => ((err += Math.abs(v - sampled.values[i]![j]!)), count++)));
    expect(err / count).toBeLessThan(0.05);
  });

  it('sampled Kernel SHAP recovers the linear closed form for a linear model with 12 features', () => {
    const d = data(300, 12, 17, [1, -1, 0.5, 0.5, 0, 0, 0.3, 0, 0, 0, 0, 0.8]);
    const model = registryFitter({ kind: 'logistic_l2', params: { lambda: 0.01 } }, d.X, d.y, 1, []);
    const xr = rows(d.X, 0, 8);
    const bg = rows(d.X, 100, 140);
    const exact = shapValues(model, xr, bg);
    expect(exact.method).toBe('linear-exact');
    const kernel = kernelShap(model, xr, bg, { samples: 200, seed: 3 });
    expect(kernel.method).toBe('kernel-sampled');
    let maxErr = 0;
    kernel.values.forEach((row, i) => row.forEach((v, j) => (maxErr = Math.max(maxErr, Math.abs(v - exact.values[i]![j]!)))));
    expect(maxErr).toBeLessThan(1e-8);
    expect(Math.abs(kernel.baseValue - exact.baseValue)).toBeLessThan(1e-9);
  });

  it('picks Kernel SHAP for SVM, kNN, MLP and naive Bayes (locally accurate) and TreeSHAP for trees', () => {
    const Xs = rows(X, 0, 120);
    const ys = y.subarray(0, 120);
    const others = [
      registryFitter({ kind: 'svm_rbf' }, Xs, ys, 1, []),
      registryFitter({ kind: 'knn', params: { n_neighbors: 15 } }, Xs, ys, 1, []),
      registryFitter({ kind: 'mlp', params: { hidden_layer_sizes: [6], max_iter: 100 } }, Xs, ys, 1, []),
      registryFitter({ kind: 'naive_bayes' }, Xs, ys, 1, []),
    ];
    const smallBackground = rows(X, 100, 120);
    for (const m of others) {
      const s = shapValues(m, explainRows, smallBackground, { samples: 64, seed: 5 });
      expect(s.method, m.kind).toBe('kernel-exact');
      // kNN vote shares are often exactly 0 or 1: explained as probabilities, the rest in log-odds.
      expect(s.scale).toBe(m.kind === 'knn' ? 'probability' : 'log-odds');
      const p = m.predictProba(explainRows);
      s.values.forEach((row, i) => {
        const q = Math.min(1 - 1e-9, Math.max(1e-9, p[i]!));
        const out = s.scale === 'probability' ? p[i]! : logit(q);
        expect(Math.abs(s.baseValue + row.reduce((a, b) => a + b, 0) - out), m.kind).toBeLessThan(1e-9);
      });
    }
    for (const kind of ['tree', 'random_forest', 'gradient_boosting'] as const) {
      const m = registryFitter({ kind, params: kind === 'tree' ? {} : { n_estimators: 5 } }, X, y, 1, []);
      const s = shapValues(m, explainRows, background);
      expect(s.method).toBe('tree-exact');
      expect(s.scale).toBe(kind === 'gradient_boosting' ? 'log-odds' : 'probability');
    }
  });
});

describe('permutation importance', () => {
  it('is 0 for a feature the model ignores and largest for the strongest one', () => {
    const { X, y } = data(400, 4, 21, [1.5, 0.3, 0, -0.6]);
    const lasso = registryFitter({ kind: 'logistic_l1', params: { lambda: 0.02 } }, X, y, 1, []);
    const coef = (lasso.toJSON().state as { coefficients: number[] }).coefficients;
    const zero = coef.findIndex((b) => b === 0);
    expect(zero).toBeGreaterThanOrEqual(0);
    const imp = permutationImportance(lasso, X, y, { repeats: 5, seed: 3 });
    expect(imp.mean[zero]).toBe(0);
    expect(imp.sd[zero]).toBe(0);
    expect(imp.mean.indexOf(Math.max(...imp.mean))).toBe(0);
    expect(imp.baseline).toBeGreaterThan(0.7);
  });
});

describe('explanations in an analysis', () => {
  it('explains each final model on the test set: locally accurate against the stored predictions', async () => {
    const { runAnalysis } = await import('../../../main/compute/ml/analysis.js');
    const { datasetFromTable } = await import('../../../main/compute/ml/dataset.js');
    const { parseAnalysisSpec } = await import('../../../main/compute/ml/spec.js');
    const d = data(240, 6, 31, [1, -0.7, 0.5, 0, 0, 0.3]);
    const header = ['patient', 'y', ...Array.from({ length: 6 }, (_, j) => `f${j}`)];
    const table = Array.from({ length: d.X.nrow }, (_, i) => [
      `P${i}`,
      String(d.y[i]),
      ...Array.from(d.X.data.subarray(i * 6, i * 6 + 6), (v) => v.toPrecision(10)),
    ]);
    const spec = parseAnalysisSpec({
      version: 1,
      name: 'explain',
      columns: { patient: 'patient' },
      outcome: { column: 'y', positive: '1' },
      split: { method: 'random', testFraction: 0.3 },
      steps: [{ step: 'scale' }],
      models: [
        { name: 'LR', kind: 'logistic' },
        { name: 'Forest', kind: 'random_forest', params: { n_estimators: 20, max_depth: 3 } },
      ],
      explain: { background: 20, permutationRepeats: 3 },
      seed: 4,
    });
    const res = runAnalysis(spec, datasetFromTable(header, table, spec));
    for (const m of res.models) {
      const e = m.explanation!;
      expect(e.set).toBe('test');
      expect(e.method).toBe(m.kind === 'logistic' ? 'linear-exact' : 'tree-exact');
      expect(e.scale).toBe(m.kind === 'logistic' ? 'log-odds' : 'probability');
      expect(e.features).toEqual(m.features);
      expect(e.rows.length).toBe(res.split.counts.test.rows);
      e.rows.forEach((id, r) => {
        const i = res.rows.ids.indexOf(id);
        const p = Math.min(1 - 1e-9, Math.max(1e-9, m.predictions.test[i]!));
        const out = e.scale === 'log-odds' ? logit(p) : m.predictions.test[i]!;
        expect(Math.abs(e.baseValue + e.shap[r]!.reduce((a, b) => a + b, 0) - out)).toBeLessThan(1e-8);
      });
      expect(e.permutation!.mean.length).toBe(e.features.length);
      // f0 is the strongest feature of the linear model (β = 1 on unit-variance data).
      if (m.kind === 'logistic') expect(e.meanAbsShap.indexOf(Math.max(...e.meanAbsShap))).toBe(0);
    }
  });
});
