/**
 * The two demo centers and their scanners. They differ the way the seed studies' centers do
 * (SEED-PIPELINES.md, seed 003: a 3.0 T Philips and a 1.5 T Siemens site): field strength,
 * vendor protocol names, voxel spacing, intensity scale (receiver gain and stored-value
 * rescaling), noise level and the high b-value.
 */
import type { Vec3 } from '../imaging/volume.js';

export interface DemoCenter {
  code: string;
  name: string;
  vendor: string;
  model: string;
  fieldStrengthT: number;
  /** T2WI / DCE grid (voxels along L, P, S) and its spacing. */
  size: Vec3;
  spacingMm: Vec3;
  /** DWI grid: in-plane voxels are `dwiFactor` times larger (EPI is acquired coarser). */
  dwiFactor: number;
  /** Multiplies every tissue signal (arbitrary scanner units). */
  intensityScale: number;
  /** Noise standard deviation as a fraction of the fibroglandular T1 signal. */
  noiseFraction: number;
  /** Stored value = real value / slope − intercept/slope (PS3.3 C.11.1.1.2). */
  rescaleSlope: number;
  rescaleIntercept: number;
  bValues: [number, number];
  /** Seconds between DCE phases. */
  dcePhaseSeconds: number;
  series: { t2: string; dwi: string; adc: string; dce: string };
  repetitionMs: { t2: number; dwi: number; dce: number };
  echoMs: { t2: number; dwi: number; dce: number };
  /** Share of the patients seen at this center. */
  share: number;
}

export const DEMO_CENTERS: readonly DemoCenter[] = [
  {
    code: 'C1',
    name: 'Center 1 (1.5 T)',
    vendor: 'SIEMENS',
    model: 'MAGNETOM Aera',
    fieldStrengthT: 1.5,
    size: [96, 48, 18],
    spacingMm: [3.0, 3.0, 3.5],
    dwiFactor: 2,
    intensityScale: 1.0,
    noiseFraction: 0.045,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    bValues: [0, 800],
    dcePhaseSeconds: 60,
    series: { t2: 't2_tse_fs_tra', dwi: 'ep2d_diff_b0_800', adc: 'ep2d_diff_b0_800_ADC', dce: 'vibe_dyn_tra' },
    repetitionMs: { t2: 5600, dwi: 6300, dce: 4.62 },
    echoMs: { t2: 57, dwi: 68, dce: 1.75 },
    share: 0.55,
  },
  {
    code: 'C2',
    name: 'Center 2 (3.0 T)',
    vendor: 'Philips Medical Systems',
    model: 'Ingenia',
    fieldStrengthT: 3,
    size: [108, 54, 18],
    spacingMm: [2.7, 2.7, 3.0],
    dwiFactor: 2,
    intensityScale: 2.6,
    noiseFraction: 0.03,
    rescaleSlope: 1.5,
    rescaleIntercept: 0,
    bValues: [0, 1000],
    dcePhaseSeconds: 60,
    series: { t2: 'T2W_SPAIR_TRA', dwi: 'DWI_b0_1000', adc: 'DWI_b0_1000_ADC', dce: 'DYN_eTHRIVE_TRA' },
    repetitionMs: { t2: 4000, dwi: 5000, dce: 4.5 },
    echoMs: { t2: 70, dwi: 60, dce: 2.2 },
    share: 0.45,
  },
];

/** Number of DCE phases: one pre-contrast and six post-contrast (seed 000's protocol). */
export const DCE_PHASES = 7;
