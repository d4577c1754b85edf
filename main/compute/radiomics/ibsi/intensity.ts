/**
 * IBSI chapter 1 intensity families, keyed by IBSI id: intensity-based statistics (§3.3, UHIW) on
 * the ROI intensities, intensity histogram (§3.4, ZVCW) on the discretised intensities,
 * intensity-volume histogram (§3.5, P88C) and local intensity peaks (§3.2, 9ST6).
 *
 * Differences from PyRadiomics' firstorder: kurtosis is the excess kurtosis (− 3), logarithms
 * carry no ε, and the histogram family repeats the statistics on discretised values. Percentiles
 * use linear interpolation between order statistics (numpy's default; IBSI leaves the method open).
 */
import type { Volume } from '../../imaging/volume.js';
import { percentile } from '../firstorder.js';

/** Statistics shared by UHIW (on X) and ZVCW (on X_d); ids per family below. */
function moments(x: Float64Array): Record<string, number> {
  const n = x.length;
  let sum = 0;
  let energy = 0;
  for (const v of x) {
    sum += v;
    energy += v * v;
  }
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let mad = 0;
  for (const v of x) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
    mad += Math.abs(d);
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const sorted = x.slice().sort();
  const p10 = percentile(sorted, 10);
  const p25 = percentile(sorted, 25);
  const p75 = percentile(sorted, 75);
  const p90 = percentile(sorted, 90);
  const median = percentile(sorted, 50);
  let rs = 0;
  let rn = 0;
  for (const v of x)
    if (v >= p10 && v <= p90) {
      rs += v;
      rn++;
    }
  const rmean = rs / rn;
  let rmad = 0;
  let medad = 0;
  for (const v of x) {
    if (v >= p10 && v <= p90) rmad += Math.abs(v - rmean);
    medad += Math.abs(v - median);
  }
  return {
    mean,
    variance: m2,
    skewness: m2 === 0 ? 0 : m3 / Math.pow(m2, 1.5),
    kurtosis: m2 === 0 ? 0 : m4 / (m2 * m2) - 3,
    median,
    minimum: sorted[0]!,
    p10,
    p90,
    maximum: sorted[n - 1]!,
    iqr: p75 - p25,
    range: sorted[n - 1]! - sorted[0]!,
    mad: mad / n,
    rmad: rmad / rn,
    medad: medad / n,
    cov: Math.sqrt(m2) / mean,
    qcod: (p75 - p25) / (p75 + p25),
    energy,
    rms: Math.sqrt(energy / n),
  };
}

export function intensityStatistics(x: Float64Array): Record<string, number> {
  const m = moments(x);
  return {
    Q4LE: m.mean!,
    ECT3: m.variance!,
    KE2A: m.skewness!,
    IPH6: m.kurtosis!,
    Y12H: m.median!,
    '1GSF': m.minimum!,
    QG58: m.p10!,
    '8DWT': m.p90!,
    '84IY': m.maximum!,
    SALO: m.iqr!,
    '2OJQ': m.range!,
    '4FUA': m.mad!,
    '1128': m.rmad!,
    N72L: m.medad!,
    '7TET': m.cov!,
    '9S40': m.qcod!,
    N8CA: m.energy!,
    '5ZWQ': m.rms!,
  };
}

/** Intensity histogram features of discretised levels `xd` (1…ng). */
export function intensityHistogram(xd: Float64Array, ng: number): Record<string, number> {
  const m = moments(xd);
  const n = xd.length;
  const h = new Float64Array(ng);
  for (const v of xd) h[v - 1]!++;
  let mode = 1;
  let entropy = 0;
  let uniformity = 0;
  for (let i = 1; i <= ng; i++) {
    if (h[i - 1]! > h[mode - 1]!) mode = i;
    const p = h[i - 1]! / n;
    if (p > 0) entropy -= p * Math.log2(p);
    uniformity += p * p;
  }
  // Histogram gradient: central differences inside, one-sided at the ends.
  let maxG = -Infinity;
  let maxGi = 0;
  let minG = Infinity;
  let minGi = 0;
  for (let i = 1; i <= ng; i++) {
    const g = ng === 1 ? 0 : i === 1 ? h[1]! - h[0]! : i === ng ? h[ng - 1]! - h[ng - 2]! : (h[i]! - h[i - 2]!) / 2;
    if (g > maxG) {
      maxG = g;
      maxGi = i;
    }
    if (g < minG) {
      minG = g;
      minGi = i;
    }
  }
  return {
    X6K6: m.mean!,
    CH89: m.variance!,
    '88K1': m.skewness!,
    C3I7: m.kurtosis!,
    WIFQ: m.median!,
    '1PR8': m.minimum!,
    GPMT: m.p10!,
    OZ0C: m.p90!,
    '3NCY': m.maximum!,
    AMMC: mode,
    WR0O: m.iqr!,
    '5Z3W': m.range!,
    D2ZX: m.mad!,
    WRZB: m.rmad!,
    '4RNL': m.medad!,
    CWYJ: m.cov!,
    SLWD: m.qcod!,
    TLU2: entropy,
    BJ5W: uniformity,
    '12CE': maxG,
    '8E6O': maxGi,
    VQB3: minG,
    RHQZ: minGi,
  };
}

/**
 * Intensity-volume histogram on values `v` represented on the grid lo, lo + w, …, hi:
 * ν(i) = fraction of voxels with value ≥ i, γ(i) = (i − lo)/(hi − lo).
 * V_x = ν at the first i with γ ≥ x; I_x = the first i with ν ≤ x (IBSI BC2M, GBPN).
 */
export function intensityVolumeHistogram(v: Float64Array, lo: number, hi: number, w: number): Record<string, number> {
  const steps = Math.max(1, Math.round((hi - lo) / w));
  const n = v.length;
  // ν on the grid from one pass: voxels per grid step, then a suffix sum (values between grid
  // points count towards the grid points at or below them).
  const perStep = new Float64Array(steps + 2);
  for (const x of v) {
    const s = Math.floor((x - lo) / w + 1e-9);
    perStep[Math.min(Math.max(s, 0), steps + 1)]!++;
  }
  const nu = new Float64Array(steps + 2);
  for (let s = steps + 1, acc = 0; s >= 0; s--) {
    acc += perStep[s]!;
    nu[s] = acc / n;
  }
  const volumeAt = (x: number) => {
    for (let s = 0; s <= steps; s++) if (s / steps >= x - 1e-12) return nu[s]!;
    return 0;
  };
  const intensityAt = (x: number) => {
    for (let s = 0; s <= steps; s++) if (nu[s]! <= x) return lo + s * w;
    return hi + w;
  };
  const v10 = volumeAt(0.1);
  const v90 = volumeAt(0.9);
  const i10 = intensityAt(0.1);
  const i90 = intensityAt(0.9);
  return { BC2M_V10: v10, BC2M_V90: v90, GBPN_I10: i10, GBPN_I90: i90, DDTU: v10 - v90, CNV2: i10 - i90 };
}

/**
 * Local (VJGA) and global (0F91) intensity peaks: the mean image intensity within a 1 cm³ sphere
 * (radius (3/(4π))^⅓ cm ≈ 6.2 mm, voxel centres inside) around a ROI voxel — the ROI's brightest
 * voxel(s) for the local peak, any ROI voxel for the global one. The sphere uses the whole image.
 */
export function intensityPeaks(image: Volume, roi: Uint8Array): Record<string, number> {
  const [nx, ny, nz] = image.size;
  const [sx, sy, sz] = image.spacingMm;
  const r = 10 * Math.cbrt(3 / (4 * Math.PI));
  const rx = Math.floor(r / sx);
  const ry = Math.floor(r / sy);
  const rz = Math.floor(r / sz);
  const ox: number[] = [];
  const oy: number[] = [];
  const oz: number[] = [];
  for (let c = -rz; c <= rz; c++)
    for (let b = -ry; b <= ry; b++)
      for (let a = -rx; a <= rx; a++)
        if ((a * sx) ** 2 + (b * sy) ** 2 + (c * sz) ** 2 <= r * r) {
          ox.push(a);
          oy.push(b);
          oz.push(c);
        }
  const dx = Int32Array.from(ox);
  const dy = Int32Array.from(oy);
  const dz = Int32Array.from(oz);
  const lin = Int32Array.from(ox.map((a, e) => a + nx * (oy[e]! + ny * oz[e]!)));
  const m = lin.length;
  const data = image.data;
  const peakAt = (i: number, j: number, k: number, o: number) => {
    let s = 0;
    let count = 0;
    const inside = i >= rx && j >= ry && k >= rz && i < nx - rx && j < ny - ry && k < nz - rz;
    for (let e = 0; e < m; e++) {
      if (!inside) {
        const x = i + dx[e]!;
        const y = j + dy[e]!;
        const z = k + dz[e]!;
        if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) continue;
      }
      s += data[o + lin[e]!]!;
      count++;
    }
    return s / count;
  };
  let max = -Infinity;
  for (let o = 0; o < roi.length; o++) if (roi[o] && data[o]! > max) max = data[o]!;
  let local = -Infinity;
  let global = -Infinity;
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        if (!roi[o]) continue;
        const p = peakAt(i, j, k, o);
        if (p > global) global = p;
        if (data[o] === max && p > local) local = p;
      }
  return { VJGA: local, '0F91': global };
}
