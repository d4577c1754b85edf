/**
 * The extraction entry point: full PyRadiomics-mode extraction, diagnostics and bad input.
 *
 * Reference for the values: ../shared/reference/pyradiomics/pyradiomics3_wavelet.json, the
 * `original_*` features (107 per case) that PyRadiomics 3 produced on brain1 and breast1 with the
 * plain baseline settings (binWidth 25, voxelArrayShift 2000, distances [1], label 1, all classes).
 * Tolerance: relative 1e-10 (largest measured 2.0e-11, glcm MCC). Bounding boxes and voxel counts:
 * `diagnostics_Mask-original_*` rows of ../shared/reference/pyradiomics/baseline/baseline_glcm.csv.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { extractFeatures } from '../../../main/compute/radiomics/extract.js';
import { resolveSettings } from '../../../main/compute/radiomics/settings.js';
import type { EnabledFeatures } from '../../../main/compute/radiomics/settings.js';
import { baselineColumns, pyradiomicsVolume, referencePath, relativeError } from './reference.js';

const ALL: EnabledFeatures = { shape: [], firstorder: [], glcm: [], gldm: [], glrlm: [], glszm: [], ngtdm: [] };
const PLAIN = resolveSettings({ binWidth: 25, voxelArrayShift: 2000, distances: [1], label: 1 });
const pyradiomics3 = JSON.parse(readFileSync(referencePath('pyradiomics', 'pyradiomics3_wavelet.json'), 'utf8')) as Record<
  string,
  Record<string, number>
>;

function withGeometry(v: Volume, change: Partial<Pick<Volume, 'originMm' | 'spacingMm' | 'direction'>>): Volume {
  return { ...v, ...change };
}

describe.each(['brain1', 'breast1'])('%s, all classes, plain settings', (caseName) => {
  const image = pyradiomicsVolume(`${caseName}_image`);
  const mask = pyradiomicsVolume(`${caseName}_label`);
  const result = extractFeatures(image, mask, PLAIN, ALL);

  it('equals PyRadiomics 3 for all 107 original features, in PyRadiomics order', () => {
    const expected = Object.entries(pyradiomics3[caseName]!).filter(([k]) => k.startsWith('original_'));
    expect(result.features).toHaveLength(107);
    expect(result.features.map((f) => f.name).sort()).toEqual(expected.map(([k]) => k).sort());
    // Shape first, then the other classes alphabetically, features alphabetically within a class.
    expect(result.features[0]!.name).toBe('original_shape_Elongation');
    expect(result.features[14]!.name).toBe('original_firstorder_10Percentile');
    expect(result.features.at(-1)!.name).toBe('original_ngtdm_Strength');
    const ref = new Map(expected);
    for (const f of result.features) {
      expect(relativeError(f.value, ref.get(f.name)!), `${f.name}: ${f.value} vs ${ref.get(f.name)}`).toBeLessThanOrEqual(1e-10);
    }
  });

  it('reports voxel count, bounding box, spacing and grey levels', () => {
    const col = baselineColumns('glcm').find((c) => c.column === caseName)!;
    // PyRadiomics prints (L_x, L_y, L_z, S_x, S_y, S_z).
    const bb = JSON.parse(
      col.diagnostics.get('diagnostics_Mask-original_BoundingBox')!.replace(/\(/g, '[').replace(/\)/g, ']'),
    ) as number[];
    const d = result.diagnostics;
    expect(d.maskVoxelCount).toBe(Number(col.diagnostics.get('diagnostics_Mask-original_VoxelNum')));
    expect(d.boundingBox.lower).toEqual(bb.slice(0, 3));
    expect(d.boundingBox.upper).toEqual(bb.slice(0, 3).map((l, i) => l + bb[3 + i]! - 1));
    expect(d.spacingMm).toEqual(image.spacingMm);
    // Grey levels present after binWidth 25 (the .npy matrices have 33 and 3 rows).
    expect(d.grayLevelCount).toBe(caseName === 'brain1' ? 33 : 3);
    expect(d.warnings.length).toBe(caseName === 'brain1' ? 0 : 1);
    if (caseName === 'breast1') expect(d.warnings[0]).toMatch(/^only 3 grey level\(s\) in the ROI after discretisation/);
  });
});

describe('image/mask geometry', () => {
  const image = pyradiomicsVolume('breast1_image');
  const mask = pyradiomicsVolume('breast1_label');
  const firstorder: EnabledFeatures = { firstorder: [] };
  const reference = extractFeatures(image, mask, PLAIN, firstorder).features;

  it('explains an origin mismatch in words and accepts it with geometryTolerance', () => {
    const shifted = withGeometry(mask, { originMm: [mask.originMm[0] + 0.01, mask.originMm[1], mask.originMm[2]] });
    expect(() => extractFeatures(image, shifted, PLAIN, firstorder)).toThrow(/origin differs by 0\.01000 mm/);
    // ITK's rule: tolerance × spacing[0] = 0.1 × 0.664 mm = 0.066 mm > 0.01 mm.
    const tolerant = { ...PLAIN, geometryTolerance: 0.1 };
    expect(extractFeatures(image, shifted, tolerant, firstorder).features).toEqual(reference);
  });

  it('names spacing, direction and size differences', () => {
    const spaced = withGeometry(mask, { spacingMm: [0.7, mask.spacingMm[1], mask.spacingMm[2]] });
    expect(() => extractFeatures(image, spaced, PLAIN, firstorder)).toThrow(/spacing differs: .* along x/);
    const turned = withGeometry(mask, { direction: [0, 1, 0, 1, 0, 0, 0, 0, 1] });
    expect(() => extractFeatures(image, turned, PLAIN, firstorder)).toThrow(/direction differs/);
    const small: Volume = { ...mask, size: [45, 120, 20], data: mask.data.subarray(0, 45 * 120 * 20) };
    expect(() => extractFeatures(image, small, PLAIN, firstorder)).toThrow(
      /size differs: image \(45, 120, 21\) voxels, mask \(45, 120, 20\)/,
    );
  });

  it('resamples the mask onto the image with correctMask', () => {
    // A shift of 0.1 voxel keeps every nearest neighbour, so the features are unchanged.
    const shifted = withGeometry(mask, { originMm: [mask.originMm[0] + 0.0664, mask.originMm[1], mask.originMm[2]] });
    const r = extractFeatures(image, shifted, { ...PLAIN, correctMask: true }, firstorder);
    expect(r.diagnostics.maskCorrected).toBe(true);
    expect(r.features).toEqual(reference);
  });

  it('refuses correctMask when the ROI lies outside the image', () => {
    const far = withGeometry(mask, { originMm: [mask.originMm[0] + 100, mask.originMm[1], mask.originMm[2]] });
    expect(() => extractFeatures(image, far, { ...PLAIN, correctMask: true }, firstorder)).toThrow(
      /reaches outside the image along x/,
    );
  });
});

describe('other bad input', () => {
  const image = pyradiomicsVolume('breast1_image');
  const mask = pyradiomicsVolume('breast1_label');

  it('computes shape before re-segmentation unless resegmentShape is set', () => {
    // breast1 intensities 102…162 in the ROI (baseline firstorder Minimum/Maximum); keeping ≥ 130
    // removes part of the ROI.
    const s = { ...PLAIN, resegmentRange: [130] };
    const shapeOf = (settings: typeof s) =>
      extractFeatures(image, mask, settings, { shape: ['VoxelVolume'], firstorder: ['Minimum'] }).features;
    const [plainVolume, minimum] = shapeOf(s);
    const [resegVolume] = shapeOf({ ...s, resegmentShape: true });
    const voxel = image.spacingMm[0] * image.spacingMm[1] * image.spacingMm[2];
    expect(plainVolume!.value).toBeCloseTo(143 * voxel, 9);
    expect(minimum!.value).toBeGreaterThanOrEqual(130);
    expect(resegVolume!.value).toBeLessThan(plainVolume!.value);
  });

  it('refuses an interpolator it does not have, naming it', () => {
    const s = { ...PLAIN, resampledPixelSpacing: [2, 2, 2], interpolator: 'sitkLanczosWindowedSinc' as const };
    expect(() => extractFeatures(image, mask, s, { firstorder: [] })).toThrow(
      'setting.interpolator: sitkLanczosWindowedSinc is not available in this engine; use sitkBSpline, sitkLinear or sitkNearestNeighbor',
    );
  });

  it('resamples with sitkLinear onto the PyRadiomics grid', () => {
    // breast1 at 2 mm: PyRadiomics' grid is 14 × 16 × 16 with the ROI (23 voxels) in the box
    // (6, 5, 6)…(8, 8, 9) (diagnostics_Mask-interpolated_* of baseline_shape.csv, breast1_resampling).
    const r = extractFeatures(
      image,
      mask,
      { ...PLAIN, resampledPixelSpacing: [2, 2, 2], interpolator: 'sitkLinear' },
      { firstorder: ['Mean'] },
    );
    expect(r.diagnostics.imageSize).toEqual([14, 16, 16]);
    expect(r.diagnostics.maskVoxelCount).toBe(23);
    expect(r.diagnostics.boundingBox).toEqual({ lower: [6, 5, 6], upper: [8, 8, 9] });
    // Linear interpolation of int16 intensities 6…248 stays in that range.
    expect(r.features[0]!.value).toBeGreaterThan(6);
    expect(r.features[0]!.value).toBeLessThan(248);
  });

  it('refuses a one-voxel ROI and an absent label', () => {
    const one = new Int16Array(mask.data.length);
    one[1000] = 1;
    expect(() => extractFeatures(image, { ...mask, data: one }, PLAIN, { firstorder: [] })).toThrow(/single voxel/);
    expect(() => extractFeatures(image, mask, { ...PLAIN, label: 2 }, { firstorder: [] })).toThrow(
      'mask: label 2 is not present in the mask; labels present: 1',
    );
  });

  it('refuses infinite intensities in the ROI and a data length that does not fit the size', () => {
    const bad = Float32Array.from(image.data);
    const firstRoiVoxel = Array.from(mask.data).findIndex((v) => v === 1);
    bad[firstRoiVoxel] = Infinity;
    expect(() => extractFeatures({ ...image, data: bad }, mask, PLAIN, { firstorder: [] })).toThrow(/inside the ROI is Infinity/);
    expect(() => extractFeatures({ ...image, data: image.data.subarray(1) }, mask, PLAIN, { firstorder: [] })).toThrow(
      /image: holds 113399 values but its size 45×120×21 needs 113400/,
    );
  });

  it('extracts texture from a 2D image (one slice) with in-plane angles only', () => {
    // Slice 10 of breast1 holds part of the ROI; a 2D ROI passes minimumROIDimensions 2.
    const n = 45 * 120;
    const img2d: Volume = { ...image, size: [45, 120, 1], data: image.data.slice(10 * n, 11 * n) };
    const msk2d: Volume = { ...mask, size: [45, 120, 1], data: mask.data.slice(10 * n, 11 * n) };
    const r = extractFeatures(img2d, msk2d, PLAIN, { glcm: ['Contrast'], firstorder: ['Mean'] });
    expect(r.diagnostics.boundingBox.lower[2]).toBe(0);
    expect(r.diagnostics.boundingBox.upper[2]).toBe(0);
    expect(Number.isFinite(r.features[1]!.value)).toBe(true);
    expect(() => extractFeatures(img2d, msk2d, { ...PLAIN, minimumROIDimensions: 3 }, { firstorder: [] })).toThrow(
      'the ROI spans 2 dimension(s), minimumROIDimensions requires 3',
    );
  });

  it('handles a large ROI (1 M voxels) without error', () => {
    const size: [number, number, number] = [128, 128, 64];
    const count = size[0] * size[1] * size[2];
    // Deterministic pseudo-random intensities 0…399 (LCG), every voxel in the ROI.
    const data = new Int16Array(count);
    let seed = 12345;
    for (let i = 0; i < count; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[i] = (seed >>> 16) % 400;
    }
    const big: Volume = { size, spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data };
    const ones: Volume = { ...big, data: new Uint8Array(count).fill(1) };
    const r = extractFeatures(big, ones, PLAIN, {
      firstorder: ['Mean', 'Maximum'],
      glcm: ['JointAverage'],
      shape: ['VoxelVolume', 'Maximum3DDiameter'],
    });
    expect(r.diagnostics.voxelCount).toBe(count);
    expect(r.diagnostics.grayLevelCount).toBe(16); // 0…399 in bins of 25
    const byName = new Map(r.features.map((f) => [f.name, f.value]));
    expect(byName.get('original_shape_VoxelVolume')).toBe(count);
    // Mesh vertices are edge midpoints: each lies half a voxel outside the box along one axis
    // only, so the farthest pair is (−0.5, 0, 0) ↔ (127.5, 127, 63): √(128² + 127² + 63²).
    expect(byName.get('original_shape_Maximum3DDiameter')).toBeCloseTo(Math.hypot(128, 127, 63), 9);
    expect(byName.get('original_firstorder_Maximum')).toBe(399);
  });
});
