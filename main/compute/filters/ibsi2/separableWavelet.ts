/**
 * IBSI 2 separable wavelets (reference manual, "Separable wavelets"): the undecimated (à trous)
 * transform with the orthogonal filter banks of PyWavelets (haar, db2, coif1, …: `dec_lo` as the
 * low-pass L, `dec_hi` as the high-pass H, waveletBanks.ts). A sub-band name gives one letter per
 * axis, x first: `LHL` = L along x, H along y, L along z (`HL` in-plane: x, y). Level j filters the
 * level-(j − 1) approximation (LLL, LL) with the filters dilated by 2^(j − 1) (zeros inserted),
 * each step with the same padding. Rotation invariance: the mean over the 24 right-angle rotations
 * of the whole filter cascade (4 in-plane in 2D), IBSI's pooling for wavelets.
 *
 * With Σ h² = 1 (PyWavelets' normalisation) the pair satisfies |H(ω)|² + |G(ω)|² = 2, so with
 * periodic padding the 2^d sub-bands of one level carry 2^d times the energy of their input.
 */
import { waveletBank } from '../waveletBanks.js';
import { convolveSeparable, rightAngleRotations, rotateFactors, type PaddingMode, type Size3 } from './convolution.js';

export interface SeparableWaveletOptions {
  wavelet: string;
  /** One letter L/H per filtered axis, x first: 3 letters in 3D, 2 in-plane. */
  subband: string;
  /** Decomposition level ≥ 1. */
  level: number;
  padding: PaddingMode;
  rotationInvariant: boolean;
}

/** Length of the level-`level` filter: (L − 1)·2^(level − 1) + 1 taps. */
export function dilatedLength(taps: number, level: number): number {
  return (taps - 1) * 2 ** (level - 1) + 1;
}

export function separableWavelet(src: Float64Array, size: Size3, options: SeparableWaveletOptions): Float64Array {
  const { subband, level, padding } = options;
  if (!/^[LH]{2,3}$/.test(subband)) {
    throw new Error(`wavelet sub-band "${subband}" must be 2 (in-plane) or 3 letters L/H, x first (e.g. LHL)`);
  }
  if (!Number.isInteger(level) || level < 1) throw new Error(`wavelet decomposition level must be an integer ≥ 1, got ${level}`);
  const bank = waveletBank(options.wavelet);
  const dims = subband.length as 2 | 3;
  const needed = dilatedLength(bank.decLo.length, level);
  for (let a = 0; a < dims; a++) {
    if (size[a]! < needed) {
      throw new Error(
        `volume too small for ${options.wavelet} level ${level}: axis ${'xyz'[a]} has ${size[a]} voxels, the level-${level} filter spans ${needed}; use a lower level or a larger region`,
      );
    }
  }
  // An even-length filter h centred at L/2 − 1 equals [0, h] centred at L/2; with odd length,
  // reversing the taps mirrors the kernel about its own centre, as a rotation must.
  const odd = (h: Float64Array): Float64Array => (h.length % 2 === 1 ? h : Float64Array.of(0, ...h));
  const lo = odd(bank.decLo);
  const hi = odd(bank.decHi);
  const low = Array.from({ length: dims }, () => lo);
  const band = [...subband].map((ch) => (ch === 'L' ? lo : hi));
  const rotations = options.rotationInvariant ? rightAngleRotations(dims) : rightAngleRotations(dims).slice(0, 1);
  const acc = new Float64Array(src.length);
  for (const rot of rotations) {
    const lowRot = rotateFactors(low, rot);
    const bandRot = rotateFactors(band, rot);
    let x = src;
    for (let j = 1; j < level; j++) x = convolveSeparable(x, size, lowRot, padding, 2 ** (j - 1));
    const r = convolveSeparable(x, size, bandRot, padding, 2 ** (level - 1));
    for (let o = 0; o < acc.length; o++) acc[o] = acc[o]! + r[o]!;
  }
  for (let o = 0; o < acc.length; o++) acc[o] = acc[o]! / rotations.length;
  return acc;
}
