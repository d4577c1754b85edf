/**
 * Local binary patterns (PyRadiomics image types LBP2D and LBP3D).
 *
 * References and tolerances:
 * - LBP2D codes worked by hand from scikit-image's local_binary_pattern definition (neighbour p
 *   at (r − R sin 2πp/P, c + R cos 2πp/P), offsets rounded to 5 decimals, bilinear
 *   interpolation, 0 outside, s_p = [g_p ≥ g_c]); integer codes, so exact equality.
 * - `var` on a linear ramp g = 10r + c: bilinear interpolation is exact for a linear function,
 *   so the neighbours are g_c + 10·dr_p + dc_p and the biased variance is (202 + 404·0.70711²)/8
 *   with the offsets rounded to 5 decimals (1e-12 absolute), 50.5 with exact offsets (3e-4).
 * - scikit-image 0.26.0 local_binary_pattern itself (test/fixtures/python/lbp2d_skimage.json):
 *   integer noise with ties and a smooth float field, P/R = 8/1, 12/1.5, 4/2, every method;
 *   codes exactly equal, `var` within 1e-9 relative (summation order), NaN where skimage gives NaN.
 * - Rotation invariance: with P = 8, R = 1 the sample pattern maps onto itself under a 90° turn,
 *   so `uniform` and `ror` codes of the turned slice are the turned codes (exact); `default`
 *   codes are not.
 * - LBP3D: test/fixtures/python/lbp3d_scipy.json, PyRadiomics 3's getLBP3DImage computation
 *   written with scipy 1.17.1 (map_coordinates order 3, scipy.stats.kurtosis, sph_harm_y);
 *   tolerance 1e-9 relative (a different spline prefilter evaluation order). Level 0 by hand:
 *   Y_00 = 1/√(4π), so lbp-3D-m1 = √Nv · (number of samples ≥ centre) / (4π), 1e-12 relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyImageType } from '../../../main/compute/filters/index.js';
import { icosphereVertices, lbp2DImage, lbp3DImages, type Lbp2DMethod } from '../../../main/compute/filters/lbp.js';
import type { Vec3, Volume } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import { extractImageTypes } from '../../../main/compute/radiomics/imageTypes.js';
import { parseParameterFile } from '../../../main/compute/radiomics/settings.js';

function vol(size: Vec3, data: ArrayLike<number>): Volume<Float64Array> {
  return { size, spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: [...IDENTITY_DIRECTION], data: Float64Array.from(data) };
}

/** One axial slice (rows = y, cols = x) as a volume. */
function slice(rows: number[][]): Volume<Float64Array> {
  return vol([rows[0]!.length, rows.length, 1], rows.flat());
}

const lbp = (v: Volume, samples: number, method: Lbp2DMethod, radius = 1, force2Ddimension = 0) =>
  lbp2DImage(v, { radius, samples, method, force2Ddimension }).data;

describe('LBP2D codes by hand (scikit-image definitions)', () => {
  const img = slice([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);
  // P = 4, R = 1: neighbours right, up, left, down; centre 5 → s = [6≥5, 2≥5, 4≥5, 8≥5] = [1, 0, 0, 1].
  it('default: Σ s_p 2^p = 1 + 8', () => expect(lbp(img, 4, 'default')[4]).toBe(9));
  it('ror: the smallest rotation of 1001b is 0011b = 3', () => expect(lbp(img, 4, 'ror')[4]).toBe(3));
  it('uniform: 2 transitions → number of ones = 2', () => expect(lbp(img, 4, 'uniform')[4]).toBe(2));
  it('nri_uniform: 1 + (ones − 1)·P + (ones − first zero) = 6', () => expect(lbp(img, 4, 'nri_uniform')[4]).toBe(6));
  it('outside the slice reads 0: corner (0, 0) with value 1 sees right 2, up 0, left 0, down 4', () => {
    // s = [2≥1, 0≥1, 0≥1, 4≥1] = [1, 0, 0, 1].
    expect(lbp(img, 4, 'default')[0]).toBe(9);
    const zero = slice([
      [0, 1],
      [10, 11],
    ]);
    // centre 0: right 1, up 0, left 0, down 10 → all ≥ 0 → 15; uniform: 0 transitions → 4.
    expect(lbp(zero, 4, 'default')[0]).toBe(15);
    expect(lbp(zero, 4, 'uniform')[0]).toBe(4);
  });
  it('a non-uniform pattern gets P + 1 with uniform and P(P−1) + 2 with nri_uniform', () => {
    const alt = slice([
      [0, 9, 0],
      [0, 5, 0],
      [0, 9, 0],
    ]);
    // P = 4: right 0, up 9, left 0, down 9 → s = [0, 1, 0, 1]: 3 transitions.
    expect(lbp(alt, 4, 'uniform')[4]).toBe(5);
    expect(lbp(alt, 4, 'nri_uniform')[4]).toBe(14);
  });

  const ramp = vol(
    [5, 5, 1],
    Array.from({ length: 25 }, (_, o) => 10 * Math.floor(o / 5) + (o % 5)),
  );
  it('P = 8 with bilinear interpolation on the ramp 10r + c: pattern 1,0,0,0,0,1,1,1', () => {
    // s_p = [10·dr_p + dc_p ≥ 0] with dr = −sin, dc = cos at p·45°: true for p = 0, 5, 6, 7.
    expect(lbp(ramp, 8, 'default')[12]).toBe(1 + 32 + 64 + 128);
    expect(lbp(ramp, 8, 'uniform')[12]).toBe(4);
  });
  it('var: biased variance of the interpolated neighbours = 50.5 on the ramp', () => {
    // Offsets rounded to 5 decimals: diagonals at ±0.70711, so Σ (10dr + dc)² = 2 + 200 + 404·0.70711².
    const a = 0.70711;
    expect(Math.abs(lbp(ramp, 8, 'var')[12]! - (202 + 404 * a * a) / 8)).toBeLessThan(1e-12);
    expect(Math.abs(lbp(ramp, 8, 'var')[12]! - 50.5)).toBeLessThan(3e-4);
    expect(Number.isNaN(lbp(vol([3, 3, 1], new Array(9).fill(4)), 8, 'var')[4])).toBe(true);
  });

  it('uniform codes take P + 2 values 0 … P + 1', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 100;
    const noise = vol([16, 16, 2], Array.from({ length: 512 }, rand));
    const codes = new Set(lbp(noise, 8, 'uniform'));
    for (const c of codes) expect(Number.isInteger(c) && c >= 0 && c <= 9).toBe(true);
    expect(codes.size).toBeGreaterThan(5);
  });
});

interface Lbp2DFixture {
  rows: number;
  cols: number;
  images: Record<string, number[]>;
  cases: { image: string; P: number; R: number; method: Lbp2DMethod; codes: (number | null)[] }[];
}

describe('LBP2D against scikit-image', () => {
  const fx = JSON.parse(
    readFileSync(new URL('../../fixtures/python/lbp2d_skimage.json', import.meta.url), 'utf8'),
  ) as Lbp2DFixture;
  for (const c of fx.cases) {
    it(`${c.image}, P = ${c.P}, R = ${c.R}, ${c.method}`, () => {
      const got = lbp(vol([fx.cols, fx.rows, 1], fx.images[c.image]!), c.P, c.method, c.R);
      c.codes.forEach((e, o) => {
        if (e === null) expect(Number.isNaN(got[o])).toBe(true);
        else if (c.method === 'var') expect(Math.abs(got[o]! - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
        else expect(got[o], `pixel ${o}`).toBe(e);
      });
    });
  }
});

describe('LBP2D rotation invariance (90° turn, P = 8, R = 1)', () => {
  const n = 9;
  let seed = 17;
  const rand = () => Math.round(((seed = (seed * 48271) % 2147483647) / 2147483647) * 50);
  const a = Array.from({ length: n * n }, rand);
  // turned(r, c) = a(c, n − 1 − r): a quarter turn of the slice.
  const turned = a.map((_, o) => a[(o % n) * n + (n - 1 - Math.floor(o / n))]!);
  const turnBack = (codes: Float64Array): number[] =>
    Array.from({ length: n * n }, (_, o) => codes[(n - 1 - (o % n)) * n + Math.floor(o / n)]!);
  for (const method of ['uniform', 'ror'] as const) {
    it(`${method}: LBP(turned image) = turned LBP(image)`, () => {
      expect(turnBack(lbp(vol([n, n, 1], turned), 8, method))).toEqual([...lbp(vol([n, n, 1], a), 8, method)]);
    });
  }
  it('default codes change with the turn', () => {
    expect(turnBack(lbp(vol([n, n, 1], turned), 8, 'default'))).not.toEqual([...lbp(vol([n, n, 1], a), 8, 'default')]);
  });
});

describe('LBP2D slice axis (force2Ddimension)', () => {
  it('dimension 1 (slices normal to y, rows z) equals dimension 0 on the y↔z-swapped volume', () => {
    const [nx, ny, nz] = [5, 4, 6];
    const data = Array.from({ length: nx * ny * nz }, (_, o) => (o * 37) % 23);
    const swapped = new Array<number>(nx * ny * nz);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) swapped[i + nx * (k + nz * j)] = data[i + nx * (j + ny * k)]!;
    const a = lbp(vol([nx, ny, nz], data), 8, 'default', 1, 1);
    const b = lbp(vol([nx, nz, ny], swapped), 8, 'default', 1, 0);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) expect(a[i + nx * (j + ny * k)]).toBe(b[i + nx * (k + nz * j)]);
  });
});

interface Lbp3DFixture {
  size_xyz: Vec3;
  image: number[];
  roi: number[];
  cases: { levels: number; radius: number; subdivision: number; m: number[][]; k: number[] }[];
}

describe('LBP3D (spherical harmonics on an icosphere)', () => {
  const fx = JSON.parse(readFileSync(new URL('../../fixtures/python/lbp3d_scipy.json', import.meta.url), 'utf8')) as Lbp3DFixture;
  const image = vol(fx.size_xyz, fx.image);
  const maskData = new Uint8Array(fx.image.length);
  for (const o of fx.roi) maskData[o] = 1;
  const mask: Volume = { ...image, data: maskData };

  it('trimesh icosphere sizes: 12, 42, 162 vertices on the radius', () => {
    expect([0, 1, 2].map((s) => icosphereVertices(s, 1.5).length)).toEqual([12, 42, 162]);
    for (const v of icosphereVertices(2, 1.5)) expect(Math.abs(Math.hypot(v[0]!, v[1]!, v[2]!) - 1.5)).toBeLessThan(1e-14);
  });

  for (const c of fx.cases) {
    it(`levels ${c.levels}, radius ${c.radius}, subdivision ${c.subdivision}: matches the scipy computation`, () => {
      const out = lbp3DImages(image, mask, 1, {
        levels: c.levels,
        icosphereRadius: c.radius,
        icosphereSubdivision: c.subdivision,
      });
      expect(out.map((o) => o.name)).toEqual([...Array.from({ length: c.levels }, (_, l) => `lbp-3D-m${l + 1}`), 'lbp-3D-k']);
      const expected = [...c.m, c.k];
      let worst = 0;
      out.forEach((o, idx) => {
        expect(o.volume.size).toEqual(fx.size_xyz);
        fx.roi.forEach((vox, r) => {
          const e = expected[idx]![r]!;
          const a = o.volume.data[vox]!;
          expect(Number.isFinite(a)).toBe(true);
          worst = Math.max(worst, Math.abs(a - e) / Math.max(1, Math.abs(e)));
        });
      });
      expect(worst).toBeLessThan(1e-9);
    });
  }

  it('lbp-3D-m1 = √Nv · #(samples ≥ centre) / (4π); the impulse centre has none, its kurtosis is finite', () => {
    const n = 7;
    const imp = new Float64Array(n * n * n);
    const centre = 3 + n * (3 + n * 3);
    imp[centre] = 100;
    const m = new Uint8Array(n * n * n).fill(1);
    const out = lbp3DImages(vol([n, n, n], imp), { ...vol([n, n, n], m), data: m }, 1, {
      levels: 2,
      icosphereRadius: 1,
      icosphereSubdivision: 1,
    });
    expect(out[0]!.volume.data[centre]).toBe(0);
    expect(Number.isFinite(out[2]!.volume.data[centre])).toBe(true);
    const flat = vol([n, n, n], new Float64Array(n * n * n).fill(5));
    const flatOut = lbp3DImages(flat, { ...flat, data: m }, 1, { levels: 1, icosphereRadius: 1, icosphereSubdivision: 1 });
    // Inside a constant image every sample equals the centre (mirror-boundary spline of a constant).
    const inner = 3 + n * (3 + n * 3);
    expect(Math.abs(flatOut[0]!.volume.data[inner]! / ((Math.sqrt(42) * 42) / (4 * Math.PI)) - 1)).toBeLessThan(1e-12);
    expect(Number.isNaN(flatOut[1]!.volume.data[inner])).toBe(true); // scipy: kurtosis of constant samples is NaN
  });
});

describe('LBP image types in extraction', () => {
  it('applyImageType names and the feature names lbp-2D_*, lbp-3D-m1_*, lbp-3D-k_*', () => {
    const n = 8;
    let seed = 5;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 200;
    const image = vol([n, n, n], Array.from({ length: n ** 3 }, rand));
    const maskData = new Uint8Array(n ** 3);
    for (let k = 2; k < 6; k++) for (let j = 2; j < 6; j++) for (let i = 2; i < 6; i++) maskData[i + n * (j + n * k)] = 1;
    const mask: Volume = { ...image, data: maskData };
    const warnings: string[] = [];
    expect(applyImageType(image, 'LBP2D', {}, warnings).map((d) => d.name)).toEqual(['lbp-2D']);
    expect(warnings[0]).toMatch(/Local Binary Pattern in 2D/);
    expect(applyImageType(image, 'LBP3D', {}, [], mask).map((d) => d.name)).toEqual(['lbp-3D-m1', 'lbp-3D-m2', 'lbp-3D-k']);
    expect(() => applyImageType(image, 'LBP3D', {})).toThrow(/needs the ROI mask/);

    const params = parseParameterFile(
      [
        'imageType:',
        '  Original: {}',
        '  LBP2D: {}',
        '  LBP3D: {}',
        'setting:',
        '  binWidth: 1',
        'featureClass:',
        '  firstorder: [Mean]',
      ].join('\n'),
    );
    const result = extractImageTypes(image, mask, params);
    const names = result.features.map((f) => f.name);
    expect(names).toEqual([
      'original_firstorder_Mean',
      'lbp-2D_firstorder_Mean',
      'lbp-3D-m1_firstorder_Mean',
      'lbp-3D-m2_firstorder_Mean',
      'lbp-3D-k_firstorder_Mean',
    ]);
    for (const f of result.features) expect(Number.isFinite(f.value)).toBe(true);
    // uniform codes with P = 8 (PyRadiomics' code default) lie in 0 … 9.
    const lbpMean = result.features[1]!.value;
    expect(lbpMean).toBeGreaterThanOrEqual(0);
    expect(lbpMean).toBeLessThanOrEqual(9);
  });
});
