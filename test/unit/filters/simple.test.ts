/**
 * Voxel-wise image types and gradient magnitude, checked against PyRadiomics 3's formulas
 * (radiomics/imageoperations.py: getSquareImage, getSquareRootImage, getLogarithmImage,
 * getExponentialImage; M = max |x| of the whole image) worked by hand, and against SimpleITK's
 * GradientMagnitudeImageFilter definition (ITK central differences / spacing, border voxels
 * repeated) on a linear ramp. Tolerances: 1e-14 relative for float64 outputs, 1e-6 relative for
 * the float32 gradient.
 */
import { describe, expect, it } from 'vitest';
import { applyImageType, IMAGE_TYPES } from '../../../main/compute/filters/index.js';
import {
  exponentialImage,
  gradientMagnitudeImage,
  logarithmImage,
  squareImage,
  squareRootImage,
} from '../../../main/compute/filters/simple.js';
import type { Vec3, Volume } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';

function line(values: number[]): Volume<Int16Array> {
  return {
    size: [values.length, 1, 1],
    spacingMm: [1, 1, 1],
    originMm: [0, 0, 0],
    direction: [...IDENTITY_DIRECTION],
    data: Int16Array.from(values),
  };
}

function close(actual: ArrayLike<number>, expected: number[], rel: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (e === 0) expect(a).toBe(0);
    else expect(Math.abs(a / e - 1), `index ${i}: got ${a}, expected ${e}`).toBeLessThan(rel);
  }
}

describe('PyRadiomics voxel-wise filters (M = max|x| = 9)', () => {
  const x = [-4, 0, 1, 9];
  it('square: (x/√M)²', () => close(squareImage(line(x)).data, [16 / 9, 0, 1 / 9, 9], 1e-14));
  it('squareroot: sign(x)·√(|x|·M)', () => close(squareRootImage(line(x)).data, [-6, 0, 3, 9], 1e-14));
  it('logarithm: sign(x)·ln(|x|+1), rescaled to max |.| = M', () => {
    const s = 9 / Math.log(10);
    close(logarithmImage(line(x)).data, [-Math.log(5) * s, 0, Math.log(2) * s, 9], 1e-14);
  });
  it('exponential: exp(x·ln M / M) = M^(x/M)', () =>
    close(exponentialImage(line(x)).data, [9 ** (-4 / 9), 1, 9 ** (1 / 9), 9], 1e-14));
  it('an all-zero image is refused where numpy would divide by zero', () => {
    expect(() => squareImage(line([0, 0]))).toThrow(/all zeros/);
    expect(() => logarithmImage(line([0, 0]))).toThrow(/all zeros/);
    expect(() => exponentialImage(line([0, 0]))).toThrow(/all zeros/);
    expect([...squareRootImage(line([0, 0])).data]).toEqual([0, 0]);
  });
});

describe('gradient magnitude (SimpleITK GradientMagnitudeImageFilter)', () => {
  const size: Vec3 = [6, 5, 4];
  const spacing: Vec3 = [0.5, 1, 2];
  const data = new Float64Array(6 * 5 * 4);
  // f = 2·x + 3·y − z in mm: |∇f| = √14 inside; on a border the difference is one-sided over 2 steps.
  for (let k = 0; k < 4; k++)
    for (let j = 0; j < 5; j++) for (let i = 0; i < 6; i++) data[i + 6 * (j + 5 * k)] = 2 * i * 0.5 + 3 * j * 1 - k * 2;
  const img: Volume<Float64Array> = { size, spacingMm: spacing, originMm: [0, 0, 0], direction: [...IDENTITY_DIRECTION], data };

  it('with spacing: √14 inside, halved components on borders; float32 output', () => {
    const g = gradientMagnitudeImage(img, true);
    expect(g.data).toBeInstanceOf(Float32Array);
    const at = (i: number, j: number, k: number) => g.data[i + 6 * (j + 5 * k)]!;
    close([at(2, 2, 1), at(0, 2, 1), at(2, 4, 3)], [Math.sqrt(14), Math.sqrt(1 + 9 + 1), Math.sqrt(4 + 2.25 + 0.25)], 1e-6);
  });

  it('without spacing: derivatives per voxel step (gradientUseSpacing false)', () => {
    const g = gradientMagnitudeImage(img, false);
    close([g.data[2 + 6 * (2 + 5 * 1)]!], [Math.sqrt(1 + 9 + 4)], 1e-6);
  });
});

describe('applyImageType', () => {
  it('names every image type as PyRadiomics does', () => {
    const img = line([1, 2, 3, 4]);
    const mask: Volume = { ...img, data: Uint8Array.from([1, 1, 1, 1]) };
    const names = IMAGE_TYPES.filter((t) => t !== 'LoG' && t !== 'Wavelet' && t !== 'IBSI2').map(
      (t) => applyImageType(img, t, {}, [], mask)[0]!.name,
    );
    expect(names).toEqual(['original', 'square', 'squareroot', 'logarithm', 'exponential', 'gradient', 'lbp-2D', 'lbp-3D-m1']);
    const wav = applyImageType({ ...line([1, 2, 3, 4]), size: [2, 2, 1] }, 'Wavelet', { wavelet: 'haar' }).map((i) => i.name);
    expect(wav).toEqual([
      'wavelet-LLH',
      'wavelet-LHL',
      'wavelet-LHH',
      'wavelet-HLL',
      'wavelet-HLH',
      'wavelet-HHL',
      'wavelet-HHH',
      'wavelet-LLL',
    ]);
  });
});
