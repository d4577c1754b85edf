import type Database from 'better-sqlite3';
import type { EntityTarget, ImportChange, ImportMapping, ImportPreview, ImportProblem } from '../../api/cohort.js';
import { entityTargets } from '../../api/cohort.js';
import { lesionKey, listVariables, loadEntityIndex, type StoredVariable } from './repository.js';
import type { RawTable } from './table-reader.js';
import { formatValue, parseCell, type CellValue } from './values.js';

/** Lesion code used when a file has one row per patient and no lesion column. */
export const DEFAULT_LESION_CODE = 'L1';
const MAX_LISTED = 500;

export interface ValueWrite {
  scope: 'patient' | 'lesion';
  patientCode: string;
  lesionCode: string | null;
  variable: StoredVariable;
  value: CellValue;
  /** Stored value before, as shown (null: none). */
  old: string | null;
}

export interface PlannedLesion {
  patientCode: string;
  code: string;
  fields: Partial<Record<'side' | 'clock_position' | 'quadrant' | 'is_index' | 'multifocal_group', string | number | null>>;
  exists: boolean;
}

export interface ImportPlan {
  preview: ImportPreview;
  centers: { code: string; name: string | null; scanner_vendor: string | null; field_strength_t: number | null }[];
  /** Name, scanner vendor or field strength of a center already in the study that the file changes. */
  centerUpdates: { code: string; field: CenterField; before: string | number | null; value: string | number }[];
  patients: { code: string; centerCode: string }[];
  lesions: PlannedLesion[];
  values: ValueWrite[];
}

type CenterField = 'name' | 'scanner_vendor' | 'field_strength_t';
type StoredCell = { num: number | null; txt: string | null; missing_code: string | null };
type FieldParse = { ok: true; value: string | number | null } | { ok: false; reason: string };

const SIDES: Record<string, string> = {
  l: 'left',
  left: 'left',
  links: 'left',
  gauche: 'left',
  r: 'right',
  right: 'right',
  rechts: 'right',
  droite: 'right',
};
const QUADRANTS: Record<string, string> = {
  uoq: 'UOQ',
  'upper outer': 'UOQ',
  uiq: 'UIQ',
  'upper inner': 'UIQ',
  loq: 'LOQ',
  'lower outer': 'LOQ',
  liq: 'LIQ',
  'lower inner': 'LIQ',
  central: 'central',
  retroareolar: 'central',
  subareolar: 'central',
};

function parseEntityField(target: EntityTarget, raw: unknown): FieldParse {
  const text = raw === null || raw === undefined ? '' : String(raw).trim();
  if (text === '') return { ok: true, value: null };
  switch (target) {
    case 'lesion.side': {
      const v = SIDES[text.toLowerCase()];
      return v ? { ok: true, value: v } : { ok: false, reason: 'side must be left or right (L/R)' };
    }
    case 'lesion.quadrant': {
      const v = QUADRANTS[text.toLowerCase()];
      return v ? { ok: true, value: v } : { ok: false, reason: 'quadrant must be UOQ, UIQ, LOQ, LIQ or central' };
    }
    case 'lesion.clock_position': {
      const n = Number(text.replace(/\s*(o'?clock|h)$/i, ''));
      return Number.isInteger(n) && n >= 1 && n <= 12
        ? { ok: true, value: n }
        : { ok: false, reason: 'clock position must be a whole number 1–12' };
    }
    case 'lesion.is_index': {
      const t = text.toLowerCase();
      if (['1', 'yes', 'y', 'true', 'index'].includes(t)) return { ok: true, value: 1 };
      if (['0', 'no', 'n', 'false'].includes(t)) return { ok: true, value: 0 };
      return { ok: false, reason: 'index lesion must be yes or no' };
    }
    case 'center.field_strength_t': {
      const n = Number(text.replace(/\s*t(esla)?$/i, '').replace(',', '.'));
      return Number.isFinite(n) && n > 0 && n <= 20
        ? { ok: true, value: n }
        : { ok: false, reason: 'field strength must be in tesla, e.g. 1.5 or 3' };
    }
    default:
      return { ok: true, value: text };
  }
}

function show(v: CellValue, variable: StoredVariable): string | null {
  return v.kind === 'missing' ? (v.code === null ? null : `missing (${v.code})`) : formatValue(variable, v.num, v.txt);
}

/**
 * Reads a whole table against the dictionary and the study as it is, without writing: every
 * problem (row, column, value, reason), what would be created, and what would change. The
 * same plan is recomputed at commit, so a preview never goes stale.
 */
export function planImport(db: Database.Database, table: RawTable, mapping: ImportMapping): ImportPlan {
  const problems: ImportProblem[] = [];
  let problemCount = 0;
  const problem = (p: ImportProblem) => {
    problemCount++;
    if (problems.length < MAX_LISTED) problems.push(p);
  };
  const variables = new Map(listVariables(db).map((v) => [v.name, v]));
  const index = loadEntityIndex(db);

  // Resolve the mapping against the header.
  const colTarget: (EntityTarget | StoredVariable | null)[] = [];
  const ignored: string[] = [];
  const seenTargets = new Map<string, string>();
  table.header.forEach((h) => {
    const t = mapping.columns[h];
    if (!t || t === 'ignore') {
      colTarget.push(null);
      if (h) ignored.push(h);
      return;
    }
    const prev = seenTargets.get(t);
    if (prev) problem({ row: null, column: h, value: null, reason: `maps to ${t}, which column "${prev}" already fills` });
    seenTargets.set(t, h);
    if (t.startsWith('var:')) {
      const v = variables.get(t.slice(4));
      if (!v) problem({ row: null, column: h, value: null, reason: `no variable "${t.slice(4)}" in the data dictionary` });
      colTarget.push(v ?? null);
    } else if ((entityTargets as readonly string[]).includes(t)) {
      colTarget.push(t as EntityTarget);
    } else {
      problem({ row: null, column: h, value: null, reason: `unknown target "${t}"` });
      colTarget.push(null);
    }
  });
  for (const h of Object.keys(mapping.columns)) {
    if (!table.header.includes(h))
      problem({ row: null, column: h, value: null, reason: 'the mapping names this column but the file has no such column' });
  }
  const colOf = (t: EntityTarget) => colTarget.indexOf(t);
  const patientCol = colOf('patient.code');
  const centerCol = colOf('center.code');
  const lesionCol = colOf('lesion.code');
  if (patientCol < 0)
    problem({ row: null, column: null, value: null, reason: 'no column is mapped to the patient code (patient.code)' });

  const centers = new Map<string, ImportPlan['centers'][number]>();
  const patients = new Map<string, { centerCode: string; row: number }>();
  const lesions = new Map<string, PlannedLesion & { row: number }>();
  const values: ValueWrite[] = [];
  const seen = new Map<string, { shown: string | null; row: number }>();
  const changes: ImportChange[] = [];
  let changeCount = 0;
  let unchanged = 0;
  const storedCenters = new Map(
    (
      db.prepare('SELECT code, name, scanner_vendor, field_strength_t FROM center').all() as ({ code: string } & Record<
        CenterField,
        string | number | null
      >)[]
    ).map((c) => [c.code, c]),
  );
  /** The first value of each center field in the file, so that rows disagreeing are reported. */
  const centerValues = new Map<string, { value: string | number; row: number }>();
  const centerUpdates: ImportPlan['centerUpdates'] = [];

  // Existing values of the entities this file touches, for the diff.
  const oldPatient = db.prepare('SELECT num, txt, missing_code FROM patient_value WHERE patient_id = ? AND variable_id = ?');
  const oldLesion = db.prepare('SELECT num, txt, missing_code FROM lesion_value WHERE lesion_id = ? AND variable_id = ?');

  if (patientCol >= 0) {
    for (const { line, cells } of table.rows) {
      const cell = (c: number) => (c >= 0 ? cells[c] : undefined);
      const patientCode = String(cell(patientCol) ?? '').trim();
      if (!patientCode) {
        problem({ row: line, column: table.header[patientCol]!, value: '', reason: 'the patient code is empty' });
        continue;
      }
      const existingPatient = index.patients.get(patientCode);
      const centerCode = centerCol >= 0 ? String(cell(centerCol) ?? '').trim() : '';
      if (!existingPatient) {
        if (!centerCode) {
          problem({
            row: line,
            column: centerCol >= 0 ? table.header[centerCol]! : null,
            value: patientCode,
            reason: `patient ${patientCode} does not exist in the study and the row names no center to create it in`,
          });
          continue;
        }
        const known = patients.get(patientCode);
        if (known && known.centerCode !== centerCode) {
          problem({
            row: line,
            column: table.header[centerCol]!,
            value: centerCode,
            reason: `patient ${patientCode} is in center ${known.centerCode} on row ${known.row}`,
          });
          continue;
        }
        if (!known) patients.set(patientCode, { centerCode, row: line });
      } else if (centerCode && index.centers.get(centerCode) !== existingPatient.centerId) {
        problem({
          row: line,
          column: table.header[centerCol]!,
          value: centerCode,
          reason: `patient ${patientCode} belongs to another center in the study`,
        });
        continue;
      }
      if (centerCode && !index.centers.has(centerCode) && !centers.has(centerCode)) {
        centers.set(centerCode, { code: centerCode, name: null, scanner_vendor: null, field_strength_t: null });
      }

      const lesionCode = lesionCol >= 0 ? String(cell(lesionCol) ?? '').trim() || DEFAULT_LESION_CODE : DEFAULT_LESION_CODE;
      const lKey = `${patientCode}\u0000${lesionCode}`;
      const dup = lesions.get(lKey);
      if (dup) {
        problem({
          row: line,
          column: lesionCol >= 0 ? table.header[lesionCol]! : table.header[patientCol]!,
          value: `${patientCode} / ${lesionCode}`,
          reason: `duplicate row: patient ${patientCode}, lesion ${lesionCode} is already on row ${dup.row}`,
        });
        continue;
      }
      const lesionId = existingPatient ? index.lesions.get(lesionKey(existingPatient.id, lesionCode)) : undefined;
      const lesion: PlannedLesion & { row: number } = {
        patientCode,
        code: lesionCode,
        fields: {},
        exists: lesionId !== undefined,
        row: line,
      };
      lesions.set(lKey, lesion);

      colTarget.forEach((target, c) => {
        if (target === null || c === patientCol || c === centerCol || c === lesionCol) return;
        const column = table.header[c]!;
        const raw = cells[c];
        if (typeof target === 'string') {
          const parsed = parseEntityField(target, raw);
          if (!parsed.ok) {
            problem({ row: line, column, value: String(raw ?? ''), reason: parsed.reason });
            return;
          }
          if (target.startsWith('lesion.')) {
            (lesion.fields as Record<string, string | number | null>)[target.slice(7)] = parsed.value;
          } else if (target.startsWith('center.') && centerCode && parsed.value !== null) {
            const field = target.slice(7) as CenterField;
            const key = `${centerCode}\u0000${field}`;
            const first = centerValues.get(key);
            if (first) {
              if (first.value !== parsed.value)
                problem({
                  row: line,
                  column,
                  value: String(raw ?? ''),
                  reason: `center ${centerCode} has ${field.replace(/_/g, ' ')} ${first.value} on row ${first.row}`,
                });
              return;
            }
            centerValues.set(key, { value: parsed.value, row: line });
            const planned = centers.get(centerCode);
            const stored = storedCenters.get(centerCode);
            if (planned) (planned as Record<CenterField, string | number | null>)[field] = parsed.value;
            else if (stored && stored[field] !== parsed.value) {
              centerUpdates.push({ code: centerCode, field, before: stored[field], value: parsed.value });
              changeCount++;
              if (changes.length < MAX_LISTED)
                changes.push({
                  entity: 'center',
                  key: centerCode,
                  field,
                  old: stored[field] === null ? null : String(stored[field]),
                  new: String(parsed.value),
                });
            }
          }
          return;
        }
        const variable = target;
        if (variable.derived && !['er_status', 'pr_status', 'her2_status', 'molecular_subtype'].includes(variable.derived))
          return;
        const parsed = parseCell(variable, raw, mapping.options);
        if (parsed.kind === 'error') {
          problem({ row: line, column, value: String(raw ?? ''), reason: parsed.reason });
          return;
        }
        if (variable.required && parsed.kind === 'missing') {
          problem({ row: line, column, value: String(raw ?? ''), reason: `${variable.label} is required` });
          return;
        }
        const scope = variable.scope;
        const key = scope === 'patient' ? `p\u0000${patientCode}\u0000${variable.name}` : `l\u0000${lKey}\u0000${variable.name}`;
        const shown = show(parsed, variable);
        const prev = seen.get(key);
        if (prev) {
          // A patient-level value repeated on each lesion row must agree.
          if (prev.shown !== shown) {
            problem({
              row: line,
              column,
              value: String(raw ?? ''),
              reason: `${variable.label} of patient ${patientCode} is ${prev.shown ?? 'empty'} on row ${prev.row}`,
            });
          }
          return;
        }
        seen.set(key, { shown, row: line });
        let old: string | null = null;
        if (scope === 'patient' && existingPatient) {
          const r = oldPatient.get(existingPatient.id, variable.id) as StoredCell | undefined;
          if (r) old = r.missing_code !== null ? `missing (${r.missing_code})` : formatValue(variable, r.num, r.txt);
        } else if (scope === 'lesion' && lesionId !== undefined) {
          const r = oldLesion.get(lesionId, variable.id) as StoredCell | undefined;
          if (r) old = r.missing_code !== null ? `missing (${r.missing_code})` : formatValue(variable, r.num, r.txt);
        }
        if (old === shown) {
          if (old !== null) unchanged++;
          return;
        }
        values.push({ scope, patientCode, lesionCode: scope === 'lesion' ? lesionCode : null, variable, value: parsed, old });
        const exists = scope === 'patient' ? !!existingPatient : lesionId !== undefined;
        if (exists) {
          changeCount++;
          if (changes.length < MAX_LISTED)
            changes.push({
              entity: scope,
              key: scope === 'patient' ? patientCode : `${patientCode} / ${lesionCode}`,
              field: variable.name,
              old,
              new: shown,
            });
        }
      });
    }
  }

  const ok = problemCount === 0;
  const preview: ImportPreview = {
    file: table.fileName,
    detected: table.detected,
    rows: table.rows.length,
    ok,
    problems,
    problemCount,
    ignoredColumns: ignored,
    creates: {
      centers: [...centers.keys()],
      patients: patients.size,
      lesions: [...lesions.values()].filter((l) => !l.exists).length,
    },
    changes,
    changeCount,
    unchanged,
  };
  return {
    preview,
    centers: [...centers.values()],
    centerUpdates,
    patients: [...patients.entries()].map(([code, p]) => ({ code, centerCode: p.centerCode })),
    lesions: [...lesions.values()],
    values,
  };
}
