/**
 * PyRadiomics image types (the `imageType` section of a parameter file) as one entry point for
 * the feature engine: `applyImageType(image, 'Wavelet', settings)` returns the derived images
 * with PyRadiomics' names (`wavelet-LLH`, `log-sigma-2-0-mm-3D`, `square`, …) in PyRadiomics'
 * yield order (radiomics/imageoperations.py, `get<ImageType>Image`).
 *
 * How PyRadiomics 3 uses it (featureextractor.execute), i.e. how extract.ts should:
 * 1. loadImage: normalise the whole image (normalize), then resample image and mask (this crops
 *    both to the ROI bounding box padded by padDistance), or, with preCrop and no resampling,
 *    crop both to the bounding box padded by padDistance. Otherwise the whole image is kept.
 * 2. checkMask → bounding box; re-segment on the ORIGINAL image's intensities and check again.
 * 3. Shape features once, on the original mask (re-segmented only with resegmentShape).
 * 4. For each enabled image type (parameter-file order), settings = global settings overridden by
 *    the image type's own keys; the filter gets the step-1 image (normalised values, not the mask).
 * 5. Each derived image is cropped to the step-2 bounding box with the step-2 (re-segmented) ROI,
 *    then discretised with its own binWidth/binCount and fed to every non-shape feature class;
 *    names are `<imageTypeName>_<class>_<Feature>` (voxelArrayShift applies to every image type).
 */
import type { Volume } from '../imaging/volume.js';
import type { RadiomicsSettings } from '../radiomics/settings.js';
import { laplacianOfGaussian, logApplicable, logImageName } from './log.js';
import { exponentialImage, gradientMagnitudeImage, logarithmImage, squareImage, squareRootImage } from './simple.js';
import { ibsiFilterName, ibsiResponseMap, type IbsiFilterSpec } from './ibsi2/index.js';
import { lbp2DImage, lbp3DImages } from './lbp.js';
import type { NamedImage, WaveletRegion } from './wavelet.js';
import { waveletImages } from './wavelet.js';

export type { NamedImage, WaveletRegion } from './wavelet.js';
export { waveletImages, waveletImagesCircular, swtnLevel } from './wavelet.js';
export { waveletBank, SUPPORTED_WAVELETS } from './waveletBanks.js';
export { laplacianOfGaussian, logApplicable, logImageName } from './log.js';
export { exponentialImage, gradientMagnitudeImage, logarithmImage, squareImage, squareRootImage } from './simple.js';
export { lbp2DImage, lbp3DImages, icosphereVertices } from './lbp.js';

/** PyRadiomics image-type keys (parameter file `imageType`). */
export const IMAGE_TYPES = [
  'Original',
  'Wavelet',
  'LoG',
  'Square',
  'SquareRoot',
  'Logarithm',
  'Exponential',
  'Gradient',
  'LBP2D',
  'LBP3D',
  'IBSI2',
] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/**
 * The settings the filters read (PyRadiomics names); the global settings merged with the image
 * type's own. `filters`: the IBSI 2 filter specifications of the IBSI2 image type.
 */
export type FilterSettings = { filters?: IbsiFilterSpec[] } & Partial<
  Pick<
    RadiomicsSettings,
    | 'sigma'
    | 'wavelet'
    | 'start_level'
    | 'level'
    | 'force2D'
    | 'force2Ddimension'
    | 'gradientUseSpacing'
    | 'lbp2DRadius'
    | 'lbp2DSamples'
    | 'lbp2DMethod'
    | 'lbp3DLevels'
    | 'lbp3DIcosphereRadius'
    | 'lbp3DIcosphereSubdivision'
    | 'label'
  >
>;

/** The voxel box `region` of `v` (same array type), placed where it lies in `v`. */
export function cropToRegion(v: NamedImage['volume'], region: WaveletRegion): NamedImage['volume'] {
  const [nx, ny] = v.size;
  const size = [0, 1, 2].map((a) => region.upper[a]! - region.lower[a]! + 1) as Volume['size'];
  const n = size[0] * size[1] * size[2];
  const data = v.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  for (let k = 0, o = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) {
      const row = region.lower[0] + nx * (region.lower[1] + j + ny * (region.lower[2] + k));
      data.set(v.data.subarray(row, row + size[0]), o);
      o += size[0];
    }
  const d = v.direction;
  const sp = v.spacingMm;
  const originMm = [0, 1, 2].map(
    (r) =>
      v.originMm[r]! +
      d[r * 3]! * region.lower[0] * sp[0] +
      d[r * 3 + 1]! * region.lower[1] * sp[1] +
      d[r * 3 + 2]! * region.lower[2] * sp[2],
  ) as Volume['originMm'];
  return { size, spacingMm: [...sp], originMm, direction: [...d], data } as NamedImage['volume'];
}

/**
 * The derived images of one image type. `warnings` receives what PyRadiomics would log as a
 * warning when it yields nothing for a parameter (LoG σ ≤ 0 or too large for the image) or
 * computes something questionable (LBP in 2D with 3D features and the reverse).
 * `mask` (voxels equal to `settings.label`, default 1) is needed by LBP3D only, which
 * PyRadiomics computes on the ROI voxels alone.
 * With `region`, every derived image is only that voxel box of the filtered image (the filter
 * still sees the whole `image`; wavelet and LoG compute only what the box needs, exactly).
 */
export function applyImageType(
  image: Volume,
  imageType: ImageType,
  settings: FilterSettings = {},
  warnings: string[] = [],
  mask?: Volume,
  region?: WaveletRegion,
): NamedImage[] {
  if (region && imageType !== 'Wavelet' && imageType !== 'LoG') {
    return applyImageType(image, imageType, settings, warnings, mask).map((d) => ({
      name: d.name,
      volume: cropToRegion(d.volume, region),
    }));
  }
  const scalar = (v: Volume): Volume<Float64Array> | Volume<Float32Array> =>
    v.data instanceof Float64Array || v.data instanceof Float32Array
      ? (v as Volume<Float64Array> | Volume<Float32Array>)
      : { ...v, data: Float64Array.from(v.data) };
  switch (imageType) {
    case 'Original':
      return [{ name: 'original', volume: scalar(image) }];
    case 'Wavelet':
      return waveletImages(image, {
        wavelet: settings.wavelet ?? 'coif1',
        startLevel: settings.start_level ?? 0,
        level: settings.level ?? 1,
        force2D: settings.force2D ?? false,
        force2Ddimension: settings.force2Ddimension ?? 0,
        region,
      });
    case 'LoG': {
      const out: NamedImage[] = [];
      const sigmas = settings.sigma ?? [];
      if (sigmas.length === 0) warnings.push('LoG image type enabled without sigma values: no LoG image computed');
      if (Math.min(...image.size) < 4) {
        warnings.push(`image too small for the LoG filter (size ${image.size.join('×')}, every axis needs ≥ 4 voxels)`);
        return out;
      }
      for (const sigma of sigmas) {
        if (!logApplicable(image.size, image.spacingMm, sigma)) {
          warnings.push(
            sigma > 0
              ? `LoG sigma ${sigma} mm skipped: every axis needs at least ⌈sigma/spacing⌉ + 1 voxels (size ${image.size.join('×')})`
              : `LoG sigma must be greater than 0, got ${sigma}`,
          );
          continue;
        }
        out.push({ name: logImageName(sigma), volume: laplacianOfGaussian(image, sigma, true, region) });
      }
      return out;
    }
    case 'Square':
      return [{ name: 'square', volume: squareImage(image) }];
    case 'SquareRoot':
      warnNegative(image, 'squareroot', warnings);
      return [{ name: 'squareroot', volume: squareRootImage(image) }];
    case 'Logarithm':
      warnNegative(image, 'logarithm', warnings);
      return [{ name: 'logarithm', volume: logarithmImage(image) }];
    case 'Exponential':
      return [{ name: 'exponential', volume: exponentialImage(image) }];
    case 'Gradient':
      return [{ name: 'gradient', volume: gradientMagnitudeImage(image, settings.gradientUseSpacing ?? true) }];
    case 'LBP2D':
      if (!settings.force2D)
        warnings.push('Calculating Local Binary Pattern in 2D, but extracting features in 3D. Use with caution!');
      return [
        {
          name: 'lbp-2D',
          volume: lbp2DImage(image, {
            radius: settings.lbp2DRadius ?? 1,
            samples: settings.lbp2DSamples ?? 8,
            method: settings.lbp2DMethod ?? 'uniform',
            force2Ddimension: settings.force2Ddimension ?? 0,
          }),
        },
      ];
    case 'IBSI2': {
      const specs = settings.filters ?? [];
      if (specs.length === 0) throw new Error('the IBSI2 image type needs a list of filters (imageType.IBSI2.filters)');
      return specs.map((spec, i) => {
        const name = ibsiFilterName(spec);
        try {
          return { name, volume: ibsiResponseMap(image, spec) };
        } catch (err) {
          throw new Error(`imageType.IBSI2.filters[${i}] (${name}): ${(err as Error).message}`);
        }
      });
    }
    case 'LBP3D': {
      if (!mask) throw new Error('the LBP3D image type needs the ROI mask (PyRadiomics computes it on ROI voxels only)');
      if (settings.force2D)
        warnings.push('Calculating Local Binary Pattern in 3D, but extracting features in 2D. Use with caution!');
      return lbp3DImages(image, mask, settings.label ?? 1, {
        levels: settings.lbp3DLevels ?? 2,
        icosphereRadius: settings.lbp3DIcosphereRadius ?? 1,
        icosphereSubdivision: settings.lbp3DIcosphereSubdivision ?? 1,
      });
    }
  }
}

/**
 * PyRadiomics documents that SquareRoot and Logarithm take the absolute value and give negative
 * intensities a negative result (f(x) = −f(−x)); it computes them without a message. We do the
 * same and say so, because a user expecting √x or ln(x + 1) of a non-negative image should know.
 */
function warnNegative(image: Volume, name: string, warnings: string[]): void {
  let negative = 0;
  for (let o = 0; o < image.data.length; o++) if (image.data[o]! < 0) negative++;
  if (negative > 0) {
    warnings.push(
      `${negative} voxel(s) have negative intensities: ${name} uses |x| and makes their result negative (f(x) = −f(−x)), as PyRadiomics documents`,
    );
  }
}
