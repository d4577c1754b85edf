/**
 * Shape features on shapes whose mesh is known in closed form (the marching-cubes / marching-
 * squares isosurface at 0.5 passes through the midpoints between ROI and background voxels).
 * PyRadiomics parity on real ROIs is in pyradiomicsBaseline.test.ts; these cases check the
 * geometry itself, including anisotropic spacing. Tolerance 1e-12 relative (exact arithmetic
 * up to rounding).
 */
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { extractFeatures } from '../../../main/compute/radiomics/extract.js';
import { resolveSettings } from '../../../main/compute/radiomics/settings.js';
import { shapeFeatures } from '../../../main/compute/radiomics/shape.js';
import { shape2DFeatures } from '../../../main/compute/radiomics/shape2d.js';

const close = (a: number, b: number) => expect(Math.abs(a / b - 1)).toBeLessThanOrEqual(1e-12);

function box(nx: number, ny: number, nz: number, spacing: [number, number, number]) {
  return {
    mask: new Uint8Array(nx * ny * nz).fill(1),
    size: [nx, ny, nz] as [number, number, number],
    spacingMm: spacing,
    voxelCount: nx * ny * nz,
  };
}

describe('3D shape', () => {
  it('a single voxel is an octahedron through its face centres', () => {
    const f = shapeFeatures(box(1, 1, 1, [1, 1, 1]));
    close(f.MeshVolume!, 1 / 6); // (4/3)·0.5³
    close(f.SurfaceArea!, Math.sqrt(3)); // 8 equilateral triangles of side √½
    close(f.VoxelVolume!, 1);
    close(f.Maximum3DDiameter!, 1);
  });

  it('a 3 × 2 × 2 box with spacing (0.5, 1, 2)', () => {
    const f = shapeFeatures(box(3, 2, 2, [0.5, 1, 2]));
    // Volume (voxel units): the box [−½, n − ½] minus what the mesh cuts off — along each of the
    // 12 edges a prism of cross-section ⅛ over L − 1 voxels, and at each of the 8 corners the
    // cube [−½, 0]³ (⅛) except the tetrahedron x + y + z ≥ −½ (1/48), i.e. 5/48. (A single voxel
    // gives 1 − 8 · 5/48 = 1/6, the octahedron above.)
    const edgesX = 4 * (3 - 1);
    const edgesY = 4 * (2 - 1);
    const edgesZ = 4 * (2 - 1);
    const voxelUnits = 12 - (edgesX + edgesY + edgesZ) / 8 - 8 * (5 / 48);
    close(f.MeshVolume!, voxelUnits * 0.5 * 1 * 2);
    close(f.VoxelVolume!, 12 * 0.5 * 1 * 2);
    // PCA of voxel centres: var x = (2/3)·0.5², var y = ¼·1², var z = ¼·2².
    close(f.MajorAxisLength!, 4 * Math.sqrt(1));
    close(f.MinorAxisLength!, 4 * Math.sqrt(0.25));
    close(f.LeastAxisLength!, 4 * Math.sqrt((2 / 3) * 0.25));
    close(f.Elongation!, Math.sqrt(0.25 / 1));
  });
});

describe('2D shape (force2D, one slice)', () => {
  it('a 3 × 2 rectangle: octagon contour', () => {
    const f = shape2DFeatures(box(3, 2, 1, [1, 1, 5]), 0);
    close(f.MeshSurface!, 6 - 4 / 8); // rectangle [−½, 2½] × [−½, 1½] minus four corner triangles
    close(f.Perimeter!, 2 * 2 + 2 * 1 + 4 * Math.SQRT1_2);
    close(f.PixelSurface!, 6);
    close(f.MaximumDiameter!, Math.sqrt(3 * 3 + 1 * 1)); // (−½, 0) ↔ (2½, 1)
    close(f.MajorAxisLength!, 4 * Math.sqrt(2 / 3)); // var x of 0, 1, 2
    close(f.MinorAxisLength!, 4 * 0.5); // var y of 0, 1
    close(f.Sphericity!, (2 * Math.sqrt(Math.PI * 5.5)) / f.Perimeter!);
  });

  it('uses the in-plane spacing of the kept axes', () => {
    // One pixel, spacing x 0.5, y 2: a diamond with half-diagonals 0.25 and 1.
    const f = shape2DFeatures(box(1, 1, 1, [0.5, 2, 7]), 0);
    close(f.MeshSurface!, 0.5 * 0.5 * 2);
    close(f.Perimeter!, 4 * Math.hypot(0.25, 1));
  });

  it('is refused without force2D or on a ROI thicker than one slice', () => {
    const image: Volume = {
      size: [3, 3, 2],
      spacingMm: [1, 1, 1],
      originMm: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      data: new Float64Array(18).fill(5),
    };
    const mask: Volume = { ...image, data: new Uint8Array(18).fill(1) };
    const s = resolveSettings({ minimumROIDimensions: 2 });
    expect(() => extractFeatures(image, mask, s, { shape2D: [] })).toThrow(/shape2D needs force2D: true/);
    expect(() => extractFeatures(image, mask, { ...s, force2D: true }, { shape2D: [] })).toThrow(/spans 2 slices/);
  });
});

/**
 * Diameters by brute force: every mesh vertex (midpoint of an edge between an ROI and a background
 * voxel of the one-voxel-padded mask), every pair, exact same-plane tests on doubled indices. The
 * reference for shape.ts' pruned search (vertex subsets, first-pair bound, triangle inequality).
 * Tolerance: equal up to 1e-12 relative (both take √ of the same squared distance).
 */
function bruteDiameters(mask: Uint8Array, size: [number, number, number], sp: [number, number, number]) {
  const [cx, cy, cz] = size;
  const at = (i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < cx && j < cy && k < cz ? mask[i + cx * (j + cy * k)]! : 0;
  const pts: number[][] = [];
  for (let k = -1; k <= cz; k++)
    for (let j = -1; j <= cy; j++)
      for (let i = -1; i <= cx; i++) {
        const m = at(i, j, k);
        if (at(i + 1, j, k) !== m) pts.push([2 * i + 1, 2 * j, 2 * k]);
        if (at(i, j + 1, k) !== m) pts.push([2 * i, 2 * j + 1, 2 * k]);
        if (at(i, j, k + 1) !== m) pts.push([2 * i, 2 * j, 2 * k + 1]);
      }
  const best = { max3d: 0, slice: 0, column: 0, row: 0 };
  for (let a = 0; a < pts.length; a++)
    for (let b = a + 1; b < pts.length; b++) {
      const [p, q] = [pts[a]!, pts[b]!];
      const d = Math.sqrt(
        ((p[0]! - q[0]!) * 0.5 * sp[0]) ** 2 + ((p[1]! - q[1]!) * 0.5 * sp[1]) ** 2 + ((p[2]! - q[2]!) * 0.5 * sp[2]) ** 2,
      );
      best.max3d = Math.max(best.max3d, d);
      if (p[2] === q[2]) best.slice = Math.max(best.slice, d);
      if (p[1] === q[1]) best.column = Math.max(best.column, d);
      if (p[0] === q[0]) best.row = Math.max(best.row, d);
    }
  return best;
}

describe('shape diameters', () => {
  it('equal the brute-force maxima over all mesh-vertex pairs on random ROIs (1e−12 relative)', () => {
    let seed = 12345;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let t = 0; t < 12; t++) {
      const size: [number, number, number] = [3 + Math.floor(rand() * 9), 3 + Math.floor(rand() * 9), 2 + Math.floor(rand() * 5)];
      const n = size[0] * size[1] * size[2];
      const fill = 0.2 + 0.7 * rand();
      const mask = Uint8Array.from({ length: n }, () => (rand() < fill ? 1 : 0));
      mask[0] = 1;
      const voxelCount = mask.reduce((s, v) => s + v, 0);
      const spacingMm: [number, number, number] = [0.5 + rand(), 0.5 + rand(), 1 + 3 * rand()];
      const f = shapeFeatures({ mask, size, spacingMm, voxelCount });
      const ref = bruteDiameters(mask, size, spacingMm);
      const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * want);
      close(f.Maximum3DDiameter!, ref.max3d);
      close(f.Maximum2DDiameterSlice!, ref.slice);
      close(f.Maximum2DDiameterColumn!, ref.column);
      close(f.Maximum2DDiameterRow!, ref.row);
    }
  });
});
