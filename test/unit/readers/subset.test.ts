/**
 * The second reader's stratified subset (main/compute/readers/subset.ts). References: the
 * largest-remainder allocation worked by hand (stated per case), and determinism by construction.
 */
import { describe, expect, it } from 'vitest';
import { allocate, stratifiedSubset, SubsetInputError, subsetSize } from '../../../main/compute/readers/subset.js';

function candidates(perCenter: Record<string, number>) {
  const out: { key: string; stratum: string }[] = [];
  for (const [c, n] of Object.entries(perCenter))
    for (let i = 0; i < n; i++) out.push({ key: `${c}-${String(i).padStart(3, '0')}`, stratum: c });
  return out;
}

describe('stratified subset', () => {
  it('allocates in proportion to center size (Hamilton largest remainder)', () => {
    // 35 of 107 (seed 000) over 60/30/17: exact 19.63 / 9.81 / 5.56 → floors 19/9/5 = 33, the two
    // left go to the largest remainders 0.81 (B) and 0.63 (A): 20 / 10 / 5.
    const a = allocate(
      new Map([
        ['A', 60],
        ['B', 30],
        ['C', 17],
      ]),
      35,
    );
    expect(a).toEqual([
      { stratum: 'A', eligible: 60, selected: 20 },
      { stratum: 'B', eligible: 30, selected: 10 },
      { stratum: 'C', eligible: 17, selected: 5 },
    ]);
    // 16 of 118 (seed 001) in one center: all from it.
    expect(allocate(new Map([['X', 118]]), 16)).toEqual([{ stratum: 'X', eligible: 118, selected: 16 }]);
  });

  it('takes the allocated number per center, each within one lesion of the exact proportion', () => {
    const c = candidates({ A: 60, B: 30, C: 17 });
    const { selected, allocation } = stratifiedSubset(c, 35, 42);
    expect(selected).toHaveLength(35);
    for (const a of allocation) {
      const got = selected.filter((s) => s.stratum === a.stratum).length;
      expect(got).toBe(a.selected);
      // |n_c,selected − 35·n_c/107| < 1 for largest-remainder rounding.
      expect(Math.abs(got - (35 * a.eligible) / 107)).toBeLessThan(1);
    }
    expect(new Set(selected.map((s) => s.key)).size).toBe(35);
  });

  it('is deterministic for a seed, whatever the input order, and differs between seeds', () => {
    const c = candidates({ A: 60, B: 30, C: 17 });
    const keys = (seed: number, list = c) =>
      stratifiedSubset(list, 35, seed)
        .selected.map((s) => s.key)
        .sort();
    expect(keys(7)).toEqual(keys(7));
    expect(keys(7, [...c].reverse())).toEqual(keys(7));
    expect(keys(8)).not.toEqual(keys(7));
  });

  it('sizes a fraction by rounding half up (at least 1) and refuses impossible counts', () => {
    expect(subsetSize(107, { fraction: 0.3 })).toBe(32); // 32.1 → 32
    expect(subsetSize(118, { fraction: 0.135 })).toBe(16); // 15.93 → 16
    expect(subsetSize(3, { fraction: 0.01 })).toBe(1);
    expect(subsetSize(10, { count: 10 })).toBe(10);
    expect(() => subsetSize(10, { count: 11 })).toThrow(SubsetInputError);
    expect(() =>
      stratifiedSubset(
        [
          { key: 'a', stratum: 'A' },
          { key: 'a', stratum: 'A' },
        ],
        1,
        1,
      ),
    ).toThrow(/listed twice/);
  });
});
