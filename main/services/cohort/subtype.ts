import type { Her2Status } from './her2.js';

/**
 * Surrogate intrinsic subtypes from immunohistochemistry, St Gallen 2013 consensus
 * (Goldhirsch et al., Ann Oncol 2013;24:2206): Luminal A-like, Luminal B-like (HER2−),
 * Luminal B-like (HER2+), HER2-enriched (non-luminal), triple-negative. Cut-offs are
 * configurable because the seed studies differ (Ki-67 14 % in seed 001, 20 % in seeds 000,
 * 003, 004).
 */
export type MolecularSubtype =
  'luminal_a' | 'luminal_b_her2_negative' | 'luminal_b_her2_positive' | 'her2_enriched' | 'triple_negative';

export const SUBTYPE_LABELS: Record<MolecularSubtype, string> = {
  luminal_a: 'Luminal A-like',
  luminal_b_her2_negative: 'Luminal B-like (HER2−)',
  luminal_b_her2_positive: 'Luminal B-like (HER2+)',
  her2_enriched: 'HER2-enriched (non-luminal)',
  triple_negative: 'Triple-negative',
};

export interface SubtypeCutoffs {
  /** ER/PR positive at ≥ this % of stained nuclei (ASCO/CAP 2020: 1 %). */
  receptorPositivePct: number;
  /** Ki-67 high at ≥ this % (St Gallen 2013: 20 %; 2011: 14 %). */
  ki67HighPct: number;
  /** PR "high" at ≥ this % for Luminal A-like (St Gallen 2013: 20 %). */
  prHighPct: number;
}

export const DEFAULT_SUBTYPE_CUTOFFS: SubtypeCutoffs = { receptorPositivePct: 1, ki67HighPct: 20, prHighPct: 20 };

export interface SubtypeInput {
  erPct: number | null;
  prPct: number | null;
  ki67Pct: number | null;
  her2: Her2Status | null;
}

export function deriveSubtype(x: SubtypeInput, c: SubtypeCutoffs = DEFAULT_SUBTYPE_CUTOFFS): MolecularSubtype | null {
  if (x.erPct === null || x.prPct === null || x.her2 === null) return null;
  const er = x.erPct >= c.receptorPositivePct;
  const pr = x.prPct >= c.receptorPositivePct;
  const her2Positive = x.her2 === 'positive';
  if (!er && !pr) return her2Positive ? 'her2_enriched' : 'triple_negative';
  if (her2Positive) return 'luminal_b_her2_positive';
  // Hormone-receptor positive, HER2-negative (low or zero): Ki-67 and PR level decide A vs B.
  if (x.ki67Pct === null) return null;
  const ki67High = x.ki67Pct >= c.ki67HighPct;
  const prHigh = x.prPct >= c.prHighPct;
  if (er && prHigh && !ki67High) return 'luminal_a';
  return 'luminal_b_her2_negative';
}

export const SUBTYPE_RULES: string[] = [
  'ER or PR positive at ≥ 1 % of stained nuclei (configurable)',
  'Luminal A-like: ER+, PR ≥ 20 %, HER2-negative (low or zero), Ki-67 below the cut-off (default 20 %)',
  'Luminal B-like (HER2−): ER/PR+, HER2-negative, and Ki-67 high or PR < 20 %',
  'Luminal B-like (HER2+): ER/PR+, HER2-positive',
  'HER2-enriched: ER− and PR−, HER2-positive',
  'Triple-negative: ER− and PR−, HER2-negative',
];
