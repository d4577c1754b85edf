/**
 * Feature extraction for one image and one mask, PyRadiomics mode (the `Original` image type).
 *
 * Pipeline as in PyRadiomics' `RadiomicsFeatureExtractor.execute`: check geometry (or correct the
 * mask), take the ROI of `label`, normalise, resample (PyRadiomics grid, see resample.ts), check
 * the ROI size, compute shape on the ROI, re-segment (and check again), crop to the ROI bounding
 * box, discretise once, then run the enabled feature classes, each computing its matrix once. Output names and order follow PyRadiomics
 * (`original_<class>_<Feature>`, shape classes first, then classes and features alphabetically).
 */
import type { Vec3, Volume } from '../imaging/volume.js';
import { discretize } from './discretize.js';
import { RadiomicsInputError } from './errors.js';
import { firstOrderFeatures } from './firstorder.js';
import { describeGeometryMismatch, resampleMaskToImage } from './geometry.js';
import { glcmFeatures } from './glcm.js';
import { gldmFeatures } from './gldm.js';
import { glrlmFeatures } from './glrlm.js';
import { glszmFeatures } from './glszm.js';
import { ngtdmFeatures } from './ngtdm.js';
import type { BoundingBox } from './preprocess.js';
import { checkRoiSize, cropRoi, labelBox, labelSelection, normalizedVolume, resegment } from './preprocess.js';
import { pyradiomicsGrid, resampleForExtraction } from './resample.js';
import type { EnabledFeatures, FeatureClassName, RadiomicsSettings } from './settings.js';
import { FEATURE_CLASSES, FEATURE_NAMES } from './settings.js';
import { shapeFeatures } from './shape.js';
import { shape2DFeatures } from './shape2d.js';

export interface FeatureValue {
  name: string;
  value: number;
}

export interface ExtractionDiagnostics {
  /** Size and spacing of the image the features were computed on (after any resampling). */
  imageSize: Vec3;
  spacingMm: Vec3;
  /** ROI voxels of the label before re-segmentation. */
  maskVoxelCount: number;
  /** ROI voxels used for intensity and texture features (after re-segmentation). */
  voxelCount: number;
  /** ROI bounding box in the input image's voxel indices (after re-segmentation). */
  boundingBox: BoundingBox;
  /** Number of grey levels present in the ROI after discretisation. */
  grayLevelCount: number;
  /** Highest discretised grey level (PyRadiomics' N_g). */
  maxGrayLevel: number;
  /** The mask was resampled onto the image grid (correctMask). */
  maskCorrected: boolean;
  /** Things a user should look at before trusting texture features. */
  warnings: string[];
}

export interface ExtractionResult {
  features: FeatureValue[];
  diagnostics: ExtractionDiagnostics;
}

/** Grey-level counts outside this range make texture features degenerate or sparse. */
export const GRAY_LEVEL_WARNING_RANGE = { min: 8, max: 1000 } as const;

function checkImage(v: Volume, what: 'image' | 'mask'): void {
  const n = v.size[0] * v.size[1] * v.size[2];
  if (v.size.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RadiomicsInputError(what, `invalid size (${v.size.join(', ')})`);
  }
  if (v.data.length !== n * (v.components ?? 1)) {
    throw new RadiomicsInputError(what, `holds ${v.data.length} values but its size ${v.size.join('×')} needs ${n}`);
  }
  if (what === 'image' && (v.components ?? 1) !== 1) {
    throw new RadiomicsInputError('image', `has ${v.components} components per voxel; a scalar image is required`);
  }
}

function selectedFeatures(cls: FeatureClassName, enabled: EnabledFeatures): string[] | null {
  const list = enabled[cls];
  if (list === undefined) return null;
  const names = list.length === 0 ? [...FEATURE_NAMES[cls].enabled] : [...list];
  return names.sort();
}

export function extractFeatures(
  image: Volume,
  mask: Volume,
  settings: RadiomicsSettings,
  enabled: EnabledFeatures,
): ExtractionResult {
  checkImage(image, 'image');
  checkImage(mask, 'mask');
  let maskCorrected = false;
  const problems = describeGeometryMismatch(image, mask, settings.geometryTolerance);
  if (problems.length > 0) {
    if (!settings.correctMask) {
      throw new RadiomicsInputError(
        'mask',
        `image and mask geometry do not match: ${problems.join('; ')}. ` +
          'Raise geometryTolerance if the difference is rounding, or enable correctMask to resample the mask onto the image',
      );
    }
    mask = resampleMaskToImage(mask, image, settings.label);
    maskCorrected = true;
  }
  let { voxelCount: maskVoxelCount, bbox } = labelBox(mask, settings.label, settings.label_channel);
  let cropSettings = settings;
  const grid = pyradiomicsGrid(image, mask, bbox, settings);
  if (grid) {
    // PyRadiomics normalises the whole image, then resamples (loadImage), then checks the mask.
    if (settings.normalize) {
      image = normalizedVolume(image, settings);
      cropSettings = { ...settings, normalize: false };
    }
    const imageNeeded = Object.keys(enabled).some((c) => c !== 'shape' && c !== 'shape2D');
    ({ image, mask } = resampleForExtraction(image, mask, grid, settings, imageNeeded));
    ({ voxelCount: maskVoxelCount, bbox } = labelBox(mask, settings.label, settings.label_channel));
  }
  checkRoiSize(bbox, maskVoxelCount, settings);
  const shapeCrop = cropRoi(image, labelSelection(mask, settings.label, settings.label_channel), bbox, cropSettings);
  const crop = resegment(shapeCrop, cropSettings);
  if (crop !== shapeCrop)
    checkRoiSize({ lower: [0, 0, 0], upper: [crop.size[0] - 1, crop.size[1] - 1, crop.size[2] - 1] }, crop.voxelCount, settings);
  const binned = discretize(crop, settings);
  const warnings: string[] = [];
  const ngp = binned.grayLevels.length;
  if (ngp < GRAY_LEVEL_WARNING_RANGE.min) {
    warnings.push(
      `only ${ngp} grey level(s) in the ROI after discretisation (binWidth ${settings.binWidth}${settings.binCount !== null ? `, binCount ${settings.binCount}` : ''}); ` +
        'texture features will be degenerate — use a smaller binWidth or a binCount',
    );
  } else if (ngp > GRAY_LEVEL_WARNING_RANGE.max) {
    warnings.push(`${ngp} grey levels in the ROI after discretisation; texture matrices will be sparse — use a larger binWidth`);
  }

  const features: FeatureValue[] = [];
  for (const cls of FEATURE_CLASSES) {
    const names = selectedFeatures(cls, enabled);
    if (names === null) continue;
    let values: Record<string, number>;
    switch (cls) {
      case 'shape':
        // PyRadiomics computes shape on the mask before re-segmentation unless resegmentShape is set.
        values = shapeFeatures(settings.resegmentShape ? crop : shapeCrop);
        break;
      case 'shape2D':
        if (!settings.force2D) {
          throw new RadiomicsInputError(
            'featureClass.shape2D',
            'shape2D needs force2D: true (and a ROI one slice thick along force2Ddimension)',
          );
        }
        values = shape2DFeatures(settings.resegmentShape ? crop : shapeCrop, settings.force2Ddimension);
        break;
      case 'firstorder':
        values = firstOrderFeatures({
          crop,
          binEdges: binned.binEdges,
          levels: binned.levels,
          voxelArrayShift: settings.voxelArrayShift,
        });
        break;
      case 'glcm':
        values = glcmFeatures(binned, settings);
        break;
      case 'gldm':
        values = gldmFeatures(binned, settings);
        break;
      case 'glrlm':
        values = glrlmFeatures(binned, settings);
        break;
      case 'glszm':
        values = glszmFeatures(binned, settings);
        break;
      case 'ngtdm':
        values = ngtdmFeatures(binned, settings);
        break;
    }
    for (const name of names) {
      const value = values[name];
      if (value === undefined) throw new RadiomicsInputError(`featureClass.${cls}`, `feature ${name} is not available`);
      features.push({ name: `original_${cls}_${name}`, value });
    }
  }
  return {
    features,
    diagnostics: {
      imageSize: [...image.size],
      spacingMm: [...image.spacingMm],
      maskVoxelCount,
      voxelCount: crop.voxelCount,
      boundingBox: crop.bbox,
      grayLevelCount: ngp,
      maxGrayLevel: binned.ng,
      maskCorrected,
      warnings,
    },
  };
}
