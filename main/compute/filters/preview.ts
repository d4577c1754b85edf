/**
 * The filtered images of one case as the extraction computes them, restricted to the ROI's slices
 * and a margin around the ROI in-plane: what the Extraction view's filter preview shows beside the
 * image the filters see.
 *
 * The steps are those of extractImageTypes (radiomics/imageTypes.ts): RadStudy's preprocessing
 * section, then PyRadiomics' loadImage (normalise, resample or pre-crop, re-segment) through
 * filterInputs, then applyImageType on that image with the box as region, so every voxel shown
 * is the voxel the feature classes read (LoG and wavelet compute only the box, exactly; the other
 * image types are computed on the whole filter input and cropped).
 */
import type { Volume } from '../imaging/volume.js';
import { applyPreprocessing } from './preprocessing.js';
import { filterInputs } from '../radiomics/imageTypes.js';
import { resolveSettings, type ImageType, type ParameterFile } from '../radiomics/settings.js';
import { applyImageType, cropToRegion, type WaveletRegion } from './index.js';

export interface RoiStats {
  min: number;
  max: number;
  mean: number;
  voxels: number;
}

export interface PreviewImage {
  /** PyRadiomics image name (`log-sigma-3-0-mm-3D`, `wavelet-HLL`, `original`, …). */
  name: string;
  data: Float64Array;
  /** Over the whole box, for the grey-scale window. */
  min: number;
  max: number;
  /** Inside the ROI (the re-segmented mask the features use). */
  roi: RoiStats;
}

export interface FilterPreview {
  /** The box: its size, and its geometry in the filter input's grid (after any resampling). */
  box: Volume<Uint8Array>;
  /** Voxel box in the filter input's grid (inclusive bounds). */
  region: WaveletRegion;
  /** The filter input (normalised, resampled) in the box. */
  original: PreviewImage;
  images: PreviewImage[];
  warnings: string[];
}

function statsOf(name: string, data: Float64Array, mask: Uint8Array): PreviewImage {
  let min = Infinity;
  let max = -Infinity;
  let rmin = Infinity;
  let rmax = -Infinity;
  let sum = 0;
  let n = 0;
  for (let o = 0; o < data.length; o++) {
    const v = data[o]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (mask[o]) {
      if (v < rmin) rmin = v;
      if (v > rmax) rmax = v;
      sum += v;
      n++;
    }
  }
  return {
    name,
    data,
    min: data.length ? min : 0,
    max: data.length ? max : 0,
    roi: n ? { min: rmin, max: rmax, mean: sum / n, voxels: n } : { min: 0, max: 0, mean: 0, voxels: 0 },
  };
}

/**
 * The derived images of `imageType` (enabled in `params`) for one image and its label-1 mask, in
 * the ROI's bounding box grown by `marginVoxels` in-plane (x and y), over the ROI's slices only.
 * Throws RadiomicsInputError (from the extraction's own checks) or Error naming the image type.
 */
export function filterPreview(
  image: Volume,
  mask: Volume,
  params: Pick<ParameterFile, 'settings' | 'imageTypes' | 'preprocessing'>,
  imageType: ImageType,
  marginVoxels = 6,
): FilterPreview {
  const own = params.imageTypes[imageType];
  if (!own) {
    const enabled = Object.keys(params.imageTypes).join(', ') || 'none';
    throw new Error(`image type ${imageType} is not enabled in the parameter file (enabled: ${enabled})`);
  }
  const base = { ...params.settings, label: 1, label_channel: 0 };
  const warnings: string[] = [];
  if (params.preprocessing) {
    const sameGrid = image.size.every((s, a) => s === mask.size[a]);
    const roi = sameGrid ? Uint8Array.from(mask.data, (v) => (v === 1 ? 1 : 0)) : undefined;
    image = applyPreprocessing(image, params.preprocessing, roi, warnings);
  }
  const inputs = filterInputs(image, mask, base);
  const size = inputs.image.size;
  const region: WaveletRegion = {
    lower: [
      Math.max(0, inputs.bbox.lower[0] - marginVoxels),
      Math.max(0, inputs.bbox.lower[1] - marginVoxels),
      inputs.bbox.lower[2],
    ],
    upper: [
      Math.min(size[0] - 1, inputs.bbox.upper[0] + marginVoxels),
      Math.min(size[1] - 1, inputs.bbox.upper[1] + marginVoxels),
      inputs.bbox.upper[2],
    ],
  };
  const ownSettings = { ...own } as Record<string, unknown>;
  delete ownSettings.filters;
  const s = resolveSettings(ownSettings, `imageType.${imageType}`, base);
  const filterWarnings: string[] = [];
  const derived = applyImageType(
    inputs.image,
    imageType,
    { ...s, label: 1, filters: own.filters },
    filterWarnings,
    inputs.mask,
    region,
  );
  warnings.push(...filterWarnings.map((w) => `${imageType}: ${w}`));
  const maskBox = cropToRegion({ ...inputs.mask, data: Float64Array.from(inputs.mask.data) }, region);
  const maskData = Uint8Array.from(maskBox.data, (v) => (v ? 1 : 0));
  const box: Volume<Uint8Array> = { ...maskBox, data: maskData };
  const originalBox = cropToRegion({ ...inputs.image, data: Float64Array.from(inputs.image.data) }, region);
  return {
    box,
    region,
    original: statsOf('original', Float64Array.from(originalBox.data), maskData),
    images: derived.map((d) => statsOf(d.name, Float64Array.from(d.volume.data), maskData)),
    warnings,
  };
}
