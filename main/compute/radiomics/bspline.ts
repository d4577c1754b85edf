/**
 * Cubic B-spline interpolation as SimpleITK's `sitkBSpline` does it (ITK
 * BSplineDecompositionImageFilter + BSplineInterpolateImageFunction, spline order 3), for
 * PyRadiomics' resampling.
 *
 * Coefficients: the separable recursive prefilter of Unser, Aldroubi & Eden (IEEE TSP 1993) with
 * pole z = √3 − 2 and gain 6, mirror-symmetric boundaries; the causal initial value is the sum
 * over a horizon of ⌈ln(1e-10)/ln|z|⌉ samples (or the exact mirrored sum for short lines), the
 * anticausal one c⁻[N−1] = z/(z² − 1)·(z·c⁺[N−2] + c⁺[N−1]). Evaluation: the 4 × 4 × 4 cubic
 * B-spline weights around the point, indices mirrored at the borders. Points outside the image
 * (continuous index outside [−½, N − ½)) get 0, as ITK's resampler gives them.
 */
import type { Geometry, Volume } from '../imaging/volume.js';

const POLE = Math.sqrt(3) - 2;
const TOLERANCE = 1e-10;

/** In-place prefilter of one line of `n` samples at `data[start + k·stride]`. */
function prefilterLine(data: Float64Array, start: number, stride: number, n: number): void {
  if (n === 1) return;
  const z = POLE;
  const gain = (1 - z) * (1 - 1 / z);
  for (let k = 0; k < n; k++) data[start + k * stride]! *= gain;
  // Causal initialisation (mirror boundary).
  const horizon = Math.ceil(Math.log(TOLERANCE) / Math.log(Math.abs(z)));
  let c0: number;
  if (horizon < n) {
    let zn = z;
    c0 = data[start]!;
    for (let k = 1; k < horizon; k++) {
      c0 += zn * data[start + k * stride]!;
      zn *= z;
    }
  } else {
    let zn = z;
    const iz = 1 / z;
    let z2n = Math.pow(z, n - 1);
    c0 = data[start]! + z2n * data[start + (n - 1) * stride]!;
    z2n *= z2n * iz;
    for (let k = 1; k <= n - 2; k++) {
      c0 += (zn + z2n) * data[start + k * stride]!;
      zn *= z;
      z2n *= iz;
    }
    c0 /= 1 - zn * zn;
  }
  data[start] = c0;
  for (let k = 1; k < n; k++) data[start + k * stride] = data[start + k * stride]! + z * data[start + (k - 1) * stride]!;
  // Anticausal initialisation and recursion.
  const last = start + (n - 1) * stride;
  data[last] = (z / (z * z - 1)) * (z * data[last - stride]! + data[last]!);
  for (let k = n - 2; k >= 0; k--) {
    const o = start + k * stride;
    data[o] = z * (data[o + stride]! - data[o]!);
  }
}

/** B-spline coefficients of a scalar volume (x-fastest). */
export function bsplineCoefficients(v: Volume): Float64Array {
  const [nx, ny, nz] = v.size;
  const c = Float64Array.from(v.data as ArrayLike<number>);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) prefilterLine(c, nx * (j + ny * k), 1, nx);
  for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) prefilterLine(c, i + nx * ny * k, nx, ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) prefilterLine(c, i + nx * j, nx * ny, nz);
  return c;
}

/** ITK's mirror boundary for a support index. */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let m = i < 0 ? -i - period * Math.floor(-i / period) : i - period * Math.floor(i / period);
  if (m >= n) m = period - m;
  return m;
}

/** Cubic B-spline weights of the 4 support points for fractional offset t. */
function weights(t: number, w: Float64Array): void {
  const t2 = t * t;
  const t3 = t2 * t;
  const s = 1 - t;
  w[0] = (s * s * s) / 6;
  w[1] = (4 - 6 * t2 + 3 * t3) / 6;
  w[2] = (1 + 3 * t + 3 * t2 - 3 * t3) / 6;
  w[3] = t3 / 6;
}

/** Cubic B-spline resampling of `source` onto `target` (float64 values). */
export function resampleBSpline(source: Volume, target: Geometry): Volume<Float64Array> {
  const coef = bsplineCoefficients(source);
  const [mx, my, mz] = source.size;
  const [nx, ny, nz] = target.size;
  const out = new Float64Array(nx * ny * nz);
  const d = target.direction;
  const e = source.direction;
  const [tx, ty, tz] = target.spacingMm;
  const [sx, sy, sz] = source.spacingMm;
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);
  const wz = new Float64Array(4);
  const ix = new Int32Array(4);
  const iy = new Int32Array(4);
  const iz = new Int32Array(4);
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        const a = i * tx;
        const b = j * ty;
        const c = k * tz;
        const px = target.originMm[0] + d[0] * a + d[1] * b + d[2] * c - source.originMm[0];
        const py = target.originMm[1] + d[3] * a + d[4] * b + d[5] * c - source.originMm[1];
        const pz = target.originMm[2] + d[6] * a + d[7] * b + d[8] * c - source.originMm[2];
        const qx = (e[0] * px + e[3] * py + e[6] * pz) / sx;
        const qy = (e[1] * px + e[4] * py + e[7] * pz) / sy;
        const qz = (e[2] * px + e[5] * py + e[8] * pz) / sz;
        if (qx < -0.5 || qy < -0.5 || qz < -0.5 || qx >= mx - 0.5 || qy >= my - 0.5 || qz >= mz - 0.5) continue;
        const fx = Math.floor(qx);
        const fy = Math.floor(qy);
        const fz = Math.floor(qz);
        weights(qx - fx, wx);
        weights(qy - fy, wy);
        weights(qz - fz, wz);
        for (let s = 0; s < 4; s++) {
          ix[s] = mirror(fx - 1 + s, mx);
          iy[s] = mirror(fy - 1 + s, my);
          iz[s] = mirror(fz - 1 + s, mz);
        }
        let v = 0;
        for (let r = 0; r < 4; r++) {
          if (mz === 1 && r > 0) break;
          const zw = mz === 1 ? 1 : wz[r]!;
          for (let q = 0; q < 4; q++) {
            const yw = wy[q]! * zw;
            const row = mx * (iy[q]! + my * iz[r]!);
            v +=
              yw *
              (wx[0]! * coef[row + ix[0]!]! +
                wx[1]! * coef[row + ix[1]!]! +
                wx[2]! * coef[row + ix[2]!]! +
                wx[3]! * coef[row + ix[3]!]!);
          }
        }
        out[o] = v;
      }
  return {
    size: [...target.size],
    spacingMm: [...target.spacingMm],
    originMm: [...target.originMm],
    direction: [...target.direction],
    data: out,
  };
}
