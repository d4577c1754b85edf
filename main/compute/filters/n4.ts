/**
 * N4 bias-field correction (Tustison et al., "N4ITK: improved N3 bias correction", IEEE TMI
 * 29(6) 2010), written from the paper:
 *
 * - the image is log-transformed, v = log I = u + b (u: true log intensities, b: log bias);
 * - the fit runs on a copy shrunk by `shrinkFactor` (block means of the in-mask voxels);
 * - each iteration sharpens the histogram of the current estimate û = v − b̂ by Wiener
 *   deconvolution of a Gaussian (FWHM `fwhm` in log-intensity units, Wiener noise `wienerNoise`,
 *   `histogramBins` bins), maps every voxel to E[u | û], and fits the residual û − E[u | û] with a
 *   cubic B-spline by the Lee/Wolberg/Shin (1997) B-spline approximation (the BA step of their
 *   multilevel algorithm, weights = mask); the fit is added to the current level's lattice;
 * - a level ends after `iterations[level]` iterations or when the coefficient of variation of
 *   exp(fitted increment) inside the mask falls below `convergenceThreshold`;
 * - level l uses a mesh of `initialMeshResolution · 2^l` spans per axis (control points = spans +
 *   3, Slicer's "1,1,1 → 4×4×4 control points"); lattices of the levels are kept separately and
 *   summed (the same field as refining each lattice into the next, without the refinement step);
 * - the log bias is then evaluated at full resolution (separable tensor-product evaluation on the
 *   same parametric domain: full-resolution voxel index scaled to [0, spans]).
 *
 * Defaults follow 3D Slicer's N4ITKBiasFieldCorrection module: iterations 50,40,30, convergence
 * 1e-4, B-spline order 3 (the only order supported here), shrink factor 4, mesh 1,1,1 (spline
 * distance 0), Wiener noise 0.01, FWHM 0.15, 200 bins, and an Otsu mask when none is given
 * (Slicer: "If the mask is not specified, the module will use internally Otsu thresholding").
 * Voxels ≤ 0 are always left out of the fit (log undefined). The bias field is returned with the
 * scale it came out of the fit; corrected = input / bias everywhere (also outside the mask).
 */
import type { Volume } from '../imaging/volume.js';
import { fft1d, ifft1d } from '../radiomics/fft.js';
import { like } from './simple.js';

export interface N4Options {
  /** 1 = in mask; same length as the image. Default: Otsu threshold of the positive voxels. */
  mask?: Uint8Array | 'otsu' | 'positive';
  /** Maximum iterations per fitting level; its length is the number of levels. */
  iterations?: number[];
  convergenceThreshold?: number;
  shrinkFactor?: number;
  /** Spans of the initial B-spline mesh per axis (control points = spans + 3). */
  initialMeshResolution?: [number, number, number];
  /** If > 0: initial spans per axis = max(1, ceil(extent mm / distance)), overriding the mesh. */
  splineDistanceMm?: number;
  wienerNoise?: number;
  fwhm?: number;
  histogramBins?: number;
}

export interface N4Result {
  corrected: Volume<Float32Array>;
  biasField: Volume<Float32Array>;
  /** Iterations run per level and the last convergence value of each level. */
  iterationsRun: number[];
  convergence: number[];
  mask: Uint8Array;
}

export const N4_DEFAULTS = {
  iterations: [50, 40, 30],
  convergenceThreshold: 1e-4,
  shrinkFactor: 4,
  initialMeshResolution: [1, 1, 1] as [number, number, number],
  splineDistanceMm: 0,
  wienerNoise: 0.01,
  fwhm: 0.15,
  histogramBins: 200,
} as const;

/** Otsu threshold (256 bins) of the positive values; mask = value > threshold. */
export function otsuMask(data: ArrayLike<number>): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let o = 0; o < data.length; o++) {
    const x = data[o]!;
    if (x > 0) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  const out = new Uint8Array(data.length);
  if (!(hi > lo)) {
    for (let o = 0; o < data.length; o++) out[o] = data[o]! > 0 ? 1 : 0;
    return out;
  }
  const bins = 256;
  const h = new Float64Array(bins);
  const w = (hi - lo) / bins;
  for (let o = 0; o < data.length; o++) {
    const x = data[o]!;
    if (x > 0) h[Math.min(bins - 1, Math.floor((x - lo) / w))]! += 1;
  }
  let total = 0;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) {
    total += h[b]!;
    sumAll += b * h[b]!;
  }
  let w0 = 0;
  let s0 = 0;
  let best = -1;
  let bestB = 0;
  for (let b = 0; b < bins - 1; b++) {
    w0 += h[b]!;
    s0 += b * h[b]!;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = s0 / w0;
    const m1 = (sumAll - s0) / w1;
    const between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) {
      best = between;
      bestB = b;
    }
  }
  const threshold = lo + (bestB + 1) * w;
  for (let o = 0; o < data.length; o++) out[o] = data[o]! > threshold ? 1 : 0;
  return out;
}

/**
 * Histogram sharpening: returns E[u | û] for every value of `values` (in-mask entries only; others
 * are left 0). Histogram with linear splatting onto `bins` bins between min and max.
 */
export function sharpenValues(
  values: Float64Array,
  mask: Uint8Array,
  bins: number,
  fwhm: number,
  wienerNoise: number,
): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let o = 0; o < values.length; o++) {
    if (!mask[o]) continue;
    const x = values[o]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const out = new Float64Array(values.length);
  if (!(hi > lo)) {
    for (let o = 0; o < values.length; o++) if (mask[o]) out[o] = values[o]!;
    return out;
  }
  const slope = (hi - lo) / (bins - 1);
  const h = new Float64Array(bins);
  for (let o = 0; o < values.length; o++) {
    if (!mask[o]) continue;
    const c = (values[o]! - lo) / slope;
    const b = Math.min(bins - 2, Math.floor(c));
    const f = c - b;
    h[b]! += 1 - f;
    h[b + 1]! += f;
  }
  let n = 1;
  while (n < 2 * bins) n <<= 1;
  const offset = (n - bins) >> 1;
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  for (let b = 0; b < bins; b++) vr[offset + b] = h[b]!;
  // Gaussian of the given FWHM (in bins), centred at 0 with wrap-around, unit area.
  const scaled = fwhm / slope;
  const expFactor = (4 * Math.LN2) / (scaled * scaled);
  const scaleFactor = (2 * Math.sqrt(Math.LN2 / Math.PI)) / scaled;
  const gr = new Float64Array(n);
  const gi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = i <= n / 2 ? i : i - n;
    gr[i] = scaleFactor * Math.exp(-expFactor * d * d);
  }
  let gsum = 0;
  for (let i = 0; i < n; i++) gsum += gr[i]!;
  for (let i = 0; i < n; i++) gr[i] = gr[i]! / gsum;
  fft1d(vr, vi);
  fft1d(gr, gi);
  // Wiener deconvolution: U = V · conj(G) / (|G|² + Z).
  const ur = new Float64Array(n);
  const ui = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = gr[i]!;
    const b = gi[i]!;
    const den = a * a + b * b + wienerNoise;
    ur[i] = (vr[i]! * a + vi[i]! * b) / den;
    ui[i] = (vi[i]! * a - vr[i]! * b) / den;
  }
  ifft1d(ur, ui);
  // E[u | û] = (G ⊛ (u·U)) / (G ⊛ U), U clamped to ≥ 0.
  const nr = new Float64Array(n);
  const ni = new Float64Array(n);
  const dr = new Float64Array(n);
  const di = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(0, ur[i]!);
    dr[i] = u;
    nr[i] = u * (lo + (i - offset) * slope);
  }
  fft1d(nr, ni);
  fft1d(dr, di);
  for (let i = 0; i < n; i++) {
    const a = gr[i]!;
    const b = gi[i]!;
    let x = nr[i]!;
    let y = ni[i]!;
    nr[i] = x * a - y * b;
    ni[i] = x * b + y * a;
    x = dr[i]!;
    y = di[i]!;
    dr[i] = x * a - y * b;
    di[i] = x * b + y * a;
  }
  ifft1d(nr, ni);
  ifft1d(dr, di);
  const e = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const den = dr[offset + b]!;
    e[b] = den > 1e-12 ? nr[offset + b]! / den : lo + b * slope;
  }
  for (let o = 0; o < values.length; o++) {
    if (!mask[o]) continue;
    const c = (values[o]! - lo) / slope;
    const b = Math.min(bins - 2, Math.floor(c));
    const f = c - b;
    out[o] = (1 - f) * e[b]! + f * e[b + 1]!;
  }
  return out;
}

/** Cubic B-spline basis weights at t ∈ [0,1] (also used slightly outside for extrapolation). */
function basis(t: number, w: Float64Array, at: number): void {
  const s = 1 - t;
  const t2 = t * t;
  const t3 = t2 * t;
  w[at] = (s * s * s) / 6;
  w[at + 1] = (3 * t3 - 6 * t2 + 4) / 6;
  w[at + 2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
  w[at + 3] = t3 / 6;
}

/** Per-coordinate span index and 4 weights along one axis. */
interface AxisBasis {
  span: Int32Array;
  w: Float64Array;
}

function axisBasis(coords: Float64Array, fullSize: number, spans: number): AxisBasis {
  const span = new Int32Array(coords.length);
  const w = new Float64Array(coords.length * 4);
  for (let i = 0; i < coords.length; i++) {
    const u = fullSize > 1 ? (coords[i]! / (fullSize - 1)) * spans : 0;
    const s = Math.max(0, Math.min(spans - 1, Math.floor(u)));
    span[i] = s;
    basis(u - s, w, 4 * i);
  }
  return { span, w };
}

/** Lattice of control points (spans+3 per axis), x fastest. */
interface Lattice {
  n: [number, number, number];
  phi: Float64Array;
}

/** Lee et al. BA: control points that approximate `r` (weights `mask`) at the grid points. */
function fitLattice(
  r: Float64Array,
  mask: Uint8Array,
  size: [number, number, number],
  ax: [AxisBasis, AxisBasis, AxisBasis],
  spans: [number, number, number],
): Lattice {
  const n: [number, number, number] = [spans[0] + 3, spans[1] + 3, spans[2] + 3];
  const num = new Float64Array(n[0] * n[1] * n[2]);
  const den = new Float64Array(num.length);
  const [bx, by, bz] = ax;
  const [nx, ny, nz] = size;
  for (let k = 0; k < nz; k++) {
    const sz = bz.span[k]!;
    let sumz = 0;
    for (let c = 0; c < 4; c++) sumz += bz.w[4 * k + c]! ** 2;
    for (let j = 0; j < ny; j++) {
      const sy = by.span[j]!;
      let sumy = 0;
      for (let b = 0; b < 4; b++) sumy += by.w[4 * j + b]! ** 2;
      for (let i = 0; i < nx; i++) {
        const o = i + nx * (j + ny * k);
        if (!mask[o]) continue;
        const sx = bx.span[i]!;
        let sumx = 0;
        for (let a = 0; a < 4; a++) sumx += bx.w[4 * i + a]! ** 2;
        const scale = r[o]! / (sumx * sumy * sumz);
        for (let c = 0; c < 4; c++) {
          const wz = bz.w[4 * k + c]!;
          for (let b = 0; b < 4; b++) {
            const wyz = by.w[4 * j + b]! * wz;
            const row = n[0] * (sy + b + n[1] * (sz + c)) + sx;
            for (let a = 0; a < 4; a++) {
              const wk = bx.w[4 * i + a]! * wyz;
              const w2 = wk * wk;
              num[row + a]! += w2 * wk * scale;
              den[row + a]! += w2;
            }
          }
        }
      }
    }
  }
  for (let q = 0; q < num.length; q++) num[q] = den[q]! > 0 ? num[q]! / den[q]! : 0;
  return { n, phi: num };
}

/** Adds the lattice's field at every grid point to `out` (separable contraction). */
function addLattice(
  lat: Lattice,
  size: [number, number, number],
  ax: [AxisBasis, AxisBasis, AxisBasis],
  out: Float64Array,
): void {
  const [nx, ny, nz] = size;
  const [cx, cy, cz] = lat.n;
  const [bx, by, bz] = ax;
  // t1[i, cy, cz]
  const t1 = new Float64Array(nx * cy * cz);
  for (let q = 0; q < cy * cz; q++) {
    for (let i = 0; i < nx; i++) {
      const s = bx.span[i]!;
      let v = 0;
      for (let a = 0; a < 4; a++) v += bx.w[4 * i + a]! * lat.phi[q * cx + s + a]!;
      t1[q * nx + i] = v;
    }
  }
  // t2[i, j, cz]
  const t2 = new Float64Array(nx * ny * cz);
  for (let c = 0; c < cz; c++) {
    for (let j = 0; j < ny; j++) {
      const s = by.span[j]!;
      const dst = nx * (j + ny * c);
      for (let b = 0; b < 4; b++) {
        const wb = by.w[4 * j + b]!;
        const src = nx * (s + b + cy * c);
        for (let i = 0; i < nx; i++) t2[dst + i]! += wb * t1[src + i]!;
      }
    }
  }
  const plane = nx * ny;
  for (let k = 0; k < nz; k++) {
    const s = bz.span[k]!;
    const dst = plane * k;
    for (let c = 0; c < 4; c++) {
      const wc = bz.w[4 * k + c]!;
      const src = plane * (s + c);
      for (let p = 0; p < plane; p++) out[dst + p]! += wc * t2[src + p]!;
    }
  }
}

export function n4BiasFieldCorrection(image: Volume, options: N4Options = {}): N4Result {
  if ((image.components ?? 1) !== 1) throw new Error('N4: the image must be scalar');
  const iterations = options.iterations ?? [...N4_DEFAULTS.iterations];
  const threshold = options.convergenceThreshold ?? N4_DEFAULTS.convergenceThreshold;
  const f = options.shrinkFactor ?? N4_DEFAULTS.shrinkFactor;
  const bins = options.histogramBins ?? N4_DEFAULTS.histogramBins;
  const fwhm = options.fwhm ?? N4_DEFAULTS.fwhm;
  const wiener = options.wienerNoise ?? N4_DEFAULTS.wienerNoise;
  if (iterations.length < 1 || iterations.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`N4: iterations must be a non-empty list of positive integers, got ${JSON.stringify(iterations)}`);
  }
  if (!Number.isInteger(f) || f < 1) throw new Error(`N4: shrink factor must be a positive integer, got ${f}`);
  if (!Number.isInteger(bins) || bins < 4) throw new Error(`N4: histogram bins must be an integer ≥ 4, got ${bins}`);
  if (!(fwhm > 0)) throw new Error(`N4: FWHM must be > 0, got ${fwhm}`);
  if (!(wiener >= 0)) throw new Error(`N4: Wiener noise must be ≥ 0, got ${wiener}`);
  if (!(threshold >= 0)) throw new Error(`N4: convergence threshold must be ≥ 0, got ${threshold}`);
  const size = image.size;
  const ns: [number, number, number] = [Math.ceil(size[0] / f), Math.ceil(size[1] / f), Math.ceil(size[2] / f)];
  for (let d = 0; d < 3; d++) {
    if (size[d]! > 1 && ns[d]! < 4) {
      throw new Error(
        `N4: image too small for shrink factor ${f}: axis ${d} has ${size[d]} voxels, ${ns[d]} after shrinking (need ≥ 4)`,
      );
    }
  }
  let spans0: [number, number, number] = [...(options.initialMeshResolution ?? N4_DEFAULTS.initialMeshResolution)];
  const dist = options.splineDistanceMm ?? 0;
  if (dist > 0) {
    spans0 = [0, 1, 2].map((d) => Math.max(1, Math.ceil(((size[d]! - 1) * image.spacingMm[d]!) / dist))) as [
      number,
      number,
      number,
    ];
  }
  if (spans0.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error(`N4: mesh resolution must be positive integers, got ${spans0.join(',')}`);
  }

  const nFull = size[0] * size[1] * size[2];
  const data = image.data;
  let mask: Uint8Array;
  if (options.mask instanceof Uint8Array) {
    if (options.mask.length !== nFull) throw new Error(`N4: mask has ${options.mask.length} voxels, image ${nFull}`);
    mask = new Uint8Array(nFull);
    for (let o = 0; o < nFull; o++) mask[o] = options.mask[o] && data[o]! > 0 ? 1 : 0;
  } else if (options.mask === 'positive') {
    mask = new Uint8Array(nFull);
    for (let o = 0; o < nFull; o++) mask[o] = data[o]! > 0 ? 1 : 0;
  } else {
    mask = otsuMask(data);
  }

  // Shrink: block means of log intensities over in-mask voxels; block centres per axis.
  const m = ns[0] * ns[1] * ns[2];
  const logV = new Float64Array(m);
  const count = new Float64Array(m);
  for (let k = 0; k < size[2]; k++) {
    const K = Math.floor(k / f);
    for (let j = 0; j < size[1]; j++) {
      const J = Math.floor(j / f);
      const row = size[0] * (j + size[1] * k);
      const dstRow = ns[0] * (J + ns[1] * K);
      for (let i = 0; i < size[0]; i++) {
        const o = row + i;
        if (!mask[o]) continue;
        const q = dstRow + Math.floor(i / f);
        logV[q]! += Math.log(data[o]!);
        count[q]! += 1;
      }
    }
  }
  const smask = new Uint8Array(m);
  let inMask = 0;
  for (let q = 0; q < m; q++) {
    if (count[q]! > 0) {
      logV[q] = logV[q]! / count[q]!;
      smask[q] = 1;
      inMask++;
    }
  }
  if (inMask === 0) throw new Error('N4: the mask is empty (no positive voxel inside it)');
  const centres = (d: number): Float64Array => {
    const c = new Float64Array(ns[d]!);
    for (let b = 0; b < ns[d]!; b++) {
      const first = b * f;
      const last = Math.min(size[d]! - 1, first + f - 1);
      c[b] = (first + last) / 2;
    }
    return c;
  };
  const shrunkCoords = [centres(0), centres(1), centres(2)];

  const lattices: Lattice[] = [];
  const logBias = new Float64Array(m);
  const iterationsRun: number[] = [];
  const convergence: number[] = [];
  const current = new Float64Array(m);
  const increment = new Float64Array(m);
  for (let level = 0; level < iterations.length; level++) {
    const scale = 2 ** level;
    const spans: [number, number, number] = [
      size[0] > 1 ? spans0[0] * scale : 1,
      size[1] > 1 ? spans0[1] * scale : 1,
      size[2] > 1 ? spans0[2] * scale : 1,
    ];
    const ax: [AxisBasis, AxisBasis, AxisBasis] = [
      axisBasis(shrunkCoords[0]!, size[0], spans[0]),
      axisBasis(shrunkCoords[1]!, size[1], spans[1]),
      axisBasis(shrunkCoords[2]!, size[2], spans[2]),
    ];
    const total: Lattice = { n: [spans[0] + 3, spans[1] + 3, spans[2] + 3], phi: new Float64Array(0) };
    total.phi = new Float64Array(total.n[0] * total.n[1] * total.n[2]);
    let it = 0;
    let cv = Infinity;
    while (it < iterations[level]!) {
      it++;
      for (let q = 0; q < m; q++) current[q] = logV[q]! - logBias[q]!;
      const sharpened = sharpenValues(current, smask, bins, fwhm, wiener);
      const residual = new Float64Array(m);
      for (let q = 0; q < m; q++) if (smask[q]) residual[q] = current[q]! - sharpened[q]!;
      const lat = fitLattice(residual, smask, ns, ax, spans);
      for (let q = 0; q < lat.phi.length; q++) total.phi[q]! += lat.phi[q]!;
      increment.fill(0);
      addLattice(lat, ns, ax, increment);
      let s = 0;
      let s2 = 0;
      for (let q = 0; q < m; q++) {
        logBias[q]! += increment[q]!;
        if (!smask[q]) continue;
        const e = Math.exp(increment[q]!);
        s += e;
        s2 += e * e;
      }
      const mean = s / inMask;
      cv = Math.sqrt(Math.max(0, s2 / inMask - mean * mean)) / mean;
      if (cv < threshold) break;
    }
    lattices.push(total);
    iterationsRun.push(it);
    convergence.push(cv);
  }

  // Full-resolution log bias: sum of every level's lattice at the full-resolution voxel indices.
  const full = new Float64Array(nFull);
  const idx = (d: number): Float64Array => Float64Array.from({ length: size[d]! }, (_, i) => i);
  for (const lat of lattices) {
    const spans: [number, number, number] = [lat.n[0] - 3, lat.n[1] - 3, lat.n[2] - 3];
    const ax: [AxisBasis, AxisBasis, AxisBasis] = [
      axisBasis(idx(0), size[0], spans[0]),
      axisBasis(idx(1), size[1], spans[1]),
      axisBasis(idx(2), size[2], spans[2]),
    ];
    addLattice(lat, [size[0], size[1], size[2]], ax, full);
  }
  const bias = new Float32Array(nFull);
  const corrected = new Float32Array(nFull);
  for (let o = 0; o < nFull; o++) {
    const b = Math.exp(full[o]!);
    bias[o] = b;
    corrected[o] = data[o]! / b;
  }
  return { corrected: like(image, corrected), biasField: like(image, bias), iterationsRun, convergence, mask };
}
