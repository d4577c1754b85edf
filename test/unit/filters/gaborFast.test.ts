/**
 * The fast IBSI 2 Gabor filter (main/compute/filters/ibsi2/gabor.ts: one plane spectrum shared by
 * all orientations, θ + π folded onto θ for modulus and real responses, zero rows skipped) against
 * the previous implementation kept as an oracle (gaborOracle.ts), on small volumes.
 *
 * Reference: gaborFilterOracle. Tolerance: 1e-9 × max(1, max |oracle|) per voxel; only the order
 * of floating-point operations differs (the FFT axes are inverted in the other order, θ + π's kernel
 * is conj(h_θ) exactly in exact arithmetic but its cos/sin are rounded), measured 1e-15 of the largest value on the first case.
 */
import { describe, expect, it } from 'vitest';
import { gaborFilter, type GaborOptions } from '../../../main/compute/filters/ibsi2/gabor.js';
import type { Size3 } from '../../../main/compute/filters/ibsi2/convolution.js';
import { gaborFilterOracle } from './gaborOracle.js';

/** A deterministic test volume: a sphere, a ramp and a hash-like texture (no Math.random). */
function volume(size: Size3): Float64Array {
  const [nx, ny, nz] = size;
  const out = new Float64Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const o = i + nx * (j + ny * k);
        const r = Math.hypot(i - nx / 2, j - ny / 2, k - nz / 2);
        out[o] = (r < nx / 3 ? 100 : 0) + 3 * i - 2 * k + 20 * Math.sin(o * 0.7319 + ((i * j) % 7));
      }
  return out;
}

function maxDiff(a: Float64Array, b: Float64Array): { diff: number; scale: number } {
  let diff = 0;
  let scale = 0;
  for (let o = 0; o < a.length; o++) {
    diff = Math.max(diff, Math.abs(a[o]! - b[o]!));
    scale = Math.max(scale, Math.abs(b[o]!));
  }
  return { diff, scale };
}

const base: Omit<GaborOptions, 'spacingMm'> = {
  sigmaMm: 3,
  lambdaMm: 2,
  gamma: 0.5,
  thetaDeg: 0,
  thetaStepDeg: 45,
  orthogonalPlanes: true,
  response: 'modulus',
  padding: 'constant',
};

const cases: { name: string; size: Size3; spacingMm: [number, number, number]; options: Partial<GaborOptions> }[] = [
  {
    name: '4.a.2-like: 8 orientations × 3 planes, modulus, zero padding (FFT)',
    size: [20, 18, 14],
    spacingMm: [1, 1, 1],
    options: {},
  },
  {
    name: '4.b.2-like: Δθ 22.5°, γ 2.5, mirror padding, anisotropic spacing (FFT)',
    size: [16, 17, 12],
    spacingMm: [0.8, 0.8, 1.5],
    options: { sigmaMm: 4, lambdaMm: 3, gamma: 2.5, thetaStepDeg: 22.5, padding: 'mirror' },
  },
  {
    name: 'one θ (60°), x–y plane only, periodic padding (FFT)',
    size: [17, 15, 5],
    spacingMm: [1, 1, 2],
    options: { thetaDeg: 60, thetaStepDeg: null, orthogonalPlanes: false, padding: 'periodic' },
  },
  {
    name: 'real part, nearest padding (FFT, θ + π folded)',
    size: [14, 14, 9],
    spacingMm: [1, 1, 1],
    options: { response: 'real', padding: 'nearest' },
  },
  { name: 'imaginary part (FFT, no folding)', size: [14, 13, 8], spacingMm: [1, 1, 1], options: { response: 'imaginary' } },
  {
    name: 'argument, θ₀ 10°, Δθ 60° (FFT, no folding)',
    size: [13, 14, 8],
    spacingMm: [1, 1, 1],
    options: { response: 'argument', thetaDeg: 10, thetaStepDeg: 60 },
  },
  {
    name: 'small kernel (direct sum), modulus, 8 orientations × 3 planes',
    size: [12, 11, 10],
    spacingMm: [1, 1, 1],
    options: { sigmaMm: 0.8, lambdaMm: 1.5, gamma: 1 },
  },
  { name: 'Δθ 120° (no θ + π partner)', size: [12, 12, 8], spacingMm: [1, 1, 1], options: { thetaStepDeg: 120 } },
];

describe('fast Gabor filter agrees with the previous implementation', () => {
  for (const c of cases) {
    it(c.name, () => {
      const src = volume(c.size);
      const options: GaborOptions = { ...base, ...c.options, spacingMm: c.spacingMm };
      const fast = gaborFilter(Float64Array.from(src), c.size, options);
      const oracle = gaborFilterOracle(Float64Array.from(src), c.size, options);
      const { diff, scale } = maxDiff(fast, oracle);
      expect(scale).toBeGreaterThan(0);
      expect(diff).toBeLessThanOrEqual(1e-9 * Math.max(1, scale));
    });
  }

  it('forcing the direct sum or the FFT gives the same map (1e-9 of the largest value)', () => {
    const size: Size3 = [12, 12, 8];
    const src = volume(size);
    const options: GaborOptions = { ...base, sigmaMm: 1.5, spacingMm: [1, 1, 1] };
    const viaFft = gaborFilter(Float64Array.from(src), size, { ...options, direct: false });
    const direct = gaborFilter(Float64Array.from(src), size, { ...options, direct: true });
    const { diff, scale } = maxDiff(viaFft, direct);
    expect(diff).toBeLessThanOrEqual(1e-9 * Math.max(1, scale));
  });
});
