/**
 * Complex fast Fourier transforms on power-of-two lengths (iterative radix-2 Cooley–Tukey with a
 * bit-reversal permutation), in one dimension and along every axis of an x-fastest 3D grid.
 * Real and imaginary parts are separate Float64Arrays; transforms are in place and unnormalized
 * (the inverse is not needed by the callers: they use Parseval's identity).
 */

/** The smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

interface Plan {
  n: number;
  rev: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}

const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  if (n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`FFT length ${n} is not a power of two`);
  const rev = new Uint32Array(n);
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    rev[i] = r;
  }
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  p = { n, rev, cos, sin };
  plans.set(n, p);
  return p;
}

/** Forward DFT X[k] = Σ x[j] e^{−2πijk/n} of (re, im) in place; n = re.length, a power of two. */
export function fft1d(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n <= 1) return;
  const { rev, cos, sin } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
  for (let size = 2; size <= n; size *= 2) {
    const halfSize = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < halfSize; k++) {
        const wr = cos[k * step]!;
        const wi = sin[k * step]!;
        const a = start + k;
        const b = a + halfSize;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** Inverse DFT x[j] = (1/n) Σ X[k] e^{+2πijk/n} of (re, im) in place, by conjugating the forward one. */
export function ifft1d(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 0; i < n; i++) im[i] = -im[i]!;
  fft1d(re, im);
  for (let i = 0; i < n; i++) {
    re[i] = re[i]! / n;
    im[i] = -im[i]! / n;
  }
}

/**
 * Forward 3D DFT in place of an x-fastest grid of size (nx, ny, nz), each a power of two:
 * 1D transforms along x, then y, then z.
 */
export function fft3d(re: Float64Array, im: Float64Array, nx: number, ny: number, nz: number): void {
  const n = nx * ny * nz;
  if (re.length !== n || im.length !== n) throw new RangeError(`FFT grid ${nx}×${ny}×${nz} does not match ${re.length} values`);
  const maxLen = Math.max(nx, ny, nz);
  const lr = new Float64Array(maxLen);
  const li = new Float64Array(maxLen);
  const axis = (len: number, stride: number, starts: (emit: (o: number) => void) => void): void => {
    if (len <= 1) return;
    const r = lr.subarray(0, len);
    const i = li.subarray(0, len);
    starts((o) => {
      for (let k = 0; k < len; k++) {
        r[k] = re[o + k * stride]!;
        i[k] = im[o + k * stride]!;
      }
      fft1d(r, i);
      for (let k = 0; k < len; k++) {
        re[o + k * stride] = r[k]!;
        im[o + k * stride] = i[k]!;
      }
    });
  };
  axis(nx, 1, (emit) => {
    for (let o = 0; o < n; o += nx) emit(o);
  });
  axis(ny, nx, (emit) => {
    for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) emit(z * nx * ny + x);
  });
  axis(nz, nx * ny, (emit) => {
    for (let o = 0; o < nx * ny; o++) emit(o);
  });
}
