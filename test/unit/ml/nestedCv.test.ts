/**
 * Hyper-parameter search by nested cross-validation (main/compute/ml/tuning.ts inside
 * analysis.ts) and analyses on a stored split (storedSplit.ts).
 *
 * The leakage test extends the pipeline's (test/unit/ml/pipeline.test.ts) to the grid search:
 * 1,000 noise features and permuted labels, univariate selection (f_classif, k = 10) and a kNN
 * SVM-RBF grid (C × gamma) searched inside the folds. Under the null the out-of-fold AUC of
 * about n1 = 33 events and n0 = 67 non-events has SD sqrt((n1 + n0 + 1) / (12 n1 n0)) ≈ 0.058
 * (Hanley & McNeil 1982 at AUC 0.5), and one labelling alone can land 0.15 away; so the test
 * averages 4 independent permutations (SD ≈ 0.029) and asks |mean AUC − 0.5| < 0.1: 3.4 SD, which
 * also leaves room for the small downward bias of stratified CV under the null (Parker et al.,
 * BMC Bioinformatics 2007;8:326). The data are seeded, so the test is deterministic. The same
 * search on features selected from all training rows first — the leak — must give AUC > 0.75.
 *
 * The second test proves the inner search never sees an outer fold's test rows: a recording
 * fitter sees a row-id feature in every fit, and each inner fit's rows must be a subset of the
 * outer fit's rows that follows it (and so disjoint from that fold's test rows).
 */
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../../main/compute/ml/analysis.js';
import type { AnalysisDataset } from '../../../main/compute/ml/dataset.js';
import { registryFitter } from '../../../main/compute/ml/models/index.js';
import type { ClassifierFitter } from '../../../main/compute/ml/pipeline.js';
import { AnalysisSpecError, parseAnalysisSpec } from '../../../main/compute/ml/spec.js';
import { fitStep } from '../../../main/compute/ml/steps.js';
import { gridCombinations } from '../../../main/compute/ml/tuning.js';
import { fromColumns, takeColumns } from '../../../main/compute/ml/types.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { methodsParagraph } from '../../../main/report/methods.js';

const rng = new Rng(424242);
const PERMUTATIONS = 4;
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());

function dataset(cols: Float64Array[], names: string[], y: Float64Array, centers?: string[]): AnalysisDataset {
  const groups = Array.from(y, (_, i) => `P${i}`);
  return { ids: groups, groups, ...(centers ? { centers } : {}), y, features: names, X: fromColumns(cols), dropped: [] };
}

const baseSpec = {
  version: 1.1,
  name: 'nested',
  columns: { patient: 'patient', center: 'center' },
  outcome: { column: 'y', positive: 1 },
  split: { method: 'center', external: ['X'] },
  cv: { k: 5 },
  seed: 3,
};

describe('nested-CV grid search', () => {
  it('leakage: 1,000 noise features, permuted labels — nested-CV AUC near 0.5; selecting on all rows first is far above', () => {
    const n = 120;
    const p = 1000;
    const cols = Array.from({ length: p }, () => Float64Array.from({ length: n }, normal));
    const names = cols.map((_, j) => `noise${j}`);
    // 20 patients form an external set; the 100 others are the training set that is cross-validated.
    const centers = Array.from({ length: n }, (_, i) => (i < 20 ? 'X' : 'A'));
    const model = { name: 'SVM', kind: 'svm_rbf', grid: { C: [0.1, 1, 10], gamma: [0.01, 0.1] }, inner: { k: 3 } };
    const permuted = (): Float64Array => {
      const y = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
      for (let i = n - 1; i > 0; i--) {
        const j = rng.nextInt(i + 1);
        [y[i], y[j]] = [y[j] as number, y[i] as number];
      }
      return y;
    };
    const aucs: number[] = [];
    for (let rep = 0; rep < PERMUTATIONS; rep++) {
      const ds = dataset(cols, names, permuted(), centers);
      const r = runAnalysis(parseAnalysisSpec({ ...baseSpec, steps: [{ step: 'f_classif', k: 10 }], models: [model] }), ds);
      expect(r.models[0]!.metrics.cv!.n).toBe(100);
      expect(r.models[0]!.folds.every((f) => f.params !== undefined)).toBe(true);
      aucs.push(r.models[0]!.metrics.cv!.auc);
    }
    const mean = aucs.reduce((a, b) => a + b, 0) / aucs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.1);
    // The leak: the ten best features of all training rows (validation folds included) chosen first.
    const y = permuted();
    const ds = dataset(cols, names, y, centers);
    const train = Array.from({ length: n }, (_, i) => i).filter((i) => i >= 20);
    const s = fitStep(
      { step: 'f_classif', k: 10 },
      takeRowsOf(ds, train),
      Float64Array.from(train, (i) => y[i] as number),
      names,
      { groups: train.map((i) => `P${i}`), forced: new Set(), seed: 1 },
    );
    const picked = s.output.map((f) => names.indexOf(f));
    expect(picked).toHaveLength(10);
    const leaky = runAnalysis(parseAnalysisSpec({ ...baseSpec, steps: [], models: [model] }), {
      ...ds,
      features: s.output,
      X: takeColumns(ds.X, picked),
    });
    expect(leaky.models[0]!.metrics.cv!.auc).toBeGreaterThan(0.75);
  });

  it('the inner search never sees the outer fold’s test rows; the choice per outer fold is stored', () => {
    const n = 90;
    const signal = Float64Array.from({ length: n }, normal);
    const y = Float64Array.from(signal, (v) => (rng.nextDouble() < 1 / (1 + Math.exp(-2 * v)) ? 1 : 0));
    const rowid = Float64Array.from({ length: n }, (_, i) => i);
    const ds = dataset([signal, rowid], ['signal', 'rowid'], y);
    const fits: number[][] = [];
    const recording: ClassifierFitter = (sp, X, yy, seed, nm) => {
      const j = nm.indexOf('rowid');
      fits.push(Array.from({ length: X.nrow }, (_, i) => X.data[i * X.ncol + j] as number));
      return registryFitter(sp, X, yy, seed, nm);
    };
    const lambdas = [0.01, 1, 100];
    const spec = parseAnalysisSpec({
      ...baseSpec,
      columns: { patient: 'patient' },
      split: { method: 'random', testFraction: 0.2 },
      models: [{ name: 'LR-L2', kind: 'logistic_l2', params: {}, grid: { lambda: lambdas } }],
    });
    const r = runAnalysis(spec, ds, { fitter: recording });
    const trainIds = new Set(r.split.role.flatMap((x, i) => (x === 'train' ? [i] : [])));
    const G = 3;
    const kInner = 3;
    // 5 outer folds × (3 combinations × 3 inner folds + 1 outer fit), then the final search and fit.
    expect(fits.length).toBe(6 * (G * kInner + 1));
    for (let b = 0; b < 6; b++) {
      const block = fits.slice(b * (G * kInner + 1), (b + 1) * (G * kInner + 1));
      const outer = new Set(block[block.length - 1]);
      const outerTest = [...trainIds].filter((i) => !outer.has(i));
      if (b < 5) expect(outerTest.length).toBeGreaterThan(0);
      else expect(outerTest).toEqual([]);
      for (const inner of block.slice(0, -1)) {
        for (const i of inner) expect(outer.has(i)).toBe(true);
        for (const i of outerTest) expect(inner).not.toContain(i);
      }
      for (const i of outer) expect(trainIds.has(i)).toBe(true);
    }
    const m = r.models[0]!;
    expect(m.folds).toHaveLength(5);
    for (const f of m.folds) expect(lambdas).toContain(f.params!.lambda as number);
    expect(m.tuning!.scores).toHaveLength(3);
    expect(m.tuning!.chosen).toEqual(m.tuning!.scores.reduce((a, b) => ((b.score ?? -1) > (a.score ?? -1) ? b : a)).params);
    expect(m.pipeline.model.params).toMatchObject({ lambda: m.tuning!.chosen.lambda });
    expect(methodsParagraph(r, { name: 'RadStudy', version: 'test' })).toMatch(
      /nested cross-validation: for "LR-L2" \(lambda ∈ \{0\.01, 1, 100\}\), every combination was scored by the AUC of a 3-fold inner/,
    );
  });

  it('grids are the cartesian product; version 1 specs stay valid and refuse the 1.1 additions', () => {
    expect(gridCombinations({ C: [1, 10], gamma: [0.1, 0.2, 0.3] })).toHaveLength(6);
    expect(gridCombinations({ C: [1, 10], gamma: [0.1] })).toEqual([
      { C: 1, gamma: 0.1 },
      { C: 10, gamma: 0.1 },
    ]);
    const v1 = { ...baseSpec, version: 1, models: [{ name: 'LR', kind: 'logistic' }] };
    expect(parseAnalysisSpec(v1).version).toBe(1);
    const grid = { name: 'SVM', kind: 'svm_rbf', grid: { C: [1, 10], gamma: [0.01, 0.1] } };
    expect(() => parseAnalysisSpec({ ...v1, models: [grid] })).toThrow(/grid search needs spec version 1.1/);
    expect(() => parseAnalysisSpec({ ...v1, split: { method: 'stored', name: 'main' } })).toThrow(
      /stored split needs spec version 1.1/,
    );
    expect(() => parseAnalysisSpec({ ...baseSpec, models: [{ ...grid, params: { C: 1 } }] })).toThrow(
      /'C' is both a fixed parameter and a grid parameter/,
    );
    try {
      parseAnalysisSpec({
        ...baseSpec,
        models: [
          {
            ...grid,
            grid: { C: Array.from({ length: 15 }, (_, i) => i + 1), gamma: Array.from({ length: 15 }, (_, i) => i + 1) },
          },
        ],
      });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(AnalysisSpecError);
      expect((e as Error).message).toMatch(/225 combinations; at most 200/);
    }
  });
});

describe('analysis on a stored split', () => {
  const n = 80;
  const f = Float64Array.from({ length: n }, normal);
  const y = Float64Array.from(f, (v, i) => (i % 4 === 0 ? 1 : v > 0.8 ? 1 : 0));
  const ds = dataset([f], ['f'], y);
  const roles: Record<string, 'train' | 'test' | 'external'> = {};
  const folds: Record<string, number[]> = {};
  for (let i = 0; i < n; i++) {
    roles[`P${i}`] = i % 5 === 0 ? 'test' : 'train';
    if (i % 5 !== 0) folds[`P${i}`] = [1 + (i % 4)];
  }
  const spec = parseAnalysisSpec({
    ...baseSpec,
    columns: { patient: 'patient' },
    split: { method: 'stored', name: 'main' },
    models: [{ name: 'LR', kind: 'logistic' }],
  });

  it('uses the stored sets and folds as they are', () => {
    const r = runAnalysis(spec, ds, { storedSplit: { name: 'main', roles, folds } });
    expect(r.split.role.every((x, i) => x === roles[`P${i}`])).toBe(true);
    expect(r.split.counts.test.rows).toBe(16);
    // Four stored folds (not the spec's k = 5).
    expect(r.models[0]!.folds.map((x) => x.fold)).toEqual([1, 2, 3, 4]);
    expect(methodsParagraph(r, { name: 'RadStudy', version: 'test' })).toMatch(/by the split "main" stored in the study/);
  });

  it('refuses data with a patient the split does not know, and a spec run without its split', () => {
    const { P7: _drop, ...partial } = roles;
    expect(() => runAnalysis(spec, ds, { storedSplit: { name: 'main', roles: partial, folds } })).toThrow(
      /stored split "main" has no set for patient\(s\) P7/,
    );
    expect(() => runAnalysis(spec, ds)).toThrow(/run it from the study that stores that split/);
  });
});

function takeRowsOf(ds: AnalysisDataset, rows: number[]) {
  const X = ds.X;
  const data = new Float64Array(rows.length * X.ncol);
  rows.forEach((i, r) => data.set(X.data.subarray(i * X.ncol, (i + 1) * X.ncol), r * X.ncol));
  return { data, nrow: rows.length, ncol: X.ncol };
}
