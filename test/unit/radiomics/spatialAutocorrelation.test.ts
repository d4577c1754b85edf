/**
 * Moran's I (IBSI N365) and Geary's C (IBSI NPT7): the FFT route against the definition.
 *
 * Reference: the direct O(N²) pair sums of IBSI 1 §3.1.31–32 (the same function with
 * method 'direct', which reproduces the IBSI digital phantom in ibsiPhantom.test.ts); the FFT
 * route on the full CT phantom is checked against the IBSI reference values in
 * ibsiCtPhantom*.test.ts. Tolerance: relative 1e-9 (rounding of FFT sums of ~10⁵ terms).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../main/compute/stats/random.js';
import { spatialAutocorrelation } from '../../../main/compute/radiomics/ibsi/spatialAutocorrelation.js';
import { fft1d, ifft1d } from '../../../main/compute/radiomics/fft.js';

function randomRoi(seed: number, size: [number, number, number], fill: number) {
  const rng = new Rng(seed);
  const n = size[0] * size[1] * size[2];
  const mask = new Uint8Array(n);
  const values = new Float64Array(n);
  const [cx, cy, cz] = size.map((s) => (s - 1) / 2) as [number, number, number];
  for (let z = 0, o = 0; z < size[2]; z++)
    for (let y = 0; y < size[1]; y++)
      for (let x = 0; x < size[0]; x++, o++) {
        // A blob with a ragged border and a smooth trend plus noise, so I and C are far from 0 and 1.
        const r = Math.hypot((x - cx) / cx, (y - cy) / cy, (z - cz) / Math.max(cz, 1));
        mask[o] = r < fill + 0.25 * rng.nextDouble() ? 1 : 0;
        values[o] = 1000 + 40 * x - 25 * z + 60 * rng.nextDouble();
      }
  return { mask, values };
}

describe('spatial autocorrelation (Moran I, Geary C)', () => {
  it.each([
    ['anisotropic 3D box', 11, [23, 17, 9], [0.8, 0.8, 3] as [number, number, number]],
    ['single slice', 12, [40, 31, 1], [0.7, 0.7, 2] as [number, number, number]],
    ['thin slab', 13, [19, 21, 3], [1, 1, 1] as [number, number, number]],
  ] as const)('FFT equals the direct pair sums on a %s', (_label, seed, size, spacing) => {
    const { mask, values } = randomRoi(seed, [...size] as [number, number, number], 0.8);
    const direct = spatialAutocorrelation(mask, values, size, spacing, 'direct');
    const fft = spatialAutocorrelation(mask, values, size, spacing, 'fft');
    expect(Math.abs(direct.N365)).toBeGreaterThan(0.05);
    expect(Math.abs(fft.N365 - direct.N365)).toBeLessThanOrEqual(1e-9 * Math.abs(direct.N365));
    expect(Math.abs(fft.NPT7 - direct.NPT7)).toBeLessThanOrEqual(1e-9 * Math.abs(direct.NPT7));
  });

  it('is NaN for fewer than two voxels and constant-free for two', () => {
    const mask = new Uint8Array([1, 0, 0, 0]);
    const values = new Float64Array([5, 1, 2, 3]);
    expect(spatialAutocorrelation(mask, values, [4, 1, 1], [1, 1, 1]).N365).toBeNaN();
    mask[3] = 1;
    // Two voxels: I = 2/(2w)·(2w·c1·c2)/(c1²+c2²) = −1 and C = 1/(4w)·2w·(x1−x2)²/(c1²+c2²) = 1.
    for (const method of ['direct', 'fft'] as const) {
      const r = spatialAutocorrelation(mask, values, [4, 1, 1], [1, 1, 1], method);
      expect(r.N365).toBeCloseTo(-1, 12);
      expect(r.NPT7).toBeCloseTo(1, 12);
    }
  });

  it('the 1D FFT equals the DFT definition', () => {
    const n = 16;
    const rng = new Rng(3);
    const re = Float64Array.from({ length: n }, () => rng.nextDouble() - 0.5);
    const im = Float64Array.from({ length: n }, () => rng.nextDouble() - 0.5);
    const [r0, i0] = [re.slice(), im.slice()];
    fft1d(re, im);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * j * k) / n;
        sr += r0[j]! * Math.cos(a) - i0[j]! * Math.sin(a);
        si += r0[j]! * Math.sin(a) + i0[j]! * Math.cos(a);
      }
      expect(Math.abs(re[k]! - sr)).toBeLessThan(1e-12);
      expect(Math.abs(im[k]! - si)).toBeLessThan(1e-12);
    }
    // The inverse transform gives the input back (reference: the input itself; tolerance 1e-14).
    ifft1d(re, im);
    for (let j = 0; j < n; j++) {
      expect(Math.abs(re[j]! - r0[j]!)).toBeLessThan(1e-14);
      expect(Math.abs(im[j]! - i0[j]!)).toBeLessThan(1e-14);
    }
  });
});
