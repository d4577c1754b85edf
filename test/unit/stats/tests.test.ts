/**
 * Classical tests vs R 4.2.2 (reference: test/fixtures/r/stats_tests.json, written by
 * test/fixtures/r/stats_tests.R). Tolerance 1e-9 relative for statistics and p-values (closed
 * forms and exact distributions), exact equality for counts and degrees of freedom where integer.
 */
import { describe, expect, it } from 'vitest';
import { countLevels, summarizeNumeric as summarise, quantile } from '../../../main/compute/stats/descriptives.js';
import { tTestOneSample, tTestPaired, tTestTwoSample } from '../../../main/compute/stats/ttest.js';
import { mannWhitneyTest } from '../../../main/compute/stats/wilcoxon.js';
import { chiSquareTest, fisherTest2x2, fisherTestRxC } from '../../../main/compute/stats/contingency.js';
import { kruskalWallis, leveneTest, oneWayAnova, welchAnova } from '../../../main/compute/stats/anova.js';
import { shapiroWilk } from '../../../main/compute/stats/shapiro.js';
import { ksTestOneSample, ksTestTwoSample } from '../../../main/compute/stats/ks.js';
import { pearsonTest, spearmanTest } from '../../../main/compute/stats/correlation.js';
import { pAdjust, type PAdjustMethod } from '../../../main/compute/stats/padjust.js';
import { pnorm } from '../../../main/compute/stats/distributions/index.js';
import type { Alternative } from '../../../main/compute/stats/common.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface HTest {
  statistic: number;
  p_value: number;
  method: string;
  parameter?: number[];
  conf_int?: number[];
  estimate?: number[];
}
interface Fx {
  descriptives: {
    x: number[];
    probs: number[];
    quantile: number[];
    mean: number;
    sd: number | null;
    median: number;
    iqr: number;
  }[];
  ttest: { x: number[]; y: number[]; alternative: Alternative; var_equal: boolean; result: HTest; stderr: number }[];
  ttest_one: { x: number[]; mu: number; conf_level: number; result: HTest }[];
  ttest_paired: { x: (number | null)[]; y: (number | null)[]; alternative: Alternative; result: HTest }[];
  mann_whitney: { x: number[]; y: number[]; alternative: Alternative; correct: boolean; result: HTest }[];
  contingency: Record<string, unknown>[];
  groups: {
    y: number[];
    g: string[];
    anova: HTest & { ss_between: number; ss_within: number };
    welch: HTest;
    kruskal: HTest;
    levene_mean: HTest;
    levene_median: HTest;
  }[];
  shapiro: { x: number[]; statistic: number; p_value: number }[];
  ks_one: { x: number[]; mean: number; sd: number; alternative: Alternative; exact: boolean; result: HTest }[];
  ks_two: { x: number[]; y: number[]; alternative: Alternative; exact: boolean; result: HTest }[];
  correlation: { x: number[]; y: number[]; alternative: Alternative; pearson: HTest; spearman: HTest }[];
  p_adjust: Record<string, (number | null)[]>;
}

const fx = loadFixture<Fx>('stats_tests.json');
const TOL = 1e-9;
const nan = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);

describe('descriptives match R', () => {
  it(`type-7 quantiles, mean, sd, median, IQR within ${TOL}`, () => {
    const tr = new ErrorTracker();
    for (const d of fx.descriptives) {
      const q = quantile(d.x, d.probs);
      d.probs.forEach((p, i) => tr.add(q[i] as number, d.quantile[i] as number, `quantile(n=${d.x.length}, ${p})`));
      const s = summarise(d.x);
      tr.add(s.mean, d.mean, 'mean');
      if (d.sd !== null) tr.add(s.sd, d.sd, 'sd');
      tr.add(s.median, d.median, 'median');
      tr.add(s.iqr, d.iqr, 'IQR');
      expect(s.n).toBe(d.x.length);
    }
    console.info(`descriptives: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
  });
  it('counts levels with percentages of the non-missing values', () => {
    const r = countLevels(['b', 'a', null, 'b', '', 'c', 'b']);
    expect(r.n).toBe(5);
    expect(r.nMissing).toBe(2);
    expect(r.counts).toEqual([
      { level: 'a', count: 1, percent: 20 },
      { level: 'b', count: 3, percent: 60 },
      { level: 'c', count: 1, percent: 20 },
    ]);
    expect(countLevels([1, 2, 2], ['2', '1', '3']).counts.map((c) => c.count)).toEqual([2, 1, 0]);
    expect(() => countLevels(['x'], ['a', 'b'])).toThrow(/'x' is not one of the levels/);
  });
  it('drops NaN and counts it', () => {
    const s = summarise([1, NaN, 3, 2]);
    expect(s.n).toBe(3);
    expect(s.nMissing).toBe(1);
    expect(s.median).toBe(2);
    expect(() => summarise([NaN, NaN], 'age')).toThrow(/age: no non-missing values/);
  });
});

describe('t-tests match R t.test', () => {
  it(`Student and Welch, all alternatives, within ${TOL}`, () => {
    const tr = new ErrorTracker();
    for (const c of fx.ttest) {
      const r = tTestTwoSample(c.x, c.y, { alternative: c.alternative, varEqual: c.var_equal });
      const l = `${c.result.method} ${c.alternative} nx=${c.x.length}`;
      tr.add(r.statistic, c.result.statistic, `${l} t`);
      tr.add(r.df, nan(c.result.parameter?.[0]), `${l} df`);
      tr.add(r.pValue, c.result.p_value, `${l} p`);
      tr.add(r.stdErr, c.stderr, `${l} se`);
      const ci = c.result.conf_int ?? [];
      tr.add(r.confInt[0], nan(ci[0]), `${l} ci lo`);
      tr.add(r.confInt[1], nan(ci[1]), `${l} ci hi`);
      expect(r.method).toBe(c.result.method.trim());
    }
    for (const c of fx.ttest_one) {
      const r = tTestOneSample(c.x, { mu: c.mu, confLevel: c.conf_level });
      tr.add(r.statistic, c.result.statistic, 'one-sample t');
      tr.add(r.pValue, c.result.p_value, 'one-sample p');
      tr.add(r.confInt[0], nan(c.result.conf_int?.[0]), 'one-sample ci');
      tr.add(r.confInt[1], nan(c.result.conf_int?.[1]), 'one-sample ci');
    }
    for (const c of fx.ttest_paired) {
      const r = tTestPaired(c.x.map(nan), c.y.map(nan), { alternative: c.alternative });
      expect(r.nMissing).toEqual([2]);
      tr.add(r.statistic, c.result.statistic, `paired t ${c.alternative}`);
      tr.add(r.df, nan(c.result.parameter?.[0]), 'paired df');
      tr.add(r.pValue, c.result.p_value, `paired p ${c.alternative}`);
      tr.add(r.confInt[0], nan(c.result.conf_int?.[0]), 'paired ci');
    }
    console.info(`t-tests: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
  });
  it('reports constant data and too few values clearly', () => {
    expect(() => tTestTwoSample([1], [2, 3])).toThrow(/not enough observations/);
    expect(() => tTestTwoSample([2, 2, 2], [2, 2, 2])).toThrow(/essentially constant/);
  });
});

describe('Mann–Whitney matches R wilcox.test', () => {
  it(`exact and normal-approximation paths within ${TOL}`, () => {
    const tr = new ErrorTracker();
    let exactCount = 0;
    for (const c of fx.mann_whitney) {
      const r = mannWhitneyTest(c.x, c.y, { alternative: c.alternative, correct: c.correct });
      expect(r.statistic).toBe(c.result.statistic);
      expect(r.method).toBe(c.result.method);
      if (r.exact) exactCount++;
      tr.add(r.pValue, c.result.p_value, `${c.result.method} ${c.alternative} nx=${c.x.length}`);
    }
    expect(exactCount).toBeGreaterThan(6);
    console.info(`Mann–Whitney: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
  });
});

describe('contingency tables match R chisq.test / fisher.test', () => {
  it(`chi-square with and without Yates, Fisher p-values and conditional MLE within ${TOL}`, () => {
    const tr = new ErrorTracker();
    const trLoose = new ErrorTracker();
    for (const c of fx.contingency) {
      const table = c['table'] as number[][];
      for (const kind of ['yates', 'plain'] as const) {
        const ref = c[`chisq_${kind}`] as HTest;
        const r = chiSquareTest(table, { correct: kind === 'yates' });
        tr.add(r.statistic, ref.statistic, `chisq ${kind} ${JSON.stringify(table)}`);
        tr.add(r.pValue, ref.p_value, `chisq ${kind} p ${JSON.stringify(table)}`);
        expect(r.df).toBe(ref.parameter?.[0]);
        expect(r.method).toBe(ref.method);
      }
      const expd = c['expected'] as number[][];
      chiSquareTest(table).expected.forEach((row, i) => row.forEach((v, j) => tr.add(v, expd[i]![j]!, 'expected')));
      if (table.length === 2 && table[0]!.length === 2) {
        for (const alt of ['two.sided', 'less', 'greater'] as const) {
          const ref = c[`fisher_${alt}`] as HTest;
          const precise = c[`fisher_precise_${alt}`] as HTest;
          const r = fisherTest2x2(table, { alternative: alt });
          tr.add(r.pValue, ref.p_value, `fisher ${alt} p ${JSON.stringify(table)}`);
          // MLE / CI: against uniroot at tol 1e-14 (1e-9 relative), and R's default uniroot (below).
          tr.add(nan(r.oddsRatio), nan(precise.estimate?.[0]), `fisher OR ${JSON.stringify(table)}`);
          tr.add(r.confInt![0], nan(precise.conf_int?.[0]), `fisher CI lo ${alt} ${JSON.stringify(table)}`);
          tr.add(r.confInt![1], nan(precise.conf_int?.[1]), `fisher CI hi ${alt} ${JSON.stringify(table)}`);
          // R's default uniroot (tol 1.2e-4) searches t = OR on (0,1) or t = 1/OR: compare there.
          const t = (v: number): number => (v <= 1 ? v : 1 / v);
          trLoose.add(t(nan(r.oddsRatio)), t(nan(ref.estimate?.[0])), `fisher OR default ${JSON.stringify(table)}`, 1);
          trLoose.add(t(r.confInt![0]), t(nan(ref.conf_int?.[0])), `CI lo default ${JSON.stringify(table)}`, 1);
          trLoose.add(t(r.confInt![1]), t(nan(ref.conf_int?.[1])), `CI hi default ${JSON.stringify(table)}`, 1);
        }
      } else {
        const ref = c['fisher_two.sided'] as HTest;
        const r = fisherTestRxC(table);
        tr.add(r.pValue, ref.p_value, `fisher r×c ${JSON.stringify(table)}`);
      }
    }
    console.info(`contingency: max rel err ${tr.max.toExponential(2)}; vs R default uniroot ${trLoose.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
    expect(trLoose.max, trLoose.worst).toBeLessThanOrEqual(2.5e-4);
  });
  it('rejects empty rows and non-counts', () => {
    expect(() =>
      chiSquareTest([
        [0, 0],
        [1, 2],
      ]),
    ).toThrow(/row 1 has no observations/);
    expect(() =>
      chiSquareTest([
        [1, -1],
        [1, 2],
      ]),
    ).toThrow(/cell \[1, 2\]/);
  });
});

describe('k-sample tests match R', () => {
  it(`ANOVA, Welch, Kruskal–Wallis, Levene (mean), Brown–Forsythe (median) within ${TOL}`, () => {
    const tr = new ErrorTracker();
    for (const c of fx.groups) {
      const a = oneWayAnova(c.y, c.g);
      tr.add(a.statistic, c.anova.statistic, 'anova F');
      tr.add(a.pValue, c.anova.p_value, 'anova p');
      tr.add(a.ssBetween!, c.anova.ss_between, 'anova SSB');
      tr.add(a.ssWithin!, c.anova.ss_within, 'anova SSW');
      expect(a.df).toEqual(c.anova.parameter);
      const w = welchAnova(c.y, c.g);
      tr.add(w.statistic, c.welch.statistic, 'welch F');
      tr.add(w.df[1], nan(c.welch.parameter?.[1]), 'welch df2');
      tr.add(w.pValue, c.welch.p_value, 'welch p');
      const k = kruskalWallis(c.y, c.g);
      tr.add(k.statistic, c.kruskal.statistic, 'kruskal H');
      tr.add(k.pValue, c.kruskal.p_value, 'kruskal p');
      for (const [center, ref] of [
        ['mean', c.levene_mean],
        ['median', c.levene_median],
      ] as const) {
        const l = leveneTest(c.y, c.g, center);
        tr.add(l.statistic, ref.statistic, `levene ${center} F`);
        tr.add(l.pValue, ref.p_value, `levene ${center} p`);
        expect(l.df).toEqual(ref.parameter);
      }
    }
    console.info(`k-sample: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
  });
});

describe('Shapiro–Wilk matches R shapiro.test', () => {
  it(`W and p for n = 3…5000 within ${TOL}`, () => {
    const tr = new ErrorTracker();
    for (const c of fx.shapiro) {
      const r = shapiroWilk(c.x);
      tr.add(r.statistic, c.statistic, `W n=${c.x.length}`);
      tr.add(r.pValue, c.p_value, `p n=${c.x.length}`);
    }
    console.info(`Shapiro–Wilk: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
  });
  it('rejects identical values and n < 3', () => {
    expect(() => shapiroWilk([2, 2, 2, 2])).toThrow(/identical/);
    expect(() => shapiroWilk([1, 2])).toThrow(/between 3 and 5000/);
  });
});

describe('Kolmogorov–Smirnov matches R ks.test', () => {
  it(`one-sample exact and asymptotic within ${TOL}`, () => {
    const tr = new ErrorTracker();
    for (const c of fx.ks_one) {
      const r = ksTestOneSample(c.x, (q) => pnorm(q, c.mean, c.sd), { alternative: c.alternative });
      expect(r.exact).toBe(c.exact);
      tr.add(r.statistic, c.result.statistic, `D n=${c.x.length} ${c.alternative}`);
      tr.add(r.pValue, c.result.p_value, `p n=${c.x.length} ${c.alternative}`);
    }
    console.info(`KS one-sample: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
  });
  it(`two-sample exact (with and without ties) and asymptotic within ${TOL}`, () => {
    const tr = new ErrorTracker();
    for (const c of fx.ks_two) {
      const r = ksTestTwoSample(c.x, c.y, { alternative: c.alternative });
      expect(r.exact).toBe(c.exact);
      tr.add(r.statistic, c.result.statistic, `D ${c.x.length}/${c.y.length} ${c.alternative}`, 1e-6);
      tr.add(r.pValue, c.result.p_value, `p ${c.x.length}/${c.y.length} ${c.alternative}`);
    }
    console.info(`KS two-sample: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
  });
});

describe('correlation tests match R cor.test', () => {
  it(`Pearson (t, p, Fisher-z CI) and Spearman (exact n ≤ 9, Edgeworth, t with ties) within ${TOL}`, () => {
    const tr = new ErrorTracker();
    for (const c of fx.correlation) {
      const p = pearsonTest(c.x, c.y, { alternative: c.alternative });
      const l = `n=${c.x.length} ${c.alternative}`;
      tr.add(p.estimate, nan(c.pearson.estimate?.[0]), `pearson r ${l}`);
      tr.add(p.statistic, c.pearson.statistic, `pearson t ${l}`);
      tr.add(p.pValue, c.pearson.p_value, `pearson p ${l}`);
      if (c.pearson.conf_int) {
        tr.add(p.confInt![0], nan(c.pearson.conf_int[0]), `pearson CI ${l}`);
        tr.add(p.confInt![1], nan(c.pearson.conf_int[1]), `pearson CI ${l}`);
      }
      const s = spearmanTest(c.x, c.y, { alternative: c.alternative });
      tr.add(s.estimate, nan(c.spearman.estimate?.[0]), `spearman rho ${l}`);
      tr.add(s.statistic, c.spearman.statistic, `spearman S ${l}`);
      tr.add(s.pValue, c.spearman.p_value, `spearman p ${l}`);
    }
    console.info(`correlation: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
  });
});

describe('p-value adjustment matches R p.adjust', () => {
  it('Bonferroni, Holm, Hochberg, BH, BY with NA kept and not counted', () => {
    const p = fx.p_adjust['p']!.map(nan);
    for (const m of ['bonferroni', 'holm', 'hochberg', 'BH', 'BY'] as PAdjustMethod[]) {
      const got = pAdjust(p, m);
      const ref = fx.p_adjust[m]!.map(nan);
      ref.forEach((v, i) => {
        if (Number.isNaN(v)) expect(got[i]).toBeNaN();
        else expect(Math.abs((got[i] as number) - v)).toBeLessThanOrEqual(1e-15 * Math.max(1, v));
      });
    }
  });
});
