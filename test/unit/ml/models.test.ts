/**
 * The model registry's kNN and Gaussian naive Bayes against scikit-learn.
 *
 * Reference: test/fixtures/sklearn/classifiers.json, written by make_fixtures.py beside it
 * (scikit-learn 1.2.1, Debian bookworm): predict_proba(X)[:, 1] on 100 test and 200 training
 * rows of a synthetic 6-feature set. Tolerance: absolute 1e-9 on each probability (kNN
 * probabilities are exact ratios; naive Bayes differs only by floating-point summation order).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AVAILABLE_MODELS, registryFitter, registryRestorer } from '../../../main/compute/ml/models/index.js';
import type { ClassifierSpec, DataMatrix } from '../../../main/compute/ml/types.js';
import { StatsInputError } from '../../../main/compute/stats/common.js';
import { classifierKinds, parseAnalysisSpec } from '../../../main/compute/ml/spec.js';

interface Fixture {
  sklearn_version: string;
  X_train: number[][];
  y_train: number[];
  X_test: number[][];
  models: Record<string, { params: Record<string, number | string>; proba: number[]; proba_train: number[] }>;
}
const here = path.dirname(fileURLToPath(import.meta.url));
const fx = JSON.parse(readFileSync(path.join(here, '../../fixtures/sklearn/classifiers.json'), 'utf8')) as Fixture;
const matrix = (rows: number[][]): DataMatrix => ({
  data: Float64Array.from(rows.flat()),
  nrow: rows.length,
  ncol: rows[0]!.length,
});
const Xtr = matrix(fx.X_train);
const Xte = matrix(fx.X_test);
const ytr = Float64Array.from(fx.y_train);
const names = fx.X_train[0]!.map((_, j) => `f${j}`);

const cases: [string, ClassifierSpec][] = [
  ['knn_k5_uniform', { kind: 'knn', params: { n_neighbors: 5 } }],
  ['knn_k7_distance', { kind: 'knn', params: { n_neighbors: 7, weights: 'distance' } }],
  ['knn_k15_uniform', { kind: 'knn', params: { n_neighbors: 15 } }],
  ['naive_bayes', { kind: 'naive_bayes' }],
  ['naive_bayes_smoothing_1e-3', { kind: 'naive_bayes', params: { var_smoothing: 1e-3 } }],
];

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('kNN and Gaussian naive Bayes match scikit-learn', () => {
  it.each(cases)('%s: test and training probabilities within 1e-9', (name, spec) => {
    const ref = fx.models[name]!;
    const model = registryFitter(spec, Xtr, ytr, 1, names);
    expect(maxAbsDiff(model.predictProba(Xte), ref.proba)).toBeLessThan(1e-9);
    expect(maxAbsDiff(model.predictProba(Xtr), ref.proba_train)).toBeLessThan(1e-9);
    // The probabilities are not all equal (the fixture would not discriminate otherwise).
    expect(new Set(ref.proba.map((p) => p.toFixed(6))).size).toBeGreaterThan(5);
  });

  it.each(cases)('%s: a model restored from its saved JSON predicts the same', (_name, spec) => {
    const model = registryFitter(spec, Xtr, ytr, 1, names);
    const saved = JSON.parse(JSON.stringify(model.toJSON()));
    const back = registryRestorer(saved);
    expect(Array.from(back.predictProba(Xte))).toEqual(Array.from(model.predictProba(Xte)));
  });
});

describe('model parameters are checked', () => {
  const fit = (spec: ClassifierSpec) => () => registryFitter(spec, Xtr, ytr, 1, names);
  it('refuses unknown parameters, naming the known ones', () => {
    expect(fit({ kind: 'knn', params: { k: 3 } })).toThrow(/unknown parameter 'k' \(known: n_neighbors, weights\)/);
    expect(fit({ kind: 'naive_bayes', params: { alpha: 1 } })).toThrow(StatsInputError);
    expect(fit({ kind: 'logistic', params: { C: 1 } })).toThrow(/takes no parameters/);
  });
  it('refuses bad values', () => {
    expect(fit({ kind: 'knn', params: { n_neighbors: 0 } })).toThrow(/n_neighbors must be a number from 1/);
    expect(fit({ kind: 'knn', params: { n_neighbors: 2.5 } })).toThrow(/whole number/);
    expect(fit({ kind: 'knn', params: { n_neighbors: 500 } })).toThrow(/exceeds the 200 training rows/);
    expect(fit({ kind: 'knn', params: { weights: 'gaussian' } })).toThrow(/weights must be one of uniform, distance/);
    expect(fit({ kind: 'naive_bayes', params: { var_smoothing: -1 } })).toThrow(/var_smoothing/);
  });
  it('refuses a one-class training set for naive Bayes', () => {
    expect(() => registryFitter({ kind: 'naive_bayes' }, Xtr, new Float64Array(200), 1, names)).toThrow(/one class only/);
  });
  it('refuses wrong feature counts at prediction', () => {
    const m = registryFitter({ kind: 'knn' }, Xtr, ytr, 1, names);
    expect(() => m.predictProba({ data: new Float64Array(4), nrow: 2, ncol: 2 })).toThrow(/2 features given, fitted on 6/);
  });
  it('every model kind of the spec is available, and an unknown kind is refused listing the kinds', () => {
    expect([...AVAILABLE_MODELS].sort()).toEqual([...classifierKinds].sort());
    const spec = {
      version: 1,
      name: 'x',
      columns: { patient: 'patient' },
      outcome: { column: 'y', positive: '1' },
      features: { include: ['f*'] },
      split: { method: 'random', testFraction: 0.3 },
      models: [{ name: 'kNN', kind: 'knn', params: { n_neighbors: 9 } }],
    };
    expect(parseAnalysisSpec(spec).models[0]!.kind).toBe('knn');
    expect(() => parseAnalysisSpec({ ...spec, models: [{ name: 'xgb', kind: 'xgboost' }] })).toThrow(/xgboost|Invalid option/);
  });
});
