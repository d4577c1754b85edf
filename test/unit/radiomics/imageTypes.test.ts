/**
 * Extraction over the image types of a parameter file (radiomics/imageTypes.ts).
 *
 * Reference: ../shared/reference/pyradiomics/pyradiomics3_wavelet.json, PyRadiomics 3 with an
 * `imageType: {Original: {}, Wavelet: {}}` parameter file (coif1, start level 0, one level, the
 * plain baseline settings) on brain1 and breast1: every one of the 851 values within relative
 * 1e-6 (issue 6/7 tolerance). The other tests check how filtered image types take the ROI.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { laplacianOfGaussian } from '../../../main/compute/filters/log.js';
import { extractFeatures } from '../../../main/compute/radiomics/extract.js';
import { extractImageTypes, filterInputs } from '../../../main/compute/radiomics/imageTypes.js';
import { parseParameterFile } from '../../../main/compute/radiomics/settings.js';
import { pyradiomicsVolume, referencePath, relativeError } from './reference.js';

const reference = JSON.parse(readFileSync(referencePath('pyradiomics', 'pyradiomics3_wavelet.json'), 'utf8')) as Record<
  string,
  Record<string, number>
>;
const PLAIN = `
setting: {binWidth: 25, distances: [1], voxelArrayShift: 2000, label: 1, minimumROIDimensions: 1}
`;

describe.each(['brain1', 'breast1'])('%s: Original + Wavelet from one parameter file, as PyRadiomics 3', (caseName) => {
  it('every feature name and value within relative 1e-6', () => {
    const params = parseParameterFile(`${PLAIN}imageType: {Original: {}, Wavelet: {}}\n`, 'wavelet.yaml');
    const image = pyradiomicsVolume(`${caseName}_image`);
    const mask = pyradiomicsVolume(`${caseName}_label`);
    const r = extractImageTypes(image, mask, params);
    const expected = reference[caseName]!;
    const got = new Map(r.features.map((f) => [f.name, f.value]));
    expect([...got.keys()].sort()).toEqual(Object.keys(expected).sort());
    let worst = 0;
    for (const [name, value] of Object.entries(expected)) {
      const err = relativeError(got.get(name)!, value);
      worst = Math.max(worst, err);
      expect(err, `${name}: got ${got.get(name)}, expected ${value}`).toBeLessThanOrEqual(1e-6);
    }
    console.log(`${caseName} Original+Wavelet: ${got.size} features, max rel err ${worst.toExponential(2)}`);
  });
});

describe('filtered image types', () => {
  const image = pyradiomicsVolume('breast1_image');
  const mask = pyradiomicsVolume('breast1_label');

  it('LoG features are the texture classes of the LoG image, named log-sigma-S-mm-3D_*', () => {
    const params = parseParameterFile(
      `${PLAIN}imageType: {LoG: {sigma: [1.0, 2.5]}}\nfeatureClass: {firstorder: [Mean, Energy], glcm: [Contrast], shape: [VoxelVolume]}\n`,
    );
    const r = extractImageTypes(image, mask, params);
    expect(r.features.map((f) => f.name)).toEqual([
      'original_shape_VoxelVolume',
      'log-sigma-1-0-mm-3D_firstorder_Energy',
      'log-sigma-1-0-mm-3D_firstorder_Mean',
      'log-sigma-1-0-mm-3D_glcm_Contrast',
      'log-sigma-2-5-mm-3D_firstorder_Energy',
      'log-sigma-2-5-mm-3D_firstorder_Mean',
      'log-sigma-2-5-mm-3D_glcm_Contrast',
    ]);
    // Same engine on the LoG image computed directly (no preCrop, no resampling: the whole image).
    const direct = extractFeatures(laplacianOfGaussian(image, 2.5, true), mask, params.settings, { firstorder: ['Mean'] });
    expect(r.features[5]!.value).toBe(direct.features[0]!.value);
  });

  it('the ROI of a filtered image is re-segmented on the original intensities', () => {
    // The ROI's median intensity splits it: keep the voxels at or above it.
    const inRoi = Array.from(image.data)
      .filter((_, i) => mask.data[i] === 1)
      .sort((x, y) => x - y);
    const cut = inRoi[inRoi.length >> 1]!;
    const yaml = (range: string) =>
      `setting: {binWidth: 25, label: 1, minimumROIDimensions: 1${range}}\nimageType: {Square: {}}\nfeatureClass: {firstorder: [Energy, Mean], glcm: [Contrast]}\n`;
    const params = parseParameterFile(yaml(`, resegmentRange: [${cut}]`));
    const inputs = filterInputs(image, mask, params.settings);
    let kept = 0;
    for (let i = 0; i < mask.data.length; i++) {
      const expected = mask.data[i] === 1 && image.data[i]! >= cut ? 1 : 0;
      kept += expected;
      if (inputs.mask.data[i] !== expected) throw new Error(`voxel ${i}: ROI ${inputs.mask.data[i]}, expected ${expected}`);
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(inRoi.length);
    // Reference: the same image types with the ROI re-segmented by hand beforehand.
    const byHand = { ...mask, data: Uint8Array.from(mask.data, (m, i) => (m === 1 && image.data[i]! >= cut ? 1 : 0)) };
    const r = extractImageTypes(image, mask, params);
    const ref = extractImageTypes(image, byHand, parseParameterFile(yaml('')));
    expect(r.features.map((f) => f.name)).toEqual(['square_firstorder_Energy', 'square_firstorder_Mean', 'square_glcm_Contrast']);
    expect(r.features).toEqual(ref.features);
  });

  it('preCrop crops the filter input to the ROI box padded by padDistance', () => {
    const params = parseParameterFile(`setting: {label: 1, preCrop: true, padDistance: 3}\n`);
    const inputs = filterInputs(image, mask, params.settings);
    const full = filterInputs(image, mask, { ...params.settings, preCrop: false });
    expect(full.image.size).toEqual(image.size);
    expect(inputs.image.size.every((s, a) => s <= image.size[a]!)).toBe(true);
    const count = (d: ArrayLike<number>) => Array.from(d).reduce((a, b) => a + b, 0);
    expect(count(inputs.mask.data)).toBe(count(full.mask.data));
  });
});
