/**
 * Training / validation splits and cross-validation folds. Every split keeps a patient's lesions
 * together (rows sharing a group id always land in the same set or fold), so a patient with two
 * lesions can never be in training and test at once.
 *
 * Stratification works on groups: a group is positive when any of its rows is. Within each
 * stratum the groups are shuffled with the seeded generator; a random split sends
 * round(fraction × stratum size) groups of each stratum to the test set, k-fold deals the
 * shuffled groups of each stratum to the folds in turn (as scikit-learn's StratifiedGroupKFold
 * aims to, but exactly balanced for one-row groups), so every fold has the outcome ratio of the
 * whole set within one group.
 */
import { Rng } from '../stats/random.js';
import { StatsInputError } from '../stats/common.js';

export type SetRole = 'train' | 'test' | 'external';
export const ROLE_CODE: Record<SetRole, number> = { train: 0, test: 1, external: 2 };

export interface SplitRows {
  /** Patient (group) id per row. */
  groups: readonly string[];
  /** Outcome per row (0/1, NaN missing): needed to stratify. */
  y?: ArrayLike<number>;
  /** Center per row: needed for a split by center. */
  centers?: readonly string[];
  /** Acquisition date per row (ISO text or a number): needed for a split by date. */
  dates?: readonly (string | number)[];
}

export type SplitSpec =
  | { method: 'random'; testFraction: number; stratify?: boolean; seed?: number }
  | {
      method: 'center';
      /** Centers whose rows form the external validation set. */
      external: readonly string[];
      /** Optionally also split the remaining centers into training and internal test. */
      testFraction?: number;
      stratify?: boolean;
      seed?: number;
    }
  | { method: 'date'; /** Rows on or after this date are the (temporal) test set. */ cutoff: string | number };

export interface Split {
  /** Role per row: 0 train, 1 test, 2 external (ROLE_CODE). */
  role: Int8Array;
  counts: Record<SetRole, { rows: number; groups: number; events: number }>;
  spec: SplitSpec;
}

function shuffleInPlace<T>(a: T[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
}

interface GroupIndex {
  /** Distinct groups in first-seen order. */
  names: string[];
  /** Rows of each group. */
  rows: number[][];
  /** Group id per row. */
  of: Int32Array;
}

function indexGroups(groups: readonly string[]): GroupIndex {
  const at = new Map<string, number>();
  const names: string[] = [];
  const rows: number[][] = [];
  const of = new Int32Array(groups.length);
  groups.forEach((g, i) => {
    if (g === '' || g === undefined || g === null) throw new StatsInputError(`split: row ${i + 1} has no patient id`);
    let k = at.get(g);
    if (k === undefined) {
      k = names.length;
      at.set(g, k);
      names.push(g);
      rows.push([]);
    }
    (rows[k] as number[]).push(i);
    of[i] = k;
  });
  return { names, rows, of };
}

/** Stratum per group: 1 when any row is positive, 0 otherwise (one stratum without y). */
function groupStrata(idx: GroupIndex, y: ArrayLike<number> | undefined, stratify: boolean): number[] {
  if (!stratify) return idx.names.map(() => 0);
  if (!y) throw new StatsInputError('split: stratifying by outcome needs the outcome');
  return idx.rows.map((rs) => (rs.some((i) => (y[i] as number) === 1) ? 1 : 0));
}

function countRoles(role: Int8Array, rows: SplitRows, idx: GroupIndex): Split['counts'] {
  const counts: Split['counts'] = {
    train: { rows: 0, groups: 0, events: 0 },
    test: { rows: 0, groups: 0, events: 0 },
    external: { rows: 0, groups: 0, events: 0 },
  };
  const names: SetRole[] = ['train', 'test', 'external'];
  const seen = new Set<string>();
  for (let i = 0; i < role.length; i++) {
    const c = counts[names[role[i] as number] as SetRole];
    c.rows++;
    if (rows.y && (rows.y[i] as number) === 1) c.events++;
    const key = `${role[i]}:${idx.of[i]}`;
    if (!seen.has(key)) {
      seen.add(key);
      c.groups++;
    }
  }
  return counts;
}

/** Groups to the test set: round(fraction × size) from each stratum, after a seeded shuffle. */
function randomGroups(candidates: number[], strata: number[], fraction: number, rng: Rng): Set<number> {
  const test = new Set<number>();
  for (const s of [0, 1]) {
    const pool = candidates.filter((g) => strata[g] === s);
    shuffleInPlace(pool, rng);
    const k = Math.round(fraction * pool.length);
    for (let i = 0; i < k; i++) test.add(pool[i] as number);
  }
  return test;
}

export function makeSplit(rows: SplitRows, spec: SplitSpec): Split {
  const idx = indexGroups(rows.groups);
  const n = rows.groups.length;
  const role = new Int8Array(n);
  if (spec.method === 'random' || spec.method === 'center') {
    const fraction = spec.testFraction ?? 0;
    if (!(fraction >= 0 && fraction < 1)) throw new StatsInputError(`split: test fraction ${fraction} must be in [0, 1)`);
    if (spec.method === 'random' && fraction === 0)
      throw new StatsInputError('split: a random split needs a test fraction above 0');
    const rng = new Rng(spec.seed ?? 1);
    const strata = groupStrata(idx, rows.y, spec.stratify ?? true);
    let candidates = idx.names.map((_, g) => g);
    if (spec.method === 'center') {
      if (!rows.centers) throw new StatsInputError('split by center: the data have no center column');
      const ext = new Set(spec.external);
      const known = new Set(rows.centers);
      for (const c of ext) if (!known.has(c)) throw new StatsInputError(`split by center: no rows come from center '${c}'`);
      const extGroups = new Set<number>();
      rows.centers.forEach((c, i) => {
        if (ext.has(c)) extGroups.add(idx.of[i] as number);
      });
      for (const g of extGroups) {
        const cs = new Set((idx.rows[g] as number[]).map((i) => rows.centers![i]));
        if (cs.size > 1) {
          throw new StatsInputError(
            `split by center: patient '${idx.names[g]}' has rows in centers ${[...cs].join(' and ')}; a patient must belong to one center`,
          );
        }
        for (const i of idx.rows[g] as number[]) role[i] = ROLE_CODE.external;
      }
      if (extGroups.size === idx.names.length)
        throw new StatsInputError('split by center: every row is external; no training data left');
      candidates = candidates.filter((g) => !extGroups.has(g));
    }
    if (fraction > 0) {
      for (const g of randomGroups(candidates, strata, fraction, rng)) {
        for (const i of idx.rows[g] as number[]) role[i] = ROLE_CODE.test;
      }
    }
  } else {
    if (!rows.dates) throw new StatsInputError('split by date: the data have no date column');
    const cut = spec.cutoff;
    rows.dates.forEach((d, i) => {
      if (d === '' || d === null || d === undefined || (typeof d === 'number' && Number.isNaN(d))) {
        throw new StatsInputError(`split by date: row ${i + 1} (patient '${rows.groups[i]}') has no date`);
      }
      role[i] = (typeof cut === 'number' ? Number(d) >= cut : String(d) >= String(cut)) ? ROLE_CODE.test : ROLE_CODE.train;
    });
    // A patient whose lesions straddle the cut goes wholly to the set of the first lesion.
    for (const rs of idx.rows) for (const i of rs) role[i] = role[rs[0] as number] as number;
  }
  const counts = countRoles(role, rows, idx);
  if (counts.train.rows === 0) throw new StatsInputError('split: the training set is empty');
  return { role, counts, spec };
}

export interface FoldSpec {
  /** 'kfold' (default), or 'loocv' = leave one patient out. */
  method?: 'kfold' | 'loocv';
  k?: number;
  repeats?: number;
  stratify?: boolean;
  seed?: number;
}

/**
 * Fold ids (1..k) per row, one Int32Array per repeat, keeping groups together and stratified
 * by group outcome. LOOCV gives one fold per patient.
 */
export function makeFolds(rows: SplitRows, spec: FoldSpec = {}): Int32Array[] {
  const idx = indexGroups(rows.groups);
  const G = idx.names.length;
  if (spec.method === 'loocv') {
    const f = new Int32Array(rows.groups.length);
    for (let i = 0; i < f.length; i++) f[i] = (idx.of[i] as number) + 1;
    return [f];
  }
  const k = spec.k ?? 10;
  const repeats = spec.repeats ?? 1;
  if (!Number.isInteger(k) || k < 2) throw new StatsInputError(`cross-validation: k = ${k}; needs an integer ≥ 2`);
  if (k > G) throw new StatsInputError(`cross-validation: ${k} folds but only ${G} patients`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new StatsInputError(`cross-validation: repeats = ${repeats}`);
  const strata = groupStrata(idx, rows.y, spec.stratify ?? true);
  const rng = new Rng(spec.seed ?? 1);
  const out: Int32Array[] = [];
  for (let r = 0; r < repeats; r++) {
    const foldOf = new Int32Array(G);
    let next = rng.nextInt(k);
    for (const s of [0, 1]) {
      const pool = idx.names.map((_, g) => g).filter((g) => strata[g] === s);
      shuffleInPlace(pool, rng);
      for (const g of pool) {
        foldOf[g] = (next % k) + 1;
        next++;
      }
    }
    const f = new Int32Array(rows.groups.length);
    for (let i = 0; i < f.length; i++) f[i] = foldOf[idx.of[i] as number] as number;
    out.push(f);
  }
  return out;
}
