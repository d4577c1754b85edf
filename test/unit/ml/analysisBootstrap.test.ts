/**
 * Bootstrap internal validation inside an analysis run (spec `bootstrap`): the whole pipeline,
 * selection included, is refitted on patient-level bootstrap samples of the training set.
 * References: bootstrap.ts is checked against rms::validate in bootstrap.test.ts; here the
 * apparent AUC must equal the AUC of the stored training predictions (exact, the R-validated
 * Mann–Whitney AUC) and selecting among noise features must show a positive optimism.
 */
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../../main/compute/ml/analysis.js';
import { datasetFromTable } from '../../../main/compute/ml/dataset.js';
import { parseAnalysisSpec } from '../../../main/compute/ml/spec.js';
import { aucMannWhitney } from '../../../main/compute/stats/roc/curve.js';
import { Rng } from '../../../main/compute/stats/random.js';

const rng = new Rng(404);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
const P = 15;
const header = ['patient', 'lesion', 'y', ...Array.from({ length: P }, (_, j) => `f${j}`)];
const rows: (string | number)[][] = [];
for (let p = 0; p < 90; p++) {
  for (let l = 0; l < (p % 5 === 0 ? 2 : 1); l++) {
    const f = Array.from({ length: P }, normal);
    rows.push([`P${p}`, `P${p}-${l}`, rng.nextDouble() < 1 / (1 + Math.exp(-0.8 * f[0]!)) ? 1 : 0, ...f]);
  }
}

describe('analysis with bootstrap validation', () => {
  it('refits the pipeline per patient-level replicate and reports optimism-corrected indexes', () => {
    const spec = parseAnalysisSpec({
      version: 1,
      name: 'boot',
      columns: { patient: 'patient', id: 'lesion' },
      outcome: { column: 'y', positive: 1 },
      split: { method: 'random', testFraction: 0.2 },
      cv: { k: 3 },
      bootstrap: { B: 40 },
      steps: [{ step: 'f_classif', k: 5 }],
      models: [{ name: 'LR', kind: 'logistic' }],
      seed: 3,
    });
    const progress: string[] = [];
    const r = runAnalysis(spec, datasetFromTable(header, rows, spec), { onProgress: (_d, _t, msg) => progress.push(msg) });
    const m = r.models[0]!;
    const b = m.bootstrap!;
    expect(b.B).toBe(40);
    expect(b.failed).toBe(0);
    const train = r.split.role.flatMap((x, i) => (x === 'train' ? [i] : []));
    const cases = train.filter((i) => r.rows.y[i] === 1).map((i) => m.predictions.train[i]!);
    const controls = train.filter((i) => r.rows.y[i] === 0).map((i) => m.predictions.train[i]!);
    expect(b.apparent.auc).toBe(aucMannWhitney(controls, cases, '<'));
    // Picking 5 of 15 mostly-noise features on ~85 rows is optimistic.
    expect(b.optimism.auc).toBeGreaterThan(0.01);
    expect(b.corrected.auc).toBeLessThan(b.apparent.auc);
    expect(b.corrected.slope).toBeLessThan(1);
    expect(b.auc632plus).toBeGreaterThan(0.4);
    expect(b.auc632plus).toBeLessThan(b.apparent.auc);
    expect(progress.filter((s) => s.startsWith('LR: bootstrap'))).toHaveLength(40);
  });

  it('refuses fewer than 10 replicates in the spec', () => {
    expect(() =>
      parseAnalysisSpec({
        version: 1,
        name: 'x',
        columns: { patient: 'patient' },
        outcome: { column: 'y', positive: 1 },
        split: { method: 'random' },
        bootstrap: { B: 3 },
        models: [{ name: 'LR', kind: 'logistic' }],
      }),
    ).toThrow(/bootstrap\.B/);
  });
});
