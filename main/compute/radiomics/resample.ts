/**
 * Resampling to `resampledPixelSpacing` as PyRadiomics does it (imageoperations.resampleImage):
 * only the ROI's bounding box, padded by `padDistance` new voxels, is resampled, on a grid aligned
 * with the mask's corner (not IBSI's centred grid):
 *   ratio = s / s′,  L′ = ⌊(L − ½)·ratio − pad⌋,  U′ = ⌈(L + S − ½)·ratio + pad⌉  (clamped to the
 *   image: 0 ≤ L′, U′ ≤ ⌈n·ratio⌉ − 1),  origin′ = index→physical(½(s′ − s)/s + L′/ratio),
 * where L and S are the bounding box's lower index and size. Axes where the ROI is one voxel thick,
 * or whose requested spacing is 0, keep their spacing. The mask is resampled with nearest
 * neighbour, the image with `interpolator`; points outside the image get 0.
 *
 * Interpolators available: sitkNearestNeighbor (here, computing each point's source index in one
 * step like ITK, so that exact ties round up as ITK's do; stepping incrementally would drift
 * across them) and sitkLinear (imaging/resample.ts). As in SimpleITK, the resampled image keeps the
 * input's voxel type: integer types truncate the interpolated value. SimpleITK's B-spline and
 * windowed-sinc interpolators are not implemented; asking for them is an error.
 */
import { resampleLinear } from '../imaging/resample.js';
import type { Geometry, Vec3, Volume, VoxelArray } from '../imaging/volume.js';
import { indexToPhysical } from '../imaging/volume.js';
import { resampleBSpline } from './bspline.js';
import { RadiomicsInputError } from './errors.js';
import type { BoundingBox } from './preprocess.js';
import type { RadiomicsSettings } from './settings.js';

/** The resampling grid, or null when the requested spacing equals the image's (PyRadiomics: allclose). */
export function pyradiomicsGrid(
  image: Geometry,
  mask: Geometry,
  bbox: BoundingBox,
  settings: Pick<RadiomicsSettings, 'resampledPixelSpacing' | 'padDistance'>,
): Geometry | null {
  const requested = settings.resampledPixelSpacing;
  if (requested === null) return null;
  if (requested.length !== 3) {
    throw new RadiomicsInputError('setting.resampledPixelSpacing', `needs 3 values for a 3D image, got ${requested.length}`);
  }
  const spacing: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const oneSlice = bbox.upper[a] === bbox.lower[a];
    spacing[a] = requested[a] === 0 || oneSlice ? mask.spacingMm[a]! : requested[a]!;
  }
  // numpy.allclose(imageSpacing, resampledSpacing): |a − b| ≤ 1e-8 + 1e-5·|b|.
  if (spacing.every((s, a) => Math.abs(image.spacingMm[a]! - s) <= 1e-8 + 1e-5 * Math.abs(s))) return null;
  const size: Vec3 = [0, 0, 0];
  const originIndex: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const ratio = mask.spacingMm[a]! / spacing[a]!;
    const lower = bbox.lower[a]!;
    const extent = bbox.upper[a]! - lower + 1;
    let lo = Math.floor((lower - 0.5) * ratio - settings.padDistance);
    let hi = Math.ceil((lower + extent - 0.5) * ratio + settings.padDistance);
    const maxHi = Math.ceil(mask.size[a]! * ratio) - 1;
    if (lo < 0) lo = 0;
    if (hi > maxHi) hi = maxHi;
    size[a] = hi - lo + 1;
    originIndex[a] = (0.5 * (spacing[a]! - mask.spacingMm[a]!)) / mask.spacingMm[a]! + lo / ratio;
  }
  return {
    size,
    spacingMm: spacing,
    originMm: indexToPhysical(mask, originIndex[0], originIndex[1], originIndex[2]),
    direction: [...mask.direction],
  };
}

/**
 * Resamples image and mask onto `grid`. With `imageNeeded` false (shape classes only, which read
 * the mask alone) the image is sampled by nearest neighbour whatever the interpolator.
 */
export function resampleForExtraction(
  image: Volume,
  mask: Volume,
  grid: Geometry,
  settings: Pick<RadiomicsSettings, 'interpolator'>,
  imageNeeded = true,
): { image: Volume; mask: Volume } {
  let resampledImage: Volume;
  switch (imageNeeded ? settings.interpolator : 'sitkNearestNeighbor') {
    case 'sitkNearestNeighbor':
      resampledImage = nearest(image, grid);
      break;
    case 'sitkLinear':
      resampledImage = castLike(image.data, resampleLinear(image, grid));
      break;
    case 'sitkBSpline':
      resampledImage = castLike(image.data, resampleBSpline(image, grid));
      break;
    default:
      throw new RadiomicsInputError(
        'setting.interpolator',
        `${settings.interpolator} is not available in this engine; use sitkBSpline, sitkLinear or sitkNearestNeighbor`,
      );
  }
  return { image: resampledImage, mask: nearest(mask, grid) };
}

/** Nearest-neighbour resampling (ITK: continuous index rounded half up; 0 outside the source). */
function nearest(source: Volume, target: Geometry): Volume {
  const comps = source.components ?? 1;
  const [nx, ny, nz] = target.size;
  const [mx, my, mz] = source.size;
  const ctor = source.data.constructor as new (n: number) => VoxelArray;
  const out = new ctor(nx * ny * nz);
  const d = target.direction;
  const e = source.direction;
  const [tx, ty, tz] = target.spacingMm;
  const [sx, sy, sz] = source.spacingMm;
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        // p − origin_source, with p = origin_target + D·(i·tx, j·ty, k·tz)
        const a = i * tx;
        const b = j * ty;
        const c = k * tz;
        const px = target.originMm[0] + d[0] * a + d[1] * b + d[2] * c - source.originMm[0];
        const py = target.originMm[1] + d[3] * a + d[4] * b + d[5] * c - source.originMm[1];
        const pz = target.originMm[2] + d[6] * a + d[7] * b + d[8] * c - source.originMm[2];
        // continuous source index = Eᵀ(p − origin) / spacing (orthonormal E)
        const qi = Math.floor((e[0] * px + e[3] * py + e[6] * pz) / sx + 0.5);
        const qj = Math.floor((e[1] * px + e[4] * py + e[7] * pz) / sy + 0.5);
        const qk = Math.floor((e[2] * px + e[5] * py + e[8] * pz) / sz + 0.5);
        if (qi < 0 || qj < 0 || qk < 0 || qi >= mx || qj >= my || qk >= mz) continue;
        out[o] = source.data[(qi + mx * (qj + my * qk)) * comps]!;
      }
  return {
    ...target,
    size: [...target.size],
    spacingMm: [...target.spacingMm],
    originMm: [...target.originMm],
    direction: [...target.direction],
    data: out,
  };
}

/** Value range of each integer voxel type (ITK clamps to it before casting). */
const INTEGER_RANGE: [abstract new (n: number) => VoxelArray, number, number][] = [
  [Int8Array, -128, 127],
  [Uint8Array, 0, 255],
  [Int16Array, -32768, 32767],
  [Uint16Array, 0, 65535],
  [Int32Array, -2147483648, 2147483647],
  [Uint32Array, 0, 4294967295],
];

/** Converts interpolated values back to the source's voxel type: integers saturate, then truncate. */
function castLike(sourceData: VoxelArray, v: Volume): Volume {
  const range = INTEGER_RANGE.find(([ctor]) => sourceData instanceof ctor);
  if (!range) return v;
  const [, lo, hi] = range;
  const ctor = sourceData.constructor as new (n: number) => VoxelArray;
  const out = new ctor(v.data.length);
  for (let o = 0; o < out.length; o++) out[o] = Math.trunc(Math.min(hi, Math.max(lo, v.data[o]!)));
  return { ...v, data: out };
}
