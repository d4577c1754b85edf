/**
 * IBSI chapter 2 filters (main/compute/filters/ibsi2) on the IBSI 2 digital phantoms
 * (../shared/reference/ibsi/ibsi2_digital_phantoms: 64³ voxels of 2 mm, values 0/255) and on
 * small synthetic inputs. The shared reference data has no IBSI 2 response maps, so every test
 * checks a mathematical property; each states its reference and tolerance:
 *
 * - Mean filter: a constant stays constant (nearest, mirror, periodic padding; the interior with
 *   zero padding) and, with periodic padding, the image sum is kept (the box kernel sums to 1):
 *   1e-12 relative. Impulse (1.b.1, 2D): 255/15² on the 15 × 15 square of the impulse's slice.
 * - LoG: the impulse response is the IBSI kernel h(x) = −(1/σ²)(σ√2π)^−3 (3 − ‖x‖²/σ²)
 *   e^(−‖x‖²/2σ²) sampled in voxel units (2.a: σ = 3 mm / 2 mm), 1e-12 relative, truncated at
 *   ⌊4σ + 0.5⌋ voxels. Analytic response ∇²(x²) = 2 on a quadratic: the truncated sum
 *   ΣG''m²·(ΣG)² + 2·ΣGm²·ΣG''·ΣG exactly (1e-12), and 2 within 1e-2 (the cut at 4σ drops 2R²G'(R) − 4RG(R) ≈ 0.5%).
 * - Laws: the 1D coefficients (IBSI table, unit norm) to 1e-15; the 3D impulse response is the
 *   outer product E5(x)·L5(y)·S5(z) (separability) to 1e-12; a zero-sum kernel gives 0 energy
 *   on a constant image (mirror padding), 1e-12; max pooling over the 24 right-angle rotations
 *   commutes with a 90° turn of the image (periodic padding), 1e-12.
 * - Gabor: kernel energy Σ|h|² = πσ²/γ (Gaussian integral; the sampled sum differs by the
 *   Poisson-summation terms, ~5e-9 at σ = 2.5), 1e-7 relative; a plane wave cos(2πx̃/λ) along θ
 *   gives the constant modulus Σ_m env(m)/2 = πσ²/γ (the image term e^(−2π²σ²(2/λ)²) < 1e-20),
 *   1e-7 relative, and the orthogonal orientation responds < 1e-6 of that; the FFT convolution
 *   (kernels wider than 9) equals the direct sum in all four padding modes, 1e-12 relative to
 *   the largest response.
 * - Separable wavelets (haar, db2, coif1): with periodic padding the 8 level-1 sub-bands carry
 *   8× the input energy (|H|² + |G|² = 2), and the adjoint cascade (1/8)·Σ Hᵀ band reconstructs
 *   the input (perfect reconstruction), 1e-12; at level 2 the 7 level-1 details plus 1/8 of the
 *   8 level-2 bands carry 8× the energy, 1e-12. The impulse response of 5.a.1 (db2 LHL) is the
 *   outer product of the filters, 1e-12. Rotation-invariant averaging commutes with a 90° turn.
 * - Simoncelli: Σ_{j=1..J} ψ_j(r)² = 1 on [2^−J, 1/2] (cos² + sin²), 1e-12; a plane wave at
 *   radial frequency r is scaled by ψ_j(r) exactly (1e-12 relative), the DC term is removed (the
 *   checkerboard response sums to 0, 1e-9 of Σ|response|).
 */
import { describe, expect, it } from 'vitest';
import { padIndex, rightAngleRotations } from '../../../main/compute/filters/ibsi2/convolution.js';
import { gaborFilter, gaborKernel } from '../../../main/compute/filters/ibsi2/gabor.js';
import {
  ibsiFilterName,
  ibsiResponseMap,
  parseIbsiFilterSpec,
  type IbsiFilterSpec,
} from '../../../main/compute/filters/ibsi2/index.js';
import { lawsKernel1D } from '../../../main/compute/filters/ibsi2/laws.js';
import { PHASE1_CONFIGS } from '../../../main/compute/filters/ibsi2/phase1.js';
import { simoncelliBand } from '../../../main/compute/filters/ibsi2/simoncelli.js';
import { waveletBank } from '../../../main/compute/filters/waveletBanks.js';
import { readNifti } from '../../../main/compute/imaging/nifti.js';
import type { Vec3, Volume } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import { readReference } from '../imaging/referenceData.js';

function phantom(name: string): Volume {
  return readNifti(readReference('ibsi', 'ibsi2_digital_phantoms', name, 'image', `${name}.nii.gz`)).volume;
}

function vol(size: Vec3, data: ArrayLike<number>, spacing: Vec3 = [1, 1, 1]): Volume<Float64Array> {
  return { size, spacingMm: spacing, originMm: [0, 0, 0], direction: [...IDENTITY_DIRECTION], data: Float64Array.from(data) };
}

function random(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => (s = (s * 48271) % 2147483647) / 2147483647 - 0.5);
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let o = 0; o < a.length; o++) s += a[o]!;
  return s;
}

function energy(a: ArrayLike<number>): number {
  let s = 0;
  for (let o = 0; o < a.length; o++) s += a[o]! * a[o]!;
  return s;
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let o = 1; o < a.length; o++) if (a[o]! > a[best]!) best = o;
  return best;
}

/** 90° turn about z of an n × n × nz cube: out(i, j, k) = in(j, n − 1 − i, k). */
function turn(data: ArrayLike<number>, n: number, nz: number): Float64Array {
  const out = new Float64Array(n * n * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) out[i + n * (j + n * k)] = data[j + n * (n - 1 - i + n * k)]!;
  return out;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let o = 0; o < a.length; o++) scale = Math.max(scale, Math.abs(b[o]!));
  for (let o = 0; o < a.length; o++) worst = Math.max(worst, Math.abs(a[o]! - b[o]!));
  return worst / scale;
}

describe('padding modes (IBSI names)', () => {
  it('constant, nearest, periodic, mirror (d c b a | a b c d | d c b a)', () => {
    expect([-2, -1, 4, 5].map((i) => padIndex(i, 4, 'constant'))).toEqual([-1, -1, -1, -1]);
    expect([-2, -1, 4, 5].map((i) => padIndex(i, 4, 'nearest'))).toEqual([0, 0, 3, 3]);
    expect([-2, -1, 4, 5].map((i) => padIndex(i, 4, 'periodic'))).toEqual([2, 3, 0, 1]);
    expect([-2, -1, 4, 5].map((i) => padIndex(i, 4, 'mirror'))).toEqual([1, 0, 3, 2]);
  });
  it('the rotation groups have 24 (3D) and 4 (2D) members', () => {
    expect(rightAngleRotations(3)).toHaveLength(24);
    expect(rightAngleRotations(2)).toHaveLength(4);
  });
});

describe('mean filter', () => {
  it('a constant stays constant; periodic padding keeps the checkerboard sum (1.a.3)', () => {
    const c = vol([9, 8, 7], new Array(9 * 8 * 7).fill(3.5));
    for (const padding of ['nearest', 'mirror', 'periodic'] as const) {
      const r = ibsiResponseMap(c, { filter: 'mean', support: 5, padding, by2D: false }).data;
      for (const v of r) expect(Math.abs(v - 3.5)).toBeLessThan(1e-12);
    }
    const z = ibsiResponseMap(c, { filter: 'mean', support: 5, padding: 'constant', by2D: false }).data;
    expect(Math.abs(z[4 + 9 * (4 + 8 * 3)]! - 3.5)).toBeLessThan(1e-12);
    expect(z[0]).toBeLessThan(3.5); // zeros enter at the corner
    const board = phantom('checkerboard');
    const spec = PHASE1_CONFIGS.find((p) => p.id === '1.a.3')!.spec;
    const r = ibsiResponseMap(board, spec).data;
    expect(Math.abs(sum(r) / sum(board.data) - 1)).toBeLessThan(1e-12);
  });
  it('1.b.1 (2D, zero padding) on the impulse: 255/225 on the 15 × 15 square of its slice', () => {
    const imp = phantom('impulse');
    const p = argmax(imp.data);
    const [nx, ny] = imp.size;
    const r = ibsiResponseMap(imp, PHASE1_CONFIGS.find((c) => c.id === '1.b.1')!.spec).data;
    const pi = p % nx;
    const pj = Math.floor(p / nx) % ny;
    const pk = Math.floor(p / (nx * ny));
    let inside = 0;
    let worst = 0;
    for (let o = 0; o < r.length; o++) {
      const i = o % nx;
      const j = Math.floor(o / nx) % ny;
      const k = Math.floor(o / (nx * ny));
      const expected = k === pk && Math.abs(i - pi) <= 7 && Math.abs(j - pj) <= 7 ? 255 / 225 : 0;
      if (expected) inside++;
      worst = Math.max(worst, Math.abs(r[o]! - expected));
    }
    expect(inside).toBe(225);
    expect(worst).toBeLessThan(1e-12);
  });
});

describe('Laplacian of Gaussian (IBSI definition)', () => {
  it('2.a: the impulse response is the analytic kernel, truncated at ⌊4σ + 0.5⌋ voxels', () => {
    const imp = phantom('impulse');
    const p = argmax(imp.data);
    const [nx, ny] = imp.size;
    const r = ibsiResponseMap(imp, PHASE1_CONFIGS.find((c) => c.id === '2.a')!.spec).data;
    const s = 3 / 2; // σ in voxels
    const h = (x: number, y: number, z: number): number => {
      const q = (x * x + y * y + z * z) / (s * s);
      return -(1 / (s * s)) * (1 / (s * Math.sqrt(2 * Math.PI))) ** 3 * (3 - q) * Math.exp(-q / 2);
    };
    for (const [x, y, z] of [
      [0, 0, 0],
      [1, 0, 0],
      [2, -1, 3],
      [6, 6, 6],
      [-4, 5, -2],
    ] as const) {
      const got = r[p + x + nx * (y + ny * z)]!;
      expect(Math.abs(got / (255 * h(x, y, z)) - 1)).toBeLessThan(1e-12);
    }
    expect(r[p + 7]).toBe(0); // R = ⌊4·1.5 + 0.5⌋ = 6
  });
  it('∇²(x²) = 2 in the interior; a constant gives ≈ 0', () => {
    const n = 40;
    const data = new Float64Array(n * 4 * 4);
    for (let o = 0; o < data.length; o++) data[o] = ((o % n) - 20) ** 2;
    const r = ibsiResponseMap(vol([n, 4, 4], data), { filter: 'log', sigmaMm: 2, truncate: 4, padding: 'nearest', by2D: false });
    // Exactly, over |m| ≤ 8 (f constant along y and z): Σ G''m² · (ΣG)² + 2 · ΣGm² · ΣG'' · ΣG.
    const g = (m: number) => Math.exp(-(m * m) / 8) / (2 * Math.sqrt(2 * Math.PI));
    const g2 = (m: number) => g(m) * ((m * m) / 16 - 1 / 4);
    let s2m2 = 0;
    let s0m2 = 0;
    let s0 = 0;
    let s2 = 0;
    for (let m = -8; m <= 8; m++) {
      s2m2 += g2(m) * m * m;
      s0m2 += g(m) * m * m;
      s0 += g(m);
      s2 += g2(m);
    }
    const got = r.data[20 + n * (2 + 4 * 2)]!;
    expect(Math.abs(got / (s2m2 * s0 * s0 + 2 * s0m2 * s2 * s0) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(got / 2 - 1)).toBeLessThan(1e-2);
    const c = ibsiResponseMap(vol([n, 4, 4], new Float64Array(n * 16).fill(100)), {
      filter: 'log',
      sigmaMm: 2,
      truncate: 4,
      padding: 'mirror',
      by2D: false,
    });
    for (const v of c.data) expect(Math.abs(v)).toBeLessThan(1e-3 * 100);
  });
  it('refuses σ below half the voxel spacing', () => {
    expect(() =>
      ibsiResponseMap(vol([8, 8, 8], new Float64Array(512), [2, 2, 2]), {
        filter: 'log',
        sigmaMm: 0.5,
        truncate: 4,
        padding: 'constant',
        by2D: false,
      }),
    ).toThrow(/smaller than half the voxel spacing \(1 mm\)/);
  });
});

describe('Laws kernels', () => {
  it('IBSI 1D coefficients with unit norm', () => {
    const expected: Record<string, number[]> = {
      L5: [1, 4, 6, 4, 1].map((v) => v / Math.sqrt(70)),
      E5: [-1, -2, 0, 2, 1].map((v) => v / Math.sqrt(10)),
      S5: [-1, 0, 2, 0, -1].map((v) => v / Math.sqrt(6)),
      W5: [-1, 2, 0, -2, 1].map((v) => v / Math.sqrt(10)),
      R5: [1, -4, 6, -4, 1].map((v) => v / Math.sqrt(70)),
      E3: [-1, 0, 1].map((v) => v / Math.sqrt(2)),
    };
    for (const [name, values] of Object.entries(expected)) {
      const k = lawsKernel1D(name);
      values.forEach((v, i) => expect(Math.abs(k[i]! - v)).toBeLessThan(1e-15));
      expect(Math.abs(energy(k) - 1)).toBeLessThan(1e-15);
    }
  });
  it('3.a.1: the impulse response is the outer product E5(x)·L5(y)·S5(z)', () => {
    const imp = phantom('impulse');
    const p = argmax(imp.data);
    const [nx, ny] = imp.size;
    const r = ibsiResponseMap(imp, PHASE1_CONFIGS.find((c) => c.id === '3.a.1')!.spec).data;
    const [e5, l5, s5] = ['E5', 'L5', 'S5'].map(lawsKernel1D) as [Float64Array, Float64Array, Float64Array];
    let checked = 0;
    for (let z = -2; z <= 2; z++)
      for (let y = -2; y <= 2; y++)
        for (let x = -2; x <= 2; x++) {
          // convolution: out[p + d] = h[d + centre]
          const expected = 255 * e5[x + 2]! * l5[y + 2]! * s5[z + 2]!;
          expect(Math.abs(r[p + x + nx * (y + ny * z)]! - expected)).toBeLessThan(1e-12);
          checked++;
        }
    expect(checked).toBe(125);
    expect(sum(r.map(Math.abs))).toBeCloseTo(255 * sum(e5.map(Math.abs)) * sum(l5.map(Math.abs)) * sum(s5.map(Math.abs)), 9);
  });
  it('zero-sum kernels: energy 0 on a constant image (3.b.3 settings)', () => {
    const c = vol([12, 12, 12], new Float64Array(1728).fill(7));
    const r = ibsiResponseMap(c, PHASE1_CONFIGS.find((p) => p.id === '3.b.3')!.spec).data;
    for (const v of r) expect(Math.abs(v)).toBeLessThan(1e-12);
  });
  it('rotation-invariant max pooling commutes with a 90° turn (3D and 2D)', () => {
    const n = 10;
    const data = random(n * n * n, 9);
    for (const kernel of ['E5L5S5', 'L5S5']) {
      const spec: IbsiFilterSpec = {
        filter: 'laws',
        kernel,
        padding: 'periodic',
        rotationInvariant: true,
        pooling: 'max',
        energyDelta: 2,
      };
      const a = turn(ibsiResponseMap(vol([n, n, n], data), spec).data, n, n);
      const b = ibsiResponseMap(vol([n, n, n], turn(data, n, n)), spec).data;
      expect(maxRelDiff(a, b)).toBeLessThan(1e-12);
      // Without rotation invariance the turn changes the response.
      const plain = { ...spec, rotationInvariant: false };
      expect(
        maxRelDiff(
          turn(ibsiResponseMap(vol([n, n, n], data), plain).data, n, n),
          ibsiResponseMap(vol([n, n, n], turn(data, n, n)), plain).data,
        ),
      ).toBeGreaterThan(1e-3);
    }
  });
  it('3.c.1 (2D L5S5, mirror) on the checkerboard is finite and filters in-plane only', () => {
    const board = phantom('checkerboard');
    const r = ibsiResponseMap(board, PHASE1_CONFIGS.find((p) => p.id === '3.c.1')!.spec);
    expect(r.size).toEqual([64, 64, 64]);
    expect(r.data.every(Number.isFinite)).toBe(true);
  });
});

describe('Gabor', () => {
  it('kernel energy Σ|h|² = πσ²/γ', () => {
    for (const [sigma, gamma, theta] of [
      [3, 1, 0],
      [4, 0.5, Math.PI / 3],
      [2.5, 2.5, (5 * Math.PI) / 4],
    ] as const) {
      const k = gaborKernel(sigma, 4, gamma, theta, 6);
      let e = 0;
      for (let o = 0; o < k.re.length; o++) e += k.re[o]! ** 2 + k.im[o]! ** 2;
      expect(Math.abs(e / ((Math.PI * sigma * sigma) / gamma) - 1)).toBeLessThan(1e-7);
    }
  });
  it('a matching plane wave gives the constant modulus Σ env / 2 = πσ²/γ; the orthogonal one almost nothing', () => {
    const n = 48;
    const sigma = 3;
    const lambda = 4;
    const gamma = 1;
    const wave = new Float64Array(n * n * 1);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) wave[i + n * j] = Math.cos((2 * Math.PI * i) / lambda);
    const spec: IbsiFilterSpec = {
      filter: 'gabor',
      sigmaMm: sigma,
      lambdaMm: lambda,
      gamma,
      thetaDeg: 0,
      thetaStepDeg: null,
      orthogonalPlanes: false,
      response: 'modulus',
      padding: 'periodic',
      truncate: 6,
    };
    const r = ibsiResponseMap(vol([n, n, 1], wave), spec).data;
    // h∗cos = ½(e^{ik·n} H(k) + e^{−ik·n} H(−k)); H(k0) = Σ env = 2πσ²/γ, H(−k0) ≈ 0.
    const expected = (2 * Math.PI * sigma * sigma) / gamma / 2;
    for (const v of r) expect(Math.abs(v / expected - 1)).toBeLessThan(1e-7);
    const orth = ibsiResponseMap(vol([n, n, 1], wave), { ...spec, thetaDeg: 90 }).data;
    for (const v of orth) expect(v / expected).toBeLessThan(1e-6);
  });
  it('the FFT convolution equals the direct sum in every padding mode', () => {
    const size: Vec3 = [13, 11, 5];
    const data = random(13 * 11 * 5, 77);
    for (const padding of ['constant', 'nearest', 'periodic', 'mirror'] as const) {
      for (const orthogonalPlanes of [false, true]) {
        const spec: IbsiFilterSpec = {
          filter: 'gabor',
          sigmaMm: 2,
          lambdaMm: 3,
          gamma: 0.7,
          thetaDeg: 30,
          thetaStepDeg: orthogonalPlanes ? 90 : null,
          orthogonalPlanes,
          response: 'modulus',
          padding,
          truncate: 4,
        };
        const viaFft = gaborFilter(Float64Array.from(data), size, { ...spec, spacingMm: [1, 1, 1], direct: false });
        const direct = gaborFilter(Float64Array.from(data), size, { ...spec, spacingMm: [1, 1, 1], direct: true });
        expect(maxRelDiff(viaFft, direct)).toBeLessThan(1e-12);
      }
    }
  });
  it('phase 1 settings parse and name themselves', () => {
    const names = PHASE1_CONFIGS.map((c) => ibsiFilterName(c.spec));
    expect(new Set(names).size).toBe(names.length);
    expect(PHASE1_CONFIGS.map((c) => c.id)).toContain('4.b.2');
  });
});

/** Periodic adjoint of the separable band: Σ_m k[m] y[p + (m − c)] along each axis. */
function adjointPeriodic(y: Float64Array, size: Vec3, kernels: Float64Array[]): Float64Array {
  let cur = y;
  for (let a = 0; a < 3; a++) {
    const k = kernels[a]!;
    const c = (k.length - 1) >> 1;
    const n = size[a]!;
    const stride = a === 0 ? 1 : a === 1 ? size[0] : size[0] * size[1];
    const out = new Float64Array(cur.length);
    for (let o = 0; o < cur.length; o++) {
      const p = Math.floor(o / stride) % n;
      let s = 0;
      for (let m = 0; m < k.length; m++) s += k[m]! * cur[o + (((((p + m - c) % n) + n) % n) - p) * stride]!;
      out[o] = s;
    }
    cur = out;
  }
  return cur;
}

const BANDS = ['LLL', 'LLH', 'LHL', 'LHH', 'HLL', 'HLH', 'HHL', 'HHH'];

describe('separable wavelets (undecimated)', () => {
  const size: Vec3 = [12, 10, 8];
  const data = random(12 * 10 * 8, 21);
  const x = vol(size, data);
  for (const wavelet of ['haar', 'db2', 'coif1']) {
    it(`${wavelet}: Parseval (8× energy) and perfect reconstruction with periodic padding, level 1`, () => {
      const bank = waveletBank(wavelet);
      let e = 0;
      const recon = new Float64Array(data.length);
      for (const band of BANDS) {
        const r = ibsiResponseMap(x, {
          filter: 'wavelet',
          wavelet,
          subband: band,
          level: 1,
          padding: 'periodic',
          rotationInvariant: false,
        }).data;
        e += energy(r);
        const ks = [...band].map((ch) => (ch === 'L' ? bank.decLo : bank.decHi));
        const back = adjointPeriodic(r, size, ks);
        for (let o = 0; o < recon.length; o++) recon[o] = recon[o]! + back[o]! / 8;
      }
      expect(Math.abs(e / (8 * energy(data)) - 1)).toBeLessThan(1e-12);
      expect(maxRelDiff(recon, data)).toBeLessThan(1e-12);
    });
  }
  it('db2 level 2: 7 level-1 details + 1/8 of the 8 level-2 bands carry 8× the energy', () => {
    const big = vol([16, 16, 16], random(4096, 5));
    let e = 0;
    for (const band of BANDS.slice(1))
      e += energy(
        ibsiResponseMap(big, {
          filter: 'wavelet',
          wavelet: 'db2',
          subband: band,
          level: 1,
          padding: 'periodic',
          rotationInvariant: false,
        }).data,
      );
    for (const band of BANDS)
      e +=
        energy(
          ibsiResponseMap(big, {
            filter: 'wavelet',
            wavelet: 'db2',
            subband: band,
            level: 2,
            padding: 'periodic',
            rotationInvariant: false,
          }).data,
        ) / 8;
    expect(Math.abs(e / (8 * energy(big.data)) - 1)).toBeLessThan(1e-12);
  });
  it('5.a.1 (db2 LHL) impulse response is the outer product L(x)·H(y)·L(z)', () => {
    const imp = phantom('impulse');
    const p = argmax(imp.data);
    const [nx, ny] = imp.size;
    const r = ibsiResponseMap(imp, PHASE1_CONFIGS.find((c) => c.id === '5.a.1')!.spec).data;
    const { decLo, decHi } = waveletBank('db2');
    // centre c = 1 for 4 taps: out[p + m − 1] = h[m]
    for (let z = 0; z < 4; z++)
      for (let y = 0; y < 4; y++)
        for (let x2 = 0; x2 < 4; x2++) {
          const expected = 255 * decLo[x2]! * decHi[y]! * decLo[z]!;
          expect(Math.abs(r[p + (x2 - 1) + nx * (y - 1 + ny * (z - 1))]! - expected)).toBeLessThan(1e-12);
        }
  });
  it('rotation-invariant averaging (6.a.2 settings) commutes with a 90° turn', () => {
    const n = 10;
    const d = random(n * n * n, 33);
    const spec = PHASE1_CONFIGS.find((c) => c.id === '6.a.2')!.spec;
    const a = turn(ibsiResponseMap(vol([n, n, n], d), spec).data, n, n);
    const b = ibsiResponseMap(vol([n, n, n], turn(d, n, n)), spec).data;
    expect(maxRelDiff(a, b)).toBeLessThan(1e-12);
  });
  it('6.a.1 on the sphere phantom: 8 bands of coif1 carry 8× the energy', () => {
    const sphere = phantom('sphere');
    let e = 0;
    for (const band of BANDS)
      e += energy(
        ibsiResponseMap(sphere, {
          filter: 'wavelet',
          wavelet: 'coif1',
          subband: band,
          level: 1,
          padding: 'periodic',
          rotationInvariant: false,
        }).data,
      );
    expect(Math.abs(e / (8 * energy(sphere.data)) - 1)).toBeLessThan(1e-12);
  });
  it('refuses a volume too small for the level', () => {
    expect(() =>
      ibsiResponseMap(vol([6, 8, 8], new Float64Array(384)), {
        filter: 'wavelet',
        wavelet: 'db2',
        subband: 'LLH',
        level: 2,
        padding: 'periodic',
        rotationInvariant: false,
      }),
    ).toThrow(/volume too small for db2 level 2: axis x has 6 voxels, the level-2 filter spans 7/);
  });
});

describe('Simoncelli wavelet', () => {
  it('Σ_j ψ_j(r)² = 1 on [2^−J, 1/2]', () => {
    for (const J of [2, 3, 4]) {
      for (let r = 2 ** -J; r <= 0.5; r += 0.001) {
        let s = 0;
        for (let j = 1; j <= J; j++) s += simoncelliBand(r, j) ** 2;
        expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      }
    }
  });
  it('a plane wave is scaled by ψ_j(r); levels 1 and 2 split its energy (cos² + sin²)', () => {
    const n = 32;
    const k = 6; // r = 2·6/32 = 0.375
    const wave = new Float64Array(n * 8 * 8);
    for (let o = 0; o < wave.length; o++) wave[o] = Math.cos((2 * Math.PI * k * (o % n)) / n);
    const v = vol([n, 8, 8], wave);
    const scale = [1, 2].map((level) => {
      const r = ibsiResponseMap(v, { filter: 'simoncelli', level, padding: 'periodic', by2D: false }).data;
      const psi = simoncelliBand(0.375, level);
      for (let o = 0; o < r.length; o++) expect(Math.abs(r[o]! - psi * wave[o]!)).toBeLessThan(1e-12);
      return psi;
    });
    expect(Math.abs(scale[0]! ** 2 + scale[1]! ** 2 - 1)).toBeLessThan(1e-12);
  });
  it('8.a.1 on the checkerboard: real response with the DC removed', () => {
    const board = phantom('checkerboard');
    const r = ibsiResponseMap(board, PHASE1_CONFIGS.find((c) => c.id === '8.a.1')!.spec).data;
    expect(Math.abs(sum(r))).toBeLessThan(1e-9 * sum(r.map(Math.abs)));
    expect(energy(r)).toBeGreaterThan(0);
  });
  it('only periodic padding', () => {
    expect(() => parseIbsiFilterSpec({ filter: 'simoncelli', padding: 'mirror' }, 'spec')).toThrow(/only periodic padding/);
  });
});

describe('filter specifications (bad input)', () => {
  it('names the key and the accepted values', () => {
    expect(() => parseIbsiFilterSpec({ filter: 'laws', kernel: 'X5L5' }, 'params.yaml: imageType.IBSI2')).toThrow(
      /params.yaml: imageType.IBSI2.kernel: Laws kernel "X5L5"/,
    );
    expect(() => parseIbsiFilterSpec({ filter: 'mean', support: 4 }, 'f')).toThrow(/f.support: must be an odd positive integer/);
    expect(() => parseIbsiFilterSpec({ filter: 'mean', padding: 'clamp' }, 'f')).toThrow(/unknown padding mode "clamp"/);
    expect(() => parseIbsiFilterSpec({ filter: 'log' }, 'f')).toThrow(/f.sigmaMm: is required/);
    expect(() => parseIbsiFilterSpec({ filter: 'gabor', sigmaMm: 1, lambdaMm: 1, gamma: 1, sigma: 2 }, 'f')).toThrow(
      /f.sigma: unknown key/,
    );
    expect(() => parseIbsiFilterSpec({ filter: 'median' }, 'f')).toThrow(/unknown IBSI 2 filter "median"/);
    expect(parseIbsiFilterSpec({ filter: 'log', sigmaMm: 3, padding: 'zero' }, 'f')).toEqual({
      filter: 'log',
      sigmaMm: 3,
      truncate: 4,
      padding: 'constant',
      by2D: false,
    });
  });
});
