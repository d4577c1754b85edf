import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { GeometrySchema } from '../../api/images.js';
import type {
  LesionRef,
  Segmentation,
  SegmentationDraft,
  SegmentationDraftSaveParams,
  SegmentationImportParams,
  SegmentationMask,
  SegmentationSaveParams,
} from '../../api/segmentation.js';
import type { CopyTarget, SegmentationCopyParams, SegmentationCopyResult } from '../../api/segmentationCopy.js';
import { decodeMask, labelRuns } from '../../compute/imaging/maskCodec.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import type { JobService } from '../jobs.js';
import type { StudyService } from '../study.js';
import { findSegmentation, getSegmentation, listSegmentations, type SegmentationFilter } from './repository.js';
import { copyTargets, copyToSeries } from './copy.js';
import { discardDraft, getDraft, labelsOf, saveDraft, saveVersion } from './versions.js';

type Slot = { lesionId: number; seriesId: number; reader: string };

/** Lesion segmentations of the open study: import (as a job), list, mask, delete. */
export class SegmentationService {
  constructor(
    private readonly study: StudyService,
    private readonly jobs: JobService,
  ) {}

  private db(write = false) {
    const h = this.study.requireHandle();
    if (write && h.readOnly)
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); segmentations cannot be changed.`,
      );
    return h.db;
  }

  /** Checks file, series, lesion and the (lesion, series, reader) slot now, then starts `segmentation.import`. */
  startImport(params: SegmentationImportParams): { jobId: number } {
    const db = this.db(true);
    const file = path.resolve(params.file);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new AppError('VALIDATION', `The segmentation file ${file} does not exist or is not a file.`, { file });
    if (!db.prepare('SELECT 1 FROM series WHERE id = ?').get(params.seriesId))
      throw new AppError(
        'NOT_FOUND',
        `There is no image series #${params.seriesId} in this study; import its DICOM folder first.`,
      );
    if (!db.prepare('SELECT 1 FROM lesion WHERE id = ?').get(params.lesionId))
      throw new AppError(
        'NOT_FOUND',
        `There is no lesion #${params.lesionId} in this study; add the lesion to the cohort first.`,
      );
    const existing = findSegmentation(db, params.lesionId, params.seriesId, params.reader);
    if (existing !== undefined)
      throw new AppError(
        'VALIDATION',
        `Lesion #${params.lesionId} already has a segmentation by reader ${params.reader} on series #${params.seriesId} (#${existing}); delete it first to import ${file} instead.`,
      );
    const job = this.jobs.start('segmentation.import', { ...params, file });
    return { jobId: job.id };
  }

  list(filter: SegmentationFilter): Segmentation[] {
    return listSegmentations(this.db(), filter);
  }

  lesions(): LesionRef[] {
    return this.db()
      .prepare(
        'SELECT l.id, p.code AS patientCode, l.code AS lesionCode FROM lesion l JOIN patient p ON p.id = l.patient_id ORDER BY p.code, l.code',
      )
      .all() as LesionRef[];
  }

  /** The stored mask on its series grid. */
  mask(id: number): SegmentationMask {
    const db = this.db();
    const row = db
      .prepare('SELECT g.mask, g.labels, s.geometry FROM segmentation g JOIN series s ON s.id = g.series_id WHERE g.id = ?')
      .get(id) as { mask: Buffer; labels: string; geometry: string } | undefined;
    if (!row) throw new AppError('NOT_FOUND', `There is no segmentation #${id} in this study.`);
    const geometry = GeometrySchema.parse(JSON.parse(row.geometry));
    const n = geometry.size[0] * geometry.size[1] * geometry.size[2];
    const { runs, values } = labelRuns(decodeMask(new Uint8Array(row.mask), n));
    return { id, geometry, runs, values, labels: labelsOf(row.labels) };
  }

  delete(id: number): { deleted: number } {
    const db = this.db(true);
    const before = getSegmentation(db, id);
    if (!before) throw new AppError('NOT_FOUND', `There is no segmentation #${id} in this study.`);
    db.transaction(() => {
      db.prepare('DELETE FROM segmentation WHERE id = ?').run(id);
      appendAudit(db, { actor: 'user', action: 'segmentation.delete', entity: 'segmentation', entityId: id, before });
    })();
    return { deleted: 1 };
  }

  /** A mask drawn in the viewer, saved as the next version of its slot (see versions.ts). */
  save(params: SegmentationSaveParams): Segmentation {
    return saveVersion(this.db(true), params);
  }

  saveDraft(params: SegmentationDraftSaveParams): { updatedAt: string } {
    return saveDraft(this.db(true), params);
  }

  draft(slot: Slot): SegmentationDraft | null {
    return getDraft(this.db(), slot);
  }

  discardDraft(slot: Slot): { discarded: number } {
    return discardDraft(this.db(true), slot);
  }

  /** Series of the same exam a segmentation can be copied to (see copy.ts). */
  copyTargets(id: number): CopyTarget[] {
    return copyTargets(this.db(), id);
  }

  copyToSeries(params: SegmentationCopyParams): SegmentationCopyResult {
    return copyToSeries(this.db(true), params);
  }
}
