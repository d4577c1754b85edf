import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';
import { listVariables } from './repository.js';
import { formatValue, parseCell, type ParseOptions } from './values.js';

export interface SetValueInput {
  patientCode: string;
  /** Required for lesion-level variables. */
  lesionCode?: string | undefined;
  variable: string;
  /** As typed in the table; '' clears the value. */
  value: string;
}

/**
 * Inline edit of one cell, validated against the dictionary like an imported cell, and
 * audited with the old and new value. Derived variables are computed, not edited.
 */
export function setValue(db: Database.Database, input: SetValueInput, actor: string, opts?: ParseOptions): { shown: string } {
  const variable = listVariables(db).find((v) => v.name === input.variable);
  if (!variable) throw new AppError('NOT_FOUND', `There is no variable "${input.variable}" in the data dictionary.`);
  if (variable.derived && input.value.trim() !== '' && !['er_status', 'pr_status'].includes(variable.derived)) {
    throw new AppError('VALIDATION', `${variable.label} is derived from other variables; edit those instead.`);
  }
  const patient = db.prepare('SELECT id FROM patient WHERE code = ?').get(input.patientCode) as { id: number } | undefined;
  if (!patient) throw new AppError('NOT_FOUND', `There is no patient ${input.patientCode} in the study.`);
  let entityId = patient.id;
  if (variable.scope === 'lesion') {
    if (!input.lesionCode) throw new AppError('VALIDATION', `${variable.label} is recorded per lesion: name the lesion.`);
    const lesion = db.prepare('SELECT id FROM lesion WHERE patient_id = ? AND code = ?').get(patient.id, input.lesionCode) as
      { id: number } | undefined;
    if (!lesion) throw new AppError('NOT_FOUND', `Patient ${input.patientCode} has no lesion ${input.lesionCode}.`);
    entityId = lesion.id;
  }
  const parsed = parseCell(variable, input.value, opts);
  if (parsed.kind === 'error') {
    throw new AppError('VALIDATION', `"${input.value}" is not a valid ${variable.label}: ${parsed.reason}.`, {
      variable: variable.name,
      value: input.value,
    });
  }
  if (variable.required && parsed.kind === 'missing') throw new AppError('VALIDATION', `${variable.label} is required.`);
  const table = variable.scope === 'patient' ? 'patient_value' : 'lesion_value';
  const key = variable.scope === 'patient' ? 'patient_id' : 'lesion_id';
  const before = (db
    .prepare(`SELECT num, txt, missing_code FROM ${table} WHERE ${key} = ? AND variable_id = ?`)
    .get(entityId, variable.id) ?? null) as {
    num: number | null;
    txt: string | null;
    missing_code: string | null;
  } | null;
  const row =
    parsed.kind === 'missing'
      ? { num: null, txt: null, missing_code: parsed.code ?? '' }
      : { num: parsed.num, txt: parsed.txt, missing_code: null };
  db.transaction(() => {
    if (parsed.kind === 'missing' && parsed.code === null) {
      db.prepare(`DELETE FROM ${table} WHERE ${key} = ? AND variable_id = ?`).run(entityId, variable.id);
    } else {
      db.prepare(
        `INSERT INTO ${table}(${key}, variable_id, num, txt, missing_code) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(${key}, variable_id) DO UPDATE SET num = excluded.num, txt = excluded.txt, missing_code = excluded.missing_code`,
      ).run(entityId, variable.id, row.num, row.txt, row.missing_code);
    }
    db.prepare(
      'INSERT INTO audit_log(at, actor, action, entity, entity_id, field, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      new Date().toISOString(),
      actor,
      'cohort.value.set',
      variable.scope,
      String(entityId),
      variable.name,
      JSON.stringify(before),
      JSON.stringify(row),
    );
  })();
  return { shown: parsed.kind === 'missing' ? '' : formatValue(variable, parsed.num, parsed.txt) };
}
