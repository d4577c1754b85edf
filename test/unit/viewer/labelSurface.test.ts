import { describe, expect, it } from 'vitest';
import { labelBox, labelSurface } from '../../../renderer/src/viewer/labelSurface.js';
import type { LabelGrid } from '../../../renderer/src/viewer/tools/grid.js';

/**
 * The 3D view's label surface. Reference: marching cubes at iso-value ½ between a labelled voxel
 * (1) and background (0) puts the surface halfway between their centres, so a labelled box of
 * voxels lo…hi has its surface at index lo − ½ … hi + ½ along each axis (Lorensen & Cline 1987,
 * linear interpolation on edges); in LPS that is origin + D · (index · spacing). Exact up to 1e-4 mm
 * (float32 points).
 */

function boxGrid(size: [number, number, number], spacingMm: [number, number, number], lo: number[], hi: number[]): LabelGrid {
  const data = new Uint8Array(size[0] * size[1] * size[2]);
  for (let k = lo[2]!; k <= hi[2]!; k++)
    for (let j = lo[1]!; j <= hi[1]!; j++) for (let i = lo[0]!; i <= hi[0]!; i++) data[i + size[0] * (j + size[1] * k)] = 1;
  return { size, spacingMm, data };
}

function bounds(points: Float32Array): number[][] {
  const b = [
    [Infinity, -Infinity],
    [Infinity, -Infinity],
    [Infinity, -Infinity],
  ];
  for (let p = 0; p < points.length; p += 3)
    for (let a = 0; a < 3; a++) {
      b[a]![0] = Math.min(b[a]![0]!, points[p + a]!);
      b[a]![1] = Math.max(b[a]![1]!, points[p + a]!);
    }
  return b;
}

describe('labelSurface', () => {
  it('finds the labelled bounding box', () => {
    const g = boxGrid([8, 7, 6], [1, 1, 1], [2, 1, 3], [4, 5, 3]);
    expect(labelBox(g, 1)).toEqual({ lo: [2, 1, 3], hi: [4, 5, 3] });
    expect(labelBox(g, 2)).toBeNull();
  });

  it('puts the surface of a box half a voxel outside its voxels, in LPS with spacing and direction', () => {
    const g = boxGrid([8, 7, 6], [2, 3, 4], [2, 1, 3], [4, 5, 3]);
    // Direction with columns i → −x, j → −y, k → +z (a typical LPS axial acquisition flipped in-plane).
    const geometry = { originMm: [100, 50, -20] as [number, number, number], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] as const };
    const s = labelSurface(g, { originMm: geometry.originMm, direction: [...geometry.direction] as never })!;
    expect(s.triangles).toBeGreaterThan(0);
    const b = bounds(s.polyData.getPoints().getData());
    // i: 1.5…4.5 voxels × 2 mm → x = 100 − 9 … 100 − 3; j: 0.5…5.5 × 3 → y = 50 − 16.5 … 50 − 1.5; k: 2.5…3.5 × 4 → z = −10 … −6.
    const expected = [
      [91, 97],
      [33.5, 48.5],
      [-10, -6],
    ];
    for (let a = 0; a < 3; a++) {
      expect(b[a]![0]).toBeCloseTo(expected[a]![0]!, 4);
      expect(b[a]![1]).toBeCloseTo(expected[a]![1]!, 4);
    }
  });

  it('closes the surface of a label touching the grid edge and returns null for an empty mask', () => {
    const g = boxGrid([3, 3, 3], [1, 1, 1], [0, 0, 0], [2, 2, 2]);
    const s = labelSurface(g, { originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] })!;
    const b = bounds(s.polyData.getPoints().getData());
    for (let a = 0; a < 3; a++) {
      expect(b[a]![0]).toBeCloseTo(-0.5, 4);
      expect(b[a]![1]).toBeCloseTo(2.5, 4);
    }
    expect(
      labelSurface(boxGrid([3, 3, 3], [1, 1, 1], [1, 1, 1], [0, 0, 0]), {
        originMm: [0, 0, 0],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      }),
    ).toBeNull();
  });
});
