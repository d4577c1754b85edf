/**
 * Moran's I (IBSI N365) and Geary's C (IBSI NPT7) with inverse-distance weights w = 1/‖r_k − r_l‖
 * over all ordered pairs of distinct ROI voxels (IBSI 1, §3.1.31 and §3.1.32):
 *
 *   I = N/Σw · Σ w (x_k − μ)(x_l − μ) / Σ (x_k − μ)²
 *   C = (N − 1)/(2Σw) · Σ w (x_k − x_l)² / Σ (x_k − μ)²
 *
 * On a regular grid the weight depends only on the index offset d between two voxels, so every
 * pair sum is Σ_d w(d)·(X ⋆ Y)(d), a weighted cross-correlation of two masked grids. Those are
 * computed exactly (to rounding) with zero-padded FFTs and Parseval's identity in O(M log M) for a
 * padded box of M voxels, instead of the O(N²) pair loop, which is kept for small ROIs and as the
 * definition the FFT route is tested against. With centred values c = x − μ (A = c on the mask,
 * B = c² on the mask, M = the mask):
 *
 *   Σw = Σ_d w (M⋆M),  Σ w c_k c_l = Σ_d w (A⋆A),  Σ w (x_k − x_l)² = 2 Σ_d w (B⋆M) − 2 Σ_d w (A⋆A).
 */
import { fft3d, nextPowerOfTwo } from '../fft.js';

/** ROIs up to this many voxels use the direct pair sum (cheaper than the FFT there). */
export const directPairLimit = 3000;
/** Padded FFT boxes above this many voxels (3 × 16 bytes each) give NaN instead of using > 400 MB. */
export const maxFftVoxels = 1 << 23;

export interface SpatialAutocorrelation {
  N365: number;
  NPT7: number;
}

/**
 * Moran's I and Geary's C of the voxels `mask` selects in an x-fastest grid of size `size` with
 * voxel spacing `spacing` (mm); `values` are the intensities on the same grid.
 */
export function spatialAutocorrelation(
  mask: Uint8Array,
  values: Float64Array,
  size: readonly [number, number, number],
  spacing: readonly [number, number, number],
  method: 'auto' | 'direct' | 'fft' = 'auto',
): SpatialAutocorrelation {
  let n = 0;
  let sum = 0;
  for (let o = 0; o < mask.length; o++) {
    if (mask[o]) {
      n++;
      sum += values[o]!;
    }
  }
  if (n < 2) return { N365: NaN, NPT7: NaN };
  const mean = sum / n;
  let den = 0;
  for (let o = 0; o < mask.length; o++) if (mask[o]) den += (values[o]! - mean) ** 2;
  const useDirect = method === 'direct' || (method === 'auto' && n <= directPairLimit);
  const sums = useDirect ? directSums(mask, values, mean, size, spacing) : fftSums(mask, values, mean, size, spacing);
  if (!sums) return { N365: NaN, NPT7: NaN };
  const { wsum, cross, squared } = sums;
  return { N365: ((n / wsum) * cross) / den, NPT7: (((n - 1) / (2 * wsum)) * squared) / den };
}

interface PairSums {
  /** Σ w over ordered pairs. */
  wsum: number;
  /** Σ w c_k c_l. */
  cross: number;
  /** Σ w (x_k − x_l)². */
  squared: number;
}

function directSums(
  mask: Uint8Array,
  values: Float64Array,
  mean: number,
  size: readonly [number, number, number],
  spacing: readonly [number, number, number],
): PairSums {
  const [nx, ny] = size;
  let n = 0;
  for (let o = 0; o < mask.length; o++) if (mask[o]) n++;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pz = new Float64Array(n);
  const c = new Float64Array(n);
  let k = 0;
  for (let o = 0; o < mask.length; o++) {
    if (!mask[o]) continue;
    px[k] = (o % nx) * spacing[0];
    py[k] = (Math.floor(o / nx) % ny) * spacing[1];
    pz[k] = Math.floor(o / (nx * ny)) * spacing[2];
    c[k] = values[o]! - mean;
    k++;
  }
  let wsum = 0;
  let cross = 0;
  let squared = 0;
  for (let a = 0; a < n; a++) {
    const xa = px[a]!;
    const ya = py[a]!;
    const za = pz[a]!;
    const ca = c[a]!;
    for (let b = a + 1; b < n; b++) {
      const dx = xa - px[b]!;
      const dy = ya - py[b]!;
      const dz = za - pz[b]!;
      const w = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz);
      const cb = c[b]!;
      wsum += w;
      cross += w * ca * cb;
      squared += w * (ca - cb) * (ca - cb);
    }
  }
  return { wsum: 2 * wsum, cross: 2 * cross, squared: 2 * squared };
}

function fftSums(
  mask: Uint8Array,
  values: Float64Array,
  mean: number,
  size: readonly [number, number, number],
  spacing: readonly [number, number, number],
): PairSums | undefined {
  // Bounding box of the ROI, so the padded grid is as small as the ROI allows.
  const [nx, ny, nz] = size;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-1, -1, -1];
  for (let z = 0, o = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, o++) {
        if (!mask[o]) continue;
        if (x < lo[0]!) lo[0] = x;
        if (x > hi[0]!) hi[0] = x;
        if (y < lo[1]!) lo[1] = y;
        if (y > hi[1]!) hi[1] = y;
        if (z < lo[2]!) lo[2] = z;
        if (z > hi[2]!) hi[2] = z;
      }
  const bx = hi[0]! - lo[0]! + 1;
  const by = hi[1]! - lo[1]! + 1;
  const bz = hi[2]! - lo[2]! + 1;
  // Padding to ≥ 2b − 1 per axis makes the circular correlation equal the linear one.
  const lx = nextPowerOfTwo(2 * bx - 1);
  const ly = nextPowerOfTwo(2 * by - 1);
  const lz = nextPowerOfTwo(2 * bz - 1);
  const m = lx * ly * lz;
  if (m > maxFftVoxels) return undefined;

  // Weight grid: w(d) for |d_axis| < b_axis, d ≠ 0, at index d mod L. It is even, so its DFT is real.
  const wRe = new Float64Array(m);
  const wIm = new Float64Array(m);
  for (let dz = -(bz - 1); dz < bz; dz++) {
    const iz = (dz + lz) % lz;
    const z2 = (dz * spacing[2]) ** 2;
    for (let dy = -(by - 1); dy < by; dy++) {
      const iy = (dy + ly) % ly;
      const yz2 = z2 + (dy * spacing[1]) ** 2;
      const row = (iz * ly + iy) * lx;
      for (let dx = -(bx - 1); dx < bx; dx++) {
        if (dx === 0 && dy === 0 && dz === 0) continue;
        wRe[row + ((dx + lx) % lx)] = 1 / Math.sqrt(yz2 + (dx * spacing[0]) ** 2);
      }
    }
  }
  fft3d(wRe, wIm, lx, ly, lz);
  const fw = wRe; // imaginary part is rounding noise of an even signal

  const fill = (re: Float64Array, im: Float64Array, kind: 'mask' | 'c' | 'c2'): void => {
    re.fill(0);
    im.fill(0);
    for (let z = 0; z < bz; z++)
      for (let y = 0; y < by; y++) {
        const src = ((z + lo[2]!) * ny + (y + lo[1]!)) * nx + lo[0]!;
        const dst = (z * ly + y) * lx;
        for (let x = 0; x < bx; x++) {
          if (!mask[src + x]) continue;
          const c = values[src + x]! - mean;
          re[dst + x] = kind === 'mask' ? 1 : kind === 'c' ? c : c * c;
        }
      }
    fft3d(re, im, lx, ly, lz);
  };

  const mRe = wIm; // reuse: the weight grid's imaginary part is no longer needed
  const mIm = new Float64Array(m);
  fill(mRe, mIm, 'mask');
  const xRe = new Float64Array(m);
  const xIm = new Float64Array(m);
  fill(xRe, xIm, 'c');
  // Σ_d w(d)(X⋆Y)(d) = (1/M) Σ_k FW(k) · Re(conj(FX(k)) FY(k)).
  let wsum = 0;
  let cross = 0;
  for (let k = 0; k < m; k++) {
    const f = fw[k]!;
    wsum += f * (mRe[k]! * mRe[k]! + mIm[k]! * mIm[k]!);
    cross += f * (xRe[k]! * xRe[k]! + xIm[k]! * xIm[k]!);
  }
  fill(xRe, xIm, 'c2');
  let bm = 0;
  for (let k = 0; k < m; k++) bm += fw[k]! * (mRe[k]! * xRe[k]! + mIm[k]! * xIm[k]!);
  wsum /= m;
  cross /= m;
  bm /= m;
  return { wsum, cross, squared: 2 * bm - 2 * cross };
}
