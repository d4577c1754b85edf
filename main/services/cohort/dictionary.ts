import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';
import type { ImportMapping, VariableDef } from '../../api/cohort.js';
import { insertVariable, listVariables, type StoredVariable } from './repository.js';

const audit = (db: Database.Database, actor: string, action: string, id: number, before: unknown, after: unknown) =>
  db
    .prepare('INSERT INTO audit_log(at, actor, action, entity, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(
      new Date().toISOString(),
      actor,
      action,
      'variable',
      String(id),
      before === null ? null : JSON.stringify(before),
      JSON.stringify(after),
    );

/**
 * Adds or changes a dictionary variable. Changing the type, or removing levels or narrowing the
 * range so that stored values would no longer be valid, is refused with the count affected.
 */
export function saveVariable(db: Database.Database, v: VariableDef, actor: string): StoredVariable {
  const existing = listVariables(db).find((x) => x.name === v.name);
  return db.transaction(() => {
    if (!existing) {
      const pos = (db.prepare('SELECT coalesce(max(position), 0) + 10 FROM variable').pluck().get() as number) ?? 10;
      const id = insertVariable(db, v, false, pos);
      audit(db, actor, 'cohort.variable.create', id, null, v);
      return listVariables(db).find((x) => x.id === id)!;
    }
    const table = existing.scope === 'patient' ? 'patient_value' : 'lesion_value';
    const stored = db
      .prepare(`SELECT count(*) FROM ${table} WHERE variable_id = ? AND missing_code IS NULL`)
      .pluck()
      .get(existing.id) as number;
    if (stored > 0 && (existing.type !== v.type || existing.scope !== v.scope)) {
      throw new AppError(
        'VALIDATION',
        `${existing.label} already has ${stored} value(s); its type and level (patient/lesion) cannot change. Create a new variable instead.`,
      );
    }
    if (stored > 0 && v.levels) {
      const codes = new Set(v.levels.map((l) => l.code));
      const orphaned = db
        .prepare(
          `SELECT count(*) FROM ${table} WHERE variable_id = ? AND txt IS NOT NULL AND txt NOT IN (${[...codes].map(() => '?').join(',') || "''"})`,
        )
        .pluck()
        .get(existing.id, ...codes) as number;
      if (orphaned > 0)
        throw new AppError(
          'VALIDATION',
          `${orphaned} stored value(s) of ${existing.label} use a level you removed; recode them first.`,
        );
    }
    if (stored > 0 && (v.min !== null || v.max !== null)) {
      const out = db
        .prepare(`SELECT count(*) FROM ${table} WHERE variable_id = ? AND num IS NOT NULL AND (num < ? OR num > ?)`)
        .pluck()
        .get(existing.id, v.min ?? -Infinity, v.max ?? Infinity) as number;
      if (out > 0) throw new AppError('VALIDATION', `${out} stored value(s) of ${existing.label} fall outside the new range.`);
    }
    db.prepare(
      `UPDATE variable SET label = ?, unit = ?, levels = ?, missing_codes = ?, role = ?, min_value = ?, max_value = ?, required = ?, grp = ?, description = ? WHERE id = ?`,
    ).run(
      v.label,
      v.unit,
      v.levels ? JSON.stringify(v.levels) : null,
      JSON.stringify(v.missingCodes),
      v.role,
      v.min,
      v.max,
      v.required ? 1 : 0,
      v.group,
      v.description,
      existing.id,
    );
    audit(db, actor, 'cohort.variable.update', existing.id, existing, v);
    return listVariables(db).find((x) => x.id === existing.id)!;
  })();
}

export function deleteVariable(db: Database.Database, name: string, actor: string): { deleted: boolean; values: number } {
  const existing = listVariables(db).find((x) => x.name === name);
  if (!existing) throw new AppError('NOT_FOUND', `There is no variable "${name}" in the data dictionary.`);
  return db.transaction(() => {
    const values =
      (db.prepare('SELECT count(*) FROM patient_value WHERE variable_id = ?').pluck().get(existing.id) as number) +
      (db.prepare('SELECT count(*) FROM lesion_value WHERE variable_id = ?').pluck().get(existing.id) as number);
    db.prepare('DELETE FROM variable WHERE id = ?').run(existing.id);
    audit(db, actor, 'cohort.variable.delete', existing.id, existing, { values });
    return { deleted: true, values };
  })();
}

export function listMappings(db: Database.Database): { name: string; mapping: ImportMapping; updatedAt: string }[] {
  return (
    db.prepare('SELECT name, mapping, updated_at FROM import_mapping ORDER BY name').all() as {
      name: string;
      mapping: string;
      updated_at: string;
    }[]
  ).map((r) => ({
    name: r.name,
    mapping: JSON.parse(r.mapping) as ImportMapping,
    updatedAt: r.updated_at,
  }));
}

export function saveMapping(db: Database.Database, name: string, mapping: ImportMapping): { name: string } {
  db.prepare(
    'INSERT INTO import_mapping(name, mapping, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at',
  ).run(name, JSON.stringify(mapping), new Date().toISOString());
  return { name };
}
