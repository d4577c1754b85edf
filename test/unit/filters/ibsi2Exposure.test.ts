/**
 * The IBSI 2 filters where users reach them: the parameter file's RadStudy image type `IBSI2`
 * (study extraction, CLI) and IBSI mode (`extractIbsiFeatures` with `filter`), plus the bad-input
 * messages of the filter image types.
 *
 * References and tolerances (properties, no IBSI 2 reference values exist here):
 * - a mean filter with periodic padding keeps the image sum, so over a whole-image ROI the mean of
 *   the response equals the mean of the image: 1e-12 relative (PyRadiomics firstorder_Mean and
 *   IBSI Q4LE alike);
 * - a mean filter of a constant image is that constant: firstorder_Mean, 1e-12 relative.
 * - Messages: PyRadiomics documents that SquareRoot and Logarithm mirror negative intensities
 *   (f(x) = −f(−x)); we compute that and warn.
 */
import { describe, expect, it } from 'vitest';
import { applyImageType } from '../../../main/compute/filters/index.js';
import type { Vec3, Volume } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import { extractIbsiFeatures } from '../../../main/compute/radiomics/ibsi/extract.js';
import { extractImageTypes } from '../../../main/compute/radiomics/imageTypes.js';
import { parseParameterFile } from '../../../main/compute/radiomics/settings.js';

function vol(size: Vec3, data: ArrayLike<number>, spacing: Vec3 = [1, 1, 1]): Volume<Float64Array> {
  return { size, spacingMm: spacing, originMm: [0, 0, 0], direction: [...IDENTITY_DIRECTION], data: Float64Array.from(data) };
}

function noise(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => Math.round(((s = (s * 16807) % 2147483647) / 2147483647) * 100));
}

const YAML = `
imageType:
  Original: {}
  IBSI2:
    binWidth: 5
    filters:
      - {filter: mean, support: 3, padding: nearest}
      - {filter: laws, kernel: E5L5S5, rotationInvariant: true, pooling: max, energyDelta: 1, padding: mirror}
setting:
  binWidth: 25
featureClass:
  firstorder: [Mean]
`;

describe('parameter file: imageType IBSI2', () => {
  it('reads the filter list and the image type own settings', () => {
    const p = parseParameterFile(YAML, 'params.yaml');
    expect(p.imageTypes.IBSI2?.binWidth).toBe(5);
    expect(p.imageTypes.IBSI2?.filters?.map((f) => f.filter)).toEqual(['mean', 'laws']);
    expect(p.imageTypes.IBSI2?.filters?.[0]).toEqual({ filter: 'mean', support: 3, padding: 'nearest', by2D: false });
  });
  it('bad input names the file, the image type and the key', () => {
    expect(() => parseParameterFile('imageType:\n  IBSI2: {}\n', 'params.yaml')).toThrow(
      /params.yaml: imageType.IBSI2.filters: expected a non-empty list of IBSI 2 filter specifications/,
    );
    expect(() =>
      parseParameterFile('imageType:\n  IBSI2:\n    filters:\n      - {filter: laws, kernel: Q5}\n', 'params.yaml'),
    ).toThrow(/params.yaml: imageType.IBSI2.*filters\[0\].kernel: Laws kernel "Q5"/);
    expect(() =>
      parseParameterFile(
        'imageType:\n  IBSI2:\n    filters:\n      - {filter: mean, support: 15}\n    sigmaX: 1\n',
        'params.yaml',
      ),
    ).toThrow(/sigmaX/);
  });
  it('extraction names the features <ibsi2-…>_<class>_<Feature>; a constant stays constant', () => {
    const n = 10;
    const image = vol([n, n, n], new Float64Array(n ** 3).fill(42));
    const mask: Volume = { ...image, data: new Uint8Array(n ** 3).fill(0) };
    for (let k = 3; k < 7; k++)
      for (let j = 3; j < 7; j++) for (let i = 3; i < 7; i++) (mask.data as Uint8Array)[i + n * (j + n * k)] = 1;
    const r = extractImageTypes(image, mask, parseParameterFile(YAML, 'params.yaml'));
    const names = r.features.map((f) => f.name);
    expect(names).toEqual([
      'original_firstorder_Mean',
      'ibsi2-mean-3-3D-nearest_firstorder_Mean',
      'ibsi2-laws-E5L5S5-energy1-max-invariant-mirror_firstorder_Mean',
    ]);
    expect(Math.abs(r.features[1]!.value / 42 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(r.features[2]!.value)).toBeLessThan(1e-12); // zero-sum E5: no energy on a constant
  });
  it('a filter refusing its input says which filter of the list', () => {
    const image = vol([6, 6, 6], noise(216, 4), [2, 2, 2]);
    expect(() =>
      applyImageType(image, 'IBSI2', {
        filters: [{ filter: 'log', sigmaMm: 0.5, truncate: 4, padding: 'constant', by2D: false }],
      }),
    ).toThrow(
      /imageType.IBSI2.filters\[0\] \(ibsi2-log-sigma-0-5-mm-3D-constant\): LoG sigma 0.5 mm is smaller than half the voxel spacing/,
    );
    expect(() =>
      applyImageType(image, 'IBSI2', {
        filters: [
          { filter: 'wavelet', wavelet: 'coif1', subband: 'HHL', level: 2, padding: 'periodic', rotationInvariant: false },
        ],
      }),
    ).toThrow(/volume too small for coif1 level 2: axis x has 6 voxels, the level-2 filter spans 11/);
  });
});

describe('IBSI mode with an IBSI 2 filter', () => {
  it('periodic mean filter over a whole-image ROI keeps the mean (Q4LE); names carry the filter', () => {
    const size: Vec3 = [8, 8, 6];
    const data = noise(384, 7);
    const image = vol(size, data);
    const mask: Volume = { ...image, data: new Uint8Array(384).fill(1) };
    const plain = extractIbsiFeatures(image, mask, { discretisation: { method: 'FBN', bins: 16 }, dimensions: ['3D'] });
    const filtered = extractIbsiFeatures(image, mask, {
      discretisation: { method: 'FBN', bins: 16 },
      dimensions: ['3D'],
      filter: { filter: 'mean', support: 3, padding: 'periodic', by2D: false },
    });
    const mean = (fs: typeof plain, name: string) => fs.find((f) => f.name === name)!.value;
    expect(Math.abs(mean(filtered, 'ibsi2-mean-3-3D-periodic_ibsi_UHIW_Q4LE') / mean(plain, 'ibsi_UHIW_Q4LE') - 1)).toBeLessThan(
      1e-12,
    );
    expect(filtered.some((f) => f.family === 'HCUG')).toBe(false);
    expect(filtered.every((f) => f.name.startsWith('ibsi2-mean-3-3D-periodic_ibsi_'))).toBe(true);
  });
});

describe('SquareRoot / Logarithm with negative intensities', () => {
  it('computes the mirrored result and warns as PyRadiomics documents', () => {
    const image = vol([4, 1, 1], [-4, 0, 1, 9]);
    const warnings: string[] = [];
    const out = applyImageType(image, 'SquareRoot', {}, warnings);
    expect([...out[0]!.volume.data]).toEqual([-6, 0, 3, 9]);
    expect(warnings).toEqual([
      '1 voxel(s) have negative intensities: squareroot uses |x| and makes their result negative (f(x) = −f(−x)), as PyRadiomics documents',
    ]);
    const w2: string[] = [];
    applyImageType(image, 'Logarithm', {}, w2);
    expect(w2[0]).toMatch(/logarithm uses \|x\|/);
    const w3: string[] = [];
    applyImageType(vol([2, 1, 1], [0, 3]), 'Logarithm', {}, w3);
    expect(w3).toEqual([]);
  });
});
