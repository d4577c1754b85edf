/**
 * Intensity normalisation on small arrays, values worked by hand and checked with numpy 1.x
 * (/usr/bin/python3): z-score of [1..5] = (x − 3)/√2.5 (np.std ddof=1) = ±1.26491106, ±0.63245553, 0;
 * np.percentile(1..10, [10, 90]) = 1.9, 9.1; np.percentile([3,1,4,1,5,9,2,6], [2.5, 97.5]) =
 * 1, 8.475; rescale of [1..5] to 0–2000 = 0, 500, …, 2000. Tolerance 1e-12 absolute.
 */
import { describe, expect, it } from 'vitest';
import {
  minMaxNormalize,
  percentile,
  percentileClip,
  pyradiomicsNormalize,
  rescaleIntensity,
  zScoreNormalize,
} from '../../../main/compute/filters/normalize.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import { normalizedVolume } from '../../../main/compute/radiomics/preprocess.js';

function line(values: number[]): Volume<Float64Array> {
  return {
    size: [values.length, 1, 1],
    spacingMm: [1, 1, 1],
    originMm: [0, 0, 0],
    direction: [...IDENTITY_DIRECTION],
    data: Float64Array.from(values),
  };
}

const close = (a: ArrayLike<number>, b: number[]): void => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 12));
};

describe('intensity normalisation', () => {
  it('z-score over all voxels and over a mask', () => {
    close(
      zScoreNormalize(line([1, 2, 3, 4, 5])).data,
      [-1.26491106406735, -0.632455532033676, 0, 0.632455532033676, 1.26491106406735],
    );
    // statistics of the masked voxels [2, 4] (mean 3, std √2), applied to every voxel
    const m = Uint8Array.from([0, 1, 0, 1, 0]);
    close(zScoreNormalize(line([1, 2, 3, 4, 5]), m).data, [-2 / Math.SQRT2, -1 / Math.SQRT2, 0, 1 / Math.SQRT2, 2 / Math.SQRT2]);
  });

  it('fixed-range rescale and min-max', () => {
    close(rescaleIntensity(line([1, 2, 3, 4, 5]), 0, 2000).data, [0, 500, 1000, 1500, 2000]);
    close(minMaxNormalize(line([-2, 0, 2])).data, [0, 0.5, 1]);
  });

  it('percentiles as numpy (linear) and clipping', () => {
    const ten = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentile(ten, 10)).toBeCloseTo(1.9, 12);
    expect(percentile(ten, 90)).toBeCloseTo(9.1, 12);
    close(percentileClip(line([3, 1, 4, 1, 5, 9, 2, 6]), 2.5, 97.5).data, [3, 1, 4, 1, 5, 8.475, 2, 6]);
  });

  it('PyRadiomics normalisation is preprocess.normalizedVolume', () => {
    const img = line([1, 2, 3, 4, 50]);
    const s = { normalizeScale: 100, removeOutliers: 1.5 };
    expect(Array.from(pyradiomicsNormalize(img, s).data)).toEqual(Array.from(normalizedVolume(img, s).data));
  });

  it('refuses constant images, empty masks and bad ranges', () => {
    expect(() => zScoreNormalize(line([2, 2, 2]))).toThrow(/constant/);
    expect(() => zScoreNormalize(line([1, 2]), new Uint8Array(2))).toThrow(/mask is empty/);
    expect(() => rescaleIntensity(line([1, 2]), 5, 5)).toThrow(/max > min/);
    expect(() => percentileClip(line([1, 2]), 90, 10)).toThrow(/pLow < pHigh/);
    expect(() => percentile(Float64Array.from([1]), 101)).toThrow(/\[0, 100\]/);
  });
});
