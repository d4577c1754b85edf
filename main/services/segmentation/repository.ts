import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';
import type { Segmentation, SegmentationImportResult } from '../../api/segmentation.js';
import { SegmentationSourceSchema, SegmentationStatusSchema, SegmentLabelsSchema } from '../../api/segmentation.js';
import { appendAudit } from '../../../db/repositories/audit.js';

interface SegmentationRow {
  id: number;
  lesion_id: number;
  lesion_code: string;
  patient_code: string;
  series_id: number;
  series_description: string | null;
  reader: string;
  label: string | null;
  source_format: string;
  source_path: string;
  source_sha256: string;
  voxel_count: number;
  volume_mm3: number;
  bbox: string;
  warnings: string;
  created_at: string;
  version: number;
  parent_id: number | null;
  status: string;
  time_spent_s: number;
  current: number;
}

const SELECT = `
  SELECT g.id, g.lesion_id, l.code AS lesion_code, p.code AS patient_code, g.series_id,
         s.description AS series_description, g.reader, g.label, g.source_format, g.source_path,
         g.source_sha256, g.voxel_count, g.volume_mm3, g.bbox, g.warnings, g.created_at,
         g.version, g.parent_id, g.status, g.time_spent_s,
         NOT EXISTS (SELECT 1 FROM segmentation n WHERE n.lesion_id = g.lesion_id AND n.series_id = g.series_id
                       AND n.reader = g.reader AND n.version > g.version) AS current
  FROM segmentation g
  JOIN lesion l ON l.id = g.lesion_id
  JOIN patient p ON p.id = l.patient_id
  JOIN series s ON s.id = g.series_id`;

function toDto(r: SegmentationRow): Segmentation {
  return {
    id: r.id,
    lesionId: r.lesion_id,
    lesionCode: r.lesion_code,
    patientCode: r.patient_code,
    seriesId: r.series_id,
    seriesDescription: r.series_description,
    reader: r.reader,
    label: r.label,
    sourceFormat: SegmentationSourceSchema.parse(r.source_format),
    sourcePath: r.source_path,
    sourceSha256: r.source_sha256,
    voxelCount: r.voxel_count,
    volumeMm3: r.volume_mm3,
    bbox: JSON.parse(r.bbox) as Segmentation['bbox'],
    warnings: JSON.parse(r.warnings) as string[],
    createdAt: r.created_at,
    version: r.version,
    parentId: r.parent_id,
    status: SegmentationStatusSchema.parse(r.status),
    timeSpentS: r.time_spent_s,
    current: r.current === 1,
  };
}

export interface SegmentationFilter {
  lesionId?: number | undefined;
  seriesId?: number | undefined;
  reader?: string | undefined;
  allVersions?: boolean | undefined;
}

export function listSegmentations(db: Database.Database, f: SegmentationFilter = {}): Segmentation[] {
  const where: string[] = [];
  const args: (number | string)[] = [];
  if (f.lesionId !== undefined) {
    where.push('g.lesion_id = ?');
    args.push(f.lesionId);
  }
  if (f.seriesId !== undefined) {
    where.push('g.series_id = ?');
    args.push(f.seriesId);
  }
  if (f.reader !== undefined) {
    where.push('g.reader = ?');
    args.push(f.reader);
  }
  if (!f.allVersions)
    where.push(
      'g.version = (SELECT max(x.version) FROM segmentation x WHERE x.lesion_id = g.lesion_id AND x.series_id = g.series_id AND x.reader = g.reader)',
    );
  const sql = `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY p.code, l.code, g.reader, g.series_id, g.version`;
  return (db.prepare(sql).all(...args) as SegmentationRow[]).map(toDto);
}

export function getSegmentation(db: Database.Database, id: number): Segmentation | undefined {
  const r = db.prepare(`${SELECT} WHERE g.id = ?`).get(id) as SegmentationRow | undefined;
  return r ? toDto(r) : undefined;
}

/** The segmentation of (lesion, series, reader), if one exists. */
export function findSegmentation(db: Database.Database, lesionId: number, seriesId: number, reader: string): number | undefined {
  return db
    .prepare('SELECT id FROM segmentation WHERE lesion_id = ? AND series_id = ? AND reader = ?')
    .pluck()
    .get(lesionId, seriesId, reader) as number | undefined;
}

/**
 * Records a finished `segmentation.import` job (called inside the job's success transaction),
 * then drops the mask from the job row: the study keeps one copy of it.
 */
export function recordSegmentation(db: Database.Database, r: SegmentationImportResult, jobId: number): number {
  if (!r.maskBase64) throw new AppError('INTERNAL', 'The segmentation import returned no mask; nothing was stored.');
  const existing = findSegmentation(db, r.lesionId, r.seriesId, r.reader);
  if (existing !== undefined)
    throw new AppError(
      'VALIDATION',
      `Lesion #${r.lesionId} already has a segmentation by reader ${r.reader} on series #${r.seriesId} (#${existing}); delete it first to import ${r.file} instead.`,
    );
  const createdAt = new Date().toISOString();
  const info = db
    .prepare(
      `INSERT INTO segmentation(lesion_id, series_id, reader, job_id, label, source_format, source_path, source_sha256,
         mask, voxel_count, volume_mm3, bbox, warnings, created_at, labels)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      r.lesionId,
      r.seriesId,
      r.reader,
      jobId,
      r.label,
      r.format,
      r.file,
      r.sha256,
      Buffer.from(r.maskBase64, 'base64'),
      r.voxelCount,
      r.volumeMm3,
      JSON.stringify(r.bbox),
      JSON.stringify(r.warnings),
      createdAt,
      JSON.stringify(SegmentLabelsSchema.parse(r.labels ?? [])),
    );
  const id = Number(info.lastInsertRowid);
  const { maskBase64: _mask, ...kept } = r;
  db.prepare('UPDATE job SET result = ? WHERE id = ?').run(JSON.stringify({ ...kept, segmentationId: id }), jobId);
  appendAudit(db, {
    actor: 'user',
    action: 'segmentation.import',
    entity: 'segmentation',
    entityId: id,
    after: { ...kept, segmentationId: id },
  });
  return id;
}
