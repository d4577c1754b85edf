/**
 * Distribution functions vs R 4.2.2 (reference: test/fixtures/r/distributions.json, written by
 * test/fixtures/r/distributions.R). Tolerance: 1e-10 relative for every p and q value.
 * Quantiles: 1e-10 relative; where R's answer is below 1e-14 (R's qt(0.5, ·) = 2.6e-16 for 0)
 * ours must be below 1e-14 too.
 * Where R's own answer does not reproduce p (R's round trip |p(q(p)) − p|/min(p, 1−p) > 1e-11,
 * e.g. qt with df < 1 in the far tail, qf near 0 through R's 1/qbeta − 1), the defining
 * equation is checked instead: our round trip must be ≤ 1e-12 and better than R's. For central
 * quantiles of the normal and t (|p − ½| < ¼, where the answer is tiny) the round trip is taken
 * on F(q) − ½ = sign(q)·pchisq(q², 1)/2 (t: pf(q², 1, ν)/2) relative to p − ½, which R's own
 * upper-tail qnorm (through 1 − p) and qt near ½ miss by up to 3e-7.
 */
import { describe, expect, it } from 'vitest';
import * as D from '../../../main/compute/stats/distributions/index.js';
import { ErrorTracker, loadFixture, relErr } from './fixtures.js';

interface DistCase {
  dist: 'norm' | 't' | 'chisq' | 'gamma' | 'f' | 'beta';
  fn: 'p' | 'q';
  params: number[];
  x: number;
  lower: boolean;
  value: number;
  r_roundtrip?: number;
  central?: boolean;
}

const fx = loadFixture<{ cases: DistCase[] }>('distributions.json');

function cdf(c: DistCase, q: number): number {
  const [a = NaN, b = NaN] = c.params;
  switch (c.dist) {
    case 'norm':
      return D.pnorm(q, a, b, c.lower);
    case 't':
      return D.pt(q, a, c.lower);
    case 'chisq':
      return D.pchisq(q, a, c.lower);
    case 'gamma':
      return D.pgamma(q, a, b, c.lower);
    case 'f':
      return D.pf(q, a, b, c.lower);
    case 'beta':
      return D.pbeta(q, a, b, c.lower);
  }
}

function quantile(c: DistCase, p: number): number {
  const [a = NaN, b = NaN] = c.params;
  switch (c.dist) {
    case 'norm':
      return D.qnorm(p, a, b, c.lower);
    case 't':
      return D.qt(p, a, c.lower);
    case 'chisq':
      return D.qchisq(p, a, c.lower);
    case 'gamma':
      return D.qgamma(p, a, b, c.lower);
    case 'f':
      return D.qf(p, a, b, c.lower);
    case 'beta':
      return D.qbeta(p, a, b, c.lower);
  }
}

const TOL = 1e-10;

describe('distribution functions match R', () => {
  for (const dist of ['norm', 't', 'chisq', 'gamma', 'f', 'beta'] as const) {
    it(`${dist}: cdf and upper tail within ${TOL} relative`, () => {
      const tr = new ErrorTracker();
      const cases = fx.cases.filter((c) => c.dist === dist && c.fn === 'p');
      expect(cases.length).toBeGreaterThan(20);
      for (const c of cases) tr.add(cdf(c, c.x), c.value, `p${dist}(${c.x}; ${c.params}) lower=${c.lower}`);
      console.info(`p${dist}: ${cases.length} cases, max rel err ${tr.max.toExponential(2)}`);
      expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
    });
    it(`${dist}: quantile within ${TOL} relative (or exact round trip where R is not)`, () => {
      const tr = new ErrorTracker();
      let roundTripChecked = 0;
      const cases = fx.cases.filter((c) => c.dist === dist && c.fn === 'q');
      expect(cases.length).toBeGreaterThan(20);
      for (const c of cases) {
        const q = quantile(c, c.x);
        const label = `q${dist}(${c.x}; ${c.params}) lower=${c.lower}`;
        const tiny = Math.abs(c.value) < 1e-14;
        const agrees = tiny ? Math.abs(q) < 1e-14 : relErr(q, c.value) <= TOL;
        if (!agrees && (c.r_roundtrip ?? 0) > 1e-11) {
          roundTripChecked++;
          let rt = Math.abs(cdf(c, q) - c.x) / Math.min(c.x, 1 - c.x);
          if (c.central) {
            // F(q) − ½ without cancellation, against the exact ½-offset of p.
            const centre = c.lower ? c.x - 0.5 : 0.5 - c.x;
            const half = c.dist === 'norm' ? D.pchisq(q * q, 1) / 2 : D.pf(q * q, 1, c.params[0] as number) / 2;
            rt = Math.abs(Math.sign(q) * half - centre) / Math.abs(centre);
          }
          expect(rt, `${label}: round trip`).toBeLessThanOrEqual(1e-12);
          expect(rt, `${label}: round trip vs R's`).toBeLessThan(c.r_roundtrip ?? 0);
        } else if (!tiny) {
          tr.add(q, c.value, label);
        } else {
          expect(Math.abs(q), label).toBeLessThan(1e-14);
        }
      }
      console.info(`q${dist}: ${cases.length} cases, max rel err ${tr.max.toExponential(2)}, ${roundTripChecked} by round trip`);
      expect(tr.max, tr.worst).toBeLessThanOrEqual(TOL);
    });
  }

  it('rejects invalid parameters with a message naming them', () => {
    expect(() => D.pt(1, -2)).toThrow(/df must be > 0/);
    expect(() => D.qbeta(1.5, 2, 3)).toThrow(/outside \[0, 1\]/);
    expect(() => D.pnorm(0, 0, 0)).toThrow(/sd must be > 0/);
  });

  it('handles endpoints exactly', () => {
    expect(D.qnorm(0)).toBe(-Infinity);
    expect(D.qnorm(1)).toBe(Infinity);
    expect(D.qt(0.5, 3)).toBe(0);
    expect(D.qchisq(0, 4)).toBe(0);
    expect(D.pf(0, 2, 3)).toBe(0);
    expect(D.pbeta(1, 2, 3)).toBe(1);
  });
});
