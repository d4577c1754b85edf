import { z } from 'zod';
import { SEQUENCE_KINDS } from '../compute/imaging/sequenceRules.js';
import { mutation, query } from './procedure.js';

export { SEQUENCE_KINDS };
export const SequenceKindSchema = z.enum(SEQUENCE_KINDS);
export type SequenceKindName = z.infer<typeof SequenceKindSchema>;

const regex = z
  .string()
  .min(1)
  .refine(
    (s) => {
      try {
        new RegExp(s, 'i');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

/** One sequence-recognition rule (main/compute/imaging/sequenceRules.ts); first match wins. */
export const SequenceRuleSchema = z
  .object({
    name: z.string().min(1),
    kind: SequenceKindSchema,
    text: regex.optional(),
    description: regex.optional(),
    protocolName: regex.optional(),
    scanningSequence: regex.optional(),
    sequenceVariant: regex.optional(),
    imageType: regex.optional(),
    modality: regex.optional(),
    hasBValue: z.boolean().optional(),
    multiplePhases: z.boolean().optional(),
    contrast: z.boolean().optional(),
  })
  .strict();
export type SequenceRuleDto = z.infer<typeof SequenceRuleSchema>;

export const GeometrySchema = z.object({
  size: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  spacingMm: z.tuple([z.number(), z.number(), z.number()]),
  originMm: z.tuple([z.number(), z.number(), z.number()]),
  direction: z.array(z.number()).length(9),
});

/** Header attributes that sequence recognition looks at, kept so rules can be re-applied. */
export const SeriesAttributesSchema = z.object({
  modality: z.string().optional(),
  description: z.string().optional(),
  protocolName: z.string().optional(),
  sequenceName: z.string().optional(),
  scanningSequence: z.string().optional(),
  sequenceVariant: z.string().optional(),
  imageType: z.string().optional(),
  contrastAgent: z.string().optional(),
  bValues: z.array(z.number()).optional(),
  temporalPositions: z.number().int().optional(),
});

export const ImportedFileSchema = z.object({
  /** Path relative to the import folder, "/"-separated. */
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});

export const ImportedSeriesSchema = z.object({
  /** Unique per volume: SeriesInstanceUID, "#n" for a split stack, "@c" for a component. */
  key: z.string(),
  seriesInstanceUid: z.string(),
  studyInstanceUid: z.string().nullable(),
  dicomPatientId: z.string().nullable(),
  modality: z.string().nullable(),
  seriesNumber: z.number().int().nullable(),
  description: z.string().nullable(),
  attributes: SeriesAttributesSchema,
  kind: SequenceKindSchema,
  rule: z.string().nullable(),
  bValue: z.number().nullable(),
  phase: z.number().int().nonnegative().nullable(),
  /** Component of a stacked series (several phases or b-values per position), 0-based. */
  component: z.number().int().nonnegative(),
  components: z.number().int().positive(),
  geometry: GeometrySchema,
  /** Source files in volume order. Emptied in the stored job result once recorded (see series_file). */
  files: z.array(ImportedFileSchema),
  warnings: z.array(z.string()),
});
export type ImportedSeries = z.infer<typeof ImportedSeriesSchema>;

export const ImagesImportParamsSchema = z
  .object({
    folder: z.string().min(1),
    /** Link every series to this cohort patient; default: the patient whose code is the DICOM PatientID. */
    patientCode: z.string().min(1).optional(),
  })
  .strict();
export type ImagesImportParams = z.infer<typeof ImagesImportParamsSchema>;

export const ImagesImportResultSchema = z.object({
  folder: z.string(),
  patientCode: z.string().nullable(),
  filesScanned: z.number().int(),
  dicomImages: z.number().int(),
  bytes: z.number().int(),
  elapsedMs: z.number(),
  /** Files that are not DICOM images (other files, DICOMDIR, RTSTRUCT…), with the reason. */
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** Series that could not be imported (truncated file, unsupported syntax…); the others were. */
  failed: z.array(
    z.object({
      seriesInstanceUid: z.string(),
      description: z.string().nullable(),
      file: z.string().nullable(),
      message: z.string(),
    }),
  ),
  /** Series already in the study (same key and source folder); not imported again. */
  alreadyImported: z.array(z.string()),
  series: z.array(ImportedSeriesSchema),
});
export type ImagesImportResult = z.infer<typeof ImagesImportResultSchema>;

export const SeriesSchema = z.object({
  id: z.number().int(),
  importId: z.number().int(),
  patientId: z.number().int().nullable(),
  patientCode: z.string().nullable(),
  lesionId: z.number().int().nullable(),
  key: z.string(),
  seriesInstanceUid: z.string(),
  studyInstanceUid: z.string().nullable(),
  dicomPatientId: z.string().nullable(),
  modality: z.string().nullable(),
  seriesNumber: z.number().int().nullable(),
  description: z.string().nullable(),
  kind: SequenceKindSchema,
  kindSource: z.enum(['rule', 'manual']),
  rule: z.string().nullable(),
  bValue: z.number().nullable(),
  phase: z.number().int().nullable(),
  component: z.number().int(),
  components: z.number().int(),
  geometry: GeometrySchema,
  sourceFolder: z.string(),
  fileCount: z.number().int(),
  bytes: z.number().int(),
  warnings: z.array(z.string()),
  createdAt: z.string(),
});
export type Series = z.infer<typeof SeriesSchema>;

export const VerifyResultSchema = z.object({
  checkedSeries: z.number().int(),
  checkedFiles: z.number().int(),
  ok: z.boolean(),
  missing: z.array(z.object({ seriesId: z.number().int(), path: z.string() })),
  changed: z.array(z.object({ seriesId: z.number().int(), path: z.string() })),
});
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

const seriesId = z.number().int().positive();

export const imagesApi = {
  'images.import': mutation(
    ImagesImportParamsSchema,
    z.object({ jobId: z.number().int() }),
    'Import a DICOM folder (recursive) as a job; series are recorded when it succeeds',
  ),
  'images.series.list': query(
    z.object({ patientId: z.number().int().positive().optional() }).strict(),
    z.array(SeriesSchema),
    'Image series of the study (optionally of one patient)',
  ),
  'images.series.setKind': mutation(
    z
      .object({
        id: seriesId,
        kind: SequenceKindSchema,
        bValue: z.number().nonnegative().nullable().optional(),
        phase: z.number().int().nonnegative().nullable().optional(),
      })
      .strict(),
    SeriesSchema,
    'Override the recognised sequence kind of a series (kept when rules are re-applied)',
  ),
  'images.series.link': mutation(
    z
      .object({
        id: seriesId,
        /** Cohort patient code; null unlinks. */
        patientCode: z.string().min(1).nullable(),
        /** Lesion code of that patient; null or absent: no lesion. */
        lesionCode: z.string().min(1).nullable().optional(),
      })
      .strict(),
    SeriesSchema,
    'Link a series to a cohort patient (and optionally one of their lesions), or unlink it',
  ),
  'images.verify': query(
    z.object({ seriesId: seriesId.optional() }).strict(),
    VerifyResultSchema,
    'Re-hash the source files of the series (all or one) and list moved or changed files',
  ),
  'images.relink': mutation(
    z.object({ from: z.string().min(1), to: z.string().min(1) }).strict(),
    z.object({ series: z.number().int(), files: z.number().int() }),
    'Point the series imported from a folder (or its sub-folders) at the folder they moved to; every file is checked by size and SHA-256 first, and nothing changes unless all match',
  ),
  'images.rules.get': query(z.object({}).strict(), z.array(SequenceRuleSchema), 'Sequence-recognition rules of the study'),
  'images.rules.set': mutation(
    z.object({ rules: z.array(SequenceRuleSchema).nullable(), reapply: z.boolean().default(true) }).strict(),
    z.object({ rules: z.array(SequenceRuleSchema), reclassified: z.number().int() }),
    'Replace the sequence-recognition rules (null: the defaults) and re-apply them to series not set by hand',
  ),
};
