/**
 * ComBat harmonisation against R's sva::ComBat.
 *
 * Reference: test/fixtures/r/combat.json, written by test/fixtures/r/combat.R (sva 3.46.0 on
 * Debian bookworm; 60 samples × 10 features in 3 batches). Tolerance: 1e-10 of each feature's
 * SD (measured: ≤ 1e-13). The parametric cases can be this close because the empirical Bayes
 * iteration stops by sva's rule (relative change < 1e-4) after the same iterates.
 */
import { describe, expect, it } from 'vitest';
import { applyCombat, fitCombat } from '../../../main/compute/ml/combat.js';
import type { DataMatrix } from '../../../main/compute/ml/types.js';
import { fromColumns } from '../../../main/compute/ml/types.js';
import { loadFixture } from '../stats/fixtures.js';

interface Fixture {
  batch: number[];
  age: number[];
  group: number[];
  data: number[][];
  parametric: number[][];
  parametric_covariates: number[][];
  nonparametric_covariates: number[][];
  mean_only: number[][];
}
const fx = loadFixture<Fixture>('combat.json');
const rowsToMatrix = (rows: number[][]): DataMatrix => ({
  data: Float64Array.from(rows.flat()),
  nrow: rows.length,
  ncol: rows[0]!.length,
});
const X = rowsToMatrix(fx.data);
const batch = fx.batch.map((b) => `center ${b}`);
const covariates = fromColumns([fx.age, fx.group]);

function maxScaledError(got: DataMatrix, want: number[][]): number {
  const G = got.ncol;
  let worst = 0;
  for (let g = 0; g < G; g++) {
    const col = want.map((r) => r[g]!);
    const m = col.reduce((s, v) => s + v, 0) / col.length;
    const sd = Math.sqrt(col.reduce((s, v) => s + (v - m) ** 2, 0) / (col.length - 1));
    for (let i = 0; i < got.nrow; i++) worst = Math.max(worst, Math.abs(got.data[i * G + g]! - want[i]![g]!) / sd);
  }
  return worst;
}

describe('ComBat (sva::ComBat)', () => {
  it.each([
    ['parametric, no covariates', {}, 'parametric', 1e-10],
    ['parametric, covariates kept', { covariates }, 'parametric_covariates', 1e-10],
    ['non-parametric, covariates kept', { covariates, parametric: false }, 'nonparametric_covariates', 1e-10],
    ['mean only, covariates kept', { covariates, meanOnly: true }, 'mean_only', 1e-10],
  ] as const)('%s equals sva', (_label, opts, key, tol) => {
    const model = fitCombat(X, batch, opts);
    const got = applyCombat(model, X, batch, 'covariates' in opts ? covariates : undefined);
    const err = maxScaledError(got, fx[key]);
    expect(err).toBeLessThanOrEqual(tol);
    // The harmonisation must actually change the data (the batch effects are large).
    expect(maxScaledError(X, fx[key])).toBeGreaterThan(0.1);
  });

  it('the fitted model is plain JSON and applies to new rows of a seen batch as to training rows', () => {
    const train = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 4 !== 0);
    const take = (M: DataMatrix, rows: number[]): DataMatrix => ({
      data: Float64Array.from(rows.flatMap((i) => Array.from(M.data.subarray(i * M.ncol, (i + 1) * M.ncol)))),
      nrow: rows.length,
      ncol: M.ncol,
    });
    const model = JSON.parse(
      JSON.stringify(
        fitCombat(
          take(X, train),
          train.map((i) => batch[i]!),
          { covariates: take(covariates, train) },
        ),
      ),
    );
    const test = [0, 4, 20, 48];
    const one = applyCombat(
      model,
      take(X, test),
      test.map((i) => batch[i]!),
      take(covariates, test),
    );
    const each = test.map((i) => applyCombat(model, take(X, [i]), [batch[i]!], take(covariates, [i])).data);
    expect(Array.from(one.data)).toEqual(each.flatMap((r) => Array.from(r)));
  });

  it('refuses an unseen centre, one batch, a one-row batch, missing values and a confounded covariate', () => {
    const model = fitCombat(X, batch);
    expect(() =>
      applyCombat(
        model,
        X,
        batch.map((b, i) => (i === 3 ? 'center 9' : b)),
      ),
    ).toThrow(/row 4 comes from 'center 9', which it has not seen/);
    expect(() =>
      fitCombat(
        X,
        batch.map(() => 'A'),
      ),
    ).toThrow(/at least two batches/);
    expect(() =>
      fitCombat(
        X,
        batch.map((b, i) => (i === 0 ? 'lonely' : b)),
      ),
    ).toThrow(/batch 'lonely' has 1 training row/);
    const holes = { ...X, data: Float64Array.from(X.data) };
    holes.data[5 * X.ncol + 2] = NaN;
    expect(() => fitCombat(holes, batch)).toThrow(/feature 3 of row 6 is missing/);
    const confounded = fromColumns([fx.batch.map((b) => (b === 1 ? 1 : 0))]);
    expect(() => fitCombat(X, batch, { covariates: confounded })).toThrow(/collinear with the batches/);
  });
});
