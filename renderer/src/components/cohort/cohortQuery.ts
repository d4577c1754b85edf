import { displayValue, type ViewColumn } from './cohortColumns.js';

/**
 * Search, filter, sort and summaries over the cohort rows (one per lesion, cells as strings,
 * '' for missing). Everything works on row indices, so 10,000 × 150 cells are never copied.
 */

export type SortDirection = 'asc' | 'desc';
export interface SortState {
  key: string;
  direction: SortDirection;
}

/** Column key → the one value rows must have ('' selects missing values). */
export type ValueFilters = ReadonlyMap<string, string>;

const FIELD_SEPARATOR = '\u0001';
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * One lower-case line per row with what its cells show (labels, not codes), so a search
 * matches the table as the user reads it. Built once per loaded table.
 */
export function buildSearchIndex(rows: readonly (readonly string[])[], columns: readonly ViewColumn[]): string[] {
  const out = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const parts = new Array<string>(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c]!;
      parts[c] = displayValue(col, row[col.index] ?? '');
    }
    out[r] = parts.join(FIELD_SEPARATOR).toLowerCase();
  }
  return out;
}

/** Rows that contain every word of `query` (anywhere in the row) and pass every value filter. */
export function filterRows(
  rows: readonly (readonly string[])[],
  searchIndex: readonly string[],
  query: string,
  filters: ValueFilters,
  columns: readonly ViewColumn[],
): number[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const active: { index: number; value: string }[] = [];
  for (const [key, value] of filters) {
    const col = columns.find((c) => c.key === key);
    if (col) active.push({ index: col.index, value });
  }
  const out: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let keep = true;
    for (const f of active) {
      if ((row[f.index] ?? '') !== f.value) {
        keep = false;
        break;
      }
    }
    if (!keep) continue;
    if (words.length > 0) {
      const line = searchIndex[r] ?? '';
      for (const w of words) {
        if (!line.includes(w)) {
          keep = false;
          break;
        }
      }
    }
    if (keep) out.push(r);
  }
  return out;
}

/**
 * Sorted copy of `indices` by one column. Missing values go last in both directions (they are
 * not "small"); ties keep the table's order (center, patient, lesion) because the sort is stable.
 */
export function sortRows(
  indices: readonly number[],
  rows: readonly (readonly string[])[],
  column: ViewColumn,
  direction: SortDirection,
): number[] {
  const sign = direction === 'asc' ? 1 : -1;
  const n = indices.length;
  const order = indices.slice();
  if (column.sortKind === 'number' || column.sortKind === 'rank') {
    // Keys once per row (Float64Array), then compare numbers: parsing inside the comparator
    // would parse each cell log(n) times.
    const keys = new Float64Array(rows.length);
    for (let i = 0; i < n; i++) {
      const r = indices[i]!;
      const raw = rows[r]![column.index] ?? '';
      keys[r] = raw === '' ? Number.NaN : column.sortKind === 'rank' ? (column.rank?.get(raw) ?? Number.NaN) : Number(raw);
    }
    order.sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      const ma = Number.isNaN(ka);
      const mb = Number.isNaN(kb);
      if (ma || mb) return ma === mb ? 0 : ma ? 1 : -1;
      return (ka - kb) * sign;
    });
    return order;
  }
  order.sort((a, b) => {
    const va = displayValue(column, rows[a]![column.index] ?? '');
    const vb = displayValue(column, rows[b]![column.index] ?? '');
    if (va === '' || vb === '') return va === vb ? 0 : va === '' ? 1 : -1;
    return collator.compare(va, vb) * sign;
  });
  return order;
}

export interface ValueCount {
  value: string;
  label: string;
  count: number;
}

/** Distinct values of a column with their counts (for a filter menu), missing last. */
export function distinctValues(rows: readonly (readonly string[])[], column: ViewColumn): ValueCount[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const v = row[column.index] ?? '';
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const list = [...counts.entries()].map(([value, count]) => ({
    value,
    label: value === '' ? '(missing)' : displayValue(column, value),
    count,
  }));
  const rank = column.rank;
  return list.sort((a, b) => {
    if (a.value === '' || b.value === '') return a.value === b.value ? 0 : a.value === '' ? 1 : -1;
    if (rank) return (rank.get(a.value) ?? Infinity) - (rank.get(b.value) ?? Infinity);
    return collator.compare(a.label, b.label);
  });
}

export interface CenterCount {
  center: string;
  patients: number;
  lesions: number;
}

/** Patients and lesions per center among the given rows. */
export function centerCounts(
  rows: readonly (readonly string[])[],
  indices: readonly number[],
  centerIndex: number,
  patientIndex: number,
): CenterCount[] {
  const byCenter = new Map<string, { patients: Set<string>; lesions: number }>();
  for (const r of indices) {
    const row = rows[r]!;
    const center = row[centerIndex] ?? '';
    let entry = byCenter.get(center);
    if (!entry) byCenter.set(center, (entry = { patients: new Set(), lesions: 0 }));
    entry.patients.add(row[patientIndex] ?? '');
    entry.lesions++;
  }
  return [...byCenter.entries()]
    .map(([center, e]) => ({ center, patients: e.patients.size, lesions: e.lesions }))
    .sort((a, b) => collator.compare(a.center, b.center));
}

export interface Missingness {
  key: string;
  label: string;
  group: string;
  derived: boolean;
  missing: number;
  /** Share of the rows with no value, 0..1. */
  fraction: number;
}

/** Share of rows without a value, per variable column, most missing first. */
export function missingness(
  rows: readonly (readonly string[])[],
  indices: readonly number[],
  columns: readonly ViewColumn[],
): Missingness[] {
  const vars = columns.filter((c) => c.kind === 'variable');
  const missing = new Uint32Array(vars.length);
  for (const r of indices) {
    const row = rows[r]!;
    for (let c = 0; c < vars.length; c++) {
      if ((row[vars[c]!.index] ?? '') === '') missing[c] += 1;
    }
  }
  const total = indices.length;
  return vars
    .map((col, c) => ({
      key: col.key,
      label: col.label,
      group: col.group,
      derived: col.derived,
      missing: missing[c]!,
      fraction: total === 0 ? 0 : missing[c]! / total,
    }))
    .sort((a, b) => b.fraction - a.fraction);
}
