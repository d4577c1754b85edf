/**
 * Discretisation, re-segmentation and ROI handling on small hand-made volumes; every expected
 * value is worked out in the comments from PyRadiomics' definitions (imageoperations.py:
 * getBinEdges, binImage, resegmentMask, checkMask).
 */
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { binEdges, digitize, discretize } from '../../../main/compute/radiomics/discretize.js';
import { checkRoiSize, cropRoi, resegment, roiOfLabel } from '../../../main/compute/radiomics/preprocess.js';
import { resolveSettings } from '../../../main/compute/radiomics/settings.js';

export function volume(
  size: [number, number, number],
  data: number[] | Float64Array,
  spacing: [number, number, number] = [1, 1, 1],
): Volume {
  return {
    size,
    spacingMm: spacing,
    originMm: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    data: Float64Array.from(data),
  };
}

describe('fixed bin width (PyRadiomics edges on multiples of binWidth)', () => {
  it('starts at floor(min / w)·w and bins as floor(x/w) − floor(min/w) + 1', () => {
    // min 54, max 166, w 25: low = 54 − 54 mod 25 = 50, edges 50, 75, …, up to < 166 + 50.
    const e = binEdges(54, 166, { binWidth: 25, binCount: null });
    expect(Array.from(e)).toEqual([50, 75, 100, 125, 150, 175, 200]);
    expect([54, 74.9, 75, 100, 166].map((x) => digitize(x, e))).toEqual([1, 1, 2, 3, 5]);
  });
  it('uses Python modulo for negative minima', () => {
    // −37 mod 25 = 13 in Python, so the first edge is −50.
    const e = binEdges(-37, 12, { binWidth: 25, binCount: null });
    expect(e[0]).toBe(-50);
    expect([-37, -25, 0, 12].map((x) => digitize(x, e))).toEqual([1, 2, 3, 3]);
  });
  it('gives one bin to a flat region', () => {
    const e = binEdges(30, 30, { binWidth: 25, binCount: null });
    expect(Array.from(e)).toEqual([25, 50, 75]);
    expect(digitize(30, e)).toBe(1);
  });
});

describe('fixed bin count', () => {
  it('spreads binCount bins from min to max, the maximum in the top bin', () => {
    // numpy.histogram edges linspace(0, 10, 6), last edge + 1.
    const e = binEdges(0, 10, { binWidth: 25, binCount: 5 });
    expect(Array.from(e)).toEqual([0, 2, 4, 6, 8, 11]);
    expect([0, 1.99, 2, 9.99, 10].map((x) => digitize(x, e))).toEqual([1, 1, 2, 5, 5]);
  });
  it('widens a flat region by ±0.5 like numpy.histogram', () => {
    expect(Array.from(binEdges(7, 7, { binWidth: 25, binCount: 1 }))).toEqual([6.5, 8.5]);
  });
});

describe('ROI, crop and discretised levels', () => {
  // 4 × 3 × 2 image, values 0…23; mask label 2 on voxels 5, 6, 9, 17.
  const image = volume(
    [4, 3, 2],
    Array.from({ length: 24 }, (_, i) => i),
  );
  const maskData = new Array<number>(24).fill(0);
  for (const o of [5, 6, 9, 17]) maskData[o] = 2;
  maskData[0] = 1;
  const mask = volume([4, 3, 2], maskData);

  it('finds the bounding box, crops and bins', () => {
    const { roi, voxelCount, bbox } = roiOfLabel(mask, 2);
    expect(voxelCount).toBe(4);
    // 5 = (1,1,0), 6 = (2,1,0), 9 = (1,2,0), 17 = (1,1,1)
    expect(bbox).toEqual({ lower: [1, 1, 0], upper: [2, 2, 1] });
    const s = resolveSettings({ binWidth: 4 });
    const crop = cropRoi(image, roi, bbox, s);
    expect(crop.size).toEqual([2, 2, 2]);
    expect(Array.from(crop.values)).toEqual([5, 6, 9, 10, 17, 18, 21, 22]);
    expect(Array.from(crop.mask)).toEqual([1, 1, 1, 0, 1, 0, 0, 0]);
    const binned = discretize(crop, s);
    // edges from 4 (= 5 − 5 mod 4): 5,6 → 1; 9 → 2; 17 → 4.
    expect(Array.from(binned.levels)).toEqual([1, 1, 2, 0, 4, 0, 0, 0]);
    expect(Array.from(binned.grayLevels)).toEqual([1, 2, 4]);
    expect(binned.ng).toBe(4);
  });

  it('normalises with whole-image mean and unbiased SD, clamps outliers, then scales', () => {
    const { roi, bbox } = roiOfLabel(mask, 2);
    // values 0…23: mean 11.5, SD (N − 1) = √50 = 7.0711; voxel 5 → (5 − 11.5)/7.0711 = −0.9192.
    const crop = cropRoi(image, roi, bbox, resolveSettings({ normalize: true, normalizeScale: 100, removeOutliers: 0.8 }));
    expect(crop.values[0]).toBeCloseTo(-80, 12); // clamped at −0.8, ×100
    expect(crop.values[4]).toBeCloseTo(((17 - 11.5) / Math.sqrt(50)) * 100, 12);
  });

  it.each([
    // Crop values 5, 6, 9, 17 in the ROI; what remains is re-cropped to its own bounding box.
    ['absolute', [6, 17], [0, 1, 1, 0, 1, 0, 0, 0], 3],
    // one value = lower bound only: 9 and 17 remain, at (0,1,0) and (0,0,1) → a 1 × 2 × 2 crop
    ['absolute', [9], [0, 1, 1, 0], 2],
    // relative to the ROI maximum 17: [0.5·17, 17] = [8.5, 17]
    ['relative', [0.5, 1], [0, 1, 1, 0], 2],
    // mean 9.25, population SD 4.8670; mean ± 0.5 SD = [6.82, 11.68] keeps only 9
    ['sigma', [-0.5, 0.5], [1], 1],
  ] as const)('re-segments in %s mode %j', (mode, range, expectedMask, count) => {
    const { roi, bbox } = roiOfLabel(mask, 2);
    const s = resolveSettings({ resegmentRange: [...range], resegmentMode: mode });
    const out = resegment(cropRoi(image, roi, bbox, s), s);
    expect(out.voxelCount).toBe(count);
    expect(Array.from(out.mask)).toEqual(expectedMask);
  });

  it('refuses a re-segmentation that removes everything', () => {
    const { roi, bbox } = roiOfLabel(mask, 2);
    const s = resolveSettings({ resegmentRange: [100, 200] });
    expect(() => resegment(cropRoi(image, roi, bbox, s), s)).toThrow(/removed every ROI voxel/);
  });
});

describe('bad ROIs get a clear message', () => {
  const zeros = volume([3, 3, 3], new Array<number>(27).fill(0));
  it('empty mask', () => {
    expect(() => roiOfLabel(zeros, 1)).toThrow('mask: the mask is empty: no voxel is segmented (all are 0)');
  });
  it('label absent, listing the labels present', () => {
    const m = volume(
      [3, 3, 3],
      Array.from({ length: 27 }, (_, i) => (i === 4 ? 3 : i === 5 ? 7 : 0)),
    );
    expect(() => roiOfLabel(m, 1)).toThrow('label 1 is not present in the mask; labels present: 3, 7');
  });
  it('single voxel, too few dimensions, too few voxels', () => {
    const s = resolveSettings({ minimumROIDimensions: 2, minimumROISize: 3 });
    expect(() => checkRoiSize({ lower: [1, 1, 1], upper: [1, 1, 1] }, 1, s)).toThrow(/single voxel/);
    expect(() => checkRoiSize({ lower: [0, 1, 1], upper: [2, 1, 1] }, 3, s)).toThrow(
      'the ROI spans 1 dimension(s), minimumROIDimensions requires 2',
    );
    expect(() => checkRoiSize({ lower: [0, 0, 1], upper: [2, 1, 1] }, 3, s)).toThrow(
      'the ROI has 3 voxels, minimumROISize requires more than 3',
    );
    expect(() => checkRoiSize({ lower: [0, 0, 1], upper: [2, 1, 1] }, 4, s)).not.toThrow();
  });
  it('NaN or infinite intensity inside the ROI, naming the voxel', () => {
    const img = volume(
      [3, 3, 3],
      Array.from({ length: 27 }, (_, i) => (i === 13 ? NaN : i)),
    );
    const m = volume(
      [3, 3, 3],
      Array.from({ length: 27 }, (_, i) => (i >= 12 && i <= 14 ? 1 : 0)),
    );
    const { roi, bbox } = roiOfLabel(m, 1);
    expect(() => cropRoi(img, roi, bbox, resolveSettings({}))).toThrow('voxel (1, 1, 1) inside the ROI is NaN');
  });
});
