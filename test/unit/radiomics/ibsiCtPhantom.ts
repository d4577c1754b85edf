/**
 * Shared setup of the IBSI CT-phantom tests: the phantom (NIfTI), configurations A–D as the IBSI
 * reference describes them (../shared/reference/ibsi/config.md), and the comparison of one
 * configuration with ibsi1_reference_values.csv.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readNifti } from '../../../main/compute/imaging/nifti.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { extractIbsiFeatures } from '../../../main/compute/radiomics/ibsi/extract.js';
import type { IbsiConfig } from '../../../main/compute/radiomics/ibsi/extract.js';
import { ibsiRows, nameOf, shownPrecision } from './ibsiReference.js';
import { referencePath } from './reference.js';

export const CT_CONFIGS: Record<'A' | 'B' | 'C' | 'D' | 'E', IbsiConfig> = {
  // 2D, no interpolation, range [−500, 400], FBS 25; IVH discrete HU over the range.
  A: { discretisation: { method: 'FBS', binWidth: 25 }, resegmentRange: [-500, 400], roundIntensities: true, dimensions: ['2D'] },
  // 2D, bilinear in-plane to 2 × 2 mm, range [−500, 400], FBN 32; IVH discrete HU over the range.
  B: {
    interpolation: { spacingMm: [2, 2, null] },
    discretisation: { method: 'FBN', bins: 32 },
    resegmentRange: [-500, 400],
    roundIntensities: true,
    dimensions: ['2D'],
  },
  // 3D, trilinear to 2 mm, range [−1000, 400], FBS 25; IVH FBS 2.5 HU with bin centres.
  C: {
    interpolation: { spacingMm: [2, 2, 2] },
    discretisation: { method: 'FBS', binWidth: 25 },
    resegmentRange: [-1000, 400],
    roundIntensities: true,
    dimensions: ['3D'],
    ivh: { method: 'binWidth', binWidth: 2.5 },
  },
  // 3D, trilinear to 2 mm, outlier filtering (mean ± 3σ), FBN 32; IVH discrete HU over the ROI range.
  D: {
    interpolation: { spacingMm: [2, 2, 2] },
    discretisation: { method: 'FBN', bins: 32 },
    outlierFiltering: true,
    roundIntensities: true,
    dimensions: ['3D'],
  },
  // 3D, tricubic (cubic B-spline) to 2 mm, range [−1000, 400] and outlier filtering, FBN 32;
  // IVH with 1000 bins between the ROI minimum and maximum.
  E: {
    interpolation: { spacingMm: [2, 2, 2], image: 'bspline' },
    discretisation: { method: 'FBN', bins: 32 },
    resegmentRange: [-1000, 400],
    outlierFiltering: true,
    roundIntensities: true,
    dimensions: ['3D'],
    ivh: { method: 'binCount', bins: 1000 },
  },
};

let phantom: { image: Volume; mask: Volume } | undefined;
function ctPhantom() {
  const read = (p: string) =>
    readNifti(new Uint8Array(readFileSync(referencePath('ibsi', 'ibsi1_ct_phantom', 'nifti', p)))).volume;
  phantom ??= { image: read('image/phantom.nii.gz'), mask: read('mask/mask.nii.gz') };
  return phantom;
}

/** Registers the tests of one configuration (call inside a describe block). */
export function compareConfiguration(config: keyof typeof CT_CONFIGS, expectedRows: number): void {
  const { image, mask } = ctPhantom();
  const byName = new Map(extractIbsiFeatures(image, mask, CT_CONFIGS[config]).map((f) => [f.name, f.value]));
  const rows = ibsiRows(`config ${config}`);
  const compared = rows;

  it(`computes all ${expectedRows} compared reference rows`, () => {
    expect(compared).toHaveLength(expectedRows);
    expect(compared.every((r) => Number.isFinite(byName.get(nameOf(r))))).toBe(true);
  });

  it.each(compared.map((r) => [nameOf(r), r] as const))('%s', (name, row) => {
    const tol = row.tolerance ? Number(row.tolerance) : shownPrecision(row.value);
    const got = byName.get(name)!;
    expect(Math.abs(got - Number(row.value)), `${row.feature}: ${got} vs ${row.value} ± ${tol}`).toBeLessThanOrEqual(
      tol * (1 + 1e-9),
    );
  });
}
