/**
 * The speed-ups of the radiomics engine against the straightforward forms they replace:
 * - labelBox (native byte search for the rows holding the label, no voxel-sized map) against a brute-force loop over every voxel, for
 *   every integer label-map type, a float map and a two-channel map: counts and boxes must be equal.
 * - tridiagonalEigenvalue (Sturm bisection) against the analytic spectrum of the second-difference
 *   matrix, 2 − 2cos(kπ/(n + 1)), and against QL (symmetricEigenvalues) on random symmetric
 *   matrices: within 1e−14 absolute (matrices scaled to norm ≤ 1; both methods are accurate to a
 *   few ulps of the norm).
 * - the symmetrical-GLCM MCC (eigenvalues of W, bisection) against the definition: √ of the second
 *   largest eigenvalue of Q = W Wᵀ computed with QL, per angle, averaged. Tolerance 1e−12 relative
 *   (measured difference on brain1/breast1 and their wavelet bands: ≤ 3e−15).
 * - GLCM features of a symmetrical GLCM in one pass over the upper triangle (marginal entropies
 *   separated) against PyRadiomics' cell-by-cell formulas with ε in every logarithm: 1e−13
 *   relative, Imc1/Imc2 1e−11 (measured on brain1 at binWidth 25 and 10, breast1 and a random
 *   ROI: ≤ 1.7e−14, Imc1/Imc2 ≤ 2.9e−12).
 * - first-order percentiles by quickselect against a full sort + numpy's linear percentile
 *   (firstorder.percentile), on float values with many ties: exactly equal.
 */
import { describe, expect, it } from 'vitest';
import type { Volume, VoxelArray } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import { discretize } from '../../../main/compute/radiomics/discretize.js';
import { firstOrderFeatures, percentile } from '../../../main/compute/radiomics/firstorder.js';
import { computeGlcm, glcmFeatures } from '../../../main/compute/radiomics/glcm.js';
import { symmetricEigenvalues, tridiagonalEigenvalue, tridiagonalize } from '../../../main/compute/radiomics/linalg.js';
import { cropRoi, labelBox, labelSelection } from '../../../main/compute/radiomics/preprocess.js';
import { resolveSettings } from '../../../main/compute/radiomics/settings.js';
import { nanMean } from '../../../main/compute/radiomics/texture.js';
import { pyradiomicsVolume } from './reference.js';

/** Deterministic uniform numbers in [0, 1) (LCG, Numerical Recipes constants). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function volume(size: [number, number, number], data: VoxelArray, components = 1): Volume {
  return { size, spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: [...IDENTITY_DIRECTION], data, components };
}

function bruteBox(v: Volume, label: number, channel = 0) {
  const [nx, ny, nz] = v.size;
  const comps = v.components ?? 1;
  const lower = [nx, ny, nz];
  const upper = [-1, -1, -1];
  let count = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (v.data[(i + nx * (j + ny * k)) * comps + channel] !== label) continue;
        count++;
        [i, j, k].forEach((x, a) => {
          lower[a] = Math.min(lower[a]!, x);
          upper[a] = Math.max(upper[a]!, x);
        });
      }
  return { voxelCount: count, bbox: { lower, upper } };
}

describe('labelBox', () => {
  const size: [number, number, number] = [13, 9, 6];
  const n = size[0] * size[1] * size[2];
  const rnd = lcg(7);
  const labels = Array.from({ length: n }, () => (rnd() < 0.15 ? 2 : rnd() < 0.1 ? 1 : 0));
  const types = [Uint8Array, Int8Array, Uint16Array, Int16Array, Int32Array, Uint32Array, Float32Array, Float64Array];
  for (const T of types) {
    it(`finds the same voxels as a full loop in a ${T.name} map`, () => {
      const v = volume(size, T.from(labels));
      for (const label of [1, 2]) expect(labelBox(v, label)).toEqual(bruteBox(v, label));
    });
  }

  it('finds each label among elements sharing its bytes (byte-search candidates at other offsets)', () => {
    // 257 = 0x0101 and 1 + 2^24 share label 1's low byte; 0.5 and 1.5 share bytes with 1.0 as floats.
    const rnd2 = lcg(11);
    const mixed = Array.from({ length: n }, () => [0, 0, 0, 1, 257, 16777217, 256, 2][Math.floor(rnd2() * 8)]!);
    for (const T of [Int32Array, Uint32Array, Float64Array]) {
      const v = volume(size, T.from(mixed));
      for (const label of [1, 257, 256, 16777217]) expect(labelBox(v, label)).toEqual(bruteBox(v, label));
    }
    const halves = Float32Array.from(mixed, (x) => (x === 257 ? 0.5 : x === 256 ? 1.5 : x));
    for (const label of [1, 0.5, 1.5])
      expect(labelBox(volume(size, halves), label)).toEqual(bruteBox(volume(size, halves), label));
    const u16 = Uint16Array.from(mixed, (x) => x & 0xffff);
    for (const label of [1, 257, 256]) expect(labelBox(volume(size, u16), label)).toEqual(bruteBox(volume(size, u16), label));
  });

  it('reads the requested channel of a two-channel map', () => {
    const data = new Int16Array(2 * n);
    for (let o = 0; o < n; o++) {
      data[2 * o] = labels[o]!;
      data[2 * o + 1] = labels[n - 1 - o]!;
    }
    const v = volume(size, data, 2);
    expect(labelBox(v, 2, 1)).toEqual(bruteBox(v, 2, 1));
    expect(labelBox(v, 1, 0)).toEqual(bruteBox(v, 1, 0));
  });

  it('names the labels present when the label is absent, and refuses a missing channel', () => {
    const v = volume(size, Uint8Array.from(labels));
    expect(() => labelBox(v, 5)).toThrow(/label 5 is not present in the mask; labels present: 1, 2/);
    expect(() => labelBox(volume(size, new Uint8Array(n)), 1)).toThrow(/the mask is empty/);
    expect(() => labelSelection(v, 1, 1)).toThrow(/label_channel 1 requested, but the mask has 1 channel/);
  });
});

describe('tridiagonalEigenvalue', () => {
  it('gives the analytic spectrum of the second-difference matrix', () => {
    const n = 40;
    const d = new Float64Array(n).fill(2);
    const e = new Float64Array(n).fill(-1);
    e[n - 1] = 0;
    for (let k = 0; k < n; k++) {
      // Reference: eigenvalues 2 − 2cos(jπ/(n+1)), j = 1…n, ascending; tolerance 1e−14.
      expect(Math.abs(tridiagonalEigenvalue(d, e, n, k) - (2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))))).toBeLessThan(1e-14);
    }
  });

  it('finds repeated eigenvalues (never isolated, so bisection alone) and a close pair (Laguerre), exactly', () => {
    // Reference: a diagonal matrix is its own spectrum; e = 0 decouples it. Tolerance 0 for the
    // diagonal case (bisection converges to the exact double), 1e−15 for the coupled pair.
    const d = Float64Array.of(0.5, -0.25, 0.5, 0.5, 0.75);
    const e = new Float64Array(5);
    const sorted = [...d].sort((a, b) => a - b);
    for (let k = 0; k < 5; k++) expect(Math.abs(tridiagonalEigenvalue(d, e, 5, k) - sorted[k]!)).toBeLessThanOrEqual(4e-16);
    // [[a, b], [b, a]] has eigenvalues a ± b: with b = 1e−9 the two are 2e−9 apart.
    const a2 = Float64Array.of(0.3, 0.3);
    const b2 = Float64Array.of(1e-9, 0);
    expect(Math.abs(tridiagonalEigenvalue(a2, b2, 2, 0) - (0.3 - 1e-9))).toBeLessThan(1e-15);
    expect(Math.abs(tridiagonalEigenvalue(a2, b2, 2, 1) - (0.3 + 1e-9))).toBeLessThan(1e-15);
  });

  it('finds multiple and clustered eigenvalues of rotated diagonal matrices (1e−14 absolute)', () => {
    // Reference: A = H·diag(λ)·H with H = I − 2vvᵀ (orthogonal), so A's spectrum is λ exactly;
    // tridiagonalize then gives T with that spectrum up to rounding.
    const rnd = lcg(5);
    const spectra = [
      [-0.5, 0, 0.3, 0.3, 0.3, 0.9],
      [0.2, 0.2 + 1e-12, 0.2 + 2e-12, -0.7, 0.99, 0.99, 0.4, -0.1],
      Array.from({ length: 33 }, (_, i) => (i % 4) / 4 - 0.4),
    ];
    for (const lambda of spectra) {
      const n = lambda.length;
      const v = Float64Array.from({ length: n }, () => 2 * rnd() - 1);
      const norm = Math.hypot(...v);
      for (let i = 0; i < n; i++) v[i]! /= norm;
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          // (H Λ H)_{ij} = Σ_m H_im λ_m H_mj with H_im = δ_im − 2 v_i v_m.
          let sum = 0;
          for (let m = 0; m < n; m++)
            sum += ((i === m ? 1 : 0) - 2 * v[i]! * v[m]!) * lambda[m]! * ((m === j ? 1 : 0) - 2 * v[m]! * v[j]!);
          a[i * n + j] = sum;
        }
      const { d, e } = tridiagonalize(a, n);
      const sorted = [...lambda].sort((x, y) => x - y);
      for (let k = 0; k < n; k++) expect(Math.abs(tridiagonalEigenvalue(d, e, n, k) - sorted[k]!)).toBeLessThan(1e-14);
    }
  });

  it('matches QL on random symmetric matrices (1e−14 absolute, norm ≤ 1)', () => {
    const rnd = lcg(11);
    for (const n of [2, 3, 5, 33, 70]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = (2 * rnd() - 1) / n;
      const ql = symmetricEigenvalues(a.slice(), n);
      const { d, e } = tridiagonalize(a.slice(), n);
      for (let k = 0; k < n; k++) expect(Math.abs(tridiagonalEigenvalue(d, e, n, k) - ql[k]!)).toBeLessThan(1e-14);
    }
  });
});

describe('GLCM MCC of a symmetrical GLCM', () => {
  it('equals √(second eigenvalue of Q) from QL, per angle and averaged (1e−12 relative)', () => {
    for (const [name, binWidth] of [
      ['brain1', 25],
      ['brain1', 10],
      ['breast1', 25],
    ] as const) {
      const s = resolveSettings({ binWidth, distances: [1] });
      const mask = pyradiomicsVolume(`${name}_label`);
      const { bbox } = labelBox(mask, 1);
      const roi = discretize(cropRoi(pyradiomicsVolume(`${name}_image`), labelSelection(mask, 1), bbox, s), s);
      const mats = computeGlcm(roi, s);
      const n = mats.ngp;
      const perAngle = new Float64Array(mats.count);
      for (let m = 0; m < mats.count; m++) {
        const p = mats.p.subarray(m * n * n, (m + 1) * n * n);
        const px = new Float64Array(n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) px[i]! += p[i * n + j]!;
        const rows = [...px.keys()].filter((i) => px[i]! > 0);
        // Symmetric form of Q(i, j) = Σ_k p(i,k) p(j,k) / (p_x(i) p_y(k)), with p_y = p_x.
        const q = new Float64Array(rows.length * rows.length);
        rows.forEach((i, a) =>
          rows.forEach((j, b) => {
            let sum = 0;
            for (const k of rows) sum += (p[i * n + k]! * p[j * n + k]!) / (Math.sqrt(px[i]! * px[j]!) * px[k]!);
            q[a * rows.length + b] = sum;
          }),
        );
        const eig = symmetricEigenvalues(q, rows.length);
        perAngle[m] = Math.sqrt(Math.max(0, eig[rows.length - 2]!));
      }
      const expected = nanMean(perAngle);
      const got = glcmFeatures(roi, s).MCC!;
      expect(Math.abs(got - expected) / expected).toBeLessThan(1e-12);
    }
  });
});

/**
 * PyRadiomics' GLCM formulas (glcm.py) cell by cell on one normalised matrix, with ε inside every
 * logarithm: the reference for the one-pass symmetric form in glcm.ts (MCC is tested above).
 */
function glcmByDefinition(p: Float64Array, lv: Int32Array, ng: number): Record<string, number> {
  const n = lv.length;
  const eps = 2.220446049250313e-16;
  const log2 = (x: number) => Math.log2(x + eps);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      px[i]! += p[i * n + j]!;
      py[j]! += p[i * n + j]!;
    }
  let ux = 0;
  let uy = 0;
  for (let i = 0; i < n; i++) {
    ux += px[i]! * lv[i]!;
    uy += py[i]! * lv[i]!;
  }
  const pSum = new Float64Array(2 * ng + 1);
  const pDiff = new Float64Array(ng);
  const r: Record<string, number> = {};
  const add = (k: string, v: number) => (r[k] = (r[k] ?? 0) + v);
  let sx2 = 0;
  let sy2 = 0;
  for (let i = 0; i < n; i++) {
    sx2 += px[i]! * (lv[i]! - ux) ** 2;
    sy2 += py[i]! * (lv[i]! - uy) ** 2;
  }
  let maxP = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const v = p[i * n + j]!;
      const gi = lv[i]!;
      const gj = lv[j]!;
      const t = gi + gj - ux - uy;
      add('Autocorrelation', v * gi * gj);
      add('ClusterProminence', v * t ** 4);
      add('ClusterShade', v * t ** 3);
      add('ClusterTendency', v * t ** 2);
      add('Contrast', v * (gi - gj) ** 2);
      add('corm', v * (gi - ux) * (gj - uy));
      add('JointEnergy', v * v);
      add('JointEntropy', -v * log2(v));
      add('HXY1', -v * log2(px[i]! * py[j]!));
      add('HXY2', -px[i]! * py[j]! * log2(px[i]! * py[j]!));
      maxP = Math.max(maxP, v);
      pSum[gi + gj]! += v;
      pDiff[Math.abs(gi - gj)]! += v;
    }
  let hx = 0;
  let hy = 0;
  for (let i = 0; i < n; i++) {
    hx -= px[i]! * log2(px[i]!);
    hy -= py[i]! * log2(py[i]!);
  }
  let da = 0;
  for (let k = 0; k < ng; k++) da += k * pDiff[k]!;
  for (let k = 0; k < ng; k++) {
    const v = pDiff[k]!;
    add('DifferenceEntropy', -v * log2(v));
    add('DifferenceVariance', v * (k - da) ** 2);
    add('Id', v / (1 + k));
    add('Idm', v / (1 + k * k));
    add('Idmn', v / (1 + (k * k) / (ng * ng)));
    add('Idn', v / (1 + k / ng));
    if (k > 0) add('InverseVariance', v / (k * k));
  }
  for (let k = 2; k <= 2 * ng; k++) {
    add('SumAverage', k * pSum[k]!);
    add('SumEntropy', -pSum[k]! * log2(pSum[k]!));
  }
  r.DifferenceAverage = da;
  r.Correlation = r.corm! / (Math.sqrt(sx2 * sy2) + eps);
  r.Imc1 = (r.JointEntropy! - r.HXY1!) / Math.max(hx, hy);
  r.Imc2 = Math.sqrt(1 - Math.exp(-2 * (r.HXY2! - r.JointEntropy!)));
  r.JointAverage = ux;
  r.MaximumProbability = maxP;
  r.SumSquares = sx2;
  return r;
}

describe('GLCM features of a symmetrical GLCM in one pass', () => {
  it('equal the cell-by-cell PyRadiomics formulas, per angle and averaged (1e−13 relative, Imc 1e−11)', () => {
    const rand = lcg(7);
    // A random 12 × 10 × 6 ROI (all 0–99 intensities, holes) besides brain1 and breast1.
    const noise = volume(
      [12, 10, 6],
      Int16Array.from({ length: 720 }, () => Math.floor(rand() * 100)),
    );
    const noiseMask = volume(
      [12, 10, 6],
      Uint8Array.from({ length: 720 }, () => (rand() < 0.8 ? 1 : 0)),
    );
    const cases: [Volume, Volume, number][] = [
      [pyradiomicsVolume('brain1_image'), pyradiomicsVolume('brain1_label'), 25],
      [pyradiomicsVolume('brain1_image'), pyradiomicsVolume('brain1_label'), 10],
      [pyradiomicsVolume('breast1_image'), pyradiomicsVolume('breast1_label'), 25],
      [noise, noiseMask, 7],
    ];
    for (const [image, mask, binWidth] of cases) {
      const s = resolveSettings({ binWidth, distances: [1] });
      const { bbox } = labelBox(mask, 1);
      const roi = discretize(cropRoi(image, labelSelection(mask, 1), bbox, s), s);
      const mats = computeGlcm(roi, s);
      const n = mats.ngp;
      const perAngle = Array.from({ length: mats.count }, (_, m) =>
        glcmByDefinition(mats.p.subarray(m * n * n, (m + 1) * n * n), roi.grayLevels, roi.ng),
      );
      const got = glcmFeatures(roi, s);
      for (const name of Object.keys(got)) {
        if (name === 'MCC') continue;
        const expected = nanMean(perAngle.map((f) => f[name]!));
        // Imc1, Imc2: differences of entropies (HXY − HXY1, HXY2 − HXY), where dropping ε shows.
        const tolerance = name.startsWith('Imc') ? 1e-11 : 1e-13;
        expect(Math.abs(got[name]! - expected), `${name} (binWidth ${binWidth})`).toBeLessThanOrEqual(
          tolerance * Math.abs(expected),
        );
      }
    }
  });
});

describe('first-order order statistics without a full sort', () => {
  it('gives exactly the percentiles, median, minimum and maximum of the sorted values', () => {
    const rnd = lcg(5);
    for (const n of [2, 3, 17, 1000, 4137]) {
      // Float values (not all integers, so no counting sort) with ties: quarters of integers.
      const values = Float64Array.from({ length: n }, () => Math.floor(rnd() * 200) / 4 - 20);
      values[0] = 0.5;
      const crop = {
        size: [n, 1, 1] as [number, number, number],
        spacingMm: [1, 1, 1] as [number, number, number],
        values,
        mask: new Uint8Array(n).fill(1),
        voxelCount: n,
        bbox: { lower: [0, 0, 0] as [number, number, number], upper: [n - 1, 0, 0] as [number, number, number] },
      };
      const f = firstOrderFeatures({
        crop,
        binEdges: Float64Array.of(-100, 100),
        levels: new Int32Array(n).fill(1),
        voxelArrayShift: 0,
      });
      const sorted = values.slice().sort();
      const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      expect(f['10Percentile']).toBe(percentile(sorted, 10));
      expect(f['90Percentile']).toBe(percentile(sorted, 90));
      expect(f.InterquartileRange).toBe(percentile(sorted, 75) - percentile(sorted, 25));
      expect(f.Median).toBe(median);
      expect(f.Minimum).toBe(sorted[0]);
      expect(f.Maximum).toBe(sorted[n - 1]);
    }
  });
});
