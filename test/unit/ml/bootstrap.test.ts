/**
 * Bootstrap internal validation (main/compute/ml/bootstrap.ts) against rms::validate.
 *
 * Reference: test/fixtures/r/validate.json, written by test/fixtures/r/validate.R (rms 6.5.0):
 * validate(lrm, method = "boot") on two data sets with R's bootstrap indices replayed.
 * Tolerance: 1e-6 absolute on Dxy, intercept, slope and Brier (training, test, optimism,
 * corrected), the agreement of glm's and lrm's convergence criteria. The .632 / .632+ AUC are
 * checked against Efron & Tibshirani's formulas written out from the out-of-bag AUC.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapValidate, performanceIndexes } from '../../../main/compute/ml/bootstrap.js';
import type { FitPredict } from '../../../main/compute/ml/bootstrap.js';
import { logisticRegression, predictLogistic } from '../../../main/compute/stats/logistic.js';
import { loadFixture } from '../stats/fixtures.js';

interface Case {
  label: string;
  B: number;
  x: number[][];
  y: number[];
  samples: number[][];
  indexes: string[];
  orig: number[];
  training: number[];
  test: number[];
  optimism: number[];
  corrected: number[];
  n: number[];
}
const fx = loadFixture<{ cases: Case[] }>('validate.json');
const KEYS = { Dxy: 'dxy', Intercept: 'intercept', Slope: 'slope', B: 'brier' } as const;

function logisticFitPredict(x: number[][], y: number[]): FitPredict {
  return (train) => {
    const fit = logisticRegression(
      x.map((c) => Float64Array.from(train, (i) => c[i]!)),
      Float64Array.from(train, (i) => y[i]!),
    );
    return (rows) =>
      predictLogistic(
        fit,
        x.map((c) => Float64Array.from(rows, (i) => c[i]!)),
      );
  };
}

describe('bootstrap validation (rms::validate)', () => {
  it.each(fx.cases.map((c) => [c.label, c] as const))('%s: optimism and corrected indexes equal rms', (_l, c) => {
    const v = bootstrapValidate(
      logisticFitPredict(c.x, c.y),
      c.y,
      c.samples.map((s) => Int32Array.from(s)),
    );
    expect(v.failed).toBe(0);
    c.indexes.forEach((name, k) => {
      const key = KEYS[name as keyof typeof KEYS];
      expect(Math.abs(v.apparent[key] - c.orig[k]!), `${name} apparent`).toBeLessThan(1e-6);
      expect(Math.abs(v.training[key] - c.training[k]!), `${name} training`).toBeLessThan(1e-6);
      expect(Math.abs(v.test[key] - c.test[k]!), `${name} test`).toBeLessThan(1e-6);
      expect(Math.abs(v.optimism[key] - c.optimism[k]!), `${name} optimism`).toBeLessThan(1e-6);
      expect(Math.abs(v.corrected[key] - c.corrected[k]!), `${name} corrected`).toBeLessThan(1e-6);
    });
    expect(v.corrected.auc).toBeCloseTo(c.corrected[0]! / 2 + 0.5, 6);
    // .632 and .632+ from the out-of-bag AUC (Efron & Tibshirani 1997, γ = ½).
    const err = 1 - v.apparent.auc;
    const err1 = Math.min(1 - v.oobAuc, 0.5);
    const R = err1 > err ? (err1 - err) / (0.5 - err) : 0;
    const w = 0.632 / (1 - 0.368 * R);
    expect(v.auc632).toBeCloseTo(1 - (0.368 * err + 0.632 * (1 - v.oobAuc)), 12);
    expect(v.auc632plus).toBeCloseTo(1 - ((1 - w) * err + w * err1), 12);
    expect(v.auc632plus).toBeLessThanOrEqual(v.auc632 + 1e-12);
    expect(v.oobAuc).toBeLessThan(v.apparent.auc);
  });

  it('the overfitted model is corrected more than the small one', () => {
    const [small, big] = fx.cases.map((c) =>
      bootstrapValidate(
        logisticFitPredict(c.x, c.y),
        c.y,
        c.samples.map((s) => Int32Array.from(s)),
      ),
    );
    expect(big!.optimism.auc).toBeGreaterThan(3 * small!.optimism.auc);
    expect(big!.relativeOverfitting).toBeGreaterThan(small!.relativeOverfitting);
  });

  it('skips replicates that cannot be fitted and refuses when none can', () => {
    const y = [0, 0, 0, 1, 1, 1];
    const x = [[0.1, 0.5, 0.2, 0.9, 0.4, 0.8]];
    const oneClass = Int32Array.from([0, 1, 2, 0, 1, 2]);
    const ok = Int32Array.from([0, 1, 3, 4, 2, 5]);
    const v = bootstrapValidate(logisticFitPredict(x, y), y, [oneClass, ok]);
    expect(v.failed).toBe(1);
    expect(() => bootstrapValidate(logisticFitPredict(x, y), y, [oneClass])).toThrow(/none of the 1 replicates/);
    expect(performanceIndexes([0, 1], [0.2, 0.7], true)).toMatchObject({ auc: 1, dxy: 1, intercept: 0, slope: 1 });
  });
});
