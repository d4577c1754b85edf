/**
 * Fill between slices: the label is painted on a few key slices and the slices between two
 * consecutive key slices are filled by shape-based interpolation (Raya & Udupa 1990, "Shape-based
 * interpolation of multidimensional objects", IEEE TMI 9:32; the method of 3D Slicer's "Fill
 * between slices" effect in its morphological variant). Each key slice is turned into a signed
 * distance map in mm, negative inside,
 *   sd(p) = dist(p, nearest inside voxel) − dist(p, nearest outside voxel),
 * the map of an in-between slice at fraction t is (1 − t)·sd₀ + t·sd₁, and its inside is sd < 0.
 * For two concentric disks of radii r₀ and r₁ the interpolated contour is the disk of radius
 * (1 − t)·r₀ + t·r₁. Distances are exact Euclidean (Felzenszwalb & Huttenlocher 2012, "Distance
 * transforms of sampled functions", Theory of Computing 8:415), separable over the two in-plane
 * axes with their own spacing. Only empty slices between key slices are written; key slices
 * and other labels are never changed.
 */
import { checkGrid, type EditRecorder, type SliceAxis } from './grid.js';
import { planeOf, planeOffset, type Plane } from './plane.js';

export interface InterpolateOptions {
  axis: SliceAxis;
  /** The label interpolated (and written). */
  value: number;
}

export interface InterpolateResult {
  /** Slices holding the label before interpolation, ascending. */
  keySlices: number[];
  /** Slices written. */
  filledSlices: number[];
}

const INF = 1e20;
const FAR_MM = 1e9;

/**
 * Squared distance transform of one line: d[q] = min_p (x_q − x_p)² + f[p], x = q · step
 * (lower envelope of parabolas). `v`, `z` are scratch arrays of length n and n + 1.
 */
function edt1d(f: Float64Array, n: number, step: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    if (f[q]! >= INF) continue;
    if (f[v[0]!]! >= INF) {
      v[0] = q;
      continue;
    }
    let s: number;
    for (;;) {
      const p = v[k]!;
      const xq = q * step;
      const xp = p * step;
      s = (f[q]! + xq * xq - (f[p]! + xp * xp)) / (2 * (xq - xp));
      if (s <= z[k]! && k > 0) k--;
      else break;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  if (f[v[0]!]! >= INF) {
    for (let q = 0; q < n; q++) d[q] = INF;
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q * step) k++;
    const dx = (q - v[k]!) * step;
    d[q] = dx * dx + f[v[k]!]!;
  }
}

/** Squared Euclidean distance (mm²) of every in-plane voxel to the nearest voxel where `seed` is 1. */
export function distanceSquared2d(seed: Uint8Array, p: Pick<Plane, 'nu' | 'nw' | 'su' | 'sw'>): Float64Array {
  const { nu, nw, su, sw } = p;
  const out = new Float64Array(nu * nw);
  const n = Math.max(nu, nw);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  // Along u (rows), then along w (columns) on the row results.
  for (let w = 0; w < nw; w++) {
    for (let u = 0; u < nu; u++) f[u] = seed[u + nu * w] ? 0 : INF;
    edt1d(f, nu, su, d, v, z);
    for (let u = 0; u < nu; u++) out[u + nu * w] = d[u]!;
  }
  for (let u = 0; u < nu; u++) {
    for (let w = 0; w < nw; w++) f[w] = out[u + nu * w]!;
    edt1d(f, nw, sw, d, v, z);
    for (let w = 0; w < nw; w++) out[u + nu * w] = d[w]!;
  }
  return out;
}

/** Signed distance map (mm, negative inside) of one slice's label. */
export function signedDistance2d(inside: Uint8Array, p: Pick<Plane, 'nu' | 'nw' | 'su' | 'sw'>): Float64Array {
  const outside = new Uint8Array(inside.length);
  for (let q = 0; q < inside.length; q++) outside[q] = inside[q] ? 0 : 1;
  const toInside = distanceSquared2d(inside, p);
  const toOutside = distanceSquared2d(outside, p);
  const sd = new Float64Array(inside.length);
  for (let q = 0; q < inside.length; q++) {
    // A slice without outside voxels is "inside everywhere": a large negative distance.
    const a = toInside[q]! >= INF ? FAR_MM : Math.sqrt(toInside[q]!);
    const b = toOutside[q]! >= INF ? FAR_MM : Math.sqrt(toOutside[q]!);
    sd[q] = a - b;
  }
  return sd;
}

/** In-plane box [u0, u1] × [w0, w1] (inclusive) of the part of the plane the distances are computed on. */
interface PlaneBox {
  u0: number;
  u1: number;
  w0: number;
  w1: number;
}

function sliceMask(data: Uint8Array, p: Plane, slice: number, value: number, b: PlaneBox): Uint8Array {
  const nu = b.u1 - b.u0 + 1;
  const m = new Uint8Array(nu * (b.w1 - b.w0 + 1));
  for (let w = b.w0; w <= b.w1; w++) {
    let v = planeOffset(p, slice, b.u0, w);
    for (let u = b.u0; u <= b.u1; u++, v += p.strideU) if (data[v] === value) m[u - b.u0 + nu * (w - b.w0)] = 1;
  }
  return m;
}

export function interpolateSlices(rec: EditRecorder, o: InterpolateOptions): InterpolateResult {
  const g = rec.grid;
  checkGrid(g);
  if (o.value === 0) throw new Error('choose a label to interpolate (not the background, 0)');
  const p = planeOf(g.size, g.spacingMm, o.axis);
  // Key slices and the in-plane bounding box of the label on them, in one pass over the volume
  // in memory order (a strided pass across i would be several times slower on large series).
  const [nx, ny] = g.size;
  const isKey = new Uint8Array(p.slices);
  const box: PlaneBox = { u0: p.nu, u1: -1, w0: p.nw, w1: -1 };
  const c: [number, number, number] = [0, 0, 0];
  const data = g.data;
  const value = o.value;
  for (let v = 0; v < data.length; v++) {
    if (data[v] !== value) continue;
    c[0] = v % nx;
    c[1] = Math.floor(v / nx) % ny;
    c[2] = Math.floor(v / (nx * ny));
    isKey[c[o.axis]] = 1;
    const u = c[p.uAxis];
    const w = c[p.wAxis];
    if (u < box.u0) box.u0 = u;
    if (u > box.u1) box.u1 = u;
    if (w < box.w0) box.w0 = w;
    if (w > box.w1) box.w1 = w;
  }
  const keySlices: number[] = [];
  for (let sl = 0; sl < p.slices; sl++) if (isKey[sl]) keySlices.push(sl);
  const filledSlices: number[] = [];
  if (keySlices.length < 2) return { keySlices, filledSlices };
  // Interpolated voxels lie inside one of the two key shapes (the mean of two non-negative
  // distances is non-negative), so distances are needed on the box only. One voxel of margin
  // makes its border background, and then the distances inside the box are exact: clamping any
  // outside voxel beyond the box onto the border moves it closer to every voxel in the box.
  const b: PlaneBox = {
    u0: Math.max(0, box.u0 - 1),
    u1: Math.min(p.nu - 1, box.u1 + 1),
    w0: Math.max(0, box.w0 - 1),
    w1: Math.min(p.nw - 1, box.w1 + 1),
  };
  const sub = { nu: b.u1 - b.u0 + 1, nw: b.w1 - b.w0 + 1, su: p.su, sw: p.sw };
  let previous: { slice: number; sd: Float64Array } | null = null;
  for (const s of keySlices) {
    const sd = signedDistance2d(sliceMask(g.data, p, s, o.value, b), sub);
    if (previous && s - previous.slice > 1) {
      const gap = s - previous.slice;
      for (let between = previous.slice + 1; between < s; between++) {
        const t = (between - previous.slice) / gap;
        let wrote = false;
        for (let w = b.w0; w <= b.w1; w++)
          for (let u = b.u0; u <= b.u1; u++) {
            const q = u - b.u0 + sub.nu * (w - b.w0);
            if ((1 - t) * previous.sd[q]! + t * sd[q]! >= 0) continue;
            const v = planeOffset(p, between, u, w);
            // Other labels on the slice are kept: interpolation only paints background.
            if (g.data[v] !== 0) continue;
            rec.set(v, o.value);
            wrote = true;
          }
        if (wrote) filledSlices.push(between);
      }
    }
    previous = { slice: s, sd };
  }
  return { keySlices, filledSlices };
}
