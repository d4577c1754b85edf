import type Database from 'better-sqlite3';
import type { ImagesImportResult, Series } from '../../api/images.js';
import { GeometrySchema, SequenceKindSchema } from '../../api/images.js';
import { appendAudit } from '../../../db/repositories/audit.js';

interface SeriesRow {
  id: number;
  import_id: number;
  patient_id: number | null;
  patient_code: string | null;
  lesion_id: number | null;
  series_key: string;
  series_instance_uid: string;
  study_instance_uid: string | null;
  dicom_patient_id: string | null;
  modality: string | null;
  series_number: number | null;
  description: string | null;
  kind: string;
  kind_source: 'rule' | 'manual';
  rule: string | null;
  b_value: number | null;
  phase: number | null;
  component: number;
  components: number;
  geometry: string;
  source_folder: string;
  file_count: number;
  bytes: number | null;
  warnings: string;
  created_at: string;
}

const SELECT = `
  SELECT s.*, p.code AS patient_code,
         (SELECT count(*) FROM series_file f WHERE f.series_id = s.id) AS file_count,
         (SELECT sum(f.bytes) FROM series_file f WHERE f.series_id = s.id) AS bytes
  FROM series s LEFT JOIN patient p ON p.id = s.patient_id`;

function toDto(r: SeriesRow): Series {
  return {
    id: r.id,
    importId: r.import_id,
    patientId: r.patient_id,
    patientCode: r.patient_code,
    lesionId: r.lesion_id,
    key: r.series_key,
    seriesInstanceUid: r.series_instance_uid,
    studyInstanceUid: r.study_instance_uid,
    dicomPatientId: r.dicom_patient_id,
    modality: r.modality,
    seriesNumber: r.series_number,
    description: r.description,
    kind: SequenceKindSchema.parse(r.kind),
    kindSource: r.kind_source,
    rule: r.rule,
    bValue: r.b_value,
    phase: r.phase,
    component: r.component,
    components: r.components,
    geometry: GeometrySchema.parse(JSON.parse(r.geometry)),
    sourceFolder: r.source_folder,
    fileCount: r.file_count,
    bytes: r.bytes ?? 0,
    warnings: JSON.parse(r.warnings) as string[],
    createdAt: r.created_at,
  };
}

export function listSeries(db: Database.Database, patientId?: number): Series[] {
  const rows = (
    patientId === undefined
      ? db.prepare(`${SELECT} ORDER BY p.code, s.study_instance_uid, s.series_number, s.component, s.id`).all()
      : db
          .prepare(`${SELECT} WHERE s.patient_id = ? ORDER BY s.study_instance_uid, s.series_number, s.component, s.id`)
          .all(patientId)
  ) as SeriesRow[];
  return rows.map(toDto);
}

export function getSeries(db: Database.Database, id: number): Series | undefined {
  const row = db.prepare(`${SELECT} WHERE s.id = ?`).get(id) as SeriesRow | undefined;
  return row ? toDto(row) : undefined;
}

export interface SeriesFileRow {
  series_id: number;
  path: string;
  sha256: string;
  bytes: number;
  source_folder: string;
}

export function seriesFiles(db: Database.Database, seriesId?: number): SeriesFileRow[] {
  const sql = `SELECT f.series_id, f.path, f.sha256, f.bytes, s.source_folder
               FROM series_file f JOIN series s ON s.id = f.series_id
               ${seriesId === undefined ? '' : 'WHERE f.series_id = ?'} ORDER BY f.series_id, f.position`;
  return (seriesId === undefined ? db.prepare(sql).all() : db.prepare(sql).all(seriesId)) as SeriesFileRow[];
}

/**
 * Records a successful import: the batch, its series and files, patient links and an audit
 * entry. The caller runs this inside the transaction that marks the job succeeded, so either
 * everything is recorded or nothing.
 */
export function recordImport(
  db: Database.Database,
  result: ImagesImportResult,
  jobId: number,
): { importId: number; series: number; linked: number } {
  const now = new Date().toISOString();
  const importId = Number(
    db
      .prepare(
        'INSERT INTO image_import(job_id, folder, patient_code, files_scanned, summary, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        jobId,
        result.folder,
        result.patientCode,
        result.filesScanned,
        JSON.stringify({
          series: result.series.length,
          failed: result.failed,
          skipped: result.skipped,
          alreadyImported: result.alreadyImported,
          bytes: result.bytes,
          elapsedMs: result.elapsedMs,
        }),
        now,
      ).lastInsertRowid,
  );
  const patientByCode = db.prepare('SELECT id FROM patient WHERE code = ?').pluck();
  const insertSeries = db.prepare(`INSERT INTO series(import_id, patient_id, series_key, study_instance_uid, series_instance_uid,
      dicom_patient_id, modality, series_number, description, attributes, kind, kind_source, rule, b_value, phase, component,
      components, geometry, source_folder, warnings, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'rule', ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (source_folder, series_key) DO NOTHING`);
  const insertFile = db.prepare('INSERT INTO series_file(series_id, position, path, sha256, bytes) VALUES (?, ?, ?, ?, ?)');
  let inserted = 0;
  let linked = 0;
  for (const s of result.series) {
    const code = result.patientCode ?? s.dicomPatientId;
    const patientId = code === null ? null : ((patientByCode.get(code) as number | undefined) ?? null);
    const run = insertSeries.run(
      importId,
      patientId,
      s.key,
      s.studyInstanceUid,
      s.seriesInstanceUid,
      s.dicomPatientId,
      s.modality,
      s.seriesNumber,
      s.description,
      JSON.stringify(s.attributes),
      s.kind,
      s.rule,
      s.bValue,
      s.phase,
      s.component,
      s.components,
      JSON.stringify(s.geometry),
      result.folder,
      JSON.stringify(s.warnings),
      now,
    );
    if (run.changes === 0) continue;
    inserted++;
    if (patientId !== null) linked++;
    const id = Number(run.lastInsertRowid);
    s.files.forEach((f, k) => insertFile.run(id, k, f.path, f.sha256, f.bytes));
  }
  // The files are in series_file now; the job row keeps the summary without the file lists,
  // so job events and lists stay small for imports of thousands of files.
  const compact = { ...result, series: result.series.map((s) => ({ ...s, files: [] })) };
  db.prepare('UPDATE job SET result = ? WHERE id = ?').run(JSON.stringify(compact), jobId);
  appendAudit(db, {
    actor: 'system',
    action: 'images.import',
    entity: 'image_import',
    entityId: importId,
    after: {
      folder: result.folder,
      series: inserted,
      linked,
      failed: result.failed.length,
      skipped: result.skipped.length,
      jobId,
    },
  });
  return { importId, series: inserted, linked };
}
