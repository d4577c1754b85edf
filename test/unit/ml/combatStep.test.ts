/**
 * The ComBat pipeline step (steps.ts 'combat', spec.ts, dataset.ts): fitted on the training rows
 * only and applied with each row's center. References: the ComBat engine itself is checked
 * against sva::ComBat in combat.test.ts; here the step's fitted model must equal fitCombat on
 * exactly the training rows (no test or CV-held row leaks into it), every saved prediction must be
 * reproduced by re-applying the saved pipeline with the rows' centers (exact equality), and spec
 * problems are refused before any work starts.
 */
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../../main/compute/ml/analysis.js';
import { fitCombat } from '../../../main/compute/ml/combat.js';
import { datasetFromTable } from '../../../main/compute/ml/dataset.js';
import { predictPipeline, restorePipeline, builtinRestorer } from '../../../main/compute/ml/pipeline.js';
import { parseAnalysisSpec } from '../../../main/compute/ml/spec.js';
import { takeRows } from '../../../main/compute/ml/types.js';
import { Rng } from '../../../main/compute/stats/random.js';

const rng = new Rng(77);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
const P = 6;
const header = ['patient', 'center', 'age', 'her2', ...Array.from({ length: P }, (_, j) => `T2_f${j}`)];
const centers = ['A', 'B', 'C'];
const rows: (string | number)[][] = [];
for (let p = 0; p < 150; p++) {
  const c = p % 3;
  const f = Array.from({ length: P }, normal);
  const y = rng.nextDouble() < 1 / (1 + Math.exp(-(1.5 * f[0]! - f[1]!))) ? 'low' : 'zero';
  // Center shifts and scales every feature: the batch effect ComBat removes.
  const age = 40 + Math.round(30 * rng.nextDouble());
  rows.push([`P${p}`, centers[c]!, age, y, ...f.map((v, j) => 100 + 20 * c + (j + 1) * c + (1 + 0.5 * c) * v + 0.1 * age)]);
}

const base = {
  version: 1,
  name: 'ComBat step',
  columns: { patient: 'patient', center: 'center' },
  outcome: { column: 'her2', positive: 'low' },
  split: { method: 'random', testFraction: 0.3, stratify: true },
  cv: { k: 4 },
  models: [{ name: 'LR', kind: 'logistic' }],
  seed: 5,
};

describe('ComBat step', () => {
  it('is fitted on the training rows only and the saved pipeline reproduces every prediction', () => {
    const spec = parseAnalysisSpec({
      ...base,
      steps: [{ step: 'combat', covariates: ['age'] }, { step: 'scale' }],
    });
    const ds = datasetFromTable(header, rows, spec);
    expect(ds.features).toEqual(Array.from({ length: P }, (_, j) => `T2_f${j}`)); // age is not a feature
    const result = runAnalysis(spec, ds);
    const m = result.models[0]!;
    const train = result.split.role.flatMap((r, i) => (r === 'train' ? [i] : []));
    expect(train.length).toBeGreaterThan(90);
    const step = m.pipeline.steps[0]!;
    const age = ds.covariates!.get('age')!;
    const expected = fitCombat(
      takeRows(ds.X, train),
      train.map((i) => ds.centers![i]!),
      { covariates: { data: Float64Array.from(train, (i) => age[i]!), nrow: train.length, ncol: 1 } },
    );
    expect(step.state.combat).toEqual(expected);
    const restored = restorePipeline(JSON.parse(JSON.stringify(m.pipeline)), builtinRestorer);
    const again = predictPipeline(restored, ds.X, ds.features, { batches: ds.centers, covariates: ds.covariates });
    const test = result.split.role.flatMap((r, i) => (r === 'test' ? [i] : []));
    for (const i of test) expect(again[i]).toBe(m.predictions.test[i]);
    expect(() => predictPipeline(restored, ds.X, ds.features)).toThrow(/needs each row's center/);
  });

  it('refuses ComBat without a center column, with an external-center split, or with the outcome as covariate', () => {
    const { center: _c, ...noCenter } = base.columns;
    expect(() => parseAnalysisSpec({ ...base, columns: noCenter, steps: [{ step: 'combat' }] })).toThrow(/needs columns.center/);
    expect(() =>
      parseAnalysisSpec({ ...base, split: { method: 'center', external: ['C'] }, steps: [{ step: 'combat' }] }),
    ).toThrow(/cannot harmonise an external center/);
    expect(() => parseAnalysisSpec({ ...base, steps: [{ step: 'combat', covariates: ['her2'] }] })).toThrow(
      /outcome 'her2' cannot be a ComBat covariate/,
    );
    const spec = parseAnalysisSpec({ ...base, steps: [{ step: 'combat', covariates: ['age'] }] });
    const bad = rows.map((r, i) => (i === 9 ? r.map((v, j) => (j === 2 ? 'unknown' : v)) : r));
    expect(() => datasetFromTable(header, bad, spec)).toThrow(/data row 10, covariate 'age': 'unknown' is not a number/);
  });
});
