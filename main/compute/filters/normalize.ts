/**
 * Intensity normalisation for MRI (preprocessing, not an image type). Every function returns a
 * new float64 volume with the input's geometry; statistics are taken over `mask` (1 = voxel used,
 * e.g. the ROI or a body mask) or over every voxel when no mask is given, and the transform is
 * applied to every voxel.
 *
 * - zScoreNormalize:   (x − mean) / std, std with divisor N − 1 (as imageMeanStd / SimpleITK)
 * - rescaleIntensity:  linear map of [min, max] onto [outMin, outMax] (e.g. 0–2000)
 * - minMaxNormalize:   rescaleIntensity onto [0, 1]
 * - percentileClip:    clamp to [P(pLow), P(pHigh)], percentiles as numpy.percentile's default
 *                      ('linear': position p/100·(n − 1) in the sorted values, linear between)
 * - pyradiomicsNormalize: PyRadiomics' normalize/normalizeScale/removeOutliers, i.e.
 *                      radiomics/preprocess.ts normalizedVolume (not re-implemented here).
 */
import type { Volume } from '../imaging/volume.js';
import { imageMeanStd, normalizedVolume } from '../radiomics/preprocess.js';
import type { RadiomicsSettings } from '../radiomics/settings.js';
import { like } from './simple.js';

function scalar(image: Volume): void {
  if ((image.components ?? 1) !== 1) throw new Error('intensity normalisation needs a scalar image');
}

/** The values the statistics use: every voxel, or those with mask ≠ 0. */
export function maskedValues(image: Volume, mask?: Uint8Array): Float64Array {
  scalar(image);
  if (!mask) return Float64Array.from(image.data);
  if (mask.length !== image.data.length) {
    throw new Error(`mask has ${mask.length} voxels, the image ${image.data.length}`);
  }
  let n = 0;
  for (let o = 0; o < mask.length; o++) if (mask[o]) n++;
  if (n === 0) throw new Error('intensity normalisation: the mask is empty');
  const out = new Float64Array(n);
  n = 0;
  for (let o = 0; o < mask.length; o++) if (mask[o]) out[n++] = image.data[o]!;
  return out;
}

function mapVoxels(image: Volume, f: (x: number) => number): Volume<Float64Array> {
  const out = new Float64Array(image.data.length);
  for (let o = 0; o < out.length; o++) out[o] = f(image.data[o]!);
  return like(image, out);
}

export function zScoreNormalize(image: Volume, mask?: Uint8Array): Volume<Float64Array> {
  const v = maskedValues(image, mask);
  if (v.length < 2) throw new Error('z-score needs at least 2 voxels');
  const { mean, std } = imageMeanStd(v);
  if (!(std > 0)) throw new Error('z-score: the intensities are constant (standard deviation 0)');
  return mapVoxels(image, (x) => (x - mean) / std);
}

export function rescaleIntensity(image: Volume, outMin: number, outMax: number, mask?: Uint8Array): Volume<Float64Array> {
  if (!(outMax > outMin)) throw new Error(`rescale: output range must have max > min, got [${outMin}, ${outMax}]`);
  const v = maskedValues(image, mask);
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!(hi > lo)) throw new Error('rescale: the intensities are constant (max = min)');
  const s = (outMax - outMin) / (hi - lo);
  return mapVoxels(image, (x) => outMin + (x - lo) * s);
}

export function minMaxNormalize(image: Volume, mask?: Uint8Array): Volume<Float64Array> {
  return rescaleIntensity(image, 0, 1, mask);
}

/** numpy.percentile(values, p) with the default 'linear' method. */
export function percentile(values: Float64Array, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be in [0, 100], got ${p}`);
  if (values.length === 0) throw new Error('percentile of no values');
  const s = Float64Array.from(values).sort();
  const pos = (p / 100) * (s.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < s.length ? s[i]! + f * (s[i + 1]! - s[i]!) : s[i]!;
}

export function percentileClip(image: Volume, pLow: number, pHigh: number, mask?: Uint8Array): Volume<Float64Array> {
  if (!(pLow < pHigh)) throw new Error(`percentile clipping needs pLow < pHigh, got ${pLow}, ${pHigh}`);
  const v = maskedValues(image, mask);
  const lo = percentile(v, pLow);
  const hi = percentile(v, pHigh);
  return mapVoxels(image, (x) => (x < lo ? lo : x > hi ? hi : x));
}

/** PyRadiomics normalizeImage (normalize + normalizeScale + removeOutliers), from preprocess.ts. */
export function pyradiomicsNormalize(
  image: Volume,
  settings: Pick<RadiomicsSettings, 'normalizeScale' | 'removeOutliers'>,
): Volume<Float64Array> {
  return normalizedVolume(image, settings);
}
