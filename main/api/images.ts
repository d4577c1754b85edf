import { z } from 'zod';
import { SEQUENCE_KINDS } from '../compute/imaging/sequenceRules.js';
import { ImagesDeidentifyParamsSchema } from './deidentify.js';
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

/** Parameters of the `images.adc` job: ADC maps from DWI for the exams without one. */
export const ImagesAdcParamsSchema = z
  .object({
    /** DWI series (any b-value of the acquisition); default: every DWI acquisition of the study. */
    seriesIds: z.array(z.number().int().positive()).min(1).optional(),
    /** Compute even where the exam already has an ADC series. */
    force: z.boolean().default(false),
    /** Background threshold on the lowest-b image, as a fraction of its 99th percentile. */
    backgroundFraction: z.number().min(0).max(0.9).default(0.05),
    /** Upper clamp, 10⁻⁶ mm²/s. */
    maxAdc: z.number().positive().max(60000).default(5000),
  })
  .strict();
export type ImagesAdcParams = z.infer<typeof ImagesAdcParamsSchema>;

export const ImagesAdcResultSchema = ImagesImportResultSchema.extend({
  computed: z.array(
    z.object({
      dwiSeriesIds: z.array(z.number().int()),
      patientCode: z.string().nullable(),
      bValues: z.array(z.number()),
      seriesInstanceUid: z.string(),
      folder: z.string(),
      fittedVoxels: z.number().int(),
      threshold: z.number(),
    }),
  ),
  adcFailed: z.array(z.object({ name: z.string(), message: z.string() })),
  adcSkipped: z.array(z.string()),
  /** Each derived series takes the patient and lesion links of this DWI series. */
  linkTo: z.array(z.object({ seriesInstanceUid: z.string(), dwiSeriesId: z.number().int() })),
});
export type ImagesAdcResult = z.infer<typeof ImagesAdcResultSchema>;

/** Parameters of the `images.subtraction` job: post-contrast phase − pre-contrast phase per DCE acquisition. */
export const VolumeCacheStatsSchema = z.object({
  folder: z.string(),
  entries: z.number().int(),
  bytes: z.number().int(),
  limitBytes: z.number(),
  enabled: z.boolean(),
});

export const ImagesSubtractionParamsSchema = z
  .object({
    /** Post-contrast phases (1 = first after contrast; DCE2 in sequence labels). */
    phases: z.array(z.number().int().min(1).max(100)).min(1).default([1]),
    /** DCE series (any phase of the acquisition); default: every DCE acquisition. */
    seriesIds: z.array(z.number().int().positive()).min(1).optional(),
  })
  .strict();
export type ImagesSubtractionParams = z.infer<typeof ImagesSubtractionParamsSchema>;

export const ImagesSubtractionResultSchema = ImagesImportResultSchema.extend({
  computed: z.array(
    z.object({
      preSeriesId: z.number().int(),
      postSeriesId: z.number().int(),
      phase: z.number().int(),
      patientCode: z.string().nullable(),
      seriesInstanceUid: z.string(),
      folder: z.string(),
    }),
  ),
  subtractionFailed: z.array(z.object({ name: z.string(), message: z.string() })),
});
export type ImagesSubtractionResult = z.infer<typeof ImagesSubtractionResultSchema>;

export const TicTypeSchema = z.enum(['I', 'II', 'III']);

/** Parameters of the `images.tic` job: lesion time–intensity curves on the DCE series. */
export const ImagesTicParamsSchema = z
  .object({
    /** Whose DCE masks define the ROI (reader code). */
    reader: z.string().min(1).default('REF'),
    /** Lesions; default: every lesion with a DCE segmentation by that reader. */
    lesionIds: z.array(z.number().int().positive()).min(1).optional(),
    earlyWindowS: z.number().positive().max(600).default(120),
    persistentPct: z.number().positive().max(100).default(10),
    washoutPct: z.number().positive().max(100).default(10),
    /** Fraction of the mask (most enhancing early) that makes the curve; 1 = whole mask. */
    hotspotFraction: z.number().gt(0).max(1).default(1),
    /** Lesion variable to fill with the type (created if absent); null: compute only. */
    variable: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and "_"')
      .nullable()
      .default('tic_type_auto'),
    /** Replace values already in that variable (default: keep them, report them). */
    overwrite: z.boolean().default(false),
  })
  .strict();
export type ImagesTicParams = z.infer<typeof ImagesTicParamsSchema>;

export const TicCurveSchema = z.object({
  lesionId: z.number().int(),
  patientCode: z.string(),
  lesionCode: z.string(),
  segmentationId: z.number().int(),
  seriesIds: z.array(z.number().int()),
  points: z.array(z.object({ timeS: z.number(), meanSignal: z.number(), enhancementPct: z.number() })),
  earlyIndex: z.number().int(),
  initialEnhancementPct: z.number(),
  delayedChangePct: z.number(),
  type: TicTypeSchema,
  voxels: z.number().int(),
  /** How phase times were found: trigger time, acquisition time or phase order (1 min apart). */
  timing: z.enum(['trigger', 'acquisition', 'order']),
});
export type TicCurve = z.infer<typeof TicCurveSchema>;

export const ImagesTicResultSchema = z.object({
  curves: z.array(TicCurveSchema),
  failed: z.array(z.object({ lesionId: z.number().int(), name: z.string(), message: z.string() })),
  settings: z.object({
    reader: z.string(),
    earlyWindowS: z.number(),
    persistentPct: z.number(),
    washoutPct: z.number(),
    hotspotFraction: z.number(),
  }),
  variable: z.string().nullable(),
  overwrite: z.boolean(),
  /** Filled in by the main process when it records the types. */
  written: z.number().int().optional(),
  kept: z.array(z.string()).optional(),
});
export type ImagesTicResult = z.infer<typeof ImagesTicResultSchema>;

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
  'images.cache.stats': query(
    z.object({}).strict(),
    VolumeCacheStatsSchema,
    "Size of the study's cache of converted volumes (decoded series kept compressed beside the study)",
  ),
  'images.cache.clear': mutation(
    z.object({}).strict(),
    VolumeCacheStatsSchema,
    'Empty the cache of converted volumes; series are decoded from their source files again when next read',
  ),
  'images.adc': mutation(
    ImagesAdcParamsSchema,
    z.object({ jobId: z.number().int() }),
    'Compute ADC maps from the DWI series of the exams without one (a job); they are written as derived DICOM series beside the study and recorded as series',
  ),
  'images.subtraction': mutation(
    ImagesSubtractionParamsSchema,
    z.object({ jobId: z.number().int() }),
    'Compute DCE subtraction images (post-contrast phase − pre-contrast) as a job; recorded as SUB series beside the study',
  ),
  'images.tic': mutation(
    ImagesTicParamsSchema,
    z.object({ jobId: z.number().int() }),
    'Lesion time–intensity curves on the DCE phases and their type (Kuhl I/II/III) as a job; optionally written to a lesion variable of the cohort',
  ),
  'images.deidentify': mutation(
    ImagesDeidentifyParamsSchema,
    z.object({ jobId: z.number().int() }),
    'Export series as de-identified DICOM (PS3.15 basic profile; patient name and ID become the cohort code) into <outDir>/<patient>/<series>/, with a manifest CSV (a job); the output folder must be new or empty',
  ),
  'images.rules.get': query(z.object({}).strict(), z.array(SequenceRuleSchema), 'Sequence-recognition rules of the study'),
  'images.rules.set': mutation(
    z.object({ rules: z.array(SequenceRuleSchema).nullable(), reapply: z.boolean().default(true) }).strict(),
    z.object({ rules: z.array(SequenceRuleSchema), reclassified: z.number().int() }),
    'Replace the sequence-recognition rules (null: the defaults) and re-apply them to series not set by hand',
  ),
};
