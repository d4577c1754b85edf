import { statSync } from 'node:fs';
import { AppError, toApiError, type ApiError } from '../main/api/errors.js';
import { describeHolder, lockHolder } from './lock.js';
import { latestSchemaVersion } from './migrations.js';
import { readMeta } from './repositories/meta.js';
import { openStudy } from './study-file.js';

export interface CheckReport {
  path: string;
  ok: boolean;
  name: string | null;
  schemaVersion: number | null;
  supportedSchema: number;
  needsUpgrade: boolean;
  fileBytes: number | null;
  foreignKeyViolations: number | null;
  openElsewhere: string | null;
  tables: Record<string, number>;
  error: ApiError | null;
}

/**
 * `radstudy check`: opens the study read-only (never migrates, never writes) and reports
 * integrity, schema version, foreign-key violations and table sizes.
 */
export function checkStudyFile(file: string): CheckReport {
  const holder = lockHolder(file);
  const supported = latestSchemaVersion();
  const base: CheckReport = {
    path: file,
    ok: false,
    name: null,
    schemaVersion: null,
    supportedSchema: supported,
    needsUpgrade: false,
    fileBytes: null,
    foreignKeyViolations: null,
    openElsewhere: holder ? describeHolder(holder) : null,
    tables: {},
    error: null,
  };
  try {
    base.fileBytes = statSync(file).size;
  } catch {
    // reported by openStudy below
  }
  let handle;
  try {
    handle = openStudy(file, { readOnly: true });
  } catch (err) {
    const apiError = toApiError(err);
    if (apiError.code === 'STUDY_READ_ONLY' && err instanceof AppError) {
      // An older schema is not damage: report it as needing an upgrade on the next writable open.
      const d = err.details as { schemaVersion?: number } | undefined;
      return { ...base, ok: true, schemaVersion: d?.schemaVersion ?? null, needsUpgrade: true };
    }
    return { ...base, error: apiError };
  }
  try {
    const db = handle.db;
    const meta = readMeta(db);
    const tables: Record<string, number> = {};
    for (const t of db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[]) {
      tables[t] = db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number;
    }
    const fk = (db.pragma('foreign_key_check') as unknown[]).length;
    return {
      ...base,
      ok: fk === 0,
      name: meta.name ?? null,
      schemaVersion: handle.schemaVersion,
      foreignKeyViolations: fk,
      tables,
    };
  } finally {
    handle.close();
  }
}
