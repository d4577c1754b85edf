/**
 * Job `images.adc`: ADC maps computed from the study's DWI series (imaging/adc.ts) for the
 * exams that have none, written as derived DICOM series (MR Image Storage, ImageType
 * DERIVED\PRIMARY\DIFFUSION\ADC, 10⁻⁶ mm²/s) into `<study>-derived/adc/` beside the study file,
 * then scanned like an import so the main process records them as ordinary series (files with
 * SHA-256, sequence recognition), linked to the DWI series' patient. Images stay where they
 * are: the source DWI files are only read, and checked against their import hashes.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { GeometrySchema, ImagesAdcParamsSchema, type ImagesAdcResult } from '../../api/images.js';
import { adcToStored, computeAdc } from '../imaging/adc.js';
import { sameGeometry } from '../imaging/geometry.js';
import { deterministicUid } from '../imaging/dicom/writer.js';
import type { Geometry } from '../imaging/volume.js';
import type { JobContext } from './context.js';
import { derivedFolder, scanContext, scanDerived, sourceTags, writeDerivedSeries } from './derived-series.js';
import { stackLoader, type StoredSeries } from './series-volume.js';
import { studyVolumeCache } from '../imaging/volumeCache.js';

interface DwiRow {
  id: number;
  patient_id: number | null;
  patient_code: string | null;
  series_instance_uid: string;
  study_instance_uid: string | null;
  description: string | null;
  source_folder: string;
  b_value: number | null;
  component: number;
  components: number;
  geometry: string;
}

/** One DWI acquisition (its b-value volumes) whose ADC map the job computes. */
interface Exam {
  key: string;
  patientId: number | null;
  patientCode: string | null;
  seriesInstanceUid: string;
  rows: DwiRow[];
}

/** The derived folder of a study: `<dir>/<name>-derived/adc`. */
export function derivedAdcFolder(studyPath: string): string {
  return derivedFolder(studyPath, 'adc');
}

function readExams(db: Database.Database, seriesIds: number[] | undefined, force: boolean): { exams: Exam[]; skipped: string[] } {
  const rows = db
    .prepare(
      `SELECT s.id, s.patient_id, p.code AS patient_code, s.series_instance_uid, s.study_instance_uid, s.description,
              s.source_folder, s.b_value, s.component, s.components, s.geometry
         FROM series s LEFT JOIN patient p ON p.id = s.patient_id
        WHERE s.kind = 'DWI' ORDER BY s.id`,
    )
    .all() as DwiRow[];
  if (seriesIds) {
    const known = new Set(rows.map((r) => r.id));
    const missing = seriesIds.filter((id) => !known.has(id));
    if (missing.length > 0)
      throw new AppError('NOT_FOUND', `Series ${missing.map((id) => `#${id}`).join(', ')} are not DWI series of this study.`);
  }
  const wanted = seriesIds ? new Set(seriesIds) : null;
  const groups = new Map<string, Exam>();
  for (const r of rows) {
    const key = `${r.source_folder}\0${r.series_instance_uid}`;
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = { key, patientId: r.patient_id, patientCode: r.patient_code, seriesInstanceUid: r.series_instance_uid, rows: [] }),
      );
    g.rows.push(r);
  }
  const hasAdc = db.prepare(
    `SELECT 1 FROM series WHERE kind = 'ADC'
       AND ((@uid IS NOT NULL AND study_instance_uid = @uid) OR (@uid IS NULL AND @pid IS NOT NULL AND patient_id = @pid)) LIMIT 1`,
  );
  const exams: Exam[] = [];
  const skipped: string[] = [];
  for (const g of groups.values()) {
    if (wanted && !g.rows.some((r) => wanted.has(r.id))) continue;
    const name = `DWI series ${g.seriesInstanceUid}${g.patientCode ? ` of ${g.patientCode}` : ''}`;
    if (!force && hasAdc.get({ uid: g.rows[0]!.study_instance_uid, pid: g.patientId })) {
      skipped.push(`${name}: the exam already has an ADC series`);
      continue;
    }
    const withB = g.rows.filter((r) => r.b_value !== null);
    if (new Set(withB.map((r) => r.b_value)).size < 2) {
      skipped.push(
        `${name}: ${withB.length === 0 ? 'no b-value is known' : `only b = ${withB[0]!.b_value} s/mm² is known`}; an ADC map needs two b-values (set them on the series)`,
      );
      continue;
    }
    exams.push({ ...g, rows: withB });
  }
  return { exams, skipped };
}

function storedSeries(db: Database.Database, r: DwiRow): StoredSeries {
  const g = GeometrySchema.parse(JSON.parse(r.geometry));
  return {
    id: r.id,
    name: `series #${r.id} (DWI b = ${r.b_value}${r.description ? `, "${r.description}"` : ''})`,
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

export async function adcComputeJob(rawParams: unknown, ctx: JobContext): Promise<ImagesAdcResult> {
  const params = ImagesAdcParamsSchema.parse(rawParams ?? {});
  const db = new Database(ctx.studyPath, { readonly: true, fileMustExist: true });
  let exams: Exam[];
  let skipped: string[];
  let context: ReturnType<typeof scanContext>;
  const outRoot = derivedAdcFolder(ctx.studyPath);
  const stored = new Map<number, StoredSeries>();
  try {
    ({ exams, skipped } = readExams(db, params.seriesIds, params.force));
    for (const e of exams) for (const r of e.rows) stored.set(r.id, storedSeries(db, r));
    context = scanContext(db, outRoot);
  } finally {
    db.close();
  }
  if (exams.length === 0)
    throw new AppError(
      'VALIDATION',
      `No DWI series needs an ADC map${skipped.length ? `: ${skipped.join('; ')}` : ' (the study has no DWI series)'}.`,
    );

  const computed: ImagesAdcResult['computed'] = [];
  const failed: ImagesAdcResult['adcFailed'] = [];
  for (let e = 0; e < exams.length; e++) {
    ctx.throwIfCancelled();
    const load = stackLoader(studyVolumeCache(ctx.studyPath));
    const exam = exams[e]!;
    const name = `DWI series ${exam.seriesInstanceUid}${exam.patientCode ? ` of ${exam.patientCode}` : ''}`;
    ctx.progress(e / exams.length, `ADC ${e + 1} of ${exams.length}: ${name}`);
    try {
      const series = exam.rows.map((r) => stored.get(r.id)!);
      const volumes = await Promise.all(series.map((s) => load(s)));
      const mismatch = volumes
        .map((v, i) => sameGeometry(volumes[0]!, v, 1e-3, { a: series[0]!.name, b: series[i]!.name }))
        .find((c) => !c.same);
      if (mismatch) throw new AppError('VALIDATION', `${name}: ${mismatch.message}; the b-value images must share one grid.`);
      const map = computeAdc(
        volumes.map((v, i) => ({ bValue: exam.rows[i]!.b_value!, data: v.data })),
        { backgroundFraction: params.backgroundFraction, maxAdc: params.maxAdc },
      );
      const g = volumes[0]!;
      const tags = await sourceTags(series[0]!);
      const uid = deterministicUid(
        'radstudy-adc',
        exam.seriesInstanceUid,
        map.bValues.join(','),
        params.backgroundFraction,
        params.maxAdc,
      );
      const folder = path.join(outRoot, `${(exam.patientCode ?? tags.patientId) || 'unlinked'}_${uid.slice(5, 17)}`);
      await writeDerivedSeries({
        folder,
        grid: g,
        pixels: adcToStored(map.adc),
        rescaleSlope: 1,
        rescaleIntercept: 0,
        windowCenter: 1200,
        windowWidth: 2400,
        tags,
        seriesInstanceUid: uid,
        seriesNumber: tags.seriesNumber * 100 + 1,
        description: `ADC (RadStudy, b=${map.bValues.join(',')})`,
        imageType: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC'],
        scanningSequence: 'EP',
        sequenceVariant: 'SK\\SP',
        mrAcquisitionType: '2D',
        filePrefix: 'ADC',
      });
      computed.push({
        dwiSeriesIds: exam.rows.map((r) => r.id),
        patientCode: exam.patientCode,
        bValues: map.bValues,
        seriesInstanceUid: uid,
        folder,
        fittedVoxels: map.fitted,
        threshold: map.threshold,
      });
    } catch (err) {
      ctx.throwIfCancelled();
      failed.push({ name, message: err instanceof Error ? err.message : String(err) });
    }
  }
  if (computed.length === 0)
    throw new AppError('VALIDATION', `No ADC map could be computed: ${failed.map((f) => f.message).join('; ')}`);
  ctx.progress(0.95, 'Recording the derived series');
  // Only the series this run wrote (a folder re-written for the same inputs keeps its key).
  const scan = await scanDerived(outRoot, context, new Set(computed.map((c) => c.seriesInstanceUid)), ctx);
  const links = new Map(computed.map((c) => [c.seriesInstanceUid, c.dwiSeriesIds[0]!]));
  return {
    ...scan,
    computed,
    adcFailed: failed,
    adcSkipped: skipped,
    linkTo: [...links].map(([seriesInstanceUid, dwiSeriesId]) => ({ seriesInstanceUid, dwiSeriesId })),
  };
}
