import { n4BiasFieldCorrection } from '../../main/compute/filters/n4.js';
import type { Volume } from '../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../main/compute/imaging/volume.js';
import { gaborFilter, type GaborOptions } from '../../main/compute/filters/ibsi2/gabor.js';
import { gaborFilterOracle } from '../unit/filters/gaborOracle.js';
import { lbp2DImage, lbp3DImages } from '../../main/compute/filters/lbp.js';
import { laplacianOfGaussian } from '../../main/compute/filters/log.js';
import { zScoreNormalize } from '../../main/compute/filters/normalize.js';
import {
  exponentialImage,
  gradientMagnitudeImage,
  logarithmImage,
  squareImage,
  squareRootImage,
} from '../../main/compute/filters/simple.js';
import { waveletImages } from '../../main/compute/filters/wavelet.js';
import { resampleLinear } from '../../main/compute/imaging/resample.js';
import { medianMs, time, type Benchmark } from './harness.js';

/** A 256×256×100 breast-MRI-sized volume: a disc of two alternating tissues under a smooth bias. */
function n4Volume(): Volume<Float32Array> {
  const [nx, ny, nz] = [256, 256, 100];
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const o = i + nx * (j + ny * k);
        const inside = Math.hypot(i - 128, j - 128) < 100;
        const tissue = 100 + ((i >> 4) & 1) * 100;
        const bias = Math.exp(0.2 * (i / nx - 0.5) + 0.1 * (k / nz));
        data[o] = inside ? tissue * bias * (1 + 0.02 * Math.sin(o)) : 0;
      }
  return { size: [nx, ny, nz], spacingMm: [0.7, 0.7, 1.5], originMm: [0, 0, 0], direction: [...IDENTITY_DIRECTION], data };
}

/** IBSI 2 phase 1 test 4.a.2 (MIRP's settings, phase1.ts): σ 10 mm, λ 4 mm, γ 0.5, Δθ 45°, 3 planes. */
const GABOR_4A2: GaborOptions = {
  sigmaMm: 10,
  lambdaMm: 4,
  gamma: 0.5,
  thetaDeg: 0,
  thetaStepDeg: 45,
  orthogonalPlanes: true,
  response: 'modulus',
  padding: 'constant',
  spacingMm: [1, 1, 1],
};

/** The IBSI 2 impulse phantom's shape: 64³ voxels of 1 mm, zero but one voxel (timing does not depend on content). */
function impulse64(): Float64Array {
  const data = new Float64Array(64 ** 3);
  data[32 + 64 * (32 + 64 * 32)] = 1;
  return data;
}

/**
 * CPU milliseconds of this process for one call (user + system): on a machine shared by many
 * processes the wall time of a long run depends on the load; the CPU time much less.
 */
function cpuMs(fn: () => unknown): number {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

export const filterBenchmarks: Benchmark[] = [
  {
    name: 'filters-each',
    description:
      'every PyRadiomics image type, z-score normalisation and linear resampling to 1 mm on a 256×256×100 volume (0.7×0.7×1.5 mm), whole image, CPU ms of one run (LBP3D: a 60×60×30 ROI box)',
    async run() {
      const v = n4Volume();
      const mask: Volume<Uint8Array> = { ...v, data: new Uint8Array(v.data.length) };
      for (let k = 35; k < 65; k++)
        for (let j = 98; j < 158; j++) for (let i = 98; i < 158; i++) mask.data[i + 256 * (j + 256 * k)] = 1;
      const out: Record<string, number> = {};
      for (const sigma of [1, 3, 5]) out[`log_sigma${sigma}mm_CpuMs`] = cpuMs(() => laplacianOfGaussian(v, sigma));
      out.wavelet_coif1_8bands_CpuMs = cpuMs(() => waveletImages(v));
      out.square_CpuMs = cpuMs(() => squareImage(v));
      out.squareRoot_CpuMs = cpuMs(() => squareRootImage(v));
      out.logarithm_CpuMs = cpuMs(() => logarithmImage(v));
      out.exponential_CpuMs = cpuMs(() => exponentialImage(v));
      out.gradient_CpuMs = cpuMs(() => gradientMagnitudeImage(v));
      out.lbp2D_r1_p8_CpuMs = cpuMs(() => lbp2DImage(v, { radius: 1, samples: 8, method: 'uniform', force2Ddimension: 0 }));
      out.lbp3D_roi_CpuMs = cpuMs(() => lbp3DImages(v, mask, 1, { levels: 2, icosphereRadius: 1, icosphereSubdivision: 1 }));
      out.zscore_CpuMs = cpuMs(() => zScoreNormalize(v));
      out.resample_linear_1mm_CpuMs = cpuMs(() =>
        resampleLinear(v, {
          size: [179, 179, 150],
          spacingMm: [1, 1, 1],
          originMm: v.originMm,
          direction: v.direction,
        }),
      );
      return out;
    },
  },
  {
    name: 'filters-gabor',
    description:
      'IBSI 2 Gabor on a 64³ volume: 4.a.1 (one θ, x–y plane) and 4.a.2 (8 θ × 3 planes), median of 3 (wall) and one run in CPU time; previous implementation (test oracle) on 4.a.2 once; ratio = previous / now',
    async run() {
      const size = [64, 64, 64] as const;
      const src = impulse64();
      const a1: GaborOptions = { ...GABOR_4A2, thetaDeg: 60, thetaStepDeg: null, orthogonalPlanes: false };
      const a1Ms = await medianMs(3, () => gaborFilter(src, size, a1));
      const a2Ms = await medianMs(3, () => gaborFilter(src, size, GABOR_4A2));
      const a2CpuMs = cpuMs(() => gaborFilter(src, size, GABOR_4A2));
      let previousCpuMs = 0;
      const previous = await time(() => {
        previousCpuMs = cpuMs(() => gaborFilterOracle(src, size, GABOR_4A2));
      });
      return {
        gabor4a1Ms: a1Ms,
        gabor4a2Ms: a2Ms,
        gabor4a2CpuMs: a2CpuMs,
        previous4a2Ms: previous.ms,
        previous4a2CpuMs: previousCpuMs,
        speedup4a2Wall: previous.ms / a2Ms,
        speedup4a2Cpu: previousCpuMs / a2CpuMs,
      };
    },
  },
  {
    name: 'filters-n4',
    description:
      'N4 bias-field correction of a 256×256×100 volume, Slicer defaults (shrink 4, 50,40,30 iterations, Otsu mask), median of 3',
    async run() {
      const image = n4Volume();
      let iterations = 0;
      const ms = await medianMs(3, () => {
        const r = n4BiasFieldCorrection(image);
        iterations = r.iterationsRun.reduce((a, b) => a + b, 0);
      });
      return { n4Ms: ms, iterationsTotal: iterations };
    },
  },
];
