/**
 * 3D shape features, PyRadiomics definitions (radiomics/shape.py, cshape.c); IBSI chapter 3.1
 * (morphology, family HCUG) for the shared ones.
 *
 * The ROI mask (cropped, padded by one empty voxel) gives a marching-cubes mesh (see
 * marchingCubes.ts): MeshVolume V (IBSI RNU0), SurfaceArea A (C0JK), SurfaceVolumeRatio A/V,
 * Sphericity (36πV²)^⅓ / A (QCFX). Diameters are the largest distances between mesh vertices
 * (midpoints of edges between ROI and non-ROI voxels): in 3D (L0JK), and within planes of equal
 * z (Slice), y (Column) and x (Row). Axis lengths come from the eigenvalues λ₁ ≥ λ₂ ≥ λ₃ of the
 * covariance of ROI voxel-centre positions in mm, divided by N (not N − 1): Major = 4√λ₁,
 * Minor = 4√λ₂, Least = 4√λ₃, Elongation = √(λ₂/λ₁), Flatness = √(λ₃/λ₁).
 */
import { symmetricEigenvalues } from './linalg.js';
import { meshMeasures } from './marchingCubes.js';
import type { CroppedRoi } from './preprocess.js';

export function shapeFeatures(crop: Pick<CroppedRoi, 'mask' | 'size' | 'spacingMm' | 'voxelCount'>): Record<string, number> {
  const [cx, cy, cz] = crop.size;
  const [sx, sy, sz] = crop.spacingMm;
  const nx = cx + 2;
  const ny = cy + 2;
  const nz = cz + 2;
  const padded = new Uint8Array(nx * ny * nz);
  let n = 0;
  let mx = 0;
  let my = 0;
  let mz = 0;
  for (let k = 0, o = 0; k < cz; k++)
    for (let j = 0; j < cy; j++)
      for (let i = 0; i < cx; i++, o++) {
        if (!crop.mask[o]) continue;
        padded[i + 1 + nx * (j + 1 + ny * (k + 1))] = 1;
        n++;
        mx += i;
        my += j;
        mz += k;
      }
  const { surfaceAreaMm2: area, volumeMm3: volume } = meshMeasures(padded, [nx, ny, nz], crop.spacingMm);

  // Covariance of voxel-centre positions (mm), divided by N.
  mx /= n;
  my /= n;
  mz /= n;
  const cov = new Float64Array(9);
  for (let k = 0, o = 0; k < cz; k++)
    for (let j = 0; j < cy; j++)
      for (let i = 0; i < cx; i++, o++) {
        if (!crop.mask[o]) continue;
        const dx = (i - mx) * sx;
        const dy = (j - my) * sy;
        const dz = (k - mz) * sz;
        cov[0]! += dx * dx;
        cov[1]! += dx * dy;
        cov[2]! += dx * dz;
        cov[4]! += dy * dy;
        cov[5]! += dy * dz;
        cov[8]! += dz * dz;
      }
  cov[3] = cov[1]!;
  cov[6] = cov[2]!;
  cov[7] = cov[5]!;
  for (let e = 0; e < 9; e++) cov[e]! /= n;
  const eig = symmetricEigenvalues(cov, 3);
  // PyRadiomics zeroes tiny negative eigenvalues (machine error on flat ROIs).
  for (let e = 0; e < 3; e++) if (eig[e]! < 0 && eig[e]! > -1e-10) eig[e] = 0;
  const [least, minor, major] = [eig[0]!, eig[1]!, eig[2]!];

  const d = diameters(padded, nx, ny, nz, sx, sy, sz);
  const voxelVolume = n * sx * sy * sz;
  return {
    Elongation: Math.sqrt(minor / major),
    Flatness: Math.sqrt(least / major),
    LeastAxisLength: 4 * Math.sqrt(least),
    MajorAxisLength: 4 * Math.sqrt(major),
    Maximum2DDiameterColumn: d.column,
    Maximum2DDiameterRow: d.row,
    Maximum2DDiameterSlice: d.slice,
    Maximum3DDiameter: d.max3d,
    MeshVolume: volume,
    MinorAxisLength: 4 * Math.sqrt(minor),
    Sphericity: Math.cbrt(36 * Math.PI * volume * volume) / area,
    SurfaceArea: area,
    SurfaceVolumeRatio: area / volume,
    VoxelVolume: voxelVolume,
    // Deprecated in PyRadiomics, computed only when asked for by name.
    Compactness1: volume / Math.sqrt(Math.PI * area * area * area),
    Compactness2: (36 * Math.PI * volume * volume) / (area * area * area),
    SphericalDisproportion: area / Math.cbrt(36 * Math.PI * volume * volume),
  };
}

/**
 * Largest vertex-to-vertex distances. Vertices are kept in doubled index units (exact integers),
 * so "same plane" is an exact comparison as in PyRadiomics.
 */
function diameters(
  mask: Uint8Array,
  nx: number,
  ny: number,
  nz: number,
  sx: number,
  sy: number,
  sz: number,
): { max3d: number; slice: number; column: number; row: number } {
  const vx: number[] = [];
  const vy: number[] = [];
  const vz: number[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const o = i + nx * (j + ny * k);
        const m = mask[o];
        if (i + 1 < nx && mask[o + 1] !== m) {
          vx.push(2 * i + 1);
          vy.push(2 * j);
          vz.push(2 * k);
        }
        if (j + 1 < ny && mask[o + nx] !== m) {
          vx.push(2 * i);
          vy.push(2 * j + 1);
          vz.push(2 * k);
        }
        if (k + 1 < nz && mask[o + nx * ny] !== m) {
          vx.push(2 * i);
          vy.push(2 * j);
          vz.push(2 * k + 1);
        }
      }
  const count = vx.length;
  const px = new Float64Array(count);
  const py = new Float64Array(count);
  const pz = new Float64Array(count);
  for (let v = 0; v < count; v++) {
    px[v] = vx[v]! * 0.5 * sx;
    py[v] = vy[v]! * 0.5 * sy;
    pz[v] = vz[v]! * 0.5 * sz;
  }
  // Along a line, the distance to any fixed point is convex, so a vertex strictly between two
  // others on the same line is never needed for a maximum: keep the two ends of each line along
  // x (valid for 3D and for planes of constant z or y) and along y (for planes of constant x).
  const alongX = lineEnds(vx, vy, vz, count);
  const alongY = lineEnds(vy, vx, vz, count);
  const groupBy = (set: Int32Array, key: number[]): Int32Array[] => {
    const groups = new Map<number, number[]>();
    for (const v of set) {
      const g = groups.get(key[v]!);
      if (g) g.push(v);
      else groups.set(key[v]!, [v]);
    }
    return [...groups.values()].map((g) => Int32Array.from(g));
  };
  const maxOver = (groups: Int32Array[]) => groups.reduce((best, g) => Math.max(best, maxDistance(g, px, py, pz)), 0);
  return {
    max3d: maxDistance(alongX, px, py, pz),
    slice: maxOver(groupBy(alongX, vz)),
    column: maxOver(groupBy(alongX, vy)),
    row: maxOver(groupBy(alongY, vx)),
  };
}

/** Indices of the first and last vertex (by coordinate `a`) on each line of constant (b, c). */
function lineEnds(a: number[], b: number[], c: number[], count: number): Int32Array {
  const ends = new Map<number, [number, number]>();
  for (let v = 0; v < count; v++) {
    const key = b[v]! * 1048576 + c[v]!;
    const e = ends.get(key);
    if (!e) ends.set(key, [v, v]);
    else {
      if (a[v]! < a[e[0]]!) e[0] = v;
      if (a[v]! > a[e[1]]!) e[1] = v;
    }
  }
  const out: number[] = [];
  for (const [lo, hi] of ends.values()) {
    out.push(lo);
    if (hi !== lo) out.push(hi);
  }
  return Int32Array.from(out);
}

/**
 * Exact largest pairwise distance within `set`, pruned with the triangle inequality: with r the
 * distance to the set's centroid, d(a, b) ≤ r_a + r_b, so scanning points by decreasing r can stop
 * once r_a + r_b cannot beat the best distance found.
 */
function maxDistance(set: Int32Array, px: Float64Array, py: Float64Array, pz: Float64Array): number {
  const m = set.length;
  if (m < 2) return 0;
  let cx = 0;
  let cy = 0;
  let cz = 0;
  for (const v of set) {
    cx += px[v]!;
    cy += py[v]!;
    cz += pz[v]!;
  }
  cx /= m;
  cy /= m;
  cz /= m;
  const r = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const v = set[a]!;
    r[a] = Math.hypot(px[v]! - cx, py[v]! - cy, pz[v]! - cz);
  }
  const order = Int32Array.from({ length: m }, (_, a) => a).sort((a, b) => r[b]! - r[a]!);
  let best2 = 0;
  for (let a = 0; a < m; a++) {
    const ra = r[order[a]!]!;
    if (2 * ra * (2 * ra) <= best2) break;
    const va = set[order[a]!]!;
    for (let b = a + 1; b < m; b++) {
      const rb = r[order[b]!]!;
      const bound = ra + rb;
      if (bound * bound <= best2) break;
      const vb = set[order[b]!]!;
      const dx = px[va]! - px[vb]!;
      const dy = py[va]! - py[vb]!;
      const dz = pz[va]! - pz[vb]!;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 > best2) best2 = d2;
    }
  }
  return Math.sqrt(best2);
}
