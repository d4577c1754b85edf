/**
 * The model registry's decision tree, gradient boosting and random forest against scikit-learn.
 *
 * Reference: test/fixtures/sklearn/trees.json, written by make_fixtures.py beside it
 * (scikit-learn 1.2.1, Debian bookworm) on the data of classifiers.json (200 training and 100
 * test rows, 6 features). The tree and boosting settings are ones for which sklearn's fit does
 * not depend on its random feature order (the script checks random_state 0..9). Tolerances are
 * stated per test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registryFitter, registryRestorer } from '../../../main/compute/ml/models/index.js';
import type { ClassifierSpec, DataMatrix } from '../../../main/compute/ml/types.js';
import { StatsInputError } from '../../../main/compute/stats/common.js';
import { aucMannWhitney } from '../../../main/compute/stats/roc/curve.js';

interface Data {
  X_train: number[][];
  y_train: number[];
  X_test: number[][];
  y_test: number[];
}
interface TreeRef {
  params: Record<string, number | string | null>;
  proba: number[];
  proba_train: number[];
  importances: number[];
  auc_test?: number;
}
const here = path.dirname(fileURLToPath(import.meta.url));
const load = <T>(f: string): T => JSON.parse(readFileSync(path.join(here, '../../fixtures/sklearn', f), 'utf8')) as T;
const data = load<Data>('classifiers.json');
const fx = load<{ sklearn_version: string; models: Record<string, TreeRef> }>('trees.json');
const matrix = (rows: number[][]): DataMatrix => ({
  data: Float64Array.from(rows.flat()),
  nrow: rows.length,
  ncol: rows[0]!.length,
});
const Xtr = matrix(data.X_train);
const Xte = matrix(data.X_test);
const ytr = Float64Array.from(data.y_train);
const names = data.X_train[0]!.map((_, j) => `f${j}`);
const fit = (spec: ClassifierSpec, seed = 1) => registryFitter(spec, Xtr, ytr, seed, names);

/** The fixture's parameters as a spec (sklearn's None is an absent parameter). */
function specOf(kind: ClassifierSpec['kind'], ref: TreeRef): ClassifierSpec {
  const params: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(ref.params)) if (v !== null) params[k] = v;
  return { kind, params };
}

/** Largest |a − b| / max(1, |b|): absolute near 0, relative for large values. */
function maxErr(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    const r = b[i] as number;
    m = Math.max(m, Math.abs((a[i] as number) - r) / Math.max(1, Math.abs(r)));
  }
  return m;
}

function auc(p: ArrayLike<number>, y: readonly number[]): number {
  const controls: number[] = [];
  const cases: number[] = [];
  y.forEach((v, i) => (v === 1 ? cases : controls).push(p[i] as number));
  return aucMannWhitney(controls, cases, '<');
}

const treeCases = Object.keys(fx.models).filter((k) => k.startsWith('tree_'));
const gbCases = Object.keys(fx.models).filter((k) => k.startsWith('gb_'));

describe('decision tree matches sklearn DecisionTreeClassifier', () => {
  it('the fixture has the expected cases', () => {
    expect(fx.sklearn_version).toBe('1.2.1');
    expect(treeCases.length).toBe(3);
    expect(gbCases.length).toBe(4);
  });
  // Reference: trees.json tree_* (predict_proba[:, 1] on test and training rows,
  // feature_importances_). Tolerance: 1e-12 absolute on probabilities (leaf event shares are
  // exact ratios), 1e-10 on importances.
  it.each(treeCases)('%s: probabilities within 1e-12, importances within 1e-10', (name) => {
    const ref = fx.models[name]!;
    const model = fit(specOf('tree', ref));
    expect(maxErr(model.predictProba(Xte), ref.proba)).toBeLessThan(1e-12);
    expect(maxErr(model.predictProba(Xtr), ref.proba_train)).toBeLessThan(1e-12);
    expect(maxErr(model.importance!(), ref.importances)).toBeLessThan(1e-10);
    expect(new Set(ref.proba.map((p) => p.toFixed(6))).size).toBeGreaterThan(3);
  });
});

describe('gradient boosting matches sklearn GradientBoostingClassifier', () => {
  // Reference: trees.json gb_* (loss 'log_loss'). Tolerance: 1e-10 (absolute, relative above 1)
  // on probabilities, 1e-10 on importances: residual sums are rounded in a different order.
  it.each(gbCases)('%s: probabilities and importances within 1e-10', (name) => {
    const ref = fx.models[name]!;
    const model = fit(specOf('gradient_boosting', ref));
    expect(maxErr(model.predictProba(Xte), ref.proba)).toBeLessThan(1e-10);
    expect(maxErr(model.predictProba(Xtr), ref.proba_train)).toBeLessThan(1e-10);
    expect(maxErr(model.importance!(), ref.importances)).toBeLessThan(1e-10);
  });
});

describe('random forest', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const spec: ClassifierSpec = { kind: 'random_forest', params: { n_estimators: 25 } };
    const a = fit(spec, 7).predictProba(Xte);
    const b = fit(spec, 7).predictProba(Xte);
    const c = fit(spec, 8).predictProba(Xte);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });
  // Without bootstrap and with all features every tree is the CART tree. Tolerance: 1e-15, the
  // rounding of averaging identical trees and renormalising their importances.
  it('without bootstrap and with all features equals one decision tree', () => {
    const growth = { min_samples_leaf: 3, max_depth: 5 };
    const rf = fit({ kind: 'random_forest', params: { n_estimators: 5, bootstrap: false, max_features: 'all', ...growth } });
    const tree = fit({ kind: 'tree', params: growth });
    expect(maxErr(rf.predictProba(Xte), Array.from(tree.predictProba(Xte)))).toBeLessThan(1e-15);
    expect(maxErr(rf.importance!(), Array.from(tree.importance!()))).toBeLessThan(1e-15);
    expect(tree.toJSON().state).toMatchObject({ tree: { feature: expect.arrayContaining([0, 1]) } });
  });
  // Reference: trees.json random_forest_500 (sklearn RandomForestClassifier, 500 trees, defaults),
  // test-set AUC. Tolerance: 0.03 (the forests use different random draws).
  it('has a test AUC within 0.03 of sklearn random forest', () => {
    const ref = fx.models.random_forest_500!;
    const model = fit({ kind: 'random_forest', params: { n_estimators: 500 } }, 20261206);
    const a = auc(model.predictProba(Xte), data.y_test);
    expect(Math.abs(a - ref.auc_test!)).toBeLessThan(0.03);
    const imp = model.importance!();
    expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });
});

describe('tree models save, restore and check parameters', () => {
  const specs: ClassifierSpec[] = [
    { kind: 'tree', params: { criterion: 'entropy', max_depth: 4 } },
    { kind: 'gradient_boosting', params: { n_estimators: 20 } },
    { kind: 'random_forest', params: { n_estimators: 20 } },
  ];
  it.each(specs)('$kind: a model restored from its saved JSON predicts identically', (spec) => {
    const model = fit(spec);
    const back = registryRestorer(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(back.predictProba(Xte))).toEqual(Array.from(model.predictProba(Xte)));
    expect(Array.from(back.importance!())).toEqual(Array.from(model.importance!()));
  });
  it('refuses bad and unknown parameters by name', () => {
    const bad = (spec: ClassifierSpec) => () => fit(spec);
    expect(bad({ kind: 'tree', params: { max_depth: 0 } })).toThrow(/'tree': max_depth must be a number from 1/);
    expect(bad({ kind: 'tree', params: { max_depth: 2.5 } })).toThrow(/max_depth must be a whole number/);
    expect(bad({ kind: 'tree', params: { depth: 3 } })).toThrow(/unknown parameter 'depth' \(known: criterion, max_depth/);
    expect(bad({ kind: 'tree', params: { criterion: 'log_loss' } })).toThrow(/criterion must be one of gini, entropy/);
    expect(bad({ kind: 'tree', params: { min_samples_split: 1 } })).toThrow(/min_samples_split must be a number from 2/);
    expect(bad({ kind: 'gradient_boosting', params: { learning_rate: 0 } })).toThrow(/learning_rate/);
    expect(bad({ kind: 'gradient_boosting', params: { n_estimators: 0 } })).toThrow(/n_estimators/);
    expect(bad({ kind: 'gradient_boosting', params: { subsample: 0.5 } })).toThrow(/unknown parameter 'subsample'/);
    expect(bad({ kind: 'random_forest', params: { max_features: 7 } })).toThrow(/max_features must be a number from 1 to 6/);
    expect(bad({ kind: 'random_forest', params: { max_features: 'half' } })).toThrow(/max_features must be 'sqrt'/);
    expect(bad({ kind: 'random_forest', params: { bootstrap: 1 } })).toThrow(/bootstrap must be true or false/);
    expect(bad({ kind: 'random_forest', params: { min_samples_leaf: -1 } })).toThrow(StatsInputError);
  });
  it('refuses missing values and wrong feature counts', () => {
    const X = { ...Xtr, data: Xtr.data.slice() };
    X.data[3] = NaN;
    expect(() => registryFitter({ kind: 'tree' }, X, ytr, 1, names)).toThrow(/missing feature values/);
    const m = fit({ kind: 'tree', params: { max_depth: 2 } });
    expect(() => m.predictProba({ data: new Float64Array(4), nrow: 2, ncol: 2 })).toThrow(/2 features given, fitted on 6/);
  });
});
