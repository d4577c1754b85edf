/**
 * Wavelet filter banks and the undecimated transform on small inputs.
 *
 * References:
 * - PyWavelets filter values (`pywt.Wavelet(name).dec_lo/dec_hi`, PyWavelets >= 1.1) for haar,
 *   db2 and coif1; tolerance 1e-15 absolute (the closed forms agree to a bit or two).
 * - PyWavelets documentation, "Multilevel DWT, IDWT and SWT": pywt.swt([3, 7, 1, 3, -2, 6, 4, 6],
 *   'db1', level=2) gives cA1 and cD1 below (printed to 8 decimals, tolerance 5e-9).
 */
import { describe, expect, it } from 'vitest';
import { swtAxis, swtnLevel, waveletImages } from '../../../main/compute/filters/wavelet.js';
import { waveletBank } from '../../../main/compute/filters/waveletBanks.js';
import type { Vec3, Volume } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';

// PyWavelets >= 1.1 values (pywt.Wavelet(name).dec_lo / dec_hi). Older PyWavelets tables (e.g.
// coif1 dec_lo[0] = -0.01565572813546454) differ by ~3e-13; pyradiomics3_wavelet.json matches the
// newer values (breast1 wavelet features to 1e-14 with them, only 1e-10 with the old table).
const PYWT = {
  haar: {
    decLo: [0.7071067811865476, 0.7071067811865476],
    decHi: [-0.7071067811865476, 0.7071067811865476],
  },
  db2: {
    decLo: [-0.12940952255126037, 0.2241438680420134, 0.8365163037378079, 0.48296291314453416],
    decHi: [-0.48296291314453416, 0.8365163037378079, -0.2241438680420134, -0.12940952255126037],
  },
  coif1: {
    decLo: [
      -0.015655728135791993, -0.07273261951252645, 0.3848648468648578, 0.8525720202116004, 0.3378976624574818,
      -0.07273261951252645,
    ],
    decHi: [
      0.07273261951252645, 0.3378976624574818, -0.8525720202116004, 0.3848648468648578, 0.07273261951252645,
      -0.015655728135791993,
    ],
  },
};

function volume(size: Vec3, data: Float64Array): Volume<Float64Array> {
  return { size, spacingMm: [1, 2, 3], originMm: [4, 5, 6], direction: [...IDENTITY_DIRECTION], data };
}

describe('wavelet filter banks', () => {
  it.each(Object.entries(PYWT))('%s equals PyWavelets dec_lo / dec_hi', (name, expected) => {
    const bank = waveletBank(name);
    expect(bank.decLo.length).toBe(expected.decLo.length);
    bank.decLo.forEach((v, i) => expect(Math.abs(v - expected.decLo[i]!)).toBeLessThanOrEqual(1e-15));
    bank.decHi.forEach((v, i) => expect(Math.abs(v - expected.decHi[i]!)).toBeLessThanOrEqual(1e-15));
  });

  it('db1 is haar and unknown names are refused with the supported list', () => {
    expect([...waveletBank('db1').decLo]).toEqual([...waveletBank('haar').decLo]);
    expect(() => waveletBank('bior1.3')).toThrow(/supported wavelets: .*coif1/);
  });

  it.each(['haar', 'db2', 'coif1'])('%s is orthonormal (Σh = √2, Σh² = 1, Σg = 0, h ⟂ even shifts)', (name) => {
    const { decLo: h, decHi: g } = waveletBank(name);
    const sum = (a: Float64Array) => a.reduce((s, x) => s + x, 0);
    expect(Math.abs(sum(h) - Math.SQRT2)).toBeLessThan(1e-14);
    expect(Math.abs(sum(g))).toBeLessThan(1e-14);
    for (let shift = 0; shift < h.length; shift += 2) {
      let dot = 0;
      for (let k = 0; k + shift < h.length; k++) dot += h[k]! * h[k + shift]!;
      expect(Math.abs(dot - (shift === 0 ? 1 : 0))).toBeLessThan(1e-14);
    }
  });
});

// PyWavelets' old low-precision table (pywt/_extensions/c/wavelets_coeffs.template.h before the
// high-precision update, rec_lo rows), accurate to ~1e-12: our exact factorisation must agree to 5e-12.
const PYWT_OLD_REC_LO: Record<string, number[]> = {
  db3: [
    0.33267055295095688, 0.80689150931333875, 0.45987750211933132, -0.13501102001039084, -0.085441273882241486,
    0.035226291882100656,
  ],
  db4: [
    0.23037781330885523, 0.71484657055254153, 0.63088076792959036, -0.027983769416983849, -0.18703481171888114,
    0.030841381835986965, 0.032883011666982945, -0.010597401784997278,
  ],
  db8: [
    0.054415842243081609, 0.31287159091446592, 0.67563073629801285, 0.58535468365486909, -0.015829105256023893,
    -0.28401554296242809, 0.00047248457399797254, 0.12874742662018601, -0.017369301002022108, -0.044088253931064719,
    0.013981027917015516, 0.0087460940470156547, -0.0048703529930106603, -0.00039174037299597711, 0.00067544940599855677,
    -0.00011747678400228192,
  ],
};

describe('Daubechies db3–db8 by spectral factorisation', () => {
  it.each(Object.entries(PYWT_OLD_REC_LO))('%s agrees with the PyWavelets table to 5e-12', (name, recLo) => {
    const { decLo } = waveletBank(name);
    expect(decLo.length).toBe(recLo.length);
    decLo.forEach((v, i) => expect(Math.abs(v - recLo[recLo.length - 1 - i]!)).toBeLessThan(5e-12));
  });

  it.each([3, 4, 5, 6, 7, 8])('db%s: orthonormal to 1e-14 and N vanishing moments of the high-pass (1e-9 relative)', (n) => {
    const { decLo: h, decHi: g } = waveletBank(`db${n}`);
    expect(h.length).toBe(2 * n);
    for (let shift = 0; shift < h.length; shift += 2) {
      let dot = 0;
      for (let k = 0; k + shift < h.length; k++) dot += h[k]! * h[k + shift]!;
      expect(Math.abs(dot - (shift === 0 ? 1 : 0))).toBeLessThan(1e-14);
    }
    for (let m = 0; m < n; m++) {
      let moment = 0;
      let scale = 0;
      for (let k = 0; k < g.length; k++) {
        moment += k ** m * g[k]!;
        scale += k ** m * Math.abs(g[k]!);
      }
      expect(Math.abs(moment) / scale).toBeLessThan(1e-9);
    }
  });
});

describe('undecimated transform', () => {
  it('matches the PyWavelets swt db1 example along each axis', () => {
    const x = [3, 7, 1, 3, -2, 6, 4, 6];
    const cA1 = [7.07106781, 5.65685425, 2.82842712, 0.70710678, 2.82842712, 7.07106781, 7.07106781, 6.36396103];
    const cD1 = [-2.82842712, 4.24264069, -1.41421356, 3.53553391, -5.65685425, 1.41421356, -1.41421356, 2.12132034];
    const bank = waveletBank('db1');
    for (let axis = 0; axis < 3; axis++) {
      const size: Vec3 = [1, 1, 1];
      size[axis] = 8;
      const lo = new Float64Array(8);
      const hi = new Float64Array(8);
      swtAxis(Float64Array.from(x), size, axis, bank.decLo, lo, new Float64Array(8));
      swtAxis(Float64Array.from(x), size, axis, bank.decHi, hi, new Float64Array(8));
      lo.forEach((v, i) => expect(Math.abs(v - cA1[i]!)).toBeLessThan(5e-9));
      hi.forEach((v, i) => expect(Math.abs(v - cD1[i]!)).toBeLessThan(5e-9));
    }
  });

  it('names sub-bands x first, then y, then z (PyRadiomics axes (2, 1, 0) of its z,y,x array)', () => {
    // A pattern varying only along z: every band that is high-pass along x or y is zero.
    const size: Vec3 = [4, 6, 8];
    const data = new Float64Array(4 * 6 * 8);
    for (let o = 0; o < data.length; o++) data[o] = ((Math.floor(o / 24) * 7) % 5) + 1;
    const images = waveletImages(volume(size, data), { wavelet: 'coif1' });
    const maxAbs = (name: string) => Math.max(...images.find((i) => i.name === name)!.volume.data.map(Math.abs));
    expect(maxAbs('wavelet-LLH')).toBeGreaterThan(0.5);
    for (const b of ['LHL', 'LHH', 'HLL', 'HLH', 'HHL', 'HHH']) expect(maxAbs(`wavelet-${b}`)).toBeLessThan(1e-12);
  });

  it('preserves energy per level: Σ over the 8 sub-bands of Σx² is 8·Σx² (orthonormal, undecimated)', () => {
    const size: Vec3 = [6, 4, 8];
    const data = Float64Array.from({ length: 6 * 4 * 8 }, (_, i) => Math.sin(i * 1.7) * 10 + (i % 7));
    const bands = swtnLevel(data, size, waveletBank('coif1'), [0, 1, 2]);
    let energy = 0;
    for (const v of bands.values()) for (const x of v) energy += x * x;
    const input = data.reduce((s, x) => s + x * x, 0);
    expect(Math.abs(energy / (8 * input) - 1)).toBeLessThan(1e-12);
  });

  it('pads odd dimensions by wrapping and crops back, keeping the geometry', () => {
    const size: Vec3 = [5, 3, 4];
    const data = Float64Array.from({ length: 60 }, (_, i) => (i * 37) % 11);
    const img = volume(size, data);
    const out = waveletImages(img, { wavelet: 'haar' });
    const llh = out[0]!.volume;
    expect(llh.size).toEqual(size);
    expect(llh.spacingMm).toEqual([1, 2, 3]);
    expect(llh.originMm).toEqual([4, 5, 6]);
    // Last x sample of the haar low-pass uses the wrapped sample x[0]: (x[4] + x[0]) / √2 before the y, z passes.
    const lo = new Float64Array(6 * 4 * 4);
    const padded = new Float64Array(6 * 4 * 4);
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 4; j++)
        for (let i = 0; i < 6; i++) padded[i + 6 * (j + 4 * k)] = data[(i % 5) + 5 * ((j % 3) + 3 * k)]!;
    const bands = swtnLevel(padded, [6, 4, 4], waveletBank('haar'), [0, 1, 2]);
    const full = bands.get('LLH')!;
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 3; j++) for (let i = 0; i < 5; i++) lo[i] = full[i + 6 * (j + 4 * k)]! - llh.data[i + 5 * (j + 3 * k)]!;
    expect(Math.max(...lo.map(Math.abs))).toBe(0);
  });

  it('force2D leaves out one axis and uses two-letter names', () => {
    const size: Vec3 = [4, 4, 3];
    const data = Float64Array.from({ length: 48 }, (_, i) => i % 5);
    const out = waveletImages(volume(size, data), { wavelet: 'haar', force2D: true, force2Ddimension: 0 });
    expect(out.map((i) => i.name)).toEqual(['wavelet-LH', 'wavelet-HL', 'wavelet-HH', 'wavelet-LL']);
  });

  it('level 2: second-level names carry the level, the approximation is named after the last level (PyRadiomics getWaveletImage)', () => {
    const size: Vec3 = [4, 4, 4];
    const data = Float64Array.from({ length: 64 }, (_, i) => (i * 13) % 7);
    const out = waveletImages(volume(size, data), { wavelet: 'haar', level: 2 });
    const bands = ['LLH', 'LHL', 'LHH', 'HLL', 'HLH', 'HHL', 'HHH'];
    expect(out.map((i) => i.name)).toEqual([
      ...bands.map((b) => `wavelet-${b}`),
      ...bands.map((b) => `wavelet2-${b}`),
      'wavelet2-LLL',
    ]);
    // Level 2 = one plain level applied to the level-1 approximation (PyRadiomics _swt3, no filter upsampling).
    const l1 = swtnLevel(data, size, waveletBank('haar'), [0, 1, 2]).get('LLL')!;
    const l2 = swtnLevel(l1, size, waveletBank('haar'), [0, 1, 2]);
    expect([...out[7]!.volume.data]).toEqual([...l2.get('LLH')!]);
  });
});
