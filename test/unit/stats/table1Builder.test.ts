/**
 * Table 1 builder vs R 4.2.2 (reference: test/fixtures/r/table1_builder.json, written by
 * test/fixtures/r/table1_builder.R: the same data set by outcome (2 groups) and by split
 * (3 groups), summaries with mean/sd/quantile(type 7), column percentages, missing counts, and the
 * seed rule's test with t.test / anova(lm) / wilcox.test / kruskal.test / chisq.test /
 * fisher.test). Tolerance: summaries and p-values 1e-9 relative; counts exact.
 */
import { describe, expect, it } from 'vitest';
import { buildTable1, type Table1Variable } from '../../../main/compute/stats/table1Builder.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface Cell {
  n: number;
  missing: number;
  mean: number;
  sd: number;
  q1: number;
  median: number;
  q3: number;
}
interface ContRow {
  groups: string[];
  overall: Cell;
  by_group: Cell[];
  shapiro_p: number[];
  test: string;
  statistic: number;
  p_value: number;
}
interface CatRow {
  groups: string[];
  levels: string[];
  overall_count: number[];
  overall_percent: number[];
  count: number[][];
  percent: number[][];
  missing: number[];
  overall_missing: number;
  test: string;
  p_value: number;
}
interface Tab {
  group_n: number[];
  group_missing: number;
  age: ContRow;
  size: ContRow;
  sex: CatRow;
  grade: CatRow;
}
interface Fx {
  data: {
    outcome: (string | null)[];
    split: string[];
    age: number[];
    size: (number | null)[];
    sex: (string | null)[];
    grade: string[];
  };
  tables: { outcome: Tab; split: Tab };
}
const fx = loadFixture<Fx>('table1_builder.json');
const d = fx.data;
const variables: Table1Variable[] = [
  { name: 'age', type: 'continuous', values: d.age },
  { name: 'size', type: 'continuous', values: d.size.map((v) => (v === null ? NaN : v)) },
  { name: 'sex', type: 'categorical', values: d.sex },
  { name: 'grade', type: 'categorical', values: d.grade },
];

describe('buildTable1 reproduces an R-computed Table 1', () => {
  for (const by of ['outcome', 'split'] as const) {
    it(`by ${by}: summaries, n (%), missing, test and p within 1e-9`, () => {
      const ref = fx.tables[by];
      const t = buildTable1(variables, { groups: d[by] });
      expect(t.groups.map((g) => g.n)).toEqual(ref.group_n);
      expect(t.groups.map((g) => g.label)).toEqual(ref.age.groups);
      expect(t.nGroupMissing).toBe(ref.group_missing);
      const tr = new ErrorTracker();
      for (const name of ['age', 'size'] as const) {
        const row = t.rows.find((r) => r.name === name);
        const e = ref[name];
        if (row?.kind !== 'continuous') throw new Error('expected a continuous row');
        expect(row.test).toBe(e.test);
        expect(row.display).toBe(e.test.includes('t-test') || e.test.includes('ANOVA') ? 'mean-sd' : 'median-iqr');
        tr.add(row.pValue as number, e.p_value, `${by}/${name} p`);
        tr.add(row.statistic as number, e.statistic, `${by}/${name} statistic`);
        row.normalityP.forEach((p, k) => tr.add(p, e.shapiro_p[k] as number, `${by}/${name} Shapiro ${k}`));
        const cells = [row.overall, ...row.byGroup];
        [e.overall, ...e.by_group].forEach((c, k) => {
          const got = cells[k];
          if (!got) throw new Error('missing cell');
          expect(got.n).toBe(c.n);
          expect(got.nMissing).toBe(c.missing);
          for (const key of ['mean', 'sd', 'q1', 'median', 'q3'] as const)
            tr.add(got[key], c[key], `${by}/${name} cell ${k} ${key}`);
        });
      }
      for (const name of ['sex', 'grade'] as const) {
        const row = t.rows.find((r) => r.name === name);
        const e = ref[name];
        if (row?.kind !== 'categorical') throw new Error('expected a categorical row');
        expect(row.test).toBe(e.test);
        tr.add(row.pValue as number, e.p_value, `${by}/${name} p`);
        expect(row.levels.map((l) => l.level)).toEqual(e.levels);
        expect(row.missing.overall).toBe(e.overall_missing);
        expect(row.missing.byGroup).toEqual(e.missing);
        row.levels.forEach((l, i) => {
          expect(l.overall.count).toBe(e.overall_count[i]);
          tr.add(l.overall.percent, e.overall_percent[i] as number, `${by}/${name} overall % ${i}`);
          l.byGroup.forEach((c, k) => {
            expect(c.count).toBe(e.count[k]![i]);
            tr.add(c.percent, e.percent[k]![i] as number, `${by}/${name} % ${k},${i}`);
          });
        });
      }
      console.info(`Table 1 by ${by}: max rel err ${tr.max.toExponential(2)}`);
      expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
    });
  }

  it('a row whose test cannot run keeps its summaries, p = null and a note', () => {
    const groups = ['a', 'a', 'a', 'b', 'b', 'b'];
    const t = buildTable1(
      [
        { name: 'only one group has data', type: 'continuous', values: [1, 2, 3, NaN, NaN, NaN] },
        { name: 'one level', type: 'categorical', values: ['x', 'x', 'x', 'x', null, 'x'] },
      ],
      { groups },
    );
    const [r0, r1] = t.rows;
    expect(r0?.pValue).toBeNull();
    expect(r0?.note).toMatch(/at least 2 groups/);
    expect(r0?.kind === 'continuous' && r0.byGroup[1]).toBeNull();
    expect(r1?.pValue).toBeNull();
    expect(r1?.note).toMatch(/single category/);
    expect(r1?.kind === 'categorical' && r1.missing.byGroup).toEqual([0, 1]);
    expect(() => buildTable1([], { groups: ['a', 'a'] })).toThrow(/at least 2 groups/);
    expect(() => buildTable1([{ name: 'v', type: 'continuous', values: [1] }], { groups: ['a', 'b'] })).toThrow(
      /'v' has 1 values/,
    );
  });
});
