/**
 * The model registry's linear and RBF support vector classifiers against scikit-learn.
 *
 * Reference: test/fixtures/sklearn/svm.json, written by make_fixtures.py beside it
 * (scikit-learn 1.2.1 SVC, tol 1e-10) on standardized copies of the classifiers.json data (200
 * training and 100 test rows, 6 features): decision_function on test and training rows.
 * Tolerance: 1e-6 absolute on decision values (both solvers stop at a maximal KKT violation of
 * 1e-10, so their solutions differ by far less). Probabilities (Platt scaling over our own
 * seeded cross-validation) have no sklearn reference: they are checked for being monotone in
 * the decision value.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registryFitter, registryRestorer } from '../../../main/compute/ml/models/index.js';
import type { ClassifierSpec, DataMatrix, FittedClassifier } from '../../../main/compute/ml/types.js';

interface SvmRef {
  params: Record<string, number | string>;
  kernel: 'linear' | 'rbf';
  gamma_value: number | null;
  decision: number[];
  decision_train: number[];
  n_support: number;
}
const here = path.dirname(fileURLToPath(import.meta.url));
const load = <T>(f: string): T => JSON.parse(readFileSync(path.join(here, '../../fixtures/sklearn', f), 'utf8')) as T;
const data = load<{ y_train: number[] }>('classifiers.json');
const fx = load<{ sklearn_version: string; Z_train: number[][]; Z_test: number[][]; models: Record<string, SvmRef> }>('svm.json');
const matrix = (rows: number[][]): DataMatrix => ({
  data: Float64Array.from(rows.flat()),
  nrow: rows.length,
  ncol: rows[0]!.length,
});
const Ztr = matrix(fx.Z_train);
const Zte = matrix(fx.Z_test);
const ytr = Float64Array.from(data.y_train);
const names = fx.Z_train[0]!.map((_, j) => `f${j}`);
type Svm = FittedClassifier & { decisionFunction(X: DataMatrix): Float64Array };
const fit = (spec: ClassifierSpec, seed = 1) => registryFitter(spec, Ztr, ytr, seed, names) as Svm;

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

const specOf = (ref: SvmRef): ClassifierSpec => ({
  kind: ref.kernel === 'linear' ? 'svm_linear' : 'svm_rbf',
  params: { ...ref.params, tol: 1e-10 },
});
const cases = Object.keys(fx.models);

describe('SVMs match sklearn SVC', () => {
  it('the fixture has linear and RBF cases', () => {
    expect(fx.sklearn_version).toBe('1.2.1');
    expect(cases.length).toBe(4);
  });
  it.each(cases)('%s: decision values within 1e-6, same number of support vectors', (name) => {
    const ref = fx.models[name]!;
    const model = fit(specOf(ref));
    expect(maxAbsDiff(model.decisionFunction(Zte), ref.decision)).toBeLessThan(1e-6);
    expect(maxAbsDiff(model.decisionFunction(Ztr), ref.decision_train)).toBeLessThan(1e-6);
    expect((model.toJSON().state as { coef: number[] }).coef.length).toBe(ref.n_support);
    if (ref.gamma_value !== null) expect((model.toJSON().state as { gamma: number }).gamma).toBeCloseTo(ref.gamma_value, 14);
  });
  // Platt probabilities: increasing in the decision value (A < 0), within (0, 1).
  it.each(cases)('%s: probabilities are increasing in the decision value', (name) => {
    const model = fit(specOf(fx.models[name]!));
    const d = model.decisionFunction(Zte);
    const p = model.predictProba(Zte);
    const order = Array.from(d.keys()).sort((a, b) => (d[a] as number) - (d[b] as number));
    for (let k = 1; k < order.length; k++) {
      expect(p[order[k]!] as number).toBeGreaterThan(p[order[k - 1]!] as number);
    }
    for (const v of p) expect(v > 0 && v < 1).toBe(true);
  });
});

describe('SVM models save, restore and check parameters', () => {
  it('is deterministic for a seed and a restored model predicts identically', () => {
    const spec: ClassifierSpec = { kind: 'svm_rbf', params: { C: 2 } };
    const model = fit(spec, 3);
    expect(Array.from(fit(spec, 3).predictProba(Zte))).toEqual(Array.from(model.predictProba(Zte)));
    const back = registryRestorer(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(back.predictProba(Zte))).toEqual(Array.from(model.predictProba(Zte)));
  });
  it('refuses bad and unknown parameters by name', () => {
    const bad = (spec: ClassifierSpec) => () => fit(spec);
    expect(bad({ kind: 'svm_linear', params: { C: 0 } })).toThrow(/'svm_linear': C must be a number from/);
    expect(bad({ kind: 'svm_linear', params: { gamma: 1 } })).toThrow(/unknown parameter 'gamma' \(known: C, tol\)/);
    expect(bad({ kind: 'svm_rbf', params: { gamma: -1 } })).toThrow(/gamma must be 'scale', 'auto' or a positive number/);
    expect(bad({ kind: 'svm_rbf', params: { kernel: 'poly' } })).toThrow(/unknown parameter 'kernel'/);
    expect(() => registryFitter({ kind: 'svm_rbf' }, Ztr, new Float64Array(200), 1, names)).toThrow(
      /at least 5 rows of each class/,
    );
  });
});
