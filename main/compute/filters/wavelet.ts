/**
 * Undecimated (stationary) 3D wavelet transform as PyRadiomics 3 computes its `wavelet-XYZ` image
 * types (radiomics/imageoperations.py, `getWaveletImage` and `_swt3`) with PyWavelets `swtn`.
 *
 * PyRadiomics' steps, which this module follows:
 * 1. Each array dimension of odd length is padded by one sample at its end with 'wrap'
 *    (numpy.pad), so that swt's length-divisible-by-2^level rule holds for one level.
 * 2. `start_level` times, one swt level is applied and only the approximation kept.
 * 3. `level` times, one swt level (pywt.swtn(data, wavelet, level=1, start_level=0, axes)) is
 *    applied; its 2^d − 1 detail sub-bands are returned and its approximation is the input of the
 *    next level. The last approximation is returned as `L…L`.
 * 4. Every output is cropped back to the input size and takes the input geometry.
 *
 * PyWavelets swt, one level (C function `swt_` → `downsampling_convolution_periodization` with
 * step 1): out[o] = Σ_{j=0}^{F−1} f[j] · x[(o + ⌊F/2⌋ − j) mod N], summed in ascending j, where f is
 * dec_lo (approximation, 'a' → L) or dec_hi (detail, 'd' → H). swtn applies it along each axis of
 * `axes` in turn and names a sub-band by one letter per axis in the order of `axes`.
 *
 * PyRadiomics passes axes = (2, 1, 0) on its (z, y, x) numpy array, so the FIRST letter of a name
 * is the x (i) axis, the second y (j), the third z (k): `wavelet-LLH` is low-pass along x and y
 * and high-pass along z. With force2D the axis `force2Ddimension` (0 = z, 1 = y, 2 = x, numpy
 * order) is left out and names have two letters.
 *
 * Level n > 1 (swt level 1 applied to the previous approximation, as PyRadiomics does) uses the
 * plain filters again, not PyWavelets' upsampled ones: this is PyRadiomics' behaviour.
 */
import type { Vec3, Volume } from '../imaging/volume.js';
import type { WaveletBank } from './waveletBanks.js';
import { waveletBank } from './waveletBanks.js';

export interface WaveletOptions {
  /** PyWavelets name (default coif1). */
  wavelet?: string;
  /** Levels skipped before the first returned level (default 0). */
  startLevel?: number;
  /** Number of returned levels (default 1). */
  level?: number;
  /** Leave out one axis (PyRadiomics force2D). */
  force2D?: boolean;
  /** numpy axis of the (z, y, x) array left out with force2D: 0 = z, 1 = y, 2 = x. */
  force2Ddimension?: number;
  /**
   * Compute the sub-bands only over this voxel box (default: the whole image). The returned
   * volumes are the box, placed where it lies in the image; their values are those of the
   * whole-image transform (the periodic boundary handling is kept exactly).
   */
  region?: WaveletRegion;
}

/** A derived image with its PyRadiomics image-type name (float32 where SimpleITK returns float). */
export interface NamedImage {
  name: string;
  volume: Volume<Float64Array> | Volume<Float32Array>;
}

/**
 * Circular convolution of every line along `axis` (0 = i/x, 1 = j/y, 2 = k/z) of `src`
 * (x-fastest, size `size`) with `filter`, PyWavelets swt alignment; writes into `dst`.
 */
export function swtAxis(
  src: Float64Array,
  size: Vec3,
  axis: number,
  filter: Float64Array,
  dst: Float64Array,
  line: Float64Array,
): void {
  const [nx, ny, nz] = size;
  const n = size[axis]!;
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const f = filter.length;
  const shift = Math.floor(f / 2);
  // Outer loops run over the two other axes; base is the offset of the line's first sample.
  const outerA = axis === 0 ? ny : nx;
  const outerB = axis === 2 ? ny : nz;
  const strideA = axis === 0 ? nx : 1;
  const strideB = axis === 2 ? nx : nx * ny;
  for (let b = 0; b < outerB; b++) {
    for (let a = 0; a < outerA; a++) {
      const base = a * strideA + b * strideB;
      for (let t = 0; t < n; t++) line[t] = src[base + t * stride]!;
      for (let o = 0; o < n; o++) {
        let sum = 0;
        for (let j = 0; j < f; j++) {
          let t = (o + shift - j) % n;
          if (t < 0) t += n;
          sum += filter[j]! * line[t]!;
        }
        dst[base + o * stride] = sum;
      }
    }
  }
}

/** numpy.pad(..., 'wrap') by one sample at the end of each odd-length dimension. */
function padOddWrap(data: ArrayLike<number>, size: Vec3): { data: Float64Array; size: Vec3 } {
  const [nx, ny, nz] = size;
  const p: Vec3 = [nx + (nx % 2), ny + (ny % 2), nz + (nz % 2)];
  const out = new Float64Array(p[0] * p[1] * p[2]);
  for (let k = 0; k < p[2]; k++) {
    const sk = k % nz;
    for (let j = 0; j < p[1]; j++) {
      const sj = j % ny;
      const src = nx * (sj + ny * sk);
      const dst = p[0] * (j + p[1] * k);
      for (let i = 0; i < p[0]; i++) out[dst + i] = data[src + (i % nx)]!;
    }
  }
  return { data: out, size: p };
}

function cropTo(data: Float64Array, padded: Vec3, size: Vec3): Float64Array {
  const [nx, ny, nz] = size;
  if (padded[0] === nx && padded[1] === ny && padded[2] === nz) return data;
  const out = new Float64Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const src = padded[0] * (j + padded[1] * k);
      out.set(data.subarray(src, src + nx), nx * (j + ny * k));
    }
  }
  return out;
}

/**
 * One level of PyWavelets `swtn` along `axes` (volume axis numbers, in PyWavelets' order):
 * returns the sub-bands keyed by their L/H names (letter n ↔ axes[n]), in swtn's order (L before
 * H, first axis slowest).
 */
export function swtnLevel(data: Float64Array, size: Vec3, bank: WaveletBank, axes: readonly number[]): Map<string, Float64Array> {
  const n = data.length;
  const line = new Float64Array(Math.max(size[0], size[1], size[2]));
  let bands = new Map<string, Float64Array>([['', data]]);
  for (const axis of axes) {
    const next = new Map<string, Float64Array>();
    for (const [name, src] of bands) {
      const lo = new Float64Array(n);
      const hi = new Float64Array(n);
      swtAxis(src, size, axis, bank.decLo, lo, line);
      swtAxis(src, size, axis, bank.decHi, hi, line);
      next.set(`${name}L`, lo);
      next.set(`${name}H`, hi);
    }
    bands = next;
  }
  return bands;
}

/** Inclusive voxel bounds (i, j, k) of the part of the image whose sub-band values are wanted. */
export interface WaveletRegion {
  lower: Vec3;
  upper: Vec3;
}

/**
 * "Valid" convolution along `axis` of `src` (x-fastest, size `srcSize`) with `filter`: output
 * sample r along the axis is Σ_j filter[j] · src[r + F − 1 − j], summed in ascending j, so the
 * output is F − 1 samples shorter along `axis`. When src holds the periodic input gathered from
 * ⌊F/2⌋ − F + 1 … ⌊F/2⌋ samples around each output (see waveletImages), this is swtAxis' circular
 * sum with the same products added in the same order: the values are bit-identical.
 */
function convolveValid(src: Float64Array, srcSize: Vec3, axis: number, filter: Float64Array, dst: Float64Array): void {
  const [sx, sy, sz] = srcSize;
  const f = filter.length;
  const ox = axis === 0 ? sx - f + 1 : sx;
  const oy = axis === 1 ? sy - f + 1 : sy;
  const oz = axis === 2 ? sz - f + 1 : sz;
  const stride = axis === 0 ? 1 : axis === 1 ? sx : sx * sy;
  const last = (f - 1) * stride;
  let o = 0;
  if (f === 6) {
    // coif1 / db3 / sym3, PyRadiomics' default family: the taps unrolled, products added in the
    // same order from the same 0 start as the loop below, so the values are the same.
    const [f0, f1, f2, f3, f4, f5] = filter as unknown as [number, number, number, number, number, number];
    for (let k = 0; k < oz; k++)
      for (let j = 0; j < oy; j++) {
        const row = sx * (j + sy * k);
        for (let i = 0; i < ox; i++, o++) {
          const at = row + i + last;
          dst[o] =
            0 +
            f0 * src[at]! +
            f1 * src[at - stride]! +
            f2 * src[at - 2 * stride]! +
            f3 * src[at - 3 * stride]! +
            f4 * src[at - 4 * stride]! +
            f5 * src[at - 5 * stride]!;
        }
      }
    return;
  }
  for (let k = 0; k < oz; k++)
    for (let j = 0; j < oy; j++) {
      const row = sx * (j + sy * k);
      for (let i = 0; i < ox; i++, o++) {
        // Input of tap j: src[row + i + (f − 1 − j) · stride].
        let at = row + i + last;
        let sum = 0;
        for (let t = 0; t < f; t++, at -= stride) sum += filter[t]! * src[at]!;
        dst[o] = sum;
      }
    }
}

/** Sub-band images over `region` only (see waveletImages); values identical to the whole-image transform's. */
function waveletRegion(
  image: Volume,
  bank: WaveletBank,
  axes: readonly number[],
  startLevel: number,
  level: number,
  region: WaveletRegion,
): { name: string; data: Float64Array }[] {
  const f = bank.decLo.length;
  if (bank.decHi.length !== f) throw new Error(`wavelet ${bank.name}: decomposition filters of different lengths`);
  const shift = Math.floor(f / 2);
  const levels = startLevel + level;
  const transformed = [0, 1, 2].map((a) => axes.includes(a));
  // Each level along an axis needs F − 1 − ⌊F/2⌋ samples before and ⌊F/2⌋ after each output.
  const before = [0, 1, 2].map((a) => (transformed[a] ? levels * (f - 1 - shift) : 0));
  const extent = (a: number, done: number): number =>
    region.upper[a]! - region.lower[a]! + 1 + (transformed[a] ? (levels - done) * (f - 1) : 0);
  // Gather the periodic input: padded index p (numpy 'wrap' padding of odd axes to even length,
  // then swt's circular indexing) holds the image sample (p mod N_padded) mod N.
  const n = image.size;
  const index = [0, 1, 2].map((a) => {
    const np = n[a]! + (n[a]! % 2);
    const out = new Int32Array(extent(a, 0));
    for (let m = 0; m < out.length; m++) {
      const p = (((region.lower[a]! - before[a]! + m) % np) + np) % np;
      out[m] = p % n[a]!;
    }
    return out;
  });
  let size: Vec3 = [index[0]!.length, index[1]!.length, index[2]!.length];
  let data: Float64Array = new Float64Array(size[0] * size[1] * size[2]);
  const src = image.data;
  for (let k = 0, o = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) {
      const row = n[0] * (index[1]![j]! + n[1] * index[2]![k]!);
      for (let i = 0; i < size[0]; i++, o++) data[o] = src[row + index[0]![i]!]!;
    }
  const out: { name: string; data: Float64Array; size: Vec3; level: number }[] = [];
  const approxName = 'L'.repeat(axes.length);
  for (let l = 1; l <= levels; l++) {
    let bands: { name: string; data: Float64Array }[] = [{ name: '', data }];
    let bandSize = size;
    for (const axis of axes) {
      const next: Vec3 = [...bandSize];
      next[axis] = bandSize[axis]! - f + 1;
      const count = next[0] * next[1] * next[2];
      const split: { name: string; data: Float64Array }[] = [];
      for (const b of bands) {
        const lo = new Float64Array(count);
        const hi = new Float64Array(count);
        convolveValid(b.data, bandSize, axis, bank.decLo, lo);
        convolveValid(b.data, bandSize, axis, bank.decHi, hi);
        split.push({ name: `${b.name}L`, data: lo }, { name: `${b.name}H`, data: hi });
      }
      bands = split;
      bandSize = next;
    }
    size = bandSize;
    data = bands.find((b) => b.name === approxName)!.data;
    if (l > startLevel) {
      const prefix = l - startLevel === 1 ? 'wavelet' : `wavelet${l - startLevel}`;
      for (const b of bands) if (b.name !== approxName) out.push({ name: `${prefix}-${b.name}`, data: b.data, size, level: l });
    }
  }
  out.push({ name: level === 1 ? `wavelet-${approxName}` : `wavelet${level}-${approxName}`, data, size, level: levels });
  // Crop every output to the region: a band of level l still holds the samples that levels
  // l + 1 … would need, (levels − l)·(F − 1 − ⌊F/2⌋) of them before the region along each axis.
  const regionSize: Vec3 = [0, 1, 2].map((a) => region.upper[a]! - region.lower[a]! + 1) as Vec3;
  return out.map((b) => {
    const offset = [0, 1, 2].map((a) => (transformed[a] ? (levels - b.level) * (f - 1 - shift) : 0));
    if (offset.every((x) => x === 0) && b.size.every((s, a) => s === regionSize[a])) return { name: b.name, data: b.data };
    const cropped = new Float64Array(regionSize[0] * regionSize[1] * regionSize[2]);
    for (let k = 0, o = 0; k < regionSize[2]; k++)
      for (let j = 0; j < regionSize[1]; j++) {
        const from = offset[0]! + b.size[0] * (offset[1]! + j + b.size[1] * (offset[2]! + k));
        cropped.set(b.data.subarray(from, from + regionSize[0]), o);
        o += regionSize[0];
      }
    return { name: b.name, data: cropped };
  });
}

/**
 * PyRadiomics `getWaveletImage`: the wavelet sub-band images of `image` (scalar), named
 * `wavelet-LLH` … (level 1) or `wavelet2-LLH` … (further levels), then `wavelet-LLL`, in
 * PyRadiomics' yield order. Values are float64, as PyWavelets returns them.
 */
export function waveletImages(image: Volume, options: WaveletOptions = {}): NamedImage[] {
  if ((image.components ?? 1) !== 1) throw new Error('the wavelet filter needs a scalar image');
  const bank = waveletBank(options.wavelet ?? 'coif1');
  const startLevel = options.startLevel ?? 0;
  const level = options.level ?? 1;
  if (!Number.isInteger(startLevel) || startLevel < 0) throw new Error(`start_level must be an integer ≥ 0, got ${startLevel}`);
  if (!Number.isInteger(level) || level < 1) throw new Error(`level must be an integer ≥ 1, got ${level}`);
  // numpy axes (2, 1, 0) of the (z, y, x) array are volume axes 0 (x), 1 (y), 2 (z).
  let axes = [0, 1, 2];
  if (options.force2D) {
    const dim = options.force2Ddimension ?? 0;
    if (![0, 1, 2].includes(dim)) throw new Error(`force2Ddimension must be 0, 1 or 2, got ${dim}`);
    axes = axes.filter((a) => a !== 2 - dim);
  }
  const region = options.region ?? { lower: [0, 0, 0], upper: [image.size[0] - 1, image.size[1] - 1, image.size[2] - 1] };
  for (let a = 0; a < 3; a++) {
    const [lo, hi] = [region.lower[a]!, region.upper[a]!];
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < lo || hi >= image.size[a]!) {
      throw new Error(
        `wavelet region [${region.lower.join(', ')}]–[${region.upper.join(', ')}] is not inside the image (size ${image.size.join('×')})`,
      );
    }
  }
  const size: Vec3 = [0, 1, 2].map((a) => region.upper[a]! - region.lower[a]! + 1) as Vec3;
  const d = image.direction;
  const sp = image.spacingMm;
  const originMm = [0, 1, 2].map(
    (r) =>
      image.originMm[r]! +
      d[r * 3]! * region.lower[0] * sp[0] +
      d[r * 3 + 1]! * region.lower[1] * sp[1] +
      d[r * 3 + 2]! * region.lower[2] * sp[2],
  ) as Vec3;
  return waveletRegion(image, bank, axes, startLevel, level, region).map((b) => ({
    name: b.name,
    volume: { size: [...size], spacingMm: [...sp], originMm: [...originMm], direction: [...d], data: b.data },
  }));
}

/**
 * The same sub-bands as waveletImages over the whole image, computed the direct way: pad odd
 * axes, run swtnLevel's circular line passes on the whole padded image, crop back. Slower (every
 * voxel of every band, a modulo per tap); kept as the twin the unit tests compare waveletImages with.
 */
export function waveletImagesCircular(image: Volume, options: Omit<WaveletOptions, 'region'> = {}): NamedImage[] {
  if ((image.components ?? 1) !== 1) throw new Error('the wavelet filter needs a scalar image');
  const bank = waveletBank(options.wavelet ?? 'coif1');
  const startLevel = options.startLevel ?? 0;
  const level = options.level ?? 1;
  if (!Number.isInteger(startLevel) || startLevel < 0) throw new Error(`start_level must be an integer ≥ 0, got ${startLevel}`);
  if (!Number.isInteger(level) || level < 1) throw new Error(`level must be an integer ≥ 1, got ${level}`);
  // numpy axes (2, 1, 0) of the (z, y, x) array are volume axes 0 (x), 1 (y), 2 (z).
  let axes = [0, 1, 2];
  if (options.force2D) {
    const dim = options.force2Ddimension ?? 0;
    if (![0, 1, 2].includes(dim)) throw new Error(`force2Ddimension must be 0, 1 or 2, got ${dim}`);
    axes = axes.filter((a) => a !== 2 - dim);
  }
  const size: Vec3 = [...image.size];
  const padded = padOddWrap(image.data, size);
  let data = padded.data;
  const approxName = 'L'.repeat(axes.length);
  for (let l = 0; l < startLevel; l++) data = swtnLevel(data, padded.size, bank, axes).get(approxName)!;
  const out: NamedImage[] = [];
  const wrap = (name: string, values: Float64Array): NamedImage => ({
    name,
    volume: {
      size: [...image.size],
      spacingMm: [...image.spacingMm],
      originMm: [...image.originMm],
      direction: [...image.direction],
      data: cropTo(values, padded.size, size),
    },
  });
  for (let l = 1; l <= level; l++) {
    const bands = swtnLevel(data, padded.size, bank, axes);
    const prefix = l === 1 ? 'wavelet' : `wavelet${l}`;
    for (const [name, values] of bands) {
      if (name !== approxName) out.push(wrap(`${prefix}-${name}`, values));
    }
    data = bands.get(approxName)!;
  }
  // PyRadiomics names the final approximation `wavelet-L…L` for one level, `wavelet<level>-L…L` otherwise.
  out.push(wrap(level === 1 ? `wavelet-${approxName}` : `wavelet${level}-${approxName}`, data));
  return out;
}
