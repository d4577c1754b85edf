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
import { kernels } from './native.js';
import { symmetricEigenvalues } from './linalg.js';
import { meshMeasures, type RowExtents } from './marchingCubes.js';
import { roiVoxels, type CroppedRoi } from './preprocess.js';

export function shapeFeatures(
  crop: Pick<CroppedRoi, 'mask' | 'size' | 'spacingMm' | 'voxelCount' | 'voxels'>,
): Record<string, number> {
  const [cx, cy, cz] = crop.size;
  const [sx, sy, sz] = crop.spacingMm;
  const nx = cx + 2;
  const ny = cy + 2;
  const nz = cz + 2;
  const padded = new Uint8Array(nx * ny * nz);
  // First and last ROI voxel of each padded x row, for meshMeasures.
  const rows = { first: new Int32Array(ny * nz).fill(-1), last: new Int32Array(ny * nz) };
  let n = 0;
  let mx = 0;
  let my = 0;
  let mz = 0;
  // The ROI voxels in crop order, with (i, j, k) advanced from one to the next (no division), kept
  // for the covariance below; the sums run in the same order as a scan of the mask.
  const voxels = roiVoxels(crop);
  const vi = new Int32Array(voxels.length);
  const vj = new Int32Array(voxels.length);
  const vk = new Int32Array(voxels.length);
  for (let v = 0, i = 0, j = 0, k = 0, at = 0; v < voxels.length; v++) {
    i += voxels[v]! - at;
    at = voxels[v]!;
    while (i >= cx) {
      i -= cx;
      if (++j === cy) {
        j = 0;
        k++;
      }
    }
    vi[v] = i;
    vj[v] = j;
    vk[v] = k;
    const r = j + 1 + ny * (k + 1);
    padded[i + 1 + nx * r] = 1;
    if (rows.first[r]! < 0) rows.first[r] = i + 1;
    rows.last[r] = i + 1;
    n++;
    mx += i;
    my += j;
    mz += k;
  }
  const { surfaceAreaMm2: area, volumeMm3: volume } = meshMeasures(padded, [nx, ny, nz], crop.spacingMm, rows);

  // Covariance of voxel-centre positions (mm), divided by N.
  mx /= n;
  my /= n;
  mz /= n;
  const cov = new Float64Array(9);
  for (let v = 0; v < n; v++) {
    const dx = (vi[v]! - mx) * sx;
    const dy = (vj[v]! - my) * sy;
    const dz = (vk[v]! - mz) * sz;
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

  const d = diameters(padded, nx, ny, nz, sx, sy, sz, rows);
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
 * so "same plane" is an exact comparison as in PyRadiomics. Along a line, the distance to any
 * fixed point is convex, so a vertex strictly between two others on the same line is never needed
 * for a maximum: only the two ends of each line along x (enough for 3D and for planes of constant
 * z or y) and along y (for planes of constant x) are kept, found on flat grids of lines.
 */
function diameters(
  mask: Uint8Array,
  nx: number,
  ny: number,
  nz: number,
  sx: number,
  sy: number,
  sz: number,
  rows: RowExtents,
): { max3d: number; slice: number; column: number; row: number } {
  const k = kernels();
  if (k) {
    const out = new Float64Array(4);
    k.shapeDiameters(mask, nx, ny, nz, new Float64Array([sx, sy, sz]), out, rows.first, rows.last);
    return { max3d: out[0]!, slice: out[1]!, column: out[2]!, row: out[3]! };
  }
  const NX = 2 * nx;
  const NY = 2 * ny;
  const NZ = 2 * nz;
  // Lines along x: key Y + NY·Z → first and last X; lines along y: key X + NX·Z → first and last Y.
  const xLo = new Int32Array(NY * NZ).fill(-1);
  const xHi = new Int32Array(NY * NZ);
  const yLo = new Int32Array(NX * NZ).fill(-1);
  const yHi = new Int32Array(NX * NZ);
  const add = (X: number, Y: number, Z: number) => {
    const kx = Y + NY * Z;
    if (xLo[kx] === -1) {
      xLo[kx] = X;
      xHi[kx] = X;
    } else if (X < xLo[kx]!) xLo[kx] = X;
    else if (X > xHi[kx]!) xHi[kx] = X;
    const ky = X + NX * Z;
    if (yLo[ky] === -1) {
      yLo[ky] = Y;
      yHi[ky] = Y;
    } else if (Y < yLo[ky]!) yLo[ky] = Y;
    else if (Y > yHi[ky]!) yHi[ky] = Y;
  };
  const nxy = nx * ny;
  // A vertex lies between an ROI voxel and a neighbour along +x, +y or +z that differs: only the
  // voxels from one before the first to the last ROI voxel of this row and of its +y and +z
  // neighbour rows can be one of the pair.
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const r0 = j + ny * k;
      let lo = nx;
      let hi = -1;
      // This row, its +y row and its +z row (when inside the grid and holding ROI voxels).
      for (let q = 0; q < 3; q++) {
        const r = q === 0 ? r0 : q === 1 ? (j + 1 < ny ? r0 + 1 : -1) : k + 1 < nz ? r0 + ny : -1;
        if (r < 0 || rows.first[r]! < 0) continue;
        if (rows.first[r]! < lo) lo = rows.first[r]!;
        if (rows.last[r]! > hi) hi = rows.last[r]!;
      }
      for (let i = Math.max(0, lo - 1), o = nx * r0 + i; i <= hi; i++, o++) {
        const m = mask[o];
        if (i + 1 < nx && mask[o + 1] !== m) add(2 * i + 1, 2 * j, 2 * k);
        if (j + 1 < ny && mask[o + nx] !== m) add(2 * i, 2 * j + 1, 2 * k);
        if (k + 1 < nz && mask[o + nxy] !== m) add(2 * i, 2 * j, 2 * k + 1);
      }
    }
  const cap = 2 * Math.max(NY * NZ, NX * NZ);
  const px = new Float64Array(cap);
  const py = new Float64Array(cap);
  const pz = new Float64Array(cap);
  const scratch = { r: new Float64Array(cap), order: new Int32Array(cap) };
  // One plane's points in doubled index units, sorted by V then U as the lines are read.
  const pu = new Int32Array(cap);
  const pv = new Int32Array(cap);
  const hull = new Int32Array(2 * cap + 1);
  let m = 0;
  // Ends along x grouped by Z (slices: U = X, V = Y), then all of them for the 3D diameter.
  let slice = 0;
  for (let Z = 0; Z < NZ; Z++) {
    const from = m;
    for (let Y = 0; Y < NY; Y++) {
      const kx = Y + NY * Z;
      if (xLo[kx] === -1) continue;
      for (let e = 0, X = xLo[kx]!; e < 2; e++, X = xHi[kx]!) {
        if (e === 1 && X === xLo[kx]) break;
        px[m] = X * 0.5 * sx;
        py[m] = Y * 0.5 * sy;
        pz[m] = Z * 0.5 * sz;
        pu[m - from] = X;
        pv[m - from] = Y;
        m++;
      }
    }
    slice = Math.max(slice, planeMaxDistance(pu, pv, m - from, sx, sy, hull));
  }
  const max3d = maxDistance(px, py, pz, 0, m, scratch);
  // Columns: the ends along x grouped by Y (U = X, V = Z); rows: the ends along y grouped by X (U = Y, V = Z).
  let column = 0;
  for (let Y = 0; Y < NY; Y++)
    column = Math.max(column, planeMaxDistance(pu, pv, planeEnds(xLo, xHi, Y, NY, NZ, pu, pv), sx, sz, hull));
  let row = 0;
  for (let X = 0; X < NX; X++)
    row = Math.max(row, planeMaxDistance(pu, pv, planeEnds(yLo, yHi, X, NX, NZ, pu, pv), sy, sz, hull));
  return { max3d, slice, column, row };
}

/**
 * The ends of the lines of one plane (line keys outer + stride·Z for Z < NZ, lo = -1 for no line)
 * into pu (the end) and pv (Z), sorted by Z then end, as planeMaxDistance reads them; returns
 * their count.
 */
function planeEnds(
  lo: Int32Array,
  hi: Int32Array,
  outer: number,
  stride: number,
  NZ: number,
  pu: Int32Array,
  pv: Int32Array,
): number {
  let c = 0;
  for (let Z = 0; Z < NZ; Z++) {
    const key = outer + stride * Z;
    if (lo[key] === -1) continue;
    pu[c] = lo[key]!;
    pv[c++] = Z;
    if (hi[key] !== lo[key]) {
      pu[c] = hi[key]!;
      pv[c++] = Z;
    }
  }
  return c;
}

/**
 * Exact largest distance among m points of one plane, in doubled index units (U, V) sorted by V
 * then U, scaled to mm by su·½ and sv·½. The farthest pair of a point set is a pair of vertices of
 * its convex hull (the distance to a fixed point is convex along a segment), and scaling the axes
 * maps the hull onto the hull, so only the hull's vertices are paired: Andrew's monotone chain on
 * the integer coordinates (exact cross products; collinear points dropped), then every pair of
 * vertices. Each pair's distance is computed as before from the mm coordinates (the coordinate the
 * plane fixes adds an exact 0), so the maximum is the same double.
 */
function planeMaxDistance(pu: Int32Array, pv: Int32Array, m: number, su: number, sv: number, hull: Int32Array): number {
  if (m < 2) return 0;
  // Turn of o → a → b with V as the sort axis: > 0 counterclockwise.
  const turn = (o: number, a: number, b: number) => (pv[a]! - pv[o]!) * (pu[b]! - pu[o]!) - (pu[a]! - pu[o]!) * (pv[b]! - pv[o]!);
  let k = 0;
  for (let i = 0; i < m; i++) {
    while (k >= 2 && turn(hull[k - 2]!, hull[k - 1]!, i) <= 0) k--;
    hull[k++] = i;
  }
  for (let i = m - 2, lower = k + 1; i >= 0; i--) {
    while (k >= lower && turn(hull[k - 2]!, hull[k - 1]!, i) <= 0) k--;
    hull[k++] = i;
  }
  // The chain ends where it began.
  const h = k - 1;
  let best2 = 0;
  for (let a = 0; a < h; a++) {
    const ua = pu[hull[a]!]! * 0.5 * su;
    const va = pv[hull[a]!]! * 0.5 * sv;
    for (let b = a + 1; b < h; b++) {
      const du = ua - pu[hull[b]!]! * 0.5 * su;
      const dv = va - pv[hull[b]!]! * 0.5 * sv;
      const d2 = du * du + dv * dv;
      if (d2 > best2) best2 = d2;
    }
  }
  return Math.sqrt(best2);
}

/**
 * Exact largest pairwise distance among points from…to − 1, pruned with the triangle inequality:
 * with r the distance to the set's centroid, d(a, b) ≤ r_a + r_b, so scanning points by decreasing
 * r can stop once r_a + r_b cannot beat the best distance found.
 */
function maxDistance(
  px: Float64Array,
  py: Float64Array,
  pz: Float64Array,
  from: number,
  to: number,
  scratch: { r: Float64Array; order: Int32Array },
): number {
  const m = to - from;
  if (m < 2) return 0;
  let cx = 0;
  let cy = 0;
  let cz = 0;
  for (let v = from; v < to; v++) {
    cx += px[v]!;
    cy += py[v]!;
    cz += pz[v]!;
  }
  cx /= m;
  cy /= m;
  cz /= m;
  const r = scratch.r;
  for (let v = from; v < to; v++) {
    const dx = px[v]! - cx;
    const dy = py[v]! - cy;
    const dz = pz[v]! - cz;
    r[v] = Math.sqrt(dx * dx + dy * dy + dz * dz);
  }
  // A first pair: the point farthest from the centroid and the point farthest from it. Any pair
  // longer than that pair's d must have r_a + r_b > d, so r_a > d − r_max: only those points are
  // sorted and paired (a small margin covers the rounding of r).
  let far = from;
  for (let v = from + 1; v < to; v++) if (r[v]! > r[far]!) far = v;
  const rMax = r[far]!;
  let best2 = 0;
  for (let v = from; v < to; v++) {
    const dx = px[v]! - px[far]!;
    const dy = py[v]! - py[far]!;
    const dz = pz[v]! - pz[far]!;
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 > best2) best2 = d2;
  }
  const keep = (Math.sqrt(best2) - rMax) * (1 - 1e-9) - 1e-9 * rMax;
  let mc = 0;
  const order = scratch.order;
  for (let v = from; v < to; v++) if (r[v]! >= keep) order[mc++] = v;
  // Any order by decreasing r gives the same (exact) maximum: ties only change which pair is seen first.
  sortByDecreasing(order.subarray(0, mc), r);
  for (let a = 0; a < mc; a++) {
    const va = order[a]!;
    const ra = r[va]!;
    if (2 * ra * (2 * ra) <= best2) break;
    const ax = px[va]!;
    const ay = py[va]!;
    const az = pz[va]!;
    for (let b = a + 1; b < mc; b++) {
      const vb = order[b]!;
      const bound = ra + r[vb]!;
      if (bound * bound <= best2) break;
      const dx = ax - px[vb]!;
      const dy = ay - py[vb]!;
      const dz = az - pz[vb]!;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 > best2) best2 = d2;
    }
  }
  return Math.sqrt(best2);
}

/**
 * Sorts the indices `order` by decreasing `key[index]`, in place: quicksort (median of three) with
 * insertion sort for short ranges. A comparator-free sort on typed arrays: Array.prototype.sort with
 * a closure was most of the diameter time.
 */
function sortByDecreasing(order: Int32Array, key: Float64Array): void {
  const stack: number[] = [0, order.length - 1];
  while (stack.length > 0) {
    let hi = stack.pop()!;
    let lo = stack.pop()!;
    while (hi - lo > 16) {
      const mid = (lo + hi) >>> 1;
      // Median of three to order[mid], then partition around its key.
      if (key[order[mid]!]! > key[order[lo]!]!) swap(order, mid, lo);
      if (key[order[hi]!]! > key[order[lo]!]!) swap(order, hi, lo);
      if (key[order[hi]!]! > key[order[mid]!]!) swap(order, hi, mid);
      const pivot = key[order[mid]!]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (key[order[i]!]! > pivot) i++;
        while (key[order[j]!]! < pivot) j--;
        if (i <= j) {
          swap(order, i, j);
          i++;
          j--;
        }
      }
      // Recurse (via the stack) into the smaller side, loop on the larger.
      if (j - lo < hi - i) {
        stack.push(i, hi);
        hi = j;
      } else {
        stack.push(lo, j);
        lo = i;
      }
    }
    for (let a = lo + 1; a <= hi; a++) {
      const v = order[a]!;
      const kv = key[v]!;
      let b = a - 1;
      while (b >= lo && key[order[b]!]! < kv) {
        order[b + 1] = order[b]!;
        b--;
      }
      order[b + 1] = v;
    }
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
