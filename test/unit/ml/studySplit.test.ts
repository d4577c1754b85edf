/**
 * Splits of a study's cohort (main/compute/ml/studySplit.ts). References: exact counting for
 * grouping, proportions and folds (a stratified split sends round(f × n_stratum) patients of each
 * stratum to the test set, so its event counts are known exactly); the balance p-values are the
 * statistics core's own tests (R-validated in test/unit/stats: t.test, wilcox.test, chisq.test
 * with Yates' correction) recomputed here from the patient-level values — equal to 1e-12.
 */
import { describe, expect, it } from 'vitest';
import { makeStudySplit, type CohortRows } from '../../../main/compute/ml/studySplit.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { chiSquareTest } from '../../../main/compute/stats/contingency.js';
import { tTestTwoSample } from '../../../main/compute/stats/ttest.js';
import { mannWhitneyTest } from '../../../main/compute/stats/wilcoxon.js';

/** 150 patients in centers A, B, C; every fifth patient has two lesions; 1/3 events; age per patient. */
function cohort(): CohortRows & { age: Map<string, number>; event: Map<string, number> } {
  const rng = new Rng(9);
  const patients: string[] = [];
  const centers: string[] = [];
  const outcome: number[] = [];
  const dates: string[] = [];
  const ages: number[] = [];
  const age = new Map<string, number>();
  const event = new Map<string, number>();
  for (let p = 0; p < 150; p++) {
    const code = `P${String(p).padStart(3, '0')}`;
    const y = p % 3 === 0 ? 1 : 0;
    const a = Math.round(40 + 25 * rng.nextDouble());
    age.set(code, a);
    event.set(code, y);
    for (let l = 0; l < (p % 5 === 0 ? 2 : 1); l++) {
      patients.push(code);
      centers.push(p < 60 ? 'A' : p < 110 ? 'B' : 'C');
      // The second lesion of an event patient is negative: the patient is still an event.
      outcome.push(l === 0 ? y : 0);
      dates.push(`20${p < 100 ? '19' : '21'}-0${1 + (p % 9)}-15`);
      ages.push(a);
    }
  }
  return {
    patients,
    centers,
    outcome: Float64Array.from(outcome),
    dates,
    variables: [{ name: 'age', scope: 'patient', kind: 'continuous', values: ages }],
    age,
    event,
  };
}

describe('study splits', () => {
  const c = cohort();

  it('assigns whole patients: every lesion of a patient has its patient’s set', () => {
    const s = makeStudySplit(c, { method: 'random', testFraction: 0.3, seed: 4 });
    expect(s.roles.size).toBe(150);
    expect(s.counts.train.patients + s.counts.test.patients).toBe(150);
    expect(s.counts.train.lesions + s.counts.test.lesions).toBe(c.patients.length);
    // 30 patients have two lesions: lesions = patients + (two-lesion patients in the set).
    const two = (set: string) => [...s.roles].filter(([p, r]) => r === set && Number(p.slice(1)) % 5 === 0).length;
    expect(s.counts.test.lesions).toBe(s.counts.test.patients + two('test'));
  });

  it('stratified: round(0.3 × 50) = 15 of the 50 event patients and round(0.3 × 100) = 30 of the others go to test', () => {
    const s = makeStudySplit(c, { method: 'stratified', testFraction: 0.3, seed: 4 });
    expect(s.counts.test.patients).toBe(45);
    expect(s.counts.test.events).toBe(15);
    expect(s.counts.train.events).toBe(35);
    expect(s.counts.train.patients).toBe(105);
  });

  it('is deterministic by seed: the same seed the same split, another seed another split', () => {
    const a = makeStudySplit(c, { method: 'stratified', testFraction: 0.3, seed: 4 });
    const b = makeStudySplit(c, { method: 'stratified', testFraction: 0.3, seed: 4 });
    const d = makeStudySplit(c, { method: 'stratified', testFraction: 0.3, seed: 5 });
    expect([...a.roles]).toEqual([...b.roles]);
    expect([...a.roles]).not.toEqual([...d.roles]);
  });

  it('by center: every patient of C is external, no other patient is, and the rest splits 7:3 stratified', () => {
    const s = makeStudySplit(c, { method: 'center', external: ['C'], testFraction: 0.3, seed: 2 });
    for (let i = 0; i < c.patients.length; i++) expect(s.roles.get(c.patients[i]!) === 'external').toBe(c.centers[i] === 'C');
    expect(s.counts.external.patients).toBe(40);
    // 110 A+B patients: 37 events (p % 3 === 0 for p < 110) → round(11.1) = 11; 73 others → 22.
    expect(s.counts.test.events).toBe(11);
    expect(s.counts.test.patients).toBe(33);
    expect(() => makeStudySplit(c, { method: 'center', external: ['Z'], seed: 1 })).toThrow(/no rows come from center 'Z'/);
  });

  it('by date: patients on or after the cut-off are the test set', () => {
    const s = makeStudySplit(c, { method: 'date', cutoff: '2020-01-01', seed: 1 });
    expect(s.counts.test.patients).toBe(50);
    expect([...s.roles].every(([p, r]) => Number(p.slice(1)) >= 100 === (r === 'test'))).toBe(true);
  });

  it('folds: k-fold, repeated k-fold and LOOCV of the training patients only, a patient in one fold per repeat', () => {
    const s = makeStudySplit(c, {
      method: 'stratified',
      testFraction: 0.3,
      seed: 4,
      folds: { method: 'kfold', k: 5, repeats: 3 },
    });
    const train = [...s.roles].filter(([, r]) => r === 'train').map(([p]) => p);
    expect([...s.folds.keys()].sort()).toEqual(train.sort());
    for (let r = 0; r < 3; r++) {
      const sizes = [0, 0, 0, 0, 0];
      const events = [0, 0, 0, 0, 0];
      for (const [p, f] of s.folds) {
        sizes[f[r]! - 1]!++;
        events[f[r]! - 1]! += c.event.get(p)!;
      }
      // 105 patients, 35 events dealt in turn within strata: 21 per fold, 7 events per fold.
      expect(sizes).toEqual([21, 21, 21, 21, 21]);
      expect(events).toEqual([7, 7, 7, 7, 7]);
    }
    expect([...s.folds.values()].some((f) => f[0] !== f[1])).toBe(true);
    const loo = makeStudySplit(c, { method: 'stratified', testFraction: 0.3, seed: 4, folds: { method: 'loocv' } });
    expect(new Set([...loo.folds.values()].map((f) => f[0])).size).toBe(105);
  });

  it('balance: outcome, center and age by set with the statistics core’s tests on one row per patient', () => {
    const s = makeStudySplit(c, { method: 'stratified', testFraction: 0.3, seed: 4 });
    const t = s.balance.patients!;
    expect(t.groups.map((g) => [g.label, g.n])).toEqual([
      ['Training', 105],
      ['Test', 45],
    ]);
    const ageRow = t.rows.find((r) => r.name === 'age')!;
    const byRole = (set: string) => Float64Array.from([...s.roles].filter(([, r]) => r === set).map(([p]) => c.age.get(p)!));
    const ref =
      ageRow.test === 'Welch t-test'
        ? tTestTwoSample(byRole('train'), byRole('test')).pValue
        : mannWhitneyTest(byRole('train'), byRole('test')).pValue;
    expect(['Welch t-test', 'Mann-Whitney U']).toContain(ageRow.test);
    expect(ageRow.pValue).toBeCloseTo(ref, 12);
    const outcomeRow = t.rows.find((r) => r.name === 'Outcome (event)')!;
    // Identical event rates (35/105 and 15/45): Yates' chi-square gives p = 1.
    expect(outcomeRow.test).toBe('chi-square');
    expect(outcomeRow.pValue).toBeCloseTo(
      chiSquareTest(
        [
          [35, 15],
          [70, 30],
        ],
        { correct: true },
      ).pValue,
      12,
    );
    expect(outcomeRow.pValue).toBeCloseTo(1, 12);
    expect(t.rows.find((r) => r.name === 'Center')).toBeDefined();
  });

  it('refuses a stratified split with missing outcomes, naming the patients', () => {
    const y = Float64Array.from(c.outcome as Float64Array);
    y[0] = NaN;
    y[1] = NaN;
    expect(() => makeStudySplit({ ...c, outcome: y }, { method: 'stratified', testFraction: 0.3, seed: 1 })).toThrow(
      /1 patient\(s\) have no outcome value \(P000\)/,
    );
    expect(() => makeStudySplit({ ...c, outcome: undefined }, { method: 'stratified', testFraction: 0.3, seed: 1 })).toThrow(
      /needs an outcome variable/,
    );
  });
});
