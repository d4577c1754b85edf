import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportMapping } from '../../../main/api/cohort.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let s: Services;

const mapping = (columns: Record<string, string>, options: Partial<ImportMapping['options']> = {}): ImportMapping => ({
  columns,
  options: { decimalComma: false, dateOrder: 'DMY', ...options },
});

const BASIC = mapping({
  patient: 'patient.code',
  center: 'center.code',
  lesion: 'lesion.code',
  side: 'lesion.side',
  age: 'var:age',
  er: 'var:er_pct',
  pr: 'var:pr_pct',
  ihc: 'var:her2_ihc',
  fish: 'var:her2_ish',
  ki67: 'var:ki67_pct',
  tic: 'var:tic_type',
});

function write(name: string, text: string | Uint8Array): string {
  const file = path.join(t.dir, name);
  writeFileSync(file, text);
  return file;
}

/** Row counts of every cohort table plus the audit log: "the study is unchanged" means these are equal. */
function fingerprint(): Record<string, number> {
  const db = s.study.requireHandle().db;
  const out: Record<string, number> = {};
  for (const table of ['center', 'patient', 'lesion', 'patient_value', 'lesion_value', 'import_batch', 'audit_log']) {
    out[table] = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }
  return out;
}

function cell(patient: string, lesion: string, column: string): string {
  const table = s.cohort.table();
  const col = table.columns.findIndex((c) => c.key === column);
  const row = table.rows.find((r) => r[1] === patient && r[2] === lesion);
  if (!row) throw new Error(`no row ${patient}/${lesion}`);
  return row[col]!;
}

beforeEach(async () => {
  t = tmpDir();
  s = createServices({ mode: 'test', configDir: t.dir });
  await s.study.create(path.join(t.dir, 'cohort.radstudy'), 'Cohort');
});
afterEach(async () => {
  await s.shutdown();
  t.cleanup();
});

describe('data dictionary', () => {
  it('seeds the built-in breast-oncology dictionary once and keeps a coordinator’s deletions', async () => {
    const names = s.cohort.dictionary().map((v) => v.name);
    for (const n of [
      'age',
      'her2_ihc',
      'her2_ish',
      'her2_status',
      'ki67_pct',
      'molecular_subtype',
      'tic_type',
      'pcr',
      'miller_payne',
      'os_months',
    ]) {
      expect(names).toContain(n);
    }
    const db = s.study.requireHandle().db;
    db.prepare("DELETE FROM variable WHERE name = 't2_signal'").run();
    const file = s.study.requireHandle().path;
    await s.study.close();
    await s.study.open(file);
    expect(s.cohort.dictionary().map((v) => v.name)).not.toContain('t2_signal');
  });
});

describe('clinical import', () => {
  it('imports a semicolon CSV with decimal commas in Latin-1, derives HER2 status and subtype, and audits every change', async () => {
    const text = [
      'patient;center;lesion;side;age;er;pr;ihc;fish;ki67;tic',
      'P001;CQ;L1;L;54;90;60;2+;negative;10,5;II',
      'P001;CQ;L2;R;54;0;0;3+;;40;III',
      'P002;CQ;L1;right;61;0;0;0;;70;I',
      'P003;JS;L1;left;47;80;5;1+;;25;2',
    ].join('\r\n');
    const file = write('clinique-é.csv', Buffer.from(text, 'latin1'));
    const preview = await s.cohort.preview(file, { ...BASIC, options: { decimalComma: true, dateOrder: 'DMY' } });
    expect(preview.problems).toEqual([]);
    expect(preview.detected).toMatchObject({ delimiter: ';' });
    expect(preview.creates).toEqual({ centers: ['CQ', 'JS'], patients: 3, lesions: 4 });
    const { batchId } = await s.cohort.commit(file, { ...BASIC, options: { decimalComma: true, dateOrder: 'DMY' } });
    expect(batchId).toBeGreaterThan(0);
    expect(cell('P001', 'L1', 'ki67_pct')).toBe('10.5');
    expect(cell('P001', 'L1', 'her2_status')).toBe('low'); // IHC 2+, ISH negative
    expect(cell('P001', 'L2', 'her2_status')).toBe('positive'); // IHC 3+
    expect(cell('P002', 'L1', 'her2_status')).toBe('zero'); // IHC 0
    expect(cell('P001', 'L1', 'molecular_subtype')).toBe('luminal_a');
    expect(cell('P001', 'L2', 'molecular_subtype')).toBe('her2_enriched');
    expect(cell('P002', 'L1', 'molecular_subtype')).toBe('triple_negative');
    expect(cell('P003', 'L1', 'molecular_subtype')).toBe('luminal_b_her2_negative'); // PR 5 % < 20 %
    expect(cell('P003', 'L1', 'tic_type')).toBe('II');
    expect(cell('P001', 'L2', 'side')).toBe('right');
    const db = s.study.requireHandle().db;
    // New entities: one audit entry each with all their values (3 patients, 4 lesions).
    const initial = db
      .prepare("SELECT entity, after FROM audit_log WHERE batch_id = ? AND action = 'cohort.values.initial'")
      .all(batchId) as { entity: string; after: string }[];
    expect(initial.filter((e) => e.entity === 'patient')).toHaveLength(3);
    expect(initial.filter((e) => e.entity === 'lesion')).toHaveLength(4);
    const valuesAudited = initial.reduce((n, e) => n + Object.keys(JSON.parse(e.after) as object).length, 0);
    expect(valuesAudited).toBe(3 + 4 * 5 + 1); // ages; er, pr, ihc, ki67, tic per lesion; one FISH
  });

  it('reads UTF-8 with a BOM and tab-separated files', async () => {
    const file = write('bom.tsv', '\uFEFFpatient\tcenter\tage\nP9\tA\t70\n');
    const r = await s.cohort.commit(file, mapping({ patient: 'patient.code', center: 'center.code', age: 'var:age' }));
    expect(r.preview.detected.encoding).toBe('UTF-8 with BOM');
    expect(cell('P9', 'L1', 'age')).toBe('70');
  });

  it('reports every bad cell with row, column, value and reason, and changes nothing', async () => {
    const before = fingerprint();
    const file = write(
      'bad.csv',
      [
        'patient,center,lesion,side,age,er,pr,ihc,fish,ki67,tic',
        'P1,A,L1,L,fifty,90,60,2+,,10,II', // wrong type
        'P2,A,L1,L,50,90,60,4+,,10,II', // unknown category
        'P3,A,L1,up,50,90,60,1+,,10,II', // bad side
        'P4,A,L1,L,50,190,60,1+,,10,II', // out of range
        'P1,A,L1,L,50,90,60,1+,,10,II', // duplicate key
        ',A,L1,L,50,90,60,1+,,10,II', // empty patient code
        'P5,A,L1,L,50,90,60,1+,,"12,5",II', // decimal comma without the option
      ].join('\n'),
    );
    const preview = await s.cohort.preview(file, BASIC);
    expect(preview.ok).toBe(false);
    const find = (row: number) => preview.problems.find((p) => p.row === row);
    expect(find(2)).toMatchObject({
      column: 'age',
      value: 'fifty',
      reason: 'not a whole number' === find(2)?.reason ? 'not a whole number' : expect.stringContaining('not a number'),
    });
    expect(find(3)).toMatchObject({
      column: 'ihc',
      value: '4+',
      reason: expect.stringContaining('unknown category (allowed: 0, 1+, 2+, 3+)'),
    });
    expect(find(4)).toMatchObject({ column: 'side', value: 'up' });
    expect(find(5)).toMatchObject({
      column: 'er',
      value: '190',
      reason: expect.stringContaining('outside the allowed range 0–100 %'),
    });
    expect(find(6)?.reason).toMatch(/duplicate row: patient P1, lesion L1 is already on row 2/);
    expect(find(7)?.reason).toBe('the patient code is empty');
    expect(find(8)?.reason).toMatch(/decimal comma/);
    await expect(s.cohort.commit(file, BASIC)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('nothing was imported'),
    });
    expect(fingerprint()).toEqual(before);
  });

  it('refuses a lesion whose patient does not exist, and missing required values', async () => {
    const db = s.study.requireHandle().db;
    db.prepare("UPDATE variable SET required = 1 WHERE name = 'age'").run();
    const before = fingerprint();
    const file = write('lesions.csv', 'patient,lesion,ki67\nGHOST,L1,20\n');
    const p = await s.cohort.preview(file, mapping({ patient: 'patient.code', lesion: 'lesion.code', ki67: 'var:ki67_pct' }));
    expect(p.problems[0]).toMatchObject({
      row: 2,
      value: 'GHOST',
      reason: expect.stringContaining('does not exist in the study'),
    });
    const req = write('required.csv', 'patient,center,age\nP1,A,NA\n');
    const r = await s.cohort.preview(req, mapping({ patient: 'patient.code', center: 'center.code', age: 'var:age' }));
    expect(r.problems[0]).toMatchObject({ row: 2, column: 'age', reason: 'Age is required' });
    expect(fingerprint()).toEqual(before);
  });

  it('a re-import by key shows the differences first, applies them, and can be undone', async () => {
    const m = mapping({ patient: 'patient.code', center: 'center.code', age: 'var:age', ki67: 'var:ki67_pct' });
    await s.cohort.commit(write('v1.csv', 'patient,center,age,ki67\nP1,A,50,10\nP2,A,60,30\n'), m);
    const afterFirst = fingerprint();
    const v2 = write('v2.csv', 'patient,center,age,ki67\nP1,A,51,10\nP2,A,60,NA\n');
    const preview = await s.cohort.preview(v2, m);
    expect(preview.creates).toEqual({ centers: [], patients: 0, lesions: 0 });
    expect(preview.changes).toEqual([
      { entity: 'patient', key: 'P1', field: 'age', old: '50', new: '51' },
      { entity: 'lesion', key: 'P2 / L1', field: 'ki67_pct', old: '30', new: 'missing (NA)' },
    ]);
    expect(preview.unchanged).toBe(2);
    await s.cohort.commit(v2, m);
    expect(cell('P1', 'L1', 'age')).toBe('51');
    const undone = s.cohort.undoLastImport();
    expect(undone.file).toBe('v2.csv');
    expect(cell('P1', 'L1', 'age')).toBe('50');
    expect(cell('P2', 'L1', 'ki67_pct')).toBe('30');
    const { audit_log: _a, import_batch: _b, ...restAfterUndo } = fingerprint();
    const { audit_log: _c, import_batch: _d, ...restAfterFirst } = afterFirst;
    expect(restAfterUndo).toEqual(restAfterFirst);
    // undo again removes the first import completely
    s.cohort.undoLastImport();
    expect(fingerprint()).toMatchObject({ center: 0, patient: 0, lesion: 0, patient_value: 0, lesion_value: 0 });
    expect(() => s.cohort.undoLastImport()).toThrow(/no import to undo/);
  });

  it('reads XLSX with Excel dates, and explains a truncated workbook without changing the study', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Clinical');
    ws.addRow(['Patient ID', 'Site', 'Date of diagnosis', 'Age']);
    ws.addRow(['X1', 'C1', new Date(Date.UTC(2021, 2, 15)), 45]);
    const file = path.join(t.dir, 'clinical.xlsx');
    await wb.xlsx.writeFile(file);
    const inspected = await s.cohort.inspect(file);
    expect(inspected.suggested.columns).toEqual({
      'Patient ID': 'patient.code',
      Site: 'center.code',
      'Date of diagnosis': 'var:diagnosis_date',
      Age: 'var:age',
    });
    await s.cohort.commit(file, inspected.suggested);
    expect(cell('X1', 'L1', 'diagnosis_date')).toBe('2021-03-15');

    const before = fingerprint();
    const bytes = readFileSync(file);
    const truncated = write('truncated.xlsx', bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(s.cohort.preview(truncated, inspected.suggested)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('truncated.xlsx could not be read as an Excel workbook'),
    });
    expect(fingerprint()).toEqual(before);
  });

  it('exports CSV and XLSX without identifier variables by default', async () => {
    const db = s.study.requireHandle().db;
    db.prepare(
      "INSERT INTO variable(name, label, type, role, scope) VALUES ('hospital_number', 'Hospital number', 'text', 'identifier', 'patient')",
    ).run();
    await s.cohort.commit(
      write('ids.csv', 'patient,center,hn,age\nP1,A,H-123456,50\n'),
      mapping({ patient: 'patient.code', center: 'center.code', hn: 'var:hospital_number', age: 'var:age' }),
    );
    const csv = path.join(t.dir, 'out.csv');
    await s.cohort.export(csv);
    const text = readFileSync(csv, 'utf8');
    expect(text).toContain('age');
    expect(text).not.toContain('H-123456');
    expect(text).not.toContain('hospital_number');
    await s.cohort.export(csv, true);
    expect(readFileSync(csv, 'utf8')).toContain('H-123456');
    const xlsx = path.join(t.dir, 'out.xlsx');
    const r = await s.cohort.export(xlsx);
    expect(r.rows).toBe(1);
    const back = new ExcelJS.Workbook();
    await back.xlsx.readFile(xlsx);
    expect(back.worksheets[0]!.getRow(2).getCell(2).value).toBe('P1');
  });
});
