/**
 * IBSI mode on the IBSI chapter 1 digital phantom.
 *
 * Reference: ../shared/reference/ibsi/ibsi1_reference_values.csv, rows `data_set = digital
 * phantom` (configuration in ../shared/reference/ibsi/config.md: no interpolation,
 * re-segmentation or discretisation; symmetric GLCM; δ = 1; NGLDM α = 0). Tolerance: the CSV's
 * tolerance where it gives one (morphology); otherwise the value must match to the digits shown,
 * i.e. within half a unit of the last printed digit (e.g. 2.15 → ±0.005, 1.2e3 → ±50).
 *
 * All 482 rows are computed and compared.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../../../main/compute/imaging/nifti.js';
import { extractIbsiFeatures } from '../../../main/compute/radiomics/ibsi/extract.js';
import { ibsiRows, nameOf, shownPrecision } from './ibsiReference.js';
import { referencePath } from './reference.js';

describe('IBSI digital phantom', () => {
  const read = (p: string) => readNifti(new Uint8Array(readFileSync(referencePath('ibsi', 'ibsi1_digital_phantom', p)))).volume;
  const features = extractIbsiFeatures(read('image/phantom.nii.gz'), read('mask/mask.nii.gz'), {
    discretisation: { method: 'none' },
  });
  const byName = new Map(features.map((f) => [f.name, f.value]));
  const rows = ibsiRows('digital phantom');

  it('has 482 reference rows, all computed', () => {
    expect(rows).toHaveLength(482);
    expect(rows.filter((r) => !byName.has(nameOf(r))).map((r) => r.id)).toEqual([]);
  });

  it.each(rows.map((r) => [nameOf(r), r] as const))('%s', (name, row) => {
    const tol = row.tolerance ? Number(row.tolerance) : shownPrecision(row.value);
    const got = byName.get(name)!;
    expect(Math.abs(got - Number(row.value)), `${row.feature}: ${got} vs ${row.value} ± ${tol}`).toBeLessThanOrEqual(
      tol * (1 + 1e-9),
    );
  });
});
