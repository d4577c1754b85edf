/**
 * Nomogram construction against rms::nomogram.
 *
 * Reference: test/fixtures/r/nomogram.json, written by test/fixtures/r/nomogram.R (rms 6.5.0):
 * an lrm with two continuous predictors and a 3-level factor, explicit axis values, lp.at and a
 * plogis risk axis. Tolerance: 1e-9 points (closed-form arithmetic on the same coefficients),
 * except the risk ticks: rms places fun.at ticks by interpolating fun over a grid of the linear
 * predictor, we invert the logit exactly; they differ by 2e-5 points, so 1e-4 points there.
 */
import { describe, expect, it } from 'vitest';
import { buildNomogram, prettyTicks } from '../../../main/compute/stats/nomogram.js';
import { loadFixture } from './fixtures.js';

interface Fx {
  coefficients: number[];
  a: { at: number[]; points: number[] };
  b: { at: number[]; points: number[] };
  g: { at: string[]; points: number[] };
  scale: number;
  lp: { at: number[]; points: number[] };
  risk: { at: number[]; points: number[] };
}
const fx = loadFixture<Fx>('nomogram.json');

describe('nomogram (rms::nomogram)', () => {
  const [b0, ba, bb, by, bz] = fx.coefficients as [number, number, number, number, number];
  const nom = buildNomogram(
    b0,
    [
      { name: 'a', kind: 'continuous', beta: ba, at: fx.a.at },
      { name: 'b', kind: 'continuous', beta: bb, at: fx.b.at },
      { name: 'g', kind: 'factor', levels: ['x', 'y', 'z'], beta: [0, by, bz] },
    ],
    { lpAt: fx.lp.at, riskAt: [0.1, 0.25, 0.5, 0.75, 0.9] },
  );
  const close = (got: number[], want: number[], tol = 1e-9) => {
    expect(got).toHaveLength(want.length);
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(tol));
  };

  it('gives each axis value the points rms gives', () => {
    expect(Math.abs(nom.scale - fx.scale)).toBeLessThan(1e-9);
    close(nom.predictors[0]!.points, fx.a.points);
    close(nom.predictors[1]!.points, fx.b.points);
    close(nom.predictors[2]!.points, fx.g.points);
  });

  it('places the linear-predictor and risk ticks where rms does, dropping risks outside the lp axis', () => {
    close(nom.lp.points, fx.lp.points);
    expect(nom.risk.at).toEqual(fx.risk.at);
    close(nom.risk.points, fx.risk.points, 1e-4);
  });

  it('total points of a patient give back the model probability', () => {
    // a = 50, b = 0.5, g = y
    const total = nom.predictors[0]!.points[2]! + nom.predictors[1]!.points[2]! + nom.predictors[2]!.points[1]!;
    const lp = nom.lpAtZero + total / nom.scale;
    expect(lp).toBeCloseTo(b0 + ba * 50 + bb * 0.5 + by, 12);
  });

  it('pretty ticks and bad input', () => {
    expect(prettyTicks(-2.3, 2.6)).toEqual([-2, -1, 0, 1, 2]);
    expect(prettyTicks(0.03, 0.97)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(() => buildNomogram(0, [])).toThrow(/at least one predictor/);
    expect(() => buildNomogram(0, [{ name: 'z', kind: 'continuous', beta: 0, at: [1, 2] }])).toThrow(/zero coefficient/);
  });
});
