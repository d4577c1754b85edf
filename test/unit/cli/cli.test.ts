import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudy } from '../../../db/study-file.js';
import { repoRoot, sha256File, tmpDir } from '../../helpers/tmp.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

// The built CLI when `npm test` has built it (fast to start); else the sources through tsx.
const built = existsSync(path.join(repoRoot, 'dist/main/cli/index.js'));
const entry = built ? [path.join(repoRoot, 'bin/radstudy.js')] : ['--import', 'tsx', path.join(repoRoot, 'main/cli/index.ts')];

function radstudy(...args: string[]) {
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, RADSTUDY_CONFIG_DIR: t.dir },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let t: ReturnType<typeof tmpDir>;
beforeEach(() => {
  t = tmpDir();
});
afterEach(() => t.cleanup());

describe('radstudy CLI', () => {
  it('prints its version and help', () => {
    expect(radstudy('--version').out.trim()).toBe(pkg.version);
    const help = radstudy('--help');
    expect(help.code).toBe(0);
    for (const cmd of ['serve', 'check', 'create']) expect(help.out).toContain(cmd);
  });

  it('creates a study and checks it (exit 0) without changing it', () => {
    const file = path.join(t.dir, 'cli.radstudy');
    const created = radstudy('create', file, '--name', 'CLI study');
    expect(created.code).toBe(0);
    const before = sha256File(file);
    const check = radstudy('check', file);
    expect(check.code).toBe(0);
    expect(check.out).toContain('Name         CLI study');
    expect(check.out).toContain('Integrity    ok');
    expect(check.out).toContain('Result       OK');
    const json = JSON.parse(radstudy('check', '--study', file, '--json').out) as { ok: boolean; schemaVersion: number };
    expect(json.ok).toBe(true);
    expect(sha256File(file)).toBe(before);
  });

  it('exits non-zero with a clear message for a file that is not a study', () => {
    const file = path.join(t.dir, 'cohort.radstudy');
    writeFileSync(file, 'id;age\n1;50\n');
    const check = radstudy('check', file);
    expect(check.code).toBe(1);
    expect(check.out).toContain('is not a RadStudy study file');
    expect(radstudy('check').code).toBe(2);
    expect(radstudy('serve', '--port', 'eighty').code).not.toBe(0);
  });

  it('refuses to create over an existing study', () => {
    const file = path.join(t.dir, 'exists.radstudy');
    createStudy(file, 'x').close();
    const r = radstudy('create', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('already exists');
  });
});

describe('radstudy import clinical / export cohort', () => {
  it('imports a CSV with the mapping matched from column names, then exports the cohort', () => {
    const study = path.join(t.dir, 'c.radstudy');
    createStudy(study, 'c').close();
    const csv = path.join(t.dir, 'clinical.csv');
    writeFileSync(csv, 'Patient ID,Center,Age,HER2 IHC score,Ki67_pct\nP1,A,50,2+,10\nP2,B,61,0,40\n');
    const dry = radstudy('import', 'clinical', '--study', study, '--file', csv, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('Creates     2 center(s), 2 patient(s), 2 lesion(s)');
    expect(dry.out).toContain('nothing was imported');
    const run = radstudy('import', 'clinical', '--study', study, '--file', csv);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Imported {4}batch \d+/);
    const out = path.join(t.dir, 'cohort.csv');
    const exp = radstudy('export', 'cohort', '--study', study, '--out', out);
    expect(exp.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[1]).toMatch(/^A,P1,L1,/);
    expect(text).toContain('her2_status');
  });

  it('lists problems by row and column and exits 1 without importing', () => {
    const study = path.join(t.dir, 'bad.radstudy');
    createStudy(study, 'bad').close();
    const csv = path.join(t.dir, 'bad.csv');
    writeFileSync(csv, 'patient,center,age\nP1,A,abc\n');
    const r = radstudy('import', 'clinical', '--study', study, '--file', csv);
    expect(r.code).toBe(1);
    expect(r.out).toContain('row 2, column age, value "abc": not a number');
    const check = radstudy('check', study, '--json');
    expect((JSON.parse(check.out) as { tables: Record<string, number> }).tables.patient).toBe(0);
  });
});
