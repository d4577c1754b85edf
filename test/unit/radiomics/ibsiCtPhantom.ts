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
import { CT_CONFIGS } from '../../../main/compute/radiomics/ibsi/referenceConfigs.js';
import { ibsiRows, nameOf, shownPrecision } from './ibsiReference.js';
import { referencePath } from './reference.js';

export { CT_CONFIGS };

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
