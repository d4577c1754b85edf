import type Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Segmentation, SegmentationDraft, SegmentationMask } from '../../../main/api/contract.js';
import { decodeMask, maskFromLabelRuns } from '../../../main/compute/imaging/maskCodec.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

/**
 * Several labels through the router (schema 13): a 2-label mask and its label table are saved
 * as a version and as a draft and read back voxel for voxel (exact, tolerance 0); a bad value
 * or a value missing from the label table is refused with a message naming the lesion and
 * series, and nothing is written.
 */

let t: ReturnType<typeof tmpDir>;
let services: Services;
let lesionId: number;
let seriesId: number;
const GRID = { size: [4, 3, 2], spacingMm: [0.5, 0.5, 2], originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const N = 24;
const LABELS = [
  { value: 1, name: 'enhancing', colour: '#ff4033' },
  { value: 2, name: 'necrosis', colour: '#40c85a' },
];

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data as T;
}

function seed(db: Database.Database): { lesionId: number; seriesId: number } {
  const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
  const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
  const lesion = Number(db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(patient).lastInsertRowid);
  const imp = db
    .prepare("INSERT INTO image_import(folder, files_scanned, summary, created_at) VALUES ('/exam', 0, '{}', 'now')")
    .run().lastInsertRowid;
  const series = Number(
    db
      .prepare(
        `INSERT INTO series(import_id, series_key, series_instance_uid, kind, geometry, source_folder, created_at)
         VALUES (?, 'k', '1.2.3', 'T2', ?, '/exam', 'now')`,
      )
      .run(imp, JSON.stringify(GRID)).lastInsertRowid,
  );
  return { lesionId: lesion, seriesId: series };
}

beforeEach(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'l.radstudy'), name: 'Labels' });
  ({ lesionId, seriesId } = seed(services.study.requireHandle().db));
});
afterEach(async () => {
  await services.shutdown();
  t.cleanup();
});

const db = () => services.study.requireHandle().db;
// Voxels 5, 6 label 1; 7, 8, 9 label 2 (touching); 20 label 2: runs 5, 2, 0, 3, 10, 1, 3.
const RUNS = [5, 2, 0, 3, 10, 1, 3];
const VALUES = [1, 2, 2];

describe('segmentation with two labels', () => {
  it('saves a 2-label mask with its label table and reads both back exactly', async () => {
    const saved = await call<Segmentation>('segmentation.save', {
      lesionId,
      seriesId,
      reader: 'R1',
      parentId: null,
      status: 'done',
      timeSpentS: 3,
      runs: RUNS,
      values: VALUES,
      labels: LABELS,
    });
    // 6 labelled voxels × 0.5 mm³; bbox i 0…3, j 1…2, k 0 (voxel 20 = i 0, j 2, k 1 → k 0…1).
    expect(saved).toMatchObject({ voxelCount: 6, volumeMm3: 3, bbox: [0, 3, 1, 2, 0, 1], label: 'enhancing, necrosis' });
    const stored = decodeMask(
      new Uint8Array(db().prepare('SELECT mask FROM segmentation WHERE id = ?').pluck().get(saved.id) as Buffer),
      N,
    );
    const expected = maskFromLabelRuns(RUNS, VALUES, N, 'expected');
    expect(stored).toEqual(expected);
    expect(Array.from(stored).filter((v) => v === 2)).toHaveLength(4);

    const back = await call<SegmentationMask>('segmentation.mask', { id: saved.id });
    expect(back.runs).toEqual(RUNS);
    expect(back.values).toEqual(VALUES);
    expect(back.labels).toEqual(LABELS);
  });

  it('keeps the label table and values in the draft', async () => {
    await call('segmentation.draft.save', {
      lesionId,
      seriesId,
      reader: 'R1',
      baseId: null,
      status: 'in_progress',
      timeSpentS: 1,
      runs: RUNS,
      values: VALUES,
      labels: LABELS,
    });
    const d = await call<SegmentationDraft>('segmentation.draft.get', { lesionId, seriesId, reader: 'R1' });
    expect(d).toMatchObject({ voxelCount: 6, runs: RUNS, values: VALUES, labels: LABELS });
  });

  it('reads masks saved without values as label 1 with an empty label table', async () => {
    const s = await call<Segmentation>('segmentation.save', {
      lesionId,
      seriesId,
      reader: 'R1',
      parentId: null,
      status: 'done',
      timeSpentS: 0,
      runs: [5, 2, 17],
    });
    expect(s.label).toBe('label 1');
    const back = await call<SegmentationMask>('segmentation.mask', { id: s.id });
    expect(back).toMatchObject({ runs: [5, 2, 17], values: [1], labels: [] });
  });

  it('refuses a value missing from the label table, or outside 1…255, naming the slot; nothing is written', async () => {
    const base = { lesionId, seriesId, reader: 'R1', parentId: null, status: 'done', timeSpentS: 0, runs: RUNS };
    const r1 = await services.router.call('segmentation.save', { ...base, values: [1, 3, 2], labels: LABELS });
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.error.message).toMatch(/P001\/L1 on series #\d+, reader R1: voxels carry label value 3/);
    const r2 = await services.router.call('segmentation.save', { ...base, values: [1, 2] });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toMatch(/P001\/L1.*2 label values for 3 labelled runs/);
    const r3 = await services.router.call('segmentation.save', { ...base, values: [1, 0, 2] });
    expect(r3.ok).toBe(false);
    const r4 = await services.router.call('segmentation.save', {
      ...base,
      values: VALUES,
      labels: [LABELS[0], { ...LABELS[1], value: 1 }],
    });
    expect(r4.ok).toBe(false);
    expect(db().prepare('SELECT count(*) FROM segmentation').pluck().get()).toBe(0);
  });
});
