/**
 * Copying a segmentation to another sequence of the same exam (T2 → DCE phase, ADC, …) through
 * physical coordinates: the copy is saved as a new version on the target series, never over an
 * existing one.
 */
import { z } from 'zod';
import { mutation, query } from './procedure.js';
import { SegmentationSchema } from './segmentation.js';

export const CopyTargetSchema = z.object({
  seriesId: z.number().int(),
  seriesNumber: z.number().int().nullable(),
  description: z.string().nullable(),
  kind: z.string(),
  phase: z.number().int().nullable(),
  bValue: z.number().nullable(),
  size: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  spacingMm: z.tuple([z.number(), z.number(), z.number()]),
});
export type CopyTarget = z.infer<typeof CopyTargetSchema>;

export const SegmentationCopyParamsSchema = z
  .object({
    /** The saved segmentation (version) to copy. */
    id: z.number().int().positive(),
    targetSeriesId: z.number().int().positive(),
    /** Reader of the copy; default the reader of the source. */
    reader: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-" (e.g. R1)')
      .optional(),
  })
  .strict();
export type SegmentationCopyParams = z.infer<typeof SegmentationCopyParamsSchema>;

export const SegmentationCopyResultSchema = z.object({
  segmentation: SegmentationSchema,
  sourceVoxels: z.number().int(),
  sourceVolumeMm3: z.number(),
  targetVolumeMm3: z.number(),
});
export type SegmentationCopyResult = z.infer<typeof SegmentationCopyResultSchema>;

export const segmentationCopyApi = {
  'segmentation.copyTargets': query(
    z.object({ id: z.number().int().positive() }).strict(),
    z.array(CopyTargetSchema),
    'The other series of the exam a segmentation lies on (same patient, same DICOM study), which it can be copied to',
  ),
  'segmentation.copyToSeries': mutation(
    SegmentationCopyParamsSchema,
    SegmentationCopyResultSchema,
    'Copy a segmentation to another series of the same exam by nearest-neighbour resampling in physical coordinates; saved as a new version of the target slot',
  ),
};
