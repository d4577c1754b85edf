/**
 * Pipeline steps and the leak-free pipeline (main/compute/ml/steps.ts, pipeline.ts).
 * References: closed forms for imputation and scaling (sklearn's definitions: population SD,
 * type-7 quantiles), the R-validated statistics core for the selection statistics (wilcox.test,
 * p.adjust BH, cv.glmnet — see test/unit/stats), exact equality where the step only reuses them.
 * The leakage test is the issue's: 1,000 noise features, permuted labels — cross-validated AUC
 * with selection inside the folds stays near 0.5 (|AUC − 0.5| < 0.12 at n = 120), while
 * selecting on all rows first (the common error) gives an AUC far above it (> 0.75).
 */
import { describe, expect, it } from 'vitest';
import { applyStep, fitStep } from '../../../main/compute/ml/steps.js';
import type { StepContext } from '../../../main/compute/ml/steps.js';
import { fitPipeline, predictPipeline, restorePipeline } from '../../../main/compute/ml/pipeline.js';
import { makeFolds } from '../../../main/compute/ml/split.js';
import { fromColumns, takeRows } from '../../../main/compute/ml/types.js';
import { mannWhitneyTest } from '../../../main/compute/stats/wilcoxon.js';
import { pAdjust } from '../../../main/compute/stats/padjust.js';
import { cvGlmnetBinomial } from '../../../main/compute/stats/glmnet.js';
import { roc } from '../../../main/compute/stats/roc/curve.js';
import { Rng } from '../../../main/compute/stats/random.js';

const rng = new Rng(77);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());

function toy(n: number, p: number, signal: number[]): { cols: Float64Array[]; y: Float64Array; groups: string[] } {
  const cols = Array.from({ length: p }, () => Float64Array.from({ length: n }, normal));
  const y = Float64Array.from({ length: n }, (_, i) => {
    const lp = signal.reduce((s, b, j) => s + b * (cols[j]![i] as number), -0.2);
    return rng.nextDouble() < 1 / (1 + Math.exp(-lp)) ? 1 : 0;
  });
  return { cols, y, groups: Array.from({ length: n }, (_, i) => `P${i}`) };
}

const ctxOf = (groups: string[], forced: string[] = []): StepContext => ({ groups, forced: new Set(forced), seed: 3 });

describe('pipeline steps', () => {
  it('impute (median, mean) and scale (z-score with population SD, min–max, robust IQR) by their definitions', () => {
    const a = Float64Array.of(1, NaN, 3, 10, 4);
    const b = Float64Array.of(2, 2, 2, 2, 2);
    const X = fromColumns([a, b]);
    const y = Float64Array.of(0, 1, 0, 1, 1);
    const imp = fitStep({ step: 'impute', strategy: 'median' }, X, y, ['a', 'b'], ctxOf([]));
    expect(imp.state.values).toEqual([3.5, 2]); // median of 1, 3, 10, 4
    const Xi = applyStep(imp, X);
    expect(Xi.data[1 * 2 + 0]).toBe(3.5);
    expect(fitStep({ step: 'impute', strategy: 'mean' }, X, y, ['a', 'b'], ctxOf([])).state.values).toEqual([4.5, 2]);
    const z = fitStep({ step: 'scale', method: 'zscore' }, Xi, y, ['a', 'b'], ctxOf([]));
    const vals = [1, 3.5, 3, 10, 4];
    const mean = vals.reduce((s, v) => s + v, 0) / 5;
    const sd = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / 5);
    expect(z.state.center![0]).toBeCloseTo(mean, 14);
    expect(z.state.scale![0]).toBeCloseTo(sd, 14);
    expect(z.state.scale![1]).toBe(1); // constant: centred only (sklearn)
    expect(z.notes.join(' ')).toMatch(/'b' is constant/);
    const mm = fitStep({ step: 'scale', method: 'minmax' }, Xi, y, ['a', 'b'], ctxOf([]));
    expect(Array.from(applyStep(mm, Xi).data.filter((_, i) => i % 2 === 0))).toEqual(vals.map((v) => (v - 1) / 9));
    const rb = fitStep({ step: 'scale', method: 'robust' }, Xi, y, ['a', 'b'], ctxOf([]));
    // type-7 quartiles of 1, 3, 3.5, 4, 10: 3 and 4; median 3.5.
    expect(rb.state.center![0]).toBe(3.5);
    expect(rb.state.scale![0]).toBe(1);
  });

  it('variance, univariate (Mann–Whitney with BH), forced features kept', () => {
    const d = toy(80, 6, [1.5, 0, 0, 0, 0, 0]);
    d.cols[5] = new Float64Array(80).fill(7);
    const X = fromColumns(d.cols);
    const names = ['s', 'n1', 'n2', 'n3', 'n4', 'const'];
    const v = fitStep({ step: 'variance', threshold: 0 }, X, d.y, names, ctxOf(d.groups));
    expect(v.output).toEqual(['s', 'n1', 'n2', 'n3', 'n4']);
    const u = fitStep(
      { step: 'univariate', test: 'mannwhitney', alpha: 0.05, fdr: true },
      X,
      d.y,
      names,
      ctxOf(d.groups, ['n2']),
    );
    const raw = d.cols.slice(0, 5).map((c) => {
      const pos = c.filter((_, i) => d.y[i] === 1);
      const neg = c.filter((_, i) => d.y[i] === 0);
      return mannWhitneyTest(pos, neg).pValue;
    });
    const bh = pAdjust(Float64Array.from([...raw, 1]), 'BH');
    names.forEach((nm, j) => expect(u.scores![nm]).toBe(bh[j]));
    expect(u.output).toContain('s');
    expect(u.output).toContain('n2'); // forced
    expect(u.notes.join(' ')).toMatch(/'n2' kept because it is forced/);
  });

  it('correlation pruning keeps the more discriminative of a correlated pair; f_classif and mRMR pick k', () => {
    const d = toy(120, 4, [1.2, 0, 0.6, 0]);
    // n1 is a noisy copy of s: |r| > 0.9, and less discriminative.
    d.cols[1] = Float64Array.from(d.cols[0]!, (v) => v + 0.2 * normal());
    const X = fromColumns(d.cols);
    const names = ['s', 'copy', 'w', 'n'];
    const c = fitStep({ step: 'correlation', threshold: 0.9 }, X, d.y, names, ctxOf(d.groups));
    expect(c.output.length).toBe(3);
    expect(c.output).toContain('w');
    expect(c.output.filter((nm) => nm === 's' || nm === 'copy')).toHaveLength(1);
    const f = fitStep({ step: 'f_classif', k: 2 }, X, d.y, names, ctxOf(d.groups));
    expect(f.output).toHaveLength(2);
    const m = fitStep({ step: 'mrmr', k: 2 }, X, d.y, names, ctxOf(d.groups));
    // mRMR does not take both near-copies.
    expect(m.output.filter((nm) => nm === 's' || nm === 'copy').length).toBeLessThanOrEqual(1);
  });

  it('LASSO step = cv.glmnet (R-validated) on the same patient folds, non-zero at lambda.1se', () => {
    const d = toy(150, 8, [1, -0.8, 0.5, 0, 0, 0, 0, 0]);
    const X = fromColumns(d.cols);
    const names = d.cols.map((_, j) => `f${j}`);
    const s = fitStep({ step: 'lasso', lambda: '1se', folds: 10 }, X, d.y, names, ctxOf(d.groups));
    const folds = makeFolds({ groups: d.groups, y: d.y }, { k: 10, seed: 3 })[0]!;
    const cv = cvGlmnetBinomial(d.cols, d.y, folds);
    const beta = cv.path.beta[cv.index1se]!;
    expect(s.output).toEqual(names.filter((_, j) => beta[j] !== 0));
    expect(s.output).toContain('f0');
    const miss = d.cols.map((c) => c.slice());
    miss[2]![5] = NaN;
    expect(() => fitStep({ step: 'lasso' }, fromColumns(miss), d.y, names, ctxOf(d.groups))).toThrow(
      /feature 'f2' has 1 missing value\(s\).*add an 'impute' step/,
    );
  });
});

describe('fitted pipeline', () => {
  it('fits on training rows only: changing a test row changes nothing fitted; save and restore predict identically', () => {
    const d = toy(100, 5, [1, 0.5, 0, 0, 0]);
    const X = fromColumns(d.cols);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const trainRows = Array.from({ length: 70 }, (_, i) => i);
    const steps = [{ step: 'impute' as const }, { step: 'scale' as const }, { step: 'univariate' as const, alpha: 0.2 }];
    const fit1 = fitPipeline(
      steps,
      { kind: 'logistic' },
      takeRows(X, trainRows),
      d.y.slice(0, 70),
      names,
      ctxOf(d.groups.slice(0, 70)),
    );
    const X2 = { ...X, data: X.data.slice() };
    X2.data[85 * 5] = 1e6; // a test row
    const fit2 = fitPipeline(
      steps,
      { kind: 'logistic' },
      takeRows(X2, trainRows),
      d.y.slice(0, 70),
      names,
      ctxOf(d.groups.slice(0, 70)),
    );
    expect(fit2.saved).toEqual(fit1.saved);
    const again = restorePipeline(JSON.parse(JSON.stringify(fit1.saved)));
    expect(predictPipeline(again, X)).toEqual(predictPipeline(fit1, X));
    // Columns are matched by name: a reordered table with an extra column predicts the same.
    const reordered = fromColumns([d.cols[4]!, new Float64Array(100), ...d.cols.slice(0, 4)]);
    expect(predictPipeline(again, reordered, ['e', 'extra', 'a', 'b', 'c', 'd'])).toEqual(predictPipeline(fit1, X));
    expect(() => predictPipeline(again, fromColumns(d.cols.slice(0, 3)), ['a', 'b', 'c'])).toThrow(
      /needs 2 feature\(s\) the data do not have: d, e/,
    );
  });

  it('refuses a training set with one class, and a selection that leaves nothing', () => {
    const d = toy(40, 3, [0, 0, 0]);
    const X = fromColumns(d.cols);
    expect(() => fitPipeline([], { kind: 'logistic' }, X, new Float64Array(40), ['a', 'b', 'c'], ctxOf(d.groups))).toThrow(
      /only one class/,
    );
    expect(() =>
      fitPipeline([{ step: 'univariate', alpha: 1e-9 }], { kind: 'logistic' }, X, d.y, ['a', 'b', 'c'], ctxOf(d.groups)),
    ).toThrow(/left no feature/);
  });

  it('leakage: 1,000 noise features with permuted labels — CV AUC near 0.5 with selection inside the folds, far above when selecting first', () => {
    const n = 120;
    const p = 1000;
    const cols = Array.from({ length: p }, () => Float64Array.from({ length: n }, normal));
    const y = Float64Array.from({ length: n }, (_, i) => (i < 40 ? 1 : 0));
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [y[i], y[j]] = [y[j] as number, y[i] as number];
    }
    const X = fromColumns(cols);
    const names = cols.map((_, j) => `noise${j}`);
    const groups = names.slice(0, n).map((_, i) => `P${i}`);
    const steps = [{ step: 'f_classif' as const, k: 10 }];
    const folds = makeFolds({ groups, y }, { k: 5, seed: 1 })[0]!;
    const cvAuc = (select: 'inside' | 'before'): number => {
      const pred = new Float64Array(n);
      let preNames = names;
      let preX = X;
      if (select === 'before') {
        const s = fitStep(steps[0]!, X, y, names, ctxOf(groups));
        preX = applyStep(s, X);
        preNames = s.output;
      }
      for (let f = 1; f <= 5; f++) {
        const tr = [...folds.keys()].filter((i) => folds[i] !== f);
        const te = [...folds.keys()].filter((i) => folds[i] === f);
        const fp = fitPipeline(
          select === 'inside' ? steps : [],
          { kind: 'logistic' },
          takeRows(preX, tr),
          Float64Array.from(tr, (i) => y[i] as number),
          preNames,
          ctxOf(tr.map((i) => groups[i] as string)),
        );
        const pr = predictPipeline(fp, takeRows(preX, te));
        te.forEach((i, k) => (pred[i] = pr[k] as number));
      }
      return roc(y, pred, { direction: '<' }).auc;
    };
    const honest = cvAuc('inside');
    const leaky = cvAuc('before');
    expect(Math.abs(honest - 0.5)).toBeLessThan(0.12);
    expect(leaky).toBeGreaterThan(0.75);
  });
});
