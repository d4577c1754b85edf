/**
 * PyRadiomics 3's voxel-wise image types and the gradient magnitude (radiomics/imageoperations.py,
 * `getSquareImage`, `getSquareRootImage`, `getLogarithmImage`, `getExponentialImage`,
 * `getGradientImage`). M = max |x| over the whole image passed to the filter (so the result
 * depends on cropping: PyRadiomics filters the image as loaded, cropped only when resampled or
 * with preCrop). All in float64, as PyRadiomics casts the array with astype('float64'):
 *
 * - square:      (x / √M)²                         — coeff = 1/√M, (coeff·x)²
 * - squareroot:  sign(x) · √(|x| · M)               — 0 stays 0
 * - logarithm:   sign(x) · ln(|x| + 1) · M / max_y |y|   where y = sign(x)·ln(|x|+1)
 * - exponential: exp(x · ln(M) / M)
 * - gradient:    SimpleITK GradientMagnitudeImageFilter (ITK central differences
 *                (x[i+1] − x[i−1]) / (2·spacing) with UseImageSpacing, else spacing 1; border
 *                voxels repeated (ZeroFluxNeumann); √Σ g²), float32 output as SimpleITK.
 *
 * An all-zero image (M = 0) makes numpy divide by zero (NaN/Inf) in square, logarithm and
 * exponential; we refuse it with an error instead. squareroot of zeros stays zero.
 */
import type { Volume } from '../imaging/volume.js';

/** A volume on `image`'s grid holding `data`. */
export function like<T extends Float32Array | Float64Array>(image: Volume, data: T): Volume<T> {
  return {
    size: [...image.size],
    spacingMm: [...image.spacingMm],
    originMm: [...image.originMm],
    direction: [...image.direction],
    data,
  };
}

function scalarValues(image: Volume): Float64Array {
  if ((image.components ?? 1) !== 1) throw new Error('the filter needs a scalar image');
  return Float64Array.from(image.data);
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let o = 0; o < v.length; o++) {
    const a = Math.abs(v[o]!);
    if (a > m) m = a;
  }
  return m;
}

function requireNonZero(m: number, filter: string): void {
  if (!(m > 0)) throw new Error(`${filter} filter: the image is all zeros (max |x| = 0), the scaling is undefined`);
}

export function squareImage(image: Volume): Volume<Float64Array> {
  const v = scalarValues(image);
  const m = maxAbs(v);
  requireNonZero(m, 'square');
  const coeff = 1 / Math.sqrt(m);
  for (let o = 0; o < v.length; o++) {
    const t = coeff * v[o]!;
    v[o] = t * t;
  }
  return like(image, v);
}

export function squareRootImage(image: Volume): Volume<Float64Array> {
  const v = scalarValues(image);
  const m = maxAbs(v);
  for (let o = 0; o < v.length; o++) {
    const x = v[o]!;
    if (x > 0) v[o] = Math.sqrt(x * m);
    else if (x < 0) v[o] = -Math.sqrt(-x * m);
  }
  return like(image, v);
}

export function logarithmImage(image: Volume): Volume<Float64Array> {
  const v = scalarValues(image);
  const m = maxAbs(v);
  requireNonZero(m, 'logarithm');
  for (let o = 0; o < v.length; o++) {
    const x = v[o]!;
    if (x > 0) v[o] = Math.log(x + 1);
    else if (x < 0) v[o] = -Math.log(-(x - 1));
  }
  const scale = m / maxAbs(v);
  for (let o = 0; o < v.length; o++) v[o] = v[o]! * scale;
  return like(image, v);
}

export function exponentialImage(image: Volume): Volume<Float64Array> {
  const v = scalarValues(image);
  const m = maxAbs(v);
  requireNonZero(m, 'exponential');
  const coeff = Math.log(m) / m;
  for (let o = 0; o < v.length; o++) v[o] = Math.exp(coeff * v[o]!);
  return like(image, v);
}

/** Gradient magnitude, SimpleITK GradientMagnitudeImageFilter semantics (see the header). */
export function gradientMagnitudeImage(image: Volume, useSpacing = true): Volume<Float32Array> {
  if ((image.components ?? 1) !== 1) throw new Error('the gradient filter needs a scalar image');
  const [nx, ny, nz] = image.size;
  const src = image.data;
  const out = new Float32Array(nx * ny * nz);
  const c = [0, 1, 2].map((d) => 0.5 * (useSpacing ? 1 / image.spacingMm[d]! : 1)) as [number, number, number];
  const sxy = nx * ny;
  for (let k = 0; k < nz; k++) {
    const km = k > 0 ? -sxy : 0;
    const kp = k < nz - 1 ? sxy : 0;
    for (let j = 0; j < ny; j++) {
      const jm = j > 0 ? -nx : 0;
      const jp = j < ny - 1 ? nx : 0;
      for (let i = 0; i < nx; i++) {
        const o = i + nx * (j + ny * k);
        const im = i > 0 ? -1 : 0;
        const ip = i < nx - 1 ? 1 : 0;
        const gx = src[o + ip]! * c[0] - src[o + im]! * c[0];
        const gy = src[o + jp]! * c[1] - src[o + jm]! * c[1];
        const gz = src[o + kp]! * c[2] - src[o + km]! * c[2];
        out[o] = Math.sqrt(gx * gx + gy * gy + gz * gz);
      }
    }
  }
  return like(image, out);
}
