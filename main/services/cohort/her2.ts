/**
 * HER2 status from IHC and in situ hybridization, following the ASCO/CAP 2018 guideline
 * (Wolff et al., J Clin Oncol 2018;36:2105) with the 2023 ASCO/CAP update's HER2-low
 * category (Wolff et al., J Clin Oncol 2023): HER2-negative tumours split into HER2-low
 * (IHC 1+, or IHC 2+ with negative ISH) and HER2-zero (IHC 0).
 */
export type Her2Ihc = '0' | '1+' | '2+' | '3+';
export type IshResult = 'amplified' | 'not_amplified' | 'equivocal';
export type Her2Status = 'positive' | 'low' | 'zero';

export interface Her2Input {
  ihc: Her2Ihc | null;
  /** Reported ISH/FISH result, when only the conclusion is recorded. */
  ish?: IshResult | null;
  /** Dual-probe ISH: HER2/CEP17 ratio and average HER2 signals per cell. */
  ishRatio?: number | null;
  ishCopyNumber?: number | null;
}

export interface Her2Derivation {
  status: Her2Status | null;
  /** ISH group 1–5 of the 2018 guideline, when a ratio and copy number were given. */
  ishGroup: 1 | 2 | 3 | 4 | 5 | null;
  /** The rule that decided, as shown to the user. */
  rule: string;
}

/** Dual-probe ISH groups (ASCO/CAP 2018, Fig. 2). */
export function ishGroup(ratio: number, copies: number): 1 | 2 | 3 | 4 | 5 {
  if (ratio >= 2.0) return copies >= 4.0 ? 1 : 2;
  if (copies >= 6.0) return 3;
  if (copies >= 4.0) return 4;
  return 5;
}

/**
 * ISH conclusion given the concurrent IHC, per ASCO/CAP 2018: group 1 is amplified; group 5 is
 * not; groups 2–4 are decided together with IHC (3+ → positive; 2+ → positive only for
 * group 3; 0/1+ → negative).
 */
function ishConclusion(group: 1 | 2 | 3 | 4 | 5, ihc: Her2Ihc | null): IshResult {
  if (group === 1) return 'amplified';
  if (group === 5) return 'not_amplified';
  if (ihc === '3+') return 'amplified';
  if (ihc === '2+') return group === 3 ? 'amplified' : 'not_amplified';
  if (ihc === '0' || ihc === '1+') return 'not_amplified';
  return 'equivocal'; // groups 2–4 cannot be concluded without a concurrent IHC
}

export const HER2_RULES: readonly string[] = [
  'IHC 3+ → HER2-positive',
  'IHC 2+ (equivocal) with ISH amplified → HER2-positive',
  'IHC 2+ with ISH not amplified → HER2-low',
  'IHC 2+ without a conclusive ISH → not determined (ISH pending or equivocal)',
  'IHC 1+ → HER2-low (ISH group 1 amplification, if tested, → HER2-positive)',
  'IHC 0 → HER2-zero (ISH group 1 amplification, if tested, → HER2-positive)',
  'No IHC: ISH amplified → HER2-positive; otherwise not determined',
  'Dual-probe ISH groups: 1 ratio ≥ 2.0 and ≥ 4.0 copies; 2 ratio ≥ 2.0 and < 4.0; 3 ratio < 2.0 and ≥ 6.0; 4 ratio < 2.0 and 4.0–< 6.0; 5 ratio < 2.0 and < 4.0',
];

export function deriveHer2(input: Her2Input): Her2Derivation {
  const { ihc } = input;
  const hasCounts =
    input.ishRatio != null &&
    input.ishCopyNumber != null &&
    Number.isFinite(input.ishRatio) &&
    Number.isFinite(input.ishCopyNumber);
  const group = hasCounts ? ishGroup(input.ishRatio!, input.ishCopyNumber!) : null;
  const ish: IshResult | null = group !== null ? ishConclusion(group, ihc) : (input.ish ?? null);

  if (ihc === '3+') return { status: 'positive', ishGroup: group, rule: HER2_RULES[0]! };
  if (ihc === '2+') {
    if (ish === 'amplified') return { status: 'positive', ishGroup: group, rule: HER2_RULES[1]! };
    if (ish === 'not_amplified') return { status: 'low', ishGroup: group, rule: HER2_RULES[2]! };
    return { status: null, ishGroup: group, rule: HER2_RULES[3]! };
  }
  // For IHC 0/1+ only an unequivocal amplification (group 1, or a reported "amplified") overrides.
  const amplified = group === 1 || (group === null && ish === 'amplified');
  if (ihc === '1+')
    return amplified
      ? { status: 'positive', ishGroup: group, rule: HER2_RULES[4]! }
      : { status: 'low', ishGroup: group, rule: HER2_RULES[4]! };
  if (ihc === '0')
    return amplified
      ? { status: 'positive', ishGroup: group, rule: HER2_RULES[5]! }
      : { status: 'zero', ishGroup: group, rule: HER2_RULES[5]! };
  return { status: amplified ? 'positive' : null, ishGroup: group, rule: HER2_RULES[6]! };
}
