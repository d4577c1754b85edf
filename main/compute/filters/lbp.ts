/**
 * Local binary patterns, PyRadiomics 3 image types `LBP2D` (`lbp-2D`) and `LBP3D`
 * (`lbp-3D-m1` … `lbp-3D-m<levels>`, `lbp-3D-k`), radiomics/imageoperations.py
 * getLBP2DImage / getLBP3DImage. Written from their definitions:
 *
 * LBP2D (scikit-image `local_binary_pattern(image, P, R, method)` on every slice; the slices
 * are the planes normal to the numpy axis `force2Ddimension` of the (z, y, x) array, 0 = z):
 * - neighbour p = 0 … P−1 of pixel (r, c) sits at (r − R·sin(2πp/P), c + R·cos(2πp/P)), both
 *   offsets rounded to 5 decimals, and is read by bilinear interpolation with 0 outside the
 *   slice; s_p = [g_p − g_c ≥ 0].
 * - `default`: Σ s_p 2^p. `ror`: the smallest of the P circular bit rotations of that code.
 * - `uniform`: Σ s_p when the pattern has at most 2 transitions (0→1 or 1→0 between p and p+1),
 *   else P + 1, so P + 2 codes 0 … P+1 (rotation invariant).
 * - `nri_uniform`: the P(P−1)+3 non-rotation-invariant uniform codes of scikit-image.
 * - `var`: the biased variance of the P neighbour values; NaN where it is 0.
 * The code is written back into the image's own array in PyRadiomics, so an integer image keeps
 * integers (a `var` value is truncated); we return float64 and truncate `var` the same way when
 * the input is an integer array.
 *
 * LBP3D (Banerjee et al., ACCV 2012 workshops; PyRadiomics' implementation): for every ROI voxel
 * the image is sampled on the vertices of an icosphere (trimesh: icosahedron subdivided
 * `lbp3DIcosphereSubdivision` times, vertices projected onto radius `lbp3DIcosphereRadius`),
 * offsets in voxel index units of the numpy (z, y, x) axes, by cubic B-spline interpolation
 * (scipy map_coordinates order 3, mode 'constant': the spline of the image with mirror
 * boundaries, 0 for a sample outside [0, n−1] on any axis).
 * - `lbp-3D-k`: the kurtosis of the Nv samples (scipy.stats.kurtosis: Fisher, biased,
 *   m4/m2² − 3; NaN where the samples are constant, as scipy returns).
 * - `lbp-3D-m<n+1>`, n = 0 … levels−1: the samples thresholded at the centre (f_v = [g_v ≥ g_c]),
 *   projected on the degree-n spherical harmonics and measured with the L2 norm over the
 *   vertices: ‖ Σ_m c_nm Y_nm(v) ‖ with c_nm = Σ_u f_u Y_nm(u). PyRadiomics passes the polar
 *   angle θ = arccos(o_x / R) as scipy's azimuth and φ = atan2(o_y, o_z) as its polar angle (o =
 *   (o_z, o_y, o_x) the vertex offset along the numpy axes); we use the same angles. The m and
 *   −m terms are complex conjugates, so Σ_m Y_nm(u) Y_nm(v) is the real kernel
 *   N_n0² P_n(cos φ_u) P_n(cos φ_v) + 2 Σ_{m>0} N_nm² P_n^m(cos φ_u) P_n^m(cos φ_v) cos(m(θ_u + θ_v)),
 *   N_nm² = (2n+1)/(4π)·(n−m)!/(n+m)!, and the image is ‖K_n f‖.
 * Voxels outside the ROI are 0 (PyRadiomics leaves them uninitialised; no feature reads them).
 */
import type { Volume } from '../imaging/volume.js';
import { like } from './simple.js';

export type Lbp2DMethod = 'default' | 'ror' | 'uniform' | 'nri_uniform' | 'var';

export interface Lbp2DOptions {
  radius: number;
  samples: number;
  method: Lbp2DMethod;
  /** numpy axis of the (z, y, x) array the slices are normal to: 0 = z (axial), 1 = y, 2 = x. */
  force2Ddimension: number;
}

function isIntegerArray(data: Volume['data']): boolean {
  return !(data instanceof Float32Array || data instanceof Float64Array);
}

function bitRotateRight(value: number, length: number): number {
  return (value >>> 1) | ((value & 1) << (length - 1));
}

/**
 * scikit-image's local_binary_pattern on one 2D slice `img` (rows × cols, row-major), into `out`.
 * Offsets and weights are precomputed by the caller.
 */
function lbpSlice(
  img: Float64Array,
  rows: number,
  cols: number,
  dr: Float64Array,
  dc: Float64Array,
  method: Lbp2DMethod,
  out: Float64Array,
): void {
  const P = dr.length;
  const texture = new Float64Array(P);
  const signed = new Uint8Array(P);
  const at = (r: number, c: number): number => (r < 0 || r >= rows || c < 0 || c >= cols ? 0 : img[r * cols + c]!);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const centre = img[r * cols + c]!;
      for (let p = 0; p < P; p++) {
        const y = r + dr[p]!;
        const x = c + dc[p]!;
        const r0 = Math.floor(y);
        const c0 = Math.floor(x);
        const r1 = Math.ceil(y);
        const c1 = Math.ceil(x);
        const fy = y - r0;
        const fx = x - c0;
        const top = (1 - fx) * at(r0, c0) + fx * at(r0, c1);
        const bottom = (1 - fx) * at(r1, c0) + fx * at(r1, c1);
        texture[p] = (1 - fy) * top + fy * bottom;
        signed[p] = texture[p]! - centre >= 0 ? 1 : 0;
      }
      let code = 0;
      if (method === 'var') {
        let sum = 0;
        let sq = 0;
        for (let p = 0; p < P; p++) {
          sum += texture[p]!;
          sq += texture[p]! * texture[p]!;
        }
        const v = (sq - (sum * sum) / P) / P;
        code = v !== 0 ? v : NaN;
      } else if (method === 'uniform' || method === 'nri_uniform') {
        let changes = 0;
        for (let p = 0; p < P - 1; p++) if (signed[p] !== signed[p + 1]) changes++;
        if (method === 'uniform') {
          if (changes <= 2) for (let p = 0; p < P; p++) code += signed[p]!;
          else code = P + 1;
        } else if (changes <= 2) {
          let ones = 0;
          let firstOne = -1;
          let firstZero = -1;
          for (let p = 0; p < P; p++) {
            if (signed[p]) {
              ones++;
              if (firstOne === -1) firstOne = p;
            } else if (firstZero === -1) firstZero = p;
          }
          if (ones === 0) code = 0;
          else if (ones === P) code = P * (P - 1) + 1;
          else code = 1 + (ones - 1) * P + (firstOne === 0 ? ones - firstZero : P - firstOne);
        } else code = P * (P - 1) + 2;
      } else {
        for (let p = 0; p < P; p++) if (signed[p]) code += 2 ** p;
        if (method === 'ror') {
          let rotated = code;
          let best = code;
          for (let p = 1; p < P; p++) {
            rotated = bitRotateRight(rotated, P);
            if (rotated < best) best = rotated;
          }
          code = best;
        }
      }
      out[r * cols + c] = code;
    }
}

/** PyRadiomics `lbp-2D`: local_binary_pattern on every slice normal to `force2Ddimension`. */
export function lbp2DImage(image: Volume, options: Lbp2DOptions): Volume<Float64Array> {
  if ((image.components ?? 1) !== 1) throw new Error('the LBP filter needs a scalar image');
  const { radius, samples: P, method } = options;
  if (!(radius > 0)) throw new Error(`lbp2DRadius must be greater than 0, got ${radius}`);
  if (!Number.isInteger(P) || P < 1) throw new Error(`lbp2DSamples must be a positive integer, got ${P}`);
  if ((method === 'default' || method === 'ror') && P > 31) {
    throw new Error(`lbp2DSamples ${P} gives codes past 2^31 with method "${method}"; use at most 31 samples`);
  }
  const axis = options.force2Ddimension;
  if (![0, 1, 2].includes(axis)) throw new Error(`force2Ddimension must be 0, 1 or 2, got ${axis}`);
  const [nx, ny, nz] = image.size;
  // numpy axis a is volume axis 2 − a. After numpy's swapaxes(0, axis) a slice is (y, x) for
  // axis 0, (z, x) for axis 1 and (y, z) for axis 2: rows and columns as volume axes below.
  const strides = [1, nx, nx * ny];
  const dims = [nx, ny, nz];
  const s = 2 - axis;
  const rowAxis = axis === 1 ? 2 : 1;
  const colAxis = axis === 2 ? 2 : 0;
  const rows = dims[rowAxis]!;
  const cols = dims[colAxis]!;
  const dr = new Float64Array(P);
  const dc = new Float64Array(P);
  const round5 = (v: number): number => Math.round(v * 1e5) / 1e5;
  for (let p = 0; p < P; p++) {
    dr[p] = round5(-radius * Math.sin((2 * Math.PI * p) / P));
    dc[p] = round5(radius * Math.cos((2 * Math.PI * p) / P));
  }
  const src = image.data;
  const out = new Float64Array(nx * ny * nz);
  const slice = new Float64Array(rows * cols);
  const codes = new Float64Array(rows * cols);
  const truncate = method === 'var' && isIntegerArray(src);
  for (let q = 0; q < dims[s]!; q++) {
    const base = q * strides[s]!;
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) slice[r * cols + c] = src[base + r * strides[rowAxis]! + c * strides[colAxis]!]!;
    lbpSlice(slice, rows, cols, dr, dc, method, codes);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const v = codes[r * cols + c]!;
        out[base + r * strides[rowAxis]! + c * strides[colAxis]!] = truncate ? (Number.isNaN(v) ? 0 : Math.trunc(v)) : v;
      }
  }
  return like(image, out);
}

/** Vertices of trimesh's icosphere(subdivisions, radius), as (o0, o1, o2) rows; the order is irrelevant here. */
export function icosphereVertices(subdivisions: number, radius: number): Float64Array[] {
  const t = (1 + Math.sqrt(5)) / 2;
  const raw = [
    [-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t],
    [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1],
  ]; // prettier-ignore
  const faces = [
    [0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4], [11, 10, 2], [10, 7, 6], [7, 1, 8],
    [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8], [3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1],
  ]; // prettier-ignore
  const unit = (v: number[]): Float64Array => {
    const n = Math.hypot(v[0]!, v[1]!, v[2]!);
    return Float64Array.of(v[0]! / n, v[1]! / n, v[2]! / n);
  };
  const verts = raw.map(unit);
  let tris = faces;
  for (let s = 0; s < subdivisions; s++) {
    const mid = new Map<string, number>();
    const midpoint = (a: number, b: number): number => {
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      let idx = mid.get(key);
      if (idx === undefined) {
        const va = verts[a]!;
        const vb = verts[b]!;
        idx = verts.length;
        verts.push(unit([va[0]! + vb[0]!, va[1]! + vb[1]!, va[2]! + vb[2]!]));
        mid.set(key, idx);
      }
      return idx;
    };
    const next: number[][] = [];
    for (const [a, b, c] of tris) {
      const ab = midpoint(a!, b!);
      const bc = midpoint(b!, c!);
      const ca = midpoint(c!, a!);
      next.push([a!, ab, ca], [b!, bc, ab], [c!, ca, bc], [ab, bc, ca]);
    }
    tris = next;
  }
  return verts.map((v) => Float64Array.of(v[0]! * radius, v[1]! * radius, v[2]! * radius));
}

/** Associated Legendre P_n^m(x), m ≥ 0 (the Condon–Shortley sign cancels in the kernel's products). */
function legendre(n: number, m: number, x: number): number {
  let pmm = 1;
  const s = Math.sqrt(Math.max(0, 1 - x * x));
  for (let i = 1; i <= m; i++) pmm *= -(2 * i - 1) * s;
  if (n === m) return pmm;
  let pm1 = x * (2 * m + 1) * pmm;
  if (n === m + 1) return pm1;
  let pn = 0;
  for (let l = m + 2; l <= n; l++) {
    pn = ((2 * l - 1) * x * pm1 - (l + m - 1) * pmm) / (l - m);
    pmm = pm1;
    pm1 = pn;
  }
  return pn;
}

function factorialRatio(n: number, m: number): number {
  // (n − m)! / (n + m)!
  let r = 1;
  for (let i = n - m + 1; i <= n + m; i++) r /= i;
  return r;
}

/** K_n(u, v) = Σ_m Y_nm(u) Y_nm(v) over the vertices, with PyRadiomics' angles (see the header). */
function harmonicKernel(n: number, theta: Float64Array, cosPhi: Float64Array): Float64Array {
  const nv = theta.length;
  const k = new Float64Array(nv * nv);
  const leg = new Float64Array((n + 1) * nv);
  for (let m = 0; m <= n; m++) for (let v = 0; v < nv; v++) leg[m * nv + v] = legendre(n, m, cosPhi[v]!);
  for (let m = 0; m <= n; m++) {
    const norm2 = ((2 * n + 1) / (4 * Math.PI)) * factorialRatio(n, m) * (m === 0 ? 1 : 2);
    for (let u = 0; u < nv; u++)
      for (let v = 0; v < nv; v++)
        k[u * nv + v] += norm2 * leg[m * nv + u]! * leg[m * nv + v]! * (m === 0 ? 1 : Math.cos(m * (theta[u]! + theta[v]!)));
  }
  return k;
}

/** Cubic B-spline coefficients along one line (mirror boundaries, pole √3 − 2, gain 6), in place. */
function splineLine(c: Float64Array, offset: number, stride: number, n: number): void {
  if (n < 2) return;
  const z = Math.sqrt(3) - 2;
  const at = (i: number): number => c[offset + i * stride]!;
  const set = (i: number, v: number): void => {
    c[offset + i * stride] = v;
  };
  for (let i = 0; i < n; i++) set(i, at(i) * 6);
  // Causal initialisation over one mirror period (2n − 2 samples).
  let zk = 1;
  let sum = 0;
  for (let i = 0; i < n; i++, zk *= z) sum += zk * at(i);
  for (let i = n - 2; i > 0; i--, zk *= z) sum += zk * at(i);
  set(0, sum / (1 - zk));
  for (let i = 1; i < n; i++) set(i, at(i) + z * at(i - 1));
  set(n - 1, (z / (z * z - 1)) * (at(n - 1) + z * at(n - 2)));
  for (let i = n - 2; i >= 0; i--) set(i, z * (at(i + 1) - at(i)));
}

function bspline3(t: number): number {
  const a = Math.abs(t);
  if (a < 1) return 2 / 3 - a * a + (a * a * a) / 2;
  if (a < 2) return ((2 - a) * (2 - a) * (2 - a)) / 6;
  return 0;
}

function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let r = Math.abs(i) % period;
  if (r >= n) r = period - r;
  return r;
}

export interface Lbp3DOptions {
  levels: number;
  icosphereRadius: number;
  icosphereSubdivision: number;
}

/** PyRadiomics `lbp-3D-m1` … `lbp-3D-m<levels>` and `lbp-3D-k`, computed on the voxels of `mask` equal to `label`. */
export function lbp3DImages(
  image: Volume,
  mask: Volume,
  label: number,
  options: Lbp3DOptions,
): { name: string; volume: Volume<Float64Array> }[] {
  if ((image.components ?? 1) !== 1) throw new Error('the LBP filter needs a scalar image');
  const { levels, icosphereRadius: radius, icosphereSubdivision: subdivisions } = options;
  if (!Number.isInteger(levels) || levels < 1) throw new Error(`lbp3DLevels must be a positive integer, got ${levels}`);
  if (!(radius > 0)) throw new Error(`lbp3DIcosphereRadius must be greater than 0, got ${radius}`);
  if (!Number.isInteger(subdivisions) || subdivisions < 0 || subdivisions > 4) {
    throw new Error(`lbp3DIcosphereSubdivision must be an integer from 0 to 4, got ${subdivisions}`);
  }
  const [nx, ny, nz] = image.size;
  const n = nx * ny * nz;
  if (mask.size[0] !== nx || mask.size[1] !== ny || mask.size[2] !== nz) throw new Error('LBP3D: mask and image sizes differ');
  // Spline coefficients of the whole image, axis by axis.
  const coef = Float64Array.from(image.data);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) splineLine(coef, nx * (j + ny * k), 1, nx);
  for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) splineLine(coef, i + nx * ny * k, nx, ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) splineLine(coef, i + nx * j, nx * ny, nz);

  const verts = icosphereVertices(subdivisions, radius);
  const nv = verts.length;
  const theta = new Float64Array(nv);
  const cosPhi = new Float64Array(nv);
  for (let v = 0; v < nv; v++) {
    const [o0, o1, o2] = verts[v]!;
    theta[v] = Math.acos(Math.max(-1, Math.min(1, o2! / radius)));
    cosPhi[v] = Math.cos(Math.atan2(o1!, o0!));
  }
  const kernels = Array.from({ length: levels }, (_, l) => harmonicKernel(l, theta, cosPhi));
  const outs = Array.from({ length: levels + 1 }, () => new Float64Array(n));
  const samples = new Float64Array(nv);
  const bits = new Float64Array(nv);
  const wi = new Float64Array(4);
  const wj = new Float64Array(4);
  const wk = new Float64Array(4);
  const sample = (x: number, y: number, zc: number): number => {
    // x, y, zc: continuous indices along the volume's i, j, k.
    if (x < 0 || x > nx - 1 || y < 0 || y > ny - 1 || zc < 0 || zc > nz - 1) return 0;
    const i0 = Math.floor(x) - 1;
    const j0 = Math.floor(y) - 1;
    const k0 = Math.floor(zc) - 1;
    for (let t = 0; t < 4; t++) {
      wi[t] = bspline3(x - (i0 + t));
      wj[t] = bspline3(y - (j0 + t));
      wk[t] = bspline3(zc - (k0 + t));
    }
    let s = 0;
    for (let c = 0; c < 4; c++) {
      if (wk[c] === 0) continue;
      const kk = mirrorIndex(k0 + c, nz);
      for (let b = 0; b < 4; b++) {
        if (wj[b] === 0) continue;
        const row = nx * (mirrorIndex(j0 + b, ny) + ny * kk);
        let line = 0;
        for (let a = 0; a < 4; a++) if (wi[a] !== 0) line += wi[a]! * coef[row + mirrorIndex(i0 + a, nx)]!;
        s += wk[c]! * wj[b]! * line;
      }
    }
    return s;
  };
  const comps = mask.components ?? 1;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const o = i + nx * (j + ny * k);
        if (mask.data[o * comps] !== label) continue;
        let mean = 0;
        for (let v = 0; v < nv; v++) {
          const [o0, o1, o2] = verts[v]!;
          // Vertex columns are offsets along numpy (z, y, x).
          samples[v] = sample(i + o2!, j + o1!, k + o0!);
          mean += samples[v]!;
        }
        mean /= nv;
        let m2 = 0;
        let m4 = 0;
        for (let v = 0; v < nv; v++) {
          const d = samples[v]! - mean;
          m2 += d * d;
          m4 += d * d * d * d;
        }
        m2 /= nv;
        m4 /= nv;
        // scipy.stats.kurtosis: NaN where m2 ≤ (float64 resolution 1e-15 · mean)².
        outs[levels]![o] = m2 <= (1e-15 * mean) ** 2 ? NaN : m4 / (m2 * m2) - 3;
        const centre = image.data[o]!;
        for (let v = 0; v < nv; v++) bits[v] = samples[v]! >= centre ? 1 : 0;
        for (let l = 0; l < levels; l++) {
          const K = kernels[l]!;
          let norm = 0;
          for (let v = 0; v < nv; v++) {
            let g = 0;
            for (let u = 0; u < nv; u++) if (bits[u]) g += K[u * nv + v]!;
            norm += g * g;
          }
          outs[l]![o] = Math.sqrt(norm);
        }
      }
  const named = outs.slice(0, levels).map((d, l) => ({ name: `lbp-3D-m${l + 1}`, volume: like(image, d) }));
  named.push({ name: 'lbp-3D-k', volume: like(image, outs[levels]!) });
  return named;
}
