/**
 * Reader agreement per label (perLabelAgreement in main/services/readers/agreement.ts) on small
 * hand-built masks with labels 1 and 2. References are hand counts (Dice = 2|A∩B| / (|A| + |B|),
 * Jaccard = |A∩B| / |A∪B|); tolerance 1e-12 (the ratios of small integers are exact up to rounding).
 */
import { describe, expect, it } from 'vitest';
import { perLabelAgreement } from '../../../main/services/readers/agreement.js';

// 4 × 2 × 1 grid, x fastest; spacing 1 × 1 × 2 mm (voxel = 2 mm³).
const dims: [number, number, number] = [4, 2, 1];
const spacing: [number, number, number] = [1, 1, 2];

describe('perLabelAgreement', () => {
  it('gives a whole-mask row and one row per label, with hand-computed Dice', () => {
    // Reader A: label 1 at voxels 0,1,2; label 2 at 4,5.  Reader B: label 1 at 0,1; label 2 at 2,4,5,6.
    const a = Uint8Array.from([1, 1, 1, 0, 2, 2, 0, 0]);
    const b = Uint8Array.from([1, 1, 2, 0, 2, 2, 2, 0]);
    const rows = perLabelAgreement(a, b, dims, spacing);
    expect(rows.map((r) => r.label)).toEqual([null, 1, 2]);
    const [any, l1, l2] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    // Any label: A = {0,1,2,4,5} (5), B = {0,1,2,4,5,6} (6), ∩ = 5: Dice = 10/11, Jaccard = 5/6.
    expect(Math.abs(any.dice - 10 / 11)).toBeLessThan(1e-12);
    expect(Math.abs(any.jaccard - 5 / 6)).toBeLessThan(1e-12);
    expect(any.volumeAMm3).toBeCloseTo(10, 12);
    expect(any.volumeBMm3).toBeCloseTo(12, 12);
    // Label 1: A = {0,1,2}, B = {0,1}, ∩ = 2: Dice = 4/5, Jaccard = 2/3.
    expect(Math.abs(l1.dice - 4 / 5)).toBeLessThan(1e-12);
    expect(Math.abs(l1.jaccard - 2 / 3)).toBeLessThan(1e-12);
    // Label 2: A = {4,5}, B = {2,4,5,6}, ∩ = 2: Dice = 4/6, Jaccard = 2/4.
    expect(Math.abs(l2.dice - 4 / 6)).toBeLessThan(1e-12);
    expect(Math.abs(l2.jaccard - 0.5)).toBeLessThan(1e-12);
    expect(l2.volumeAMm3).toBeCloseTo(4, 12);
    expect(l2.volumeBMm3).toBeCloseTo(8, 12);
    // Label 1 of B lies inside A's label 1 (voxels 0,1 vs 0,1,2; 1 mm apart along x): every surface
    // distance is 0 or 1 mm, so HD95 ≤ 1 mm.
    expect(l1.hd95Mm).not.toBeNull();
    expect(l1.hd95Mm!).toBeLessThanOrEqual(1 + 1e-12);
  });

  it('gives Dice 0 and no surface distances for a label only one reader drew', () => {
    // Reader A: label 1 at 0,1 and label 2 at 5.  Reader B: label 1 at 0,1 only.
    const a = Uint8Array.from([1, 1, 0, 0, 0, 2, 0, 0]);
    const b = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0]);
    const rows = perLabelAgreement(a, b, dims, spacing);
    expect(rows.map((r) => r.label)).toEqual([null, 1, 2]);
    // Any label: A = 3 voxels, B = 2, ∩ = 2: Dice = 4/5.
    expect(Math.abs(rows[0]!.dice - 4 / 5)).toBeLessThan(1e-12);
    expect(rows[1]!.dice).toBe(1);
    expect(rows[1]!.hd95Mm).toBe(0);
    expect(rows[2]).toEqual({
      label: 2,
      dice: 0,
      jaccard: 0,
      hd95Mm: null,
      meanSurfaceDistanceMm: null,
      volumeAMm3: 2,
      volumeBMm3: 0,
    });
  });

  it('keeps one whole-mask row for binary masks (label 1 only)', () => {
    const a = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0]);
    const b = Uint8Array.from([0, 1, 1, 0, 0, 0, 0, 0]);
    const rows = perLabelAgreement(a, b, dims, spacing);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.label).toBeNull();
    // |A| = |B| = 2, ∩ = 1: Dice = 1/2.
    expect(Math.abs(rows[0]!.dice - 0.5)).toBeLessThan(1e-12);
  });
});
