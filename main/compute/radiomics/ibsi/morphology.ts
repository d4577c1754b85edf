/**
 * IBSI chapter 1 morphological features (§3.1, family HCUG), keyed by IBSI id, from the
 * morphological mask's marching-cubes mesh (shared with PyRadiomics' shape class) and the
 * intensity mask's values.
 *
 * Convex-hull densities (R3ER, 7T7F) use the hull of the mesh vertices (convexHull.ts).
 * Moran's I and Geary's C are exact inverse-distance pair sums (spatialAutocorrelation.ts: direct for
 * small ROIs, FFT cross-correlations otherwise).
 */
import { shapeFeatures } from '../shape.js';
import { convexHullMeasures } from './convexHull.js';
import { spatialAutocorrelation } from './spatialAutocorrelation.js';

export interface MorphologyInput {
  /** Morphological mask crop (x-fastest) with its size and spacing (x, y, z). */
  mask: Uint8Array;
  size: [number, number, number];
  spacingMm: [number, number, number];
  /** Intensity mask (same crop) and intensities. */
  intensityMask: Uint8Array;
  values: Float64Array;
}

/** Legendre polynomial P_n(x) by the three-term recurrence. */
function legendre(n: number, x: number): number {
  if (n === 0) return 1;
  let p0 = 1;
  let p1 = x;
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  return p1;
}

export function morphology(input: MorphologyInput): Record<string, number> {
  const { mask, size, spacingMm, intensityMask, values } = input;
  const [nx, ny, nz] = size;
  const [sx, sy, sz] = spacingMm;
  let n = 0;
  for (const v of mask) n += v;
  const shape = shapeFeatures({ mask, size, spacingMm, voxelCount: n });
  const V = shape.MeshVolume!;
  const A = shape.SurfaceArea!;
  const sph = Math.cbrt(36 * Math.PI * V * V);

  // Centres of mass: geometric (morphological mask) and intensity-weighted (intensity mask).
  let gx = 0,
    gy = 0,
    gz = 0;
  let wx = 0,
    wy = 0,
    wz = 0,
    wsum = 0;
  let isum = 0;
  let icount = 0;
  let lo = [nx, ny, nz];
  let hi = [-1, -1, -1];
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        if (mask[o]) {
          gx += i * sx;
          gy += j * sy;
          gz += k * sz;
          lo = [Math.min(lo[0]!, i), Math.min(lo[1]!, j), Math.min(lo[2]!, k)];
          hi = [Math.max(hi[0]!, i), Math.max(hi[1]!, j), Math.max(hi[2]!, k)];
        }
        if (intensityMask[o]) {
          const v = values[o]!;
          wx += v * i * sx;
          wy += v * j * sy;
          wz += v * k * sz;
          wsum += v;
          isum += v;
          icount++;
        }
      }
  const com = Math.hypot(gx / n - wx / wsum, gy / n - wy / wsum, gz / n - wz / wsum);
  // Axis-aligned bounding box of the mesh: vertices reach half a voxel beyond the voxel centres.
  const ax = (hi[0]! - lo[0]! + 1) * sx;
  const ay = (hi[1]! - lo[1]! + 1) * sy;
  const az = (hi[2]! - lo[2]! + 1) * sz;
  // IBSI's PCA uses the sample covariance (divisor N − 1); PyRadiomics' shape class divides by N.
  const unbias = Math.sqrt(n / (n - 1));
  const major = shape.MajorAxisLength! * unbias;
  const minor = shape.MinorAxisLength! * unbias;
  const least = shape.LeastAxisLength! * unbias;
  // Approximate enclosing ellipsoid: semi-axes a ≥ b ≥ c = half the axis lengths (2√λ).
  const a = major / 2;
  const b = minor / 2;
  const c = least / 2;
  const alpha = Math.sqrt(1 - (b * b) / (a * a));
  const beta = Math.sqrt(1 - (c * c) / (a * a));
  let series = 0;
  if (alpha * beta > 0) {
    const t = (alpha * alpha + beta * beta) / (2 * alpha * beta);
    for (let k = 0; k <= 20; k++) series += (Math.pow(alpha * beta, k) / (1 - 4 * k * k)) * legendre(k, t);
  } else series = 1;
  const ellipsoidArea = 4 * Math.PI * a * b * series;

  return {
    RNU0: V,
    YEKZ: n * sx * sy * sz,
    C0JK: A,
    '2PR5': A / V,
    SKGS: V / (Math.sqrt(Math.PI) * Math.pow(A, 1.5)),
    BQWJ: (36 * Math.PI * V * V) / (A * A * A),
    KRCK: A / sph,
    QCFX: sph / A,
    '25C7': Math.cbrt((A * A * A) / (36 * Math.PI * V * V)) - 1,
    KLMA: com,
    L0JK: shape.Maximum3DDiameter!,
    TDIC: major,
    P9VJ: minor,
    '7J51': least,
    Q3CK: shape.Elongation!,
    N17B: shape.Flatness!,
    PBX1: V / (ax * ay * az),
    R59B: A / (2 * (ax * ay + ay * az + az * ax)),
    '6BDE': V / ((4 * Math.PI * a * b * c) / 3),
    RDD2: A / ellipsoidArea,
    ...hullDensities(mask, size, spacingMm, V, A),
    '99N0': V * (isum / icount),
    ...spatialAutocorrelation(intensityMask, values, size, spacingMm),
  };
}

/**
 * Convex-hull densities from the mesh vertices: midpoints between ROI voxels and their 6-neighbours
 * outside the ROI (in half-voxel integer units). A point strictly between two others on an
 * axis-parallel line is never a hull vertex, so only the two ends of each such line are kept,
 * along x, then y, then z, before building the hull.
 */
function hullDensities(
  mask: Uint8Array,
  size: [number, number, number],
  spacing: [number, number, number],
  volume: number,
  area: number,
): Record<string, number> {
  const [nx, ny, nz] = size;
  const inside = (i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && mask[i + nx * (j + ny * k)] === 1;
  let pts: number[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!inside(i, j, k)) continue;
        if (!inside(i - 1, j, k)) pts.push(2 * i - 1, 2 * j, 2 * k);
        if (!inside(i + 1, j, k)) pts.push(2 * i + 1, 2 * j, 2 * k);
        if (!inside(i, j - 1, k)) pts.push(2 * i, 2 * j - 1, 2 * k);
        if (!inside(i, j + 1, k)) pts.push(2 * i, 2 * j + 1, 2 * k);
        if (!inside(i, j, k - 1)) pts.push(2 * i, 2 * j, 2 * k - 1);
        if (!inside(i, j, k + 1)) pts.push(2 * i, 2 * j, 2 * k + 1);
      }
  for (let axis = 0; axis < 3; axis++) pts = lineEnds(pts, axis);
  const hull = convexHullMeasures(
    Int32Array.from(pts),
    spacing.map((s) => s / 2),
  );
  return { R3ER: volume / hull.volume, '7T7F': area / hull.area };
}

/** The first and last point (by coordinate `axis`) on each line parallel to `axis`. */
function lineEnds(pts: number[], axis: number): number[] {
  const b = (axis + 1) % 3;
  const c = (axis + 2) % 3;
  const ends = new Map<number, [number, number]>();
  for (let q = 0; q < pts.length; q += 3) {
    const key = (pts[q + b]! + 2) * 1048576 + (pts[q + c]! + 2);
    const e = ends.get(key);
    if (!e) ends.set(key, [q, q]);
    else {
      if (pts[q + axis]! < pts[e[0] + axis]!) e[0] = q;
      if (pts[q + axis]! > pts[e[1] + axis]!) e[1] = q;
    }
  }
  const out: number[] = [];
  for (const [q0, q1] of ends.values()) {
    out.push(pts[q0]!, pts[q0 + 1]!, pts[q0 + 2]!);
    if (q1 !== q0) out.push(pts[q1]!, pts[q1 + 1]!, pts[q1 + 2]!);
  }
  return out;
}
