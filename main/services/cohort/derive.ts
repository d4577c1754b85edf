import { deriveHer2, type Her2Ihc, type Her2Status, type IshResult } from './her2.js';
import { DEFAULT_SUBTYPE_CUTOFFS, deriveSubtype, type SubtypeCutoffs } from './subtype.js';

/** The values of one lesion (with its patient's), by variable name: numbers or level codes. */
export type ValueBag = Map<string, number | string | null>;

const num = (b: ValueBag, k: string) => {
  const v = b.get(k);
  return typeof v === 'number' ? v : null;
};
const txt = (b: ValueBag, k: string) => {
  const v = b.get(k);
  return typeof v === 'string' ? v : null;
};

function receptorStatus(b: ValueBag, pctKey: string, statusKey: string, c: SubtypeCutoffs): string | null {
  const pct = num(b, pctKey);
  if (pct !== null) return pct >= c.receptorPositivePct ? 'positive' : 'negative';
  return txt(b, statusKey);
}

/**
 * Computes the derived variables in place (ER/PR status, HER2 status, molecular subtype). A
 * derived value falls back to the entered one when its inputs are missing, so a cohort that
 * only recorded "HER2-low" still has a status; where both exist the rule wins.
 */
export function applyDerivations(b: ValueBag, cutoffs: SubtypeCutoffs = DEFAULT_SUBTYPE_CUTOFFS): void {
  b.set('er_status', receptorStatus(b, 'er_pct', 'er_status', cutoffs));
  b.set('pr_status', receptorStatus(b, 'pr_pct', 'pr_status', cutoffs));
  const her2 = deriveHer2({
    ihc: txt(b, 'her2_ihc') as Her2Ihc | null,
    ish: txt(b, 'her2_ish') as IshResult | null,
    ishRatio: num(b, 'her2_ish_ratio'),
    ishCopyNumber: num(b, 'her2_ish_copies'),
  }).status;
  const her2Status = (her2 ?? txt(b, 'her2_status')) as Her2Status | null;
  b.set('her2_status', her2Status);
  // Subtype from percentages; a status recorded without a percentage counts as 100 % / 0 %.
  const pct = (pctKey: string, statusKey: string) =>
    num(b, pctKey) ?? (txt(b, statusKey) === 'positive' ? 100 : txt(b, statusKey) === 'negative' ? 0 : null);
  const subtype = deriveSubtype(
    { erPct: pct('er_pct', 'er_status'), prPct: pct('pr_pct', 'pr_status'), ki67Pct: num(b, 'ki67_pct'), her2: her2Status },
    cutoffs,
  );
  b.set('molecular_subtype', subtype ?? txt(b, 'molecular_subtype'));
}
