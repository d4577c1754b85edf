import type Database from 'better-sqlite3';
import type { CohortTableDto } from '../../api/cohort.js';
import { applyDerivations, type ValueBag } from './derive.js';
import { listVariables, type StoredVariable } from './repository.js';
import type { SubtypeCutoffs } from './subtype.js';
import { formatValue } from './values.js';

export interface CohortColumn {
  key: string;
  label: string;
  kind: 'entity' | 'variable';
  variable?: StoredVariable;
}

export interface CohortTable {
  columns: CohortColumn[];
  /** One row per lesion; cells as display strings ('' for missing). */
  rows: string[][];
}

const ENTITY_COLUMNS: CohortColumn[] = [
  { key: 'center', label: 'Center', kind: 'entity' },
  { key: 'patient', label: 'Patient', kind: 'entity' },
  { key: 'lesion', label: 'Lesion', kind: 'entity' },
  { key: 'side', label: 'Side', kind: 'entity' },
  { key: 'clock_position', label: 'Clock', kind: 'entity' },
  { key: 'quadrant', label: 'Quadrant', kind: 'entity' },
  { key: 'is_index', label: 'Index lesion', kind: 'entity' },
  { key: 'multifocal_group', label: 'Multifocal group', kind: 'entity' },
];

/**
 * The cohort as one table, one row per lesion with its patient's values, derived variables
 * computed. Identifier-role variables are left out unless asked for (exports default to that).
 */
export function cohortTable(
  db: Database.Database,
  opts: { includeIdentifiers?: boolean; cutoffs?: SubtypeCutoffs } = {},
): CohortTable {
  const variables = listVariables(db).filter((v) => opts.includeIdentifiers || v.role !== 'identifier');
  const byId = new Map(variables.map((v) => [v.id, v]));
  const lesions = db
    .prepare(
      `SELECT l.id, l.code, l.side, l.clock_position, l.quadrant, l.is_index, l.multifocal_group, p.id AS pid, p.code AS pcode, c.code AS ccode
       FROM lesion l JOIN patient p ON p.id = l.patient_id JOIN center c ON c.id = p.center_id ORDER BY c.code, p.code, l.code`,
    )
    .all() as {
    id: number;
    code: string;
    side: string | null;
    clock_position: number | null;
    quadrant: string | null;
    is_index: number;
    multifocal_group: string | null;
    pid: number;
    pcode: string;
    ccode: string;
  }[];
  const patientValues = new Map<number, ValueBag>();
  for (const r of db
    .prepare('SELECT patient_id, variable_id, num, txt FROM patient_value WHERE missing_code IS NULL')
    .iterate() as Iterable<{
    patient_id: number;
    variable_id: number;
    num: number | null;
    txt: string | null;
  }>) {
    const v = byId.get(r.variable_id);
    if (!v) continue;
    let bag = patientValues.get(r.patient_id);
    if (!bag) patientValues.set(r.patient_id, (bag = new Map()));
    bag.set(v.name, r.num ?? r.txt);
  }
  const lesionValues = new Map<number, ValueBag>();
  for (const r of db
    .prepare('SELECT lesion_id, variable_id, num, txt FROM lesion_value WHERE missing_code IS NULL')
    .iterate() as Iterable<{
    lesion_id: number;
    variable_id: number;
    num: number | null;
    txt: string | null;
  }>) {
    const v = byId.get(r.variable_id);
    if (!v) continue;
    let bag = lesionValues.get(r.lesion_id);
    if (!bag) lesionValues.set(r.lesion_id, (bag = new Map()));
    bag.set(v.name, r.num ?? r.txt);
  }
  const rows = lesions.map((l) => {
    const bag: ValueBag = new Map([...(patientValues.get(l.pid) ?? []), ...(lesionValues.get(l.id) ?? [])]);
    applyDerivations(bag, opts.cutoffs);
    const entity = [
      l.ccode,
      l.pcode,
      l.code,
      l.side ?? '',
      l.clock_position?.toString() ?? '',
      l.quadrant ?? '',
      l.is_index ? 'yes' : 'no',
      l.multifocal_group ?? '',
    ];
    const vals = variables.map((v) => {
      const x = bag.get(v.name);
      if (x === null || x === undefined) return '';
      return typeof x === 'number' ? formatValue(v, x, null) : formatValue(v, null, x);
    });
    return [...entity, ...vals];
  });
  return {
    columns: [
      ...ENTITY_COLUMNS,
      ...variables.map((v) => ({ key: v.name, label: v.label, kind: 'variable' as const, variable: v })),
    ],
    rows,
  };
}

/** CSV with a header of variable names (machine-readable, re-importable), RFC 4180 quoting. */
export function toCsv(table: CohortTable): string {
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [table.columns.map((c) => q(c.key)).join(',')];
  for (const r of table.rows) lines.push(r.map(q).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** The table as it crosses the API: column metadata without the stored-variable internals. */
export function tableDto(t: CohortTable): CohortTableDto {
  return {
    columns: t.columns.map((c) => ({
      key: c.key,
      label: c.label,
      kind: c.kind,
      type: c.variable?.type ?? null,
      unit: c.variable?.unit ?? null,
      group: c.variable?.group ?? null,
      derived: !!c.variable?.derived,
      role: c.variable?.role ?? null,
    })),
    rows: t.rows,
  };
}
