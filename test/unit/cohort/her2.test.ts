import { describe, expect, it } from 'vitest';
import { deriveHer2, ishGroup } from '../../../main/services/cohort/her2.js';
import { deriveSubtype } from '../../../main/services/cohort/subtype.js';

// Reference: ASCO/CAP 2018 HER2 guideline (Wolff et al., JCO 2018; Fig. 1 IHC, Fig. 2 dual-probe
// ISH groups 1–5 with concurrent IHC) and the 2023 update's HER2-low definition; the seed
// studies use the same categories (seed 001: zero = IHC 0, low = IHC 1+ or 2+/ISH−;
// seed 004: positive = IHC 3+ or 2+/ISH+).
describe('HER2 status (ASCO/CAP 2018 + HER2-low)', () => {
  it.each([
    ['3+', null, 'positive'],
    ['2+', 'amplified', 'positive'],
    ['2+', 'not_amplified', 'low'],
    ['2+', 'equivocal', null],
    ['2+', null, null],
    ['1+', null, 'low'],
    ['1+', 'not_amplified', 'low'],
    ['0', null, 'zero'],
    ['0', 'not_amplified', 'zero'],
    [null, 'amplified', 'positive'],
    [null, 'not_amplified', null],
    [null, null, null],
  ] as const)('IHC %s with ISH %s → %s', (ihc, ish, expected) => {
    expect(deriveHer2({ ihc, ish }).status).toBe(expected);
  });

  it('classifies dual-probe ISH into the five groups at the guideline boundaries', () => {
    expect(ishGroup(2.0, 4.0)).toBe(1);
    expect(ishGroup(2.0, 3.99)).toBe(2);
    expect(ishGroup(1.99, 6.0)).toBe(3);
    expect(ishGroup(1.99, 5.99)).toBe(4);
    expect(ishGroup(1.99, 4.0)).toBe(4);
    expect(ishGroup(1.99, 3.99)).toBe(5);
  });

  it('decides ISH groups 2–4 with the concurrent IHC', () => {
    // group 2 (ratio ≥ 2, < 4 copies): IHC 2+ → negative (HER2-low); IHC 3+ → positive
    expect(deriveHer2({ ihc: '2+', ishRatio: 2.3, ishCopyNumber: 3.5 })).toMatchObject({ status: 'low', ishGroup: 2 });
    expect(deriveHer2({ ihc: '3+', ishRatio: 2.3, ishCopyNumber: 3.5 }).status).toBe('positive');
    // group 3 (ratio < 2, ≥ 6 copies): IHC 2+ → positive; IHC 1+ → negative
    expect(deriveHer2({ ihc: '2+', ishRatio: 1.8, ishCopyNumber: 6.5 })).toMatchObject({ status: 'positive', ishGroup: 3 });
    expect(deriveHer2({ ihc: '1+', ishRatio: 1.8, ishCopyNumber: 6.5 }).status).toBe('low');
    // group 4 (ratio < 2, 4–6 copies): IHC 2+ → negative
    expect(deriveHer2({ ihc: '2+', ishRatio: 1.5, ishCopyNumber: 4.8 })).toMatchObject({ status: 'low', ishGroup: 4 });
    // group 1 is amplified whatever the IHC; group 5 never is
    expect(deriveHer2({ ihc: '0', ishRatio: 2.6, ishCopyNumber: 7 }).status).toBe('positive');
    expect(deriveHer2({ ihc: '2+', ishRatio: 1.2, ishCopyNumber: 2.1 })).toMatchObject({ status: 'low', ishGroup: 5 });
    // without IHC, groups 2–4 stay undetermined
    expect(deriveHer2({ ihc: null, ishRatio: 1.8, ishCopyNumber: 6.5 }).status).toBeNull();
  });

  it('states the rule that decided', () => {
    expect(deriveHer2({ ihc: '2+', ish: 'not_amplified' }).rule).toBe('IHC 2+ with ISH not amplified → HER2-low');
  });
});

// Reference: St Gallen 2013 surrogate definitions (Goldhirsch et al., Ann Oncol 2013), with
// ER/PR positive at ≥ 1 % (seed 004) and Ki-67 high at ≥ 20 % by default (seeds 000/003/004).
describe('molecular subtype (St Gallen 2013)', () => {
  it.each([
    [{ erPct: 90, prPct: 60, ki67Pct: 10, her2: 'zero' }, 'luminal_a'],
    [{ erPct: 90, prPct: 60, ki67Pct: 30, her2: 'low' }, 'luminal_b_her2_negative'],
    [{ erPct: 90, prPct: 5, ki67Pct: 10, her2: 'zero' }, 'luminal_b_her2_negative'],
    [{ erPct: 90, prPct: 0, ki67Pct: 5, her2: 'positive' }, 'luminal_b_her2_positive'],
    [{ erPct: 0, prPct: 0, ki67Pct: 40, her2: 'positive' }, 'her2_enriched'],
    [{ erPct: 0, prPct: 0, ki67Pct: 70, her2: 'low' }, 'triple_negative'],
    [{ erPct: 0.5, prPct: 0, ki67Pct: 70, her2: 'zero' }, 'triple_negative'],
    [{ erPct: 90, prPct: 60, ki67Pct: null, her2: 'zero' }, null],
    [{ erPct: null, prPct: 60, ki67Pct: 10, her2: 'zero' }, null],
  ] as const)('%o → %s', (input, expected) => {
    expect(deriveSubtype(input)).toBe(expected);
  });

  it('uses the configured Ki-67 cut-off (seed 001: 14 %)', () => {
    const x = { erPct: 80, prPct: 50, ki67Pct: 16, her2: 'low' as const };
    expect(deriveSubtype(x)).toBe('luminal_a');
    expect(deriveSubtype(x, { receptorPositivePct: 1, ki67HighPct: 14, prHighPct: 20 })).toBe('luminal_b_her2_negative');
  });
});
