/**
 * IBSI chapter 1 texture features (§3.6 GLCM LFYI, §3.7 GLRLM TP0I, §3.8 GLSZM 9SAK, §3.9 GLDZM
 * VMDZ, §3.10 NGTDM IPET, §3.11 NGLDM REK0) keyed by IBSI feature id, and the aggregation
 * methods (2D averaged BTW3 / slice-merged SUJT, 2.5D direction-merged JJUI / merged ZW7Z,
 * 3D averaged ITBB / merged IAZD; non-directional 2D 8QNN, 2.5D 62GR, 3D KOBO).
 *
 * IBSI definitions differ from PyRadiomics' in small ways that matter here: logarithms have no
 * ε, grey levels are 1…N_g with absent levels kept, GLCM correlation uses the marginal standard
 * deviations, and "merged" sums counts (and N_v) before computing features.
 */
import { toneDifferenceFeatures } from '../ngtdm.js';
import type { CountMatrix, Dimensionality, IbsiRoi } from './matrices.js';
import { glcmMatrices, glrlmMatrices, neighbourhoodMatrices, zoneMatrices } from './matrices.js';

export type Aggregation = 'BTW3' | 'SUJT' | 'JJUI' | 'ZW7Z' | 'ITBB' | 'IAZD' | '8QNN' | '62GR' | 'KOBO';

const xlogx = (p: number) => (p > 0 ? p * Math.log2(p) : 0);

/** GLCM features of one symmetric count matrix (N_g × N_g). */
export function glcmFeaturesIbsi(counts: Float64Array, ng: number): Record<string, number> {
  let total = 0;
  for (const v of counts) total += v;
  const p = counts.map((v) => v / total);
  const px = new Float64Array(ng);
  const py = new Float64Array(ng);
  const pSum = new Float64Array(2 * ng + 1);
  const pDiff = new Float64Array(ng);
  let maxP = 0;
  let mu = 0;
  let ac = 0;
  let asm = 0;
  let hxy = 0;
  let contrast = 0;
  let dis = 0;
  let id = 0;
  let idn = 0;
  let idm = 0;
  let idmn = 0;
  for (let i = 1; i <= ng; i++)
    for (let j = 1; j <= ng; j++) {
      const v = p[(i - 1) * ng + j - 1]!;
      if (v === 0) continue;
      px[i - 1]! += v;
      py[j - 1]! += v;
      pSum[i + j]! += v;
      pDiff[Math.abs(i - j)]! += v;
      maxP = Math.max(maxP, v);
      mu += i * v;
      ac += i * j * v;
      asm += v * v;
      hxy -= xlogx(v);
      const d = Math.abs(i - j);
      contrast += d * d * v;
      dis += d * v;
      id += v / (1 + d);
      idn += v / (1 + d / ng);
      idm += v / (1 + d * d);
      idmn += v / (1 + (d * d) / (ng * ng));
    }
  let muX = 0;
  let muY = 0;
  for (let i = 1; i <= ng; i++) {
    muX += i * px[i - 1]!;
    muY += i * py[i - 1]!;
  }
  let jv = 0;
  let sx2 = 0;
  let sy2 = 0;
  let ct = 0;
  let cs = 0;
  let cp = 0;
  let hxy1 = 0;
  let hxy2 = 0;
  for (let i = 1; i <= ng; i++) {
    sx2 += (i - muX) ** 2 * px[i - 1]!;
    sy2 += (i - muY) ** 2 * py[i - 1]!;
    for (let j = 1; j <= ng; j++) {
      const v = p[(i - 1) * ng + j - 1]!;
      const pxy = px[i - 1]! * py[j - 1]!;
      if (pxy > 0) {
        hxy1 -= v * Math.log2(pxy);
        hxy2 -= pxy * Math.log2(pxy);
      }
      if (v === 0) continue;
      jv += (i - mu) ** 2 * v;
      const t = i + j - muX - muY;
      ct += t * t * v;
      cs += t * t * t * v;
      cp += t * t * t * t * v;
    }
  }
  let hx = 0;
  for (const v of px) hx -= xlogx(v);
  let hy = 0;
  for (const v of py) hy -= xlogx(v);
  let da = 0;
  let de = 0;
  let iv = 0;
  for (let k = 0; k < ng; k++) {
    da += k * pDiff[k]!;
    de -= xlogx(pDiff[k]!);
    if (k > 0) iv += pDiff[k]! / (k * k);
  }
  let dv = 0;
  for (let k = 0; k < ng; k++) dv += (k - da) ** 2 * pDiff[k]!;
  let sa = 0;
  let se = 0;
  for (let k = 2; k <= 2 * ng; k++) {
    sa += k * pSum[k]!;
    se -= xlogx(pSum[k]!);
  }
  let sv = 0;
  for (let k = 2; k <= 2 * ng; k++) sv += (k - sa) ** 2 * pSum[k]!;
  return {
    GYBY: maxP,
    '60VM': mu,
    UR99: jv,
    TU9B: hxy,
    TF7R: da,
    D3YU: dv,
    NTRS: de,
    ZGXS: sa,
    OEEB: sv,
    P6QZ: se,
    '8ZQL': asm,
    ACUI: contrast,
    '8S9J': dis,
    IB1Z: id,
    NDRX: idn,
    WF0Z: idm,
    '1QCO': idmn,
    E8JP: iv,
    NI2N: (ac - muX * muY) / Math.sqrt(sx2 * sy2),
    QWB0: ac,
    DG8W: ct,
    '7NFM': cs,
    AE86: cp,
    R8DG: (hxy - hxy1) / Math.max(hx, hy),
    JN9H: Math.sqrt(Math.max(0, 1 - Math.exp(-2 * (hxy2 - hxy)))),
  };
}

/** Feature ids of the run-length-like families, in the order computed by `runLikeFeatures`. */
const RUN_LIKE_IDS = {
  glrlm: [
    '22OV',
    'W4KF',
    'V3SW',
    'G3QZ',
    'HTZT',
    'GD3A',
    'IVPO',
    '3KUM',
    'R5YN',
    'OVBL',
    'W92Y',
    'IC23',
    '9ZK5',
    '8CE5',
    'SXLW',
    'HJ9O',
  ],
  glszm: [
    '5QRC',
    '48P8',
    'XMSY',
    '5GN9',
    '5RAI',
    'HW1V',
    'YH51',
    'J17V',
    'JNSA',
    'Y1RO',
    '4JP3',
    'VB3A',
    'P30P',
    'BYLV',
    '3NSA',
    'GU8N',
  ],
  gldzm: [
    '0GBI',
    'MB4I',
    'S1RA',
    'K26C',
    'RUVG',
    'DKNJ',
    'A7WM',
    'KLTH',
    'VFT7',
    '7HP3',
    'V294',
    'IATH',
    'VIWW',
    'QK93',
    '7WT1',
    'GBDU',
  ],
  ngldm: [
    'SODN',
    'IMOQ',
    'TL9H',
    'OAE7',
    'EQ3F',
    'JA6D',
    'NBZI',
    '9QMG',
    'FP8K',
    '5SPA',
    'Z87G',
    'OKJI',
    '6XV8',
    '1PFV',
    'DNX2',
    'FCBV',
  ],
} as const;

/**
 * Features shared by GLRLM, GLSZM, GLDZM and NGLDM on a count matrix M(i, j) (i grey level,
 * j run length / zone size / distance / dependence count): short/long j emphasis, low/high grey
 * emphasis and their products, grey and j non-uniformity (plain and normalised), N_s / N_v,
 * grey and j variance, entropy; NGLDM adds the energy (CAS9).
 */
export function runLikeFeatures(
  family: keyof typeof RUN_LIKE_IDS,
  counts: Float64Array,
  ng: number,
  nj: number,
  voxels: number,
): Record<string, number> {
  const gi = new Float64Array(ng);
  const gj = new Float64Array(nj);
  let ns = 0;
  for (let i = 0; i < ng; i++)
    for (let j = 0; j < nj; j++) {
      const v = counts[i * nj + j]!;
      gi[i]! += v;
      gj[j]! += v;
      ns += v;
    }
  const f = new Float64Array(16);
  let mi = 0;
  let mj = 0;
  let energy = 0;
  for (let i = 1; i <= ng; i++)
    for (let j = 1; j <= nj; j++) {
      const v = counts[(i - 1) * nj + j - 1]!;
      if (v === 0) continue;
      const i2 = i * i;
      const j2 = j * j;
      f[0]! += v / j2;
      f[1]! += v * j2;
      f[2]! += v / i2;
      f[3]! += v * i2;
      f[4]! += v / (i2 * j2);
      f[5]! += (v * i2) / j2;
      f[6]! += (v * j2) / i2;
      f[7]! += v * i2 * j2;
      const p = v / ns;
      mi += i * p;
      mj += j * p;
      f[15]! -= xlogx(p);
      energy += p * p;
    }
  for (let k = 0; k < 8; k++) f[k]! /= ns;
  let glnu = 0;
  for (const v of gi) glnu += v * v;
  let jnu = 0;
  for (const v of gj) jnu += v * v;
  f[8] = glnu / ns;
  f[9] = glnu / (ns * ns);
  f[10] = jnu / ns;
  f[11] = jnu / (ns * ns);
  f[12] = ns / voxels;
  for (let i = 1; i <= ng; i++)
    for (let j = 1; j <= nj; j++) {
      const v = counts[(i - 1) * nj + j - 1]!;
      if (v === 0) continue;
      f[13]! += (i - mi) ** 2 * (v / ns);
      f[14]! += (j - mj) ** 2 * (v / ns);
    }
  const ids = RUN_LIKE_IDS[family];
  const out: Record<string, number> = {};
  ids.forEach((id, k) => (out[id] = f[k]!));
  if (family === 'ngldm') out.CAS9 = energy;
  return out;
}

function mean(rows: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(rows[0]!)) out[key] = rows.reduce((s, r) => s + r[key]!, 0) / rows.length;
  return out;
}

/** Sum of count matrices (columns aligned by index; the widest sets the width) and of N_v. */
function merge(ms: CountMatrix[]): CountMatrix {
  const cols = Math.max(...ms.map((m) => m.cols));
  const rows = ms[0]!.counts.length / ms[0]!.cols;
  const counts = new Float64Array(rows * cols);
  let voxels = 0;
  for (const m of ms) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < m.cols; c++) counts[r * cols + c]! += m.counts[r * m.cols + c]!;
    voxels += m.voxels;
  }
  return { counts, cols, voxels, slice: -1, direction: -1 };
}

function groupBy(ms: CountMatrix[], key: (m: CountMatrix) => number): CountMatrix[][] {
  const g = new Map<number, CountMatrix[]>();
  for (const m of ms) {
    const k = key(m);
    const list = g.get(k);
    if (list) list.push(m);
    else g.set(k, [m]);
  }
  return [...g.values()];
}

/** 2D and 2.5D aggregation of directional matrices (one per slice and in-plane direction). */
function directional2D(
  ms: CountMatrix[],
  features: (m: CountMatrix) => Record<string, number>,
): Partial<Record<Aggregation, Record<string, number>>> {
  return {
    BTW3: mean(ms.map(features)),
    SUJT: mean(groupBy(ms, (m) => m.slice).map((g) => features(merge(g)))),
    JJUI: mean(groupBy(ms, (m) => m.direction).map((g) => features(merge(g)))),
    ZW7Z: features(merge(ms)),
  };
}

export interface IbsiTextureResult {
  /** family id → aggregation id → IBSI feature id → value */
  [family: string]: Partial<Record<Aggregation, Record<string, number>>>;
}

/**
 * IBSI texture families with the aggregation methods of the requested dimensionalities
 * ('2D' gives the 2D and 2.5D methods, '3D' the 3D ones).
 */
export function ibsiTexture(roi: IbsiRoi, dims: readonly Dimensionality[] = ['2D', '3D']): IbsiTextureResult {
  const ng = roi.ng;
  const out: IbsiTextureResult = { LFYI: {}, TP0I: {}, '9SAK': {}, VMDZ: {}, IPET: {}, REK0: {} };
  for (const dim of dims) {
    const part = textureFor(roi, ng, dim);
    for (const [family, byAgg] of Object.entries(part)) Object.assign(out[family]!, byAgg);
  }
  return out;
}

function textureFor(roi: IbsiRoi, ng: number, dim: Dimensionality): IbsiTextureResult {
  const glcm = glcmMatrices(roi, dim);
  const glrlm = glrlmMatrices(roi, dim).matrices;
  const zones = zoneMatrices(roi, dim);
  const nb = neighbourhoodMatrices(roi, dim);
  const levels = Int32Array.from({ length: ng }, (_, i) => i + 1);
  const ngtdm = (list: { n: Float64Array; s: Float64Array }[]) => {
    const n = new Float64Array(ng);
    const s = new Float64Array(ng);
    for (const m of list)
      for (let g = 0; g < ng; g++) {
        n[g]! += m.n[g]!;
        s[g]! += m.s[g]!;
      }
    const f = toneDifferenceFeatures(n, s, levels);
    return { QCDE: f.Coarseness!, '65HE': f.Contrast!, NQ30: f.Busyness!, HDEZ: f.Complexity!, '1X9X': f.Strength! };
  };
  const glcmF = (m: CountMatrix) => glcmFeaturesIbsi(m.counts, ng);
  const glrlmF = (m: CountMatrix) => runLikeFeatures('glrlm', m.counts, ng, m.cols, m.voxels);
  const glszmF = (m: CountMatrix) => runLikeFeatures('glszm', m.counts, ng, m.cols, m.voxels);
  const gldzmF = (m: CountMatrix) => runLikeFeatures('gldzm', m.counts, ng, m.cols, m.voxels);
  const ngldmF = (m: CountMatrix) => runLikeFeatures('ngldm', m.counts, ng, m.cols, m.voxels);
  if (dim === '3D') {
    return {
      LFYI: { ITBB: mean(glcm.map(glcmF)), IAZD: glcmF(merge(glcm)) },
      TP0I: { ITBB: mean(glrlm.map(glrlmF)), IAZD: glrlmF(merge(glrlm)) },
      '9SAK': { KOBO: glszmF(zones.size[0]!) },
      VMDZ: { KOBO: gldzmF(zones.distance[0]!) },
      IPET: { KOBO: ngtdm(nb.ngtdm) },
      REK0: { KOBO: ngldmF(nb.ngldm[0]!) },
    };
  }
  return {
    LFYI: directional2D(glcm, glcmF),
    TP0I: directional2D(glrlm, glrlmF),
    '9SAK': { '8QNN': mean(zones.size.map(glszmF)), '62GR': glszmF(merge(zones.size)) },
    VMDZ: { '8QNN': mean(zones.distance.map(gldzmF)), '62GR': gldzmF(merge(zones.distance)) },
    IPET: { '8QNN': mean(nb.ngtdm.map((m) => ngtdm([m]))), '62GR': ngtdm(nb.ngtdm) },
    REK0: { '8QNN': mean(nb.ngldm.map(ngldmF)), '62GR': ngldmF(merge(nb.ngldm)) },
  };
}
