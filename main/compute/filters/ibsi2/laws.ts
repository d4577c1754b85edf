/**
 * IBSI 2 Laws kernels (reference manual, "Laws kernels"; Laws 1980): the 1D kernels
 *   L3 = [1, 2, 1]/√6, E3 = [−1, 0, 1]/√2, S3 = [−1, 2, −1]/√6,
 *   L5 = [1, 4, 6, 4, 1]/√70, E5 = [−1, −2, 0, 2, 1]/√10, S5 = [−1, 0, 2, 0, −1]/√6,
 *   W5 = [−1, 2, 0, −2, 1]/√10, R5 = [1, −4, 6, −4, 1]/√70
 * (each normalised to unit L2 norm, as IBSI recommends). A name such as `E5L5S5` is the separable
 * kernel E5 along x, L5 along y, S5 along z (`L5S5` in-plane: x, y). Rotation invariance: the
 * response (or energy) of every right-angle rotation of the kernel (24 in 3D, 4 in-plane in 2D)
 * pooled by max or mean. Energy map: the mean of |response| over the (2δ + 1)^d neighbourhood
 * (Chebyshev distance δ), computed for each rotation before pooling, with the same padding.
 */
import { convolveSeparable, pool, rightAngleRotations, rotateFactors, type PaddingMode, type Size3 } from './convolution.js';

const RAW: Record<string, number[]> = {
  L3: [1, 2, 1],
  E3: [-1, 0, 1],
  S3: [-1, 2, -1],
  L5: [1, 4, 6, 4, 1],
  E5: [-1, -2, 0, 2, 1],
  S5: [-1, 0, 2, 0, -1],
  W5: [-1, 2, 0, -2, 1],
  R5: [1, -4, 6, -4, 1],
};

/** The unit-norm 1D Laws kernel `name` (L3, E3, S3, L5, E5, S5, W5, R5). */
export function lawsKernel1D(name: string): Float64Array {
  const raw = RAW[name];
  if (!raw) throw new Error(`unknown Laws kernel "${name}" (expected L3, E3, S3, L5, E5, S5, W5 or R5)`);
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0));
  return Float64Array.from(raw, (v) => v / norm);
}

/** The 1D factors of a combined name like `E5L5S5` (3D) or `L5S5` (2D). */
export function lawsFactors(name: string): Float64Array[] {
  if (!/^([LESWR][35]){2,3}$/.test(name)) {
    throw new Error(`Laws kernel "${name}" must be 2 or 3 of L3, E3, S3, L5, E5, S5, W5, R5 (e.g. E5L5S5 or L5S5)`);
  }
  const parts = name.match(/[LESWR][35]/g)!;
  return parts.map(lawsKernel1D);
}

export interface LawsOptions {
  kernel: string;
  padding: PaddingMode;
  rotationInvariant: boolean;
  pooling: 'max' | 'mean';
  /** Energy map distance δ (voxels); null for the plain response. */
  energyDelta: number | null;
}

function energy(response: Float64Array, size: Size3, delta: number, dims: 2 | 3, padding: PaddingMode): Float64Array {
  const abs = Float64Array.from(response, Math.abs);
  const m = 2 * delta + 1;
  const box = new Float64Array(m).fill(1 / m);
  return convolveSeparable(abs, size, [box, box, dims === 3 ? box : null], padding);
}

export function lawsFilter(src: Float64Array, size: Size3, options: LawsOptions): Float64Array {
  const factors = lawsFactors(options.kernel);
  const dims = factors.length as 2 | 3;
  if (options.energyDelta !== null && (!Number.isInteger(options.energyDelta) || options.energyDelta < 0)) {
    throw new Error(`Laws energy distance delta must be a non-negative integer, got ${options.energyDelta}`);
  }
  const rotations = options.rotationInvariant ? rightAngleRotations(dims) : rightAngleRotations(dims).slice(0, 1);
  let acc: Float64Array | null = null;
  for (const rot of rotations) {
    let r = convolveSeparable(src, size, rotateFactors(factors, rot), options.padding);
    if (options.energyDelta !== null) r = energy(r, size, options.energyDelta, dims, options.padding);
    if (!acc) acc = r;
    else pool(acc, r, options.pooling);
  }
  if (options.pooling === 'mean' && rotations.length > 1)
    for (let o = 0; o < acc!.length; o++) acc![o] = acc![o]! / rotations.length;
  return acc!;
}
