/**
 * Filter preview (Extraction view): the derived images of one image type of a parameter file for
 * one segmentation, computed by the job `extraction.preview` in the compute process exactly as the
 * extraction computes them, and sent back for the ROI's slices only (the ROI box plus an in-plane
 * margin), with the mask and the filter input in the same box.
 *
 * Voxels travel base64-encoded in the job result: float32 little-endian, x fastest (volume.ts
 * order); the mask as uint8 0/1. A box is a few tens of kilobytes for a breast lesion.
 */
import { z } from 'zod';
import { query } from './procedure.js';

export const FilterPreviewParamsSchema = z
  .object({
    segmentationId: z.number().int().positive(),
    /** The PyRadiomics YAML parameter file (as the New extraction form holds it). */
    paramsText: z.string().max(200_000),
    /** A key of the file's `imageType` section: Original, LoG, Wavelet, Square, LBP3D, IBSI2, … */
    imageType: z.string().min(1).max(40),
    /** In-plane voxels shown around the ROI's bounding box. */
    marginVoxels: z.number().int().min(0).max(64).default(6),
  })
  .strict();
export type FilterPreviewParams = z.input<typeof FilterPreviewParamsSchema>;

const RoiStatsSchema = z.object({ min: z.number(), max: z.number(), mean: z.number(), voxels: z.number().int() });

export const PreviewImageSchema = z.object({
  name: z.string(),
  /** Float32 voxels of the box, base64. */
  dataBase64: z.string(),
  min: z.number(),
  max: z.number(),
  roi: RoiStatsSchema,
});
export type PreviewImageDto = z.infer<typeof PreviewImageSchema>;

export const FilterPreviewResultSchema = z.object({
  segmentationId: z.number().int(),
  seriesId: z.number().int(),
  /** `P001/L1, reader REF, DCE3 (series #4)`. */
  name: z.string(),
  imageType: z.string(),
  /** Box size (voxels, x y z) and spacing of the filter input grid (after any resampling). */
  size: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  spacingMm: z.tuple([z.number(), z.number(), z.number()]),
  /** Box bounds in the filter input's voxels (inclusive). */
  lower: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  upper: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  maskBase64: z.string(),
  original: PreviewImageSchema,
  images: z.array(PreviewImageSchema),
  warnings: z.array(z.string()),
  elapsedMs: z.number(),
});
export type FilterPreviewResult = z.infer<typeof FilterPreviewResultSchema>;

export const FilterPreviewOptionsSchema = z.object({
  /** Enabled image types of the parameter file, in its order. */
  imageTypes: z.array(z.string()),
});

export const filterPreviewApi = {
  'extraction.preview.options': query(
    z.object({ paramsText: z.string().max(200_000) }).strict(),
    FilterPreviewOptionsSchema,
    'The image types a parameter file enables (checked as the extraction checks it), to choose one for the filter preview',
  ),
};

/** Float32 little-endian voxels from base64 (renderer and tests). */
export function decodeFloat32(base64: string): Float32Array {
  const bytes = base64ToBytes(base64);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

export function base64ToBytes(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
