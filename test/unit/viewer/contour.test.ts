import { describe, expect, it } from 'vitest';
import { fillContour, scanPolygon, thinPath, type Point2 } from '../../../renderer/src/viewer/tools/contour.js';
import { countLabel, EditRecorder, type LabelGrid, type Vec3 } from '../../../renderer/src/viewer/tools/grid.js';

/**
 * Even-odd scanline rasterisation of polygon / freehand contours. References: hand counts for
 * axis-aligned shapes, and for arbitrary polygons the crossing-number point-in-polygon test
 * (a ray from the voxel centre towards +u crosses the boundary an odd number of times, with the
 * same half-open edge rule), evaluated independently per voxel centre. Exact voxel sets.
 */

function grid(size: Vec3): LabelGrid {
  return { size, spacingMm: [1, 1, 1], data: new Uint8Array(size[0] * size[1] * size[2]) };
}

function insideByCrossings(points: readonly Point2[], u: number, w: number): boolean {
  let inside = false;
  for (let e = 0; e < points.length; e++) {
    const [u0, w0] = points[e]!;
    const [u1, w1] = points[(e + 1) % points.length]!;
    if (w0 === w1 || w < Math.min(w0, w1) || w >= Math.max(w0, w1)) continue;
    const x = u0 + ((w - w0) * (u1 - u0)) / (w1 - w0);
    if (x <= u) inside = !inside;
  }
  return inside;
}

function rasterised(points: readonly Point2[], nu: number, nw: number): boolean[] {
  const out = new Array<boolean>(nu * nw).fill(false);
  scanPolygon(points, nu, nw, (w, u0, u1) => {
    for (let u = u0; u <= u1; u++) {
      expect(out[u + nu * w]).toBe(false); // each voxel once
      out[u + nu * w] = true;
    }
  });
  return out;
}

describe('scanPolygon', () => {
  it('fills a square whose edges lie between voxel centres: the 4 × 4 centres inside', () => {
    const r = rasterised(
      [
        [0.5, 0.5],
        [4.5, 0.5],
        [4.5, 4.5],
        [0.5, 4.5],
      ],
      8,
      8,
    );
    const expected: number[] = [];
    for (let w = 1; w <= 4; w++) for (let u = 1; u <= 4; u++) expected.push(u + 8 * w);
    expect([...r.keys()].filter((q) => r[q])).toEqual(expected);
  });

  const shapes: Record<string, Point2[]> = {
    triangle: [
      [1.3, 1.1],
      [17.8, 4.6],
      [6.2, 15.4],
    ],
    concave: [
      [1, 1],
      [18, 1],
      [18, 6],
      [7, 6],
      [7, 17],
      [1, 17],
    ],
    // A pentagram: even-odd leaves its central pentagon empty.
    star: [0, 2, 4, 1, 3].map((n): Point2 => [
      10 + 8 * Math.sin((2 * Math.PI * n) / 5),
      10 - 8 * Math.cos((2 * Math.PI * n) / 5),
    ]),
    // Partly outside the plane: clipped, not wrapped.
    clipped: [
      [-5.2, -3.1],
      [12.4, 2.2],
      [25.3, 21.7],
    ],
  };
  for (const [name, pts] of Object.entries(shapes))
    it(`agrees with the crossing-number test voxel by voxel (${name})`, () => {
      const r = rasterised(pts, 20, 20);
      let n = 0;
      for (let w = 0; w < 20; w++)
        for (let u = 0; u < 20; u++) {
          expect(r[u + 20 * w], `voxel (${u}, ${w})`).toBe(insideByCrossings(pts, u, w));
          if (r[u + 20 * w]) n++;
        }
      expect(n).toBeGreaterThan(10);
    });

  it('leaves the centre of the pentagram empty and ignores degenerate contours', () => {
    const r = rasterised(shapes.star!, 20, 20);
    expect(r[10 + 20 * 10]).toBe(false);
    expect(r[10 + 20 * 4]).toBe(true); // inside the top point
    expect(
      rasterised(
        [
          [1, 1],
          [5, 5],
        ],
        8,
        8,
      ).some(Boolean),
    ).toBe(false);
  });
});

describe('fillContour', () => {
  it('writes the polygon on the chosen slice across any axis, as one recorded edit', () => {
    const g = grid([6, 7, 8]);
    const rec = new EditRecorder(g);
    // Axis 0 (sagittal): u = j, w = k. Square j 1…3 × k 2…5 on slice i = 4.
    const inside = fillContour(rec, {
      axis: 0,
      slice: 4,
      value: 1,
      points: [
        [0.6, 1.6],
        [3.4, 1.6],
        [3.4, 5.4],
        [0.6, 5.4],
      ],
    });
    expect(inside).toBe(12);
    const edit = rec.finish();
    expect(countLabel(g.data)).toBe(12);
    const expected: number[] = [];
    for (let k = 2; k <= 5; k++) for (let j = 1; j <= 3; j++) expected.push(4 + 6 * (j + 7 * k));
    expect([...edit.indices]).toEqual(expected);
    // Value 0 erases inside the contour only.
    fillContour(new EditRecorder(g), {
      axis: 0,
      slice: 4,
      value: 0,
      points: [
        [0.6, 1.6],
        [3.4, 1.6],
        [3.4, 2.4],
        [0.6, 2.4],
      ],
    });
    expect(countLabel(g.data)).toBe(9);
  });

  it('refuses fewer than 3 points and a slice outside the volume', () => {
    const g = grid([4, 4, 4]);
    expect(() =>
      fillContour(new EditRecorder(g), {
        axis: 2,
        slice: 0,
        value: 1,
        points: [
          [0, 0],
          [1, 1],
        ],
      }),
    ).toThrow('at least 3 points');
    expect(() =>
      fillContour(new EditRecorder(g), {
        axis: 2,
        slice: 4,
        value: 1,
        points: [
          [0, 0],
          [3, 0],
          [3, 3],
        ],
      }),
    ).toThrow('slice 4 is outside the 4 slices across axis k');
  });

  it('thins a freehand path to steps of at least a quarter voxel', () => {
    const path: Point2[] = Array.from({ length: 101 }, (_, n): Point2 => [n * 0.05, 0]);
    const thin = thinPath(path);
    expect(thin).toHaveLength(21); // 0, 0.25, …, 5
    expect(thin[20]).toEqual([5, 0]);
  });
});
