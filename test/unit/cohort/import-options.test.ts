import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

/** The user's reading choices (delimiter, encoding, decimal comma) and center details on import. */

let t: ReturnType<typeof tmpDir>;
let s: Services;

beforeEach(async () => {
  t = tmpDir();
  s = createServices({ mode: 'test', configDir: t.dir });
  await s.study.create(path.join(t.dir, 'cohort.radstudy'), 'Cohort');
});
afterEach(async () => {
  await s.shutdown();
  t.cleanup();
});

function write(name: string, bytes: string | Uint8Array): string {
  const file = path.join(t.dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe('inspect and preview honour the chosen delimiter and encoding', () => {
  it('re-reads the header with the delimiter the user chose over the detected one', async () => {
    // The header has more commas (inside names) than semicolons: detection picks ",", wrongly.
    const file = write('semi.csv', 'patient;center;age, years, at, diagnosis\nP1;A;50\n');
    const detected = await s.cohort.inspect(file);
    expect(detected.detected.delimiter).toBe(',');
    expect(detected.header).toEqual(['patient;center;age', 'years', 'at', 'diagnosis']);
    const chosen = await s.cohort.inspect(file, { delimiter: ';' });
    expect(chosen.detected.delimiter).toBe(';');
    expect(chosen.header).toEqual(['patient', 'center', 'age, years, at, diagnosis']);
    expect(chosen.sample).toEqual([['P1', 'A', '50']]);
    expect(chosen.suggested.delimiter).toBe(';');
    expect(chosen.suggested.columns).toMatchObject({ patient: 'patient.code', center: 'center.code' });
  });

  it('reads Latin-1 when asked even if the bytes happen to be valid UTF-8, and refuses UTF-8 that is not', async () => {
    // "ô" in UTF-8 is the two bytes C3 B4: as UTF-8 "ô", as Latin-1 (Windows-1252) "Ã´".
    const utf8 = write('u.csv', Buffer.from('patient,center,site_name\nP1,A,Hôpital\n', 'utf8'));
    expect((await s.cohort.inspect(utf8)).sample[0]![2]).toBe('Hôpital');
    const asLatin1 = await s.cohort.inspect(utf8, { encoding: 'latin1' });
    expect(asLatin1.detected.encoding).toBe('Latin-1 (Windows-1252)');
    expect(asLatin1.sample[0]![2]).toBe('HÃ´pital');

    const latin1 = write('l.csv', Buffer.from('patient,center,site_name\nP1,A,Hôpital\n', 'latin1'));
    await expect(s.cohort.inspect(latin1, { encoding: 'utf-8' })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('not valid UTF-8'),
    });
    const bom = write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('patient,center\nP1,A\n')]));
    const withBom = await s.cohort.inspect(bom, { encoding: 'utf-8' });
    expect(withBom.detected.encoding).toBe('UTF-8 with BOM');
    expect(withBom.header).toEqual(['patient', 'center']);
  });

  it('previews with the delimiter, decimal comma and encoding of the mapping', async () => {
    const file = write('de.csv', Buffer.from('patient;center;age;ki67\nP1;Zürich;50;12,5\n', 'latin1'));
    const p = await s.cohort.preview(file, {
      columns: { patient: 'patient.code', center: 'center.code', age: 'var:age', ki67: 'var:ki67_pct' },
      options: { decimalComma: true, dateOrder: 'DMY' },
      delimiter: ';',
      encoding: 'latin1',
    });
    expect(p.problems).toEqual([]);
    expect(p.detected).toMatchObject({ encoding: 'Latin-1 (Windows-1252)', delimiter: ';' });
    expect(p.creates.centers).toEqual(['Zürich']);
  });
});

describe('new centers keep their scanner', () => {
  it('stores scanner vendor and field strength of a center created by an import, and audits them', async () => {
    const file = write(
      'centers.csv',
      'patient,center,vendor,field strength,age\nP1,A,Siemens,3 T,50\nP2,A,Siemens,3 T,60\nP3,B,GE,1.5,55\n',
    );
    const inspected = await s.cohort.inspect(file);
    expect(inspected.suggested.columns).toMatchObject({
      vendor: 'center.scanner_vendor',
      'field strength': 'center.field_strength_t',
    });
    const { batchId } = await s.cohort.commit(file, inspected.suggested);
    const db = s.study.requireHandle().db;
    expect(db.prepare('SELECT code, scanner_vendor, field_strength_t FROM center ORDER BY code').all()).toEqual([
      { code: 'A', scanner_vendor: 'Siemens', field_strength_t: 3 },
      { code: 'B', scanner_vendor: 'GE', field_strength_t: 1.5 },
    ]);
    const created = db
      .prepare("SELECT after FROM audit_log WHERE action = 'cohort.center.create' AND batch_id = ? ORDER BY id")
      .pluck()
      .all(batchId) as string[];
    expect(created.map((a) => JSON.parse(a) as unknown)).toEqual([
      { code: 'A', name: null, scanner_vendor: 'Siemens', field_strength_t: 3 },
      { code: 'B', name: null, scanner_vendor: 'GE', field_strength_t: 1.5 },
    ]);
  });

  it('keeps a center’s scanner given on its first row only, and reports rows that disagree', async () => {
    const db = s.study.requireHandle().db;
    const sparse = write('sparse.csv', 'patient,center,vendor,field strength\nP1,A,Philips,1.5\nP2,A,,\n');
    await s.cohort.commit(sparse, (await s.cohort.inspect(sparse)).suggested);
    expect(db.prepare('SELECT scanner_vendor, field_strength_t FROM center').get()).toEqual({
      scanner_vendor: 'Philips',
      field_strength_t: 1.5,
    });
    const before = db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    const conflict = write('conflict.csv', 'patient,center,vendor\nP3,B,GE\nP4,B,Siemens\n');
    const p = await s.cohort.preview(conflict, (await s.cohort.inspect(conflict)).suggested);
    expect(p.problems).toEqual([
      { row: 3, column: 'vendor', value: 'Siemens', reason: 'center B has scanner vendor GE on row 2' },
    ]);
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(before);
  });

  it('shows a changed scanner of a center already in the study in the preview, applies it audited, and undoes it', async () => {
    const db = s.study.requireHandle().db;
    const v1 = write('v1.csv', 'patient,center,vendor,field strength\nP1,A,Philips,1.5\n');
    await s.cohort.commit(v1, (await s.cohort.inspect(v1)).suggested);
    const v2 = write('v2.csv', 'patient,center,vendor,field strength\nP1,A,Philips,3\n');
    const m = (await s.cohort.inspect(v2)).suggested;
    const p = await s.cohort.preview(v2, m);
    expect(p.changes).toEqual([{ entity: 'center', key: 'A', field: 'field_strength_t', old: '1.5', new: '3' }]);
    expect(p.changeCount).toBe(1);
    const { batchId } = await s.cohort.commit(v2, m);
    expect(db.prepare('SELECT field_strength_t FROM center').pluck().get()).toBe(3);
    expect(
      db
        .prepare("SELECT field, before, after FROM audit_log WHERE action = 'cohort.center.update' AND batch_id = ?")
        .get(batchId),
    ).toEqual({ field: 'field_strength_t', before: '1.5', after: '3' });
    s.cohort.undoLastImport();
    expect(db.prepare('SELECT field_strength_t FROM center').pluck().get()).toBe(1.5);
  });

  it('reports a field strength that is not in tesla with row and column, and creates nothing', async () => {
    const file = write('bad-center.csv', 'patient,center,vendor,field strength\nP1,A,Siemens,3000\n');
    const inspected = await s.cohort.inspect(file);
    const p = await s.cohort.preview(file, inspected.suggested);
    expect(p.problems).toEqual([
      { row: 2, column: 'field strength', value: '3000', reason: 'field strength must be in tesla, e.g. 1.5 or 3' },
    ]);
    await expect(s.cohort.commit(file, inspected.suggested)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(s.study.requireHandle().db.prepare('SELECT count(*) FROM center').pluck().get()).toBe(0);
  });
});
