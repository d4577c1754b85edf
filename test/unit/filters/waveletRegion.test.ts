/**
 * waveletImages (valid-mode line passes over the gathered periodic input, optionally over a voxel
 * region only) against its twin waveletImagesCircular (the direct whole-image transform: odd axes
 * padded by wrapping, circular swt passes on every voxel, cropped back). Reference: the twin;
 * tolerance 0 — both add the same products in the same order, so every value must be identical.
 */
import { describe, expect, it } from 'vitest';
import type { WaveletOptions } from '../../../main/compute/filters/wavelet.js';
import { waveletImages, waveletImagesCircular } from '../../../main/compute/filters/wavelet.js';
import type { Mat3, Vec3, Volume } from '../../../main/compute/imaging/volume.js';

function volume(size: Vec3, seed: number): Volume<Float32Array> {
  const n = size[0] * size[1] * size[2];
  const data = new Float32Array(n);
  let s = seed;
  for (let o = 0; o < n; o++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[o] = (s / 2147483648) * 1000 - 300;
  }
  // An oblique direction and an origin, to check the region's placement.
  const direction: Mat3 = [0, 1, 0, -1, 0, 0, 0, 0, 1];
  return { size, spacingMm: [0.7, 0.8, 2.5], originMm: [10, -20, 5], direction, data };
}

/** Bits-exact comparison of the region of every whole-image band with the region-only band. */
function expectSameBands(image: Volume, options: Omit<WaveletOptions, 'region'>, region?: WaveletOptions['region']): void {
  const whole = waveletImagesCircular(image, options);
  const got = waveletImages(image, { ...options, region });
  expect(got.map((b) => b.name)).toEqual(whole.map((b) => b.name));
  const lower = region?.lower ?? [0, 0, 0];
  const upper = region?.upper ?? image.size.map((s) => s - 1);
  const size = [0, 1, 2].map((a) => upper[a]! - lower[a]! + 1);
  const [nx, ny] = image.size;
  for (let b = 0; b < whole.length; b++) {
    const v = got[b]!.volume;
    expect(v.size).toEqual(size);
    let differing = 0;
    for (let k = 0, o = 0; k < size[2]!; k++)
      for (let j = 0; j < size[1]!; j++)
        for (let i = 0; i < size[0]!; i++, o++) {
          const w = whole[b]!.volume.data[lower[0]! + i + nx * (lower[1]! + j + ny * (lower[2]! + k))]!;
          if (!Object.is(v.data[o], w)) differing++;
        }
    expect(differing, `${whole[b]!.name}: values differing from the whole-image transform`).toBe(0);
  }
}

describe('waveletImages equals the whole-image circular transform', () => {
  it.each([
    ['coif1, odd sizes', [9, 7, 5], { wavelet: 'coif1' }],
    ['coif1, even sizes', [8, 6, 4], { wavelet: 'coif1' }],
    ['db3, axis shorter than the filter', [3, 12, 7], { wavelet: 'db3' }],
    ['haar, two levels', [6, 5, 4], { wavelet: 'haar', level: 2 }],
    ['coif1, start level 1, two levels', [11, 6, 5], { wavelet: 'coif1', startLevel: 1, level: 2 }],
    ['coif1, force2D along z', [9, 8, 3], { wavelet: 'coif1', force2D: true, force2Ddimension: 0 }],
    ['db2, force2D along x', [5, 8, 7], { wavelet: 'db2', force2D: true, force2Ddimension: 2 }],
  ] as const)('whole image: %s', (_, size, options) => {
    expectSameBands(volume([...size], size[0] * 31 + size[2]), options);
  });

  it.each([
    ['inside, away from the edges', { lower: [5, 6, 3], upper: [12, 10, 6] }, {}],
    ['touching every edge (wraps around)', { lower: [0, 0, 0], upper: [16, 14, 2] }, {}],
    ['one voxel at the far corner', { lower: [16, 14, 8], upper: [16, 14, 8] }, {}],
    ['two levels near the low edge', { lower: [1, 0, 2], upper: [7, 4, 5] }, { level: 2, startLevel: 1 }],
    ['force2D along y', { lower: [3, 2, 1], upper: [9, 9, 7] }, { force2D: true, force2Ddimension: 1 }],
  ] as const)('region %s', (_, region, extra) => {
    const image = volume([17, 15, 9], 7);
    expectSameBands(image, { wavelet: 'coif1', ...extra }, { lower: [...region.lower], upper: [...region.upper] });
  });

  it('places the region where it lies in the image', () => {
    const image = volume([17, 15, 9], 3);
    const [band] = waveletImages(image, { region: { lower: [2, 3, 4], upper: [5, 6, 7] } });
    // origin + direction · (lower ⊙ spacing): columns of the direction matrix are the axes.
    expect(band!.volume.originMm).toEqual([10 + 3 * 0.8, -20 - 2 * 0.7, 5 + 4 * 2.5]);
    expect(band!.volume.spacingMm).toEqual(image.spacingMm);
    expect(band!.volume.direction).toEqual(image.direction);
  });

  it('refuses a region outside the image', () => {
    const image = volume([8, 8, 8], 1);
    expect(() => waveletImages(image, { region: { lower: [0, 0, 0], upper: [8, 7, 7] } })).toThrow(/not inside the image/);
  });
});
