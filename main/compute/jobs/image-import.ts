import Database from 'better-sqlite3';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { ImagesImportParamsSchema, SequenceRuleSchema, type ImagesImportResult } from '../../api/images.js';
import { ImageFormatError } from '../imaging/imageFormatError.js';
import { DEFAULT_SEQUENCE_RULES, type SequenceRule } from '../imaging/sequenceRules.js';
import type { JobContext } from './context.js';
import { scanDicomFolder } from './dicom-folder.js';

/** study_meta key holding the study's sequence-recognition rules (JSON); absent: the defaults. */
export const RULES_META_KEY = 'images.sequence_rules';

interface StudyState {
  rules: SequenceRule[];
  patientExists: boolean;
  existingKeys: Set<string>;
}

/** What the job needs from the study, read (read-only) before the scan. */
function readStudy(studyPath: string, folder: string, patientCode: string | undefined): StudyState {
  const db = new Database(studyPath, { readonly: true, fileMustExist: true });
  try {
    const raw = db.prepare('SELECT value FROM study_meta WHERE key = ?').pluck().get(RULES_META_KEY) as string | undefined;
    const rules = raw ? SequenceRuleSchema.array().parse(JSON.parse(raw)) : [...DEFAULT_SEQUENCE_RULES];
    const patientExists =
      patientCode === undefined || db.prepare('SELECT 1 FROM patient WHERE code = ?').get(patientCode) !== undefined;
    const keys = db.prepare('SELECT series_key FROM series WHERE source_folder = ?').pluck().all(folder) as string[];
    return { rules, patientExists, existingKeys: new Set(keys) };
  } finally {
    db.close();
  }
}

/**
 * Job `images.import`: scans a DICOM folder in the compute process (see dicom-folder.ts) and
 * returns the series found; the main process records them in one transaction when the job
 * succeeds (services/jobs.ts → services/images), so a failed or cancelled import writes nothing.
 */
export async function imageImportJob(rawParams: unknown, ctx: JobContext): Promise<ImagesImportResult> {
  const params = ImagesImportParamsSchema.parse(rawParams ?? {});
  const folder = path.resolve(params.folder);
  const state = readStudy(ctx.studyPath, folder, params.patientCode);
  if (!state.patientExists) {
    throw new AppError(
      'VALIDATION',
      `There is no patient "${params.patientCode}" in the cohort; add the patient first or leave the patient code empty to link by DICOM PatientID.`,
    );
  }
  try {
    return await scanDicomFolder(folder, {
      rules: state.rules,
      patientCode: params.patientCode,
      existingKeys: state.existingKeys,
      signal: ctx.signal,
      progress: (f, m) => ctx.progress(f, m),
    });
  } catch (e) {
    ctx.throwIfCancelled();
    if (e instanceof ImageFormatError) throw new AppError('VALIDATION', e.message);
    throw e;
  }
}
