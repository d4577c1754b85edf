/**
 * Job `extraction.run`: fills one extraction (parameter file × selected segmentations) case by
 * case on the worker pool. The study is read read-only here; finished cases go to the main
 * process in batches (`ctx.record`), which stores them at once, so a cancelled, crashed or
 * interrupted run keeps what it finished and the next run computes only what is missing,
 * failed, or whose image or mask changed since.
 *
 * A series is read once (files re-hashed against the import, see series-volume.ts) for all the
 * segmentations on it, at most a few series at a time in memory.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { AppError } from '../../api/errors.js';
import { ExtractionRunParamsSchema, ExtractionSelectionSchema, sequenceLabel } from '../../api/extraction.js';
import type { ExtractionRunResult, FeatureRowRecord } from '../../api/extraction.js';
import { GeometrySchema } from '../../api/images.js';
import { decodeMask } from '../imaging/maskCodec.js';
import type { Geometry, Volume } from '../imaging/volume.js';
import { RadiomicsInputError } from '../radiomics/errors.js';
import { parseParameterFile, type ParameterFile } from '../radiomics/settings.js';
import { parse as parseYaml } from 'yaml';
import type { JobContext } from './context.js';
import { loadSeriesVolume, seriesHash, type StoredSeries } from './series-volume.js';
import { studyVolumeCache } from '../imaging/volumeCache.js';

export interface ExtractionCase {
  segmentationId: number;
  seriesId: number;
  reader: string;
  sequence: string;
  /** For messages: `P007/L1, reader R2, DCE3 (series #41)`. */
  name: string;
  maskSha256: string;
}

export interface ExtractionPlan {
  extractionId: number;
  params: ParameterFile;
  featureNames: string[] | null;
  cases: ExtractionCase[];
  series: Map<number, StoredSeries>;
  /** Segmentations already stored and current (same image and mask hashes, no error). */
  done: Set<number>;
  /**
   * The parameter file names no `label`: the ROI is every non-zero voxel of the stored mask
   * (all its labels), as it was before masks had several labels. With `label: N` it is label N.
   */
  allLabels: boolean;
}

interface SegRow {
  id: number;
  series_id: number;
  reader: string;
  patient: string;
  lesion: string;
  kind: string;
  b_value: number | null;
  phase: number | null;
  mask_sha: string;
}

/** Reads what the run needs from the study (read-only): parameters, cases, their series, what is done. */
export function planExtraction(db: Database.Database, extractionId: number): ExtractionPlan {
  const ex = db.prepare('SELECT params_text, selection, feature_names FROM extraction WHERE id = ?').get(extractionId) as
    { params_text: string; selection: string; feature_names: string | null } | undefined;
  if (!ex) throw new AppError('NOT_FOUND', `There is no extraction #${extractionId} in this study.`);
  let params: ParameterFile;
  try {
    params = parseParameterFile(ex.params_text, `extraction #${extractionId} parameters`);
  } catch (e) {
    if (e instanceof RadiomicsInputError) throw new AppError('VALIDATION', e.message);
    throw e;
  }
  // Stored masks are labelmaps on the series grid (one channel): the ROI is the voxels of the
  // parameter file's `label`; without one, every non-zero voxel (maskVolume turns it into label 1).
  const allLabels = !statesLabel(ex.params_text);
  params = {
    ...params,
    settings: { ...params.settings, label: allLabels ? 1 : (params.settings.label ?? 1), label_channel: 0 },
  };
  const selection = ExtractionSelectionSchema.parse(JSON.parse(ex.selection));
  const rows = db
    .prepare(
      `SELECT g.id, g.series_id, g.reader, p.code AS patient, l.code AS lesion, s.kind, s.b_value, s.phase,
              lower(hex(sha256_blob(g.mask))) AS mask_sha
         FROM segmentation_current g JOIN series s ON s.id = g.series_id JOIN lesion l ON l.id = g.lesion_id
         JOIN patient p ON p.id = l.patient_id
        ORDER BY g.series_id, g.id`,
    )
    .all() as SegRow[];
  const cases: ExtractionCase[] = [];
  for (const r of rows) {
    const sequence = sequenceLabel(r.kind, r.b_value, r.phase);
    if (selection.readers.length > 0 && !selection.readers.includes(r.reader)) continue;
    if (selection.sequences.length > 0 && !selection.sequences.includes(sequence)) continue;
    cases.push({
      segmentationId: r.id,
      seriesId: r.series_id,
      reader: r.reader,
      sequence,
      name: `${r.patient}/${r.lesion}, reader ${r.reader}, ${sequence} (series #${r.series_id})`,
      maskSha256: r.mask_sha,
    });
  }
  const series = new Map<number, StoredSeries>();
  const seriesRow = db.prepare('SELECT description, source_folder, component, components, geometry FROM series WHERE id = ?');
  const filesOf = db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position');
  for (const c of cases) {
    if (series.has(c.seriesId)) continue;
    const s = seriesRow.get(c.seriesId) as {
      description: string | null;
      source_folder: string;
      component: number;
      components: number;
      geometry: string;
    };
    const g = GeometrySchema.parse(JSON.parse(s.geometry));
    series.set(c.seriesId, {
      id: c.seriesId,
      name: `series #${c.seriesId} (${c.sequence}${s.description ? `, "${s.description}"` : ''})`,
      sourceFolder: s.source_folder,
      files: filesOf.all(c.seriesId) as { path: string; sha256: string }[],
      component: s.component,
      components: s.components,
      geometry: { size: g.size, spacingMm: g.spacingMm, originMm: g.originMm, direction: g.direction as Geometry['direction'] },
    });
  }
  const done = new Set<number>();
  const stored = db
    .prepare('SELECT segmentation_id, image_sha256, mask_sha256, error FROM feature_row WHERE extraction_id = ?')
    .all(extractionId) as { segmentation_id: number; image_sha256: string; mask_sha256: string; error: string | null }[];
  const current = new Map(cases.map((c) => [c.segmentationId, c]));
  for (const r of stored) {
    const c = current.get(r.segmentation_id);
    if (!c || r.error !== null) continue;
    if (r.mask_sha256 === c.maskSha256 && r.image_sha256 === seriesHash(series.get(c.seriesId)!)) done.add(c.segmentationId);
  }
  return {
    extractionId,
    params,
    featureNames: ex.feature_names ? (JSON.parse(ex.feature_names) as string[]) : null,
    cases,
    series,
    done,
    allLabels,
  };
}

/** Whether the parameter file's `setting` mapping names a `label` (the file parsed already). */
export function statesLabel(text: string): boolean {
  const doc = parseYaml(text) as { setting?: unknown } | null;
  const setting = doc && typeof doc === 'object' ? doc.setting : undefined;
  return !!setting && typeof setting === 'object' && 'label' in setting;
}

/**
 * The stored mask of a segmentation as a labelmap on its series grid; with `allLabels`, every
 * non-zero voxel becomes label 1 (the ROI of a parameter file without `label`).
 */
function maskVolume(db: Database.Database, segmentationId: number, grid: Geometry, allLabels: boolean): Volume<Uint8Array> {
  const blob = db.prepare('SELECT mask FROM segmentation WHERE id = ?').pluck().get(segmentationId) as Buffer;
  const n = grid.size[0] * grid.size[1] * grid.size[2];
  const data = decodeMask(new Uint8Array(blob), n);
  if (allLabels) for (let v = 0; v < n; v++) if (data[v] !== 0) data[v] = 1;
  return { ...grid, data };
}

/** Diagnostics kept per row: RadStudy's ROI diagnostics (grid, voxels, grey levels, warnings) and preprocessing. */
const KEPT_DIAGNOSTICS = /^diagnostics_(RadStudy_|Configuration_Preprocessing)/;

const FLUSH_EVERY = 25;
const FLUSH_MS = 1000;
/** Series volumes held at once (each is read once for every segmentation on it). */
const SERIES_IN_MEMORY = 3;

export async function extractionRunJob(rawParams: unknown, ctx: JobContext): Promise<ExtractionRunResult> {
  const t0 = Date.now();
  const { extractionId } = ExtractionRunParamsSchema.parse(rawParams ?? {});
  const db = new Database(ctx.studyPath, { readonly: true, fileMustExist: true });
  db.function('sha256_blob', { deterministic: true }, (b: unknown) =>
    createHash('sha256')
      .update(b as Buffer)
      .digest(),
  );
  try {
    const plan = planExtraction(db, extractionId);
    if (plan.cases.length === 0)
      throw new AppError(
        'VALIDATION',
        `Extraction #${extractionId}: no segmentation matches its selection of readers and sequences; import or draw segmentations first.`,
      );
    const todo = plan.cases.filter((c) => !plan.done.has(c.segmentationId));
    const total = plan.cases.length;
    let knownNames = plan.featureNames;
    let pending: FeatureRowRecord[] = [];
    let lastFlush = Date.now();
    let computed = 0;
    let failed = 0;
    const flush = (force = false): void => {
      if (pending.length === 0 || (!force && pending.length < FLUSH_EVERY && Date.now() - lastFlush < FLUSH_MS)) return;
      ctx.record(pending);
      pending = [];
      lastFlush = Date.now();
    };
    ctx.progress(plan.done.size / total, `${plan.done.size} of ${total} cases already stored`);

    // Cases stay grouped by series; a series is loaded when its first case starts, freed after its last.
    const remaining = new Map<number, number>();
    for (const c of todo) remaining.set(c.seriesId, (remaining.get(c.seriesId) ?? 0) + 1);
    const loaded = new Map<number, Promise<Volume>>();
    const image = (seriesId: number): Promise<Volume> => {
      let p = loaded.get(seriesId);
      if (!p) {
        p = loadSeriesVolume(plan.series.get(seriesId)!, studyVolumeCache(ctx.studyPath));
        loaded.set(seriesId, p);
      }
      return p;
    };

    const runCase = async (c: ExtractionCase): Promise<void> => {
      const s = plan.series.get(c.seriesId)!;
      const started = Date.now();
      const base = { segmentationId: c.segmentationId, imageSha256: seriesHash(s), maskSha256: c.maskSha256 };
      let record: FeatureRowRecord;
      try {
        const volume = await image(c.seriesId);
        ctx.throwIfCancelled();
        const mask = maskVolume(db, c.segmentationId, s.geometry, plan.allLabels);
        const r = await ctx.pool.run(
          'radiomicsExtract',
          {
            image: { volume },
            mask: { volume: mask },
            settings: plan.params.settings,
            enabled: plan.params.featureClasses,
            imageTypes: plan.params.imageTypes,
            preprocessing: plan.params.preprocessing,
          },
          { signal: ctx.signal, transfer: [mask.data.buffer as ArrayBuffer] },
        );
        if (!r.ok) {
          record = { ...base, diagnostics: {}, error: `${c.name}: ${r.error}`, elapsedMs: Date.now() - started };
        } else {
          const diagnostics = Object.fromEntries(Object.entries(r.diagnostics).filter(([k]) => KEPT_DIAGNOSTICS.test(k)));
          const values = Float64Array.from(r.values);
          const sameNames =
            knownNames !== null && knownNames.length === r.names.length && knownNames.every((n, i) => n === r.names[i]);
          record = {
            ...base,
            ...(sameNames ? {} : { names: r.names }),
            valuesBase64: Buffer.from(values.buffer).toString('base64'),
            diagnostics,
            elapsedMs: Date.now() - started,
          };
          if (knownNames === null) knownNames = r.names;
        }
      } catch (e) {
        ctx.throwIfCancelled();
        if (!(e instanceof AppError)) throw e;
        record = { ...base, diagnostics: {}, error: `${c.name}: ${e.message}`, elapsedMs: Date.now() - started };
      } finally {
        const left = (remaining.get(c.seriesId) ?? 1) - 1;
        remaining.set(c.seriesId, left);
        if (left === 0) loaded.delete(c.seriesId);
      }
      if (record.error) failed++;
      computed++;
      pending.push(record);
      flush();
      const doneNow = plan.done.size + computed;
      ctx.progress(doneNow / total, `${doneNow} of ${total} cases${failed ? `, ${failed} failed` : ''}`);
    };

    // Lanes take cases in order; a lane waits before opening a series beyond the memory budget.
    let next = 0;
    const lanes = Math.max(1, ctx.pool.size * 2);
    const lane = async (): Promise<void> => {
      while (next < todo.length) {
        ctx.throwIfCancelled();
        const c = todo[next]!;
        if (!loaded.has(c.seriesId) && loaded.size >= SERIES_IN_MEMORY) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        next++;
        await runCase(c);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(lanes, Math.max(1, todo.length)) }, lane));
    } finally {
      // What finished is kept even when the run stops here (cancel, a crash of a worker).
      flush(true);
    }
    return {
      extractionId,
      total,
      alreadyDone: plan.done.size,
      computed,
      failed,
      featureCount: knownNames?.length ?? 0,
      elapsedMs: Date.now() - t0,
    };
  } finally {
    db.close();
  }
}
