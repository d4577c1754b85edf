import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import type {
  ImagesAdcParams,
  ImagesImportParams,
  ImagesTicParams,
  ImagesSubtractionParams,
  Series,
  SequenceRuleDto,
  VerifyResult,
} from '../../api/images.js';
import { SequenceRuleSchema, SeriesAttributesSchema } from '../../api/images.js';
import { DEID_SECRET_META_KEY, type ImagesDeidentifyParams } from '../../api/deidentify.js';
import { DEFAULT_SEQUENCE_RULES, recognizeSequence } from '../../compute/imaging/sequenceRules.js';
import { RULES_META_KEY } from '../../compute/jobs/image-import.js';
import { studyVolumeCache, type VolumeCacheStats } from '../../compute/imaging/volumeCache.js';
import { assertEmptyOutput } from '../../compute/jobs/deidentify-export.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { readMeta, writeMeta } from '../../../db/repositories/meta.js';
import type { JobService } from '../jobs.js';
import type { StudyService } from '../study.js';
import { getSeries, listSeries, seriesFiles } from './repository.js';

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Image series of the open study: import (as a job), list, kind override, rules, verification. */
export class ImagesService {
  constructor(
    private readonly study: StudyService,
    private readonly jobs: JobService,
  ) {}

  private db(write = false) {
    const h = this.study.requireHandle();
    if (write && h.readOnly)
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); image series cannot be changed.`,
      );
    return h.db;
  }

  /** Checks the folder and patient now (a clear message before any job starts), then starts `images.import`. */
  startImport(params: ImagesImportParams): { jobId: number } {
    const db = this.db(true);
    const folder = path.resolve(params.folder);
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new AppError('VALIDATION', `The folder ${folder} does not exist or is not a folder.`, { folder });
    if (params.patientCode !== undefined && !db.prepare('SELECT 1 FROM patient WHERE code = ?').get(params.patientCode))
      throw new AppError(
        'VALIDATION',
        `There is no patient "${params.patientCode}" in the cohort; add the patient first or leave the patient code empty to link by DICOM PatientID.`,
      );
    const job = this.jobs.start('images.import', { ...params, folder });
    return { jobId: job.id };
  }

  /** Starts `images.adc` (ADC maps from DWI) after checking the study can be written. */
  startAdc(params: ImagesAdcParams): { jobId: number } {
    this.db(true);
    return { jobId: this.jobs.start('images.adc', params).id };
  }

  /**
   * Starts `images.deidentify` after checking the output folder is new or empty and the series
   * exist; creates the study's de-identification secret on first use (kept in the study file,
   * so later exports give the same pseudonymous UIDs).
   */
  startDeidentify(params: ImagesDeidentifyParams): { jobId: number } {
    const db = this.db(true);
    const outDir = path.resolve(params.outDir);
    assertEmptyOutput(outDir);
    if (params.seriesIds) {
      const missing = params.seriesIds.filter((id) => !db.prepare('SELECT 1 FROM series WHERE id = ?').get(id));
      if (missing.length > 0)
        throw new AppError('NOT_FOUND', `Series ${missing.map((id) => `#${id}`).join(', ')} are not in this study.`);
    }
    if (!readMeta(db)[DEID_SECRET_META_KEY]) writeMeta(db, DEID_SECRET_META_KEY, randomBytes(32).toString('hex'));
    return { jobId: this.jobs.start('images.deidentify', { ...params, outDir }).id };
  }

  /** Starts `images.subtraction` (DCE post − pre) after checking the study can be written. */
  startSubtraction(params: ImagesSubtractionParams): { jobId: number } {
    this.db(true);
    return { jobId: this.jobs.start('images.subtraction', params).id };
  }

  /** Starts `images.tic` after checking the variable it would fill can hold TIC types. */
  startTic(params: ImagesTicParams): { jobId: number } {
    const db = this.db(true);
    if (params.variable !== null) {
      const v = db.prepare('SELECT scope, type FROM variable WHERE name = ?').get(params.variable) as
        { scope: string; type: string } | undefined;
      if (v && (v.scope !== 'lesion' || (v.type !== 'ordinal' && v.type !== 'categorical')))
        throw new AppError(
          'VALIDATION',
          `Variable "${params.variable}" is a ${v.scope} ${v.type} variable; TIC types need a lesion variable with levels I, II and III.`,
        );
    }
    return { jobId: this.jobs.start('images.tic', params).id };
  }

  list(patientId?: number): Series[] {
    return listSeries(this.db(), patientId);
  }

  setKind(input: {
    id: number;
    kind: Series['kind'];
    bValue?: number | null | undefined;
    phase?: number | null | undefined;
  }): Series {
    const db = this.db(true);
    const before = getSeries(db, input.id);
    if (!before) throw new AppError('NOT_FOUND', `There is no image series #${input.id} in this study.`);
    db.transaction(() => {
      db.prepare(
        `UPDATE series SET kind = ?, kind_source = 'manual', rule = NULL,
           b_value = CASE WHEN ? THEN ? ELSE b_value END, phase = CASE WHEN ? THEN ? ELSE phase END WHERE id = ?`,
      ).run(
        input.kind,
        input.bValue !== undefined ? 1 : 0,
        input.bValue ?? null,
        input.phase !== undefined ? 1 : 0,
        input.phase ?? null,
        input.id,
      );
      const after = getSeries(db, input.id)!;
      appendAudit(db, {
        actor: 'user',
        action: 'images.series.setKind',
        entity: 'series',
        entityId: input.id,
        before: { kind: before.kind, kindSource: before.kindSource, bValue: before.bValue, phase: before.phase },
        after: { kind: after.kind, kindSource: after.kindSource, bValue: after.bValue, phase: after.phase },
      });
    })();
    return getSeries(db, input.id)!;
  }

  link(input: { id: number; patientCode: string | null; lesionCode?: string | null | undefined }): Series {
    const db = this.db(true);
    const before = getSeries(db, input.id);
    if (!before) throw new AppError('NOT_FOUND', `There is no image series #${input.id} in this study.`);
    let patientId: number | null = null;
    let lesionId: number | null = null;
    if (input.patientCode !== null) {
      patientId =
        (db.prepare('SELECT id FROM patient WHERE code = ?').pluck().get(input.patientCode) as number | undefined) ?? null;
      if (patientId === null) throw new AppError('VALIDATION', `There is no patient "${input.patientCode}" in the cohort.`);
      if (input.lesionCode) {
        lesionId =
          (db.prepare('SELECT id FROM lesion WHERE patient_id = ? AND code = ?').pluck().get(patientId, input.lesionCode) as
            number | undefined) ?? null;
        if (lesionId === null)
          throw new AppError('VALIDATION', `Patient "${input.patientCode}" has no lesion "${input.lesionCode}".`);
      }
    } else if (input.lesionCode) {
      throw new AppError('VALIDATION', 'A lesion can only be linked together with its patient.');
    }
    db.transaction(() => {
      db.prepare('UPDATE series SET patient_id = ?, lesion_id = ? WHERE id = ?').run(patientId, lesionId, input.id);
      appendAudit(db, {
        actor: 'user',
        action: 'images.series.link',
        entity: 'series',
        entityId: input.id,
        before: { patientId: before.patientId, lesionId: before.lesionId },
        after: { patientId, lesionId },
      });
    })();
    return getSeries(db, input.id)!;
  }

  rules(): SequenceRuleDto[] {
    const raw = readMeta(this.db())[RULES_META_KEY];
    return raw ? SequenceRuleSchema.array().parse(JSON.parse(raw)) : [...DEFAULT_SEQUENCE_RULES];
  }

  /**
   * Stores the rules (null: back to the defaults) and re-classifies series whose kind came from
   * a rule; manual overrides stay. DCE phase numbers are kept (they come from the import).
   */
  setRules(rules: SequenceRuleDto[] | null, reapply: boolean): { rules: SequenceRuleDto[]; reclassified: number } {
    const db = this.db(true);
    let reclassified = 0;
    db.transaction(() => {
      if (rules === null) db.prepare('DELETE FROM study_meta WHERE key = ?').run(RULES_META_KEY);
      else writeMeta(db, RULES_META_KEY, JSON.stringify(rules));
      const effective = rules ?? [...DEFAULT_SEQUENCE_RULES];
      if (reapply) {
        const rows = db.prepare("SELECT id, attributes, kind FROM series WHERE kind_source = 'rule'").all() as {
          id: number;
          attributes: string;
          kind: string;
        }[];
        const update = db.prepare('UPDATE series SET kind = ?, rule = ? WHERE id = ?');
        for (const r of rows) {
          const a = SeriesAttributesSchema.parse(JSON.parse(r.attributes));
          const got = recognizeSequence(a, effective);
          if (got.kind !== r.kind) reclassified++;
          update.run(got.kind, got.rule, r.id);
        }
      }
      appendAudit(db, {
        actor: 'user',
        action: 'images.rules.set',
        entity: 'study_meta',
        entityId: RULES_META_KEY,
        after: { rules, reclassified },
      });
    })();
    return { rules: this.rules(), reclassified };
  }

  /** Re-hashes every source file (or one series'): missing and changed files are listed; nothing is written. */
  async verify(seriesId?: number): Promise<VerifyResult> {
    const db = this.db();
    if (seriesId !== undefined && !getSeries(db, seriesId))
      throw new AppError('NOT_FOUND', `There is no image series #${seriesId} in this study.`);
    const files = seriesFiles(db, seriesId);
    const missing: VerifyResult['missing'] = [];
    const changed: VerifyResult['changed'] = [];
    const seen = new Set<number>();
    for (const f of files) {
      seen.add(f.series_id);
      const abs = path.join(f.source_folder, ...f.path.split('/'));
      if (!existsSync(abs)) {
        missing.push({ seriesId: f.series_id, path: abs });
        continue;
      }
      if (statSync(abs).size !== f.bytes || (await sha256File(abs)) !== f.sha256)
        changed.push({ seriesId: f.series_id, path: abs });
    }
    return {
      checkedSeries: seriesId === undefined ? (db.prepare('SELECT count(*) FROM series').pluck().get() as number) : seen.size,
      checkedFiles: files.length,
      ok: missing.length === 0 && changed.length === 0,
      missing,
      changed,
    };
  }

  /** Moves the series of folder `from` (and its sub-folders) to `to`, after checking every file there. */
  async relink(fromDir: string, toDir: string): Promise<{ series: number; files: number }> {
    const db = this.db(true);
    const from = path.resolve(fromDir);
    const to = path.resolve(toDir);
    if (!existsSync(to) || !statSync(to).isDirectory())
      throw new AppError('VALIDATION', `${to} is not a folder; give the folder the images were moved to.`);
    const series = (db.prepare('SELECT id, source_folder FROM series').all() as { id: number; source_folder: string }[]).filter(
      (s) => s.source_folder === from || s.source_folder.startsWith(from + path.sep),
    );
    if (series.length === 0)
      throw new AppError('NOT_FOUND', `No series of this study was imported from ${from} or a folder inside it.`);
    const moved = new Map(series.map((s) => [s.id, path.join(to, path.relative(from, s.source_folder))]));
    const missing: string[] = [];
    const changed: string[] = [];
    let files = 0;
    for (const s of series) {
      for (const f of seriesFiles(db, s.id)) {
        files++;
        const abs = path.join(moved.get(s.id)!, ...f.path.split('/'));
        if (!existsSync(abs)) missing.push(abs);
        else if (statSync(abs).size !== f.bytes || (await sha256File(abs)) !== f.sha256) changed.push(abs);
      }
    }
    if (missing.length || changed.length) {
      const list = (xs: string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? ` and ${xs.length - 5} more` : '');
      throw new AppError(
        'VALIDATION',
        `Nothing was relinked: of ${files} files of ${series.length} series, ${missing.length} are missing under ${to}${missing.length ? ` (${list(missing)})` : ''} and ${changed.length} differ from the imported ones${changed.length ? ` (${list(changed)})` : ''}.`,
        { missing, changed },
      );
    }
    db.transaction(() => {
      const upd = db.prepare('UPDATE series SET source_folder = ? WHERE id = ?');
      for (const [id, folder] of moved) upd.run(folder, id);
      db.prepare('UPDATE image_import SET folder = ? WHERE folder = ?').run(to, from);
      appendAudit(db, {
        actor: 'user',
        action: 'images.relink',
        entity: 'series',
        before: { folder: from },
        after: { folder: to, series: series.length, files },
      });
    })();
    return { series: series.length, files };
  }

  /** Size of the study's cache of converted volumes (`<study>-cache/volumes`). */
  cacheStats(): VolumeCacheStats {
    return studyVolumeCache(this.study.requireHandle().path).stats();
  }

  /** Empties the cache of converted volumes; the next reads decode the source files again. */
  clearCache(): VolumeCacheStats {
    const before = this.cacheStats();
    const after = studyVolumeCache(this.study.requireHandle().path).clear();
    appendAudit(this.db(true), {
      actor: 'user',
      action: 'images.cache.clear',
      entity: 'series',
      before: { entries: before.entries, bytes: before.bytes },
      after: { entries: after.entries, bytes: after.bytes },
    });
    return after;
  }
}
