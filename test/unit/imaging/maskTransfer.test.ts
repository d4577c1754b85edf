import { describe, expect, it } from 'vitest';
import { transferMask } from '../../../main/compute/imaging/maskTransfer.js';
import type { Geometry, Mat3 } from '../../../main/compute/imaging/volume.js';

/**
 * Copying a mask between two series of one exam through physical coordinates. References are
 * computed without the library's affine code: by hand for axis-aligned grids (each target voxel
 * centre in mm, then which source voxel it rounds to), and by an explicit per-voxel loop for a
 * rotated target. Voxel sets are compared exactly (integer results; the grids are chosen so no
 * centre falls within 0.05 voxel of a rounding boundary, far above float64 rounding).
 */

const I: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const SOURCE: Geometry = { size: [10, 8, 6], spacingMm: [1, 1, 2], originMm: [0, 0, 0], direction: I };

/** Source mask: the box i 2…5, j 3…4, k 1…2 (4 × 2 × 2 = 16 voxels). */
function boxMask(): Uint8Array {
  const m = new Uint8Array(10 * 8 * 6);
  for (let k = 1; k <= 2; k++) for (let j = 3; j <= 4; j++) for (let i = 2; i <= 5; i++) m[i + 10 * (j + 8 * k)] = 1;
  return m;
}

const voxelsOf = (m: Uint8Array): number[] => [...m.keys()].filter((v) => m[v] !== 0);

describe('transferMask', () => {
  it('maps a box onto a finer, shifted grid: the target voxels whose centres round into the box', () => {
    const target: Geometry = { size: [20, 16, 5], spacingMm: [0.5, 0.5, 3], originMm: [0.3, 1.1, -1], direction: I };
    // Source voxel i covers x ∈ [i − 0.5, i + 0.5) mm (nearest, halves up), so the box covers
    // x ∈ [1.5, 5.5), y ∈ [2.5, 4.5), z ∈ [1, 5) (k 1…2 at 2 mm).
    // Target x = 0.3 + 0.5 i ∈ [1.5, 5.5) ⇔ i = 3…10; y = 1.1 + 0.5 j ∈ [2.5, 4.5) ⇔ j = 3…6;
    // z = −1 + 3 k ∈ [1, 5) ⇔ k = 1.  8 × 4 × 1 = 32 voxels.
    const expected: number[] = [];
    for (let j = 3; j <= 6; j++) for (let i = 3; i <= 10; i++) expected.push(i + 20 * (j + 16 * 1));
    const r = transferMask(boxMask(), SOURCE, target);
    expect(voxelsOf(r.mask)).toEqual(expected);
    expect(r.sourceVoxels).toBe(16);
    expect(r.targetVoxels).toBe(32);
    // 16 × 2 mm³ = 32 mm³ on the source; 32 × 0.75 mm³ = 24 mm³ on the target (the thick target
    // slice at z = 2 mm samples one of the box's two source slices' worth of height).
    expect(r.sourceVolumeMm3).toBeCloseTo(32, 12);
    expect(r.targetVolumeMm3).toBeCloseTo(24, 12);
  });

  it('maps onto a rotated grid (i along +y, j along −x) the same way as an explicit per-voxel loop', () => {
    // Columns of the direction matrix: i → (0, 1, 0), j → (−1, 0, 0), k → (0, 0, 1).
    const rot: Mat3 = [0, -1, 0, 1, 0, 0, 0, 0, 1];
    const target: Geometry = { size: [12, 14, 4], spacingMm: [0.7, 0.8, 1.5], originMm: [9.2, -0.45, 0.6], direction: rot };
    const src = boxMask();
    const expected: number[] = [];
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 14; j++)
        for (let i = 0; i < 12; i++) {
          const x = 9.2 - 0.8 * j;
          const y = -0.45 + 0.7 * i;
          const z = 0.6 + 1.5 * k;
          const si = Math.floor(x / 1 + 0.5);
          const sj = Math.floor(y / 1 + 0.5);
          const sk = Math.floor(z / 2 + 0.5);
          if (si < 0 || sj < 0 || sk < 0 || si >= 10 || sj >= 8 || sk >= 6) continue;
          if (src[si + 10 * (sj + 8 * sk)]) expected.push(i + 12 * (j + 14 * k));
        }
    expect(expected.length).toBeGreaterThan(20);
    expect(voxelsOf(transferMask(src, SOURCE, target).mask)).toEqual(expected);
  });

  it('gives an empty mask when the lesion lies outside the target field of view', () => {
    const far: Geometry = { size: [5, 5, 5], spacingMm: [1, 1, 1], originMm: [100, 100, 100], direction: I };
    expect(transferMask(boxMask(), SOURCE, far).targetVoxels).toBe(0);
  });

  it('refuses a mask that is not on the source grid', () => {
    expect(() => transferMask(new Uint8Array(7), SOURCE, SOURCE)).toThrow('the mask has 7 voxels, its grid 10×8×6 has 480');
  });
});
