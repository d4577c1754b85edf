/**
 * ROC / DeLong vs pROC 1.18.0 on R 4.2.2 (reference: test/fixtures/r/roc_delong.json, written
 * by test/fixtures/r/roc_delong.R). Tolerances: curve points and AUC exact to 1e-12, DeLong
 * variance / CI / tests 1e-9 relative, proportion CIs 1e-9. The stratified bootstrap uses a
 * different random stream from R, so its CI is compared with pROC's at 0.015 absolute (Monte
 * Carlo error of 2000 replicates is ~0.003–0.006 here; one lattice step 1/(n·m) more for the
 * 4 × 4 example) and must be reproducible by seed.
 */
import { describe, expect, it } from 'vitest';
import { roc, type RocCurve } from '../../../main/compute/stats/roc/curve.js';
import { aucDelong, delongPairedTest, delongPairwiseMatrix, delongUnpairedTest } from '../../../main/compute/stats/roc/delong.js';
import { aucBootstrapCi } from '../../../main/compute/stats/roc/bootstrap.js';
import { metricsAtThreshold, proportionCi, youdenThreshold } from '../../../main/compute/stats/roc/threshold.js';
import { reclassification } from '../../../main/compute/stats/roc/reclassification.js';
import type { Alternative } from '../../../main/compute/stats/common.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface CurveFx {
  name: string;
  y: number[];
  x: number[];
  direction_arg: 'auto' | '<' | '>';
  direction: '<' | '>';
  thresholds: number[];
  sensitivities: number[];
  specificities: number[];
  auc: number;
  var_delong: number;
  ci_delong: number[];
  ci_boot: number[];
  best_thresholds: number[];
  best_se: number[];
  best_sp: number[];
}
interface Fx {
  reclassification: Record<string, number | number[]>;
  curves: CurveFx[];
  paired: { a: string; b: string; alternative: Alternative; statistic: number; p_value: number; conf_int: number[] }[];
  paired_ties: { y: number[]; x1: number[]; x2: number[]; statistic: number; p_value: number; conf_int: number[] };
  unpaired: { a: string; b: string; alternative: Alternative; statistic: number; df: number; p_value: number }[];
  proportions: { x: number; n: number; clopper_pearson: number[]; wilson: number[] }[];
}
const fx = loadFixture<Fx>('roc_delong.json');
const curves = new Map<string, RocCurve>();
for (const c of fx.curves) curves.set(c.name, roc(c.y, c.x, { direction: c.direction_arg }));

describe('ROC curve matches pROC roc()', () => {
  it('direction (incl. auto), thresholds, sensitivities, specificities, AUC', () => {
    const tr = new ErrorTracker();
    for (const c of fx.curves) {
      const r = curves.get(c.name)!;
      expect(r.direction, c.name).toBe(c.direction);
      expect(r.thresholds.length, c.name).toBe(c.thresholds.length);
      c.thresholds.forEach((t, i) => tr.add(r.thresholds[i] as number, t, `${c.name} threshold ${i}`));
      c.sensitivities.forEach((v, i) => tr.add(r.sensitivities[i] as number, v, `${c.name} se ${i}`, 1));
      c.specificities.forEach((v, i) => tr.add(r.specificities[i] as number, v, `${c.name} sp ${i}`, 1));
      tr.add(r.auc, c.auc, `${c.name} auc`);
    }
    console.info(`ROC curve: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-12);
  });

  it('Youden-optimal thresholds as coords(best, youden)', () => {
    for (const c of fx.curves) {
      const y = youdenThreshold(curves.get(c.name)!);
      expect(y.tiedThresholds.length, c.name).toBe(c.best_thresholds.length);
      y.tiedThresholds.forEach((t, i) => expect(t, c.name).toBeCloseTo(c.best_thresholds[i] as number, 12));
      expect(y.sensitivity).toBeCloseTo(c.best_se[0] as number, 12);
      expect(y.specificity).toBeCloseTo(c.best_sp[0] as number, 12);
    }
  });

  it('rejects a single class and bad outcome codes', () => {
    expect(() => roc([1, 1, 1], [0.2, 0.3, 0.4])).toThrow(/no controls/);
    expect(() => roc([0, 2, 1], [0.2, 0.3, 0.4])).toThrow(/row 2 is 2/);
  });
});

describe('DeLong matches pROC', () => {
  it('variance and 95% CI (ci.auc method = delong) within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.curves) {
      const d = aucDelong(curves.get(c.name)!);
      tr.add(d.variance, c.var_delong, `${c.name} var`, 1e-12);
      tr.add(d.confInt[0], c.ci_delong[0] as number, `${c.name} ci lo`);
      tr.add(d.confInt[1], c.ci_delong[1] as number, `${c.name} ci hi`);
    }
    console.info(`DeLong CI: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('paired test (Z, p, CI of the difference) incl. ties, and unpaired test (D, df, p) within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.paired) {
      const t = delongPairedTest(curves.get(c.a)!, curves.get(c.b)!, { alternative: c.alternative });
      tr.add(t.statistic, c.statistic, `paired Z ${c.alternative}`);
      tr.add(t.pValue, c.p_value, `paired p ${c.alternative}`);
      tr.add(t.confInt![0], c.conf_int[0] as number, 'paired CI lo');
      tr.add(t.confInt![1], c.conf_int[1] as number, 'paired CI hi');
    }
    const pt = fx.paired_ties;
    const t = delongPairedTest(roc(pt.y, pt.x1), roc(pt.y, pt.x2));
    tr.add(t.statistic, pt.statistic, 'paired ties Z');
    tr.add(t.pValue, pt.p_value, 'paired ties p');
    tr.add(t.confInt![0], pt.conf_int[0] as number, 'paired ties CI');
    for (const c of fx.unpaired) {
      const u = delongUnpairedTest(curves.get(c.a)!, curves.get(c.b)!, { alternative: c.alternative });
      tr.add(u.statistic, c.statistic, `unpaired D ${c.alternative}`);
      tr.add(u.df!, c.df, 'unpaired df');
      tr.add(u.pValue, c.p_value, `unpaired p ${c.alternative}`);
    }
    console.info(`DeLong tests: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('all-pairs matrix is symmetric and equals the pairwise tests', () => {
    const m = delongPairwiseMatrix([curves.get('marker1')!, curves.get('marker2')!]);
    expect(m[0]![1]).toBeCloseTo(fx.paired[0]!.p_value, 12);
    expect(m[1]![0]).toBe(m[0]![1]);
    expect(m[0]![0]).toBeNaN();
  });

  it('needs matching subjects for the paired test', () => {
    expect(() => delongPairedTest(curves.get('marker1')!, curves.get('small')!)).toThrow(/different cases\/controls/);
  });
});

describe('stratified bootstrap CI', () => {
  it('agrees with pROC within Monte-Carlo error and is reproducible by seed', () => {
    let worst = 0;
    for (const c of fx.curves) {
      const r = curves.get(c.name)!;
      const b = aucBootstrapCi(r, { replicates: 2000, seed: 2026 });
      // Tiny curves (4 cases × 4 controls) have AUCs on a lattice of step 1/(n·m): allow one step.
      const step = 1 / (r.cases.length * r.controls.length);
      const allowance = step > 0.01 ? step : 0;
      const dev = Math.max(Math.abs(b.confInt[0] - (c.ci_boot[0] as number)), Math.abs(b.confInt[1] - (c.ci_boot[1] as number)));
      worst = Math.max(worst, dev - allowance);
    }
    console.info(`bootstrap CI: max |ours − pROC| ${worst.toFixed(4)}`);
    expect(worst).toBeLessThan(0.015);
    const r = curves.get('marker1')!;
    // Resampling cases and controls independently leaves the Mann–Whitney AUC unbiased, and
    // the bootstrap SD estimates the DeLong SE: both checked against this curve's values.
    const big = aucBootstrapCi(curves.get('big')!, { replicates: 2000, seed: 9 });
    const reps = big.replicates;
    const mean = reps.reduce((a, b) => a + b, 0) / reps.length;
    const sd = Math.sqrt(reps.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps.length - 1));
    const se = Math.sqrt(aucDelong(curves.get('big')!).variance);
    expect(Math.abs(mean - big.auc)).toBeLessThan((4 * sd) / Math.sqrt(reps.length));
    expect(Math.abs(sd / se - 1)).toBeLessThan(0.1);
    expect(aucBootstrapCi(r, { replicates: 200, seed: 5 }).confInt).toEqual(
      aucBootstrapCi(r, { replicates: 200, seed: 5 }).confInt,
    );
    expect(aucBootstrapCi(r, { replicates: 200, seed: 5 }).confInt).not.toEqual(
      aucBootstrapCi(r, { replicates: 200, seed: 6 }).confInt,
    );
  });
});

describe('threshold metrics', () => {
  it('Clopper–Pearson = binom.test and Wilson = prop.test(correct = FALSE) within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const p of fx.proportions) {
      const cp = proportionCi(p.x, p.n, 'clopper-pearson');
      const w = proportionCi(p.x, p.n, 'wilson');
      tr.add(cp.confInt[0], p.clopper_pearson[0] as number, `CP lo ${p.x}/${p.n}`, 1e-12);
      tr.add(cp.confInt[1], p.clopper_pearson[1] as number, `CP hi ${p.x}/${p.n}`, 1e-12);
      tr.add(w.confInt[0], p.wilson[0] as number, `Wilson lo ${p.x}/${p.n}`, 1e-12);
      tr.add(w.confInt[1], p.wilson[1] as number, `Wilson hi ${p.x}/${p.n}`, 1e-12);
    }
    console.info(`proportion CIs: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('confusion matrix at the Youden threshold reproduces the curve point', () => {
    for (const c of fx.curves) {
      const r = curves.get(c.name)!;
      const y = youdenThreshold(r);
      const m = metricsAtThreshold(r, y.threshold);
      expect(m.sensitivity.estimate, c.name).toBeCloseTo(y.sensitivity, 14);
      expect(m.specificity.estimate, c.name).toBeCloseTo(y.specificity, 14);
      expect(m.tp + m.fn).toBe(r.cases.length);
      expect(m.tn + m.fp).toBe(r.controls.length);
      expect(m.f1).toBeCloseTo((2 * m.tp) / (2 * m.tp + m.fp + m.fn), 15);
    }
  });
});

describe('reclassification matches Hmisc::improveProb', () => {
  it('category-free NRI (total, events, non-events), IDI with SE and z, and categorical NRI within 1e-9', () => {
    const f = fx.reclassification;
    const num = (k: string): number => f[k] as number;
    const r = reclassification(f['old'] as number[], f['new'] as number[], f['y'] as number[]);
    const tr = new ErrorTracker();
    tr.add(r.nri.estimate, num('nri'), 'NRI');
    tr.add(r.nri.se, num('se_nri'), 'SE NRI');
    tr.add(r.nri.z, num('z_nri'), 'z NRI');
    tr.add(r.nriEvents.estimate, num('nri_ev'), 'NRI events');
    tr.add(r.nriEvents.se, num('se_nri_ev'), 'SE NRI events');
    tr.add(r.nriNonEvents.estimate, num('nri_ne'), 'NRI non-events');
    tr.add(r.nriNonEvents.se, num('se_nri_ne'), 'SE NRI non-events');
    tr.add(r.idi.estimate, num('idi'), 'IDI');
    tr.add(r.idi.se, num('se_idi'), 'SE IDI');
    tr.add(r.idi.z, num('z_idi'), 'z IDI');
    const c = reclassification(f['old'] as number[], f['new'] as number[], f['y'] as number[], f['cut_points'] as number[]);
    tr.add(c.nri.estimate, num('cat_nri'), 'categorical NRI');
    tr.add(c.nri.se, num('cat_se'), 'categorical NRI SE');
    tr.add(c.idi.estimate, num('idi'), 'IDI ignores categories');
    console.info(`reclassification: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
    expect(() => reclassification([0.1], [0.2], [1], [0.5, 0.2])).toThrow(/cut points must be increasing/);
  });
});
