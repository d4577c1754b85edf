/**
 * IBSI 2 non-separable Simoncelli wavelet (reference manual, "Simoncelli wavelets"; Portilla &
 * Simoncelli 2000): the isotropic band-pass of level j defined in the frequency domain,
 *   ψ_j(ν) = cos(π/2 · log2(2‖ν‖ / ν_j))   for ν_j/4 ≤ ‖ν‖ ≤ ν_j,   0 elsewhere,   ν_j = 2^(1 − j),
 * with the frequency of each axis normalised so that its Nyquist frequency is 1 (ν_a = 2k/n for the
 * DFT index k in [−n/2, n/2)). The response is Re(F⁻¹(ψ_j · F f)): periodic padding by
 * construction (IBSI 2 phase 1 tests 8.a use "periodic"). In 2D the filter is applied slice by
 * slice in the x–y plane. The squared bands of consecutive levels sum to 1 on their overlap
 * (cos² + sin²), the tight-frame property the tests check.
 */
import { fft1d, ifft1d } from '../../radiomics/fft.js';
import type { PaddingMode, Size3 } from './convolution.js';

export interface SimoncelliOptions {
  level: number;
  padding: PaddingMode;
  by2D: boolean;
}

/** ψ_j at radial frequency r (Nyquist = 1). */
export function simoncelliBand(r: number, level: number): number {
  const nu = 2 ** (1 - level);
  if (r < nu / 4 || r > nu) return 0;
  return Math.cos((Math.PI / 2) * Math.log2((2 * r) / nu));
}

const isPow2 = (n: number): boolean => (n & (n - 1)) === 0;

/** In-place DFT of one line (forward or inverse with 1/n), radix-2 or direct for other lengths. */
function dftLine(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  if (isPow2(n)) {
    if (inverse) ifft1d(re, im);
    else fft1d(re, im);
    return;
  }
  const sign = inverse ? 1 : -1;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const ang = (sign * 2 * Math.PI * ((k * t) % n)) / n;
      const c = Math.cos(ang);
      const s = Math.sin(ang);
      sr += re[t]! * c - im[t]! * s;
      si += re[t]! * s + im[t]! * c;
    }
    outRe[k] = inverse ? sr / n : sr;
    outIm[k] = inverse ? si / n : si;
  }
  re.set(outRe);
  im.set(outIm);
}

/** DFT (forward, or inverse with 1/n) along one axis of an x-fastest grid, in place. */
export function dftAxis(re: Float64Array, im: Float64Array, size: Size3, axis: number, inverse: boolean): void {
  const [nx, ny, nz] = size;
  const n = size[axis]!;
  if (n <= 1) return;
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const lr = new Float64Array(n);
  const li = new Float64Array(n);
  const lines = (nx * ny * nz) / n;
  for (let l = 0; l < lines; l++) {
    const start = axis === 0 ? l * nx : axis === 1 ? (l % nx) + Math.floor(l / nx) * nx * ny : l;
    for (let p = 0; p < n; p++) {
      lr[p] = re[start + p * stride]!;
      li[p] = im[start + p * stride]!;
    }
    dftLine(lr, li, inverse);
    for (let p = 0; p < n; p++) {
      re[start + p * stride] = lr[p]!;
      im[start + p * stride] = li[p]!;
    }
  }
}

/** Normalised signed frequency of DFT index k on an axis of n samples (Nyquist = 1). */
export function axisFrequency(k: number, n: number): number {
  const signed = k < n / 2 ? k : k - n;
  return (2 * signed) / n;
}

export function simoncelliFilter(src: Float64Array, size: Size3, options: SimoncelliOptions): Float64Array {
  const { level, padding, by2D } = options;
  if (!Number.isInteger(level) || level < 1)
    throw new Error(`Simoncelli decomposition level must be an integer ≥ 1, got ${level}`);
  if (padding !== 'periodic') {
    throw new Error(`the Simoncelli wavelet is applied in the frequency domain, so its padding is periodic; got "${padding}"`);
  }
  const dims = by2D ? 2 : 3;
  // The level-j pass band starts at ν_j/4 = 2^(−1−j): an axis needs ≥ 2^(j+1) samples to hold it.
  for (let a = 0; a < dims; a++) {
    if (size[a]! < 2 ** (level + 1)) {
      throw new Error(
        `volume too small for the Simoncelli level ${level}: axis ${'xyz'[a]} has ${size[a]} voxels, at least ${2 ** (level + 1)} are needed`,
      );
    }
  }
  const re = Float64Array.from(src);
  const im = new Float64Array(src.length);
  for (let a = 0; a < dims; a++) dftAxis(re, im, size, a, false);
  const [nx, ny, nz] = size;
  for (let k = 0; k < nz; k++) {
    const fz = by2D ? 0 : axisFrequency(k, nz);
    for (let j = 0; j < ny; j++) {
      const fy = axisFrequency(j, ny);
      for (let i = 0; i < nx; i++) {
        const fx = axisFrequency(i, nx);
        const w = simoncelliBand(Math.sqrt(fx * fx + fy * fy + fz * fz), level);
        const o = i + nx * (j + ny * k);
        re[o] = re[o]! * w;
        im[o] = im[o]! * w;
      }
    }
  }
  for (let a = 0; a < dims; a++) dftAxis(re, im, size, a, true);
  return re;
}
