/**
 * Masks drawn in the viewer: saving a new version of a (lesion, series, reader) slot (never
 * overwriting a stored one) and the autosaved draft of the slot. The mask arrives as run
 * lengths in voxel order and must cover exactly the series grid; anything else is refused with
 * a message naming the lesion and series, and nothing is written.
 */
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { AppError } from '../../api/errors.js';
import { GeometrySchema } from '../../api/images.js';
import type {
  Segmentation,
  SegmentationDraft,
  SegmentationDraftSaveParams,
  SegmentationSaveParams,
} from '../../api/segmentation.js';
import { SegmentationStatusSchema, SegmentLabelsSchema, type SegmentLabel } from '../../api/segmentation.js';
import {
  checkLabelRuns,
  decodeMask,
  encodeLabelRuns,
  encodeMask,
  labelCounts,
  labelRuns,
  maskFromLabelRuns,
  maskStats,
} from '../../compute/imaging/maskCodec.js';
import type { Geometry } from '../../compute/imaging/volume.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { getSegmentation } from './repository.js';

interface Slot {
  lesionId: number;
  seriesId: number;
  reader: string;
}

function slotName(db: Database.Database, s: Slot): { name: string; grid: Geometry } {
  const lesion = db
    .prepare('SELECT p.code AS patient, l.code AS lesion FROM lesion l JOIN patient p ON p.id = l.patient_id WHERE l.id = ?')
    .get(s.lesionId) as { patient: string; lesion: string } | undefined;
  if (!lesion) throw new AppError('NOT_FOUND', `There is no lesion #${s.lesionId} in this study.`, { lesionId: s.lesionId });
  const series = db.prepare('SELECT geometry FROM series WHERE id = ?').get(s.seriesId) as { geometry: string } | undefined;
  if (!series)
    throw new AppError('NOT_FOUND', `There is no image series #${s.seriesId} in this study.`, { seriesId: s.seriesId });
  const g = GeometrySchema.parse(JSON.parse(series.geometry));
  return {
    name: `${lesion.patient}/${lesion.lesion} on series #${s.seriesId}, reader ${s.reader}`,
    grid: { size: g.size, spacingMm: g.spacingMm, originMm: g.originMm, direction: g.direction as Geometry['direction'] },
  };
}

/**
 * Checks the runs (and label values) against the grid and the label table, without building the
 * labelmap; returns the labelled voxel count.
 */
function checkRuns(
  p: { runs: readonly number[]; values?: readonly number[] | undefined; labels?: readonly SegmentLabel[] | undefined },
  grid: Geometry,
  name: string,
): number {
  const n = grid.size[0] * grid.size[1] * grid.size[2];
  let total = 0;
  for (const r of p.runs) total += r;
  if (total !== n)
    throw new AppError(
      'VALIDATION',
      `${name}: the mask covers ${total} voxels but the series grid ${grid.size.join('×')} has ${n}; it was drawn on another grid. Nothing was saved.`,
    );
  let labelled: number;
  try {
    labelled = checkLabelRuns(p.runs, p.values, n, `${name}: the mask`);
  } catch (e) {
    throw new AppError('VALIDATION', `${(e as Error).message} Nothing was saved.`);
  }
  if (p.labels && p.labels.length > 0) {
    const known = new Set(p.labels.map((l) => l.value));
    for (let r = 1; r < p.runs.length; r += 2) {
      const value = p.values ? p.values[(r - 1) / 2]! : 1;
      if (p.runs[r]! > 0 && !known.has(value))
        throw new AppError(
          'VALIDATION',
          `${name}: voxels carry label value ${value}, which is not in the label table (${[...known].join(', ')}). Nothing was saved.`,
        );
    }
  }
  return labelled;
}

/** The labelmap of the runs (and label values), checked against the grid and the label table. */
function maskFromRuns(
  p: { runs: readonly number[]; values?: readonly number[] | undefined; labels?: readonly SegmentLabel[] | undefined },
  grid: Geometry,
  name: string,
): Uint8Array {
  checkRuns(p, grid, name);
  return maskFromLabelRuns(p.runs, p.values, grid.size[0] * grid.size[1] * grid.size[2], `${name}: the mask`);
}

/** The stored label table of a row ('[]' for masks saved before label tables existed). */
export function labelsOf(text: string | null | undefined): SegmentLabel[] {
  return text ? SegmentLabelsSchema.parse(JSON.parse(text)) : [];
}

/** The `label` column: the names of the labels present ('label 1' when the table is empty). */
function labelName(labels: readonly SegmentLabel[] | undefined, mask: Uint8Array): string {
  const present = [...labelCounts(mask).keys()];
  if (!labels || labels.length === 0) return present.map((v) => `label ${v}`).join(', ');
  return present.map((v) => labels.find((l) => l.value === v)?.name ?? `label ${v}`).join(', ');
}

export function saveVersion(db: Database.Database, p: SegmentationSaveParams): Segmentation {
  const { name, grid } = slotName(db, p);
  const mask = maskFromRuns(p, grid, name);
  const stats = maskStats(mask, grid);
  if (stats.voxelCount === 0)
    throw new AppError('VALIDATION', `${name}: the mask is empty; paint the lesion before saving (nothing was saved).`);
  if (p.parentId !== null) {
    const parent = db.prepare('SELECT lesion_id, series_id, reader FROM segmentation WHERE id = ?').get(p.parentId) as
      { lesion_id: number; series_id: number; reader: string } | undefined;
    if (!parent) throw new AppError('NOT_FOUND', `${name}: the version it was edited from (#${p.parentId}) no longer exists.`);
    if (parent.series_id !== p.seriesId)
      throw new AppError(
        'VALIDATION',
        `${name}: it was edited from segmentation #${p.parentId}, which lies on series #${parent.series_id}; a mask is saved on its own series grid only.`,
      );
  }
  const blob = encodeMask(mask);
  const sha = createHash('sha256').update(blob).digest('hex');
  const id = db.transaction(() => {
    const version =
      ((db
        .prepare('SELECT max(version) FROM segmentation WHERE lesion_id = ? AND series_id = ? AND reader = ?')
        .pluck()
        .get(p.lesionId, p.seriesId, p.reader) as number | null) ?? 0) + 1;
    const info = db
      .prepare(
        `INSERT INTO segmentation(lesion_id, series_id, reader, version, parent_id, status, time_spent_s, label,
           source_format, source_path, source_sha256, mask, voxel_count, volume_mm3, bbox, warnings, created_at, labels)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'editor', ?, ?, ?, ?, ?, ?, '[]', ?, ?)`,
      )
      .run(
        p.lesionId,
        p.seriesId,
        p.reader,
        version,
        p.parentId,
        p.status,
        p.timeSpentS,
        labelName(p.labels, mask),
        `RadStudy editor, version ${version}`,
        sha,
        Buffer.from(blob),
        stats.voxelCount,
        stats.volumeMm3,
        JSON.stringify(stats.bbox),
        new Date().toISOString(),
        JSON.stringify(p.labels ?? []),
      );
    const newId = Number(info.lastInsertRowid);
    db.prepare('DELETE FROM segmentation_draft WHERE lesion_id = ? AND series_id = ? AND reader = ?').run(
      p.lesionId,
      p.seriesId,
      p.reader,
    );
    appendAudit(db, {
      actor: 'user',
      action: 'segmentation.save',
      entity: 'segmentation',
      entityId: newId,
      after: {
        lesionId: p.lesionId,
        seriesId: p.seriesId,
        reader: p.reader,
        version,
        parentId: p.parentId,
        status: p.status,
        timeSpentS: p.timeSpentS,
        voxelCount: stats.voxelCount,
        maskSha256: sha,
      },
    });
    return newId;
  })();
  return getSegmentation(db, id)!;
}

export function saveDraft(db: Database.Database, p: SegmentationDraftSaveParams): { updatedAt: string } {
  const { name, grid } = slotName(db, p);
  // Stored from the runs as they came: an autosave every few seconds need not build and rescan
  // the whole labelmap (40 M voxels on a 512×512×160 series) in the process that serves the page.
  const count = checkRuns(p, grid, name);
  if (p.baseId !== null && !db.prepare('SELECT 1 FROM segmentation WHERE id = ?').get(p.baseId))
    throw new AppError('NOT_FOUND', `${name}: the version the draft was edited from (#${p.baseId}) no longer exists.`);
  const updatedAt = new Date().toISOString();
  db.prepare(
    `INSERT INTO segmentation_draft(lesion_id, series_id, reader, base_id, status, time_spent_s, mask, voxel_count, updated_at, labels)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (lesion_id, series_id, reader) DO UPDATE SET base_id = excluded.base_id, status = excluded.status,
       time_spent_s = excluded.time_spent_s, mask = excluded.mask, voxel_count = excluded.voxel_count,
       updated_at = excluded.updated_at, labels = excluded.labels`,
  ).run(
    p.lesionId,
    p.seriesId,
    p.reader,
    p.baseId,
    p.status,
    p.timeSpentS,
    Buffer.from(encodeLabelRuns(p.runs, p.values)),
    count,
    updatedAt,
    JSON.stringify(p.labels ?? []),
  );
  return { updatedAt };
}

export function getDraft(db: Database.Database, s: Slot): SegmentationDraft | null {
  const row = db
    .prepare(
      `SELECT d.base_id, d.status, d.time_spent_s, d.mask, d.voxel_count, d.updated_at, d.labels, s.geometry
         FROM segmentation_draft d JOIN series s ON s.id = d.series_id
        WHERE d.lesion_id = ? AND d.series_id = ? AND d.reader = ?`,
    )
    .get(s.lesionId, s.seriesId, s.reader) as
    | {
        base_id: number | null;
        status: string;
        time_spent_s: number;
        mask: Buffer;
        voxel_count: number;
        updated_at: string;
        labels: string;
        geometry: string;
      }
    | undefined;
  if (!row) return null;
  const g = GeometrySchema.parse(JSON.parse(row.geometry));
  const { runs, values } = labelRuns(decodeMask(new Uint8Array(row.mask), g.size[0] * g.size[1] * g.size[2]));
  return {
    ...s,
    baseId: row.base_id,
    status: SegmentationStatusSchema.parse(row.status),
    timeSpentS: row.time_spent_s,
    voxelCount: row.voxel_count,
    updatedAt: row.updated_at,
    runs,
    values,
    labels: labelsOf(row.labels),
  };
}

export function discardDraft(db: Database.Database, s: Slot): { discarded: number } {
  const info = db
    .prepare('DELETE FROM segmentation_draft WHERE lesion_id = ? AND series_id = ? AND reader = ?')
    .run(s.lesionId, s.seriesId, s.reader);
  return { discarded: info.changes };
}
