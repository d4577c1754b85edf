/**
 * Agreement statistics vs R 4.2.2 (reference: test/fixtures/r/agreement.json, written by
 * test/fixtures/r/agreement.R). ICC: psych 2.2.9 ICC(lmer = FALSE) and an independent
 * aov()/McGraw–Wong computation, 1e-9 relative. Kappa: psych::cohen.kappa estimates and
 * unweighted variance, and the Fleiss–Cohen–Everitt variance coded in the script for weighted
 * kappa, 1e-9. Bland–Altman: closed form coded in the script, 1e-9.
 */
import { describe, expect, it } from 'vitest';
import { icc, type IccForm } from '../../../main/compute/stats/agreement/icc.js';
import { cohenKappa, kappaFromTable } from '../../../main/compute/stats/agreement/kappa.js';
import { blandAltman } from '../../../main/compute/stats/agreement/blandAltman.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface IccRef {
  icc: number;
  F: number;
  df1: number;
  df2: number;
  p: number;
  lower: number;
  upper: number;
}
interface Fx {
  icc: { name: string; ratings: (number | null)[][]; psych: Record<IccForm, IccRef>; mcgraw_wong: Record<string, number> }[];
  kappa: {
    rater1: number[];
    rater2: number[];
    table: number[][];
    psych_kappa: number;
    psych_var_kappa: number;
    psych_wkappa_quadratic: number;
    psych_wkappa_linear: number;
    fce: Record<'unweighted' | 'linear' | 'quadratic', { kappa: number; var: number }>;
  }[];
  bland_altman: {
    a: number[];
    b: number[];
    bias: number;
    sd: number;
    lower: number;
    upper: number;
    bias_ci: number[];
    lower_ci: number[];
    upper_ci: number[];
  }[];
}
const fx = loadFixture<Fx>('agreement.json');
const FORMS: IccForm[] = ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'];

describe('ICC matches psych::ICC and McGraw & Wong from aov()', () => {
  it('all six forms: estimate, F, df, p, 95% CI within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.icc) {
      const ratings = c.ratings.map((r) => r.map((v) => (v === null ? NaN : v)));
      const r = icc(ratings);
      for (const f of FORMS) {
        const got = r.forms[f];
        const ref = c.psych[f];
        const l = `${c.name} ${f}`;
        tr.add(got.icc, ref.icc, `${l} icc`);
        tr.add(got.icc, c.mcgraw_wong[f] as number, `${l} icc (McGraw–Wong)`);
        tr.add(got.F, ref.F, `${l} F`);
        expect(got.df1, l).toBe(ref.df1);
        expect(got.df2, l).toBe(ref.df2);
        tr.add(got.pValue, ref.p, `${l} p`);
        tr.add(got.confInt[0], ref.lower, `${l} lower`);
        tr.add(got.confInt[1], ref.upper, `${l} upper`);
      }
      tr.add(r.meanSquares.rows, c.mcgraw_wong['MSR'] as number, `${c.name} MSR`);
      tr.add(r.meanSquares.columns, c.mcgraw_wong['MSC'] as number, `${c.name} MSC`);
      tr.add(r.meanSquares.error, c.mcgraw_wong['MSE'] as number, `${c.name} MSE`);
      tr.add(r.meanSquares.within, c.mcgraw_wong['MSW'] as number, `${c.name} MSW`);
      if (c.name === 'with_missing') expect(r.nMissing).toBe(2);
    }
    console.info(`ICC: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('rejects constant subjects and a single rater', () => {
    expect(() => icc([[1], [2]])).toThrow(/at least 2 raters/);
    expect(() =>
      icc([
        [1, 1],
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(/subjects do not vary/);
  });
});

describe("Cohen's kappa", () => {
  it('kappa, linear and quadratic weighted kappa, variances and CI within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.kappa) {
      const u = cohenKappa(c.rater1, c.rater2);
      const l = cohenKappa(c.rater1, c.rater2, { weights: 'linear' });
      const q = cohenKappa(c.rater1, c.rater2, { weights: 'quadratic' });
      tr.add(u.kappa, c.psych_kappa, 'kappa vs psych');
      tr.add(u.variance, c.psych_var_kappa, 'var kappa vs psych');
      tr.add(q.kappa, c.psych_wkappa_quadratic, 'quadratic kappa vs psych');
      tr.add(l.kappa, c.psych_wkappa_linear, 'linear kappa vs psych');
      for (const [res, key] of [
        [u, 'unweighted'],
        [l, 'linear'],
        [q, 'quadratic'],
      ] as const) {
        tr.add(res.kappa, c.fce[key].kappa, `${key} kappa`);
        tr.add(res.variance, c.fce[key].var, `${key} variance (Fleiss–Cohen–Everitt)`);
        const z = 1.959963984540054;
        tr.add(res.confInt[0], Math.max(-1, c.fce[key].kappa - z * Math.sqrt(c.fce[key].var)), `${key} CI lo`);
      }
      const t = kappaFromTable(c.table);
      tr.add(t.kappa, c.psych_kappa, 'kappa from table');
    }
    console.info(`kappa: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('drops missing pairs and reports degenerate tables', () => {
    const r = cohenKappa(['a', 'b', null, 'a'], ['a', 'b', 'b', 'b']);
    expect(r.n).toBe(3);
    expect(r.nMissing).toBe(1);
    expect(() => cohenKappa(['a', 'a'], ['a', 'a'])).toThrow(/at least 2 categories/);
  });
});

describe('Bland–Altman', () => {
  it('bias, limits of agreement and their CIs within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.bland_altman) {
      const r = blandAltman(c.a, c.b);
      tr.add(r.bias, c.bias, 'bias');
      tr.add(r.sdDiff, c.sd, 'sd');
      tr.add(r.lowerLimit, c.lower, 'lower LoA');
      tr.add(r.upperLimit, c.upper, 'upper LoA');
      r.biasCi.forEach((v, i) => tr.add(v, c.bias_ci[i] as number, 'bias CI'));
      r.lowerLimitCi.forEach((v, i) => tr.add(v, c.lower_ci[i] as number, 'lower LoA CI'));
      r.upperLimitCi.forEach((v, i) => tr.add(v, c.upper_ci[i] as number, 'upper LoA CI'));
    }
    console.info(`Bland–Altman: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });
});
