import { z } from 'zod';
import { mutation, query } from './procedure.js';

/**
 * The sequence a series is, as a feature-name prefix: `T2FS`, `DWI800` (b-value), `ADC`,
 * `DCE1`…`DCE7` (phase numbered from 1 with the pre-contrast series as 1, as the seed papers
 * count them), `SUB1` (subtraction k), `T1`, `T2`, `OTHER`.
 */
export function sequenceLabel(kind: string, bValue: number | null, phase: number | null): string {
  switch (kind) {
    case 'T2_FS':
      return 'T2FS';
    case 'DWI':
      return bValue === null ? 'DWI' : `DWI${Math.round(bValue)}`;
    case 'DCE':
      return phase === null ? 'DCE' : `DCE${phase + 1}`;
    case 'SUB':
      return phase === null ? 'SUB' : `SUB${phase}`;
    default:
      return kind;
  }
}

const SequenceLabelSchema = z.string().regex(/^[A-Z][A-Z0-9]*$/, 'a sequence label such as T2FS, DWI800, ADC or DCE3');
const ReaderCodeSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/);

/** Which segmentations an extraction runs over; empty lists mean every reader / sequence. */
export const ExtractionSelectionSchema = z
  .object({
    readers: z.array(ReaderCodeSchema).default([]),
    sequences: z.array(SequenceLabelSchema).default([]),
  })
  .strict();
export type ExtractionSelection = z.infer<typeof ExtractionSelectionSchema>;

export const ExtractionCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    /** A PyRadiomics YAML parameter file (RadStudy's `preprocessing` section allowed). */
    paramsText: z.string().max(200_000),
    selection: ExtractionSelectionSchema.default({ readers: [], sequences: [] }),
  })
  .strict();
export type ExtractionCreate = z.infer<typeof ExtractionCreateSchema>;

/** Parameters of the `extraction.run` job: the extraction row to fill (resumable). */
export const ExtractionRunParamsSchema = z.object({ extractionId: z.number().int().positive() }).strict();
export type ExtractionRunParams = z.infer<typeof ExtractionRunParamsSchema>;

export const ExtractionRunResultSchema = z.object({
  extractionId: z.number().int(),
  /** Cases in the selection, cases done before this run (resume), computed now, failed now. */
  total: z.number().int(),
  alreadyDone: z.number().int(),
  computed: z.number().int(),
  failed: z.number().int(),
  featureCount: z.number().int(),
  elapsedMs: z.number(),
});
export type ExtractionRunResult = z.infer<typeof ExtractionRunResultSchema>;

/** One finished case, sent by the job as it goes and stored at once (compute → main). */
export const FeatureRowRecordSchema = z.object({
  segmentationId: z.number().int(),
  imageSha256: z.string().length(64),
  maskSha256: z.string().length(64),
  names: z.array(z.string()).optional(),
  /** Base64 of the float64 little-endian values, in name-table order. */
  valuesBase64: z.string().optional(),
  diagnostics: z.record(z.string(), z.string()),
  error: z.string().optional(),
  elapsedMs: z.number().nonnegative(),
});
export type FeatureRowRecord = z.infer<typeof FeatureRowRecordSchema>;

export const ExtractionSequenceSchema = z.object({
  label: SequenceLabelSchema,
  kind: z.string(),
  series: z.number().int(),
  /** Segmentations on series of this sequence, by reader. */
  segmentations: z.record(z.string(), z.number().int()),
});
export type ExtractionSequence = z.infer<typeof ExtractionSequenceSchema>;

export const ExtractionSummarySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  selection: ExtractionSelectionSchema,
  paramsText: z.string(),
  paramsSha256: z.string(),
  engine: z.string(),
  imageTypes: z.array(z.string()),
  featureCount: z.number().int(),
  /** Segmentations the selection holds now, rows stored, failed rows, rows whose image or mask changed since. */
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  stale: z.number().int(),
  status: z.enum(['running', 'complete', 'incomplete']),
  jobId: z.number().int().nullable(),
  createdAt: z.string(),
});
export type ExtractionSummary = z.infer<typeof ExtractionSummarySchema>;

const TableQuerySchema = z
  .object({
    id: z.number().int().positive(),
    /** Rows of one reader only (the wide table has one row per lesion × reader). */
    reader: ReaderCodeSchema.optional(),
    /** Case-insensitive substring or /regex/ on the column names. */
    columns: z.string().max(500).optional(),
    columnOffset: z.number().int().nonnegative().default(0),
    columnLimit: z.number().int().min(1).max(5000).default(200),
  })
  .strict();

export const FeatureTableSchema = z.object({
  /** Every matching feature column (sequence-prefixed: `DCE3_original_glcm_Contrast`). */
  columns: z.array(z.string()),
  columnOffset: z.number().int(),
  rows: z.array(
    z.object({
      patientCode: z.string(),
      lesionCode: z.string(),
      reader: z.string(),
      /** Values of columns[columnOffset …] (null: missing, failed or not finite). */
      values: z.array(z.number().nullable()),
    }),
  ),
  /** Per-sequence ROI diagnostics: grey levels after discretisation and warnings. */
  diagnostics: z.array(
    z.object({
      patientCode: z.string(),
      lesionCode: z.string(),
      reader: z.string(),
      sequence: z.string(),
      voxels: z.number().int().nullable(),
      grayLevels: z.number().int().nullable(),
      warnings: z.string(),
    }),
  ),
  failures: z.array(
    z.object({
      segmentationId: z.number().int(),
      patientCode: z.string(),
      lesionCode: z.string(),
      reader: z.string(),
      sequence: z.string(),
      error: z.string(),
    }),
  ),
});
export type FeatureTable = z.infer<typeof FeatureTableSchema>;

const extractionId = z.object({ id: z.number().int().positive() }).strict();

export const ParameterPresetSchema = z.object({ file: z.string(), title: z.string(), text: z.string() });
export type ParameterPreset = z.infer<typeof ParameterPresetSchema>;

export const extractionApi = {
  'extraction.presets': query(
    z.object({}).strict(),
    z.array(ParameterPresetSchema),
    'The parameter files shipped with RadStudy (assets/params), as starting points',
  ),
  'extraction.sequences': query(
    z.object({}).strict(),
    z.array(ExtractionSequenceSchema),
    'Sequences of the study that have segmentations (labels used as feature-name prefixes), with counts per reader',
  ),
  'extraction.create': mutation(
    ExtractionCreateSchema,
    z.object({ id: z.number().int(), jobId: z.number().int(), total: z.number().int() }),
    'Create an extraction (parameter file × selection) and start the job filling it',
  ),
  'extraction.run': mutation(
    extractionId,
    z.object({ jobId: z.number().int() }),
    'Run an extraction again: computes the cases not stored yet, failed ones and ones whose image or mask changed',
  ),
  'extraction.list': query(z.object({}).strict(), z.array(ExtractionSummarySchema), 'Extractions of the study'),
  'extraction.table': query(
    TableQuerySchema,
    FeatureTableSchema,
    'The feature table of an extraction: one row per lesion × reader, sequence-prefixed columns (a window of them)',
  ),
  'extraction.export': mutation(
    z
      .object({
        id: z.number().int().positive(),
        path: z.string().min(1),
        reader: ReaderCodeSchema.optional(),
        /** Add the cohort's variables of each lesion (and its patient) before the features. */
        includeCohort: z.boolean().default(true),
      })
      .strict(),
    z.object({ path: z.string(), rows: z.number().int(), columns: z.number().int(), sha256: z.string() }),
    'Write the feature table as CSV or XLSX (by the file extension), optionally joined with the cohort',
  ),
  'extraction.delete': mutation(extractionId, z.object({ deleted: z.number().int() }), 'Delete an extraction and its rows'),
};
