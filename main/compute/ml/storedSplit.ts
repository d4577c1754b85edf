/**
 * A split stored in the study, applied to the rows of an analysis: every row takes its
 * patient's set, and training rows their patient's stored folds. A row whose patient the split
 * does not know is refused by name, never silently put in a set: the stored split is the
 * protocol, and a patient added since it was made must be split deliberately.
 */
import { StatsInputError } from '../stats/common.js';
import { ROLE_CODE, type SetRole, type Split } from './split.js';

export interface StoredSplitInput {
  name: string;
  roles: Readonly<Record<string, SetRole>>;
  folds: Readonly<Record<string, readonly number[]>>;
}

export function applyStoredSplit(
  stored: StoredSplitInput,
  groups: readonly string[],
  y: ArrayLike<number>,
): Pick<Split, 'role' | 'counts'> {
  const role = new Int8Array(groups.length);
  const missing: string[] = [];
  groups.forEach((g, i) => {
    const r = Object.prototype.hasOwnProperty.call(stored.roles, g) ? stored.roles[g] : undefined;
    if (r === undefined) {
      if (!missing.includes(g)) missing.push(g);
      return;
    }
    role[i] = ROLE_CODE[r];
  });
  if (missing.length > 0) {
    throw new StatsInputError(
      `the stored split "${stored.name}" has no set for patient(s) ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; create the split again with these patients, or leave them out of the data`,
    );
  }
  const counts: Split['counts'] = {
    train: { rows: 0, groups: 0, events: 0 },
    test: { rows: 0, groups: 0, events: 0 },
    external: { rows: 0, groups: 0, events: 0 },
  };
  const names: SetRole[] = ['train', 'test', 'external'];
  const seen = new Set<string>();
  groups.forEach((g, i) => {
    const c = counts[names[role[i] as number] as SetRole];
    c.rows++;
    if ((y[i] as number) === 1) c.events++;
    if (!seen.has(g)) {
      seen.add(g);
      c.groups++;
    }
  });
  if (counts.train.rows === 0)
    throw new StatsInputError(`the stored split "${stored.name}" leaves no training rows in these data`);
  return { role, counts };
}

/** Fold ids per training row, one array per repeat; null when the split has no folds. */
export function storedFolds(stored: StoredSplitInput, groupsTrain: readonly string[]): Int32Array[] | null {
  if (Object.keys(stored.folds).length === 0) return null;
  const first = stored.folds[groupsTrain[0] as string];
  const repeats = first?.length ?? 0;
  const out = Array.from({ length: repeats }, () => new Int32Array(groupsTrain.length));
  groupsTrain.forEach((g, i) => {
    const f = Object.prototype.hasOwnProperty.call(stored.folds, g) ? stored.folds[g] : undefined;
    if (!f || f.length !== repeats || repeats === 0)
      throw new StatsInputError(`the stored split "${stored.name}" has no cross-validation fold for training patient ${g}`);
    f.forEach((v, r) => ((out[r] as Int32Array)[i] = v));
  });
  // Folds numbered 1..k with every fold present in these rows (a fold can empty when rows are left out).
  return out.map((f) => {
    const used = [...new Set(f)].sort((a, b) => a - b);
    const to = new Map(used.map((v, k) => [v, k + 1]));
    return Int32Array.from(f, (v) => to.get(v) as number);
  });
}
