/**
 * Job `images.tic`: the time–intensity curve and TIC type (imaging/tic.ts) of each lesion that
 * a reader segmented on a DCE series. The curve takes every DCE phase of the same acquisition
 * (components of one stacked series, or separate series of the exam on the same grid), in the
 * order of their trigger time, else acquisition time, else phase number. The main process
 * writes the types to a lesion variable when the job succeeds (one transaction, audited).
 */
import Database from 'better-sqlite3';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { GeometrySchema, ImagesTicParamsSchema, type ImagesTicResult, type TicCurve } from '../../api/images.js';
import { parseDicomFile } from '../imaging/dicom/dicomFile.js';
import { sameGeometry } from '../imaging/geometry.js';
import { decodeMask } from '../imaging/maskCodec.js';
import { timeIntensityCurve } from '../imaging/tic.js';
import type { Geometry } from '../imaging/volume.js';
import type { JobContext } from './context.js';
import { stackLoader, type StoredSeries } from './series-volume.js';
import { studyVolumeCache } from '../imaging/volumeCache.js';

interface SegRow {
  segmentation_id: number;
  lesion_id: number;
  patient_code: string;
  lesion_code: string;
  series_id: number;
}

interface DceRow {
  id: number;
  description: string | null;
  source_folder: string;
  series_instance_uid: string;
  study_instance_uid: string | null;
  patient_id: number | null;
  phase: number | null;
  component: number;
  components: number;
  geometry: string;
}

function toStored(db: Database.Database, r: DceRow): StoredSeries {
  const g = GeometrySchema.parse(JSON.parse(r.geometry));
  return {
    id: r.id,
    name: `series #${r.id} (DCE phase ${r.phase ?? '?'}${r.description ? `, "${r.description}"` : ''})`,
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

/** Two stored grids (geometry JSON) are one when no voxel centre moves by more than 1e-3 mm. */
const sameGrid = (a: string, b: string): boolean =>
  sameGeometry(GeometrySchema.parse(JSON.parse(a)) as Geometry, GeometrySchema.parse(JSON.parse(b)) as Geometry).same;

/** HHMMSS(.frac) → seconds of the day. */
function tmSeconds(tm: string | undefined): number | null {
  const m = /^(\d{2})(\d{2})?(\d{2})?(\.\d+)?$/.exec((tm ?? '').trim());
  if (!m) return null;
  return Number(m[1]) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0);
}

/** Phase times: from the first-position image of each phase (files are position-major, then component). */
async function phaseTimes(phases: StoredSeries[]): Promise<{ times: number[]; timing: TicCurve['timing'] }> {
  const headers = await Promise.all(
    phases.map(async (s) => {
      const f = s.files[Math.min(s.component, s.files.length - 1)]!;
      const file = path.resolve(s.sourceFolder, f.path);
      return parseDicomFile(new Uint8Array(await readFile(file)), file).header;
    }),
  );
  const distinct = (t: (number | null | undefined)[]): t is number[] =>
    t.every((x) => typeof x === 'number' && Number.isFinite(x)) && new Set(t).size === t.length;
  const trigger = headers.map((h) => (h.triggerTimeMs === undefined ? null : h.triggerTimeMs / 1000));
  if (distinct(trigger)) return { times: trigger.map((t) => t - Math.min(...trigger)), timing: 'trigger' };
  const acq = headers.map((h) => tmSeconds(h.acquisitionTime));
  if (distinct(acq)) return { times: acq.map((t) => t - Math.min(...acq)), timing: 'acquisition' };
  return { times: phases.map((_, i) => i * 60), timing: 'order' };
}

export async function ticRunJob(rawParams: unknown, ctx: JobContext): Promise<ImagesTicResult> {
  const params = ImagesTicParamsSchema.parse(rawParams ?? {});
  const db = new Database(ctx.studyPath, { readonly: true, fileMustExist: true });
  const work: { seg: SegRow; mask: Uint8Array; phases: StoredSeries[] }[] = [];
  const failed: ImagesTicResult['failed'] = [];
  try {
    const segs = db
      .prepare(
        `SELECT g.id AS segmentation_id, g.lesion_id, p.code AS patient_code, l.code AS lesion_code, g.series_id
           FROM segmentation_current g JOIN series s ON s.id = g.series_id JOIN lesion l ON l.id = g.lesion_id
           JOIN patient p ON p.id = l.patient_id
          WHERE s.kind = 'DCE' AND g.reader = ? ORDER BY g.lesion_id, s.phase DESC, g.id`,
      )
      .all(params.reader) as SegRow[];
    const wanted = params.lesionIds ? new Set(params.lesionIds) : null;
    const firstPerLesion = new Map<number, SegRow>();
    for (const s of segs)
      if ((!wanted || wanted.has(s.lesion_id)) && !firstPerLesion.has(s.lesion_id)) firstPerLesion.set(s.lesion_id, s);
    if (wanted) {
      const none = [...wanted].filter((id) => !firstPerLesion.has(id));
      for (const id of none)
        failed.push({ lesionId: id, name: `lesion #${id}`, message: `no DCE segmentation by reader ${params.reader}` });
    }
    if (firstPerLesion.size === 0)
      throw new AppError(
        'VALIDATION',
        `No lesion has a DCE segmentation by reader ${params.reader}; segment or import lesions on a DCE phase first.`,
      );
    const seriesRow = db.prepare(
      `SELECT id, description, source_folder, series_instance_uid, study_instance_uid, patient_id, phase, component, components, geometry
         FROM series WHERE id = ?`,
    );
    const siblings = db.prepare(
      `SELECT id, description, source_folder, series_instance_uid, study_instance_uid, patient_id, phase, component, components, geometry
         FROM series WHERE kind = 'DCE' AND ((source_folder = ? AND series_instance_uid = ?)
           OR (? IS NOT NULL AND study_instance_uid = ?)) ORDER BY phase, component, id`,
    );
    const maskOf = db.prepare('SELECT mask FROM segmentation WHERE id = ?').pluck();
    for (const seg of firstPerLesion.values()) {
      const own = seriesRow.get(seg.series_id) as DceRow;
      const rows = (
        siblings.all(own.source_folder, own.series_instance_uid, own.study_instance_uid, own.study_instance_uid) as DceRow[]
      ).filter((r) => r.id === own.id || sameGrid(r.geometry, own.geometry));
      const g = GeometrySchema.parse(JSON.parse(own.geometry));
      const n = g.size[0] * g.size[1] * g.size[2];
      work.push({
        seg,
        mask: decodeMask(new Uint8Array(maskOf.get(seg.segmentation_id) as Buffer), n),
        phases: rows.map((r) => toStored(db, r)),
      });
    }
  } finally {
    db.close();
  }

  const curves: TicCurve[] = [];
  let load = stackLoader(studyVolumeCache(ctx.studyPath));
  for (let w = 0; w < work.length; w++) {
    ctx.throwIfCancelled();
    const { seg, mask, phases } = work[w]!;
    // A patient's volumes are read once for all their lesions, then freed.
    if (w > 0 && work[w - 1]!.seg.patient_code !== seg.patient_code) load = stackLoader(studyVolumeCache(ctx.studyPath));
    const name = `${seg.patient_code}/${seg.lesion_code}`;
    ctx.progress(w / work.length, `TIC ${w + 1} of ${work.length}: ${name}`);
    try {
      if (phases.length < 3)
        throw new Error(
          `the DCE acquisition has ${phases.length} phase(s) on the mask's grid; a curve needs a pre-contrast and two post-contrast phases`,
        );
      const { times, timing } = await phaseTimes(phases);
      const volumes = await Promise.all(phases.map((s) => load(s)));
      const tic = timeIntensityCurve(
        volumes.map((v, i) => ({ timeS: times[i]!, data: v.data })),
        mask,
        params,
      );
      curves.push({
        lesionId: seg.lesion_id,
        patientCode: seg.patient_code,
        lesionCode: seg.lesion_code,
        segmentationId: seg.segmentation_id,
        seriesIds: [...phases]
          .map((p, i) => ({ id: p.id, t: times[i]! }))
          .sort((a, b) => a.t - b.t)
          .map((p) => p.id),
        ...tic,
        timing,
      });
    } catch (e) {
      ctx.throwIfCancelled();
      failed.push({ lesionId: seg.lesion_id, name, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return {
    curves,
    failed,
    settings: {
      reader: params.reader,
      earlyWindowS: params.earlyWindowS,
      persistentPct: params.persistentPct,
      washoutPct: params.washoutPct,
      hotspotFraction: params.hotspotFraction,
    },
    variable: params.variable,
    overwrite: params.overwrite,
  };
}
