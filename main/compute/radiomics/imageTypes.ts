/**
 * Extraction over every enabled image type of a parameter file (PyRadiomics 3,
 * `RadiomicsFeatureExtractor.execute`; the steps are listed in filters/index.ts).
 *
 * `Original` (with shape) comes from extractFeatures on the inputs as given, which is checked
 * against the PyRadiomics baselines. Each filtered image type takes the "step-1" image: the
 * whole image normalised (normalize), then resampled to the PyRadiomics grid (which crops it to
 * the ROI box padded by padDistance), or, without resampling and with preCrop, cropped to that
 * padded box. The ROI is re-segmented on the original intensities once (resegmentRange), and
 * every derived image gets the non-shape feature classes with the image type's own settings;
 * names are `<image>_<class>_<Feature>`, e.g. `wavelet-LLH_glcm_Contrast`,
 * `log-sigma-2-0-mm-3D_firstorder_Mean`.
 */
import { applyImageType, type ImageType } from '../filters/index.js';
import type { Volume } from '../imaging/volume.js';
import { RadiomicsInputError } from './errors.js';
import { extractFeatures, type ExtractionResult, type FeatureValue } from './extract.js';
import { describeGeometryMismatch, resampleMaskToImage } from './geometry.js';
import { cropRoi, labelBox, labelSelection, normalizedVolume, resegment, type BoundingBox } from './preprocess.js';
import { pyradiomicsGrid, resampleForExtraction } from './resample.js';
import type { EnabledFeatures, ParameterFile, RadiomicsSettings } from './settings.js';
import { resolveSettings } from './settings.js';

/** What extractImageTypes needs of a parameter file. */
export type ImageTypeParameters = Pick<ParameterFile, 'settings' | 'imageTypes' | 'featureClasses'>;

/** Voxel box `bbox` grown by `pad` voxels on every side, inside the volume. */
function padded(bbox: BoundingBox, size: readonly number[], pad: number): BoundingBox {
  return {
    lower: [0, 1, 2].map((a) => Math.max(0, bbox.lower[a]! - pad)) as BoundingBox['lower'],
    upper: [0, 1, 2].map((a) => Math.min(size[a]! - 1, bbox.upper[a]! + pad)) as BoundingBox['upper'],
  };
}

/** The sub-volume `box` of `v` (geometry moved accordingly), as Float64 for images, Uint8 for masks. */
function cropVolume(v: Volume, box: BoundingBox, asMask: boolean): Volume {
  const [nx, ny] = v.size;
  const size: [number, number, number] = [0, 1, 2].map((a) => box.upper[a]! - box.lower[a]! + 1) as [number, number, number];
  const comps = v.components ?? 1;
  const data = asMask ? new Uint8Array(size[0] * size[1] * size[2]) : new Float64Array(size[0] * size[1] * size[2]);
  for (let k = 0, o = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) {
      const row = box.lower[0] + nx * (box.lower[1] + j + ny * (box.lower[2] + k));
      for (let i = 0; i < size[0]; i++, o++) data[o] = v.data[(row + i) * comps]!;
    }
  const d = v.direction;
  const originMm = [0, 1, 2].map(
    (r) =>
      v.originMm[r]! +
      d[r * 3]! * box.lower[0] * v.spacingMm[0] +
      d[r * 3 + 1]! * box.lower[1] * v.spacingMm[1] +
      d[r * 3 + 2]! * box.lower[2] * v.spacingMm[2],
  ) as Volume['originMm'];
  return { size, spacingMm: [...v.spacingMm], originMm, direction: [...d], data };
}

/**
 * The image the filters see and the ROI mask (label 1) they are evaluated in: PyRadiomics'
 * loadImage (normalise, resample or pre-crop), then the re-segmented ROI of `label`, and that
 * ROI's bounding box in `image`'s voxels.
 */
export function filterInputs(
  image: Volume,
  mask: Volume,
  settings: RadiomicsSettings,
): { image: Volume; mask: Volume; bbox: BoundingBox } {
  if (describeGeometryMismatch(image, mask, settings.geometryTolerance).length > 0) {
    // extractFeatures on Original has already refused or accepted the mismatch; here we follow it.
    mask = resampleMaskToImage(mask, image, settings.label);
  }
  let { bbox } = labelBox(mask, settings.label, settings.label_channel);
  if (settings.normalize) image = normalizedVolume(image, settings);
  const grid = pyradiomicsGrid(image, mask, bbox, settings);
  if (grid) {
    ({ image, mask } = resampleForExtraction(image, mask, grid, settings, true));
  } else if (settings.preCrop) {
    const box = padded(bbox, image.size, settings.padDistance);
    image = cropVolume(image, box, false);
    mask = cropVolume(mask, box, true);
  }
  // A resampled or cropped mask has a new grid; otherwise the ROI found above is the same.
  if (grid || settings.preCrop) ({ bbox } = labelBox(mask, settings.label, settings.label_channel));
  const roi = labelSelection(mask, settings.label, settings.label_channel);
  const crop = resegment(cropRoi(image, roi, bbox, { ...settings, normalize: false }), settings);
  // The ROI as label 1: re-segmented voxels only (PyRadiomics re-segments once, on these intensities).
  const out = new Uint8Array(mask.size[0] * mask.size[1] * mask.size[2]);
  const [nx, ny] = mask.size;
  for (let k = 0, o = 0; k < crop.size[2]; k++)
    for (let j = 0; j < crop.size[1]; j++) {
      const row = crop.bbox.lower[0] + nx * (crop.bbox.lower[1] + j + ny * (crop.bbox.lower[2] + k));
      for (let i = 0; i < crop.size[0]; i++, o++) if (crop.mask[o]) out[row + i] = 1;
    }
  return { image, mask: { ...mask, components: 1, data: out }, bbox: crop.bbox };
}

/**
 * Every enabled image type, in parameter-file order, `Original` first when enabled. Warnings of
 * the filters (a LoG sigma skipped, …) are added to the diagnostics' warnings.
 */
export function extractImageTypes(image: Volume, mask: Volume, params: ImageTypeParameters): ExtractionResult {
  const types = Object.keys(params.imageTypes) as ImageType[];
  if (types.length === 0) throw new RadiomicsInputError('imageType', 'no image type is enabled');
  const base = params.settings;
  const settingsOf = (t: ImageType): RadiomicsSettings => {
    const own = { ...params.imageTypes[t] } as Record<string, unknown>;
    delete own.filters; // IBSI2's filter list, not a setting
    return resolveSettings(own, `imageType.${t}`, base);
  };
  const features: FeatureValue[] = [];
  // Original first: it validates the inputs (geometry, label, ROI size) with PyRadiomics' messages.
  const originalSettings = types.includes('Original') ? settingsOf('Original') : base;
  const shapeOnly: EnabledFeatures = {};
  if (params.featureClasses.shape) shapeOnly.shape = params.featureClasses.shape;
  if (params.featureClasses.shape2D) shapeOnly.shape2D = params.featureClasses.shape2D;
  const first = extractFeatures(image, mask, originalSettings, types.includes('Original') ? params.featureClasses : shapeOnly);
  features.push(...first.features);
  const warnings = [...first.diagnostics.warnings];
  const textures: EnabledFeatures = { ...params.featureClasses };
  delete textures.shape;
  delete textures.shape2D;
  const derivedTypes = types.filter((t) => t !== 'Original');
  if (derivedTypes.length > 0 && Object.keys(textures).length > 0) {
    const inputs = filterInputs(image, mask, base);
    // The feature classes only read the ROI's bounding box: the filters return just that box
    // (the wavelet computes only what it needs, bit-identical to the whole-image transform).
    const { bbox } = inputs;
    const roiMask = cropVolume(inputs.mask, bbox, true);
    for (const t of derivedTypes) {
      const s = settingsOf(t);
      const filterWarnings: string[] = [];
      const derived = applyImageType(
        inputs.image,
        t,
        { ...s, label: 1, filters: params.imageTypes[t]?.filters },
        filterWarnings,
        inputs.mask,
        bbox,
      );
      warnings.push(...filterWarnings.map((w) => `${t}: ${w}`));
      for (const d of derived) {
        const r = extractFeatures(
          d.volume,
          roiMask,
          {
            ...s,
            label: 1,
            label_channel: 0,
            normalize: false,
            resampledPixelSpacing: null,
            resegmentRange: null,
            correctMask: false,
            minimumROIDimensions: 1,
            minimumROISize: null,
          },
          textures,
        );
        // `original_<class>_<Feature>` → `<image>_<class>_<Feature>`.
        for (const f of r.features) features.push({ name: d.name + f.name.slice('original'.length), value: f.value });
        for (const w of r.diagnostics.warnings) warnings.push(`${d.name}: ${w}`);
      }
    }
  }
  return { features, diagnostics: { ...first.diagnostics, warnings } };
}
