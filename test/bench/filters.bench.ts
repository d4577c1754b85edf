import { n4BiasFieldCorrection } from '../../main/compute/filters/n4.js';
import type { Volume } from '../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../main/compute/imaging/volume.js';
import { medianMs, type Benchmark } from './harness.js';

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

export const filterBenchmarks: Benchmark[] = [
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
