import { z } from 'zod';
import { GeometrySchema } from './images.js';
import { mutation, query } from './procedure.js';

export const segmentationFormats = ['nifti', 'nrrd', 'seg.nrrd', 'dicom-seg', 'rtstruct'] as const;
export const SegmentationFormatSchema = z.enum(segmentationFormats);
export type SegmentationFormat = z.infer<typeof SegmentationFormatSchema>;

/** Reader code as the dual-reader workflow names them ('R1', 'R2', …). */
const ReaderSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-" (e.g. R1)');

/**
 * Parameters of the `segmentation.import` job. Which part of the file is the lesion:
 * `label` (labelmap voxel value; default: every non-zero voxel), `segment` (Slicer segment
 * name or id) or `roi` (RTSTRUCT ROI name or number). At most one of them.
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
  sourceFormat: SegmentationFormatSchema,
  sourcePath: z.string(),
  sourceSha256: z.string(),
  voxelCount: z.number().int(),
  volumeMm3: z.number(),
  bbox: BboxSchema,
  warnings: z.array(z.string()),
  createdAt: z.string(),
});
export type Segmentation = z.infer<typeof SegmentationSchema>;

export const SegmentationMaskSchema = z.object({
  id: z.number().int(),
  geometry: GeometrySchema,
  /** Alternating run lengths in voxel order (i fastest), background first. */
  runs: z.array(z.number().int().nonnegative()),
});
export type SegmentationMask = z.infer<typeof SegmentationMaskSchema>;

export const LesionRefSchema = z.object({ id: z.number().int(), patientCode: z.string(), lesionCode: z.string() });
export type LesionRef = z.infer<typeof LesionRefSchema>;

const segId = z.object({ id: z.number().int().positive() }).strict();

export const segmentationApi = {
  'segmentation.import': mutation(
    SegmentationImportParamsSchema,
    z.object({ jobId: z.number().int() }),
    'Import a lesion mask (NIfTI/NRRD labelmap, Slicer .seg.nrrd, RTSTRUCT) onto a series grid, as a job',
  ),
  'segmentation.list': query(
    z
      .object({
        lesionId: z.number().int().positive().optional(),
        seriesId: z.number().int().positive().optional(),
        reader: z.string().optional(),
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
};
