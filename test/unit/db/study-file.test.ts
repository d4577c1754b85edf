import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../main/api/errors.js';
import { checkStudyFile } from '../../../db/check.js';
import { lockPathFor } from '../../../db/lock.js';
import { latestSchemaVersion, loadMigrations, type Migration } from '../../../db/migrations.js';
import { APPLICATION_ID, createStudy, openStudy } from '../../../db/study-file.js';
import { padStudy } from '../../helpers/study.js';
import { repoRoot, sha256File, tmpDir } from '../../helpers/tmp.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).code;
  }
  throw new Error('expected an error');
}

let t: ReturnType<typeof tmpDir>;
beforeEach(() => {
  t = tmpDir();
});
afterEach(() => t.cleanup());

describe('creating a study', () => {
  it('writes a RadStudy SQLite file in WAL mode with foreign keys and the current schema', () => {
    const file = path.join(t.dir, 'a.radstudy');
    const h = createStudy(file, 'HER2 study');
    expect(h.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(h.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(h.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(h.schemaVersion).toBe(latestSchemaVersion());
    expect(h.db.prepare("SELECT value FROM study_meta WHERE key = 'name'").pluck().get()).toBe('HER2 study');
    expect(h.db.prepare('SELECT action FROM audit_log').pluck().all()).toEqual(['study.create']);
    h.close();
    // no temporary files left behind by the atomic create
    expect(readdirSync(t.dir).filter((f) => f.includes('creating'))).toEqual([]);
  });

  it('refuses to overwrite an existing file or a name without .radstudy', () => {
    const file = path.join(t.dir, 'a.radstudy');
    writeFileSync(file, 'precious');
    expect(codeOf(() => createStudy(file, 'x'))).toBe('STUDY_EXISTS');
    expect(codeOf(() => createStudy(path.join(t.dir, 'a.db'), 'x'))).toBe('VALIDATION');
    expect(codeOf(() => createStudy(path.join(t.dir, 'missing', 'a.radstudy'), 'x'))).toBe('STUDY_NOT_FOUND');
  });
});

describe('opening bad files leaves them unchanged', () => {
  it('a text file is not a study', () => {
    const file = path.join(t.dir, 'notes.radstudy');
    writeFileSync(file, 'patient,age\nP001,54\n');
    const before = sha256File(file);
    let err: AppError | null = null;
    try {
      openStudy(file);
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('NOT_A_STUDY');
    expect(err?.message).toContain('not an SQLite database');
    expect(sha256File(file)).toBe(before);
    expect(existsSync(lockPathFor(file))).toBe(false);
  });

  it('an empty file and a folder are not studies', () => {
    const file = path.join(t.dir, 'empty.radstudy');
    writeFileSync(file, '');
    expect(codeOf(() => openStudy(file))).toBe('NOT_A_STUDY');
    expect(codeOf(() => openStudy(t.dir))).toBe('NOT_A_STUDY');
    expect(codeOf(() => openStudy(path.join(t.dir, 'nope.radstudy')))).toBe('STUDY_NOT_FOUND');
  });

  it('another application’s SQLite database is not a study', () => {
    const file = path.join(t.dir, 'other.radstudy');
    const db = new Database(file);
    db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1);');
    db.close();
    const before = sha256File(file);
    expect(codeOf(() => openStudy(file))).toBe('NOT_A_STUDY');
    expect(sha256File(file)).toBe(before);
  });

  it('a corrupt study is reported as damaged and not modified', () => {
    const file = path.join(t.dir, 'c.radstudy');
    createStudy(file, 'c').close();
    padStudy(file, 2);
    const size = statSync(file).size;
    // Overwrite 64 KiB in the middle of the file (b-tree pages of the volume cache) with junk.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(65536, 0xa5), 0, 65536, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const before = sha256File(file);
    let err: AppError | null = null;
    try {
      openStudy(file);
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('STUDY_CORRUPT');
    expect(err?.message).toMatch(/damaged.*backup/);
    expect(sha256File(file)).toBe(before);
    expect(existsSync(lockPathFor(file))).toBe(false);
    expect(checkStudyFile(file).error?.code).toBe('STUDY_CORRUPT');
  });

  it('a study from a newer RadStudy is refused without change', () => {
    const file = path.join(t.dir, 'new.radstudy');
    createStudy(file, 'n').close();
    const db = new Database(file);
    db.pragma(`user_version = ${latestSchemaVersion() + 3}`);
    db.close();
    const before = sha256File(file);
    let err: AppError | null = null;
    try {
      openStudy(file);
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('SCHEMA_TOO_NEW');
    expect(err?.message).toContain('newer RadStudy');
    expect(sha256File(file)).toBe(before);
  });
});

describe('migrations', () => {
  const base = loadMigrations();
  // Numbers may have gaps (branches reserve them), so the latest is the last number, not the count.
  const latest = base[base.length - 1]!.version;
  const extra: Migration = {
    version: latest + 1,
    name: 'add_note',
    sql: 'CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;',
  };
  const broken: Migration = {
    version: latest + 1,
    name: 'broken',
    sql: 'CREATE TABLE ok_part(x); INSERT INTO no_such_table VALUES (1);',
  };

  it('upgrades an older study in one transaction after a backup copy', () => {
    const file = path.join(t.dir, 'm.radstudy');
    createStudy(file, 'm').close();
    const h = openStudy(file, { migrations: [...base, extra] });
    expect(h.migratedFrom).toBe(latest);
    expect(h.schemaVersion).toBe(latest + 1);
    expect(h.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'note'").pluck().get()).toBe(1);
    expect(h.backupPath && existsSync(h.backupPath)).toBeTruthy();
    h.close();
    const backup = new Database(h.backupPath!, { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(latest);
    expect(backup.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'note'").pluck().get()).toBe(0);
    backup.close();
  });

  it('a failing migration changes nothing and says which one failed', () => {
    const file = path.join(t.dir, 'f.radstudy');
    createStudy(file, 'f').close();
    const before = sha256File(file);
    let err: AppError | null = null;
    try {
      openStudy(file, { migrations: [...base, broken] });
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('MIGRATION_FAILED');
    expect(err?.message).toContain(`${String(latest + 1).padStart(3, '0')}_broken`);
    expect(sha256File(file)).toBe(before);
    const h = openStudy(file);
    expect(h.schemaVersion).toBe(latest);
    expect(h.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'ok_part'").pluck().get()).toBe(0);
    h.close();
  });

  it('a read-only open of an older study asks for a writable open', () => {
    const file = path.join(t.dir, 'r.radstudy');
    createStudy(file, 'r').close();
    expect(codeOf(() => openStudy(file, { readOnly: true, migrations: [...base, extra] }))).toBe('STUDY_READ_ONLY');
  });
});

describe('one writer per study', () => {
  it('a second open in this process is refused; read-only works and cannot write', () => {
    const file = path.join(t.dir, 'l.radstudy');
    const a = createStudy(file, 'l');
    let err: AppError | null = null;
    try {
      openStudy(file);
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('STUDY_LOCKED');
    expect(err?.message).toMatch(/already open.*read-only/);
    const ro = openStudy(file, { readOnly: true });
    expect(ro.readOnly).toBe(true);
    expect(ro.readOnlyReason).toMatch(/open for writing in process/);
    expect(() => ro.db.prepare("INSERT INTO study_meta VALUES ('k', 'v')").run()).toThrow(/readonly/i);
    ro.close();
    a.close();
    expect(existsSync(lockPathFor(file))).toBe(false);
    openStudy(file).close();
  });

  it('a study held by another process is refused, naming that process', async () => {
    const file = path.join(t.dir, 'p.radstudy');
    createStudy(file, 'p').close();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/fixtures/scripts/hold-study.ts'), file], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    let err: AppError | null = null;
    try {
      openStudy(file);
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('STUDY_LOCKED');
    expect(err?.message).toContain(`process ${child.pid}`);
    expect(checkStudyFile(file).openElsewhere).toContain(`process ${child.pid}`);
    child.stdin!.end();
    await new Promise((r) => child.once('exit', r));
    openStudy(file).close();
  });

  it('a stale lock from a process that is gone is taken over', () => {
    const file = path.join(t.dir, 's.radstudy');
    createStudy(file, 's').close();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(
      lockPathFor(file),
      JSON.stringify({ pid: Number(dead), host: os.hostname(), since: 'x', token: 'old', app: 'RadStudy' }),
    );
    const h = openStudy(file);
    expect(h.readOnly).toBe(false);
    h.close();
  });
});

describe('a folder RadStudy cannot write to', () => {
  // Runs as an unprivileged user when the tests run as root (root ignores folder permissions).
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const tryOpen = (mode: string, file: string) => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'test/fixtures/scripts/try-open.ts'), mode, file],
      {
        cwd: repoRoot,
        ...asUser,
        env: { ...process.env, HOME: '/tmp' },
      },
    );
    return JSON.parse(r.stdout.toString() || '{}') as {
      ok: boolean;
      readOnly?: boolean;
      error?: { code: string; message: string };
    };
  };

  it('gives a clear message for create and open, opens read-only on request, and changes nothing', () => {
    const file = path.join(t.dir, 'ro.radstudy');
    createStudy(file, 'ro').close();
    chmodSync(t.dir, 0o755);
    const before = sha256File(file);
    chmodSync(t.dir, 0o555);
    try {
      const created = tryOpen('create', path.join(t.dir, 'new.radstudy'));
      expect(created.error?.code).toBe('FOLDER_NOT_WRITABLE');
      const opened = tryOpen('open', file);
      expect(opened.error?.code).toBe('FOLDER_NOT_WRITABLE');
      expect(opened.error?.message).toMatch(/read-only/);
      const ro = tryOpen('open-ro', file);
      expect(ro).toEqual({ ok: true, readOnly: true });
    } finally {
      chmodSync(t.dir, 0o755);
    }
    expect(sha256File(file)).toBe(before);
  });
});

describe('radstudy check', () => {
  it('reports schema, integrity, foreign keys and table sizes without writing', () => {
    const file = path.join(t.dir, 'k.radstudy');
    createStudy(file, 'Check me').close();
    const before = sha256File(file);
    const r = checkStudyFile(file);
    expect(r.ok).toBe(true);
    expect(r.name).toBe('Check me');
    expect(r.schemaVersion).toBe(latestSchemaVersion());
    expect(r.foreignKeyViolations).toBe(0);
    expect(r.tables.audit_log).toBe(1);
    expect(sha256File(file)).toBe(before);
  });
});
