/**
 * TreeSHAP (main/compute/ml/treeShap.ts).
 *
 * References and tolerances:
 * - Brute force from the definition: the Shapley values of the game v(S) = E[f(x) | x_S] (the
 *   tree's cover-weighted conditional expectation, Lundberg et al. 2018 Algorithm 1, written
 *   here as a plain recursion) by enumerating every subset S of the M features,
 *   φ_i = Σ_S |S|!(M − |S| − 1)!/M! [v(S ∪ {i}) − v(S)]; TreeSHAP must agree within 1e-10 for a
 *   hand-built tree that splits twice on one feature along a path, for fitted CART trees, a
 *   random forest (probability) and gradient boosting (log-odds).
 * - Local accuracy: base value + Σφ = the model's output (probability for a tree or forest,
 *   logit of the probability for boosting) within 1e-9 on every explained row.
 * - The expected value is the cover-weighted mean leaf value: for a tree fitted without row
 *   weights that is the training event share, within 1e-12.
 * - Trees grown by scikit-learn 1.2 (test/fixtures/sklearn/treeshap.json, written by
 *   make_treeshap_fixture.py): a decision tree, an 8-tree forest (bootstrap covers) and 20-stage
 *   boosting; Shapley values enumerated in Python from the same definition, within 1e-10; and
 *   base + Σφ equals sklearn's predict_proba (tree, forest) or decision_function (boosting)
 *   within 1e-9.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryFitter } from '../../../main/compute/ml/models/index.js';
import { toFloat32 } from '../../../main/compute/ml/models/cart.js';
import type { CoveredTree } from '../../../main/compute/ml/treeShap.js';
import { addTreeShap, supportsTreeShap, treeExpectedValue, treeShap } from '../../../main/compute/ml/treeShap.js';
import type { DataMatrix, FittedClassifier } from '../../../main/compute/ml/types.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { repoRoot } from '../../helpers/tmp.js';

function data(n: number, p: number, seed: number): { X: DataMatrix; y: Float64Array } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * p + j] = rng.nextDouble() * 4 - 2;
    const a = X[i * p]!;
    const b = X[i * p + 1]!;
    const c = X[i * p + 2]!;
    // An interaction and a threshold effect, so that trees reuse features along a path.
    const eta = 1.2 * a - 0.8 * b + (a > 0 && c > 0.5 ? 1.5 : 0) + 0.6 * a * b;
    y[i] = rng.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X: { data: X, nrow: n, ncol: p }, y };
}

/** E[f(x) | x_S] of one tree: follow x on features in S, else average the children by cover. */
function conditional(tree: CoveredTree, x: ArrayLike<number>, inS: (f: number) => boolean, node = 0): number {
  const f = tree.feature[node]!;
  if (f < 0) return tree.value[node]!;
  const l = tree.left[node]!;
  const r = tree.right[node]!;
  if (inS(f)) return conditional(tree, x, inS, x[f]! <= tree.threshold[node]! ? l : r);
  const c = tree.cover[node]!;
  return (tree.cover[l]! / c) * conditional(tree, x, inS, l) + (tree.cover[r]! / c) * conditional(tree, x, inS, r);
}

/** Shapley values of v by enumerating all 2^M subsets. */
function bruteForceShapley(M: number, v: (mask: number) => number): number[] {
  const fact = [1];
  for (let k = 1; k <= M; k++) fact.push(fact[k - 1]! * k);
  const values = new Float64Array(1 << M);
  for (let mask = 0; mask < 1 << M; mask++) values[mask] = v(mask);
  const phi = new Array<number>(M).fill(0);
  for (let i = 0; i < M; i++) {
    for (let mask = 0; mask < 1 << M; mask++) {
      if (mask & (1 << i)) continue;
      let s = 0;
      for (let j = 0; j < M; j++) if (mask & (1 << j)) s++;
      phi[i]! += ((fact[s]! * fact[M - s - 1]!) / fact[M]!) * (values[mask | (1 << i)]! - values[mask]!);
    }
  }
  return phi;
}

interface Ensemble {
  trees: CoveredTree[];
  weight: number;
  offset: number;
}
function ensembleOf(model: FittedClassifier): Ensemble {
  const s = model.toJSON().state as { tree?: CoveredTree; trees?: CoveredTree[]; init?: number; learningRate?: number };
  if (model.kind === 'tree') return { trees: [s.tree!], weight: 1, offset: 0 };
  if (model.kind === 'random_forest') return { trees: s.trees!, weight: 1 / s.trees!.length, offset: 0 };
  return { trees: s.trees!, weight: s.learningRate!, offset: s.init! };
}

function bruteForceModel(model: FittedClassifier, x: Float64Array): { phi: number[]; base: number } {
  const e = ensembleOf(model);
  const M = x.length;
  const v = (mask: number) =>
    e.offset + e.weight * e.trees.reduce((a, t) => a + conditional(t, x, (f) => ((mask >> f) & 1) === 1), 0);
  return { phi: bruteForceShapley(M, v), base: v(0) };
}

const rowsOf = (X: DataMatrix, from: number, to: number): DataMatrix => ({
  data: X.data.slice(from * X.ncol, to * X.ncol),
  nrow: to - from,
  ncol: X.ncol,
});

describe('TreeSHAP', () => {
  it('agrees with brute force on a hand-built tree that splits twice on one feature', () => {
    // x0 ≤ 0 ? (x1 ≤ 1 ? (x0 ≤ −1 ? 0.1 : 0.4) : 0.9) : (x2 ≤ 0 ? 0.3 : (x0 ≤ 1 ? 0.6 : 0.8))
    const tree: CoveredTree = {
      feature: [0, 1, 0, -1, -1, -1, 2, -1, 0, -1, -1],
      threshold: [0, 1, -1, -2, -2, -2, 0, -2, 1, -2, -2],
      left: [1, 2, 3, -1, -1, -1, 7, -1, 9, -1, -1],
      right: [6, 5, 4, -1, -1, -1, 8, -1, 10, -1, -1],
      value: [0, 0, 0, 0.1, 0.4, 0.9, 0, 0.3, 0, 0.6, 0.8],
      cover: [100, 60, 45, 15, 30, 15, 40, 10, 30, 18, 12],
    };
    for (const x of [
      [-1.5, 0.5, 2],
      [-0.5, 2, -1],
      [0.5, 0, 1],
      [2, 3, 1],
      [0.5, -1, -1],
    ]) {
      const phi = new Float64Array(3);
      addTreeShap(tree, x, phi);
      const ref = bruteForceShapley(3, (mask) => conditional(tree, x, (f) => ((mask >> f) & 1) === 1));
      // Reference: brute-force enumeration; tolerance 1e-10.
      ref.forEach((r, j) => expect(Math.abs(phi[j]! - r)).toBeLessThan(1e-10));
      // Local accuracy against the leaf x reaches, 1e-12 (exact arithmetic up to rounding).
      const leaf = conditional(tree, x, () => true);
      expect(Math.abs(treeExpectedValue(tree) + phi.reduce((a, b) => a + b, 0) - leaf)).toBeLessThan(1e-12);
    }
  });

  const { X, y } = data(240, 6, 7);
  const explained = rowsOf(X, 0, 25);
  const models: [string, FittedClassifier][] = [
    ['tree depth 6', registryFitter({ kind: 'tree', params: { max_depth: 6, min_samples_leaf: 3 } }, X, y, 1, [])],
    ['tree unlimited', registryFitter({ kind: 'tree', params: { criterion: 'entropy', min_samples_leaf: 2 } }, X, y, 1, [])],
    [
      'random forest',
      registryFitter({ kind: 'random_forest', params: { n_estimators: 15, max_depth: 5, max_features: 3 } }, X, y, 5, []),
    ],
    [
      'gradient boosting',
      registryFitter({ kind: 'gradient_boosting', params: { n_estimators: 25, max_depth: 3, learning_rate: 0.2 } }, X, y, 1, []),
    ],
  ];

  for (const [label, model] of models) {
    it(`${label}: equals brute-force Shapley values (1e-10) and is locally accurate (1e-9)`, () => {
      expect(supportsTreeShap(model)).toBe(true);
      const s = treeShap(model, explained);
      expect(s.method).toBe('tree-exact');
      expect(s.scale).toBe(model.kind === 'gradient_boosting' ? 'log-odds' : 'probability');
      const X32 = toFloat32(explained.data);
      const p = model.predictProba(explained);
      let maxErr = 0;
      for (let i = 0; i < explained.nrow; i++) {
        const ref = bruteForceModel(model, X32.slice(i * 6, (i + 1) * 6));
        expect(Math.abs(s.baseValue - ref.base)).toBeLessThan(1e-10);
        ref.phi.forEach((r, j) => (maxErr = Math.max(maxErr, Math.abs(s.values[i]![j]! - r))));
        const out = model.kind === 'gradient_boosting' ? Math.log(p[i]! / (1 - p[i]!)) : p[i]!;
        expect(Math.abs(s.baseValue + s.values[i]!.reduce((a, b) => a + b, 0) - out)).toBeLessThan(1e-9);
      }
      expect(maxErr).toBeLessThan(1e-10);
      // The trees do split on several features, so the test is not trivially zero.
      expect(s.values.some((r) => r.filter((v) => Math.abs(v) > 1e-6).length >= 2)).toBe(true);
    });
  }

  it("a single tree's expected value is the training event share", () => {
    const s = treeShap(models[0]![1], explained);
    const share = y.reduce((a, b) => a + b, 0) / y.length;
    expect(Math.abs(s.baseValue - share)).toBeLessThan(1e-12);
  });

  it('refuses other models, models saved without covers and a wrong feature count', () => {
    const knn = registryFitter({ kind: 'knn' }, X, y, 1, []);
    expect(supportsTreeShap(knn)).toBe(false);
    expect(() => treeShap(knn, explained)).toThrow(/model 'knn' is not a tree model/);
    const tree = models[0]![1];
    const saved = tree.toJSON();
    const { cover: _cover, ...old } = (saved.state as { tree: CoveredTree }).tree;
    const legacy: FittedClassifier = { ...tree, toJSON: () => ({ ...saved, state: { ...(saved.state as object), tree: old } }) };
    expect(supportsTreeShap(legacy)).toBe(false);
    expect(() => treeShap(tree, rowsOf({ data: X.data.slice(0, 50), nrow: 10, ncol: 5 }, 0, 10))).toThrow(
      /5 features given, the model was fitted on 6/,
    );
  });
});

describe('TreeSHAP on trees grown by scikit-learn', () => {
  interface Fixture {
    sklearn_version: string;
    X_explain: number[][];
    models: Record<
      string,
      {
        weight: number;
        offset: number;
        trees: CoveredTree[];
        rows: { phi: number[]; base: number; output: number }[];
      }
    >;
  }
  const fx = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/sklearn/treeshap.json'), 'utf8')) as Fixture;
  for (const [name, m] of Object.entries(fx.models)) {
    it(`${name} (sklearn ${fx.sklearn_version}): Python's enumerated Shapley values within 1e-10, sklearn's output within 1e-9`, () => {
      const base = m.offset + m.weight * m.trees.reduce((a, t) => a + treeExpectedValue(t), 0);
      let maxErr = 0;
      fx.X_explain.forEach((row, i) => {
        const x = row.map(Math.fround); // sklearn compares float32 features
        const phi = new Float64Array(x.length);
        for (const t of m.trees) addTreeShap(t, x, phi, m.weight);
        const ref = m.rows[i]!;
        expect(Math.abs(base - ref.base)).toBeLessThan(1e-10);
        ref.phi.forEach((r, j) => (maxErr = Math.max(maxErr, Math.abs(phi[j]! - r))));
        expect(Math.abs(base + phi.reduce((a, b) => a + b, 0) - ref.output)).toBeLessThan(1e-9);
      });
      expect(maxErr).toBeLessThan(1e-10);
    });
  }
});
