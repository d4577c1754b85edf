import type Database from 'better-sqlite3';
import { VariableDefSchema, type VariableDef } from '../../api/cohort.js';
import { readMeta, writeMeta } from '../../../db/repositories/meta.js';
import { BUILTIN_DICTIONARY, BUILTIN_DICTIONARY_VERSION } from './builtin-dictionary.js';

export interface StoredVariable extends VariableDef {
  id: number;
  builtin: boolean;
}

interface VariableRow {
  id: number;
  name: string;
  label: string;
  type: VariableDef['type'];
  unit: string | null;
  levels: string | null;
  missing_codes: string;
  role: VariableDef['role'];
  scope: VariableDef['scope'];
  min_value: number | null;
  max_value: number | null;
  required: number;
  derived: string | null;
  grp: string | null;
  description: string | null;
  builtin: number;
}

function toVariable(r: VariableRow): StoredVariable {
  return {
    id: r.id,
    builtin: r.builtin === 1,
    ...VariableDefSchema.parse({
      name: r.name,
      label: r.label,
      type: r.type,
      unit: r.unit,
      levels: r.levels ? JSON.parse(r.levels) : null,
      missingCodes: JSON.parse(r.missing_codes),
      role: r.role,
      scope: r.scope,
      min: r.min_value,
      max: r.max_value,
      required: r.required === 1,
      derived: r.derived,
      group: r.grp,
      description: r.description,
    }),
  };
}

export function listVariables(db: Database.Database): StoredVariable[] {
  return (db.prepare('SELECT * FROM variable ORDER BY position, id').all() as VariableRow[]).map(toVariable);
}

export function insertVariable(db: Database.Database, v: VariableDef, builtin: boolean, position: number): number {
  const info = db
    .prepare(
      `INSERT INTO variable(name, label, type, unit, levels, missing_codes, role, scope, min_value, max_value, required, derived, grp, description, builtin, position)
       VALUES (@name, @label, @type, @unit, @levels, @missing, @role, @scope, @min, @max, @required, @derived, @grp, @description, @builtin, @position)`,
    )
    .run({
      name: v.name,
      label: v.label,
      type: v.type,
      unit: v.unit,
      levels: v.levels ? JSON.stringify(v.levels) : null,
      missing: JSON.stringify(v.missingCodes),
      role: v.role,
      scope: v.scope,
      min: v.min,
      max: v.max,
      required: v.required ? 1 : 0,
      derived: v.derived,
      grp: v.group,
      description: v.description,
      builtin: builtin ? 1 : 0,
      position,
    });
  return Number(info.lastInsertRowid);
}

/**
 * Puts the built-in breast-oncology dictionary into a study once (at creation, or when an
 * older study is upgraded). A coordinator's later edits and deletions are kept: it is not
 * re-added on the next open.
 */
export function ensureBuiltinDictionary(db: Database.Database): number {
  const meta = readMeta(db);
  if (Number(meta.builtin_dictionary_version ?? 0) >= BUILTIN_DICTIONARY_VERSION) return 0;
  const existing = new Set(db.prepare('SELECT name FROM variable').pluck().all() as string[]);
  let added = 0;
  db.transaction(() => {
    BUILTIN_DICTIONARY.forEach((v, i) => {
      if (existing.has(v.name)) return;
      insertVariable(db, v, true, (i + 1) * 10);
      added++;
    });
    writeMeta(db, 'builtin_dictionary_version', String(BUILTIN_DICTIONARY_VERSION));
  })();
  return added;
}

export interface EntityIndex {
  centers: Map<string, number>;
  patients: Map<string, { id: number; centerId: number }>;
  /** key: `${patientId}\u0000${lesionCode}` */
  lesions: Map<string, number>;
}

export const lesionKey = (patientId: number, code: string) => `${patientId}\u0000${code}`;

export function loadEntityIndex(db: Database.Database): EntityIndex {
  const centers = new Map(
    (db.prepare('SELECT code, id FROM center').all() as { code: string; id: number }[]).map((r) => [r.code, r.id]),
  );
  const patients = new Map(
    (db.prepare('SELECT code, id, center_id FROM patient').all() as { code: string; id: number; center_id: number }[]).map(
      (r) => [r.code, { id: r.id, centerId: r.center_id }],
    ),
  );
  const lesions = new Map(
    (db.prepare('SELECT patient_id, code, id FROM lesion').all() as { patient_id: number; code: string; id: number }[]).map(
      (r) => [lesionKey(r.patient_id, r.code), r.id],
    ),
  );
  return { centers, patients, lesions };
}
