/**
 * IBSI mode: the IBSI chapter 1 feature set for one image and mask, with IBSI discretisation
 * (bins start at the minimum or the re-segmentation lower bound, unlike PyRadiomics) and every
 * texture aggregation method. Output features carry their IBSI family and feature ids and, for
 * texture, the aggregation id: `ibsi_<family>_<feature>[_<aggregation>]`.
 *
 * Processing follows IBSI §2: the morphological mask is the ROI; the intensity mask is the ROI
 * re-segmented to `resegmentRange` and, with `outlierFiltering`, to mean ± 3 SD (intersection).
 * Morphology uses the morphological mask, everything else the intensity mask. Interpolation is
 * not part of this module (configurations B–E need a resampled image as input).
 */
import { ibsiFilterName, ibsiResponseMap, type IbsiFilterSpec } from '../../filters/ibsi2/index.js';
import type { Volume } from '../../imaging/volume.js';
import { RadiomicsInputError } from '../errors.js';
import { cropRoi, roiOfLabel } from '../preprocess.js';
import { DEFAULT_SETTINGS } from '../settings.js';
import { intensityHistogram, intensityPeaks, intensityStatistics, intensityVolumeHistogram } from './intensity.js';
import type { Dimensionality, IbsiRoi } from './matrices.js';
import { morphology } from './morphology.js';
import { ibsiTexture } from './texture.js';
import { ibsiInterpolate } from './interpolate.js';
import type { IbsiSpacing } from './interpolate.js';

export type IbsiDiscretisation = { method: 'none' } | { method: 'FBS'; binWidth: number } | { method: 'FBN'; bins: number };

export interface IbsiConfig {
  label?: number;
  discretisation: IbsiDiscretisation;
  resegmentRange?: [number, number] | null;
  outlierFiltering?: boolean;
  /** Round intensities to the nearest integer first (IBSI CT phantom: NIfTI values are floats). */
  roundIntensities?: boolean;
  /** Texture aggregations to compute: '2D' (2D and 2.5D methods), '3D'; default both. */
  dimensions?: Dimensionality[];
  /** Interpolate to this spacing first (IBSI grid; image trilinear or cubic B-spline; see interpolate.ts). */
  interpolation?: { spacingMm: IbsiSpacing; image?: 'linear' | 'bspline' };
  /**
   * Intensity-volume histogram: 'discrete' (calibrated intensities, bin width 1, over the
   * re-segmentation range or the ROI range), fixed bin width from the re-segmentation lower bound
   * with bins represented by their centres, or a fixed bin count between ROI minimum and maximum
   * with the bin numbers as values. Default 'discrete'.
   */
  ivh?: { method: 'discrete' } | { method: 'binWidth'; binWidth: number } | { method: 'binCount'; bins: number };
  /**
   * An IBSI chapter 2 filter (IBSI 2 phase 2): its response map, computed on the whole
   * (interpolated, rounded) image, replaces the intensities; the morphological and intensity
   * masks still come from the original intensities. Morphology is left out (it does not depend on
   * the filter) and names get the filter's prefix: `<ibsi2-…>_ibsi_<family>_<feature>`.
   */
  filter?: IbsiFilterSpec;
}

export interface IbsiFeature {
  name: string;
  family: string;
  id: string;
  aggregation: string | null;
  value: number;
}

/** IBSI discretisation of `x` (IBSI §2.7): FBS from `lower`, FBN between min and max. */
export function ibsiLevel(x: number, d: IbsiDiscretisation, lower: number, min: number, max: number): number {
  switch (d.method) {
    case 'none':
      return x;
    case 'FBS':
      return Math.floor((x - lower) / d.binWidth) + 1;
    case 'FBN':
      return x >= max ? d.bins : Math.floor((d.bins * (x - min)) / (max - min)) + 1;
  }
}

export function extractIbsiFeatures(image: Volume, mask: Volume, config: IbsiConfig): IbsiFeature[] {
  let label = config.label ?? 1;
  if (config.interpolation) {
    if (config.roundIntensities === false)
      throw new RadiomicsInputError('roundIntensities', 'IBSI interpolation always rounds intensities');
    ({ image, mask } = ibsiInterpolate(
      image,
      mask,
      config.interpolation.spacingMm,
      label,
      10,
      config.interpolation.image ?? 'linear',
    ));
    label = 1;
  }
  const { roi, bbox } = roiOfLabel(mask, label);
  const crop = cropRoi(image, roi, bbox, DEFAULT_SETTINGS);
  let { values } = crop;
  const { size } = crop;
  if (config.roundIntensities) for (let o = 0; o < values.length; o++) values[o] = Math.round(values[o]!);
  let response: Volume | null = null;
  if (config.filter) {
    let input = image;
    if (config.roundIntensities) input = { ...image, components: 1, data: Float64Array.from(image.data, Math.round) };
    response = ibsiResponseMap(input, config.filter);
  }
  const morph = crop.mask;
  // Intensity mask: range re-segmentation ∩ outlier filtering.
  const imask = morph.slice();
  const range = config.resegmentRange ?? null;
  if (range)
    for (let o = 0; o < imask.length; o++) if (imask[o] && (values[o]! < range[0] || values[o]! > range[1])) imask[o] = 0;
  if (config.outlierFiltering) {
    let s = 0;
    let c = 0;
    for (let o = 0; o < morph.length; o++) {
      if (!morph[o]) continue;
      s += values[o]!;
      c++;
    }
    const mean = s / c;
    let ss = 0;
    for (let o = 0; o < morph.length; o++) if (morph[o]) ss += (values[o]! - mean) ** 2;
    const sd = Math.sqrt(ss / c);
    for (let o = 0; o < imask.length; o++) if (imask[o] && Math.abs(values[o]! - mean) > 3 * sd) imask[o] = 0;
  }
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let o = 0; o < imask.length; o++) {
    if (!imask[o]) continue;
    n++;
    min = Math.min(min, values[o]!);
    max = Math.max(max, values[o]!);
  }
  if (n === 0) throw new RadiomicsInputError('resegmentRange', 'the intensity mask is empty after re-segmentation');
  if (response) {
    // Masks from the original intensities; statistics from the response map.
    values = cropRoi(response, roi, bbox, DEFAULT_SETTINGS).values;
    min = Infinity;
    max = -Infinity;
    for (let o = 0; o < imask.length; o++) {
      if (!imask[o]) continue;
      min = Math.min(min, values[o]!);
      max = Math.max(max, values[o]!);
    }
  }
  const d = config.discretisation;
  // The re-segmentation range bounds original intensities, not a response map.
  const lower = range && !response ? range[0] : min;
  const levels = new Int32Array(imask.length);
  const x = new Float64Array(n);
  const xd = new Float64Array(n);
  let ng = 0;
  for (let o = 0, m = 0; o < imask.length; o++) {
    if (!imask[o]) continue;
    const lv = ibsiLevel(values[o]!, d, lower, min, max);
    if (!Number.isInteger(lv) || lv < 1) {
      throw new RadiomicsInputError(
        'discretisation',
        `without discretisation the intensities must be integers ≥ 1 to serve as grey levels; found ${values[o]}`,
      );
    }
    levels[o] = lv;
    x[m] = values[o]!;
    xd[m++] = lv;
    ng = Math.max(ng, lv);
  }
  if (d.method === 'FBN') ng = d.bins;
  const ibsiRoi: IbsiRoi = { size: [...size], levels, mask: imask, ng, morphologicalMask: morph };

  const out: IbsiFeature[] = [];
  const prefix = config.filter ? `${ibsiFilterName(config.filter)}_` : '';
  const add = (family: string, values: Record<string, number>, aggregation: string | null = null) => {
    for (const [id, value] of Object.entries(values)) {
      out.push({ name: `${prefix}ibsi_${family}_${id}${aggregation ? `_${aggregation}` : ''}`, family, id, aggregation, value });
    }
  };
  if (!response)
    add('HCUG', morphology({ mask: morph, size: [...size], spacingMm: [...crop.spacingMm], intensityMask: imask, values }));
  // Local intensity: the whole image around ROI voxels (intensity mask placed back in the image).
  const full = new Uint8Array(image.size[0] * image.size[1] * image.size[2]);
  for (let k = 0, o = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++, o++)
        if (imask[o]) full[bbox.lower[0] + i + image.size[0] * (bbox.lower[1] + j + image.size[1] * (bbox.lower[2] + k))] = 1;
  add('9ST6', intensityPeaks(response ?? image, full));
  add('UHIW', intensityStatistics(x));
  add('ZVCW', intensityHistogram(xd, ng));
  add('P88C', ivhFeatures(x, config, response ? null : range, min, max));
  for (const [family, byAgg] of Object.entries(ibsiTexture(ibsiRoi, config.dimensions ?? ['2D', '3D']))) {
    for (const [agg, values] of Object.entries(byAgg)) add(family, values!, agg);
  }
  return out;
}

function ivhFeatures(x: Float64Array, config: IbsiConfig, range: [number, number] | null, min: number, max: number) {
  const ivh = config.ivh ?? { method: 'discrete' };
  switch (ivh.method) {
    case 'discrete':
      return intensityVolumeHistogram(x, range ? range[0] : min, range ? range[1] : max, 1);
    case 'binWidth': {
      const w = ivh.binWidth;
      const lo = range ? range[0] : min;
      const hi = range ? range[1] : max;
      const bins = Math.ceil((hi - lo) / w);
      const centres = x.map((v) => lo + (Math.floor((v - lo) / w) + 0.5) * w);
      return intensityVolumeHistogram(centres, lo + w / 2, lo + (bins - 0.5) * w, w);
    }
    case 'binCount': {
      const d: IbsiDiscretisation = { method: 'FBN', bins: ivh.bins };
      const levels = x.map((v) => ibsiLevel(v, d, min, min, max));
      return intensityVolumeHistogram(levels, 1, ivh.bins, 1);
    }
  }
}
