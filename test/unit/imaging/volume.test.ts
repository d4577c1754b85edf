import { describe, expect, it } from 'vitest';
import { sameGeometry, physicalBounds } from '../../../main/compute/imaging/geometry.js';
import { readNrrd } from '../../../main/compute/imaging/nrrd.js';
import {
  applyAffine,
  indexToPhysical,
  indexToPhysicalAffine,
  invertMat3,
  linearIndex,
  orthonormalityError,
  physicalToIndex,
  physicalToIndexAffine,
} from '../../../main/compute/imaging/volume.js';
import type { Geometry, Mat3 } from '../../../main/compute/imaging/volume.js';
import { readReference } from './referenceData.js';

/** Deterministic uniform numbers in [0, 1) (LCG, Numerical Recipes constants). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function rotation(az: number, ay: number): Mat3 {
  const [c, s, cy, sy] = [Math.cos(az), Math.sin(az), Math.cos(ay), Math.sin(ay)];
  // Rz · Ry
  return [c * cy, -s, c * sy, s * cy, c, s * sy, -sy, 0, cy];
}

const oblique: Geometry = {
  size: [40, 30, 20],
  spacingMm: [0.7, 0.9, 3.3],
  originMm: [-100.5, 20.25, 7],
  direction: rotation(0.4, -0.2),
};
// Non-orthonormal: unit columns that are not perpendicular (gantry tilt-like shear of 15°).
const sheared: Geometry = {
  size: [10, 10, 10],
  spacingMm: [1, 1, 2],
  originMm: [3, -4, 5],
  direction: [1, 0, 0, 0, Math.cos(Math.PI / 12), 0, 0, Math.sin(Math.PI / 12), 1],
};

describe('index ↔ physical transforms', () => {
  it('brain1 (negative y direction): index steps map to ±spacing along LPS axes', () => {
    const v = readNrrd(readReference('pyradiomics', 'brain1_image.nrrd')).volume;
    // Reference: pyradiomics README, direction diag(1, −1, 1), spacing 0.78125/6.5, origin (−99.609375, 99.609375, −78).
    const p = indexToPhysical(v, 1, 1, 1);
    const expected = [-99.609375 + 0.78125, 99.609375 - 0.78125, -78 + 6.5];
    p.forEach((x, k) => expect(Math.abs(x - expected[k]!)).toBeLessThan(1e-9));
    const back = physicalToIndex(v, p[0], p[1], p[2]);
    back.forEach((x) => expect(Math.abs(x - 1)).toBeLessThan(1e-12));
  });

  it('round trip index → physical → index on oblique and sheared grids (1000 seeded points, < 1e-9)', () => {
    const rand = lcg(42);
    for (const g of [oblique, sheared]) {
      let worst = 0;
      for (let n = 0; n < 1000; n++) {
        const idx = [rand() * g.size[0], rand() * g.size[1], rand() * g.size[2]] as const;
        const p = indexToPhysical(g, idx[0], idx[1], idx[2]);
        const back = physicalToIndex(g, p[0], p[1], p[2]);
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(back[k]! - idx[k]!));
      }
      expect(worst).toBeLessThan(1e-9);
    }
    expect(orthonormalityError(oblique.direction)).toBeLessThan(1e-15);
    expect(orthonormalityError(sheared.direction)).toBeGreaterThan(0.2);
  });

  it('affines agree with the point functions and invert each other', () => {
    const fwd = indexToPhysicalAffine(sheared);
    const inv = physicalToIndexAffine(sheared);
    const p = applyAffine(fwd, 2.5, 7, 1.25);
    const q = indexToPhysical(sheared, 2.5, 7, 1.25);
    p.forEach((x, k) => expect(Math.abs(x - q[k]!)).toBeLessThan(1e-12));
    applyAffine(inv, p[0], p[1], p[2]).forEach((x, k) => expect(Math.abs(x - [2.5, 7, 1.25][k]!)).toBeLessThan(1e-12));
  });

  it('invertMat3 inverts and rejects a singular matrix', () => {
    const m: Mat3 = [2, 1, 0, 0, 3, 1, 1, 0, 4];
    const inv = invertMat3(m);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        const v = m[3 * r]! * inv[c]! + m[3 * r + 1]! * inv[3 + c]! + m[3 * r + 2]! * inv[6 + c]!;
        expect(Math.abs(v - (r === c ? 1 : 0))).toBeLessThan(1e-14);
      }
    }
    expect(() => invertMat3([1, 2, 3, 2, 4, 6, 0, 0, 1])).toThrow(/singular/);
  });

  it('linearIndex is x-fastest', () => {
    expect(linearIndex({ size: [4, 3, 2] }, 1, 2, 1)).toBe(1 + 4 * (2 + 3 * 1));
  });
});

describe('sameGeometry', () => {
  const brainImage = readNrrd(readReference('pyradiomics', 'brain1_image.nrrd')).volume;
  const brainLabel = readNrrd(readReference('pyradiomics', 'brain1_label.nrrd')).volume;
  const breast = readNrrd(readReference('pyradiomics', 'breast1_image.nrrd')).volume;

  it('the PyRadiomics image and label share one grid', () => {
    const c = sameGeometry(brainImage, brainLabel, 1e-6);
    expect(c.same).toBe(true);
    expect(c.maxDisplacementMm).toBe(0);
    expect(c.message).toBe('');
  });

  it('different sizes are reported with both sizes and the names given', () => {
    const c = sameGeometry(brainImage, breast, 1e-3, { a: 'brain1_image.nrrd', b: 'breast1_image.nrrd' });
    expect(c.same).toBe(false);
    expect(c.maxDisplacementMm).toBe(Infinity);
    expect(c.message).toMatch(
      /^brain1_image\.nrrd and breast1_image\.nrrd are on different grids: size 256×256×25 vs 45×120×21; origin /,
    );
  });

  it('an origin shift is accepted inside the tolerance and reported outside it', () => {
    const shifted = {
      ...oblique,
      originMm: [oblique.originMm[0] + 0.0006, oblique.originMm[1] + 0.0008, oblique.originMm[2]] as [number, number, number],
    };
    // Shift length √(0.6² + 0.8²)·1e-3 = 1e-3 mm exactly (up to rounding).
    const inside = sameGeometry(oblique, shifted, 1.001e-3);
    expect(inside.same).toBe(true);
    expect(Math.abs(inside.maxDisplacementMm - 1e-3)).toBeLessThan(1e-12);
    const outside = sameGeometry(oblique, shifted, 0.5e-3);
    expect(outside.same).toBe(false);
    expect(outside.message).toContain('voxel centres move by up to 0.00100 mm (tolerance 0.0005 mm)');
  });

  it('a small rotation moves the far corner by 2·r·sin(θ/2)', () => {
    const theta = 1e-3;
    const g: Geometry = { size: [101, 1, 1], spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const turned: Geometry = { ...g, direction: rotation(theta, 0) };
    const c = sameGeometry(g, turned, 0.01);
    // Corner (100, 0, 0) is r = 100 mm from the origin; exact chord length.
    expect(Math.abs(c.maxDisplacementMm - 2 * 100 * Math.sin(theta / 2))).toBeLessThan(1e-12);
    expect(c.same).toBe(false);
    expect(c.message).toMatch(/direction differs by up to 0\.00100;/);
  });

  it('physicalBounds spans the voxel centres (brain1: y runs downwards)', () => {
    const [lo, hi] = physicalBounds(brainImage);
    const s = 0.78125;
    const expectedLo = [-99.609375, 99.609375 - 255 * s, -78];
    const expectedHi = [-99.609375 + 255 * s, 99.609375, -78 + 24 * 6.5];
    lo.forEach((x, k) => expect(Math.abs(x - expectedLo[k]!)).toBeLessThan(1e-9));
    hi.forEach((x, k) => expect(Math.abs(x - expectedHi[k]!)).toBeLessThan(1e-9));
  });
});
