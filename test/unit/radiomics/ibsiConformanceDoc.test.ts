/**
 * docs/ibsi-conformance.md is generated from the IBSI reference comparison
 * (test/conformance/ibsiConformance.ts; reference ../shared/reference/ibsi/
 * ibsi1_reference_values.csv with its tolerances). This test recomputes it and fails when the
 * committed page differs, so the published pass counts are always the code's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DOC, computeConformance, renderConformance } from '../../conformance/ibsiConformance.js';

describe('IBSI conformance page', () => {
  it('docs/ibsi-conformance.md matches the current comparison', () => {
    const c = computeConformance();
    expect(c.failures).toEqual([]);
    expect(readFileSync(CONFORMANCE_DOC, 'utf8')).toBe(renderConformance(c));
  }, 120_000);
});
