import { describe, expect, it } from 'vitest';
import { labelBox, labelBoxes, labelSurface, labelSurfaces } from '../../../renderer/src/viewer/labelSurface.js';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
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

  it('gives one surface per label value, each around that label only (touching labels stay apart)', () => {
    // 8 × 4 × 3 grid: label 1 fills i 1…2, label 2 fills i 3…5 (touching at the face i = 2½), both
    // over j 1…2, k 1; label 7 is the single voxel (7, 3, 2) in the grid's corner.
    const g = boxGrid([8, 4, 3], [1, 2, 3], [1, 1, 1], [2, 2, 1]);
    for (let j = 1; j <= 2; j++) for (let i = 3; i <= 5; i++) g.data[i + 8 * (j + 4 * 1)] = 2;
    g.data[7 + 8 * (3 + 4 * 2)] = 7;
    expect([...labelBoxes(g)]).toEqual([
      [1, { lo: [1, 1, 1], hi: [2, 2, 1] }],
      [2, { lo: [3, 1, 1], hi: [5, 2, 1] }],
      [7, { lo: [7, 3, 2], hi: [7, 3, 2] }],
    ]);
    const identity: Pick<Geometry, 'originMm' | 'direction'> = { originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const list = labelSurfaces(g, identity);
    expect(list.map((s) => s.label)).toEqual([1, 2, 7]);
    // Bounds = (lo − ½ … hi + ½) · spacing per axis (marching cubes at ½, see the header).
    const expected: Record<number, number[][]> = {
      1: [
        [0.5, 2.5],
        [1, 5],
        [1.5, 4.5],
      ],
      2: [
        [2.5, 5.5],
        [1, 5],
        [1.5, 4.5],
      ],
      7: [
        [6.5, 7.5],
        [5, 7],
        [4.5, 7.5],
      ],
    };
    for (const { label, surface } of list) {
      expect(surface.triangles).toBeGreaterThan(0);
      const b = bounds(surface.polyData.getPoints().getData());
      for (let a = 0; a < 3; a++) {
        expect(b[a]![0]).toBeCloseTo(expected[label]![a]![0]!, 4);
        expect(b[a]![1]).toBeCloseTo(expected[label]![a]![1]!, 4);
      }
    }
    // A single voxel: each of the 8 marching cubes around its centre cuts off one corner (1 triangle).
    expect(list[2]!.surface.triangles).toBe(8);
    expect(labelSurfaces({ size: [2, 2, 2], spacingMm: [1, 1, 1], data: new Uint8Array(8) }, identity)).toEqual([]);
  });
});
