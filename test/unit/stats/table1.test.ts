/**
 * Table 1 test selection vs R 4.2.2 (reference: table1_* in test/fixtures/r/stats_tests.json,
 * written by test/fixtures/r/stats_tests.R, which applies the seed studies' rule in R:
 * Shapiro–Wilk per group → t.test / wilcox.test / oneway.test / kruskal.test; any expected
 * count < 5 → fisher.test, else chisq.test). Tolerance 1e-9 relative; the chosen test must match.
 */
import { describe, expect, it } from 'vitest';
import { compareCategorical, compareNumeric } from '../../../main/compute/stats/table1.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface Fx {
  table1_numeric: {
    y: number[];
    g: string[];
    shapiro_p: number[];
    ks_p: number[];
    test: string;
    statistic: number;
    p_value: number;
  }[];
  table1_categorical: { v: string[]; g: string[]; test: string; p_value: number }[];
}
const fx = loadFixture<Fx>('stats_tests.json');

describe('Table 1 comparisons follow the seed rule as R computes it', () => {
  it('numeric: normality per group, chosen test, statistic and p within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.table1_numeric) {
      const r = compareNumeric(c.y, c.g);
      expect(r.test).toBe(c.test);
      r.normalityP.forEach((p, i) => tr.add(p, c.shapiro_p[i] as number, `Shapiro p group ${i}`));
      tr.add(r.statistic, c.statistic, `${c.test} statistic`);
      tr.add(r.pValue, c.p_value, `${c.test} p`);
      expect(r.display).toBe(c.test.includes('t-test') || c.test.includes('ANOVA') ? 'mean-sd' : 'median-iqr');
      const ks = compareNumeric(c.y, c.g, { normality: 'ks' });
      ks.normalityP.forEach((p, i) => tr.add(p, c.ks_p[i] as number, `KS p group ${i}`));
    }
    console.info(`Table 1 numeric: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('categorical: chi-square or Fisher by expected counts, p within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.table1_categorical) {
      const r = compareCategorical(c.v, c.g);
      expect(r.test).toBe(c.test);
      tr.add(r.pValue, c.p_value, `${c.test} p`);
      const total = r.counts.flat().reduce((a, x) => a + x.count, 0);
      expect(total).toBe(c.v.length);
    }
    console.info(`Table 1 categorical: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('honours overrides and explains impossible ones', () => {
    const c = fx.table1_numeric[1]!; // skewed: auto picks Mann–Whitney
    expect(compareNumeric(c.y, c.g, { test: 't', varEqual: true }).test).toBe('Student t-test');
    expect(() => compareNumeric(c.y, c.g, { test: 'kruskal' })).toThrow(/use 't' or 'mann-whitney' for 2 groups/);
    const k = fx.table1_categorical[1]!; // small expected counts: auto picks Fisher
    expect(compareCategorical(k.v, k.g, { test: 'chisq' }).test).toBe('chi-square');
    expect(() => compareCategorical(['a', 'a'], ['x', 'y'])).toThrow(/single category/);
  });
});
