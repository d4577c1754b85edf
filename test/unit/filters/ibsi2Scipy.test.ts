/**
 * IBSI 2 phase 1 mean, LoG, Laws, Gabor (4.a.1, 4.b.1) and Simoncelli (8.a.1–8.a.3) response maps
 * on the IBSI 2 phantoms against scipy/numpy (test/fixtures/python/ibsi2_scipy.json, scipy 1.17.1:
 * uniform_filter, gaussian_filter with derivative orders and truncate 4, convolve of the real and
 * imaginary Gabor kernels, numpy.fft for Simoncelli; Laws rotation invariance built there
 * independently with numpy.rot90 of the 3D kernel and max pooling). This is an independent implementation of the
 * same definitions, not the IBSI consensus maps (those are not in ../shared/reference).
 *
 * Tolerance: mean, Laws, Gabor and Simoncelli 1e-10 of the map's largest sampled |value| (float64 sums in another
 * order). LoG 2e-4: scipy divides its truncated Gaussian by its own sum, while we keep IBSI's
 * analytic 1/(σ√(2π)) factor; the two differ by the Gaussian mass beyond ⌊4σ + 0.5⌋ voxels
 * (2·Φ(−(R + ½)/σ): 1.5e-5 per axis at σ = 1.5 voxels, 2.7e-5 at 2.5), which scales each factor (measured:
 * up to 7e-5 of the largest value). Samples: 600 fixed voxels per map plus the 7³ neighbourhood of
 * the impulse.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ibsiResponseMap } from '../../../main/compute/filters/ibsi2/index.js';
import { PHASE1_CONFIGS } from '../../../main/compute/filters/ibsi2/phase1.js';
import { readNifti } from '../../../main/compute/imaging/nifti.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { readReference } from '../imaging/referenceData.js';

interface ScipyFixture {
  scipy: string;
  maps: { id: string; phantom: string; index: number[]; value: number[]; rotations?: number }[];
}

const fx = JSON.parse(readFileSync(new URL('../../fixtures/python/ibsi2_scipy.json', import.meta.url), 'utf8')) as ScipyFixture;
const phantoms = new Map<string, Volume>();
const phantom = (name: string): Volume => {
  if (!phantoms.has(name)) {
    phantoms.set(name, readNifti(readReference('ibsi', 'ibsi2_digital_phantoms', name, 'image', `${name}.nii.gz`)).volume);
  }
  return phantoms.get(name)!;
};

describe('IBSI 2 phase 1 response maps vs scipy.ndimage', () => {
  for (const m of fx.maps) {
    it(`${m.id} on ${m.phantom}`, () => {
      const config = PHASE1_CONFIGS.find((c) => c.id === m.id)!;
      expect(config.phantom).toBe(m.phantom);
      const r = ibsiResponseMap(phantom(m.phantom), config.spec).data;
      const scale = Math.max(...m.value.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      let worst = 0;
      m.index.forEach((o, i) => (worst = Math.max(worst, Math.abs(r[o]! - m.value[i]!))));
      expect(worst / scale).toBeLessThan(config.spec.filter === 'log' ? 2e-4 : 1e-10);
    }, 30000);
  }
});
