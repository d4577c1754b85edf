/**
 * Binomial LASSO / elastic net vs R glmnet 4.1.6 (reference: test/fixtures/r/glmnet_binomial.json,
 * written by test/fixtures/r/glmnet_binomial.R): the λ sequence (1e-10 relative) and its length
 * (glmnet's early stop); coefficients at every λ, as error relative to max(|β|, 0.05) at that λ,
 * against glmnet run to thresh = 1e-15 (i.e. the optimum: 1e-6) and against glmnet with its
 * default thresh = 1e-7 (within glmnet's own distance from its optimum, + 1e-6: default glmnet is
 * only 2e-4 … 3.5e-3 from its tight solution on these data, so a flat 1e-4 is not attainable);
 * deviance ratio (absolute; 1e-6 vs tight, glmnet's own gap + 1e-6 vs default); cv.glmnet(type.measure = "deviance") with fixed fold ids:
 * cvm and cvsd vs the tight run (1e-5 relative), λ.min and λ.1se identical to default cv.glmnet.
 */
import { describe, expect, it } from 'vitest';
import { cvGlmnetBinomial, glmnetBinomial } from '../../../main/compute/stats/glmnet.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface PathFx {
  lambda: number[];
  dev_ratio: number[];
  nulldev: number;
  coef: number[][];
}
interface Case {
  label: string;
  alpha: number;
  x: number[][];
  y: number[];
  foldid: number[];
  default: PathFx;
  tight: PathFx;
  cv: { lambda: number[]; cvm: number[]; cvsd: number[]; lambda_min: number; lambda_1se: number };
  cv_tight: { cvm: number[]; cvsd: number[]; lambda_min: number; lambda_1se: number };
}
const fx = loadFixture<{ cases: Case[] }>('glmnet_binomial.json');

/** Largest scaled coefficient difference between two R paths (glmnet's own convergence error). */
function pathGap(a: PathFx, b: PathFx): number {
  let m = 0;
  b.coef.forEach((cf, k) => {
    const scale = Math.max(0.05, ...cf.slice(1).map(Math.abs));
    cf.forEach((v, j) => (m = Math.max(m, Math.abs((a.coef[k]![j] as number) - v) / scale)));
  });
  return m;
}

function comparePath(c: Case, ref: PathFx, tr: ErrorTracker, trDev: ErrorTracker): void {
  const fit = glmnetBinomial(c.x, c.y, { alpha: c.alpha });
  expect(fit.lambda.length, c.label).toBe(ref.lambda.length);
  ref.lambda.forEach((l, k) => expect(Math.abs((fit.lambda[k] as number) - l) / l).toBeLessThan(1e-10));
  ref.coef.forEach((cf, k) => {
    const scale = Math.max(0.05, ...cf.slice(1).map(Math.abs));
    tr.add(fit.intercept[k] as number, cf[0] as number, `${c.label} λ${k} intercept`, scale);
    cf.slice(1).forEach((v, j) => tr.add((fit.beta[k] as Float64Array)[j] as number, v, `${c.label} λ${k} β${j + 1}`, scale));
    trDev.add(fit.devRatio[k] as number, ref.dev_ratio[k] as number, `${c.label} λ${k} dev ratio`, 1);
  });
}

describe('glmnet binomial path', () => {
  it('matches glmnet run to thresh 1e-15 within 1e-6 (coefficients, deviance ratio)', () => {
    const tr = new ErrorTracker();
    const trDev = new ErrorTracker();
    for (const c of fx.cases) comparePath(c, c.tight, tr, trDev);
    console.info(`glmnet vs tight glmnet: coef ${tr.max.toExponential(2)}, dev ratio ${trDev.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-6);
    expect(trDev.max, trDev.worst).toBeLessThanOrEqual(1e-6);
  });

  it('matches default glmnet (thresh 1e-7) as closely as glmnet matches its own optimum', () => {
    for (const c of fx.cases) {
      const tr = new ErrorTracker();
      const trDev = new ErrorTracker();
      comparePath(c, c.default, tr, trDev);
      const gap = pathGap(c.default, c.tight);
      console.info(
        `${c.label} vs default glmnet: coef ${tr.max.toExponential(2)} (glmnet default vs tight ${gap.toExponential(2)})`,
      );
      expect(tr.max, tr.worst).toBeLessThanOrEqual(gap + 1e-6);
      const devGap = Math.max(...c.default.dev_ratio.map((v, k) => Math.abs(v - (c.tight.dev_ratio[k] as number))));
      expect(trDev.max, trDev.worst).toBeLessThanOrEqual(devGap + 1e-6);
    }
  });

  it('cv.glmnet with fixed folds: cvm, cvsd within 1e-5 of the tight run, same λ.min and λ.1se', () => {
    const tr = new ErrorTracker();
    for (const c of fx.cases) {
      const cv = cvGlmnetBinomial(c.x, c.y, c.foldid, { alpha: c.alpha });
      expect(cv.lambda.length).toBe(c.cv.lambda.length);
      c.cv_tight.cvm.forEach((v, k) => tr.add(cv.cvm[k] as number, v, `${c.label} cvm ${k}`));
      c.cv_tight.cvsd.forEach((v, k) => tr.add(cv.cvsd[k] as number, v, `${c.label} cvsd ${k}`));
      expect(c.cv_tight.lambda_min).toBe(c.cv.lambda_min);
      expect(Math.abs(cv.lambdaMin - c.cv.lambda_min) / c.cv.lambda_min, c.label).toBeLessThan(1e-10);
      expect(Math.abs(cv.lambda1se - c.cv.lambda_1se) / c.cv.lambda_1se, c.label).toBeLessThan(1e-10);
    }
    console.info(`cv.glmnet: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-5);
  });
});

describe('glmnet input checks', () => {
  it('rejects constant predictors, one-class outcomes and bad fold ids', () => {
    expect(() => glmnetBinomial([[1, 1, 1, 1]], [0, 1, 0, 1])).toThrow(/predictor 1 is constant/);
    expect(() => glmnetBinomial([[1, 2, 3, 4]], [1, 1, 1, 1])).toThrow(/single class/);
    expect(() => glmnetBinomial([[1, 2, 3, 4]], [0, 1, NaN, 1])).toThrow(/must be 0 or 1/);
    expect(() => cvGlmnetBinomial([[1, 2, 3, 4]], [0, 1, 0, 1], [1, 1, 2, 2])).toThrow(/at least 3 folds/);
  });
});

describe('glmnet pass budget (maxit)', () => {
  it('ends the path at the last λ it solved when the passes run out, as glmnet does, and says where', () => {
    // Reference: glmnet's Fortran returns the solutions for the larger λ with error code −k when
    // maxit is exceeded; the solved part of the path must equal the unbounded fit exactly.
    const c = fx.cases.find((k) => k.label === 'lasso_n40_p60')!;
    const full = glmnetBinomial(c.x, c.y, { alpha: c.alpha });
    const cut = glmnetBinomial(c.x, c.y, { alpha: c.alpha, maxPasses: 300 });
    expect(full.stopped).toBeNull();
    expect(cut.stopped).not.toBeNull();
    expect(cut.lambda.length).toBeGreaterThan(1);
    expect(cut.lambda.length).toBeLessThan(full.lambda.length);
    expect(cut.stopped!.at).toBe(full.lambda[cut.lambda.length]);
    for (let k = 0; k < cut.lambda.length; k++) {
      expect(cut.intercept[k]).toBe(full.intercept[k]);
      expect(Array.from(cut.beta[k]!)).toEqual(Array.from(full.beta[k]!));
    }
    expect(() => glmnetBinomial(c.x, c.y, { alpha: c.alpha, maxPasses: 1 })).toThrow(/no solution at the largest λ/);
  });
});
