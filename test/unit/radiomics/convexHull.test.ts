/**
 * Convex hull measures on point sets with known hulls, including the heavy coplanarity of grid
 * points (every face of a box holds many points). Tolerance 1e-12 relative (exact predicates,
 * floating-point sums only).
 */
import { describe, expect, it } from 'vitest';
import { convexHullMeasures } from '../../../main/compute/radiomics/ibsi/convexHull.js';

const close = (a: number, b: number) => expect(Math.abs(a / b - 1)).toBeLessThanOrEqual(1e-12);

describe('convex hull', () => {
  it('of all points of a 5 × 5 × 5 grid is the box, scaled per axis', () => {
    const pts: number[] = [];
    for (let x = 0; x <= 4; x++) for (let y = 0; y <= 4; y++) for (let z = 0; z <= 4; z++) pts.push(x, y, z);
    const h = convexHullMeasures(Int32Array.from(pts), [1, 2, 3]);
    close(h.volume, 4 * 8 * 12);
    close(h.area, 2 * (4 * 8 + 8 * 12 + 4 * 12));
  });

  it('of an octahedron with interior points', () => {
    const pts = [2, 0, 0, -2, 0, 0, 0, 2, 0, 0, -2, 0, 0, 0, 2, 0, 0, -2, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0];
    const h = convexHullMeasures(Int32Array.from(pts), [1, 1, 1]);
    close(h.volume, (4 / 3) * 8); // (4/3)·r³ with r = 2
    close(h.area, 8 * (Math.sqrt(3) / 4) * 8); // 8 equilateral triangles of side 2√2
  });

  it('is empty for coplanar points', () => {
    expect(convexHullMeasures(Int32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0]), [1, 1, 1])).toEqual({ volume: 0, area: 0 });
  });
});
