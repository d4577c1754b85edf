/**
 * Logistic regression vs R 4.2.2 glm(family = binomial) with its default control
 * (reference: test/fixtures/r/logistic.json, written by test/fixtures/r/logistic.R):
 * coefficients, SE, z, p (summary.glm), Wald CIs (confint.default), deviance, null deviance,
 * AIC, BIC, iteration count, fitted values, anova(m0, m1, test = "Chisq"), and VIF by car::vif's
 * formula (det(R₋ⱼ₋ⱼ)/det(R) of the coefficient correlation matrix, written out in the script).
 * Tolerance 1e-8 relative (the same iterations as glm.fit, so only rounding differs).
 */
import { describe, expect, it } from 'vitest';
import { likelihoodRatioTest, logisticRegression, logisticVif, predictLogistic } from '../../../main/compute/stats/logistic.js';
import { StatsInputError } from '../../../main/compute/stats/common.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface Case {
  label: string;
  names: string[];
  coef: number[];
  se: number[];
  z: number[];
  p: number[];
  ci_lower: number[];
  ci_upper: number[];
  deviance: number;
  null_deviance: number;
  df_residual: number;
  df_null: number;
  aic: number;
  bic: number;
  loglik: number;
  iter: number;
  converged: boolean;
  fitted: number[];
  intercept: boolean;
  x: number[][];
  y: number[];
  warnings: string[];
}
interface Fx {
  cases: Case[];
  lrt: {
    x: number[][];
    y: number[];
    vif: number[];
    deviance0: number;
    deviance1: number;
    df: number;
    statistic: number;
    p_value: number;
  };
}
const fx = loadFixture<Fx>('logistic.json');
const byLabel = (l: string): Case => fx.cases.find((c) => c.label === l) as Case;

describe('logistic regression matches glm(family = binomial)', () => {
  it('converged fits: every statistic within 1e-8 relative', () => {
    const tr = new ErrorTracker();
    for (const c of fx.cases.filter((k) => !k.label.includes('separation'))) {
      const f = logisticRegression(c.x, c.y, { intercept: c.intercept, names: c.names.filter((n) => n !== '(Intercept)') });
      expect(f.iterations, c.label).toBe(c.iter);
      expect(f.converged).toBe(true);
      expect(f.separation).toBe('none');
      expect(f.warnings).toEqual([]);
      expect(f.coefficients.map((k) => k.name)).toEqual(c.names);
      f.coefficients.forEach((k, j) => {
        tr.add(k.estimate, c.coef[j] as number, `${c.label} coef ${j}`);
        tr.add(k.se, c.se[j] as number, `${c.label} se ${j}`);
        tr.add(k.z, c.z[j] as number, `${c.label} z ${j}`);
        tr.add(k.pValue, c.p[j] as number, `${c.label} p ${j}`);
        tr.add(k.confInt[0], c.ci_lower[j] as number, `${c.label} ci lo ${j}`);
        tr.add(k.confInt[1], c.ci_upper[j] as number, `${c.label} ci hi ${j}`);
        tr.add(k.oddsRatio, Math.exp(c.coef[j] as number), `${c.label} OR ${j}`);
      });
      tr.add(f.deviance, c.deviance, `${c.label} deviance`);
      tr.add(f.nullDeviance, c.null_deviance, `${c.label} null deviance`);
      tr.add(f.aic, c.aic, `${c.label} AIC`);
      tr.add(f.bic, c.bic, `${c.label} BIC`);
      tr.add(f.logLik, c.loglik, `${c.label} logLik`);
      expect(f.dfResidual).toBe(c.df_residual);
      expect(f.dfNull).toBe(c.df_null);
      c.fitted.forEach((v, i) => tr.add(f.fitted[i] as number, v, `${c.label} fitted ${i}`));
      const pred = predictLogistic(f, c.x);
      c.fitted.forEach((v, i) => tr.add(pred[i] as number, v, `${c.label} predict ${i}`));
    }
    console.info(`logistic vs glm: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-8);
  });

  it('accepts a column-major Float64Array and drops rows with NaN (na.omit)', () => {
    const c = byLabel('moderate');
    const n = c.y.length;
    const data = new Float64Array(n * c.x.length);
    c.x.forEach((col, j) => data.set(col, j * n));
    const f = logisticRegression({ data, nrow: n }, c.y);
    expect(Math.abs((f.coefficients[1]!.estimate - c.coef[1]!) / c.coef[1]!)).toBeLessThan(1e-10);
    const x = c.x.map((col) => [...col, NaN, 1]);
    const g = logisticRegression(x, [...c.y, 1, NaN]);
    expect(g.nMissing).toBe(2);
    expect(Math.abs((g.deviance - c.deviance) / c.deviance)).toBeLessThan(1e-12);
  });

  it('likelihood-ratio test of nested models as anova(m0, m1, test = "Chisq"), 1e-8', () => {
    const l = fx.lrt;
    const m0 = logisticRegression([l.x[0]!], l.y);
    const m1 = logisticRegression(l.x, l.y);
    const t = likelihoodRatioTest(m0, m1);
    const tr = new ErrorTracker();
    tr.add(m0.deviance, l.deviance0, 'deviance m0');
    tr.add(t.statistic, l.statistic, 'LR statistic');
    tr.add(t.pValue, l.p_value, 'LR p');
    expect(t.df).toBe(l.df);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-8);
    expect(() => likelihoodRatioTest(m1, m0)).toThrow(/fewer coefficients/);
  });

  it('variance inflation factors as car::vif, 1e-8', () => {
    const l = fx.lrt;
    const v = logisticVif(logisticRegression(l.x, l.y, { names: ['x1', 'x2', 'x3'] }));
    expect(v.map((k) => k.name)).toEqual(['x1', 'x2', 'x3']);
    const tr = new ErrorTracker();
    v.forEach((k, j) => tr.add(k.vif, l.vif[j] as number, `VIF ${k.name}`));
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-8);
    expect(() => logisticVif(logisticRegression([l.x[0]!], l.y))).toThrow(/at least 2 predictors/);
  });

  it('complete separation: same non-converged iterates as R (1e-6) and a clear warning or error', () => {
    const c = byLabel('complete_separation');
    expect(c.converged).toBe(false);
    expect(c.warnings.join(' ')).toMatch(/numerically 0 or 1/);
    const f = logisticRegression(c.x, c.y);
    expect(f.converged).toBe(false);
    expect(f.iterations).toBe(25);
    expect(f.separation).toBe('complete');
    expect(f.warnings.join(' ')).toMatch(/did not converge/);
    expect(f.warnings.join(' ')).toMatch(/numerically 0 or 1/);
    expect(f.warnings.join(' ')).toMatch(/complete separation/);
    // Divergent iterates: compare loosely, the point is the same algorithm (deviance ~ 1e-9).
    f.coefficients.forEach((k, j) => expect(Math.abs(k.estimate - c.coef[j]!) / Math.abs(c.coef[j]!)).toBeLessThan(1e-6));
    expect(() => logisticRegression(c.x, c.y, { onSeparation: 'error' })).toThrow(StatsInputError);
  });

  it('quasi-complete separation (R is silent): flagged, estimates still match R within 1e-6', () => {
    const c = byLabel('quasi_separation');
    expect(c.warnings).toEqual([]);
    const f = logisticRegression(c.x, c.y);
    expect(f.iterations).toBe(c.iter);
    expect(f.separation).toBe('quasi-complete');
    expect(f.warnings.join(' ')).toMatch(/quasi-complete separation/);
    const tr = new ErrorTracker();
    f.coefficients.forEach((k, j) => {
      tr.add(k.estimate, c.coef[j]!, `coef ${j}`);
      tr.add(k.se, c.se[j]!, `se ${j}`);
    });
    tr.add(f.deviance, c.deviance, 'deviance');
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-6);
  });

  it('bad input: clear messages', () => {
    expect(() => logisticRegression([[1, 2, 3, 4]], [1, 1, 1, 1])).toThrow(/both classes/);
    expect(() => logisticRegression([[1, 2, 3, 4]], [0, 2, 1, 0])).toThrow(/must be 0 or 1/);
    expect(() => logisticRegression([[1, 1, 1, 1, 1]], [0, 1, 1, 0, 1], { names: ['age'] })).toThrow(/'age' is constant/);
    expect(() => logisticRegression([[1, 2]], [0, 1])).toThrow(/need more rows/);
  });
});
