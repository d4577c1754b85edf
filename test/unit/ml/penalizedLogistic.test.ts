/**
 * Penalized logistic models (logistic_l1 / logistic_l2 / logistic_elasticnet).
 *
 * Reference: R glmnet 4.1.6 (test/fixtures/r/penalized_logistic.R → penalized_logistic.json):
 * binomial fits at a given λ for α = 1, 0 and 0.5 along glmnet's default path continued to λ,
 * run to thresh = 1e-15. Coefficients (original scale) within 1e-6 absolute and held-out
 * probabilities within 1e-7 (the solution is unique; the residual is convergence).
 * lambda 'min' / '1se': the model must equal cv.glmnet (cvGlmnetBinomial, itself checked against
 * R in test/unit/stats/glmnet.test.ts) on the seeded stratified folds it draws (tolerance 0), and
 * be refused with a clear message for bad parameters.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryFitter, registryRestorer } from '../../../main/compute/ml/models/index.js';
import { makeFolds } from '../../../main/compute/ml/split.js';
import { fromColumns } from '../../../main/compute/ml/types.js';
import { cvGlmnetBinomial } from '../../../main/compute/stats/glmnet.js';

interface Fixture {
  x_train: number[][];
  y_train: number[];
  x_test: number[][];
  cases: { alpha: number; lambda: number; coef: number[]; prob_test: number[] }[];
}
const fx = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/r/penalized_logistic.json'), 'utf8')) as Fixture;
const X = fromColumns(fx.x_train);
const Xt = fromColumns(fx.x_test);
const y = Float64Array.from(fx.y_train);
const kindOf = (alpha: number) => (alpha === 1 ? 'logistic_l1' : alpha === 0 ? 'logistic_l2' : 'logistic_elasticnet');

describe('penalized logistic regression vs R glmnet', () => {
  it.each(fx.cases.map((c) => [kindOf(c.alpha), c.alpha, c.lambda, c] as const))(
    '%s (α = %s) at λ = %s',
    (kind, alpha, lambda, c) => {
      const params: Record<string, number> = kind === 'logistic_elasticnet' ? { alpha, lambda } : { lambda };
      const model = registryFitter({ kind, params }, X, y, 1, []);
      const state = model.toJSON().state as { intercept: number; coefficients: number[] };
      expect(Math.abs(state.intercept - c.coef[0]!)).toBeLessThan(1e-6);
      state.coefficients.forEach((b, j) => expect(Math.abs(b - c.coef[j + 1]!), `β${j + 1}`).toBeLessThan(1e-6));
      const p = model.predictProba(Xt);
      p.forEach((v, i) => expect(Math.abs(v - c.prob_test[i]!)).toBeLessThan(1e-7));
      // Saved and restored, it predicts the same.
      expect(Array.from(registryRestorer(model.toJSON()).predictProba(Xt))).toEqual(Array.from(p));
    },
  );

  it('LASSO at a large λ keeps no feature and predicts the training prevalence', () => {
    const model = registryFitter({ kind: 'logistic_l1', params: { lambda: 10 } }, X, y, 1, []);
    const state = model.toJSON().state as { coefficients: number[] };
    expect(state.coefficients.every((b) => b === 0)).toBe(true);
    const prevalence = y.reduce((a, b) => a + b) / y.length;
    expect(Math.abs(model.predictProba(Xt)[0]! - prevalence)).toBeLessThan(1e-9);
  });
});

describe('λ chosen by cross-validation', () => {
  it.each(['min', '1se'] as const)('lambda.%s equals cv.glmnet on the seeded stratified folds', (which) => {
    const seed = 77;
    const model = registryFitter(
      { kind: 'logistic_elasticnet', params: { alpha: 0.7, lambda: which, folds: 5 } },
      X,
      y,
      seed,
      [],
    );
    const folds = makeFolds(
      { groups: Array.from({ length: X.nrow }, (_, i) => String(i)), y },
      { k: 5, seed, stratify: true },
    )[0]!;
    const colMajor = new Float64Array(X.nrow * X.ncol);
    for (let i = 0; i < X.nrow; i++) for (let j = 0; j < X.ncol; j++) colMajor[j * X.nrow + i] = X.data[i * X.ncol + j]!;
    const cv = cvGlmnetBinomial({ data: colMajor, nrow: X.nrow }, y, folds, { alpha: 0.7 });
    const at = which === 'min' ? cv.indexMin : cv.index1se;
    const state = model.toJSON().state as { lambda: number; intercept: number; coefficients: number[]; chosenBy: string };
    expect(state.lambda).toBe(cv.path.lambda[at]);
    expect(state.intercept).toBe(cv.path.intercept[at]);
    expect(state.coefficients).toEqual(Array.from(cv.path.beta[at]!));
    expect(state.chosenBy).toBe(`lambda.${which} (5-fold CV deviance)`);
  });

  it('refuses unknown parameters and bad λ values', () => {
    expect(() => registryFitter({ kind: 'logistic_l1', params: { C: 1 } }, X, y, 1, [])).toThrow(
      "model 'logistic_l1': unknown parameter 'C' (known: lambda, folds)",
    );
    expect(() => registryFitter({ kind: 'logistic_l2', params: { lambda: -1 } }, X, y, 1, [])).toThrow(
      /lambda must be 'min', '1se' or a positive number/,
    );
    expect(() => registryFitter({ kind: 'logistic_elasticnet', params: { alpha: 2 } }, X, y, 1, [])).toThrow(
      /alpha must be a number from 0 to 1/,
    );
  });
});
