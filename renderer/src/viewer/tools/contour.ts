/**
 * Polygon and freehand contour fill in one slice: the closed contour (vertices in continuous
 * in-plane voxel coordinates, plane.ts u/w) is rasterised with the even-odd rule by scanlines
 * through the voxel centres. On scanline w each edge crossing it counts once (half-open rule:
 * an edge covers min(w₀, w₁) ≤ w < max(w₀, w₁), so a vertex on the line is not counted twice),
 * crossings are sorted, and voxel u is inside between the 1st and 2nd, 3rd and 4th… crossing
 * when x_a ≤ u < x_b. A self-crossing contour therefore leaves the doubly wound parts empty,
 * as SVG's and PostScript's even-odd fill do.
 */
import { checkGrid, type EditRecorder, type SliceAxis } from './grid.js';
import { planeOf, planeOffset } from './plane.js';

export type Point2 = [number, number];

export interface ContourFillOptions {
  axis: SliceAxis;
  slice: number;
  /** Closed contour, at least 3 vertices (the last is joined to the first). */
  points: readonly Point2[];
  /** Label written (0 erases). */
  value: number;
}

/** Calls `fill(w, uFrom, uTo)` for each run of inside voxels (inclusive) of an nu × nw plane. */
export function scanPolygon(
  points: readonly Point2[],
  nu: number,
  nw: number,
  fill: (w: number, u0: number, u1: number) => void,
): void {
  const n = points.length;
  if (n < 3) return;
  let wMin = Infinity;
  let wMax = -Infinity;
  for (const [, w] of points) {
    wMin = Math.min(wMin, w);
    wMax = Math.max(wMax, w);
  }
  const xs = new Float64Array(n);
  for (let w = Math.max(0, Math.ceil(wMin)); w <= Math.min(nw - 1, Math.floor(wMax)); w++) {
    let m = 0;
    for (let e = 0; e < n; e++) {
      const [u0, w0] = points[e]!;
      const [u1, w1] = points[(e + 1) % n]!;
      if (w0 === w1) continue;
      const lo = Math.min(w0, w1);
      const hi = Math.max(w0, w1);
      if (w < lo || w >= hi) continue;
      xs[m++] = u0 + ((w - w0) * (u1 - u0)) / (w1 - w0);
    }
    const crossings = xs.subarray(0, m).sort();
    for (let c = 0; c + 1 < m; c += 2) {
      const from = Math.max(0, Math.ceil(crossings[c]!));
      const to = Math.min(nu - 1, Math.ceil(crossings[c + 1]!) - 1);
      if (from <= to) fill(w, from, to);
    }
  }
}

/** Fills the contour on one slice; returns the voxels inside it (changed or not). */
export function fillContour(rec: EditRecorder, o: ContourFillOptions): number {
  const g = rec.grid;
  checkGrid(g);
  if (o.points.length < 3) throw new Error(`a contour needs at least 3 points to enclose an area (got ${o.points.length})`);
  if (o.points.some((pt) => !Number.isFinite(pt[0]) || !Number.isFinite(pt[1])))
    throw new Error('a contour point is not a number');
  const p = planeOf(g.size, g.spacingMm, o.axis);
  if (!Number.isInteger(o.slice) || o.slice < 0 || o.slice >= p.slices)
    throw new Error(`slice ${o.slice} is outside the ${p.slices} slices across axis ${'ijk'[o.axis]}`);
  let inside = 0;
  scanPolygon(o.points, p.nu, p.nw, (w, u0, u1) => {
    for (let u = u0; u <= u1; u++) rec.set(planeOffset(p, o.slice, u, w), o.value);
    inside += u1 - u0 + 1;
  });
  return inside;
}

/**
 * Drops freehand points closer than `minStep` voxels to the previous kept one, so a slow drag
 * does not produce thousands of vertices (the raster is the same to within that step).
 */
export function thinPath(points: readonly Point2[], minStep = 0.25): Point2[] {
  const out: Point2[] = [];
  for (const pt of points) {
    const last = out[out.length - 1];
    if (!last || Math.hypot(pt[0] - last[0], pt[1] - last[1]) >= minStep) out.push([pt[0], pt[1]]);
  }
  return out;
}
