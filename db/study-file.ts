import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../main/api/errors.js';
import { acquireLock, describeHolder, lockHolder, type StudyLock } from './lock.js';
import { loadMigrations, type Migration } from './migrations.js';
import { appVersion } from './paths.js';

/** `PRAGMA application_id` of every RadStudy study file: ASCII "RADS". */
export const APPLICATION_ID = 0x52414453;
export const STUDY_EXTENSION = '.radstudy';

export interface StudyHandle {
  db: Database.Database;
  path: string;
  readOnly: boolean;
  readOnlyReason: string | null;
  schemaVersion: number;
  migratedFrom: number | null;
  backupPath: string | null;
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  /** Migrations to apply (tests pass their own list; default: db/migrations). */
  migrations?: Migration[];
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

function sqliteCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

function isErrno(err: unknown, ...codes: string[]): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code !== undefined && codes.includes(code);
}

/** Looks at the first bytes only: never hands a non-SQLite file to SQLite. */
function assertSqliteFile(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      throw new AppError('STUDY_NOT_FOUND', `There is no study file at ${file}. Check the path, or create a new study.`, {
        path: file,
      });
    }
    throw err;
  }
  if (st.isDirectory()) {
    throw new AppError('NOT_A_STUDY', `${file} is a folder, not a RadStudy study file (*.radstudy).`, { path: file });
  }
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  let n = 0;
  try {
    n = readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 16 || !head.equals(SQLITE_MAGIC)) {
    throw new AppError(
      'NOT_A_STUDY',
      `${path.basename(file)} is not a RadStudy study file: it is not an SQLite database${n === 0 ? ' (the file is empty)' : ''}. Choose a *.radstudy file.`,
      { path: file },
    );
  }
}

function notWritable(file: string, readOnly: boolean): AppError {
  return readOnly
    ? new AppError(
        'FOLDER_NOT_WRITABLE',
        `${path.basename(file)} was not closed cleanly (it still has a write-ahead log) and its folder is read-only, so it cannot be read safely here. Copy the study with its -wal and -shm files to a folder you can write to.`,
        { path: file },
      )
    : new AppError(
        'FOLDER_NOT_WRITABLE',
        `RadStudy cannot write ${path.basename(file)} or its folder. Open it read-only, or copy it to a folder you can write to.`,
        { path: file },
      );
}

function corrupt(file: string, problems: string[]): AppError {
  return new AppError(
    'STUDY_CORRUPT',
    `The study file ${path.basename(file)} is damaged (SQLite integrity check: ${problems[0] ?? 'unreadable'}${
      problems.length > 1 ? `, and ${problems.length - 1} more problem(s)` : ''
    }). It was not changed. Restore the latest backup from its backups/ folder.`,
    { path: file, problems: problems.slice(0, 20) },
  );
}

/** Runs `PRAGMA integrity_check` and returns the problems it lists (empty when the file is sound). */
export function integrityProblems(db: Database.Database): string[] {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  // SQLite may put several problems in one row, one per line, under a "*** in database" header.
  const msgs = rows
    .flatMap((r) => r.integrity_check.split('\n'))
    .map((m) => m.trim())
    .filter((m) => m && !m.startsWith('***'));
  return msgs.length === 1 && msgs[0] === 'ok' ? [] : msgs;
}

function backupName(file: string, from: number, to: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const base = path.basename(file, STUDY_EXTENSION);
  return path.join(path.dirname(file), `${base}.schema-v${from}-before-v${to}.${stamp}${STUDY_EXTENSION}`);
}

function applyMigrations(db: Database.Database, file: string, from: number, pending: Migration[]): void {
  const to = pending[pending.length - 1]!.version;
  const run = db.transaction(() => {
    for (const mig of pending) {
      try {
        db.exec(mig.sql);
      } catch (err) {
        throw new AppError(
          'MIGRATION_FAILED',
          `Upgrading ${path.basename(file)} failed in migration ${String(mig.version).padStart(3, '0')}_${mig.name}: ${
            (err as Error).message
          }. The study was left as it was (schema ${from}).`,
          { path: file, migration: mig.version },
        );
      }
    }
    db.pragma(`user_version = ${to}`);
    if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
  });
  run();
}

/**
 * Opens a study: checks it is ours and sound before anything writes, takes the writer lock,
 * and upgrades the schema after a backup copy. Any failure leaves the file as it was.
 */
export function openStudy(fileIn: string, opts: OpenOptions = {}): StudyHandle {
  const file = path.resolve(fileIn);
  assertSqliteFile(file);
  const migrations = opts.migrations ?? loadMigrations();
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;

  const readOnly = opts.readOnly ?? false;
  let readOnlyReason: string | null = readOnly ? 'opened read-only on request' : null;
  let lock: StudyLock | null = null;
  if (!readOnly) {
    lock = acquireLock(file);
  } else {
    const holder = lockHolder(file);
    if (holder) readOnlyReason = `open for writing in ${describeHolder(holder)}`;
  }

  let db: Database.Database | null = null;
  try {
    try {
      db = new Database(file, { readonly: readOnly, fileMustExist: true });
    } catch (err) {
      const code = sqliteCode(err);
      if (code === 'SQLITE_CANTOPEN') throw notWritable(file, readOnly);
      throw err;
    }
    db.pragma('busy_timeout = 5000');

    let appId: number;
    let version: number;
    try {
      appId = db.pragma('application_id', { simple: true }) as number;
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (err) {
      const code = sqliteCode(err) ?? '';
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw corrupt(file, [(err as Error).message]);
      if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN') throw notWritable(file, readOnly);
      throw err;
    }
    if (appId !== APPLICATION_ID) {
      throw new AppError(
        'NOT_A_STUDY',
        `${path.basename(file)} is an SQLite database but not a RadStudy study (application id ${appId}). It was not changed.`,
        { path: file, applicationId: appId },
      );
    }
    if (version > latest) {
      throw new AppError(
        'SCHEMA_TOO_NEW',
        `${path.basename(file)} was written by a newer RadStudy (study schema ${version}; this version knows up to ${latest}). Update RadStudy to open it; the file was not changed.`,
        { path: file, schemaVersion: version, supported: latest },
      );
    }

    let problems: string[];
    try {
      problems = integrityProblems(db);
    } catch (err) {
      throw corrupt(file, [(err as Error).message]);
    }
    if (problems.length) throw corrupt(file, problems);

    db.pragma('foreign_keys = ON');

    let migratedFrom: number | null = null;
    let backupPath: string | null = null;
    const pending = migrations.filter((m) => m.version > version);
    if (pending.length) {
      if (readOnly) {
        throw new AppError(
          'STUDY_READ_ONLY',
          `${path.basename(file)} uses study schema ${version} and must be upgraded to ${latest}, which needs write access. Open it without read-only (a backup is made first).`,
          { path: file, schemaVersion: version, latest },
        );
      }
      backupPath = backupName(file, version, latest);
      // VACUUM INTO writes a consistent copy that includes anything still in the WAL.
      db.prepare('VACUUM INTO ?').run(backupPath);
      applyMigrations(db, file, version, pending);
      migratedFrom = version;
      version = latest;
    }

    if (!readOnly) {
      // Only now, with the file known good and current, does it switch to WAL: every failure
      // above leaves the file byte for byte as it was.
      db.pragma('journal_mode = WAL');
      // FULL: a committed transaction survives a power cut, not only a crash of RadStudy.
      db.pragma('synchronous = FULL');
    }

    const handle: StudyHandle = {
      db,
      path: file,
      readOnly,
      readOnlyReason,
      schemaVersion: version,
      migratedFrom,
      backupPath,
      close() {
        if (db?.open) {
          if (!readOnly) {
            try {
              // Leave a closed study as one self-contained file (no -wal/-shm), readable
              // read-only from any folder; skipped while a reader still has it open.
              db.pragma('journal_mode = DELETE');
            } catch {
              // busy: another connection reads it; it stays in WAL mode, which is fine
            }
          }
          db.close();
        }
        lock?.release();
      },
    };
    return handle;
  } catch (err) {
    if (db?.open) db.close();
    lock?.release();
    throw err;
  }
}

/**
 * Creates a new study file atomically: it is built under a temporary name and linked into
 * place only when complete, so a crash never leaves a half-made study behind.
 */
export function createStudy(fileIn: string, name: string, opts: { migrations?: Migration[] } = {}): StudyHandle {
  const file = path.resolve(fileIn);
  if (!file.endsWith(STUDY_EXTENSION)) {
    throw new AppError('VALIDATION', `A study file name must end in ${STUDY_EXTENSION} (got ${path.basename(file)}).`, {
      path: file,
    });
  }
  const dir = path.dirname(file);
  if (!existsSync(dir)) {
    throw new AppError('STUDY_NOT_FOUND', `The folder ${dir} does not exist. Create it first or choose another folder.`, {
      path: dir,
    });
  }
  if (existsSync(file)) {
    throw new AppError('STUDY_EXISTS', `${file} already exists. Open it, or choose another name.`, { path: file });
  }
  const tmp = path.join(dir, `.${path.basename(file)}.creating-${randomUUID().slice(0, 8)}`);
  let db: Database.Database | null = null;
  try {
    try {
      db = new Database(tmp);
    } catch (err) {
      if (sqliteCode(err) === 'SQLITE_CANTOPEN' || isErrno(err, 'EACCES', 'EPERM', 'EROFS')) {
        throw new AppError('FOLDER_NOT_WRITABLE', `RadStudy cannot create files in ${dir}. Choose a folder you can write to.`, {
          path: dir,
        });
      }
      throw err;
    }
    db.pragma('journal_mode = DELETE');
    const migrations = opts.migrations ?? loadMigrations();
    applyMigrations(db, file, 0, migrations);
    const put = db.prepare('INSERT INTO study_meta(key, value) VALUES (?, ?)');
    const now = new Date().toISOString();
    db.transaction(() => {
      put.run('id', randomUUID());
      put.run('name', name);
      put.run('created_at', now);
      put.run('created_by', `RadStudy ${appVersion()}`);
      db!
        .prepare('INSERT INTO audit_log(at, actor, action, entity, entity_id, after) VALUES (?, ?, ?, ?, ?, ?)')
        .run(now, 'system', 'study.create', 'study', null, JSON.stringify({ name }));
    })();
    db.close();
    db = null;
    try {
      linkSync(tmp, file);
    } catch (err) {
      if (isErrno(err, 'EEXIST')) {
        throw new AppError('STUDY_EXISTS', `${file} already exists. Open it, or choose another name.`, { path: file });
      }
      throw err;
    }
  } finally {
    if (db?.open) db.close();
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) {
      try {
        unlinkSync(f);
      } catch {
        // not there
      }
    }
  }
  return openStudy(file, opts.migrations ? { migrations: opts.migrations } : {});
}
