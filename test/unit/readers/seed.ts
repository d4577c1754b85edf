/**
 * A small synthetic study written straight into the study file (no images on disk): centers,
 * patients with one lesion each, one T2FS series per patient on a 16 × 16 × 6 grid, box-shaped
 * masks of readers R1 and R2 that differ by a known margin, and an extraction whose stored
 * values are chosen by the test (so agreement numbers can be checked against references).
 */
import type Database from 'better-sqlite3';
import { encodeMask, maskStats } from '../../../main/compute/imaging/maskCodec.js';

export const GRID = { size: [16, 16, 6] as [number, number, number], spacingMm: [0.8, 0.8, 2] as [number, number, number] };
const SHA = 'a'.repeat(64);

export interface SeededLesion {
  lesionId: number;
  patientCode: string;
  center: string;
  seriesId: number;
}

/** Box mask [x0..x1] × [y0..y1] × [z0..z1] (inclusive). */
export function boxMask(b: [number, number, number, number, number, number]): Uint8Array {
  const [nx, ny] = GRID.size;
  const m = new Uint8Array(GRID.size[0] * GRID.size[1] * GRID.size[2]);
  for (let z = b[4]; z <= b[5]; z++)
    for (let y = b[2]; y <= b[3]; y++) for (let x = b[0]; x <= b[1]; x++) m[x + nx * (y + ny * z)] = 1;
  return m;
}

export function seedCohort(db: Database.Database, perCenter: Record<string, number>, prefix = 'P'): SeededLesion[] {
  const now = new Date().toISOString();
  const importId = Number(
    db
      .prepare("INSERT INTO image_import(folder, files_scanned, summary, created_at) VALUES (?, 0, '{}', ?)")
      .run(`/synthetic/${prefix}`, now).lastInsertRowid,
  );
  const geometry = JSON.stringify({ ...GRID, originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
  const out: SeededLesion[] = [];
  let p = 0;
  for (const [center, n] of Object.entries(perCenter)) {
    const centerId = Number(
      db.prepare('INSERT INTO center(code, name) VALUES (?, ?)').run(center, `Center ${center}`).lastInsertRowid,
    );
    for (let i = 0; i < n; i++) {
      p++;
      const code = `${prefix}${String(p).padStart(3, '0')}`;
      const patientId = Number(
        db.prepare('INSERT INTO patient(code, center_id) VALUES (?, ?)').run(code, centerId).lastInsertRowid,
      );
      const lesionId = Number(db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(patientId).lastInsertRowid);
      const seriesId = Number(
        db
          .prepare(
            `INSERT INTO series(import_id, patient_id, series_key, series_instance_uid, kind, geometry, source_folder, created_at)
             VALUES (?, ?, ?, ?, 'T2_FS', ?, ?, ?)`,
          )
          .run(importId, patientId, code, `1.2.3.${prefix}.${p}`, geometry, `/synthetic/${prefix}`, now).lastInsertRowid,
      );
      out.push({ lesionId, patientCode: code, center, seriesId });
    }
  }
  return out;
}

export function addSegmentation(db: Database.Database, l: SeededLesion, reader: string, mask: Uint8Array): number {
  const st = maskStats(mask, { ...GRID, originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
  return Number(
    db
      .prepare(
        `INSERT INTO segmentation(lesion_id, series_id, reader, source_format, source_path, source_sha256, mask, voxel_count, volume_mm3, bbox, created_at)
         VALUES (?, ?, ?, 'nrrd', '/synthetic/mask.nrrd', ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        l.lesionId,
        l.seriesId,
        reader,
        SHA,
        Buffer.from(encodeMask(mask)),
        st.voxelCount,
        st.volumeMm3,
        JSON.stringify(st.bbox),
        new Date().toISOString(),
      ).lastInsertRowid,
  );
}

export function addExtraction(db: Database.Database, name: string, names: string[]): number {
  return Number(
    db
      .prepare(
        `INSERT INTO extraction(name, params_text, params_sha256, selection, engine, feature_names, created_at)
         VALUES (?, 'setting: {}', ?, '{"readers":[],"sequences":[]}', 'test', ?, ?)`,
      )
      .run(name, SHA, JSON.stringify(names), new Date().toISOString()).lastInsertRowid,
  );
}

export function addFeatureRow(db: Database.Database, extractionId: number, segmentationId: number, values: number[]): void {
  db.prepare(
    `INSERT INTO feature_row(extraction_id, segmentation_id, image_sha256, mask_sha256, feature_values, elapsed_ms, created_at)
     VALUES (?, ?, ?, ?, ?, 0, ?)`,
  ).run(extractionId, segmentationId, SHA, SHA, Buffer.from(Float64Array.from(values).buffer), new Date().toISOString());
}
