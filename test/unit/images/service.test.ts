import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImagesImportResult, Job, Series, VerifyResult } from '../../../main/api/contract.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir, waitFor } from '../../helpers/tmp.js';
import { SERIES, writeSyntheticExam } from './studyFixture.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

async function finished(id: number): Promise<Job> {
  let job: Job | null = null;
  const ok = await waitFor(async () => {
    job = await call<Job>('jobs.get', { id });
    return ['succeeded', 'failed', 'cancelled'].includes(job.status);
  }, 30_000);
  if (!ok) throw new Error(`job ${id} stayed ${job!.status}`);
  return job!;
}

const count = (table: string): number =>
  services.study.requireHandle().db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

beforeEach(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'img.radstudy'), name: 'Images' });
});
afterEach(async () => {
  await services.shutdown();
  t.cleanup();
});

function addPatient(code: string): void {
  const db = services.study.requireHandle().db;
  const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
  db.prepare('INSERT INTO patient(code, center_id) VALUES (?, ?)').run(code, center);
}

describe('images.import job → series store', () => {
  it('imports a folder in the compute process, links the patient by PatientID, and records files with SHA-256', async () => {
    addPatient('P001');
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder, { withBadInput: true });
    const { jobId } = await call<{ jobId: number }>('images.import', { folder });
    const job = await finished(jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    const result = job.result as ImagesImportResult;
    expect(result.failed.map((f) => f.seriesInstanceUid).sort()).toEqual([SERIES.truncated, SERIES.htj2k].sort());
    const series = await call<Series[]>('images.series.list', {});
    expect(series.length).toBe(8);
    expect(series.every((s) => s.patientCode === 'P001')).toBe(true);
    const dwi800 = series.find((s) => s.seriesInstanceUid === SERIES.dwi && s.bValue === 800)!;
    expect(dwi800.kind).toBe('DWI');
    expect(dwi800.fileCount).toBe(4);
    expect(series.filter((s) => s.kind === 'DCE').map((s) => s.phase)).toEqual([0, 1, 2]);
    expect(count('series_file')).toBe(series.reduce((n, s) => n + s.fileCount, 0));
    expect((await call<VerifyResult>('images.verify', {})).ok).toBe(true);

    // Moved and changed files are found on demand; nothing is written by the check.
    const t2 = series.find((s) => s.seriesInstanceUid === SERIES.t2fs)!;
    const files = services.study
      .requireHandle()
      .db.prepare('SELECT path FROM series_file WHERE series_id = ? ORDER BY position')
      .pluck()
      .all(t2.id) as string[];
    appendFileSync(path.join(folder, files[0]!), 'x');
    renameSync(path.join(folder, files[1]!), path.join(folder, `${files[1]!}.moved`));
    const v = await call<VerifyResult>('images.verify', { seriesId: t2.id });
    expect(v.ok).toBe(false);
    expect(v.changed.map((c) => c.path)).toEqual([path.join(folder, files[0]!)]);
    expect(v.missing.map((c) => c.path)).toEqual([path.join(folder, files[1]!)]);

    // The stored job result keeps the summary, not the file lists (those are in series_file).
    expect(result.series.every((s) => s.files.length === 0)).toBe(true);

    // Importing the same folder again adds nothing.
    const again = await finished((await call<{ jobId: number }>('images.import', { folder })).jobId);
    expect((again.result as ImagesImportResult).alreadyImported.length).toBe(8 - 1);
    expect(count('series')).toBe(8);
  });

  it('relinks a moved folder only when every file is there unchanged (size and SHA-256)', async () => {
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder);
    await finished((await call<{ jobId: number }>('images.import', { folder })).jobId);
    const moved = path.join(t.dir, 'archive', 'exam');
    mkdirSync(path.dirname(moved), { recursive: true });
    renameSync(folder, moved);
    expect((await call<VerifyResult>('images.verify', {})).ok).toBe(false);
    const db = services.study.requireHandle().db;
    const first = db.prepare('SELECT path FROM series_file ORDER BY series_id, position LIMIT 1').pluck().get() as string;
    // A changed file: nothing is relinked, and the message names it.
    appendFileSync(path.join(moved, first), 'x');
    const r = await services.router.call('images.relink', { from: folder, to: moved });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toMatch(new RegExp(`Nothing was relinked: .*0 are missing .* 1 differ .*${path.basename(first)}`));
    expect(db.prepare('SELECT count(*) FROM series WHERE source_folder = ?').pluck().get(folder)).toBe(count('series'));
    // Restore the file's bytes: now it relinks, and verify is clean again.
    const bytes = readFileSync(path.join(moved, first));
    writeFileSync(path.join(moved, first), bytes.subarray(0, bytes.length - 1));
    const ok = await call<{ series: number; files: number }>('images.relink', { from: folder, to: moved });
    expect(ok.series).toBe(count('series'));
    expect(ok.files).toBe(count('series_file'));
    expect((await call<VerifyResult>('images.verify', {})).ok).toBe(true);
    const nothing = await services.router.call('images.relink', { from: folder, to: moved });
    expect(!nothing.ok && nothing.error.message).toMatch(/No series of this study was imported from/);
  });

  it('links a series to a patient and lesion by hand, refusing unknown codes', async () => {
    addPatient('P9');
    const db = services.study.requireHandle().db;
    db.prepare(
      "INSERT INTO lesion(patient_id, code, side) VALUES ((SELECT id FROM patient WHERE code = 'P9'), 'L1', 'left')",
    ).run();
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder);
    await finished((await call<{ jobId: number }>('images.import', { folder })).jobId);
    const s = (await call<Series[]>('images.series.list', {}))[0]!;
    expect(s.patientId).toBeNull();
    const linked = await call<Series>('images.series.link', { id: s.id, patientCode: 'P9', lesionCode: 'L1' });
    expect(linked.patientCode).toBe('P9');
    expect(linked.lesionId).not.toBeNull();
    const bad = await services.router.call('images.series.link', { id: s.id, patientCode: 'P9', lesionCode: 'L7' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toBe('Patient "P9" has no lesion "L7".');
    expect((await call<Series>('images.series.link', { id: s.id, patientCode: null })).patientId).toBeNull();
  });

  it('a kind override is kept when rules are re-applied; edited rules reclassify the rest', async () => {
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder);
    await finished((await call<{ jobId: number }>('images.import', { folder })).jobId);
    let series = await call<Series[]>('images.series.list', {});
    expect(series.every((s) => s.patientId === null)).toBe(true);
    const adc = series.find((s) => s.seriesInstanceUid === SERIES.adc)!;
    const t2 = series.find((s) => s.seriesInstanceUid === SERIES.t2fs)!;
    const changed = await call<Series>('images.series.setKind', { id: adc.id, kind: 'OTHER' });
    expect(changed).toMatchObject({ kind: 'OTHER', kindSource: 'manual', rule: null });
    const rules = [{ name: 'all T1', kind: 'T1', text: '.' }];
    const r = await call<{ reclassified: number }>('images.rules.set', { rules, reapply: true });
    expect(r.reclassified).toBe(6);
    series = await call<Series[]>('images.series.list', {});
    expect(series.find((s) => s.id === adc.id)!.kind).toBe('OTHER');
    expect(series.find((s) => s.id === t2.id)!).toMatchObject({ kind: 'T1', rule: 'all T1' });
    const back = await call<{ rules: unknown[] }>('images.rules.set', { rules: null });
    expect(back.rules.length).toBeGreaterThan(5);
    expect((await call<Series[]>('images.series.list', {})).find((s) => s.id === t2.id)!.kind).toBe('T2_FS');
    const bad = await services.router.call('images.rules.set', { rules: [{ name: 'x', kind: 'T1', text: '(' }] });
    expect(bad.ok).toBe(false);
  });

  it('a failed or cancelled import writes nothing; bad parameters are refused before a job starts', async () => {
    const r1 = await services.router.call('images.import', { folder: path.join(t.dir, 'missing') });
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.error.message).toMatch(/missing does not exist/);
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder);
    const r2 = await services.router.call('images.import', { folder, patientCode: 'NOPE' });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toMatch(/no patient "NOPE"/);
    // A folder with only non-DICOM files: the job fails, naming the folder; the study is unchanged.
    const junk = path.join(t.dir, 'junk');
    mkdirSync(junk);
    writeFileSync(path.join(junk, 'a.txt'), 'not DICOM');
    const failed = await finished((await call<{ jobId: number }>('images.import', { folder: junk })).jobId);
    expect(failed.status).toBe('failed');
    expect(failed.error!.message).toMatch(/junk: holds no DICOM images: 1 file\(s\) skipped, e\.g\. a\.txt/);
    // A large folder cancelled while it runs: cancelled within 1 s, nothing recorded. Large
    // enough (6,000 files) that a fast machine cannot finish it between the poll and the cancel.
    const big = path.join(t.dir, 'big');
    for (let k = 0; k < 4; k++) writeSyntheticExam(path.join(big, `copy${k}`), { patientId: `P${k}` });
    for (let k = 0; k < 6000; k++) writeFileSync(path.join(big, `pad${k}.txt`), 'x'.repeat(4096));
    const { jobId } = await call<{ jobId: number }>('images.import', { folder: big });
    expect(await waitFor(async () => (await call<Job>('jobs.get', { id: jobId })).progress > 0, 15_000, 5)).toBe(true);
    const t0 = Date.now();
    await call('jobs.cancel', { id: jobId });
    const cancelled = await finished(jobId);
    expect(cancelled.status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(count('series')).toBe(0);
    expect(count('image_import')).toBe(0);
  });
});
