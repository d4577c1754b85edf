/**
 * Laplacian of Gaussian as PyRadiomics 3 computes its `log-sigma-<σ>-mm-3D` image types
 * (imageoperations.getLoGImage): SimpleITK `LaplacianRecursiveGaussianImageFilter` with
 * NormalizeAcrossScale on and σ in mm, i.e. σ² · Σ_d ∂²(G_σ ∗ I)/∂x_d² in physical units.
 *
 * Definitions (read from ITK 5, Apache-2.0; this is an independent implementation):
 * - R. Deriche, "Recursively implementing the Gaussian and its derivatives", INRIA RR-1893,
 *   1993: 4th-order causal + anti-causal IIR approximations of the Gaussian (order 0) and its
 *   second derivative (order 2), with parameters a0, a1, b0, b1, ω0, ω1, λ0, λ1 as tabulated by
 *   ITK's `RecursiveGaussianImageFilter::SetUp` (values below).
 * - ITK normalises the order-0 filter to unit DC gain and the order-2 filter to the exact second
 *   moment (alpha0, alpha2, beta in SetUp), multiplies the order-2 filter by σ² (mm) when
 *   normalising across scale, and starts each pass as if the border sample extended to
 *   infinity (RecursiveSeparableImageFilter::FilterDataArray).
 * - LaplacianRecursiveGaussianImageFilter: for each axis d, order 2 along d, then order 0 along
 *   the other axes in increasing order, each pass stored as float32 (ITK's InternalRealType);
 *   the sum accumulates in float32 as acc + pass · (1 / spacing_d²). SimpleITK outputs float32.
 *
 * Lines are filtered in double precision; intermediate images are Float32Array as in ITK.
 */
import type { Vec3, Volume } from '../imaging/volume.js';

/** Coefficients of one recursive pass (ITK names: N causal, M anti-causal, D feedback, B border). */
interface RecursiveCoefficients {
  n0: number;
  n1: number;
  n2: number;
  n3: number;
  m1: number;
  m2: number;
  m3: number;
  m4: number;
  d1: number;
  d2: number;
  d3: number;
  d4: number;
  bn1: number;
  bn2: number;
  bn3: number;
  bn4: number;
  bm1: number;
  bm2: number;
  bm3: number;
  bm4: number;
}

// Deriche's parameters as tabulated in ITK (index = derivative order 0, 1, 2).
const A1 = [1.353, -0.6724, -1.3563];
const B1 = [1.8151, -3.4327, 5.2318];
const A2 = [-0.3531, 0.6724, 0.3446];
const B2 = [0.0902, 0.61, -2.2355];
const W1 = 0.6681;
const L1 = -1.3932;
const W2 = 2.0787;
const L2 = -1.3732;

function nCoefficients(
  sigmad: number,
  order: number,
): { n: [number, number, number, number]; sn: number; dn: number; en: number } {
  const a1 = A1[order]!;
  const b1 = B1[order]!;
  const a2 = A2[order]!;
  const b2 = B2[order]!;
  const sin1 = Math.sin(W1 / sigmad);
  const sin2 = Math.sin(W2 / sigmad);
  const cos1 = Math.cos(W1 / sigmad);
  const cos2 = Math.cos(W2 / sigmad);
  const exp1 = Math.exp(L1 / sigmad);
  const exp2 = Math.exp(L2 / sigmad);
  const n0 = a1 + a2;
  let n1 = exp2 * (b2 * sin2 - (a2 + 2 * a1) * cos2);
  n1 += exp1 * (b1 * sin1 - (a1 + 2 * a2) * cos1);
  let n2 = (a1 + a2) * cos2 * cos1;
  n2 -= b1 * cos2 * sin1 + b2 * cos1 * sin2;
  n2 *= 2 * exp1 * exp2;
  n2 += a2 * exp1 * exp1 + a1 * exp2 * exp2;
  let n3 = exp2 * exp1 * exp1 * (b2 * sin2 - a2 * cos2);
  n3 += exp1 * exp2 * exp2 * (b1 * sin1 - a1 * cos1);
  return { n: [n0, n1, n2, n3], sn: n0 + n1 + n2 + n3, dn: n1 + 2 * n2 + 3 * n3, en: n1 + 4 * n2 + 9 * n3 };
}

/**
 * ITK RecursiveGaussianImageFilter::SetUp for order 0 or 2 (both symmetric), σ in mm, spacing in
 * mm, with across-scale normalisation σ² for order 2 when `normalize`.
 */
export function gaussianCoefficients(
  sigmaMm: number,
  spacingMm: number,
  order: 0 | 2,
  normalize: boolean,
): RecursiveCoefficients {
  const sigmad = sigmaMm / spacingMm;
  const cos1 = Math.cos(W1 / sigmad);
  const cos2 = Math.cos(W2 / sigmad);
  const exp1 = Math.exp(L1 / sigmad);
  const exp2 = Math.exp(L2 / sigmad);
  const d4 = exp1 * exp1 * exp2 * exp2;
  let d3 = -2 * cos1 * exp1 * exp2 * exp2;
  d3 += -2 * cos2 * exp2 * exp1 * exp1;
  let d2 = 4 * cos2 * cos1 * exp1 * exp2;
  d2 += exp1 * exp1 + exp2 * exp2;
  const d1 = -2 * (exp2 * cos2 + exp1 * cos1);
  const sd = 1.0 + d1 + d2 + d3 + d4;
  const dd = d1 + 2 * d2 + 3 * d3 + 4 * d4;
  const ed = d1 + 4 * d2 + 9 * d3 + 16 * d4;

  let n: [number, number, number, number];
  let scale: number;
  if (order === 0) {
    const c = nCoefficients(sigmad, 0);
    n = c.n;
    scale = 1 / ((2 * c.sn) / sd - n[0]);
  } else {
    const c0 = nCoefficients(sigmad, 0);
    const c2 = nCoefficients(sigmad, 2);
    const beta = -(2 * c2.sn - sd * c2.n[0]) / (2 * c0.sn - sd * c0.n[0]);
    n = [c2.n[0] + beta * c0.n[0], c2.n[1] + beta * c0.n[1], c2.n[2] + beta * c0.n[2], c2.n[3] + beta * c0.n[3]];
    const sn = c2.sn + beta * c0.sn;
    const dn = c2.dn + beta * c0.dn;
    const en = c2.en + beta * c0.en;
    let alpha2 = en * sd * sd - ed * sn * sd - 2 * dn * dd * sd + 2 * dd * dd * sn;
    alpha2 /= sd * sd * sd;
    scale = (normalize ? sigmaMm * sigmaMm : 1) / alpha2;
  }
  const [n0, n1, n2, n3] = [n[0] * scale, n[1] * scale, n[2] * scale, n[3] * scale];
  // Symmetric filters (orders 0 and 2): ComputeRemainingCoefficients(symmetric = true).
  const m1 = n1 - d1 * n0;
  const m2 = n2 - d2 * n0;
  const m3 = n3 - d3 * n0;
  const m4 = -d4 * n0;
  const sN = n0 + n1 + n2 + n3;
  const sM = m1 + m2 + m3 + m4;
  const sD = 1.0 + d1 + d2 + d3 + d4;
  return {
    n0,
    n1,
    n2,
    n3,
    m1,
    m2,
    m3,
    m4,
    d1,
    d2,
    d3,
    d4,
    bn1: (d1 * sN) / sD,
    bn2: (d2 * sN) / sD,
    bn3: (d3 * sN) / sD,
    bn4: (d4 * sN) / sD,
    bm1: (d1 * sM) / sD,
    bm2: (d2 * sM) / sD,
    bm3: (d3 * sM) / sD,
    bm4: (d4 * sM) / sD,
  };
}

/**
 * One line (length ln ≥ 4): causal pass into `out`, anti-causal pass into `scratch`, summed into
 * `out`. The border value is taken to extend to infinity on each side.
 */
export function filterLine(
  c: RecursiveCoefficients,
  data: Float64Array,
  out: Float64Array,
  scratch: Float64Array,
  ln: number,
): void {
  const v1 = data[0]!;
  out[0] = v1 * c.n0 + v1 * c.n1 + v1 * c.n2 + v1 * c.n3;
  out[1] = data[1]! * c.n0 + v1 * c.n1 + v1 * c.n2 + v1 * c.n3;
  out[2] = data[2]! * c.n0 + data[1]! * c.n1 + v1 * c.n2 + v1 * c.n3;
  out[3] = data[3]! * c.n0 + data[2]! * c.n1 + data[1]! * c.n2 + v1 * c.n3;
  out[0] -= v1 * c.bn1 + v1 * c.bn2 + v1 * c.bn3 + v1 * c.bn4;
  out[1] -= out[0]! * c.d1 + v1 * c.bn2 + v1 * c.bn3 + v1 * c.bn4;
  out[2] -= out[1]! * c.d1 + out[0]! * c.d2 + v1 * c.bn3 + v1 * c.bn4;
  out[3] -= out[2]! * c.d1 + out[1]! * c.d2 + out[0]! * c.d3 + v1 * c.bn4;
  for (let i = 4; i < ln; i++) {
    out[i] = data[i]! * c.n0 + data[i - 1]! * c.n1 + data[i - 2]! * c.n2 + data[i - 3]! * c.n3;
    out[i] -= out[i - 1]! * c.d1 + out[i - 2]! * c.d2 + out[i - 3]! * c.d3 + out[i - 4]! * c.d4;
  }

  const v2 = data[ln - 1]!;
  const s = scratch;
  s[ln - 1] = v2 * c.m1 + v2 * c.m2 + v2 * c.m3 + v2 * c.m4;
  s[ln - 2] = data[ln - 1]! * c.m1 + v2 * c.m2 + v2 * c.m3 + v2 * c.m4;
  s[ln - 3] = data[ln - 2]! * c.m1 + data[ln - 1]! * c.m2 + v2 * c.m3 + v2 * c.m4;
  s[ln - 4] = data[ln - 3]! * c.m1 + data[ln - 2]! * c.m2 + data[ln - 1]! * c.m3 + v2 * c.m4;
  s[ln - 1] -= v2 * c.bm1 + v2 * c.bm2 + v2 * c.bm3 + v2 * c.bm4;
  s[ln - 2] -= s[ln - 1]! * c.d1 + v2 * c.bm2 + v2 * c.bm3 + v2 * c.bm4;
  s[ln - 3] -= s[ln - 2]! * c.d1 + s[ln - 1]! * c.d2 + v2 * c.bm3 + v2 * c.bm4;
  s[ln - 4] -= s[ln - 3]! * c.d1 + s[ln - 2]! * c.d2 + s[ln - 1]! * c.d3 + v2 * c.bm4;
  for (let i = ln - 4; i > 0; i--) {
    s[i - 1] = data[i]! * c.m1 + data[i + 1]! * c.m2 + data[i + 2]! * c.m3 + data[i + 3]! * c.m4;
    s[i - 1] -= s[i]! * c.d1 + s[i + 1]! * c.d2 + s[i + 2]! * c.d3 + s[i + 3]! * c.d4;
  }
  for (let i = 0; i < ln; i++) out[i] += s[i]!;
}

/**
 * filterLine on `w` lines at once, interleaved: sample t of line q at data[t · w + q]. Every line
 * gets exactly filterLine's operations in the same order (the loops over q are innermost), so the
 * results are identical; the interleaving turns the strided y and z passes into flat row copies.
 */
function filterLines(
  c: RecursiveCoefficients,
  data: Float64Array,
  out: Float64Array,
  s: Float64Array,
  ln: number,
  w: number,
): void {
  const { n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4, bn1, bn2, bn3, bn4, bm1, bm2, bm3, bm4 } = c;
  const r1 = w;
  const r2 = 2 * w;
  const r3 = 3 * w;
  for (let q = 0; q < w; q++) {
    const v1 = data[q]!;
    const x1 = data[r1 + q]!;
    const x2 = data[r2 + q]!;
    const x3 = data[r3 + q]!;
    let o0 = v1 * n0 + v1 * n1 + v1 * n2 + v1 * n3;
    let o1 = x1 * n0 + v1 * n1 + v1 * n2 + v1 * n3;
    let o2 = x2 * n0 + x1 * n1 + v1 * n2 + v1 * n3;
    let o3 = x3 * n0 + x2 * n1 + x1 * n2 + v1 * n3;
    o0 -= v1 * bn1 + v1 * bn2 + v1 * bn3 + v1 * bn4;
    o1 -= o0 * d1 + v1 * bn2 + v1 * bn3 + v1 * bn4;
    o2 -= o1 * d1 + o0 * d2 + v1 * bn3 + v1 * bn4;
    o3 -= o2 * d1 + o1 * d2 + o0 * d3 + v1 * bn4;
    out[q] = o0;
    out[r1 + q] = o1;
    out[r2 + q] = o2;
    out[r3 + q] = o3;
  }
  for (let i = 4; i < ln; i++) {
    const at = i * w;
    for (let q = at; q < at + w; q++) {
      let o = data[q]! * n0 + data[q - r1]! * n1 + data[q - r2]! * n2 + data[q - r3]! * n3;
      o -= out[q - r1]! * d1 + out[q - r2]! * d2 + out[q - r3]! * d3 + out[q - 4 * w]! * d4;
      out[q] = o;
    }
  }
  const e1 = (ln - 1) * w;
  const e2 = (ln - 2) * w;
  const e3 = (ln - 3) * w;
  const e4 = (ln - 4) * w;
  for (let q = 0; q < w; q++) {
    const v2 = data[e1 + q]!;
    const y2 = data[e2 + q]!;
    const y3 = data[e3 + q]!;
    let s1 = v2 * m1 + v2 * m2 + v2 * m3 + v2 * m4;
    let s2 = data[e1 + q]! * m1 + v2 * m2 + v2 * m3 + v2 * m4;
    let s3 = y2 * m1 + data[e1 + q]! * m2 + v2 * m3 + v2 * m4;
    let s4 = y3 * m1 + y2 * m2 + data[e1 + q]! * m3 + v2 * m4;
    s1 -= v2 * bm1 + v2 * bm2 + v2 * bm3 + v2 * bm4;
    s2 -= s1 * d1 + v2 * bm2 + v2 * bm3 + v2 * bm4;
    s3 -= s2 * d1 + s1 * d2 + v2 * bm3 + v2 * bm4;
    s4 -= s3 * d1 + s2 * d2 + s1 * d3 + v2 * bm4;
    s[e1 + q] = s1;
    s[e2 + q] = s2;
    s[e3 + q] = s3;
    s[e4 + q] = s4;
  }
  for (let i = ln - 4; i > 0; i--) {
    const at = (i - 1) * w;
    for (let q = at; q < at + w; q++) {
      let v = data[q + r1]! * m1 + data[q + r2]! * m2 + data[q + r3]! * m3 + data[q + 4 * w]! * m4;
      v -= s[q + r1]! * d1 + s[q + r2]! * d2 + s[q + r3]! * d3 + s[q + 4 * w]! * d4;
      s[q] = v;
    }
  }
  for (let q = 0; q < ln * w; q++) out[q] = out[q]! + s[q]!;
}

/**
 * Applies one recursive pass along `axis` of `src` (x-fastest, `size`), writing float32 to `dst`.
 * Only the lines whose coordinates on the two other axes lie in [lower, upper] are filtered
 * (each of them whole: the recursion runs along the entire line). Along y and z, the lines of
 * one x row are filtered together (filterLines), read and written as contiguous rows.
 */
function recursivePass(
  src: ArrayLike<number>,
  dst: Float32Array,
  size: Vec3,
  axis: number,
  c: RecursiveCoefficients,
  buf: Float64Array[],
  lower: Vec3,
  upper: Vec3,
): void {
  const [nx, ny] = size;
  const n = size[axis]!;
  const [line, out, scratch] = buf as [Float64Array, Float64Array, Float64Array];
  if (axis === 0) {
    for (let k = lower[2]; k <= upper[2]; k++)
      for (let j = lower[1]; j <= upper[1]; j++) {
        const base = nx * (j + ny * k);
        for (let t = 0; t < n; t++) line[t] = src[base + t]!;
        filterLine(c, line, out, scratch, n);
        for (let t = 0; t < n; t++) dst[base + t] = out[t]!;
      }
    return;
  }
  // Lines along y (indexed by i, k) or z (by i, j): one block per value of the slower index b.
  const stride = axis === 1 ? nx : nx * ny;
  const axisB = axis === 1 ? 2 : 1;
  const strideB = axisB === 2 ? nx * ny : nx;
  const i0 = lower[0];
  const w = upper[0] - lower[0] + 1;
  for (let b = lower[axisB]!; b <= upper[axisB]!; b++) {
    const base = b * strideB + i0;
    for (let t = 0; t < n; t++) {
      const from = base + t * stride;
      const to = t * w;
      for (let q = 0; q < w; q++) line[to + q] = src[from + q]!;
    }
    filterLines(c, line, out, scratch, n, w);
    for (let t = 0; t < n; t++) {
      const to = base + t * stride;
      const from = t * w;
      for (let q = 0; q < w; q++) dst[to + q] = out[from + q]!;
    }
  }
}

/** PyRadiomics' LoG size rule: every axis at least ⌈σ/spacing⌉ + 1 voxels (and ITK needs ≥ 4). */
export function logApplicable(size: Vec3, spacingMm: Vec3, sigmaMm: number): boolean {
  if (!(sigmaMm > 0)) return false;
  for (let d = 0; d < 3; d++) {
    if (size[d]! < 4) return false;
    if (size[d]! < Math.ceil(sigmaMm / spacingMm[d]!) + 1) return false;
  }
  return true;
}

/**
 * Scale-normalised LoG of a scalar volume (σ in mm), float32 output with the input geometry.
 * Throws if an axis is shorter than 4 voxels or σ ≤ 0; see `logApplicable` for PyRadiomics' rule.
 *
 * With `region` (inclusive voxel box) only that box of the LoG image is returned, placed where it
 * lies in the image. The filter still runs over the whole image, but each term's second and third
 * passes filter only the lines that reach the box (the first pass is needed everywhere): the
 * values are bit-identical to the whole-image result's.
 */
export function laplacianOfGaussian(
  image: Volume,
  sigmaMm: number,
  normalizeAcrossScale = true,
  region?: { lower: Vec3; upper: Vec3 },
): Volume<Float32Array> {
  if (!(sigmaMm > 0)) throw new Error(`LoG sigma must be greater than 0, got ${sigmaMm}`);
  if ((image.components ?? 1) !== 1) throw new Error('LoG needs a scalar image');
  const size: Vec3 = [...image.size];
  if (size.some((s) => s < 4)) throw new Error(`LoG needs at least 4 voxels along every axis, image size is ${size.join('×')}`);
  const box = region ?? { lower: [0, 0, 0] as Vec3, upper: [size[0] - 1, size[1] - 1, size[2] - 1] as Vec3 };
  for (let a = 0; a < 3; a++) {
    const [lo, hi] = [box.lower[a]!, box.upper[a]!];
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < lo || hi >= size[a]!) {
      throw new Error(
        `LoG region [${box.lower.join(', ')}]–[${box.upper.join(', ')}] is not inside the image (size ${size.join('×')})`,
      );
    }
  }
  const n = size[0] * size[1] * size[2];
  // Line buffers: one x line, or one x row of y or z lines (interleaved).
  const bufLen = Math.max(size[0], size[0] * size[1], size[0] * size[2]);
  const buf = [new Float64Array(bufLen), new Float64Array(bufLen), new Float64Array(bufLen)];
  const out: Vec3 = [box.upper[0] - box.lower[0] + 1, box.upper[1] - box.lower[1] + 1, box.upper[2] - box.lower[2] + 1];
  const acc = new Float32Array(out[0] * out[1] * out[2]);
  const tmpA = new Float32Array(n);
  const tmpB = new Float32Array(n);
  const all: Vec3 = [size[0] - 1, size[1] - 1, size[2] - 1];
  for (let dim = 0; dim < 3; dim++) {
    const sp = image.spacingMm[dim]!;
    recursivePass(image.data, tmpA, size, dim, gaussianCoefficients(sigmaMm, sp, 2, normalizeAcrossScale), buf, [0, 0, 0], all);
    let src = tmpA;
    let dst = tmpB;
    // Lines needed by the later passes: along the axes already filtered, only the box's range.
    const lower: Vec3 = [0, 0, 0];
    const upper: Vec3 = [...all];
    lower[dim] = box.lower[dim]!;
    upper[dim] = box.upper[dim]!;
    for (let other = 0; other < 3; other++) {
      if (other === dim) continue;
      const c = gaussianCoefficients(sigmaMm, image.spacingMm[other]!, 0, normalizeAcrossScale);
      recursivePass(src, dst, size, other, c, buf, lower, upper);
      lower[other] = box.lower[other]!;
      upper[other] = box.upper[other]!;
      [src, dst] = [dst, src];
    }
    const inv = 1.0 / (sp * sp);
    for (let k = 0, o = 0; k < out[2]; k++)
      for (let j = 0; j < out[1]; j++) {
        const row = box.lower[0] + size[0] * (box.lower[1] + j + size[1] * (box.lower[2] + k));
        for (let i = 0; i < out[0]; i++, o++) acc[o] = acc[o]! + src[row + i]! * inv;
      }
  }
  const d = image.direction;
  const spacing = image.spacingMm;
  const originMm = [0, 1, 2].map(
    (r) =>
      image.originMm[r]! +
      d[r * 3]! * box.lower[0] * spacing[0] +
      d[r * 3 + 1]! * box.lower[1] * spacing[1] +
      d[r * 3 + 2]! * box.lower[2] * spacing[2],
  ) as Vec3;
  return { size: out, spacingMm: [...spacing], originMm, direction: [...d], data: acc };
}

/** PyRadiomics' image-type name: `log-sigma-` + Python `str(float(σ))` with '.' → '-' + `-mm-3D`. */
export function logImageName(sigmaMm: number): string {
  const text = Number.isInteger(sigmaMm) ? sigmaMm.toFixed(1) : String(sigmaMm);
  return `log-sigma-${text.replace('.', '-')}-mm-3D`;
}
