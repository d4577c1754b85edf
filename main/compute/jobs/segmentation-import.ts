import Database from 'better-sqlite3';
import dicomParser from 'dicom-parser';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { GeometrySchema } from '../../api/images.js';
import { SegmentationImportParamsSchema, type SegmentationImportResult } from '../../api/segmentation.js';
import { ImageFormatError } from '../imaging/imageFormatError.js';
import { lesionMask } from '../imaging/lesionMask.js';
import { encodeMask, maskStats } from '../imaging/maskCodec.js';
import type { Geometry } from '../imaging/volume.js';
import type { JobContext } from './context.js';

interface SeriesInfo {
  grid: Geometry;
  name: string;
  firstFile: string | undefined;
}

/** The series grid and a name for messages, read-only from the study. */
function readStudy(studyPath: string, seriesId: number, lesionId: number): SeriesInfo {
  const db = new Database(studyPath, { readonly: true, fileMustExist: true });
  try {
    const s = db.prepare('SELECT geometry, description, source_folder FROM series WHERE id = ?').get(seriesId) as
      { geometry: string; description: string | null; source_folder: string } | undefined;
    if (!s)
      throw new AppError('NOT_FOUND', `There is no image series #${seriesId} in this study; import its DICOM folder first.`);
    if (!db.prepare('SELECT 1 FROM lesion WHERE id = ?').get(lesionId))
      throw new AppError('NOT_FOUND', `There is no lesion #${lesionId} in this study; add the lesion to the cohort first.`);
    const g = GeometrySchema.parse(JSON.parse(s.geometry));
    const grid: Geometry = {
      size: g.size,
      spacingMm: g.spacingMm,
      originMm: g.originMm,
      direction: g.direction as Geometry['direction'],
    };
    const rel = db.prepare('SELECT path FROM series_file WHERE series_id = ? ORDER BY position LIMIT 1').pluck().get(seriesId) as
      string | undefined;
    const name = `series #${seriesId}${s.description ? ` (${s.description})` : ''}`;
    return { grid, name, firstFile: rel === undefined ? undefined : path.resolve(s.source_folder, rel) };
  } finally {
    db.close();
  }
}

/** FrameOfReferenceUID (0020,0052) of the series' first file; undefined when it cannot be read. */
function frameOfReference(file: string | undefined): string | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    return dicomParser.parseDicom(readFileSync(file), { untilTag: 'x00200053' }).string('x00200052');
  } catch {
    return undefined;
  }
}

/**
 * Job `segmentation.import`: reads a mask file in the compute process, puts it on the series
 * grid (lesionMask.ts) and returns it encoded; the main process records it in one transaction
 * when the job succeeds (services/segmentation), so a failed import writes nothing.
 */
export async function segmentationImportJob(rawParams: unknown, ctx: JobContext): Promise<SegmentationImportResult> {
  const params = SegmentationImportParamsSchema.parse(rawParams ?? {});
  const file = path.resolve(params.file);
  const series = readStudy(ctx.studyPath, params.seriesId, params.lesionId);
  if (!existsSync(file) || !statSync(file).isFile())
    throw new AppError('VALIDATION', `The segmentation file ${file} does not exist or is not a file.`, { file });
  ctx.progress(0.1, 'Reading the segmentation file');
  const bytes = new Uint8Array(readFileSync(file));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    const m = await lesionMask({
      bytes,
      source: file,
      grid: series.grid,
      gridName: series.name,
      frameOfReferenceUid: frameOfReference(series.firstFile),
      select: { label: params.label, segment: params.segment, roi: params.roi },
    });
    ctx.throwIfCancelled();
    ctx.progress(0.8, 'Encoding the mask');
    const stats = maskStats(m.mask, series.grid);
    return {
      file,
      sha256,
      format: m.format,
      seriesId: params.seriesId,
      lesionId: params.lesionId,
      reader: params.reader,
      label: m.label,
      labels: m.labels,
      voxelCount: stats.voxelCount,
      volumeMm3: stats.volumeMm3,
      bbox: stats.bbox!,
      resampled: m.resampled,
      warnings: m.warnings,
      maskBase64: Buffer.from(encodeMask(m.mask)).toString('base64'),
    };
  } catch (e) {
    ctx.throwIfCancelled();
    if (e instanceof ImageFormatError)
      throw new AppError('VALIDATION', `${e.message} (target: ${series.name}).`, { file, seriesId: params.seriesId });
    throw e;
  }
}
