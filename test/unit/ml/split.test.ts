/**
 * Splits and folds (main/compute/ml/split.ts). No external reference: the properties are exact
 * (a patient never in two sets, stratum counts equal round(fraction × size), fold sizes differ
 * by at most one group per stratum, same seed → same split).
 */
import { describe, expect, it } from 'vitest';
import { makeFolds, makeSplit } from '../../../main/compute/ml/split.js';
import { StatsInputError } from '../../../main/compute/stats/common.js';

// 100 patients, every 5th with two lesions; 30 positive patients (their lesions all positive).
const groups: string[] = [];
const y: number[] = [];
const centers: string[] = [];
const dates: string[] = [];
for (let p = 0; p < 100; p++) {
  const lesions = p % 5 === 0 ? 2 : 1;
  for (let l = 0; l < lesions; l++) {
    groups.push(`P${p}`);
    y.push(p % 10 < 3 ? 1 : 0);
    centers.push(p < 70 ? 'A' : 'B');
    dates.push(`2021-${String((p % 12) + 1).padStart(2, '0')}-15`);
  }
}
const yy = Float64Array.from(y);

function setsOfPatients(role: Int8Array): Map<string, Set<number>> {
  const m = new Map<string, Set<number>>();
  groups.forEach((g, i) => {
    if (!m.has(g)) m.set(g, new Set());
    m.get(g)!.add(role[i] as number);
  });
  return m;
}

describe('makeSplit', () => {
  it('random 7:3 stratified: whole patients, round(0.3 × stratum) patients of each class in test', () => {
    const s = makeSplit({ groups, y: yy }, { method: 'random', testFraction: 0.3, seed: 4 });
    for (const roles of setsOfPatients(s.role).values()) expect(roles.size).toBe(1);
    expect(s.counts.test.groups).toBe(30); // 0.3 × 70 negatives + 0.3 × 30 positives = 21 + 9
    const posPatientsInTest = new Set(groups.filter((_, i) => s.role[i] === 1 && y[i] === 1));
    expect(posPatientsInTest.size).toBe(9);
    expect(s.counts.train.rows + s.counts.test.rows).toBe(groups.length);
    // Same seed, same split; another seed, another split.
    expect(makeSplit({ groups, y: yy }, { method: 'random', testFraction: 0.3, seed: 4 }).role).toEqual(s.role);
    expect(makeSplit({ groups, y: yy }, { method: 'random', testFraction: 0.3, seed: 5 }).role).not.toEqual(s.role);
  });

  it('by center: the external center wholly external, an optional internal test set from the others', () => {
    const s = makeSplit({ groups, y: yy, centers }, { method: 'center', external: ['B'], testFraction: 0.25, seed: 1 });
    centers.forEach((c, i) => {
      if (c === 'B') expect(s.role[i]).toBe(2);
      else expect(s.role[i]).not.toBe(2);
    });
    expect(s.counts.external.groups).toBe(30);
    expect(s.counts.test.groups).toBeGreaterThan(0);
    expect(() => makeSplit({ groups, y: yy, centers }, { method: 'center', external: ['Z'] })).toThrow(
      /no rows come from center 'Z'/,
    );
    expect(() => makeSplit({ groups, y: yy, centers }, { method: 'center', external: ['A', 'B'] })).toThrow(
      /every row is external/,
    );
  });

  it('by date: rows on or after the cut-off form the temporal test set', () => {
    const s = makeSplit({ groups, y: yy, dates }, { method: 'date', cutoff: '2021-10-01' });
    dates.forEach((d, i) => expect(s.role[i]).toBe(d >= '2021-10-01' ? 1 : 0));
    expect(() => makeSplit({ groups, y: yy }, { method: 'date', cutoff: '2021-10-01' })).toThrow(/no date column/);
  });

  it('bad input: missing patient id, fraction out of range, empty training set', () => {
    expect(() => makeSplit({ groups: ['a', ''], y: Float64Array.of(0, 1) }, { method: 'random', testFraction: 0.5 })).toThrow(
      /row 2 has no patient id/,
    );
    expect(() => makeSplit({ groups, y: yy }, { method: 'random', testFraction: 1.2 })).toThrow(StatsInputError);
  });
});

describe('makeFolds', () => {
  it('5-fold stratified by patient: whole patients per fold, class counts balanced within one', () => {
    const [f] = makeFolds({ groups, y: yy }, { k: 5, seed: 9 });
    const foldsOf = new Map<string, Set<number>>();
    groups.forEach((g, i) => {
      if (!foldsOf.has(g)) foldsOf.set(g, new Set());
      foldsOf.get(g)!.add(f![i] as number);
    });
    for (const s of foldsOf.values()) expect(s.size).toBe(1);
    const posPerFold = [0, 0, 0, 0, 0];
    const patientsPerFold = [0, 0, 0, 0, 0];
    for (const [g, s] of foldsOf) {
      const fold = [...s][0]! - 1;
      patientsPerFold[fold]!++;
      if (y[groups.indexOf(g)] === 1) posPerFold[fold]!++;
    }
    expect(Math.max(...posPerFold) - Math.min(...posPerFold)).toBeLessThanOrEqual(1);
    expect(Math.max(...patientsPerFold) - Math.min(...patientsPerFold)).toBeLessThanOrEqual(1);
  });

  it('repeated k-fold gives different partitions per repeat; LOOCV one fold per patient', () => {
    const reps = makeFolds({ groups, y: yy }, { k: 5, repeats: 3, seed: 2 });
    expect(reps).toHaveLength(3);
    expect(reps[0]).not.toEqual(reps[1]);
    const [loo] = makeFolds({ groups, y: yy }, { method: 'loocv' });
    expect(Math.max(...loo!)).toBe(100);
    expect(() => makeFolds({ groups: ['a', 'b'], y: Float64Array.of(0, 1) }, { k: 5 })).toThrow(/5 folds but only 2 patients/);
  });
});
