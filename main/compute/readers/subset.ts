/**
 * The second reader's subset: a seeded random sample of lesions, stratified by center so that each
 * center contributes in proportion to its size (the seed papers re-segment e.g. 35 of 107 lesions,
 * "randomly selected"). Allocation per center is Hamilton's largest-remainder rounding of
 * total · n_c / N, ties going to the larger center, then the code; within a center the lesions are
 * put in a canonical order (by key) and shuffled by Fisher–Yates with the seeded xoshiro128**
 * generator, and the first quota are taken. The same candidates and seed give the same subset on
 * every machine, whatever order the candidates came in.
 */
import { Rng } from '../stats/random.js';

export interface SubsetCandidate {
  /** Unique, stable key (e.g. "P001/L1"): fixes the canonical order. */
  key: string;
  stratum: string;
}

export interface SubsetAllocation {
  stratum: string;
  eligible: number;
  selected: number;
}

export class SubsetInputError extends Error {}

/** How many to take from each stratum for a total (largest-remainder proportional allocation). */
export function allocate(sizes: ReadonlyMap<string, number>, total: number): SubsetAllocation[] {
  const N = [...sizes.values()].reduce((s, n) => s + n, 0);
  if (!(Number.isInteger(total) && total >= 0 && total <= N))
    throw new SubsetInputError(`cannot take ${total} of ${N} eligible lesions`);
  const rows = [...sizes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stratum, eligible]) => {
      const exact = N === 0 ? 0 : (total * eligible) / N;
      return { stratum, eligible, selected: Math.floor(exact), rest: exact - Math.floor(exact) };
    });
  let left = total - rows.reduce((s, r) => s + r.selected, 0);
  const order = [...rows].sort((a, b) => b.rest - a.rest || b.eligible - a.eligible || (a.stratum < b.stratum ? -1 : 1));
  for (const r of order) {
    if (left === 0) break;
    if (r.selected < r.eligible) {
      r.selected++;
      left--;
    }
  }
  return rows.map(({ stratum, eligible, selected }) => ({ stratum, eligible, selected }));
}

/** Total for a count or a fraction of N (fraction: rounded half up, at least 1). */
export function subsetSize(N: number, opts: { count?: number | undefined; fraction?: number | undefined }): number {
  if (opts.count !== undefined) {
    if (opts.count > N) throw new SubsetInputError(`asked for ${opts.count} lesions but only ${N} are eligible`);
    return opts.count;
  }
  if (opts.fraction === undefined) throw new SubsetInputError('give either a count or a fraction');
  return Math.min(N, Math.max(1, Math.floor(opts.fraction * N + 0.5)));
}

/** The selected candidates (canonical order within each stratum's shuffle) and the allocation. */
export function stratifiedSubset<T extends SubsetCandidate>(
  candidates: readonly T[],
  total: number,
  seed: number,
): { selected: T[]; allocation: SubsetAllocation[] } {
  const keys = new Set<string>();
  const byStratum = new Map<string, T[]>();
  for (const c of candidates) {
    if (keys.has(c.key)) throw new SubsetInputError(`the lesion ${c.key} is listed twice`);
    keys.add(c.key);
    const list = byStratum.get(c.stratum) ?? [];
    list.push(c);
    byStratum.set(c.stratum, list);
  }
  const allocation = allocate(new Map([...byStratum].map(([s, l]) => [s, l.length])), total);
  const rng = new Rng(seed);
  const selected: T[] = [];
  for (const a of allocation) {
    const list = [...byStratum.get(a.stratum)!].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = list[i]!;
      list[i] = list[j]!;
      list[j] = t;
    }
    selected.push(...list.slice(0, a.selected));
  }
  return { selected, allocation };
}
