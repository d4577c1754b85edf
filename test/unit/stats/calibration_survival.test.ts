/**
 * Calibration, decision curves and survival vs R 4.2.2 (reference:
 * test/fixtures/r/calibration_survival.json, written by test/fixtures/r/calibration_survival.R):
 * rms 6.5.0 val.prob and glm (iterative fits: 1e-6 relative, the tolerance for
 * iterative quantities), Hmisc::somers2 for the exact rank C / Dxy, Hosmer–Lemeshow in the
 * ResourceSelection convention and net benefit (closed forms: 1e-9), survival 3.5.3 survfit /
 * survdiff (1e-9), coxph with Efron ties run to eps = 1e-12 (1e-9).
 */
import { describe, expect, it } from 'vitest';
import { hosmerLemeshow, valProb } from '../../../main/compute/stats/calibration.js';
import { lowess } from '../../../main/compute/stats/lowess.js';
import { decisionCurve, decisionCurveBootstrap } from '../../../main/compute/stats/decisionCurve.js';
import { kaplanMeier, kaplanMeierQuantile, logRankTest } from '../../../main/compute/stats/survival.js';
import { coxPH } from '../../../main/compute/stats/cox.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface Fx {
  calibration: {
    p: number[];
    y: number[];
    brier: number;
    intercept: number;
    slope: number;
    c: number;
    dxy: number;
    c_valprob: number;
    dxy_valprob: number;
    u_chisq: number;
    u_p: number;
    s_z: number;
    s_p: number;
    citl: number;
    emax: number;
    e90: number;
    eavg: number;
    lowess_y: number[];
    lowess3_y: number[];
    hoslem: { statistic: number; df: number; p_value: number };
    dca: { threshold: number; net_benefit: number; treat_all: number; snb: number; avoided: number }[];
  }[];
  survival: {
    time: number[];
    status: number[];
    group: string[];
    km: Record<'time' | 'n_risk' | 'n_event' | 'n_censor' | 'surv' | 'std_err' | 'lower' | 'upper', (number | null)[]>;
    logrank2: { chisq: number; obs: number[]; exp: number[] };
    logrank3: { chisq: number; obs: number[]; exp: number[] };
  }[];
}
const fx = loadFixture<Fx>('calibration_survival.json');
const nan = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);

describe('calibration matches rms::val.prob', () => {
  it('Brier, C, Dxy, Spiegelhalter, Emax/E90/Eavg, lowess (1e-9); recalibration intercept/slope, U, calibration-in-the-large (1e-6)', () => {
    const closed = new ErrorTracker();
    const iter = new ErrorTracker();
    for (const c of fx.calibration) {
      const r = valProb(c.p, c.y);
      const l = `n=${c.p.length}`;
      closed.add(r.brier, c.brier, `${l} Brier`);
      closed.add(r.c, c.c, `${l} C`);
      closed.add(r.dxy, c.dxy, `${l} Dxy`);
      // val.prob's own C/Dxy come from lrm.fit's binned predictions: agree to ~1e-4 only.
      expect(Math.abs(r.c - c.c_valprob), `${l} C vs val.prob`).toBeLessThan(1e-3);
      expect(Math.abs(r.dxy - c.dxy_valprob), `${l} Dxy vs val.prob`).toBeLessThan(2e-3);
      closed.add(r.spiegelhalterZ, c.s_z, `${l} S:z`);
      closed.add(r.spiegelhalterP, c.s_p, `${l} S:p`);
      closed.add(r.eMax, c.emax, `${l} Emax`);
      closed.add(r.e90, c.e90, `${l} E90`);
      closed.add(r.eAvg, c.eavg, `${l} Eavg`);
      r.smooth.y.forEach((v, i) => closed.add(v, c.lowess_y[i] as number, `${l} lowess(iter = 0)[${i}]`, 1e-6));
      lowess(c.p, c.y).y.forEach((v, i) => closed.add(v, c.lowess3_y[i] as number, `${l} lowess(iter = 3)[${i}]`, 1e-6));
      iter.add(r.intercept, c.intercept, `${l} intercept`);
      iter.add(r.slope, c.slope, `${l} slope`);
      iter.add(r.uChiSq, c.u_chisq, `${l} U chi-sq`);
      // R forms U:p as 1 − pchisq(...), exact only to ~1e-16 absolute: compare on scale 1e-6.
      iter.add(r.uPValue, c.u_p, `${l} U p`, 1e-6);
      iter.add(r.calibrationInTheLarge, c.citl, `${l} calibration-in-the-large`);
    }
    console.info(`val.prob: closed-form max rel err ${closed.max.toExponential(2)}, iterative ${iter.max.toExponential(2)}`);
    expect(closed.max, closed.worst).toBeLessThanOrEqual(1e-9);
    expect(iter.max, iter.worst).toBeLessThanOrEqual(1e-6);
  });

  it('Hosmer–Lemeshow (g = 10) and net benefit within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.calibration) {
      const h = hosmerLemeshow(c.p, c.y);
      tr.add(h.statistic, c.hoslem.statistic, `HL n=${c.p.length}`);
      // hoslem.test's p is 1 − pchisq(...), exact only to ~1e-16 absolute: compare on scale 1e-6.
      tr.add(h.pValue, c.hoslem.p_value, `HL p n=${c.p.length}`, 1e-6);
      expect(h.df).toBe(c.hoslem.df);
      expect(h.groups.reduce((a, g) => a + g.n, 0)).toBe(c.p.length);
      const d = decisionCurve(
        c.p,
        c.y,
        c.dca.map((x) => x.threshold),
      );
      d.points.forEach((pt, i) => {
        const ref = c.dca[i]!;
        tr.add(pt.netBenefit, ref.net_benefit, `NB ${ref.threshold}`, 1e-6);
        tr.add(pt.treatAll, ref.treat_all, `treat all ${ref.threshold}`, 1e-6);
        tr.add(pt.standardizedNetBenefit, ref.snb, `sNB ${ref.threshold}`, 1e-6);
        tr.add(pt.interventionsAvoidedPer100, ref.avoided, `avoided ${ref.threshold}`, 1e-6);
      });
    }
    console.info(`HL / DCA: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('bootstrap net-benefit bands: reproducible by seed, around the estimate, narrower with more data', () => {
    // Reference: the point estimates above (R-validated) and the bootstrap's own properties.
    const small = fx.calibration[1]!; // n = 300
    const big = fx.calibration[2]!; // n = 2000
    const thr = [0.1, 0.2, 0.3, 0.4];
    const a = decisionCurveBootstrap(small.p, small.y, thr, { replicates: 300, seed: 4 });
    expect(decisionCurveBootstrap(small.p, small.y, thr, { replicates: 300, seed: 4 })).toEqual(a);
    const point = decisionCurve(small.p, small.y, thr).points;
    a.forEach((band, i) => {
      expect(band.lower).toBeLessThanOrEqual(point[i]!.netBenefit);
      expect(band.upper).toBeGreaterThanOrEqual(point[i]!.netBenefit);
      expect(band.treatAllLower).toBeLessThanOrEqual(point[i]!.treatAll);
    });
    const b = decisionCurveBootstrap(big.p, big.y, thr, { replicates: 300, seed: 4 });
    const width = (x: typeof a): number => x.reduce((s, v) => s + v.upper - v.lower, 0);
    // Width scales like 1/√n: 2000 vs 300 subjects should give roughly 0.39× the width.
    expect(width(b) / width(a)).toBeGreaterThan(0.25);
    expect(width(b) / width(a)).toBeLessThan(0.6);
  });

  it('rejects single-class outcomes and probabilities outside [0, 1]', () => {
    expect(() => valProb([0.2, 0.3], [1, 1])).toThrow(/both classes/);
    expect(() => hosmerLemeshow([0.2, 1.3, 0.5], [0, 1, 0])).toThrow(/row 2 is 1.3/);
  });
});

describe('survival matches survival::survfit / survdiff', () => {
  it('Kaplan–Meier table (n at risk, events, censored, S, std.err, log CI) within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.survival) {
      const km = kaplanMeier(c.time, c.status);
      expect(km.rows.length).toBe(c.km.time.length);
      km.rows.forEach((r, i) => {
        expect(r.time).toBe(c.km.time[i]);
        expect(r.nRisk).toBe(c.km.n_risk[i]);
        expect(r.nEvent).toBe(c.km.n_event[i]);
        expect(r.nCensor).toBe(c.km.n_censor[i]);
        tr.add(r.survival, nan(c.km.surv[i]), `S(${r.time})`, 1e-6);
        tr.add(r.stdErr, nan(c.km.std_err[i]), `se(${r.time})`, 1e-6);
        tr.add(r.lower, nan(c.km.lower[i]), `lower(${r.time})`, 1e-6);
        tr.add(r.upper, nan(c.km.upper[i]), `upper(${r.time})`, 1e-6);
      });
    }
    console.info(`Kaplan–Meier: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('log-rank test for 2 and 3 groups (chi-square, observed, expected) within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of fx.survival) {
      const keep = c.group.map((g) => g !== 'C');
      const two = logRankTest(
        c.time.filter((_, i) => keep[i]),
        c.status.filter((_, i) => keep[i]),
        c.group.filter((_, i) => keep[i]),
      );
      tr.add(two.statistic, c.logrank2.chisq, 'log-rank 2 groups');
      two.expected.forEach((e, i) => tr.add(e, c.logrank2.exp[i] as number, 'expected'));
      expect(two.observed).toEqual(c.logrank2.obs);
      const three = logRankTest(c.time, c.status, c.group);
      tr.add(three.statistic, c.logrank3.chisq, 'log-rank 3 groups');
      three.expected.forEach((e, i) => tr.add(e, c.logrank3.exp[i] as number, 'expected'));
      expect(three.df).toBe(2);
    }
    console.info(`log-rank: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });
});

interface CoxFx {
  time: number[];
  status: number[];
  age: (number | null)[];
  grp: number[];
  score: number[];
  coef: number[];
  se: number[];
  p: number[];
  loglik: number[];
  lr: number;
  wald: number;
  score_test: number;
  concordance: number;
  ci_lower: number[];
  ci_upper: number[];
}

describe('Cox model matches survival::coxph (Efron ties)', () => {
  it('coefficients, SE, p, HR CI, log-likelihoods, LR/Wald/score tests, concordance within 1e-9', () => {
    const tr = new ErrorTracker();
    for (const c of loadFixture<{ cox: CoxFx[] }>('calibration_survival.json').cox) {
      const r = coxPH(c.time, c.status, [c.age.map(nan), c.grp, c.score], { names: ['age', 'grp', 'score'] });
      expect(r.nMissing).toBe(1);
      r.coefficients.forEach((k, i) => {
        tr.add(k.coef, c.coef[i] as number, `${k.name} coef`);
        tr.add(k.se, c.se[i] as number, `${k.name} se`);
        tr.add(k.pValue, c.p[i] as number, `${k.name} p`);
        tr.add(k.confInt[0], c.ci_lower[i] as number, `${k.name} HR lower`);
        tr.add(k.confInt[1], c.ci_upper[i] as number, `${k.name} HR upper`);
      });
      tr.add(r.logLikNull, c.loglik[0] as number, 'loglik null');
      tr.add(r.logLik, c.loglik[1] as number, 'loglik');
      tr.add(r.likelihoodRatio.statistic, c.lr, 'LR');
      tr.add(r.wald.statistic, c.wald, 'Wald');
      tr.add(r.score.statistic, c.score_test, 'score');
      tr.add(r.concordance, c.concordance, 'concordance');
      expect(r.warnings).toEqual([]);
    }
    console.info(`Cox: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-9);
  });

  it('reports constant covariates and missing events', () => {
    expect(() => coxPH([1, 2, 3], [1, 0, 1], [[1, 1, 1]], { names: ['site'] })).toThrow(/'site' is constant/);
    expect(() => coxPH([1, 2, 3], [0, 0, 0], [[1, 2, 3]])).toThrow(/no events/);
  });
});

describe('Kaplan–Meier quantiles match quantile.survfit', () => {
  it('25th/50th/75th percentiles and their limits, incl. flat stretches at exactly 1 − p', () => {
    const fxq = loadFixture<{
      km_quantiles: {
        time: number[];
        status: number[];
        probs: number[];
        quantile: (number | null)[];
        lower: (number | null)[];
        upper: (number | null)[];
      }[];
    }>('calibration_survival.json').km_quantiles;
    const tr = new ErrorTracker();
    for (const c of fxq) {
      const km = kaplanMeier(c.time, c.status);
      c.probs.forEach((p, i) => {
        const q = kaplanMeierQuantile(km.rows, p);
        for (const [got, ref, what] of [
          [q.estimate, c.quantile[i], 'estimate'],
          [q.lower, c.lower[i], 'lower'],
          [q.upper, c.upper[i], 'upper'],
        ] as const) {
          if (ref === null) expect(got, `${what} p=${p} n=${c.time.length}`).toBeNaN();
          else tr.add(got, ref, `${what} p=${p} n=${c.time.length}`);
        }
      });
    }
    console.info(`KM quantiles: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-12);
  });
});
