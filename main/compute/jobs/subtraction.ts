/**
 * Job `images.subtraction`: DCE subtraction images (post-contrast phase − pre-contrast phase),
 * as radiologists read breast MRI and seed 001 shows them, for every DCE acquisition of the
 * study (or those of the given series). Each is written as a derived series (ImageType
 * DERIVED\PRIMARY\SUB) beside the study and recorded like an import, with the post phase as
 * its phase: `SUB2` is phase 2 after contrast minus the pre-contrast phase (DCE3 − DCE1 in
 * RadStudy's sequence labels). Values keep the source's real-world scale (rescale intercept
 * holds the most negative difference).
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { GeometrySchema, ImagesSubtractionParamsSchema, type ImagesSubtractionResult } from '../../api/images.js';
import { deterministicUid } from '../imaging/dicom/writer.js';
import type { Geometry } from '../imaging/volume.js';
import type { JobContext } from './context.js';
import { derivedFolder, scanContext, scanDerived, sourceTags, writeDerivedSeries } from './derived-series.js';
import { stackLoader, type StoredSeries } from './series-volume.js';
import { studyVolumeCache } from '../imaging/volumeCache.js';

interface DceRow {
  id: number;
  patient_code: string | null;
  series_instance_uid: string;
  study_instance_uid: string | null;
  description: string | null;
  source_folder: string;
  phase: number | null;
  component: number;
  components: number;
  geometry: string;
}

function stored(db: Database.Database, r: DceRow): StoredSeries {
  const g = GeometrySchema.parse(JSON.parse(r.geometry));
  return {
    id: r.id,
    name: `series #${r.id} (DCE phase ${r.phase}${r.description ? `, "${r.description}"` : ''})`,
    sourceFolder: r.source_folder,
    files: db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position').all(r.id) as {
      path: string;
      sha256: string;
    }[],
    component: r.component,
    components: r.components,
    geometry: { size: g.size, spacingMm: g.spacingMm, originMm: g.originMm, direction: g.direction as Geometry['direction'] },
  };
}

/** Stored form of real values: slope 1 when the range fits 16 bits, the intercept at the minimum. */
export function storeSigned(values: Float64Array): { pixels: Uint16Array; slope: number; intercept: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) min = max = 0;
  const intercept = Math.floor(min);
  const slope = max - intercept <= 65535 ? 1 : (max - intercept) / 65535;
  const pixels = new Uint16Array(values.length);
  for (let v = 0; v < values.length; v++) pixels[v] = Math.max(0, Math.min(65535, Math.round((values[v]! - intercept) / slope)));
  return { pixels, slope, intercept };
}

export async function subtractionJob(rawParams: unknown, ctx: JobContext): Promise<ImagesSubtractionResult> {
  const params = ImagesSubtractionParamsSchema.parse(rawParams ?? {});
  const outRoot = derivedFolder(ctx.studyPath, 'subtraction');
  const db = new Database(ctx.studyPath, { readonly: true, fileMustExist: true });
  const acquisitions = new Map<string, DceRow[]>();
  let context: ReturnType<typeof scanContext>;
  const series = new Map<number, StoredSeries>();
  try {
    const rows = db
      .prepare(
        `SELECT s.id, p.code AS patient_code, s.series_instance_uid, s.study_instance_uid, s.description, s.source_folder,
                s.phase, s.component, s.components, s.geometry
           FROM series s LEFT JOIN patient p ON p.id = s.patient_id WHERE s.kind = 'DCE' AND s.phase IS NOT NULL
          ORDER BY s.id`,
      )
      .all() as DceRow[];
    const wanted = params.seriesIds ? new Set(params.seriesIds) : null;
    if (wanted) {
      const missing = [...wanted].filter((id) => !rows.some((r) => r.id === id));
      if (missing.length)
        throw new AppError('NOT_FOUND', `Series ${missing.map((id) => `#${id}`).join(', ')} are not DCE series with a phase.`);
    }
    // One acquisition: the phases on one grid of one exam (a stacked series, or separate series).
    for (const r of rows) {
      const key = `${r.study_instance_uid ?? r.source_folder + '\0' + r.series_instance_uid}\0${r.geometry}`;
      acquisitions.set(key, [...(acquisitions.get(key) ?? []), r]);
    }
    for (const [key, list] of acquisitions) if (wanted && !list.some((r) => wanted.has(r.id))) acquisitions.delete(key);
    for (const list of acquisitions.values()) for (const r of list) series.set(r.id, stored(db, r));
    context = scanContext(db, outRoot);
  } finally {
    db.close();
  }
  if (acquisitions.size === 0)
    throw new AppError('VALIDATION', 'The study has no DCE series with known phases; import or classify DCE series first.');

  const computed: ImagesSubtractionResult['computed'] = [];
  const failed: ImagesSubtractionResult['subtractionFailed'] = [];
  let done = 0;
  for (const list of acquisitions.values()) {
    ctx.throwIfCancelled();
    const name = `DCE series ${list[0]!.series_instance_uid}${list[0]!.patient_code ? ` of ${list[0]!.patient_code}` : ''}`;
    ctx.progress(done++ / acquisitions.size, `Subtraction: ${name}`);
    const pre = list.find((r) => r.phase === 0);
    for (const p of params.phases) {
      const post = list.find((r) => r.phase === p);
      if (!pre || !post) {
        failed.push({ name, message: `has no ${!pre ? 'pre-contrast phase (phase 0)' : `post-contrast phase ${p}`}` });
        continue;
      }
      try {
        const load = stackLoader(studyVolumeCache(ctx.studyPath));
        const [a, b] = await Promise.all([load(series.get(pre.id)!), load(series.get(post.id)!)]);
        const diff = new Float64Array(a.data.length);
        for (let v = 0; v < diff.length; v++) diff[v] = b.data[v]! - a.data[v]!;
        const { pixels, slope, intercept } = storeSigned(diff);
        const tags = await sourceTags(series.get(post.id)!);
        const uid = deterministicUid('radstudy-subtraction', post.series_instance_uid, pre.id, post.id, p);
        const folder = path.join(outRoot, `${(post.patient_code ?? tags.patientId) || 'unlinked'}_${uid.slice(5, 17)}`);
        await writeDerivedSeries({
          folder,
          grid: b,
          pixels,
          rescaleSlope: slope,
          rescaleIntercept: intercept,
          windowCenter: 0,
          windowWidth: Math.max(1, Math.round(pixels.reduce((m, x) => (x > m ? x : m), 0) * slope * 0.5)),
          tags,
          seriesInstanceUid: uid,
          seriesNumber: tags.seriesNumber * 100 + 10 + p,
          description: `SUB${p} (DCE${p + 1} - DCE1, RadStudy)`,
          imageType: ['DERIVED', 'PRIMARY', 'SUB'],
          scanningSequence: 'GR',
          sequenceVariant: 'SP',
          mrAcquisitionType: '3D',
          filePrefix: 'SUB',
        });
        computed.push({
          preSeriesId: pre.id,
          postSeriesId: post.id,
          phase: p,
          patientCode: post.patient_code,
          seriesInstanceUid: uid,
          folder,
        });
      } catch (e) {
        ctx.throwIfCancelled();
        failed.push({ name, message: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  if (computed.length === 0)
    throw new AppError(
      'VALIDATION',
      `No subtraction could be computed: ${failed.map((f) => `${f.name} ${f.message}`).join('; ')}`,
    );
  ctx.progress(0.95, 'Recording the subtraction series');
  const scan = await scanDerived(outRoot, context, new Set(computed.map((c) => c.seriesInstanceUid)), ctx);
  return { ...scan, computed, subtractionFailed: failed };
}
