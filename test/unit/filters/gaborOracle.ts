/**
 * TEST ORACLE: the IBSI 2 Gabor filter as it was before the FFT path was made faster (commit
 * 2b37265, main/compute/filters/ibsi2/gabor.ts): one forward and one inverse 2D FFT per plane and
 * orientation, every orientation computed. The fast implementation must agree with it within 1e-9
 * of the map's largest value (test/unit/filters/gaborFast.test.ts). Do not use outside tests.
 */
/**
 * IBSI 2 Gabor filter (reference manual, "Gabor kernels"): the 2D complex kernel, in voxel units
 * of the plane it is applied in (σ and λ divided by the in-plane spacing),
 *   h(x, y) = exp(−(x̃² + γ² ỹ²) / (2σ²)) · exp(i 2π x̃ / λ),
 *   x̃ = x cos θ + y sin θ,   ỹ = −x sin θ + y cos θ,
 * not normalised (IBSI 2 leaves it so). The response is the modulus |h ∗ f| (or the real part,
 * imaginary part or argument). The kernel is cut to a square of half-width
 * ⌊t·σ·max(1, 1/γ) + 0.5⌋ voxels (t = 4 by default; the envelope has then fallen to e^{−t²/2}
 * along both of its axes, the std along ỹ being σ/γ).
 *
 * Rotation invariance (IBSI): the responses for θ = θ₀, θ₀ + Δθ, …, < 2π are pooled (mean); in 3D
 * the 2D filter is applied in the three orthogonal planes (x–y, x–z, y–z) and those are pooled
 * too. Without rotation invariance the filter runs in the x–y plane, slice by slice.
 */
import { fft1d, ifft1d, nextPowerOfTwo } from '../../../main/compute/radiomics/fft.js';
import { padIndex, type PaddingMode, type Size3 } from '../../../main/compute/filters/ibsi2/convolution.js';

type GaborResponse = 'modulus' | 'real' | 'imaginary' | 'argument';

interface GaborOptions {
  sigmaMm: number;
  lambdaMm: number;
  gamma: number;
  /** θ in degrees (IBSI 2 phase 1 states it so). */
  thetaDeg: number;
  /** With rotation invariance: Δθ in degrees; θ runs over θ₀ + kΔθ < θ₀ + 360. */
  thetaStepDeg: number | null;
  /** Pool over the three orthogonal planes (3D rotation invariance). */
  orthogonalPlanes: boolean;
  response: GaborResponse;
  padding: PaddingMode;
  spacingMm: readonly [number, number, number];
  /** Kernel half-width in σ (default 4). */
  truncate?: number;
  /** Force the direct (true) or FFT (false) convolution; by default FFT for kernels wider than 9. */
  direct?: boolean;
}

/** The complex kernel on a (2R + 1)² grid, x (first plane axis) fastest. */
function gaborKernel(
  sigma: number,
  lambda: number,
  gamma: number,
  theta: number,
  truncate: number,
): { re: Float64Array; im: Float64Array; radius: number } {
  const radius = Math.max(1, Math.floor(truncate * sigma * Math.max(1, 1 / gamma) + 0.5));
  const w = 2 * radius + 1;
  const re = new Float64Array(w * w);
  const im = new Float64Array(w * w);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  for (let y = -radius; y <= radius; y++)
    for (let x = -radius; x <= radius; x++) {
      const xr = x * c + y * s;
      const yr = -x * s + y * c;
      const env = Math.exp(-(xr * xr + gamma * gamma * yr * yr) / (2 * sigma * sigma));
      const phase = (2 * Math.PI * xr) / lambda;
      const o = y + radius;
      re[o * w + x + radius] = env * Math.cos(phase);
      im[o * w + x + radius] = env * Math.sin(phase);
    }
  return { re, im, radius };
}

/** In-plane complex convolution of `src` with the kernel in the plane of volume axes (a, b). */
function convolvePlane(
  src: Float64Array,
  size: Size3,
  a: number,
  b: number,
  kernel: { re: Float64Array; im: Float64Array; radius: number },
  padding: PaddingMode,
): { re: Float64Array; im: Float64Array } {
  const strides = [1, size[0], size[0] * size[1]];
  const c = 3 - a - b;
  const na = size[a]!;
  const nb = size[b]!;
  const nc = size[c]!;
  const R = kernel.radius;
  const w = 2 * R + 1;
  const outRe = new Float64Array(src.length);
  const outIm = new Float64Array(src.length);
  const ia = new Int32Array(na * w);
  const ib = new Int32Array(nb * w);
  // Convolution: out[p] = Σ h[m] · in[p − m].
  for (let p = 0; p < na; p++) for (let m = -R; m <= R; m++) ia[p * w + m + R] = padIndex(p - m, na, padding);
  for (let p = 0; p < nb; p++) for (let m = -R; m <= R; m++) ib[p * w + m + R] = padIndex(p - m, nb, padding);
  const sa = strides[a]!;
  const sb = strides[b]!;
  for (let k = 0; k < nc; k++) {
    const base = k * strides[c]!;
    for (let q = 0; q < nb; q++)
      for (let p = 0; p < na; p++) {
        let sr = 0;
        let si = 0;
        for (let my = 0; my < w; my++) {
          const qq = ib[q * w + my]!;
          if (qq < 0) continue;
          const row = base + qq * sb;
          const krow = my * w;
          for (let mx = 0; mx < w; mx++) {
            const pp = ia[p * w + mx]!;
            if (pp < 0) continue;
            const v = src[row + pp * sa]!;
            sr += kernel.re[krow + mx]! * v;
            si += kernel.im[krow + mx]! * v;
          }
        }
        const o = base + q * sb + p * sa;
        outRe[o] = sr;
        outIm[o] = si;
      }
  }
  return { re: outRe, im: outIm };
}

/** 2D DFT in place of a P_a × P_b grid (a fastest), both powers of two. */
function fft2(re: Float64Array, im: Float64Array, pa: number, pb: number, inverse: boolean): void {
  const lr = new Float64Array(Math.max(pa, pb));
  const li = new Float64Array(Math.max(pa, pb));
  const run = (len: number, at: (t: number) => number, count: number, start: (l: number) => number) => {
    const r = lr.subarray(0, len);
    const i = li.subarray(0, len);
    for (let l = 0; l < count; l++) {
      const s = start(l);
      for (let t = 0; t < len; t++) {
        r[t] = re[s + at(t)]!;
        i[t] = im[s + at(t)]!;
      }
      if (inverse) ifft1d(r, i);
      else fft1d(r, i);
      for (let t = 0; t < len; t++) {
        re[s + at(t)] = r[t]!;
        im[s + at(t)] = i[t]!;
      }
    }
  };
  run(
    pa,
    (t) => t,
    pb,
    (l) => l * pa,
  );
  run(
    pb,
    (t) => t * pa,
    pa,
    (l) => l,
  );
}

/**
 * The same convolution as convolvePlane through the FFT: each plane is padded by 2R with the
 * padding mode (the padded samples are exactly those the direct sum reads) and placed in a
 * power-of-two grid P ≥ n + 2R; the circular convolution at p + 2R then equals the linear one.
 */
function convolvePlaneFft(
  src: Float64Array,
  size: Size3,
  a: number,
  b: number,
  kernel: { re: Float64Array; im: Float64Array; radius: number },
  padding: PaddingMode,
): { re: Float64Array; im: Float64Array } {
  const strides = [1, size[0], size[0] * size[1]];
  const c = 3 - a - b;
  const na = size[a]!;
  const nb = size[b]!;
  const nc = size[c]!;
  const R = kernel.radius;
  const w = 2 * R + 1;
  const pa = nextPowerOfTwo(na + 2 * R);
  const pb = nextPowerOfTwo(nb + 2 * R);
  const kr = new Float64Array(pa * pb);
  const ki = new Float64Array(pa * pb);
  for (let my = 0; my < w; my++)
    for (let mx = 0; mx < w; mx++) {
      kr[mx + pa * my] = kernel.re[my * w + mx]!;
      ki[mx + pa * my] = kernel.im[my * w + mx]!;
    }
  fft2(kr, ki, pa, pb, false);
  const ia = Int32Array.from({ length: na + 2 * R }, (_, t) => padIndex(t - R, na, padding));
  const ib = Int32Array.from({ length: nb + 2 * R }, (_, t) => padIndex(t - R, nb, padding));
  const outRe = new Float64Array(src.length);
  const outIm = new Float64Array(src.length);
  const xr = new Float64Array(pa * pb);
  const xi = new Float64Array(pa * pb);
  const sa = strides[a]!;
  const sb = strides[b]!;
  for (let k = 0; k < nc; k++) {
    const base = k * strides[c]!;
    xr.fill(0);
    xi.fill(0);
    for (let tb = 0; tb < ib.length; tb++) {
      const qb = ib[tb]!;
      if (qb < 0) continue;
      for (let ta = 0; ta < ia.length; ta++) {
        const qa = ia[ta]!;
        if (qa >= 0) xr[ta + pa * tb] = src[base + qa * sa + qb * sb]!;
      }
    }
    fft2(xr, xi, pa, pb, false);
    for (let o = 0; o < xr.length; o++) {
      const r = xr[o]! * kr[o]! - xi[o]! * ki[o]!;
      xi[o] = xr[o]! * ki[o]! + xi[o]! * kr[o]!;
      xr[o] = r;
    }
    fft2(xr, xi, pa, pb, true);
    for (let q = 0; q < nb; q++)
      for (let p = 0; p < na; p++) {
        const o = base + p * sa + q * sb;
        const s = p + 2 * R + pa * (q + 2 * R);
        outRe[o] = xr[s]!;
        outIm[o] = xi[s]!;
      }
  }
  return { re: outRe, im: outIm };
}

function respond(re: Float64Array, im: Float64Array, kind: GaborResponse): Float64Array {
  const out = new Float64Array(re.length);
  for (let o = 0; o < out.length; o++) {
    const r = re[o]!;
    const i = im[o]!;
    out[o] = kind === 'modulus' ? Math.hypot(r, i) : kind === 'real' ? r : kind === 'imaginary' ? i : Math.atan2(i, r);
  }
  return out;
}

export function gaborFilterOracle(src: Float64Array, size: Size3, options: GaborOptions): Float64Array {
  const { sigmaMm, lambdaMm, gamma, thetaDeg, thetaStepDeg, orthogonalPlanes, response, padding, spacingMm } = options;
  if (!(sigmaMm > 0)) throw new Error(`Gabor sigma must be greater than 0, got ${sigmaMm}`);
  if (!(lambdaMm > 0)) throw new Error(`Gabor lambda must be greater than 0, got ${lambdaMm}`);
  if (!(gamma > 0)) throw new Error(`Gabor gamma must be greater than 0, got ${gamma}`);
  if (thetaStepDeg !== null && !(thetaStepDeg > 0 && thetaStepDeg <= 360)) {
    throw new Error(`Gabor theta step must be in (0, 360] degrees, got ${thetaStepDeg}`);
  }
  const truncate = options.truncate ?? 4;
  const thetas: number[] = [];
  if (thetaStepDeg === null) thetas.push(thetaDeg);
  else for (let t = 0; t < 360 - 1e-9; t += thetaStepDeg) thetas.push(thetaDeg + t);
  const planes: [number, number][] = orthogonalPlanes
    ? [
        [0, 1],
        [0, 2],
        [1, 2],
      ]
    : [[0, 1]];
  const acc = new Float64Array(src.length);
  for (const [a, b] of planes) {
    const spacing = Math.max(spacingMm[a]!, spacingMm[b]!);
    for (const t of thetas) {
      const kernel = gaborKernel(sigmaMm / spacing, lambdaMm / spacing, gamma, (t * Math.PI) / 180, truncate);
      const direct = options.direct ?? kernel.radius <= 4;
      const { re, im } = (direct ? convolvePlane : convolvePlaneFft)(src, size, a, b, kernel, padding);
      const r = respond(re, im, response);
      for (let o = 0; o < acc.length; o++) acc[o] = acc[o]! + r[o]!;
    }
  }
  const count = planes.length * thetas.length;
  for (let o = 0; o < acc.length; o++) acc[o] = acc[o]! / count;
  return acc;
}
