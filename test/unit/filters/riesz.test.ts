/**
 * First-order Riesz transform (main/compute/filters/ibsi2/riesz.ts) by its properties; there is no
 * IBSI reference response map for it (docs/ibsi2-filters.md).
 *
 * - Plane wave / steering (Unser & Van De Ville 2010, eq. for R of e^{i⟨ω,x⟩}): cos(2π k·x/n) gives
 *   (ν_a/‖ν‖) sin(2π k·x/n) on component a; the component steered along ν/‖ν‖ (Σ_a u_a R_a) has the
 *   whole amplitude and an orthogonal direction none. Tolerance 1e-10 (FFT round-off, amplitude 1).
 * - Energy (Parseval; the squared multipliers ν_a²/‖ν‖² sum to 1 off ν = 0):
 *   Σ_a ‖R_a f‖² = ‖f − mean f‖² for f without Nyquist content (odd sizes have none), and with the
 *   Simoncelli band: Σ_a ‖R_a ψ_j f‖² = ‖ψ_j f‖² (ψ_j vanishes at Nyquist). Relative tolerance 1e-10.
 * - Rotation equivariance: turning the image by 90° about z, g(x, y) = f(y, −x), gives
 *   R_x g = −(R_y f)∘A and R_y g = (R_x f)∘A (odd n, so the turn maps the DFT grid onto itself).
 *   Tolerance 1e-10 of the largest value.
 * - The magnitude is √(Σ_a R_a²); the IBSI2 image type reads `riesz` with messages naming the key.
 */
import { describe, expect, it } from 'vitest';
import { ibsiFilterName, parseIbsiFilterSpec } from '../../../main/compute/filters/ibsi2/index.js';
import { rieszFilter, type RieszOptions } from '../../../main/compute/filters/ibsi2/riesz.js';
import { simoncelliFilter } from '../../../main/compute/filters/ibsi2/simoncelli.js';
import { applyImageType } from '../../../main/compute/filters/index.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import { parseParameterFile } from '../../../main/compute/radiomics/settings.js';
import type { Size3 } from '../../../main/compute/filters/ibsi2/convolution.js';

const opts = (component: RieszOptions['component'], level: number | null = null): RieszOptions => ({
  component,
  level,
  by2D: false,
  padding: 'periodic',
});

/** A deterministic textured volume (no Math.random). */
function texture(size: Size3): Float64Array {
  const [nx, ny, nz] = size;
  const out = new Float64Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const o = i + nx * (j + ny * k);
        out[o] = 50 + (Math.hypot(i - nx / 2, j - ny / 2, k - nz / 2) < nx / 3 ? 40 : 0) + 10 * Math.sin(o * 1.618 + i * j);
      }
  return out;
}

const energy = (v: Float64Array): number => v.reduce((s, x) => s + x * x, 0);
const maxAbs = (v: ArrayLike<number>): number => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

describe('Riesz transform', () => {
  const size: Size3 = [16, 12, 8];
  const k = [3, -2, 1];
  const nu = k.map((ka, a) => (2 * ka) / size[a]!);
  const norm = Math.hypot(...nu);
  const phase = (i: number, j: number, l: number): number =>
    2 * Math.PI * ((k[0]! * i) / size[0] + (k[1]! * j) / size[1] + (k[2]! * l) / size[2]);
  const wave = new Float64Array(size[0] * size[1] * size[2]);
  const sine = new Float64Array(wave.length);
  for (let l = 0; l < size[2]; l++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++) {
        wave[i + size[0] * (j + size[1] * l)] = Math.cos(phase(i, j, l));
        sine[i + size[0] * (j + size[1] * l)] = Math.sin(phase(i, j, l));
      }

  it('maps a plane wave cos(2πk·x) to (ν_a/‖ν‖)·sin(2πk·x) on each component', () => {
    (['x', 'y', 'z'] as const).forEach((c, a) => {
      const r = rieszFilter(wave, size, opts(c));
      const expected = sine.map((s) => (nu[a]! / norm) * s);
      expect(maxAbs(r.map((v, o) => v - expected[o]!))).toBeLessThan(1e-10);
    });
  });

  it('steers: along the wave the whole amplitude, orthogonal to it nothing; magnitude |sin|', () => {
    const comps = (['x', 'y', 'z'] as const).map((c) => rieszFilter(wave, size, opts(c)));
    const steer = (u: number[]): Float64Array =>
      wave.map((_, o) => u[0]! * comps[0]![o]! + u[1]! * comps[1]![o]! + u[2]! * comps[2]![o]!);
    const along = steer(nu.map((x) => x / norm));
    expect(maxAbs(along.map((v, o) => v - sine[o]!))).toBeLessThan(1e-10);
    // u ⟂ ν: ν × e_z, normalised.
    const ortho = [nu[1]!, -nu[0]!, 0].map((x) => x / Math.hypot(nu[0]!, nu[1]!));
    expect(maxAbs(steer(ortho))).toBeLessThan(1e-10);
    const mag = rieszFilter(wave, size, opts('magnitude'));
    expect(maxAbs(mag.map((v, o) => v - Math.abs(sine[o]!)))).toBeLessThan(1e-10);
  });

  it('keeps the energy of the zero-mean image (odd sizes: no Nyquist bin)', () => {
    const s: Size3 = [15, 13, 9];
    const f = texture(s);
    const mean = f.reduce((a, b) => a + b, 0) / f.length;
    const centred = energy(f.map((v) => v - mean));
    const total = (['x', 'y', 'z'] as const).reduce((e, c) => e + energy(rieszFilter(f, s, opts(c))), 0);
    expect(Math.abs(total - centred) / centred).toBeLessThan(1e-10);
  });

  it('keeps the energy of a Simoncelli band (the first-order Riesz wavelet), even sizes', () => {
    const s: Size3 = [16, 16, 16];
    const f = texture(s);
    for (const level of [1, 2]) {
      const band = energy(simoncelliFilter(f, s, { level, padding: 'periodic', by2D: false }));
      const total = (['x', 'y', 'z'] as const).reduce((e, c) => e + energy(rieszFilter(f, s, opts(c, level))), 0);
      expect(band).toBeGreaterThan(0);
      expect(Math.abs(total - band) / band).toBeLessThan(1e-10);
    }
  });

  it('turns with the image: a 90° turn about z maps (R_x, R_y) to (−R_y, R_x)', () => {
    const s: Size3 = [15, 15, 7];
    const n = 15;
    const f = texture(s);
    const at = (i: number, j: number, l: number): number => i + n * (j + n * l);
    // g(i, j) = f(j, −i mod n): the turn A(x, y) = (y, −x) about the periodic grid's origin.
    const g = new Float64Array(f.length);
    for (let l = 0; l < 7; l++)
      for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) g[at(i, j, l)] = f[at(j, (n - i) % n, l)]!;
    const [rxf, ryf] = [rieszFilter(f, s, opts('x')), rieszFilter(f, s, opts('y'))];
    const [rxg, ryg] = [rieszFilter(g, s, opts('x')), rieszFilter(g, s, opts('y'))];
    const scale = Math.max(maxAbs(rxf), maxAbs(ryf));
    let err = 0;
    for (let l = 0; l < 7; l++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < n; i++) {
          const src = at(j, (n - i) % n, l);
          err = Math.max(err, Math.abs(rxg[at(i, j, l)]! + ryf[src]!), Math.abs(ryg[at(i, j, l)]! - rxf[src]!));
        }
    expect(scale).toBeGreaterThan(1);
    expect(err).toBeLessThan(1e-10 * scale);
  });

  it('works in 2D slice by slice and refuses what does not exist', () => {
    const s: Size3 = [16, 12, 3];
    const f = new Float64Array(16 * 12 * 3);
    // cos along x in every slice, different amplitude per slice: R_x = sin, R_y = 0, slices independent.
    for (let l = 0; l < 3; l++)
      for (let j = 0; j < 12; j++)
        for (let i = 0; i < 16; i++) f[i + 16 * (j + 12 * l)] = (l + 1) * Math.cos((2 * Math.PI * 2 * i) / 16);
    const rx = rieszFilter(f, s, { ...opts('x'), by2D: true });
    const ry = rieszFilter(f, s, { ...opts('y'), by2D: true });
    let err = 0;
    for (let l = 0; l < 3; l++)
      for (let j = 0; j < 12; j++)
        for (let i = 0; i < 16; i++)
          err = Math.max(err, Math.abs(rx[i + 16 * (j + 12 * l)]! - (l + 1) * Math.sin((2 * Math.PI * 2 * i) / 16)));
    expect(err).toBeLessThan(1e-10);
    expect(maxAbs(ry)).toBeLessThan(1e-10);
    expect(() => rieszFilter(f, s, { ...opts('z'), by2D: true })).toThrow(/component z does not exist in 2D/);
    expect(() => rieszFilter(f, s, { ...opts('x'), padding: 'mirror' })).toThrow(/periodic/);
    expect(() => rieszFilter(new Float64Array(16 * 16 * 3), [16, 16, 3], opts('x', 3))).toThrow(
      /axis z has 3 voxels, at least 16/,
    );
  });

  it('is an IBSI2 filter with a stable name and checked keys', () => {
    const spec = parseIbsiFilterSpec({ filter: 'riesz', component: 'magnitude', level: 2 }, 'p.yaml imageType.IBSI2.filters[0]');
    expect(ibsiFilterName(spec)).toBe('ibsi2-riesz-magnitude-simoncelli2-3D-periodic');
    expect(ibsiFilterName(parseIbsiFilterSpec({ filter: 'riesz', component: 'x' }, 'f'))).toBe('ibsi2-riesz-x-3D-periodic');
    expect(() => parseIbsiFilterSpec({ filter: 'riesz', component: 'w' }, 'p.yaml imageType.IBSI2.filters[1]')).toThrow(
      'p.yaml imageType.IBSI2.filters[1].component: expected x, y, z or magnitude, got "w"',
    );
    expect(() => parseIbsiFilterSpec({ filter: 'riesz', component: 'x', level: 0 }, 'f')).toThrow(
      /f\.level: expected a Simoncelli level/,
    );
    expect(() => parseIbsiFilterSpec({ filter: 'riesz', component: 'x', padding: 'constant' }, 'f')).toThrow(
      /f\.padding: .*only periodic/,
    );
    expect(() => parseIbsiFilterSpec({ filter: 'riesz', component: 'z', by2D: true }, 'f')).toThrow(
      /f\.component: z does not exist/,
    );
    expect(() => parseIbsiFilterSpec({ filter: 'riesz', component: 'x', order: 2 }, 'f')).toThrow(/f\.order: unknown key/);
  });

  it('runs from a parameter file as an IBSI2 response map (name, values), and names a bad key with the file', () => {
    const p = parseParameterFile('imageType:\n  IBSI2:\n    filters:\n      - {filter: riesz, component: x}\n', 'my.yaml');
    const size: Size3 = [16, 12, 8];
    const image = { size, spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: [...IDENTITY_DIRECTION], data: wave } as const;
    const [out] = applyImageType(image as never, 'IBSI2', { filters: p.imageTypes.IBSI2!.filters });
    expect(out!.name).toBe('ibsi2-riesz-x-3D-periodic');
    const direct = rieszFilter(wave, size, opts('x'));
    expect(maxAbs(Array.from(out!.volume.data, (v, o) => v - direct[o]!))).toBe(0);
    expect(() =>
      parseParameterFile('imageType:\n  IBSI2:\n    filters:\n      - {filter: riesz, component: q}\n', 'my.yaml'),
    ).toThrow('my.yaml: imageType.IBSI2: filters[0].component: expected x, y, z or magnitude, got "q"');
  });
});
