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
