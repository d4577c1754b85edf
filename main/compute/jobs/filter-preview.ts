/**
 * Job `extraction.preview`: the derived images of one image type of a parameter file for one
 * segmentation, as the extraction computes them (filters/preview.ts), in the ROI's box. The
 * study is only read; nothing is written besides the job's own row.
 */
import Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';
import { sequenceLabel } from '../../api/extraction.js';
import { FilterPreviewParamsSchema, type FilterPreviewResult, type PreviewImageDto } from '../../api/filterPreview.js';
import { GeometrySchema } from '../../api/images.js';
import { filterPreview, type PreviewImage } from '../filters/preview.js';
import { decodeMask } from '../imaging/maskCodec.js';
import { statesLabel } from './extraction-run.js';
import type { Geometry } from '../imaging/volume.js';
import { RadiomicsInputError } from '../radiomics/errors.js';
import { IMAGE_TYPES, parseParameterFile, type ImageType, type ParameterFile } from '../radiomics/settings.js';
import type { JobContext } from './context.js';
import { loadSeriesVolume, type StoredSeries } from './series-volume.js';

interface Row {
  series_id: number;
  mask: Buffer;
  reader: string;
  patient: string;
  lesion: string;
  kind: string;
  b_value: number | null;
  phase: number | null;
  description: string | null;
  source_folder: string;
  component: number;
  components: number;
  geometry: string;
}

function base64Float32(data: Float64Array): string {
  const f = Float32Array.from(data);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
}

function dto(image: PreviewImage): PreviewImageDto {
  return { name: image.name, dataBase64: base64Float32(image.data), min: image.min, max: image.max, roi: image.roi };
}

/** Parses the parameter file and checks `imageType` is one it enables (messages name the file). */
export function previewParameters(paramsText: string, imageType?: string): ParameterFile {
  let params: ParameterFile;
  try {
    params = parseParameterFile(paramsText, 'filter preview parameter file');
  } catch (e) {
    if (e instanceof RadiomicsInputError) throw new AppError('VALIDATION', e.message);
    throw e;
  }
  if (imageType !== undefined) {
    const enabled = Object.keys(params.imageTypes);
    if (!(IMAGE_TYPES as readonly string[]).includes(imageType) || !enabled.includes(imageType))
      throw new AppError(
        'VALIDATION',
        `Filter preview: image type "${imageType}" is not enabled in the parameter file (enabled: ${enabled.join(', ') || 'none'}); add it under imageType or choose one of those.`,
      );
  }
  return params;
}

export async function filterPreviewJob(rawParams: unknown, ctx: JobContext): Promise<FilterPreviewResult> {
  const t0 = Date.now();
  const p = FilterPreviewParamsSchema.parse(rawParams ?? {});
  const params = previewParameters(p.paramsText, p.imageType);
  const db = new Database(ctx.studyPath, { readonly: true, fileMustExist: true });
  let row: Row | undefined;
  let files: { path: string; sha256: string }[];
  try {
    row = db
      .prepare(
        `SELECT g.series_id, g.mask, g.reader, p.code AS patient, l.code AS lesion, s.kind, s.b_value, s.phase,
                s.description, s.source_folder, s.component, s.components, s.geometry
           FROM segmentation g JOIN series s ON s.id = g.series_id JOIN lesion l ON l.id = g.lesion_id
           JOIN patient p ON p.id = l.patient_id WHERE g.id = ?`,
      )
      .get(p.segmentationId) as Row | undefined;
    if (!row) throw new AppError('NOT_FOUND', `Filter preview: there is no segmentation #${p.segmentationId} in this study.`);
    files = db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position').all(row.series_id) as {
      path: string;
      sha256: string;
    }[];
  } finally {
    db.close();
  }
  const sequence = sequenceLabel(row.kind, row.b_value, row.phase);
  const name = `${row.patient}/${row.lesion}, reader ${row.reader}, ${sequence} (series #${row.series_id})`;
  const g = GeometrySchema.parse(JSON.parse(row.geometry));
  const grid: Geometry = {
    size: g.size,
    spacingMm: g.spacingMm,
    originMm: g.originMm,
    direction: g.direction as Geometry['direction'],
  };
  const series: StoredSeries = {
    id: row.series_id,
    name: `series #${row.series_id} (${sequence}${row.description ? `, "${row.description}"` : ''})`,
    sourceFolder: row.source_folder,
    files,
    component: row.component,
    components: row.components,
    geometry: grid,
  };
  if (files.length === 0)
    throw new AppError('VALIDATION', `${series.name} has no source files recorded; import its folder again.`);
  ctx.progress(0.1, `Reading ${series.name}`);
  const image = await loadSeriesVolume(series);
  ctx.throwIfCancelled();
  const n = grid.size[0] * grid.size[1] * grid.size[2];
  let maskData: Uint8Array;
  try {
    maskData = decodeMask(new Uint8Array(row.mask), n);
  } catch (e) {
    throw new AppError('VALIDATION', `${name}: the stored mask does not fit the series grid (${(e as Error).message}).`);
  }
  // The ROI as extraction takes it (extraction-run.ts): label N of `label: N`, else every
  // non-zero voxel; the preview itself shows label 1.
  const chosen = statesLabel(p.paramsText) ? params.settings.label : undefined;
  for (let v = 0; v < n; v++) if (maskData[v] !== 0) maskData[v] = chosen === undefined || maskData[v] === chosen ? 1 : 0;
  ctx.progress(0.5, `Filtering (${p.imageType})`);
  let preview;
  try {
    preview = filterPreview(image, { ...grid, data: maskData }, params, p.imageType as ImageType, p.marginVoxels);
  } catch (e) {
    // The extraction's own input checks (empty ROI, geometry, a filter's parameters) name what to change.
    if (e instanceof RadiomicsInputError || e instanceof Error) throw new AppError('VALIDATION', `${name}: ${e.message}`);
    throw e;
  }
  const { box, region } = preview;
  return {
    segmentationId: p.segmentationId,
    seriesId: row.series_id,
    name,
    imageType: p.imageType,
    size: box.size,
    spacingMm: box.spacingMm,
    lower: region.lower,
    upper: region.upper,
    maskBase64: Buffer.from(box.data.buffer, box.data.byteOffset, box.data.byteLength).toString('base64'),
    original: dto(preview.original),
    images: preview.images.map(dto),
    warnings: preview.warnings,
    elapsedMs: Date.now() - t0,
  };
}
