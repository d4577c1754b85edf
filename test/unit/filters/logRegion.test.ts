/**
 * laplacianOfGaussian over a voxel region against the same filter over the whole image, cropped.
 * Reference: the whole-image result (the definition the other LoG tests check); tolerance 0 —
 * the region path filters the same lines with the same arithmetic and only skips lines that do
 * not reach the region, so every value must be identical.
 */
import { describe, expect, it } from 'vitest';
import { applyImageType } from '../../../main/compute/filters/index.js';
import { laplacianOfGaussian } from '../../../main/compute/filters/log.js';
import type { Mat3, Vec3, Volume } from '../../../main/compute/imaging/volume.js';

function volume(size: Vec3, seed: number): Volume<Int16Array> {
  const data = new Int16Array(size[0] * size[1] * size[2]);
  let s = seed;
  for (let o = 0; o < data.length; o++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    data[o] = Math.floor((s / 2147483648) * 2000) - 500;
  }
  const direction: Mat3 = [1, 0, 0, 0, 0, 1, 0, -1, 0];
  return { size, spacingMm: [0.9, 1.1, 3], originMm: [-7, 3, 12], direction, data };
}

function expectRegionOfWhole(image: Volume, sigma: number, lower: Vec3, upper: Vec3): void {
  const whole = laplacianOfGaussian(image, sigma);
  const part = laplacianOfGaussian(image, sigma, true, { lower, upper });
  const size = [0, 1, 2].map((a) => upper[a]! - lower[a]! + 1);
  expect(part.size).toEqual(size);
  const [nx, ny] = image.size;
  let differing = 0;
  for (let k = 0, o = 0; k < size[2]!; k++)
    for (let j = 0; j < size[1]!; j++)
      for (let i = 0; i < size[0]!; i++, o++)
        if (!Object.is(part.data[o], whole.data[lower[0] + i + nx * (lower[1] + j + ny * (lower[2] + k))])) differing++;
  expect(differing).toBe(0);
}

describe('laplacianOfGaussian over a region equals the whole-image LoG', () => {
  const image = volume([23, 19, 11], 5);
  it.each([
    ['inside', 1.5, [4, 5, 2], [15, 12, 6]],
    ['touching the low corner', 3, [0, 0, 0], [6, 4, 3]],
    ['touching the high corner', 2, [18, 10, 7], [22, 18, 10]],
    ['one voxel', 5, [11, 9, 5], [11, 9, 5]],
    ['the whole image', 1, [0, 0, 0], [22, 18, 10]],
  ] as const)('%s, σ %s mm', (_, sigma, lower, upper) => {
    expectRegionOfWhole(image, sigma, [...lower], [...upper]);
  });

  it('places the region in the image and names it as applyImageType does', () => {
    const out = applyImageType(image, 'LoG', { sigma: [2] }, [], undefined, { lower: [1, 2, 3], upper: [4, 5, 6] });
    expect(out.map((d) => d.name)).toEqual(['log-sigma-2-0-mm-3D']);
    // origin + direction · (lower ⊙ spacing), direction columns are the voxel axes.
    expect(out[0]!.volume.originMm).toEqual([-7 + 1 * 0.9, 3 + 3 * 3, 12 - 2 * 1.1]);
  });

  it('refuses a region outside the image', () => {
    expect(() => laplacianOfGaussian(image, 1, true, { lower: [0, 0, 0], upper: [23, 18, 10] })).toThrow(/not inside the image/);
  });
});
