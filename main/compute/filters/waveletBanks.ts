/**
 * Orthogonal wavelet filter banks in PyWavelets' convention (`pywt.Wavelet(name).dec_lo` etc.).
 *
 * Definitions:
 * - Haar (= db1): h = (1/√2, 1/√2).
 * - Daubechies 2 (db2, 4 taps): h = ((1+√3), (3+√3), (3−√3), (1−√3)) / (4√2)
 *   (I. Daubechies, "Ten Lectures on Wavelets", SIAM 1992, §6.4, eq. 6.4.3 with N = 2).
 * - db3–db8: spectral factorisation of Daubechies' P polynomial (daubechies.ts).
 * - Coiflet 1 (coif1, 6 taps): closed form with √7, Daubechies, "Orthonormal bases of compactly
 *   supported wavelets II. Variations on a theme", SIAM J. Math. Anal. 24(2):499–519, 1993,
 *   Table 2 (L = 6): h = √2/32 · (1−√7, 5+√7, 14+2√7, 14−2√7, 1−√7, −3+√7).
 *
 * PyWavelets stores the scaling filter as `rec_lo` (the sequence h above, sum √2) and derives the
 * others (PyWavelets documentation, "Wavelet object", and `wavelets.c`):
 *   dec_lo[k] = rec_lo[L−1−k],  dec_hi[k] = (−1)^(k+1) · rec_lo[k],  rec_hi[k] = dec_hi[L−1−k].
 * The unit tests check the result against the values PyWavelets (>= 1.1) prints, to 1e-15. Old
 * PyWavelets tables (wavelets_coeffs.template.h before the high-precision update) differ by ~3e-13;
 * PyRadiomics 3's reference features (pyradiomics3_wavelet.json, PyWavelets 1.1.1) agree with the
 * closed forms (breast1 to 1e-14 relative, against 1e-10 with the old table).
 * sym, bior, rbio, dmey, db9+ and coif2+ are not provided yet.
 */

import { daubechiesScaling } from './daubechies.js';

export interface WaveletBank {
  name: string;
  decLo: Float64Array;
  decHi: Float64Array;
}

function fromScaling(name: string, recLo: readonly number[]): WaveletBank {
  const n = recLo.length;
  const decLo = new Float64Array(n);
  const decHi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    decLo[k] = recLo[n - 1 - k]!;
    decHi[k] = (k % 2 === 1 ? 1 : -1) * recLo[k]!;
  }
  return { name, decLo, decHi };
}

const SQRT2 = Math.SQRT2;
const SQRT3 = Math.sqrt(3);
const SQRT7 = Math.sqrt(7);

function haar(name: string): WaveletBank {
  const h = 1 / SQRT2;
  return fromScaling(name, [h, h]);
}

function db2(name: string): WaveletBank {
  const c = 1 / (4 * SQRT2);
  return fromScaling(name, [(1 + SQRT3) * c, (3 + SQRT3) * c, (3 - SQRT3) * c, (1 - SQRT3) * c]);
}

function coif1(name: string): WaveletBank {
  const c = SQRT2 / 32;
  return fromScaling(name, [
    (1 - SQRT7) * c,
    (5 + SQRT7) * c,
    (14 + 2 * SQRT7) * c,
    (14 - 2 * SQRT7) * c,
    (1 - SQRT7) * c,
    (-3 + SQRT7) * c,
  ]);
}

const BANKS: Record<string, (name: string) => WaveletBank> = {
  haar,
  db1: haar,
  db2,
  ...Object.fromEntries([3, 4, 5, 6, 7, 8].map((n) => [`db${n}`, (name: string) => fromScaling(name, daubechiesScaling(n))])),
  coif1,
};

/** Names accepted by `waveletBank` (PyWavelets names). */
export const SUPPORTED_WAVELETS: readonly string[] = Object.freeze(Object.keys(BANKS));

/** The filter bank of a PyWavelets wavelet name; throws naming the supported ones otherwise. */
export function waveletBank(name: string): WaveletBank {
  const make = BANKS[name];
  if (!make) {
    throw new Error(`wavelet "${name}" is not supported; supported wavelets: ${SUPPORTED_WAVELETS.join(', ')}`);
  }
  return make(name);
}
