/**
 * What the derived-image jobs record when they succeed (inside the job's transaction):
 * - `images.adc`: the derived ADC series as an import, each linked to its DWI series' patient
 *   and lesion;
 * - `images.tic`: the TIC types in a lesion variable of the cohort (created if absent), values
 *   already there kept unless the job was asked to overwrite them; every write audited.
 */
import type Database from 'better-sqlite3';
import { VariableDefSchema } from '../../api/cohort.js';
import type { ImagesAdcResult, ImagesSubtractionResult, ImagesTicResult } from '../../api/images.js';
import { saveVariable } from '../cohort/dictionary.js';
import { setValue } from '../cohort/edit.js';
import { listVariables } from '../cohort/repository.js';
import { recordImport } from './repository.js';

export function recordAdc(db: Database.Database, result: ImagesAdcResult, jobId: number): void {
  recordImport(db, result, jobId);
  const link = db.prepare(
    `UPDATE series SET patient_id = (SELECT patient_id FROM series WHERE id = @dwi), lesion_id = (SELECT lesion_id FROM series WHERE id = @dwi)
      WHERE source_folder = @folder AND series_instance_uid = @uid`,
  );
  for (const l of result.linkTo) link.run({ dwi: l.dwiSeriesId, folder: result.folder, uid: l.seriesInstanceUid });
}

/** The subtraction series as an import, each with the post phase as its phase and the DCE series' patient and lesion. */
export function recordSubtraction(db: Database.Database, result: ImagesSubtractionResult, jobId: number): void {
  recordImport(db, result, jobId);
  const link = db.prepare(
    `UPDATE series SET kind = 'SUB', phase = @phase, patient_id = (SELECT patient_id FROM series WHERE id = @post),
            lesion_id = (SELECT lesion_id FROM series WHERE id = @post)
      WHERE source_folder = @folder AND series_instance_uid = @uid`,
  );
  for (const c of result.computed)
    link.run({ phase: c.phase, post: c.postSeriesId, folder: result.folder, uid: c.seriesInstanceUid });
}

const TIC_LEVELS = [
  { code: 'I', label: 'I (persistent)' },
  { code: 'II', label: 'II (plateau)' },
  { code: 'III', label: 'III (washout)' },
];

export function recordTic(db: Database.Database, result: ImagesTicResult, jobId: number): void {
  let written = 0;
  const kept: string[] = [];
  const name = result.variable;
  if (name !== null && result.curves.length > 0) {
    const actor = `radstudy (TIC job #${jobId})`;
    let variable = listVariables(db).find((v) => v.name === name);
    if (!variable) {
      const s = result.settings;
      variable = saveVariable(
        db,
        VariableDefSchema.parse({
          name,
          label: 'TIC type (computed)',
          type: 'ordinal',
          levels: TIC_LEVELS,
          role: 'predictor',
          scope: 'lesion',
          group: 'MRI',
          description: `Kuhl type from the mean DCE curve of reader ${s.reader}'s masks${s.hotspotFraction < 1 ? ` (hotspot: the ${Math.round(s.hotspotFraction * 100)} % most enhancing voxels)` : ''}; early phase: peak within ${s.earlyWindowS} s; persistent above +${s.persistentPct} %, washout below −${s.washoutPct} %.`,
        }),
        actor,
      );
    }
    if (
      variable.scope !== 'lesion' ||
      !variable.levels ||
      !['I', 'II', 'III'].every((c) => variable.levels!.some((l) => l.code === c))
    )
      throw new Error(
        `Variable "${name}" is not a lesion variable with levels I, II and III; choose another variable for the TIC types.`,
      );
    const current = db
      .prepare('SELECT txt FROM lesion_value WHERE lesion_id = ? AND variable_id = ? AND missing_code IS NULL')
      .pluck();
    for (const c of result.curves) {
      const before = current.get(c.lesionId, variable.id) as string | null | undefined;
      if (before !== undefined && before !== null && !result.overwrite) {
        if (before !== c.type) kept.push(`${c.patientCode}/${c.lesionCode}: kept ${before}, computed ${c.type}`);
        continue;
      }
      setValue(db, { patientCode: c.patientCode, lesionCode: c.lesionCode, variable: name, value: c.type }, actor);
      written++;
    }
  }
  db.prepare('UPDATE job SET result = ? WHERE id = ?').run(JSON.stringify({ ...result, written, kept }), jobId);
}
