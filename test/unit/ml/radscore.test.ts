/**
 * Rad-score formula and nomogram of a fitted pipeline (radscore.ts). References: the formula
 * must reproduce the fitted pipeline's own linear predictor, logit(P), on every row including
 * rows with missing values (tolerance 1e-9: composition of affine maps in double precision);
 * the nomogram construction itself is checked against rms::nomogram in
 * test/unit/stats/nomogram.test.ts, and here a row's total points must map back to its rad-score.
 */
import { describe, expect, it } from 'vitest';
import { fitPipeline, predictPipeline } from '../../../main/compute/ml/pipeline.js';
import { applyRadScore, radScoreFormula, radScoreNomogram } from '../../../main/compute/ml/radscore.js';
import { Rng } from '../../../main/compute/stats/random.js';

const rng = new Rng(9);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
const n = 160;
const p = 6;
const names = Array.from({ length: p }, (_, j) => `DCE2_f${j}`);
const data = new Float64Array(n * p);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) {
  for (let j = 0; j < p; j++) data[i * p + j] = 50 * (j + 1) + (5 + j) * normal();
  y[i] = rng.nextDouble() < 1 / (1 + Math.exp(-((data[i * p]! - 50) / 5 - (data[i * p + 2]! - 150) / 7))) ? 1 : 0;
  if (i % 17 === 0) data[i * p + (i % p)] = NaN;
}
const X = { data, nrow: n, ncol: p };

describe('rad-score formula', () => {
  const fp = fitPipeline(
    [{ step: 'impute' }, { step: 'scale', method: 'robust' }, { step: 'univariate', alpha: 0.2 }],
    { kind: 'logistic' },
    X,
    y,
    names,
    { groups: Array.from({ length: n }, (_, i) => `P${i}`), forced: new Set(), seed: 1 },
  );
  const f = radScoreFormula(fp.saved)!;

  it('reproduces the pipeline linear predictor on the raw features, missing values included', () => {
    expect(f.rawScale).toBe(true);
    expect(f.terms.map((t) => t.feature)).toEqual(fp.saved.features);
    const prob = predictPipeline(fp, X, names);
    const score = applyRadScore(f, X, names);
    for (let i = 0; i < n; i++) expect(Math.abs(score[i]! - Math.log(prob[i]! / (1 - prob[i]!)))).toBeLessThan(1e-9);
    expect(f.text).toMatch(/^Rad-score = −?\d+\.\d{6}( [+−] \d+\.\d{6} × DCE2_f\d)+$/);
    // Standardised coefficients are the model's own.
    const state = fp.saved.model.state as { coefficients: number[] };
    expect(f.terms.map((t) => t.standardized.coefficient)).toEqual(state.coefficients);
  });

  it('the nomogram maps a row’s total points back to its rad-score', () => {
    const nom = radScoreNomogram(f, X, names);
    expect(Math.max(...nom.predictors.map((a) => Math.max(...a.points)))).toBeCloseTo(100, 9);
    const row = 5;
    const total = f.terms.reduce((s, t, k) => {
      const x = X.data[row * p + names.indexOf(t.feature)]!;
      const axis = nom.predictors[k]!;
      const [a0, a1] = [axis.at[0] as number, axis.at[1] as number];
      const slope = (axis.points[1]! - axis.points[0]!) / (a1 - a0); // points are linear in x
      return s + axis.points[0]! + slope * (x - a0);
    }, 0);
    const score = applyRadScore(f, X, names)[row]!;
    expect(nom.lpAtZero + total / nom.scale).toBeCloseTo(score, 9);
  });

  it('is null for a model without a linear predictor', () => {
    expect(radScoreFormula({ ...fp.saved, model: { kind: 'knn', params: {}, state: {} } })).toBeNull();
  });
});
