/**
 * The balance table of an analysis (analysis.ts balanceTable): outcome, center and the spec's
 * balance columns by training / test / external set. Reference: the Table 1 builder, checked
 * against R in test/unit/stats/table1Builder.test.ts; here the set sizes must equal the split's
 * counts and the cells the counts recomputed directly from the rows' roles (exact).
 */
import { describe, expect, it } from 'vitest';
import { runAnalysis } from '../../../main/compute/ml/analysis.js';
import { datasetFromTable } from '../../../main/compute/ml/dataset.js';
import { parseAnalysisSpec } from '../../../main/compute/ml/spec.js';
import { Rng } from '../../../main/compute/stats/random.js';

const rng = new Rng(31);
const header = ['patient', 'center', 'age', 'grade', 'her2', 'f1', 'f2', 'f3'];
const rows: (string | number)[][] = [];
for (let p = 0; p < 120; p++) {
  const f = [rng.nextDouble(), rng.nextDouble(), rng.nextDouble()];
  rows.push([
    `P${p}`,
    p < 80 ? 'A' : 'B',
    p === 5 ? '' : 35 + Math.round(40 * rng.nextDouble()),
    ['G1', 'G2', 'G3'][p % 3]!,
    rng.nextDouble() < 0.3 + 0.4 * f[0]! ? 'low' : 'zero',
    ...f,
  ]);
}

describe('balance table of the sets', () => {
  it('compares outcome, center and the chosen columns across training, test and external sets', () => {
    const spec = parseAnalysisSpec({
      version: 1,
      name: 'balance',
      columns: { patient: 'patient', center: 'center' },
      outcome: { column: 'her2', positive: 'low' },
      balance: ['age', 'grade'],
      split: { method: 'center', external: ['B'], testFraction: 0.25 },
      cv: { k: 3 },
      models: [{ name: 'LR', kind: 'logistic' }],
    });
    const ds = datasetFromTable(header, rows, spec);
    expect(ds.features).toEqual(['f1', 'f2', 'f3']); // balance columns are not features
    const r = runAnalysis(spec, ds);
    const b = r.balance!;
    expect(b.groups.map((g) => g.label)).toEqual(['Training', 'Test', 'External']);
    expect(b.groups.map((g) => g.n)).toEqual([r.split.counts.train.rows, r.split.counts.test.rows, r.split.counts.external.rows]);
    const names = b.rows.map((x) => x.name);
    expect(names).toEqual(['her2 = low', 'center', 'age', 'grade']);
    const outcome = b.rows[0]!;
    if (outcome.kind !== 'categorical') throw new Error('outcome row should be categorical');
    const roles = ['train', 'test', 'external'] as const;
    roles.forEach((role, k) => {
      const events = r.split.role.filter((x, i) => x === role && r.rows.y[i] === 1).length;
      expect(outcome.levels[0]!.byGroup[k]!.count).toBe(events);
    });
    const age = b.rows[2]!;
    expect(age.kind).toBe('continuous');
    if (age.kind === 'continuous') expect(age.overall.nMissing).toBe(1);
    expect(b.rows[1]!.pValue).not.toBeNull(); // center differs by construction (B is external)
  });

  it('refuses an unknown balance column before any work', () => {
    const spec = parseAnalysisSpec({
      version: 1,
      name: 'x',
      columns: { patient: 'patient' },
      outcome: { column: 'her2', positive: 'low' },
      balance: ['bmi'],
      split: { method: 'random', testFraction: 0.3 },
      models: [{ name: 'LR', kind: 'logistic' }],
    });
    expect(() => datasetFromTable(header, rows, spec)).toThrow(/no balance column 'bmi'/);
  });
});
