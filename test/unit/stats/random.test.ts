/**
 * Seeded PRNG (xoshiro128**): determinism and distributional sanity. The reference is the
 * uniform distribution itself: chi-square goodness of fit at p > 1e-6 (a wrong generator, e.g.
 * a biased nextInt or a stuck state, fails these by many orders of magnitude).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../main/compute/stats/random.js';
import { pchisq } from '../../../main/compute/stats/distributions/index.js';

describe('Rng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    const sc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('nextDouble is uniform on [0, 1) (mean, variance, 20-bin chi-square)', () => {
    const r = new Rng(7);
    const n = 200_000;
    const bins = new Float64Array(20);
    let s = 0;
    let s2 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = r.nextDouble();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
      s2 += u * u;
      bins[Math.floor(u * 20)]++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    const m = s / n;
    expect(Math.abs(m - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - m * m - 1 / 12)).toBeLessThan(0.002);
    let chi = 0;
    for (const b of bins) chi += (b - n / 20) ** 2 / (n / 20);
    expect(pchisq(chi, 19, false)).toBeGreaterThan(1e-6);
  });

  it('nextInt(n) has no modulo bias (n = 3, 7, 1000)', () => {
    const r = new Rng(11);
    for (const k of [3, 7, 1000]) {
      const counts = new Float64Array(k);
      const n = 100 * k + 50_000;
      for (let i = 0; i < n; i++) counts[r.nextInt(k)]++;
      let chi = 0;
      for (const c of counts) chi += (c - n / k) ** 2 / (n / k);
      expect(pchisq(chi, k - 1, false)).toBeGreaterThan(1e-6);
    }
    expect(() => r.nextInt(0)).toThrow(/integer in \[1, 2\^32\]/);
  });

  it('shuffle returns a permutation', () => {
    const a = Int32Array.from({ length: 50 }, (_, i) => i);
    new Rng(3).shuffle(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...a]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
