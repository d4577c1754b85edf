/**
 * Copy of a saved segmentation onto another series of the same exam (compute/imaging/
 * maskTransfer.ts does the resampling). "Same exam" is the same cohort patient and, where both
 * series record one, the same DICOM StudyInstanceUID: only then do the two grids share the
 * scanner's patient frame, so that physical coordinates mean the same place. The copy is the
 * next version of (lesion, target series, reader) with status "needs review" and a source that
 * names the original; stored versions and an unsaved draft of the target slot are never touched.
 */
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';
import { GeometrySchema } from '../../api/images.js';
import type { CopyTarget, SegmentationCopyParams, SegmentationCopyResult } from '../../api/segmentationCopy.js';
import { decodeMask, labelRuns } from '../../compute/imaging/maskCodec.js';
import { transferMask } from '../../compute/imaging/maskTransfer.js';
import type { Geometry } from '../../compute/imaging/volume.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { getSegmentation } from './repository.js';
import { labelsOf, saveVersion } from './versions.js';

interface SeriesRow {
  id: number;
  patient_id: number | null;
  study_instance_uid: string | null;
  series_number: number | null;
  description: string | null;
  kind: string;
  phase: number | null;
  b_value: number | null;
  geometry: string;
}

const SERIES_COLUMNS = 'id, patient_id, study_instance_uid, series_number, description, kind, phase, b_value, geometry';

function geometryOf(r: SeriesRow): Geometry {
  const g = GeometrySchema.parse(JSON.parse(r.geometry));
  return { size: g.size, spacingMm: g.spacingMm, originMm: g.originMm, direction: g.direction as Geometry['direction'] };
}

function sourceOf(db: Database.Database, id: number) {
  const row = db
    .prepare(
      `SELECT g.id, g.lesion_id, g.series_id, g.reader, g.version, g.mask, g.labels, l.patient_id AS lesion_patient
         FROM segmentation g JOIN lesion l ON l.id = g.lesion_id WHERE g.id = ?`,
    )
    .get(id) as
    | {
        id: number;
        lesion_id: number;
        series_id: number;
        reader: string;
        version: number;
        mask: Buffer;
        labels: string;
        lesion_patient: number;
      }
    | undefined;
  if (!row) throw new AppError('NOT_FOUND', `There is no segmentation #${id} in this study.`);
  const series = db.prepare(`SELECT ${SERIES_COLUMNS} FROM series WHERE id = ?`).get(row.series_id) as SeriesRow;
  return { row, series };
}

/** Why `target` is not of the same exam as `source`, or null when it is. */
function notSameExam(source: SeriesRow, target: SeriesRow): string | null {
  if (target.id === source.id) return 'it is the series the segmentation lies on';
  if (source.patient_id === null || target.patient_id !== source.patient_id)
    return 'it is not linked to the same patient (link both series to the patient in Images)';
  if (source.study_instance_uid && target.study_instance_uid && source.study_instance_uid !== target.study_instance_uid)
    return `it belongs to another exam (StudyInstanceUID ${target.study_instance_uid}, not ${source.study_instance_uid})`;
  return null;
}

const targetDto = (r: SeriesRow): CopyTarget => {
  const g = geometryOf(r);
  return {
    seriesId: r.id,
    seriesNumber: r.series_number,
    description: r.description,
    kind: r.kind,
    phase: r.phase,
    bValue: r.b_value,
    size: g.size,
    spacingMm: g.spacingMm,
  };
};

export function copyTargets(db: Database.Database, id: number): CopyTarget[] {
  const { series } = sourceOf(db, id);
  if (series.patient_id === null) return [];
  const rows = db
    .prepare(`SELECT ${SERIES_COLUMNS} FROM series WHERE patient_id = ? ORDER BY series_number, phase, b_value, id`)
    .all(series.patient_id) as SeriesRow[];
  return rows.filter((r) => notSameExam(series, r) === null).map(targetDto);
}

export function copyToSeries(db: Database.Database, p: SegmentationCopyParams): SegmentationCopyResult {
  const { row, series } = sourceOf(db, p.id);
  const reader = p.reader ?? row.reader;
  const target = db.prepare(`SELECT ${SERIES_COLUMNS} FROM series WHERE id = ?`).get(p.targetSeriesId) as SeriesRow | undefined;
  const what = `Segmentation #${row.id} (lesion #${row.lesion_id}, series #${row.series_id}, reader ${row.reader}, version ${row.version})`;
  if (!target) throw new AppError('NOT_FOUND', `There is no image series #${p.targetSeriesId} in this study.`);
  const why = notSameExam(series, target);
  if (why) throw new AppError('VALIDATION', `${what} cannot be copied to series #${target.id}: ${why}. Nothing was saved.`);
  const draft = db
    .prepare('SELECT updated_at FROM segmentation_draft WHERE lesion_id = ? AND series_id = ? AND reader = ?')
    .pluck()
    .get(row.lesion_id, target.id, reader) as string | undefined;
  if (draft)
    throw new AppError(
      'VALIDATION',
      `Reader ${reader} has unsaved work (a draft from ${draft}) for lesion #${row.lesion_id} on series #${target.id}; open it and save or discard it before copying onto it. Nothing was saved.`,
    );
  const sourceGrid = geometryOf(series);
  const targetGrid = geometryOf(target);
  const n = sourceGrid.size[0] * sourceGrid.size[1] * sourceGrid.size[2];
  const moved = transferMask(decodeMask(new Uint8Array(row.mask), n), sourceGrid, targetGrid);
  if (moved.targetVoxels === 0)
    throw new AppError(
      'VALIDATION',
      `${what} lies outside the field of view of series #${target.id} (${target.description ?? target.kind}): the copy would be empty. Nothing was saved.`,
    );
  return db.transaction(() => {
    const saved = saveVersion(db, {
      lesionId: row.lesion_id,
      seriesId: target.id,
      reader,
      parentId: null,
      status: 'needs_review',
      timeSpentS: 0,
      ...labelRuns(moved.mask),
      labels: labelsOf(row.labels),
    });
    const sourcePath = `copied from segmentation #${row.id} (series #${row.series_id}, version ${row.version})`;
    db.prepare('UPDATE segmentation SET source_path = ? WHERE id = ?').run(sourcePath, saved.id);
    appendAudit(db, {
      actor: 'user',
      action: 'segmentation.copy',
      entity: 'segmentation',
      entityId: saved.id,
      after: {
        fromSegmentationId: row.id,
        fromSeriesId: row.series_id,
        toSeriesId: target.id,
        reader,
        version: saved.version,
        sourceVoxels: moved.sourceVoxels,
        targetVoxels: moved.targetVoxels,
      },
    });
    return {
      segmentation: getSegmentation(db, saved.id)!,
      sourceVoxels: moved.sourceVoxels,
      sourceVolumeMm3: moved.sourceVolumeMm3,
      targetVolumeMm3: moved.targetVolumeMm3,
    };
  })();
}
