import type Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Segmentation, SegmentationDraft, SegmentationMask } from '../../../main/api/contract.js';
import { encodeMask } from '../../../main/compute/imaging/maskCodec.js';
import { loadMigrations } from '../../../db/migrations.js';
import { createStudy, openStudy } from '../../../db/study-file.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

/**
 * Saving masks drawn in the viewer: each save is a new version (the stored rows never change),
 * status and time spent are kept, a mask for another grid or an empty one is refused without
 * writing, and the autosaved draft of a slot is replaced, read back and cleared on save.
 * Schema 8 keeps existing segmentations and their feature rows.
 */

let t: ReturnType<typeof tmpDir>;
let services: Services;
let lesionId: number;
let seriesId: number;
const GRID = { size: [4, 3, 2], spacingMm: [0.5, 0.5, 2], originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

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
  await call('study.create', { path: path.join(t.dir, 'v.radstudy'), name: 'Versions' });
  ({ lesionId, seriesId } = seed(services.study.requireHandle().db));
});
afterEach(async () => {
  await services.shutdown();
  t.cleanup();
});

const count = (sql: string): number => services.study.requireHandle().db.prepare(sql).pluck().get() as number;

describe('segmentation.save', () => {
  it('stores each save as a new version with parent, status and time spent; older rows stay as they were', async () => {
    // 24 voxels: voxels 5, 6 (runs 5, 2, 17).
    const v1 = await call<Segmentation>('segmentation.save', {
      lesionId,
      seriesId,
      reader: 'R1',
      parentId: null,
      status: 'in_progress',
      timeSpentS: 42.5,
      runs: [5, 2, 17],
    });
    expect(v1).toMatchObject({ version: 1, parentId: null, status: 'in_progress', timeSpentS: 42.5, sourceFormat: 'editor' });
    // 2 voxels × 0.5 × 0.5 × 2 mm = 1 mm³, bbox i 1…2, j 1, k 0.
    expect(v1).toMatchObject({ voxelCount: 2, volumeMm3: 1, bbox: [1, 2, 1, 1, 0, 0], current: true });
    const blobBefore = services.study.requireHandle().db.prepare('SELECT mask FROM segmentation WHERE id = ?').pluck().get(v1.id);

    const v2 = await call<Segmentation>('segmentation.save', {
      lesionId,
      seriesId,
      reader: 'R1',
      parentId: v1.id,
      status: 'done',
      timeSpentS: 90,
      runs: [0, 3, 21],
    });
    expect(v2).toMatchObject({ version: 2, parentId: v1.id, status: 'done', voxelCount: 3 });
    expect(v2.id).not.toBe(v1.id);
    const mask1 = await call<SegmentationMask>('segmentation.mask', { id: v1.id });
    expect(mask1.runs).toEqual([5, 2, 17]);
    expect((await call<SegmentationMask>('segmentation.mask', { id: v2.id })).runs).toEqual([0, 3, 21]);
    expect(services.study.requireHandle().db.prepare('SELECT mask FROM segmentation WHERE id = ?').pluck().get(v1.id)).toEqual(
      blobBefore,
    );
    // The table shows the latest version of each slot; all versions on request.
    expect((await call<Segmentation[]>('segmentation.list', {})).map((s) => s.id)).toEqual([v2.id]);
    const all = await call<Segmentation[]>('segmentation.list', { allVersions: true });
    expect(all.map((s) => [s.version, s.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'segmentation.save'")).toBe(2);
  });

  it('refuses a mask on another grid or an empty mask and writes nothing', async () => {
    const base = { lesionId, seriesId, reader: 'R1', parentId: null, status: 'done', timeSpentS: 1 };
    const wrong = await services.router.call('segmentation.save', { ...base, runs: [5, 2, 20] });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.error.code).toBe('VALIDATION');
      expect(wrong.error.message).toBe(
        `P001/L1 on series #${seriesId}, reader R1: the mask covers 27 voxels but the series grid 4×3×2 has 24; it was drawn on another grid. Nothing was saved.`,
      );
    }
    const empty = await services.router.call('segmentation.save', { ...base, runs: [24] });
    expect(!empty.ok && empty.error.message).toMatch(/the mask is empty/);
    const noLesion = await services.router.call('segmentation.save', { ...base, lesionId: 999, runs: [0, 24] });
    expect(!noLesion.ok && noLesion.error.message).toBe('There is no lesion #999 in this study.');
    expect(count('SELECT count(*) FROM segmentation')).toBe(0);
  });

  it('autosaves one draft per slot, reads it back, and clears it when the version is saved', async () => {
    const slot = { lesionId, seriesId, reader: 'R2' };
    expect(await call('segmentation.draft.get', slot)).toBeNull();
    await call('segmentation.draft.save', { ...slot, baseId: null, status: 'in_progress', timeSpentS: 10, runs: [1, 1, 22] });
    await call('segmentation.draft.save', { ...slot, baseId: null, status: 'in_progress', timeSpentS: 40, runs: [1, 4, 19] });
    const draft = await call<SegmentationDraft>('segmentation.draft.get', slot);
    expect(draft).toMatchObject({ ...slot, baseId: null, timeSpentS: 40, voxelCount: 4, runs: [1, 4, 19] });
    expect(count('SELECT count(*) FROM segmentation_draft')).toBe(1);
    await call('segmentation.save', { ...slot, parentId: null, status: 'done', timeSpentS: 45, runs: draft.runs });
    expect(await call('segmentation.draft.get', slot)).toBeNull();
    await call('segmentation.draft.save', { ...slot, baseId: null, status: 'done', timeSpentS: 1, runs: [0, 1, 23] });
    expect(await call('segmentation.draft.discard', slot)).toEqual({ discarded: 1 });
  });

  // The draft is stored from its runs without building the labelmap: the same checks as a saved
  // version (grid, runs, label values, label table), the count from the runs, and a stored blob
  // that decodes to the labelmap the runs describe (read back in canonical runs).
  it('stores a draft from its runs with the checks of a save and reads back the same labelmap', async () => {
    const slot = { lesionId, seriesId, reader: 'R3' };
    const base = { ...slot, baseId: null, status: 'in_progress', timeSpentS: 3 };
    const labels = [
      { value: 1, name: 'Tumour', colour: '#ff4033' },
      { value: 2, name: 'Necrosis', colour: '#40c85a' },
    ];
    // Two touching labels, an empty labelled run and split background runs (not canonical).
    await call('segmentation.draft.save', { ...base, runs: [2, 3, 0, 2, 3, 0, 14], values: [1, 2, 1], labels });
    const draft = await call<SegmentationDraft>('segmentation.draft.get', slot);
    expect(draft).toMatchObject({ voxelCount: 5, runs: [2, 3, 0, 2, 17], values: [1, 2] });
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ runs: [2, 3, 20] }, /the mask covers 25 voxels but the series grid 4×3×2 has 24/],
      [{ runs: [2, 3, 19], values: [1, 2] }, /2 label values for 1 labelled runs/],
      [{ runs: [2, 3, 19], values: [7], labels }, /voxels carry label value 7, which is not in the label table \(1, 2\)/],
    ];
    for (const [change, message] of refusals) {
      const r = await services.router.call('segmentation.draft.save', { ...base, ...change });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(message);
    }
    // The refused drafts did not replace the stored one.
    expect(await call('segmentation.draft.get', slot)).toMatchObject({ voxelCount: 5, runs: [2, 3, 0, 2, 17] });
  });
});

describe('schema 8 upgrade', () => {
  it('keeps imported segmentations (as version 1, done) and their feature rows', () => {
    const file = path.join(t.dir, 'old.radstudy');
    const h = createStudy(file, 'Old', { migrations: loadMigrations().filter((m) => m.version <= 6) });
    const { lesionId: l, seriesId: s } = seed(h.db);
    const mask = new Uint8Array(24);
    mask[3] = 1;
    const segId = h.db
      .prepare(
        `INSERT INTO segmentation(lesion_id, series_id, reader, source_format, source_path, source_sha256, mask, voxel_count,
           volume_mm3, bbox, created_at) VALUES (?, ?, 'R1', 'nifti', '/m.nii', ?, ?, 1, 0.5, '[3,3,0,0,0,0]', 'now')`,
      )
      .run(l, s, 'b'.repeat(64), Buffer.from(encodeMask(mask))).lastInsertRowid;
    const ex = h.db
      .prepare(
        "INSERT INTO extraction(name, params_text, params_sha256, selection, engine, created_at) VALUES ('e', '', ?, '{}', 'x', 'now')",
      )
      .run('c'.repeat(64)).lastInsertRowid;
    h.db
      .prepare(
        `INSERT INTO feature_row(extraction_id, segmentation_id, image_sha256, mask_sha256, feature_values, elapsed_ms, created_at)
         VALUES (?, ?, ?, ?, ?, 1, 'now')`,
      )
      .run(ex, segId, 'd'.repeat(64), 'e'.repeat(64), Buffer.alloc(16));
    h.close();

    const up = openStudy(file);
    try {
      expect(up.db.pragma('user_version', { simple: true })).toBe(loadMigrations().at(-1)!.version);
      expect(up.db.prepare('SELECT id, version, status, time_spent_s, parent_id FROM segmentation').all()).toEqual([
        { id: Number(segId), version: 1, status: 'done', time_spent_s: 0, parent_id: null },
      ]);
      expect(up.db.prepare('SELECT segmentation_id FROM feature_row').pluck().all()).toEqual([Number(segId)]);
      expect(up.db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      up.close();
    }
  });
});
