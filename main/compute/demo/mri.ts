/**
 * MR signal synthesis from the phantom: fat-suppressed T2WI, DWI at b = 0 and a high b-value
 * (monoexponential S_b = S_0·exp(−b·ADC)) with the scanner's ADC map, and a 7-phase DCE
 * series (1 pre-contrast + 6 post-contrast) whose lesion enhancement follows the lesion's TIC
 * type (Kuhl et al., Radiology 1999;211:101: type I persistent, II plateau, III washout).
 * Noise is Rician (magnitude of complex Gaussian noise; Gudbjartsson & Patz, MRM 1995).
 * Every series is returned as stored 16-bit values with the center's rescale slope/intercept.
 */
import type { Geometry } from '../imaging/volume.js';
import type { DemoCenter } from './centers.js';
import { DCE_PHASES } from './centers.js';
import type { DemoLesion } from './clinical.js';
import type { Phantom } from './phantom.js';
import { Rng, clamp } from './random.js';

export type SeriesKind = 't2' | 'dwi' | 'adc' | 'dce';

export interface SynthSeries {
  kind: SeriesKind;
  description: string;
  geometry: Geometry;
  /** Volumes in the series (DCE phases or b-values); 1 otherwise. */
  components: number;
  /** Stored values, component-major: component c occupies [c·n, (c + 1)·n), n voxels each. */
  stored: Uint16Array;
  rescaleSlope: number;
  rescaleIntercept: number;
  bValues?: number[];
  /** Acquisition time of each DCE phase after injection (s). */
  phaseSeconds?: number[];
}

/** Tissue signals at 1.5 T before the center's intensity scale (arbitrary units). */
const T2 = { fat: 110, fgt: 330, muscle: 170, lung: 12, necrosis: 950, edema: 900 };
const B0 = { fat: 45, fgt: 380, muscle: 210, lung: 10, necrosis: 800, edema: 850 };
/** ADC in 10⁻³ mm²/s. */
const ADC = { fat: 0.4, fgt: 1.85, muscle: 1.45, lung: 2.5, necrosis: 2.6, edema: 2.2 };
const T1 = { fat: 120, fgt: 420, muscle: 380, lung: 20, lesion: 400, necrosis: 330 };
/** Contrast arrival after injection (s). */
const ARRIVAL_S = 15;

/** Enhancement S(t)/S(0) − 1 of solid tumour: wash-in, then a late change of `late` (relative). */
export function lesionEnhancement(peak: number, washInSeconds: number, late: number, tSeconds: number): number {
  const t = Math.max(0, tSeconds - ARRIVAL_S);
  const early = peak * (1 - Math.exp(-t / washInSeconds));
  const lateFraction = clamp((t - 105) / 240, 0, 1);
  return (1 + early) * (1 + late * lateFraction) - 1;
}

/** Per-lesion ADC of the solid part so that the mean ADC over the reference mask is the table's. */
function solidAdc(ph: Phantom, lesion: DemoLesion, li: number): number {
  let a = 0;
  let b = 0;
  let count = 0;
  const het = lesion.phenotype.heterogeneity;
  for (let v = 0; v < ph.lesion.length; v++) {
    if (ph.lesionId[v] !== li + 1 || ph.lesion[v]! < 0.5) continue;
    const nec = ph.necrosis[v]! / ph.lesion[v]!;
    a += (1 - nec) * (1 + 0.4 * het * ph.texture[v]!);
    b += nec * ADC.necrosis;
    count++;
  }
  if (count === 0) return lesion.adcMean;
  return clamp((lesion.adcMean * count - b) / a, 0.35, 2.5);
}

/**
 * 65,536 standard normal quantiles Φ⁻¹((m + ½)/65536), shuffled deterministically: noise draws
 * two table entries per 32-bit random number, which is several times faster than Box–Muller
 * and indistinguishable from Gaussian noise at this sample size.
 */
const NORMAL_TABLE: Float32Array = (() => {
  const size = 65536;
  const t = new Float32Array(size);
  const rng = new Rng(0x5eed);
  for (let m = 0; m < size; m++) t[m] = rng.normal();
  // Standardise exactly (mean 0, SD 1).
  let sum = 0;
  let sum2 = 0;
  for (let m = 0; m < size; m++) sum += t[m]!;
  const mean = sum / size;
  for (let m = 0; m < size; m++) sum2 += (t[m]! - mean) ** 2;
  const sd = Math.sqrt(sum2 / size);
  for (let m = 0; m < size; m++) t[m] = (t[m]! - mean) / sd;
  return t;
})();

/** Adds Rician noise of SD `sigma` and stores the result in `out` at `offset`. */
function storeNoisy(signal: Float32Array, sigma: number, rng: Rng, center: DemoCenter, out: Uint16Array, offset: number): void {
  const slope = center.rescaleSlope;
  const intercept = center.rescaleIntercept;
  const bits = rng.fillUint32(new Uint32Array(signal.length));
  for (let v = 0; v < signal.length; v++) {
    const b = bits[v]!;
    const re = signal[v]! + sigma * NORMAL_TABLE[b >>> 16]!;
    const im = sigma * NORMAL_TABLE[b & 0xffff]!;
    // Uint16Array stores wrap modulo 2¹⁶, so clamp explicitly.
    const q = Math.round((Math.sqrt(re * re + im * im) - intercept) / slope);
    out[offset + v] = q < 0 ? 0 : q > 65535 ? 65535 : q;
  }
}

/** Block-averages a volume in-plane by `f` (EPI acquires DWI at a coarser matrix). */
function downsample(src: Float32Array, g: Geometry, f: number, dst: Float32Array): void {
  const [nx, ny, nz] = g.size;
  const mx = Math.floor(nx / f);
  const my = Math.floor(ny / f);
  const w = 1 / (f * f);
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < my; j++)
      for (let i = 0; i < mx; i++, o++) {
        let s = 0;
        for (let b = 0; b < f; b++) for (let a = 0; a < f; a++) s += src[i * f + a + nx * (j * f + b + ny * k)]!;
        dst[o] = s * w;
      }
}

export function dwiGeometry(g: Geometry, f: number): Geometry {
  return {
    size: [Math.floor(g.size[0] / f), Math.floor(g.size[1] / f), g.size[2]],
    spacingMm: [g.spacingMm[0] * f, g.spacingMm[1] * f, g.spacingMm[2]],
    originMm: [g.originMm[0] + ((f - 1) * g.spacingMm[0]) / 2, g.originMm[1] + ((f - 1) * g.spacingMm[1]) / 2, g.originMm[2]],
    direction: g.direction,
  };
}

/** All series of one patient: T2WI, DWI (2 b-values), ADC map, DCE (7 phases). */
export function synthesizeSeries(
  seed: number,
  index: number,
  ph: Phantom,
  lesions: readonly DemoLesion[],
  center: DemoCenter,
  bpe: number,
): SynthSeries[] {
  const g = ph.geometry;
  const n = ph.fat.length;
  const scale = center.intensityScale;
  const sigmaT1 = center.noiseFraction * T1.fgt * scale;
  const noise = (label: string): Rng => Rng.derive(seed, 'noise', index, label);
  const adcSolid = Float64Array.from(lesions, (l, li) => solidAdc(ph, l, li));
  // Per-lesion parameters in flat arrays (index = lesion id − 1) and the phantom's maps as
  // locals, so the voxel loops below stay monomorphic.
  const het = Float64Array.from(lesions, (l) => l.phenotype.heterogeneity);
  const t2Rel = Float64Array.from(lesions, (l) => l.phenotype.t2Relative);
  const hasCore = Float64Array.from(lesions, (l) => (l.phenotype.necrosis > 0 ? 1 : 0));
  const { fat, fgt, muscle, lung, edema, lesion, lesionId, necrosis, radial, texture, textureFine, bias } = ph;
  const signal = new Float32Array(n);
  const series: SynthSeries[] = [];

  // T2WI (fat-suppressed TSE).
  for (let v = 0; v < n; v++) {
    const e = edema[v]!;
    let s = (fat[v]! * T2.fat + fgt[v]! * T2.fgt + muscle[v]! * T2.muscle + lung[v]! * T2.lung) * (1 - e) + T2.edema * e;
    const id = lesionId[v]!;
    if (id > 0) {
      const h = het[id - 1]!;
      const occ = lesion[v]!;
      const nec = necrosis[v]!;
      const solid = T2.fgt * t2Rel[id - 1]! * (1 + 0.6 * h * texture[v]! + 0.3 * h * textureFine[v]!);
      s = s * (1 - occ) + (occ - nec) * solid + nec * T2.necrosis;
    }
    signal[v] = Math.max(0, s) * scale * bias[v]!;
  }
  const t2 = new Uint16Array(n);
  storeNoisy(signal, center.noiseFraction * T2.fgt * scale, noise('t2'), center, t2, 0);
  series.push({ kind: 't2', description: center.series.t2, geometry: g, components: 1, stored: t2, ...rescale(center) });

  // DWI: b = 0 and the high b-value at high resolution, noiseless; then block-averaged.
  const [, bHigh] = center.bValues;
  const s0 = new Float32Array(n);
  const sb = new Float32Array(n);
  const decay = (adc: number): number => Math.exp(-bHigh * adc * 1e-3);
  const dFat = B0.fat * decay(ADC.fat);
  const dFgt = B0.fgt * decay(ADC.fgt);
  const dMuscle = B0.muscle * decay(ADC.muscle);
  const dLung = B0.lung * decay(ADC.lung);
  const dEdema = B0.edema * decay(ADC.edema);
  const dNecrosis = B0.necrosis * decay(ADC.necrosis);
  for (let v = 0; v < n; v++) {
    const e = edema[v]!;
    const w = 1 - e;
    let a0 = (fat[v]! * B0.fat + fgt[v]! * B0.fgt + muscle[v]! * B0.muscle + lung[v]! * B0.lung) * w + B0.edema * e;
    let ab = (fat[v]! * dFat + fgt[v]! * dFgt + muscle[v]! * dMuscle + lung[v]! * dLung) * w + dEdema * e;
    const id = lesionId[v]!;
    if (id > 0) {
      const occ = lesion[v]!;
      const nec = necrosis[v]!;
      const adc = adcSolid[id - 1]! * (1 + 0.4 * het[id - 1]! * texture[v]!);
      const solid0 = B0.fgt * 1.1 * t2Rel[id - 1]!;
      a0 = a0 * (1 - occ) + (occ - nec) * solid0 + nec * B0.necrosis;
      ab = ab * (1 - occ) + (occ - nec) * solid0 * Math.exp(-bHigh * adc * 1e-3) + nec * dNecrosis;
    }
    s0[v] = a0 * scale * bias[v]!;
    sb[v] = ab * scale * bias[v]!;
  }
  const f = center.dwiFactor;
  const gd = dwiGeometry(g, f);
  const nd = gd.size[0] * gd.size[1] * gd.size[2];
  const low0 = new Float32Array(nd);
  const lowB = new Float32Array(nd);
  downsample(s0, g, f, low0);
  downsample(sb, g, f, lowB);
  const dwi = new Uint16Array(2 * nd);
  const sigmaDwi = 1.6 * center.noiseFraction * B0.fgt * scale;
  storeNoisy(low0, sigmaDwi, noise('dwi0'), center, dwi, 0);
  storeNoisy(lowB, sigmaDwi, noise('dwib'), center, dwi, nd);
  series.push({
    kind: 'dwi',
    description: center.series.dwi,
    geometry: gd,
    components: 2,
    stored: dwi,
    bValues: [...center.bValues],
    ...rescale(center),
  });
  // The scanner's ADC map from the two stored images, in 10⁻⁶ mm²/s (Siemens convention).
  const adcMap = new Uint16Array(nd);
  const floor = 4 * sigmaDwi;
  for (let v = 0; v < nd; v++) {
    const a = dwi[v]! * center.rescaleSlope + center.rescaleIntercept;
    const b = dwi[nd + v]! * center.rescaleSlope + center.rescaleIntercept;
    adcMap[v] = a > floor && b > 0 ? clamp(Math.round((Math.log(a / b) / bHigh) * 1e6), 0, 4000) : 0;
  }
  series.push({
    kind: 'adc',
    description: center.series.adc,
    geometry: gd,
    components: 1,
    stored: adcMap,
    rescaleSlope: 1,
    rescaleIntercept: 0,
  });

  // DCE: one pre-contrast and six post-contrast phases.
  const phaseSeconds = Array.from({ length: DCE_PHASES }, (_, p) => p * center.dcePhaseSeconds);
  const dce = new Uint16Array(DCE_PHASES * n);
  for (let phase = 0; phase < DCE_PHASES; phase++) {
    const t = phaseSeconds[phase]!;
    const te = Math.max(0, t - ARRIVAL_S);
    const eFgt = bpe * (1 - Math.exp(-te / 150));
    const eMuscle = 0.45 * (1 - Math.exp(-te / 40)) * (1 - 0.15 * clamp((te - 60) / 300, 0, 1));
    const eFat = 0.05 * (1 - Math.exp(-te / 200));
    const eNec = 0.12 * (1 - Math.exp(-te / 300));
    const lesionCurve = Float64Array.from(lesions, (l) =>
      lesionEnhancement(l.phenotype.peakEnhancement, l.phenotype.washInSeconds, l.phenotype.lateSlope, t),
    );
    const wFat = T1.fat * (1 + eFat);
    const wFgt = T1.fgt * (1 + eFgt);
    const wMuscle = T1.muscle * (1 + eMuscle);
    const wNec = T1.necrosis * (1 + eNec);
    for (let v = 0; v < n; v++) {
      const e = edema[v]!;
      let s = (fat[v]! * wFat + fgt[v]! * wFgt + muscle[v]! * wMuscle + lung[v]! * T1.lung) * (1 - 0.3 * e) + 0.24 * e * T1.fgt;
      const id = lesionId[v]!;
      if (id > 0) {
        const h = het[id - 1]!;
        const occ = lesion[v]!;
        const nec = necrosis[v]!;
        // Heterogeneous enhancement; the rim enhances more when there is a necrotic core.
        const local = 1 + h * texture[v]! + hasCore[id - 1]! * 0.35 * (radial[v]! - 0.6);
        const enh = lesionCurve[id - 1]! * Math.max(0.2, local);
        const solid = T1.lesion * (1 + 0.1 * h * textureFine[v]!) * (1 + enh);
        s = s * (1 - occ) + (occ - nec) * solid + nec * wNec;
      }
      signal[v] = Math.max(0, s) * scale * bias[v]!;
    }
    storeNoisy(signal, sigmaT1, noise(`dce${phase}`), center, dce, phase * n);
  }
  series.push({
    kind: 'dce',
    description: center.series.dce,
    geometry: g,
    components: DCE_PHASES,
    stored: dce,
    phaseSeconds,
    ...rescale(center),
  });
  return series;
}

function rescale(center: DemoCenter): { rescaleSlope: number; rescaleIntercept: number } {
  return { rescaleSlope: center.rescaleSlope, rescaleIntercept: center.rescaleIntercept };
}
