import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStudy } from '../../../db/study-file.js';
import { repoRoot, tmpDir } from '../../helpers/tmp.js';

// The built CLI when it has been built (fast to start); else the sources through tsx.
const built = existsSync(path.join(repoRoot, 'dist/main/cli/index.js'));
const entry = built ? [path.join(repoRoot, 'bin/radstudy.js')] : ['--import', 'tsx', path.join(repoRoot, 'main/cli/index.ts')];

let t: ReturnType<typeof tmpDir>;
beforeEach(() => {
  t = tmpDir();
});
afterEach(() => t.cleanup());

function radstudy(...args: string[]) {
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, RADSTUDY_CONFIG_DIR: t.dir },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('radstudy import clinical --mapping / export cohort to XLSX', () => {
  it('imports a semicolon Latin-1 file with a saved mapping file, then exports XLSX without identifiers', async () => {
    const study = path.join(t.dir, 's.radstudy');
    createStudy(study, 's').close();
    // Column names the automatic matching would not recognise, decimal commas, Latin-1 (ü).
    const csv = path.join(t.dir, 'zh.csv');
    writeFileSync(csv, Buffer.from('Fall;Spital;Scanner;Alter;Ki-67 (%)\nZ1;Zürich;Siemens;48;12,5\n', 'latin1'));
    const mappingFile = path.join(t.dir, 'm.json');
    writeFileSync(
      mappingFile,
      JSON.stringify({
        columns: {
          Fall: 'patient.code',
          Spital: 'center.code',
          Scanner: 'center.scanner_vendor',
          Alter: 'var:age',
          'Ki-67 (%)': 'var:ki67_pct',
        },
        options: { decimalComma: true, dateOrder: 'DMY' },
        delimiter: ';',
        encoding: 'latin1',
      }),
    );
    const run = radstudy('import', 'clinical', '--study', study, '--file', csv, '--mapping', mappingFile);
    expect(run.out).toContain('Creates     1 center(s), 1 patient(s), 1 lesion(s)');
    expect(run.code).toBe(0);

    const out = path.join(t.dir, 'cohort.xlsx');
    const exp = radstudy('export', 'cohort', '--study', study, '--out', out);
    expect(exp.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const row = (ws.getRow(2).values as unknown[]).slice(1);
    const at = (key: string) => row[header.indexOf(key)];
    expect(at('center')).toBe('Zürich');
    expect(at('patient')).toBe('Z1');
    expect(String(at('ki67_pct'))).toBe('12.5');
    expect(header).toContain('her2_status');
  });

  it('refuses a mapping file that is not valid and leaves the study unchanged', () => {
    const study = path.join(t.dir, 'b.radstudy');
    createStudy(study, 'b').close();
    const csv = path.join(t.dir, 'c.csv');
    writeFileSync(csv, 'patient,center\nP1,A\n');
    const bad = path.join(t.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ columns: { patient: 'patient.nonsense target' } }));
    const r = radstudy('import', 'clinical', '--study', study, '--file', csv, '--mapping', bad);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/mapping.*columns\.patient/i);
    const broken = path.join(t.dir, 'broken.json');
    writeFileSync(broken, '{"columns": ');
    const r2 = radstudy('import', 'clinical', '--study', study, '--file', csv, '--mapping', broken);
    expect(r2.code).not.toBe(0);
    expect(r2.out).toContain('is not readable JSON');
    const tables = (JSON.parse(radstudy('check', study, '--json').out) as { tables: Record<string, number> }).tables;
    expect([tables.center, tables.patient, tables.import_batch]).toEqual([0, 0, 0]);
  });
});
