/**
 * The machinery the IBSI chapter 2 filters share (IBSI reference manual "Standardised
 * convolutional filters", arXiv:2006.05470, sections on boundary conditions and rotation
 * invariance): padding modes, 1D convolution along one axis of an x-fastest grid, and the
 * right-angle rotation groups used for rotation-invariant pooling.
 *
 * Convolution, not correlation: out[n] = Σ_m h[m] · in[n − (m − c)·d], with c = ⌊(L − 1)/2⌋ the
 * kernel centre and d the dilation (à trous wavelet levels). Padding modes (IBSI names, with the
 * scipy/MIRP names accepted as aliases):
 * - `constant` (IBSI "zero", scipy "constant"): 0 outside;
 * - `nearest`: the edge value repeated;
 * - `periodic` ("wrap"): the image repeated;
 * - `mirror` (scipy "reflect", d c b a | a b c d | d c b a): mirrored with the edge voxel repeated.
 */

export type PaddingMode = 'constant' | 'nearest' | 'periodic' | 'mirror';

const PADDING_ALIASES: Record<string, PaddingMode> = {
  constant: 'constant',
  zero: 'constant',
  nearest: 'nearest',
  periodic: 'periodic',
  wrap: 'periodic',
  mirror: 'mirror',
  reflect: 'mirror',
  symmetric: 'mirror',
};

/** The padding mode named `name` (IBSI or scipy spelling); throws naming the accepted values. */
export function paddingMode(name: string, where = 'padding'): PaddingMode {
  const mode = PADDING_ALIASES[name];
  if (!mode) throw new Error(`${where}: unknown padding mode "${name}" (expected constant, nearest, periodic or mirror)`);
  return mode;
}

/** Index into [0, n) for position i under `mode`, or −1 for a zero sample. */
export function padIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'nearest':
      return i < 0 ? 0 : n - 1;
    case 'periodic':
      return ((i % n) + n) % n;
    case 'mirror': {
      const p = 2 * n;
      const r = ((i % p) + p) % p;
      return r < n ? r : p - 1 - r;
    }
  }
}

export type Size3 = readonly [number, number, number];

/**
 * Convolve `src` (x-fastest grid of `size`) along `axis` (0 = x, 1 = y, 2 = z) with `kernel`,
 * dilated by `dilation`, into a new array.
 */
export function convolveAxis(
  src: Float64Array,
  size: Size3,
  axis: number,
  kernel: ArrayLike<number>,
  mode: PaddingMode,
  dilation = 1,
): Float64Array {
  const [nx, ny, nz] = size;
  const n = size[axis]!;
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const out = new Float64Array(src.length);
  const L = kernel.length;
  const c = (L - 1) >> 1;
  const line = new Float64Array(n);
  const idx = new Int32Array(n * L);
  for (let p = 0; p < n; p++) for (let m = 0; m < L; m++) idx[p * L + m] = padIndex(p - (m - c) * dilation, n, mode);
  const lines = (nx * ny * nz) / n;
  for (let l = 0; l < lines; l++) {
    // Start offset of the l-th line along `axis`.
    let start: number;
    if (axis === 0) start = l * nx;
    else if (axis === 1) start = (l % nx) + Math.floor(l / nx) * nx * ny;
    else start = l;
    for (let p = 0; p < n; p++) line[p] = src[start + p * stride]!;
    for (let p = 0; p < n; p++) {
      let s = 0;
      for (let m = 0; m < L; m++) {
        const q = idx[p * L + m]!;
        if (q >= 0) s += kernel[m]! * line[q]!;
      }
      out[start + p * stride] = s;
    }
  }
  return out;
}

/** Separable convolution: `kernels[a]` along axis a (null or undefined leaves the axis alone). */
export function convolveSeparable(
  src: Float64Array,
  size: Size3,
  kernels: readonly (ArrayLike<number> | null | undefined)[],
  mode: PaddingMode,
  dilation = 1,
): Float64Array {
  let out = src;
  for (let a = 0; a < 3; a++) {
    const k = kernels[a];
    if (k) out = convolveAxis(out, size, a, k, mode, dilation);
  }
  return out === src ? Float64Array.from(src) : out;
}

/**
 * A right-angle rotation as a signed axis permutation: the rotated kernel's factor along volume
 * axis a is the original factor of axis `perm[a]`, reversed when `flip[a]` (h(R⁻¹x) for a
 * separable h = h_x(x) h_y(y) h_z(z)).
 */
export interface AxisRotation {
  perm: [number, number, number];
  flip: [boolean, boolean, boolean];
}

function permutationSign(p: readonly number[]): number {
  let s = 1;
  for (let i = 0; i < p.length; i++) for (let j = i + 1; j < p.length; j++) if (p[i]! > p[j]!) s = -s;
  return s;
}

/** The 24 proper rotations of the cube (3D) or the 4 in-plane rotations about z (2D), identity first. */
export function rightAngleRotations(dims: 2 | 3): AxisRotation[] {
  const out: AxisRotation[] = [];
  const perms: [number, number, number][] =
    dims === 3
      ? [
          [0, 1, 2],
          [0, 2, 1],
          [1, 0, 2],
          [1, 2, 0],
          [2, 0, 1],
          [2, 1, 0],
        ]
      : [
          [0, 1, 2],
          [1, 0, 2],
        ];
  for (const perm of perms)
    for (let bits = 0; bits < (dims === 3 ? 8 : 4); bits++) {
      const flip: [boolean, boolean, boolean] = [(bits & 1) !== 0, (bits & 2) !== 0, (bits & 4) !== 0];
      const det = permutationSign(perm) * flip.reduce((s, f) => (f ? -s : s), 1);
      if (det === 1) out.push({ perm, flip });
    }
  return out;
}

/** The 1D factors of a separable kernel after `rotation` (see AxisRotation). */
export function rotateFactors(
  factors: readonly (ArrayLike<number> | null | undefined)[],
  rotation: AxisRotation,
): (Float64Array | null)[] {
  return [0, 1, 2].map((a) => {
    const f = factors[rotation.perm[a]!];
    if (!f) return null;
    const arr = Float64Array.from(f);
    return rotation.flip[a] ? arr.reverse() : arr;
  });
}

/** Pools `next` into `acc` in place (max or sum; the caller divides a sum by the count). */
export function pool(acc: Float64Array, next: Float64Array, method: 'max' | 'mean'): void {
  if (method === 'max') for (let o = 0; o < acc.length; o++) acc[o] = Math.max(acc[o]!, next[o]!);
  else for (let o = 0; o < acc.length; o++) acc[o] = acc[o]! + next[o]!;
}
