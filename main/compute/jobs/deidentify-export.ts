/**
 * Job `images.deidentify`: the study's series (all linked ones, or those asked for) written as
 * de-identified DICOM (imaging/dicom/deidentify.ts, PS3.15 2024 Annex E basic profile) into
 * `<outDir>/<patientCode>/<series folder>/IMnnnn.dcm`, with `manifest.csv` listing per series
 * the patient code, an HMAC of the original SeriesInstanceUID (never the UID itself), the new
 * SeriesInstanceUID and the file count. Source files are only read, each checked against its
 * import hash first. The output folder must be new or empty: nothing is ever overwritten.
 */
import Database from 'better-sqlite3';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { DEID_SECRET_META_KEY, ImagesDeidentifyParamsSchema, type ImagesDeidentifyResult } from '../../api/deidentify.js';
import { dateShiftDays, deidentifyDicom } from '../imaging/dicom/deidentify.js';
import type { JobContext } from './context.js';

interface SeriesRow {
  id: number;
  patient_code: string | null;
  series_instance_uid: string;
  description: string | null;
  kind: string;
  series_number: number | null;
  source_folder: string;
}

interface ExportSeries {
  rows: SeriesRow[];
  patientCode: string | null;
  name: string;
  files: { path: string; sha256: string }[];
}

/** Throws unless `dir` is absent or an empty folder. */
export function assertEmptyOutput(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new AppError('VALIDATION', `The output ${dir} exists and is not a folder.`);
  if (readdirSync(dir).length > 0)
    throw new AppError(
      'VALIDATION',
      `The output folder ${dir} is not empty; choose a new or empty folder (nothing is ever overwritten).`,
      { folder: dir },
    );
}

function readSeries(db: Database.Database, seriesIds: number[] | undefined): ExportSeries[] {
  const rows = db
    .prepare(
      `SELECT s.id, p.code AS patient_code, s.series_instance_uid, s.description, s.kind, s.series_number, s.source_folder
         FROM series s LEFT JOIN patient p ON p.id = s.patient_id ORDER BY s.id`,
    )
    .all() as SeriesRow[];
  if (seriesIds) {
    const known = new Set(rows.map((r) => r.id));
    const missing = seriesIds.filter((id) => !known.has(id));
    if (missing.length > 0)
      throw new AppError('NOT_FOUND', `Series ${missing.map((id) => `#${id}`).join(', ')} are not in this study.`);
  }
  const wanted = seriesIds ? new Set(seriesIds) : null;
  const groups = new Map<string, SeriesRow[]>();
  for (const r of rows) {
    const key = `${r.source_folder}\0${r.series_instance_uid}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const fileQuery = db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position');
  const out: ExportSeries[] = [];
  for (const g of groups.values()) {
    if (wanted && !g.some((r) => wanted.has(r.id))) continue;
    const files = new Map<string, string>();
    for (const r of g) for (const f of fileQuery.all(r.id) as { path: string; sha256: string }[]) files.set(f.path, f.sha256);
    const first = g[0]!;
    out.push({
      rows: g,
      patientCode: first.patient_code,
      name: `series #${first.id} (${first.kind}${first.description ? `, "${first.description}"` : ''})`,
      files: [...files].map(([p, sha256]) => ({ path: p, sha256 })),
    });
  }
  return out;
}

/** A folder name that cannot carry identifying text: the series id, number and kind. */
function seriesFolderName(s: ExportSeries): string {
  const first = s.rows[0]!;
  return `S${first.id}_${first.series_number ?? 0}_${first.kind}`;
}

const csvCell = (v: string | number): string => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

export async function deidentifyJob(rawParams: unknown, ctx: JobContext): Promise<ImagesDeidentifyResult> {
  const params = ImagesDeidentifyParamsSchema.parse(rawParams);
  const outDir = path.resolve(params.outDir);
  assertEmptyOutput(outDir);
  const db = new Database(ctx.studyPath, { readonly: true, fileMustExist: true });
  let series: ExportSeries[];
  let secret: string | undefined;
  try {
    series = readSeries(db, params.seriesIds);
    secret = db.prepare('SELECT value FROM study_meta WHERE key = ?').pluck().get(DEID_SECRET_META_KEY) as string | undefined;
  } finally {
    db.close();
  }
  if (!secret)
    throw new AppError('VALIDATION', 'The study has no de-identification secret; start the export from the app or CLI.');
  const skipped: ImagesDeidentifyResult['skipped'] = [];
  const todo: ExportSeries[] = [];
  for (const s of series) {
    if (s.patientCode) todo.push(s);
    else skipped.push({ name: s.name, message: 'not linked to a cohort patient, so it has no pseudonymous code; link it first' });
  }
  if (params.seriesIds && skipped.length > 0)
    throw new AppError('VALIDATION', `Cannot export: ${skipped.map((s) => `${s.name}: ${s.message}`).join('; ')}.`);
  if (todo.length === 0)
    throw new AppError(
      'VALIDATION',
      `No series to export${skipped.length ? ` (${skipped.length} are not linked to a cohort patient)` : ' (the study has no series)'}.`,
    );

  const total = todo.reduce((n, s) => n + s.files.length, 0);
  let done = 0;
  const exported: ImagesDeidentifyResult['exported'] = [];
  for (const s of todo) {
    ctx.throwIfCancelled();
    const code = s.patientCode!;
    const first = s.rows[0]!;
    const folder = path.join(outDir, code.replace(/[^A-Za-z0-9._-]/g, '_'), seriesFolderName(s));
    try {
      // Read and check every file before writing any, so a series is written whole or not at all.
      const outputs: Uint8Array[] = [];
      let newUid: string | undefined;
      for (const f of s.files) {
        const file = path.resolve(first.source_folder, f.path);
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch {
          throw new Error(`${file} cannot be read (moved or deleted? use Verify/Relink in the Images view)`);
        }
        if (createHash('sha256').update(bytes).digest('hex') !== f.sha256)
          throw new Error(`${file} changed since it was imported (SHA-256 differs); re-import the series`);
        const r = deidentifyDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file, {
          patientCode: code,
          secret,
          dateShiftDays: params.shiftDates ? dateShiftDays(secret, code) : undefined,
          keepPatientCharacteristics: params.keepPatientCharacteristics,
        });
        newUid ??= r.seriesInstanceUid;
        outputs.push(r.bytes);
        ctx.progress(total ? (done + outputs.length / 2) / total : 0, `De-identifying ${s.name} of ${code}`);
      }
      assertEmptyOutput(folder);
      await mkdir(folder, { recursive: true });
      for (let k = 0; k < outputs.length; k++)
        await writeFile(path.join(folder, `IM${String(k + 1).padStart(4, '0')}.dcm`), outputs[k]!, { flag: 'wx' });
      done += outputs.length;
      exported.push({
        seriesIds: s.rows.map((r) => r.id),
        patientCode: code,
        originalSeriesUidHash: createHmac('sha256', secret).update(`manifest\u001f${first.series_instance_uid}`).digest('hex'),
        seriesInstanceUid: newUid ?? '',
        folder,
        files: outputs.length,
      });
    } catch (e) {
      ctx.throwIfCancelled();
      if (e instanceof AppError) throw e;
      skipped.push({ name: s.name, message: e instanceof Error ? e.message : String(e) });
    }
  }
  if (exported.length === 0)
    throw new AppError('VALIDATION', `No series could be exported: ${skipped.map((s) => `${s.name}: ${s.message}`).join('; ')}`);
  const manifestPath = path.join(outDir, 'manifest.csv');
  const lines = ['patient_code,original_series_uid_hmac,series_instance_uid,files'];
  for (const x of exported)
    lines.push([x.patientCode, x.originalSeriesUidHash, x.seriesInstanceUid, x.files].map(csvCell).join(','));
  await writeFile(manifestPath, lines.join('\n') + '\n', { flag: 'wx' });
  ctx.progress(1, `Exported ${exported.length} series`);
  return {
    outDir,
    manifestPath,
    exported,
    skipped,
    filesWritten: exported.reduce((n, x) => n + x.files, 0),
    dateShift: params.shiftDates,
  };
}
