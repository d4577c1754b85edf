import { z } from 'zod';
import { ApiErrorSchema } from './errors.js';
import { AnalysisRunParamsSchema, AnalysisRunResultSchema } from './analysis.js';
import { ExtractionRunParamsSchema, ExtractionRunResultSchema } from './extraction.js';
import {
  ImagesAdcParamsSchema,
  ImagesAdcResultSchema,
  ImagesImportParamsSchema,
  ImagesImportResultSchema,
  ImagesSubtractionParamsSchema,
  ImagesSubtractionResultSchema,
  ImagesTicParamsSchema,
  ImagesTicResultSchema,
} from './images.js';
import { ImagesDeidentifyParamsSchema, ImagesDeidentifyResultSchema } from './deidentify.js';
import { FilterPreviewParamsSchema, FilterPreviewResultSchema } from './filterPreview.js';
import { mutation, query } from './procedure.js';
import { SegmentationImportParamsSchema, SegmentationImportResultSchema } from './segmentation.js';

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const JobStatusSchema = z.enum(jobStatuses);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Parameters of each job kind. Every job kind is declared here, so the UI and CLI share it. */
export const StudyCheckParamsSchema = z
  .object({
    /** Folder for the backup copy; default: `backups/` beside the study file. */
    backupDir: z.string().min(1).optional(),
    /** Throttle so a workstation stays responsive while a large study is copied (MB/s). */
    maxMBps: z.number().positive().max(100_000).optional(),
  })
  .strict();
export type StudyCheckParams = z.infer<typeof StudyCheckParamsSchema>;

export const StudyCheckResultSchema = z.object({
  integrity: z.literal('ok'),
  foreignKeyViolations: z.number().int(),
  backupPath: z.string(),
  backupBytes: z.number().int(),
  pages: z.number().int(),
  sha256: z.string(),
  blockSha256: z.array(z.string()),
  verified: z.boolean(),
});
export type StudyCheckResult = z.infer<typeof StudyCheckResultSchema>;

export const jobKinds = {
  'study.check': {
    label: 'Check and back up the study file',
    params: StudyCheckParamsSchema,
    result: StudyCheckResultSchema,
  },
  'images.import': {
    label: 'Import a DICOM folder',
    params: ImagesImportParamsSchema,
    result: ImagesImportResultSchema,
  },
  'images.adc': {
    label: 'Compute ADC maps from DWI',
    params: ImagesAdcParamsSchema,
    result: ImagesAdcResultSchema,
  },
  'images.subtraction': {
    label: 'Compute DCE subtraction images',
    params: ImagesSubtractionParamsSchema,
    result: ImagesSubtractionResultSchema,
  },
  'images.tic': {
    label: 'Time–intensity curves of lesions',
    params: ImagesTicParamsSchema,
    result: ImagesTicResultSchema,
  },
  'images.deidentify': {
    label: 'Export de-identified DICOM',
    params: ImagesDeidentifyParamsSchema,
    result: ImagesDeidentifyResultSchema,
  },
  'segmentation.import': {
    label: 'Import a segmentation',
    params: SegmentationImportParamsSchema,
    result: SegmentationImportResultSchema,
  },
  'analysis.run': {
    label: 'Run an analysis',
    params: AnalysisRunParamsSchema,
    result: AnalysisRunResultSchema,
  },
  'extraction.run': {
    label: 'Extract features',
    params: ExtractionRunParamsSchema,
    result: ExtractionRunResultSchema,
  },
  'extraction.preview': {
    label: 'Preview a filtered image',
    params: FilterPreviewParamsSchema,
    result: FilterPreviewResultSchema,
  },
} as const;
export type JobKind = keyof typeof jobKinds;
export const JobKindSchema = z.enum(Object.keys(jobKinds) as [JobKind, ...JobKind[]]);

export const JobSchema = z.object({
  id: z.number().int(),
  kind: JobKindSchema,
  label: z.string(),
  status: JobStatusSchema,
  params: z.unknown(),
  /** 0..1 */
  progress: z.number().min(0).max(1),
  message: z.string().nullable(),
  etaSeconds: z.number().nullable(),
  result: z.unknown().nullable(),
  error: ApiErrorSchema.nullable(),
  attempt: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof JobSchema>;

const jobId = z.object({ id: z.number().int().positive() }).strict();

export const jobsApi = {
  'jobs.list': query(
    z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    z.array(JobSchema),
    'Jobs of the open study, newest first',
  ),
  'jobs.get': query(jobId, JobSchema, 'One job'),
  'jobs.start': mutation(
    z.object({ kind: JobKindSchema, params: z.record(z.string(), z.unknown()).default({}) }).strict(),
    JobSchema,
    'Start a job in the compute process',
  ),
  'jobs.cancel': mutation(jobId, JobSchema, 'Cancel a queued or running job (takes effect within 1 s)'),
  'jobs.resume': mutation(jobId, JobSchema, 'Run an interrupted, failed or cancelled job again'),
};
