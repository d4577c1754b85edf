/**
 * The demo cohort's clinical table: patients and lesions with realistic distributions and the
 * associations the seed studies report (SEED-PIPELINES.md), plus each lesion's latent imaging
 * phenotype that the image generator renders. Signals are planted with noise on purpose: a
 * model should find them, imperfectly.
 *
 * Associations (qualitative, from the seed papers and the literature they cite):
 * - HER2-low tumours are more often hormone-receptor positive with lower Ki-67 than HER2-zero
 *   (which includes triple-negative cancers) and HER2-positive tumours (seed 001, 004).
 * - TIC type III (washout) is more frequent in HER2-low than HER2-zero (seed 001: OR 6.27) and
 *   in HER2-positive tumours; peritumoral edema and necrosis go with HER2-positive and
 *   triple-negative, high-grade tumours (seed 000, 002); spiculated margins with luminal
 *   tumours (seed 002: margin OR 0.115 for HER2+).
 * - pCR after neoadjuvant therapy is most likely in HER2-positive, HR-negative tumours
 *   (seed 003); PFS/OS hazards rise with stage and fall with pCR.
 */
import { DEMO_CENTERS } from './centers.js';
import { Rng, clamp, logistic } from './random.js';

export type Her2Class = 'zero' | 'low' | 'positive';
export type Her2Ihc = '0' | '1+' | '2+' | '3+';
export type IshResult = 'amplified' | 'not_amplified' | 'equivocal';
export type TicType = 'I' | 'II' | 'III';
export type Side = 'left' | 'right';

/** What the images show of a lesion; every value in [0, 1] unless stated. */
export interface LesionPhenotype {
  /** Amplitude of lobulation bumps (relative radius). */
  lobulation: number;
  /** Number of spicules (0 = none). */
  spicules: number;
  /** Spicule length relative to the radius. */
  spiculeLength: number;
  /** Amplitude of internal texture (relative signal). */
  heterogeneity: number;
  /** Necrotic core radius relative to the lesion radius (0 = none). */
  necrosis: number;
  /** Peak relative enhancement (S/S0 − 1) of the solid tumour. */
  peakEnhancement: number;
  /** Relative late change of the enhancement curve (> 0 persistent, ≈ 0 plateau, < 0 washout). */
  lateSlope: number;
  /** Wash-in time constant (s). */
  washInSeconds: number;
  /** T2 signal of the solid tumour relative to fibroglandular tissue. */
  t2Relative: number;
  /** Relative position inside the breast: [lateral −1..1, depth 0..1, cranio-caudal −1..1]. */
  position: [number, number, number];
  /** Aspect ratios of the ellipsoid (x, y, z), product ≈ 1. */
  aspect: [number, number, number];
}

export interface DemoLesion {
  code: string;
  side: Side;
  quadrant: 'UOQ' | 'UIQ' | 'LOQ' | 'LIQ' | 'central';
  isIndex: boolean;
  multifocalGroup: string | null;
  sizeMm: number;
  tStage: 'T1' | 'T2' | 'T3' | 'T4';
  nStage: 'N0' | 'N1' | 'N2' | 'N3';
  clinicalStage: 'I' | 'II' | 'III';
  histologicType: 'nst' | 'ilc' | 'mucinous' | 'other_special';
  grade: 'I' | 'II' | 'III';
  erPct: number;
  prPct: number;
  her2Class: Her2Class;
  her2Ihc: Her2Ihc;
  her2Ish: IshResult | null;
  ishRatio: number | null;
  ishCopies: number | null;
  ki67Pct: number;
  ticType: TicType;
  /** Mean ADC over the lesion, ×10⁻³ mm²/s. */
  adcMean: number;
  edema: boolean;
  massShape: 'oval' | 'round' | 'irregular';
  massMargin: 'circumscribed' | 'irregular' | 'spiculated';
  enhancementPattern: 'homogeneous' | 'heterogeneous' | 'rim';
  t2Signal: 'iso_hypo' | 'hyper' | 'mixed';
  phenotype: LesionPhenotype;
}

export interface DemoPatient {
  code: string;
  /** Index into DEMO_CENTERS. */
  center: number;
  age: number;
  menopausal: 'pre' | 'peri' | 'post';
  /** Breast size and fibroglandular density drive the anatomy. */
  breastSize: number;
  fgtDensity: number;
  neoadjuvant: boolean;
  pcr: boolean | null;
  millerPayne: number | null;
  pfsMonths: number;
  pfsEvent: boolean;
  osMonths: number;
  osEvent: boolean;
  lesions: DemoLesion[];
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function patientCode(index: number): string {
  return `DEMO-${String(index + 1).padStart(4, '0')}`;
}

interface Biology {
  her2Class: Her2Class;
  hrPositive: boolean;
}

function drawBiology(rng: Rng): Biology {
  // Roughly the proportions of a surgical series: 30 % HER2-zero, 45 % HER2-low, 25 % HER2+.
  const her2Class = (['zero', 'low', 'positive'] as const)[rng.categorical([0.3, 0.45, 0.25])]!;
  const pHr = her2Class === 'low' ? 0.85 : her2Class === 'zero' ? 0.55 : 0.5;
  return { her2Class, hrPositive: rng.bernoulli(pHr) };
}

function drawHer2(rng: Rng, cls: Her2Class): Pick<DemoLesion, 'her2Ihc' | 'her2Ish' | 'ishRatio' | 'ishCopies'> {
  if (cls === 'zero') return { her2Ihc: '0', her2Ish: null, ishRatio: null, ishCopies: null };
  if (cls === 'low') {
    if (rng.bernoulli(0.6)) return { her2Ihc: '1+', her2Ish: null, ishRatio: null, ishCopies: null };
    // IHC 2+ with ISH not amplified: group 5, or the borderline group 4 (ratio < 2, 4–6 copies).
    const group4 = rng.bernoulli(0.2);
    return {
      her2Ihc: '2+',
      her2Ish: 'not_amplified',
      ishRatio: round(group4 ? rng.range(1.4, 1.95) : rng.range(0.9, 1.8), 2),
      ishCopies: round(group4 ? rng.range(4.1, 5.9) : rng.range(1.8, 3.9), 1),
    };
  }
  if (rng.bernoulli(0.7)) return { her2Ihc: '3+', her2Ish: null, ishRatio: null, ishCopies: null };
  // IHC 2+ amplified: mostly group 1, a few group 3 (ratio < 2 with ≥ 6 copies).
  const group3 = rng.bernoulli(0.12);
  return {
    her2Ihc: '2+',
    her2Ish: 'amplified',
    ishRatio: round(group3 ? rng.range(1.6, 1.95) : rng.range(2.2, 6.5), 2),
    ishCopies: round(group3 ? rng.range(6.2, 8) : rng.range(4.5, 14), 1),
  };
}

function drawLesion(
  rng: Rng,
  bio: Biology,
  code: string,
  side: Side,
  isIndex: boolean,
  multifocalGroup: string | null,
  sizeScale: number,
): DemoLesion {
  const { her2Class, hrPositive } = bio;
  const tnbc = her2Class === 'zero' && !hrPositive;
  const her2 = drawHer2(rng, her2Class);
  // An IHC 2+ tumour whose ISH failed or is pending: HER2 status cannot be derived (~4 % of 2+).
  if (her2.her2Ihc === '2+' && rng.bernoulli(0.04)) {
    her2.her2Ish = 'equivocal';
    her2.ishRatio = null;
    her2.ishCopies = null;
  }
  const erPct = hrPositive ? (rng.bernoulli(0.1) ? rng.int(1, 9) : Math.round(clamp(rng.normal(80, 15), 10, 100))) : 0;
  const prPct = hrPositive && rng.bernoulli(0.8) ? Math.round(clamp(rng.normal(erPct * 0.7, 20), 1, 100)) : 0;
  const ki67Median = her2Class === 'positive' ? 35 : tnbc ? 50 : her2Class === 'low' ? 15 : 20;
  const ki67Pct = Math.round(clamp(ki67Median * Math.exp(rng.normal(0, 0.5)), 1, 95));

  const gradeScore = 0.04 * (ki67Pct - 20) + (tnbc ? 1 : 0) + (her2Class === 'positive' ? 0.5 : 0) + rng.normal(0, 0.8);
  const grade = gradeScore > 0.9 ? 'III' : gradeScore > -0.6 ? 'II' : 'I';
  const histologicType = (['nst', 'ilc', 'mucinous', 'other_special'] as const)[
    rng.categorical(hrPositive && her2Class !== 'positive' ? [0.8, 0.12, 0.04, 0.04] : [0.93, 0.01, 0.01, 0.05])
  ]!;

  const sizeMedian = (tnbc ? 26 : her2Class === 'positive' ? 25 : 20) * sizeScale;
  const sizeMm = round(clamp(sizeMedian * Math.exp(rng.normal(0, 0.42)), 6, 85), 1);
  const tStage = rng.bernoulli(0.02) ? 'T4' : sizeMm <= 20 ? 'T1' : sizeMm <= 50 ? 'T2' : 'T3';
  const nScore = -1.2 + 0.035 * sizeMm + (grade === 'III' ? 0.5 : 0) + rng.normal(0, 0.8);
  const nStage = nScore < 0 ? 'N0' : nScore < 0.9 ? 'N1' : nScore < 1.5 ? 'N2' : 'N3';
  const clinicalStage =
    tStage === 'T4' || nStage === 'N2' || nStage === 'N3' || (tStage === 'T3' && nStage === 'N1')
      ? 'III'
      : tStage === 'T1' && nStage === 'N0'
        ? 'I'
        : 'II';

  // TIC type: washout goes with HER2-positive and HER2-low (seed 001), persistence with HER2-zero.
  const ticWeights: Record<Her2Class, number[]> = {
    positive: [0.1, 0.35, 0.55],
    low: [0.17, 0.4, 0.43],
    zero: [0.38, 0.4, 0.22],
  };
  const ticType = (['I', 'II', 'III'] as const)[rng.categorical(ticWeights[her2Class])]!;

  // Latent morphology and texture.
  const high = grade === 'III' ? 1 : grade === 'II' ? 0.5 : 0;
  const lobulation = clamp(0.06 + (her2Class === 'positive' ? 0.12 : 0.03) + 0.05 * high + rng.normal(0, 0.05), 0, 0.35);
  const spiculated = rng.bernoulli(her2Class === 'positive' ? 0.15 : tnbc ? 0.08 : her2Class === 'low' ? 0.5 : 0.35);
  const spicules = spiculated ? rng.int(4, 10) : 0;
  const heterogeneity = clamp(
    0.12 + (her2Class === 'positive' ? 0.07 : 0) + (tnbc ? 0.06 : 0) + 0.06 * high + rng.normal(0, 0.07),
    0.03,
    0.5,
  );
  const necrosisP = logistic(-3 + 1.3 * high + (tnbc ? 1.4 : 0) + (her2Class === 'positive' ? 0.9 : 0) + 0.04 * (sizeMm - 20));
  const necrosis = rng.bernoulli(necrosisP) ? clamp(rng.range(0.3, 0.6), 0, 0.65) : 0;
  const edema = rng.bernoulli(
    logistic(-1.8 + (her2Class === 'positive' ? 1.1 : 0) + (tnbc ? 0.9 : 0) + 0.8 * high + 0.03 * (sizeMm - 20)),
  );
  const lateSlope = ticType === 'I' ? rng.range(0.25, 0.5) : ticType === 'II' ? rng.range(-0.04, 0.04) : -rng.range(0.18, 0.32);
  const peakEnhancement = clamp(rng.normal(her2Class === 'positive' ? 1.6 : 1.35, 0.3), 0.7, 2.5);
  const washInSeconds = ticType === 'I' ? rng.range(80, 120) : rng.range(30, 50);
  const t2Relative = clamp(rng.normal(tnbc ? 1.5 : her2Class === 'positive' ? 1.3 : 1.1, 0.2), 0.7, 2.2);
  const stretch = Math.exp(rng.normal(0, 0.15));
  const aspect: [number, number, number] = [stretch, 1 / Math.sqrt(stretch), 1 / Math.sqrt(stretch)];

  // Mean ADC (×10⁻³ mm²/s): lower with cellularity (Ki-67, grade), higher with necrosis and in
  // HER2-positive tumours (edema, vascular permeability).
  const adcMean = round(
    clamp(
      1.02 +
        (her2Class === 'positive' ? 0.1 : 0) -
        0.002 * (ki67Pct - 20) -
        0.04 * high +
        0.5 * necrosis * necrosis +
        rng.normal(0, 0.11),
      0.55,
      1.9,
    ),
    3,
  );

  // Reader-scored descriptors follow the phenotype, with some reader noise.
  const massShape = lobulation + rng.normal(0, 0.04) > 0.15 || spicules > 0 ? 'irregular' : rng.bernoulli(0.5) ? 'oval' : 'round';
  const massMargin =
    spicules > 0 && rng.bernoulli(0.85) ? 'spiculated' : lobulation + rng.normal(0, 0.05) > 0.14 ? 'irregular' : 'circumscribed';
  const enhancementPattern =
    necrosis > 0 && rng.bernoulli(0.8) ? 'rim' : heterogeneity + rng.normal(0, 0.05) > 0.2 ? 'heterogeneous' : 'homogeneous';
  const t2Signal = necrosis > 0 && rng.bernoulli(0.7) ? 'mixed' : t2Relative + rng.normal(0, 0.1) > 1.35 ? 'hyper' : 'iso_hypo';

  const position: [number, number, number] = [rng.range(-0.55, 0.55), rng.range(0.3, 0.7), rng.range(-0.35, 0.35)];
  const quadrant =
    Math.abs(position[0]) < 0.15
      ? 'central'
      : `${position[2] >= 0 ? 'U' : 'L'}${position[0] > 0 === (side === 'left') ? 'O' : 'I'}Q`;

  return {
    code,
    side,
    quadrant: quadrant as DemoLesion['quadrant'],
    isIndex,
    multifocalGroup,
    sizeMm,
    tStage,
    nStage,
    clinicalStage,
    histologicType,
    grade,
    erPct,
    prPct,
    her2Class,
    ...her2,
    ki67Pct,
    ticType,
    adcMean,
    edema,
    massShape,
    massMargin,
    enhancementPattern,
    t2Signal,
    phenotype: {
      lobulation,
      spicules,
      spiculeLength: rng.range(0.5, 1.0),
      heterogeneity,
      necrosis,
      peakEnhancement,
      lateSlope,
      washInSeconds,
      t2Relative,
      position,
      aspect,
    },
  };
}

/** One patient, from its own random stream (independent of the other patients). */
export function generatePatient(seed: number, index: number): DemoPatient {
  const rng = Rng.derive(seed, 'patient', index);
  const centerShares = DEMO_CENTERS.map((c) => c.share);
  const center = rng.categorical(centerShares);
  const age = Math.round(clamp(rng.normal(52, 11), 26, 86));
  const menopausal =
    age < 45 ? 'pre' : age > 55 ? 'post' : (['pre', 'peri', 'post'] as const)[rng.categorical([0.35, 0.3, 0.35])]!;
  const bio = drawBiology(rng);
  const side: Side = rng.bernoulli(0.52) ? 'left' : 'right';
  const index1 = drawLesion(rng, bio, 'L1', side, true, null, 1);
  const lesions = [index1];
  // ~10 % with a second lesion: half bilateral (independent biology), half multifocal (same tumour biology).
  const u = rng.uniform();
  if (u < 0.05) {
    const other: Side = side === 'left' ? 'right' : 'left';
    lesions.push(drawLesion(rng, drawBiology(rng), 'L2', other, false, null, 0.8));
  } else if (u < 0.1) {
    index1.multifocalGroup = 'M1';
    const satellite = drawLesion(rng, bio, 'L2', side, false, 'M1', 0.55);
    // Multifocal foci share the tumour's receptor status and grade.
    Object.assign(satellite, {
      erPct: index1.erPct,
      prPct: index1.prPct,
      her2Ihc: index1.her2Ihc,
      her2Ish: index1.her2Ish,
      ishRatio: index1.ishRatio,
      ishCopies: index1.ishCopies,
      grade: index1.grade,
      nStage: index1.nStage,
    });
    // Keep the satellite apart from the index lesion along the cranio-caudal axis.
    const p = index1.phenotype.position;
    satellite.phenotype.position = [
      clamp(p[0] + rng.range(-0.3, 0.3), -0.6, 0.6),
      clamp(p[1] + rng.range(-0.15, 0.15), 0.25, 0.75),
      p[2] > 0 ? p[2] - 0.55 : p[2] + 0.55,
    ];
    lesions.push(satellite);
  }

  const tnbc = bio.her2Class === 'zero' && !bio.hrPositive;
  const stage = index1.clinicalStage === 'III' ? 2 : index1.clinicalStage === 'II' ? 1 : 0;
  const neoadjuvant = rng.bernoulli(
    logistic(-1.6 + 1.3 * stage + (bio.her2Class === 'positive' ? 1.4 : 0) + (tnbc ? 1.2 : 0) - 0.02 * (age - 52)),
  );
  let pcr: boolean | null = null;
  let millerPayne: number | null = null;
  if (neoadjuvant) {
    // pCR: HER2+/HR− ≈ 60 %, HER2+/HR+ ≈ 40 %, TNBC ≈ 35 %, luminal ≈ 10 % (imperfect, with noise).
    const base = bio.her2Class === 'positive' ? (bio.hrPositive ? -0.4 : 0.4) : tnbc ? -0.6 : -2.2;
    // Lower pre-treatment ADC (higher cellularity) goes with better response.
    const lp = base + 0.015 * (index1.ki67Pct - 30) - 0.25 * stage - 1.2 * (index1.adcMean - 1.05) + rng.normal(0, 0.4);
    pcr = rng.bernoulli(logistic(lp));
    millerPayne = pcr ? 5 : 1 + rng.categorical([0.15, 0.25, 0.35, 0.25]);
  }

  // Survival: exponential hazards (per month) rising with stage, higher for TNBC and HER2+,
  // lower after pCR; administrative censoring after 12–96 months of follow-up.
  const logHazard =
    Math.log(0.006) +
    0.7 * stage +
    (tnbc ? 0.7 : 0) +
    (bio.her2Class === 'positive' ? 0.3 : 0) +
    (pcr ? -1.2 : 0) +
    0.01 * (index1.ki67Pct - 20);
  const follow = rng.range(12, 96);
  const progression = rng.exponential(Math.exp(logHazard));
  const deathAfter = progression + rng.exponential(tnbc ? 1 / 18 : 1 / 36);
  const otherDeath = rng.exponential(Math.exp(-9 + 0.07 * (age - 50)));
  const death = Math.min(deathAfter, otherDeath);
  const pfsTime = Math.min(progression, death);
  const pfsEvent = pfsTime <= follow;
  const osEvent = death <= follow;

  return {
    code: patientCode(index),
    center,
    age,
    menopausal,
    breastSize: rng.range(0.8, 1.2),
    fgtDensity: rng.beta(2, age < 50 ? 2.5 : 4),
    neoadjuvant,
    pcr,
    millerPayne,
    pfsMonths: round(Math.max(0.5, pfsEvent ? pfsTime : follow), 1),
    pfsEvent,
    osMonths: round(Math.max(0.5, osEvent ? death : follow), 1),
    osEvent,
    lesions,
  };
}

export function generateCohort(seed: number, patients: number): DemoPatient[] {
  const out: DemoPatient[] = [];
  for (let i = 0; i < patients; i++) out.push(generatePatient(seed, i));
  return out;
}
