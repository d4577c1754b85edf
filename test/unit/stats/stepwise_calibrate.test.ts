/**
 * Stepwise logistic selection vs R 4.2.2 stats::step() on glm(binomial), and the bootstrap
 * overfitting-corrected calibration curve vs rms 6.5 calibrate(lrm, method = "boot").
 * Reference: test/fixtures/r/stepwise_calibrate.json, written by stepwise_calibrate.R.
 * Tolerances: step path deviance/AIC and final coefficients 1e-8 relative (the same glm
 * iterations); calibration columns 1e-6 absolute on the probability scale (iterative fits; rms
 * stops lrm.fit's Newton steps at a −2 log L change below 0.025, RadStudy iterates to glm's
 * 1e-8, which moves the curves by far less than that).
 */
import { describe, expect, it } from 'vitest';
import { stepwiseLogistic } from '../../../main/compute/stats/stepwise.js';
import type { StepwiseTerm } from '../../../main/compute/stats/stepwise.js';
import {
  binnedCalibration,
  calibrateBootstrap,
  logisticCalibrationModel,
} from '../../../main/compute/stats/calibrateBootstrap.js';
import { hosmerLemeshow } from '../../../main/compute/stats/calibration.js';
import { StatsInputError } from '../../../main/compute/stats/common.js';
import { ErrorTracker, loadFixture } from './fixtures.js';

interface StepPath {
  step: string[];
  df: (number | null)[];
  deviance: (number | null)[];
  resid_dev: number[];
  aic: number[];
}
interface StepCase {
  label: string;
  direction: 'both' | 'backward' | 'forward';
  k: number;
  start: string[];
  keep: string[];
  selected: string[];
  coef_names: string[];
  coef: number[];
  deviance: number;
  path: StepPath;
}
interface PStep {
  action: '+' | '-';
  term: string;
  p: number;
  deviance: number;
}
interface PResult {
  steps: PStep[];
  selected: string[];
  coef: number[];
  deviance: number;
}
interface CalCase {
  label: string;
  B: number;
  x: number[][];
  y: number[];
  samples: number[][];
  predicted: number[];
  predy: number[];
  calibrated_orig: (number | null)[];
  calibrated_corrected: (number | null)[];
  training: (number | null)[];
  test: (number | null)[];
  optimism: (number | null)[];
  count: number[];
  mae: number;
  mse: number;
  q90: number;
}
interface Fx {
  stepwise: {
    data: Record<string, (number | null)[]>;
    n_complete: number;
    n_missing: number;
    cases: StepCase[];
    p_from_null: PResult;
    p_from_full: PResult;
  };
  calibrate: CalCase[];
}

const fx = loadFixture<Fx>('stepwise_calibrate.json');
const num = (a: (number | null)[]): Float64Array => Float64Array.from(a, (v) => (v === null ? NaN : v));
const data = fx.stepwise.data;
const col = (name: string): Float64Array => num(data[name] as (number | null)[]);
const terms: StepwiseTerm[] = [
  ...['x1', 'x2', 'x3', 'x4', 'x5', 'x6'].map((name) => ({ name, columns: [col(name)] })),
  { name: 'f', columns: [col('f_b'), col('f_c')], columnNames: ['fb', 'fc'] },
];
const y = col('y');

describe('stepwiseLogistic vs R step() (glm binomial)', () => {
  for (const c of fx.stepwise.cases) {
    it(`${c.label}: same path, same model, same coefficients`, () => {
      const res = stepwiseLogistic(terms, y, {
        direction: c.direction,
        criterion: Math.abs(c.k - 2) < 1e-12 ? 'aic' : 'bic',
        start: c.start,
        keep: c.keep,
      });
      expect(res.n).toBe(fx.stepwise.n_complete);
      expect(res.nMissing).toBe(fx.stepwise.n_missing);
      expect(res.k).toBeCloseTo(c.k, 12);
      // R's step$anova: '' for the start, then '- term' / '+ term'.
      const path = res.steps.map((s) => (s.action === 'start' ? '' : `${s.action} ${s.term}`));
      expect(path).toEqual(c.path.step);
      expect([...res.selected].sort()).toEqual([...c.selected].sort());
      const t = new ErrorTracker();
      res.steps.forEach((s, i) => {
        t.add(s.deviance, c.path.resid_dev[i] as number, `step ${i} deviance`);
        t.add(s.aic, c.path.aic[i] as number, `step ${i} AIC`);
      });
      t.add(res.fit.deviance, c.deviance, 'final deviance');
      // Coefficients: R orders them by the formula (terms in scope order, factor dummies last
      // in their term); RadStudy keeps the scope order too.
      expect(res.fit.coefficients.length).toBe(c.coef.length);
      const rNames = c.coef_names.map((nm) => nm.replace(/^f(b|c)$/, 'f$1'));
      for (let j = 0; j < c.coef.length; j++) {
        const nm = rNames[j] as string;
        const mine = res.fit.coefficients.find((k) => (nm === '(Intercept)' ? k.name === '(Intercept)' : k.name === nm));
        expect(mine, `coefficient ${nm}`).toBeDefined();
        t.add(mine!.estimate, c.coef[j] as number, `coef ${nm}`);
      }
      expect(t.max, t.worst).toBeLessThan(1e-8);
    });
  }

  for (const [label, start, r] of [
    ['from the null model', [] as string[], fx.stepwise.p_from_null],
    ['from the full model', terms.map((t) => t.name), fx.stepwise.p_from_full],
  ] as const) {
    it(`p-value stepwise (LR test, enter 0.05 / stay 0.10) ${label}: R drop1/add1 p-values on the path`, () => {
      const res = stepwiseLogistic(terms, y, { criterion: 'p', direction: 'both', start: [...start] });
      const moves = res.steps.slice(1);
      expect(moves.map((s) => `${s.action} ${s.term}`)).toEqual(r.steps.map((s) => `${s.action} ${s.term}`));
      const t = new ErrorTracker();
      moves.forEach((s, i) => {
        t.add(s.pValue as number, (r.steps[i] as PStep).p, `step ${i + 1} p`);
        t.add(s.deviance, (r.steps[i] as PStep).deviance, `step ${i + 1} deviance`);
      });
      t.add(res.fit.deviance, r.deviance, 'final deviance');
      expect(res.fit.coefficients.map((k) => k.estimate).length).toBe(r.coef.length);
      expect(res.selected).toEqual(r.selected);
      expect(t.max, t.worst).toBeLessThan(1e-8);
    });
  }

  it('every step lists the changes it considered, with R-style LR tests', () => {
    const res = stepwiseLogistic(terms, y, { direction: 'backward' });
    const first = res.steps[1]!;
    // The first backward step considers every one of the 7 terms, the factor on 2 df.
    expect(first.candidates).toHaveLength(7);
    expect(first.candidates.find((c) => c.term === 'f')!.df).toBe(2);
    for (const c of first.candidates) expect(c.pValue).toBeGreaterThan(0);
  });

  it('bad input: unknown forced term, no terms, pEnter above pRemove, length mismatch', () => {
    expect(() => stepwiseLogistic(terms, y, { keep: ['age'] })).toThrow(/forced term 'age' is not a candidate/);
    expect(() => stepwiseLogistic([], y)).toThrow(StatsInputError);
    expect(() => stepwiseLogistic(terms, y, { criterion: 'p', pEnter: 0.2, pRemove: 0.1 })).toThrow(/enter and leave forever/);
    expect(() => stepwiseLogistic([{ name: 'short', columns: [new Float64Array(3)] }], y)).toThrow(
      /'short' has 3 values, the outcome 160/,
    );
  });

  it('an all-one-class outcome is refused with a message, not NaN', () => {
    const ones = new Float64Array(y.length).fill(1);
    expect(() => stepwiseLogistic(terms, ones)).toThrow(StatsInputError);
  });
});

describe('calibrateBootstrap vs rms::calibrate(method = "boot")', () => {
  for (const c of fx.calibrate) {
    it(`${c.label}: apparent, corrected, optimism, n and the error summary equal rms's`, () => {
      const x = c.x.map((v) => Float64Array.from(v));
      const yy = Float64Array.from(c.y);
      const model = logisticCalibrationModel(x, yy);
      const samples = c.samples.map((s) => Int32Array.from(s));
      const isGrid = c.label.includes('grid');
      const res = calibrateBootstrap(model, yy, { samples, ...(isGrid ? { predy: c.predy } : {}) });
      expect(res.B).toBe(c.B);
      expect(res.failed).toBe(0);
      const t = new ErrorTracker();
      c.predy.forEach((v, k) => t.add(res.predy[k] as number, v, `predy[${k}]`, 1));
      const cols = [
        ['apparent', res.apparent, c.calibrated_orig],
        ['corrected', res.corrected, c.calibrated_corrected],
        ['training', res.training, c.training],
        ['test', res.test, c.test],
        ['optimism', res.optimism, c.optimism],
      ] as const;
      for (const [name, mine, ref] of cols) {
        ref.forEach((v, k) => t.add(mine[k] as number, v === null ? NaN : v, `${name}[${k}]`, 1));
      }
      expect(Array.from(res.count)).toEqual(c.count);
      t.add(res.meanAbsoluteError, c.mae, 'mean absolute error', 1);
      t.add(res.meanSquaredError, c.mse, 'mean squared error', 1);
      t.add(res.quantile90AbsoluteError, c.q90, '0.9 quantile of |error|', 1);
      expect(t.max, t.worst).toBeLessThan(1e-6);
    });
  }

  it('the overfitted model shows a real optimism: the corrected curve is flatter than the apparent one', () => {
    const c = fx.calibrate.find((k) => k.label.startsWith('overfit'))!;
    const res = calibrateBootstrap(
      logisticCalibrationModel(
        c.x.map((v) => Float64Array.from(v)),
        Float64Array.from(c.y),
      ),
      Float64Array.from(c.y),
      { B: 50, seed: 7 },
    );
    // Seeded RadStudy samples (not R's): the same qualitative result as rms.
    const k = 45; // a high predicted risk
    expect(res.optimism[k]).toBeGreaterThan(0);
    expect(res.corrected[k]).toBeLessThan(res.apparent[k] as number);
    expect(res.meanAbsoluteError).toBeGreaterThan(0.02);
  });

  it('reports progress, and refuses bad input with a message', () => {
    const c = fx.calibrate[0]!;
    const x = c.x.map((v) => Float64Array.from(v));
    const yy = Float64Array.from(c.y);
    const seen: number[] = [];
    calibrateBootstrap(logisticCalibrationModel(x, yy), yy, { B: 5, seed: 3, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const withNaN = x.map((v) => v.slice());
    withNaN[1]![9] = NaN;
    expect(() => logisticCalibrationModel(withNaN, yy)).toThrow(/predictor 2 is missing at row 10/);
    expect(() =>
      calibrateBootstrap(
        logisticCalibrationModel(x, yy),
        yy.map(() => 0),
      ),
    ).toThrow(/all outcomes are 0/);
    expect(() => calibrateBootstrap(logisticCalibrationModel(x, yy), yy, { B: 0 })).toThrow(/B must be a positive integer/);
  });

  it('binned calibration uses the Hosmer–Lemeshow groups with Wilson intervals', () => {
    const c = fx.calibrate[0]!;
    const p = Float64Array.from(c.predicted);
    const yy = Float64Array.from(c.y);
    const bins = binnedCalibration(p, yy, 10);
    const hl = hosmerLemeshow(p, yy, 10);
    expect(bins).toHaveLength(hl.groups.length);
    let total = 0;
    bins.forEach((b, i) => {
      total += b.n;
      const g = hl.groups[i]!;
      expect(b.observed).toBeCloseTo(g.observed / g.n, 14);
      expect(b.confInt[0]).toBeLessThanOrEqual(b.observed);
      expect(b.confInt[1]).toBeGreaterThanOrEqual(b.observed);
    });
    expect(total).toBe(p.length);
  });
});
