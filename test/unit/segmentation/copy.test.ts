import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CopyTarget, Segmentation, SegmentationCopyResult, SegmentationMask } from '../../../main/api/contract.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';

/**
 * segmentation.copyTargets / segmentation.copyToSeries through the router: a mask saved on a
 * T2 grid is copied onto a DCE grid of the same exam with other spacing and origin; the stored
 * copy is a new version (status needs review, source naming the original) whose voxels are the
 * hand-computed ones below; a series of another exam or patient, an occupied draft and a target
 * outside the lesion are refused with a message and write nothing.
 */

let t: ReturnType<typeof tmpDir>;
let services: Services;
const { call, fails } = routerCalls(() => services);
const I = [1, 0, 0, 0, 1, 0, 0, 0, 1];
/** T2: 4 × 3 × 2 voxels of 1 × 1 × 2 mm at the origin. */
const T2 = { size: [4, 3, 2], spacingMm: [1, 1, 2], originMm: [0, 0, 0], direction: I };
/** DCE: 8 × 6 × 1 voxels of 0.5 × 0.5 × 4 mm, origin (−0.2, 0.1, 0.6). */
const DCE = { size: [8, 6, 1], spacingMm: [0.5, 0.5, 4], originMm: [-0.2, 0.1, 0.6], direction: I };
const FAR = { size: [2, 2, 2], spacingMm: [1, 1, 1], originMm: [200, 0, 0], direction: I };
let lesionId: number;
let ids: Record<'t2' | 'dce' | 'far' | 'otherExam' | 'otherPatient', number>;

beforeEach(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'c.radstudy'), name: 'Copy' });
  const db = services.study.requireHandle().db;
  const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
  const p1 = Number(db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid);
  const p2 = Number(db.prepare("INSERT INTO patient(code, center_id) VALUES ('P002', ?)").run(center).lastInsertRowid);
  lesionId = Number(db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(p1).lastInsertRowid);
  const imp = db
    .prepare("INSERT INTO image_import(folder, files_scanned, summary, created_at) VALUES ('/exam', 0, '{}', 'now')")
    .run().lastInsertRowid;
  const add = (key: string, patient: number, studyUid: string, kind: string, g: object, n: number): number =>
    Number(
      db
        .prepare(
          `INSERT INTO series(import_id, patient_id, series_key, study_instance_uid, series_instance_uid, series_number,
             description, kind, geometry, source_folder, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '/exam', 'now')`,
        )
        .run(imp, patient, key, studyUid, `1.2.${key}`, n, key, kind, JSON.stringify(g)).lastInsertRowid,
    );
  ids = {
    t2: add('t2', p1, '1.1', 'T2', T2, 3),
    dce: add('dce', p1, '1.1', 'DCE', DCE, 6),
    far: add('far', p1, '1.1', 'OTHER', FAR, 7),
    otherExam: add('followup', p1, '9.9', 'DCE', DCE, 6),
    otherPatient: add('p2', p2, '1.1', 'DCE', DCE, 6),
  };
});
afterEach(async () => {
  await services.shutdown();
  t.cleanup();
});

const count = (sql: string): number => services.study.requireHandle().db.prepare(sql).pluck().get() as number;

function voxels(runs: number[]): number[] {
  const out: number[] = [];
  let v = 0;
  runs.forEach((r, n) => {
    if (n % 2 === 1) for (let x = 0; x < r; x++) out.push(v + x);
    v += r;
  });
  return out;
}

async function saveOnT2(): Promise<Segmentation> {
  // T2 voxels (1, 1, 0) and (2, 1, 0): offsets 5, 6 (runs 5, 2, 17).
  return call<Segmentation>('segmentation.save', {
    lesionId,
    seriesId: ids.t2,
    reader: 'R1',
    parentId: null,
    status: 'done',
    timeSpentS: 30,
    runs: [5, 2, 17],
  });
}

describe('copy a segmentation to another sequence of the exam', () => {
  it('lists the series of the same exam only', async () => {
    const seg = await saveOnT2();
    const targets = await call<CopyTarget[]>('segmentation.copyTargets', { id: seg.id });
    expect(targets.map((x) => x.seriesId)).toEqual([ids.dce, ids.far]);
    expect(targets[0]).toMatchObject({ kind: 'DCE', size: [8, 6, 1], spacingMm: [0.5, 0.5, 4] });
  });

  it('saves the resampled mask as a new version on the target series, leaving the source as it was', async () => {
    const seg = await saveOnT2();
    const blob = services.study.requireHandle().db.prepare('SELECT mask FROM segmentation WHERE id = ?').pluck().get(seg.id);
    const r = await call<SegmentationCopyResult>('segmentation.copyToSeries', { id: seg.id, targetSeriesId: ids.dce });
    // Nearest neighbour: T2 voxel i covers x ∈ [i − 0.5, i + 0.5) mm. DCE x = −0.2 + 0.5 i lies in
    // [0.5, 2.5) (T2 i = 1, 2) for i = 2…5; y = 0.1 + 0.5 j in [0.5, 1.5) (T2 j = 1) for j = 1, 2;
    // z = 0.6 mm is T2 k = floor(0.3 + 0.5) = 0. Offsets i + 8 j: 10…13 and 18…21.
    const mask = await call<SegmentationMask>('segmentation.mask', { id: r.segmentation.id });
    expect(voxels(mask.runs)).toEqual([10, 11, 12, 13, 18, 19, 20, 21]);
    expect(r.segmentation).toMatchObject({
      seriesId: ids.dce,
      lesionId,
      reader: 'R1',
      version: 1,
      parentId: null,
      status: 'needs_review',
      voxelCount: 8,
      sourceFormat: 'editor',
      sourcePath: `copied from segmentation #${seg.id} (series #${ids.t2}, version 1)`,
    });
    // 2 voxels × 2 mm³ = 4 mm³ on T2; 8 × 1 mm³ = 8 mm³ on the DCE grid (its 4 mm slice is twice
    // as thick as T2's): exact products of the spacings, tolerance 1e-12.
    expect(r.sourceVoxels).toBe(2);
    expect(r.sourceVolumeMm3).toBeCloseTo(4, 12);
    expect(r.targetVolumeMm3).toBeCloseTo(8, 12);
    expect(services.study.requireHandle().db.prepare('SELECT mask FROM segmentation WHERE id = ?').pluck().get(seg.id)).toEqual(
      blob,
    );
    // Copying again adds version 2 of the DCE slot; version 1 stays.
    const again = await call<SegmentationCopyResult>('segmentation.copyToSeries', {
      id: seg.id,
      targetSeriesId: ids.dce,
      reader: 'R2',
    });
    expect(again.segmentation).toMatchObject({ reader: 'R2', version: 1 });
    const third = await call<SegmentationCopyResult>('segmentation.copyToSeries', { id: seg.id, targetSeriesId: ids.dce });
    expect(third.segmentation.version).toBe(2);
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'segmentation.copy'")).toBe(3);
  });

  it('refuses another exam, another patient, the same series, an empty copy and an unsaved draft, writing nothing', async () => {
    const seg = await saveOnT2();
    const before = count('SELECT count(*) FROM segmentation');
    const what = `Segmentation #${seg.id} (lesion #${lesionId}, series #${ids.t2}, reader R1, version 1)`;
    expect(await fails('segmentation.copyToSeries', { id: seg.id, targetSeriesId: ids.otherExam })).toBe(
      `VALIDATION ${what} cannot be copied to series #${ids.otherExam}: it belongs to another exam (StudyInstanceUID 9.9, not 1.1). Nothing was saved.`,
    );
    expect(await fails('segmentation.copyToSeries', { id: seg.id, targetSeriesId: ids.otherPatient })).toContain(
      'it is not linked to the same patient',
    );
    expect(await fails('segmentation.copyToSeries', { id: seg.id, targetSeriesId: ids.t2 })).toContain(
      'it is the series the segmentation lies on',
    );
    expect(await fails('segmentation.copyToSeries', { id: seg.id, targetSeriesId: ids.far })).toBe(
      `VALIDATION ${what} lies outside the field of view of series #${ids.far} (far): the copy would be empty. Nothing was saved.`,
    );
    expect(await fails('segmentation.copyToSeries', { id: 999, targetSeriesId: ids.dce })).toBe(
      'NOT_FOUND There is no segmentation #999 in this study.',
    );
    await call('segmentation.draft.save', {
      lesionId,
      seriesId: ids.dce,
      reader: 'R1',
      baseId: null,
      status: 'in_progress',
      timeSpentS: 5,
      runs: [0, 1, 47],
    });
    expect(await fails('segmentation.copyToSeries', { id: seg.id, targetSeriesId: ids.dce })).toMatch(
      /^VALIDATION Reader R1 has unsaved work \(a draft from .+\) for lesion #\d+ on series #\d+; open it and save or discard it/,
    );
    expect(count('SELECT count(*) FROM segmentation')).toBe(before);
    expect(count('SELECT count(*) FROM segmentation_draft')).toBe(1);
  });
});
