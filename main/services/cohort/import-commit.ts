import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { AppError } from '../../api/errors.js';
import type { ImportMapping, ImportPreview } from '../../api/cohort.js';
import { lesionKey, loadEntityIndex } from './repository.js';
import type { ImportPlan } from './import-plan.js';

export interface CommitResult {
  batchId: number;
  preview: ImportPreview;
}

const now = () => new Date().toISOString();

/**
 * Applies a plan in one transaction, all or nothing: centers, patients, lesions and values,
 * each change written to the audit log under the import's batch id so the import can be
 * undone. A plan with any problem is refused before anything is written.
 */
export function commitImport(
  db: Database.Database,
  plan: ImportPlan,
  file: { name: string; bytes: Uint8Array },
  mapping: ImportMapping,
  actor: string,
): CommitResult {
  if (!plan.preview.ok) {
    throw new AppError(
      'VALIDATION',
      `${plan.preview.file} has ${plan.preview.problemCount} problem(s); nothing was imported. Fix them and import again.`,
      { problems: plan.preview.problems },
    );
  }
  const audit = db.prepare(
    'INSERT INTO audit_log(at, actor, action, entity, entity_id, field, before, after, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const run = db.transaction((): number => {
    const at = now();
    const batchId = Number(
      db
        .prepare('INSERT INTO import_batch(kind, file_name, file_sha256, mapping, summary, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(
          'clinical',
          file.name,
          createHash('sha256').update(file.bytes).digest('hex'),
          JSON.stringify(mapping),
          JSON.stringify({ rows: plan.preview.rows, creates: plan.preview.creates, changeCount: plan.preview.changeCount }),
          at,
        ).lastInsertRowid,
    );
    const log = (action: string, entity: string, id: number, field: string | null, before: unknown, after: unknown) =>
      audit.run(
        at,
        actor,
        action,
        entity,
        String(id),
        field,
        before === undefined ? null : JSON.stringify(before),
        after === undefined ? null : JSON.stringify(after),
        batchId,
      );

    const insCenter = db.prepare('INSERT INTO center(code, name, scanner_vendor, field_strength_t) VALUES (?, ?, ?, ?)');
    for (const c of plan.centers) {
      const id = Number(insCenter.run(c.code, c.name ?? c.code, c.scanner_vendor, c.field_strength_t).lastInsertRowid);
      log('cohort.center.create', 'center', id, null, undefined, c);
    }
    const updCenter = {
      name: db.prepare('UPDATE center SET name = ? WHERE id = ?'),
      scanner_vendor: db.prepare('UPDATE center SET scanner_vendor = ? WHERE id = ?'),
      field_strength_t: db.prepare('UPDATE center SET field_strength_t = ? WHERE id = ?'),
    };
    const centerId = db.prepare('SELECT id FROM center WHERE code = ?').pluck();
    for (const u of plan.centerUpdates) {
      const id = centerId.get(u.code) as number;
      updCenter[u.field].run(u.value, id);
      log('cohort.center.update', 'center', id, u.field, u.before, u.value);
    }
    let index = loadEntityIndex(db);
    // Entities created by this import have no stored values yet: no need to look them up.
    const newPatients = new Set<number>();
    const newLesions = new Set<number>();
    const insPatient = db.prepare('INSERT INTO patient(code, center_id) VALUES (?, ?)');
    for (const p of plan.patients) {
      const id = Number(insPatient.run(p.code, index.centers.get(p.centerCode)!).lastInsertRowid);
      newPatients.add(id);
      log('cohort.patient.create', 'patient', id, null, undefined, p);
    }
    index = loadEntityIndex(db);
    const insLesion = db.prepare(
      'INSERT INTO lesion(patient_id, code, side, clock_position, quadrant, is_index, multifocal_group) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const l of plan.lesions) {
      const patientId = index.patients.get(l.patientCode)!.id;
      const existing = index.lesions.get(lesionKey(patientId, l.code));
      if (existing === undefined) {
        const f = l.fields;
        const id = Number(
          insLesion.run(
            patientId,
            l.code,
            f.side ?? null,
            f.clock_position ?? null,
            f.quadrant ?? null,
            f.is_index ?? 0,
            f.multifocal_group ?? null,
          ).lastInsertRowid,
        );
        newLesions.add(id);
        log('cohort.lesion.create', 'lesion', id, null, undefined, { patient: l.patientCode, code: l.code, ...f });
        index.lesions.set(lesionKey(patientId, l.code), id);
        continue;
      }
      for (const [field, value] of Object.entries(l.fields)) {
        if (value === null || value === undefined) continue;
        const before = db.prepare(`SELECT ${field} FROM lesion WHERE id = ?`).pluck().get(existing);
        if (before === value) continue;
        db.prepare(`UPDATE lesion SET ${field} = ? WHERE id = ?`).run(value, existing);
        log('cohort.lesion.update', 'lesion', existing, field, before, value);
      }
    }
    const upsertP = db.prepare(
      'INSERT INTO patient_value(patient_id, variable_id, num, txt, missing_code) VALUES (?, ?, ?, ?, ?) ON CONFLICT(patient_id, variable_id) DO UPDATE SET num = excluded.num, txt = excluded.txt, missing_code = excluded.missing_code',
    );
    const upsertL = db.prepare(
      'INSERT INTO lesion_value(lesion_id, variable_id, num, txt, missing_code) VALUES (?, ?, ?, ?, ?) ON CONFLICT(lesion_id, variable_id) DO UPDATE SET num = excluded.num, txt = excluded.txt, missing_code = excluded.missing_code',
    );
    const getP = db.prepare('SELECT num, txt, missing_code FROM patient_value WHERE patient_id = ? AND variable_id = ?');
    const getL = db.prepare('SELECT num, txt, missing_code FROM lesion_value WHERE lesion_id = ? AND variable_id = ?');
    // Values of entities created by this import are audited once per entity (their creation
    // is undone by deleting the entity); values changed on existing entities one by one.
    const initial = new Map<string, { entity: 'patient' | 'lesion'; id: number; values: Record<string, unknown> }>();
    const initialOf = (entity: 'patient' | 'lesion', id: number) => {
      const key = `${entity}:${id}`;
      let entry = initial.get(key);
      if (!entry) initial.set(key, (entry = { entity, id, values: {} }));
      return entry.values;
    };
    for (const w of plan.values) {
      const patientId = index.patients.get(w.patientCode)!.id;
      const v = w.value;
      const row = v.kind === 'missing' ? [null, null, v.code ?? ''] : [v.num, v.txt, null];
      const after = { num: row[0], txt: row[1], missing_code: row[2] };
      if (w.scope === 'patient') {
        const isNew = newPatients.has(patientId);
        const before = isNew ? null : (getP.get(patientId, w.variable.id) ?? null);
        upsertP.run(patientId, w.variable.id, ...row);
        if (isNew) initialOf('patient', patientId)[w.variable.name] = after;
        else log('cohort.value.set', 'patient', patientId, w.variable.name, before, after);
      } else {
        const lesionId = index.lesions.get(lesionKey(patientId, w.lesionCode!))!;
        const isNew = newLesions.has(lesionId);
        const before = isNew ? null : (getL.get(lesionId, w.variable.id) ?? null);
        upsertL.run(lesionId, w.variable.id, ...row);
        if (isNew) initialOf('lesion', lesionId)[w.variable.name] = after;
        else log('cohort.value.set', 'lesion', lesionId, w.variable.name, before, after);
      }
    }
    for (const e of initial.values()) log('cohort.values.initial', e.entity, e.id, null, undefined, e.values);
    return batchId;
  });
  return { batchId: run(), preview: plan.preview };
}

/**
 * Undoes the most recent import that has not been undone, from its audit entries in reverse.
 * Refused when cohort data changed after it (undo those changes first), so no later edit is lost.
 */
export function undoLastImport(db: Database.Database, actor: string): { batchId: number; file: string; reverted: number } {
  const batch = db.prepare('SELECT id, file_name FROM import_batch WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1').get() as
    { id: number; file_name: string } | undefined;
  if (!batch) throw new AppError('NOT_FOUND', 'There is no import to undo.');
  const lastEntry = db.prepare('SELECT max(id) FROM audit_log WHERE batch_id = ?').pluck().get(batch.id) as number;
  const later = db
    .prepare(
      "SELECT count(*) FROM audit_log WHERE id > ? AND action LIKE 'cohort.%' AND (batch_id IS NULL OR batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL OR id = ?))",
    )
    .pluck()
    .get(lastEntry, batch.id) as number;
  if (later > 0) {
    throw new AppError(
      'JOB_STATE',
      `The cohort was changed ${later} time(s) after the import of ${batch.file_name}; undo is only possible for the latest change.`,
    );
  }
  const entries = db.prepare('SELECT * FROM audit_log WHERE batch_id = ? ORDER BY id DESC').all(batch.id) as {
    action: string;
    entity: string;
    entity_id: string;
    field: string | null;
    before: string | null;
  }[];
  const varId = db.prepare('SELECT id FROM variable WHERE name = ?').pluck();
  const run = db.transaction(() => {
    for (const e of entries) {
      const id = Number(e.entity_id);
      if (e.action === 'cohort.value.set') {
        const table = e.entity === 'patient' ? 'patient_value' : 'lesion_value';
        const key = e.entity === 'patient' ? 'patient_id' : 'lesion_id';
        const vid = varId.get(e.field) as number;
        const before = e.before
          ? (JSON.parse(e.before) as { num: number | null; txt: string | null; missing_code: string | null } | null)
          : null;
        if (before)
          db.prepare(`UPDATE ${table} SET num = ?, txt = ?, missing_code = ? WHERE ${key} = ? AND variable_id = ?`).run(
            before.num,
            before.txt,
            before.missing_code,
            id,
            vid,
          );
        else db.prepare(`DELETE FROM ${table} WHERE ${key} = ? AND variable_id = ?`).run(id, vid);
      } else if (e.action === 'cohort.center.update' && ['name', 'scanner_vendor', 'field_strength_t'].includes(e.field ?? '')) {
        db.prepare(`UPDATE center SET ${e.field} = ? WHERE id = ?`).run(e.before === null ? null : JSON.parse(e.before), id);
      } else if (e.action === 'cohort.lesion.update') {
        db.prepare(`UPDATE lesion SET ${e.field} = ? WHERE id = ?`).run(e.before === null ? null : JSON.parse(e.before), id);
      } else if (e.action.endsWith('.create')) {
        db.prepare(`DELETE FROM ${e.entity} WHERE id = ?`).run(id);
      }
    }
    db.prepare('UPDATE import_batch SET undone_at = ? WHERE id = ?').run(now(), batch.id);
    db.prepare('INSERT INTO audit_log(at, actor, action, entity, entity_id, batch_id) VALUES (?, ?, ?, ?, ?, ?)').run(
      now(),
      actor,
      'import.undo',
      'import_batch',
      String(batch.id),
      batch.id,
    );
  });
  run();
  return { batchId: batch.id, file: batch.file_name, reverted: entries.length };
}
