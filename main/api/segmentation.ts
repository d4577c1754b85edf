import { z } from 'zod';
import { GeometrySchema } from './images.js';
import { mutation, query } from './procedure.js';

export const segmentationFormats = ['nifti', 'nrrd', 'seg.nrrd', 'dicom-seg', 'rtstruct'] as const;
export const SegmentationFormatSchema = z.enum(segmentationFormats);
export type SegmentationFormat = z.infer<typeof SegmentationFormatSchema>;

/** Where a stored mask came from: an imported file format, or drawn in RadStudy's editor. */
export const SegmentationSourceSchema = z.enum([...segmentationFormats, 'editor']);
export type SegmentationSource = z.infer<typeof SegmentationSourceSchema>;

export const segmentationStatuses = ['in_progress', 'done', 'needs_review'] as const;
export const SegmentationStatusSchema = z.enum(segmentationStatuses);
export type SegmentationStatus = z.infer<typeof SegmentationStatusSchema>;

/** Reader code as the dual-reader workflow names them ('R1', 'R2', …). */
const ReaderSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-" (e.g. R1)');

/**
 * Parameters of the `segmentation.import` job. Which part of the file is the lesion:
 * `label` (labelmap voxel value or DICOM SEG segment number), `segment` (Slicer or DICOM SEG
 * segment name or id) or `roi` (RTSTRUCT ROI name or number), at most one of them, imported as
 * label 1. Without one, every label of the file is imported (docs/segmentation import rules).
 */
export const SegmentationImportParamsSchema = z
  .object({
    file: z.string().min(1),
    seriesId: z.number().int().positive(),
    lesionId: z.number().int().positive(),
    reader: ReaderSchema.default('R1'),
    label: z.number().int().min(1).max(65535).optional(),
    segment: z.string().min(1).optional(),
    roi: z.string().min(1).optional(),
  })
  .strict()
  .refine((p) => [p.label, p.segment, p.roi].filter((x) => x !== undefined).length <= 1, {
    message: 'give at most one of label, segment or roi',
  });
export type SegmentationImportParams = z.infer<typeof SegmentationImportParamsSchema>;

const BboxSchema = z.tuple([
  z.number().int(),
  z.number().int(),
  z.number().int(),
  z.number().int(),
  z.number().int(),
  z.number().int(),
]);

/** One label of a labelmap: its voxel value, name and display colour. */
export const SegmentLabelSchema = z
  .object({
    value: z.number().int().min(1).max(255),
    name: z.string().trim().min(1).max(60),
    colour: z.string().regex(/^#[0-9a-f]{6}$/i, 'a colour is #rrggbb'),
  })
  .strict();
export type SegmentLabel = z.infer<typeof SegmentLabelSchema>;

/** The label table of a mask: distinct values and names. */
export const SegmentLabelsSchema = z
  .array(SegmentLabelSchema)
  .max(255)
  .refine((ls) => new Set(ls.map((l) => l.value)).size === ls.length, 'two labels share a value')
  .refine((ls) => new Set(ls.map((l) => l.name.toLowerCase())).size === ls.length, 'two labels share a name');

export const SegmentationImportResultSchema = z.object({
  file: z.string(),
  sha256: z.string(),
  format: SegmentationFormatSchema,
  seriesId: z.number().int(),
  lesionId: z.number().int(),
  reader: z.string(),
  /** What was taken from the file: "label 1", "segment Tumor", "ROI GTV-1". */
  label: z.string(),
  voxelCount: z.number().int(),
  volumeMm3: z.number(),
  bbox: BboxSchema,
  resampled: z.boolean(),
  warnings: z.array(z.string()),
  /** Label table of a multi-label (or named) import; absent or empty: label 1 only. */
  labels: SegmentLabelsSchema.optional(),
  /** Base64 of the encoded mask (maskCodec.ts); dropped from the job row once recorded. */
  maskBase64: z.string().optional(),
  segmentationId: z.number().int().optional(),
});
export type SegmentationImportResult = z.infer<typeof SegmentationImportResultSchema>;

export const SegmentationSchema = z.object({
  id: z.number().int(),
  lesionId: z.number().int(),
  lesionCode: z.string(),
  patientCode: z.string(),
  seriesId: z.number().int(),
  seriesDescription: z.string().nullable(),
  reader: z.string(),
  label: z.string().nullable(),
  sourceFormat: SegmentationSourceSchema,
  sourcePath: z.string(),
  sourceSha256: z.string(),
  voxelCount: z.number().int(),
  volumeMm3: z.number(),
  bbox: BboxSchema,
  warnings: z.array(z.string()),
  createdAt: z.string(),
  /** 1, 2, … per (lesion, series, reader); each save in the editor adds one. */
  version: z.number().int(),
  /** The version this one was edited from. */
  parentId: z.number().int().nullable(),
  status: SegmentationStatusSchema,
  timeSpentS: z.number(),
  /** False for older versions of the slot (listed only when asked for). */
  current: z.boolean(),
});
export type Segmentation = z.infer<typeof SegmentationSchema>;

/**
 * Label value (1…255) of each foreground run (runs[2r + 1] has values[r]); absent: all label 1.
 * Touching labels are separated by an empty background run (labelRuns in maskCodec.ts).
 */
const RunValuesSchema = z.array(z.number().int().min(1).max(255)).max(25_000_000);

export const SegmentationMaskSchema = z.object({
  id: z.number().int(),
  geometry: GeometrySchema,
  /** Alternating run lengths in voxel order (i fastest), background first. */
  runs: z.array(z.number().int().nonnegative()),
  values: RunValuesSchema.optional(),
  /** Label table saved with the mask (empty for masks saved before labels had names). */
  labels: SegmentLabelsSchema.optional(),
});
export type SegmentationMask = z.infer<typeof SegmentationMaskSchema>;

export const LesionRefSchema = z.object({ id: z.number().int(), patientCode: z.string(), lesionCode: z.string() });
export type LesionRef = z.infer<typeof LesionRefSchema>;

const segId = z.object({ id: z.number().int().positive() }).strict();

/** Run lengths of a binary mask in voxel order (maskRuns in compute/imaging/maskCodec.ts). */
const RunsSchema = z.array(z.number().int().nonnegative()).min(1).max(50_000_000);

const SlotShape = {
  lesionId: z.number().int().positive(),
  seriesId: z.number().int().positive(),
  reader: ReaderSchema,
};

export const SegmentationSaveParamsSchema = z
  .object({
    ...SlotShape,
    /** The saved version the edit started from; null when drawn from scratch. */
    parentId: z.number().int().positive().nullable(),
    status: SegmentationStatusSchema,
    timeSpentS: z.number().nonnegative().max(1e7),
    runs: RunsSchema,
    values: RunValuesSchema.optional(),
    labels: SegmentLabelsSchema.optional(),
  })
  .strict();
export type SegmentationSaveParams = z.infer<typeof SegmentationSaveParamsSchema>;

export const SegmentationDraftSchema = z.object({
  lesionId: z.number().int(),
  seriesId: z.number().int(),
  reader: z.string(),
  baseId: z.number().int().nullable(),
  status: SegmentationStatusSchema,
  timeSpentS: z.number(),
  voxelCount: z.number().int(),
  updatedAt: z.string(),
  runs: z.array(z.number().int().nonnegative()),
  values: RunValuesSchema.optional(),
  labels: SegmentLabelsSchema.optional(),
});
export type SegmentationDraft = z.infer<typeof SegmentationDraftSchema>;

export const SegmentationDraftSaveParamsSchema = z
  .object({
    ...SlotShape,
    baseId: z.number().int().positive().nullable(),
    status: SegmentationStatusSchema,
    timeSpentS: z.number().nonnegative().max(1e7),
    runs: RunsSchema,
    values: RunValuesSchema.optional(),
    labels: SegmentLabelsSchema.optional(),
  })
  .strict();
export type SegmentationDraftSaveParams = z.infer<typeof SegmentationDraftSaveParamsSchema>;

const SlotSchema = z.object(SlotShape).strict();

export const segmentationApi = {
  'segmentation.import': mutation(
    SegmentationImportParamsSchema,
    z.object({ jobId: z.number().int() }),
    'Import a lesion mask (NIfTI/NRRD labelmap, Slicer .seg.nrrd, DICOM SEG, RTSTRUCT) with its labels onto a series grid, as a job',
  ),
  'segmentation.list': query(
    z
      .object({
        lesionId: z.number().int().positive().optional(),
        seriesId: z.number().int().positive().optional(),
        reader: z.string().optional(),
        /** Include older versions (default: only the latest version of each lesion × series × reader). */
        allVersions: z.boolean().optional(),
      })
      .strict(),
    z.array(SegmentationSchema),
    'Segmentations of the study, filtered by lesion, series or reader',
  ),
  'segmentation.lesions': query(
    z.object({}).strict(),
    z.array(LesionRefSchema),
    'Lesions of the cohort (id, patient and lesion code), to choose which lesion a mask belongs to',
  ),
  'segmentation.mask': query(segId, SegmentationMaskSchema, 'The mask of one segmentation on its series grid'),
  'segmentation.delete': mutation(segId, z.object({ deleted: z.number().int() }), 'Delete one segmentation'),
  'segmentation.save': mutation(
    SegmentationSaveParamsSchema,
    SegmentationSchema,
    'Save a mask drawn in the viewer as a new version of (lesion, series, reader), with status and time spent; clears the draft',
  ),
  'segmentation.draft.save': mutation(
    SegmentationDraftSaveParamsSchema,
    z.object({ updatedAt: z.string() }),
    'Autosave the work in progress of (lesion, series, reader); replaces the previous draft of that slot',
  ),
  'segmentation.draft.get': query(SlotSchema, SegmentationDraftSchema.nullable(), 'The autosaved draft of a slot, if any'),
  'segmentation.draft.discard': mutation(SlotSchema, z.object({ discarded: z.number().int() }), 'Discard the draft of a slot'),
};
