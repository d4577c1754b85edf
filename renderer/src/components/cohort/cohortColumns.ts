import type { CohortTableDto, Output } from '../../../../main/api/contract.js';

export type TableColumnDto = CohortTableDto['columns'][number];
export type DictionaryVariable = Output<'cohort.dictionary'>[number];

/** Column groups in the order researchers read a cohort: who and where, then the variables. */
export const LESION_GROUP = 'Lesion';
export const GROUP_ORDER = [LESION_GROUP, 'Clinical', 'Pathology', 'Receptors', 'MRI', 'Treatment', 'Follow-up'] as const;
export const OTHER_GROUP = 'Other';

/** How a column sorts: numbers by value, ordinal levels by their order, the rest as natural text. */
export type SortKind = 'number' | 'rank' | 'text';

/** A column as the cohort table shows it; `index` is its position in each row of the API table. */
export interface ViewColumn {
  index: number;
  key: string;
  label: string;
  unit: string | null;
  group: string;
  kind: 'entity' | 'variable';
  type: TableColumnDto['type'];
  derived: boolean;
  /** Shown at the left at all times (center, patient, lesion). */
  pinned: boolean;
  /** Few distinct values: the header offers a value filter. */
  categorical: boolean;
  sortKind: SortKind;
  /** Level code → rank, for ordinal sorting. */
  rank: ReadonlyMap<string, number> | null;
  /** Level code → label, for display ("low" → "HER2-low"). */
  labels: ReadonlyMap<string, string> | null;
  widthPx: number;
  description: string | null;
}

const PINNED = new Set(['center', 'patient', 'lesion']);
const CATEGORICAL_ENTITY = new Set(['center', 'side', 'quadrant', 'is_index']);
const NUMERIC_ENTITY = new Set(['clock_position']);
const ENTITY_WIDTH: Record<string, number> = {
  center: 84,
  patient: 104,
  lesion: 72,
  side: 64,
  clock_position: 62,
  quadrant: 82,
  is_index: 100,
  multifocal_group: 124,
};

function widthFor(label: string, type: TableColumnDto['type']): number {
  const byType = type === 'text' ? 150 : type === 'categorical' ? 130 : type === 'date' ? 100 : 88;
  // About 7 px per character of the 12 px bold header font, plus room for the sort arrow.
  return Math.round(Math.min(200, Math.max(byType, label.length * 7 + 34)));
}

function groupRank(group: string): number {
  const i = (GROUP_ORDER as readonly string[]).indexOf(group);
  return i === -1 ? GROUP_ORDER.length : i;
}

/**
 * The table's columns in display order (entity fields, then variables by group, keeping the
 * dictionary's order inside a group), with what the dictionary says about sorting and labels.
 */
export function buildColumns(columns: readonly TableColumnDto[], dictionary: readonly DictionaryVariable[]): ViewColumn[] {
  const byName = new Map(dictionary.map((v) => [v.name, v]));
  const out = columns.map((c, index): ViewColumn => {
    if (c.kind === 'entity') {
      return {
        index,
        key: c.key,
        label: c.label,
        unit: null,
        group: LESION_GROUP,
        kind: 'entity',
        type: null,
        derived: false,
        pinned: PINNED.has(c.key),
        categorical: CATEGORICAL_ENTITY.has(c.key),
        sortKind: NUMERIC_ENTITY.has(c.key) ? 'number' : 'text',
        rank: null,
        labels: null,
        widthPx: ENTITY_WIDTH[c.key] ?? 90,
        description: null,
      };
    }
    const def = byName.get(c.key);
    const levels = def?.levels ?? null;
    const isLevelled = c.type === 'categorical' || c.type === 'ordinal';
    return {
      index,
      key: c.key,
      label: c.label,
      unit: c.unit,
      group: c.group ?? OTHER_GROUP,
      kind: 'variable',
      type: c.type,
      derived: c.derived,
      pinned: false,
      categorical: isLevelled || c.type === 'boolean',
      sortKind: c.type === 'numeric' || c.type === 'integer' ? 'number' : c.type === 'ordinal' && levels ? 'rank' : 'text',
      rank: c.type === 'ordinal' && levels ? new Map(levels.map((l, i) => [l.code, i])) : null,
      labels: isLevelled && levels ? new Map(levels.map((l) => [l.code, l.label])) : null,
      widthPx: widthFor(c.label, c.type),
      description: def?.description ?? null,
    };
  });
  // Stable: pinned entity columns first, then the other entity fields, then groups in order.
  return out
    .map((c, order) => ({ c, order }))
    .sort((a, b) => {
      const pa = a.c.pinned ? 0 : 1;
      const pb = b.c.pinned ? 0 : 1;
      if (pa !== pb) return pa - pb;
      const g = groupRank(a.c.group) - groupRank(b.c.group);
      return g !== 0 ? g : a.order - b.order;
    })
    .map((x) => x.c);
}

/** What a cell shows: the level's label for coded values, the text otherwise. */
export function displayValue(column: ViewColumn, raw: string): string {
  if (raw === '') return '';
  return column.labels?.get(raw) ?? raw;
}

/** Groups present among the columns, in display order. */
export function groupsOf(columns: readonly ViewColumn[]): string[] {
  const seen: string[] = [];
  for (const c of columns) if (!seen.includes(c.group)) seen.push(c.group);
  return seen;
}
