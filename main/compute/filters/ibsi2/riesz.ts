/**
 * First-order Riesz transform (IBSI 2 reference manual, "Riesz transform"; Unser & Van De Ville,
 * "Wavelet steerability and the higher-order Riesz transform", IEEE TIP 2010), in the frequency
 * domain:
 *   F[R_a f](ν) = −i · ν_a / ‖ν‖ · F[f](ν),   a ∈ {x, y, z},   0 at ν = 0,
 * on the same frequency grid as the Simoncelli wavelet (simoncelli.ts: Nyquist = 1 on every axis,
 * ν_a = 2k/n, voxel units), so periodic padding by construction. The response is the real part of
 * the inverse DFT (for a real image the Riesz components are real; the real part also drops the
 * Nyquist bin of the component axis, where the odd multiplier has no Hermitian partner).
 *
 * With `level` j, the transform is applied to the Simoncelli band ψ_j (the first-order Riesz
 * wavelet): the multiplier becomes −i ν_a/‖ν‖ · ψ_j(‖ν‖). `component: magnitude` is the
 * rotation-invariant amplitude ‖(R_x f, R_y f, R_z f)‖ (‖(R_x f, R_y f)‖ in 2D).
 *
 * Properties the tests check: Σ_a ‖R_a f‖² = ‖f − mean f‖² for an image without Nyquist content
 * (the multipliers' squares sum to 1 off the origin); a plane wave cos(2π k·x) gives
 * (ν_a/‖ν‖) sin(2π k·x) (steering: the component along the wave's direction has the whole
 * amplitude, an orthogonal one none); a 90° turn of the image turns the vector (R_x, R_y).
 */
import type { PaddingMode, Size3 } from './convolution.js';
import { axisFrequency, dftAxis, simoncelliBand } from './simoncelli.js';

export type RieszComponent = 'x' | 'y' | 'z' | 'magnitude';

export interface RieszOptions {
  component: RieszComponent;
  /** Simoncelli band applied first (the Riesz wavelet), or null for the plain transform. */
  level: number | null;
  by2D: boolean;
  padding: PaddingMode;
}

/** The real Riesz component along `axis` of the spectrum (re, im), band-limited by `level`. */
function component(
  re: Float64Array,
  im: Float64Array,
  size: Size3,
  axis: number,
  level: number | null,
  dims: number,
): Float64Array {
  const [nx, ny, nz] = size;
  const outRe = new Float64Array(re.length);
  const outIm = new Float64Array(re.length);
  for (let k = 0; k < nz; k++) {
    const fz = dims === 2 ? 0 : axisFrequency(k, nz);
    for (let j = 0; j < ny; j++) {
      const fy = axisFrequency(j, ny);
      for (let i = 0; i < nx; i++) {
        const fx = axisFrequency(i, nx);
        const r = Math.sqrt(fx * fx + fy * fy + fz * fz);
        if (r === 0) continue;
        const fa = axis === 0 ? fx : axis === 1 ? fy : fz;
        const w = (fa / r) * (level === null ? 1 : simoncelliBand(r, level));
        const o = i + nx * (j + ny * k);
        // (re + i·im) · (−i·w) = w·im − i·w·re
        outRe[o] = w * im[o]!;
        outIm[o] = -w * re[o]!;
      }
    }
  }
  for (let a = 0; a < dims; a++) dftAxis(outRe, outIm, size, a, true);
  return outRe;
}

export function rieszFilter(src: Float64Array, size: Size3, options: RieszOptions): Float64Array {
  const { component: which, level, by2D, padding } = options;
  if (padding !== 'periodic')
    throw new Error(`the Riesz transform is applied in the frequency domain, so its padding is periodic; got "${padding}"`);
  if (level !== null && (!Number.isInteger(level) || level < 1))
    throw new Error(`Riesz: the Simoncelli level must be an integer ≥ 1 or null, got ${level}`);
  const dims = by2D ? 2 : 3;
  if (which === 'z' && by2D) throw new Error('Riesz: component z does not exist in 2D (by2D); use x, y or magnitude');
  if (level !== null) {
    for (let a = 0; a < dims; a++) {
      if (size[a]! < 2 ** (level + 1)) {
        throw new Error(
          `volume too small for the Riesz–Simoncelli level ${level}: axis ${'xyz'[a]} has ${size[a]} voxels, at least ${2 ** (level + 1)} are needed`,
        );
      }
    }
  }
  const re = Float64Array.from(src);
  const im = new Float64Array(src.length);
  for (let a = 0; a < dims; a++) dftAxis(re, im, size, a, false);
  if (which !== 'magnitude') return component(re, im, size, 'xyz'.indexOf(which), level, dims);
  const out = new Float64Array(src.length);
  for (let a = 0; a < dims; a++) {
    const c = component(re, im, size, a, level, dims);
    for (let o = 0; o < out.length; o++) out[o] = out[o]! + c[o]! * c[o]!;
  }
  for (let o = 0; o < out.length; o++) out[o] = Math.sqrt(out[o]!);
  return out;
}
