/**
 * The native kernels (native/src/radiomics.c) against their TypeScript twins: GLCM counts, GLRLM
 * runs, GLSZM zones, the GLDM/NGTDM neighbourhood pass, the padded-ROI fill, the symmetrical-GLCM
 * MCC, the shape diameters and the integer image statistics of the diagnostics. Reference:
 * the TypeScript twins, which the IBSI and PyRadiomics baseline tests check (shape diameters too). Tolerance: none —
 * the twins perform the same operations in the same order (the C is compiled without FMA
 * contraction), so every feature must be bit-identical (Object.is, NaN equal to NaN).
 *
 * The addon is built by `npm run build`. This test fails when it is missing, so a machine whose
 * build silently lost the addon does not pass; set RADSTUDY_NATIVE=off to run the suite on the
 * TypeScript twins alone (the test then checks that the engine really uses none).
 */
import { describe, expect, it } from 'vitest';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import { imageDiagnostics } from '../../../main/compute/radiomics/caseDiagnostics.js';
import { extractFeatures } from '../../../main/compute/radiomics/extract.js';
import type { EnabledFeatures } from '../../../main/compute/radiomics/index.js';
import { kernels, native, nativeStatus, withKernels } from '../../../main/compute/radiomics/native.js';
import { cropRoi } from '../../../main/compute/radiomics/preprocess.js';
import { resolveSettings, type RadiomicsSettings } from '../../../main/compute/radiomics/settings.js';
import { pyradiomicsVolume } from './reference.js';

const TEXTURE: EnabledFeatures = { shape: [], glcm: [], gldm: [], glrlm: [], glszm: [], ngtdm: [] };

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function features(image: Volume, mask: Volume, settings: RadiomicsSettings, k: typeof native): Map<string, number> {
  // A fresh extraction: the per-ROI caches (padded ROI, neighbour counts) are keyed by the ROI
  // object each run discretises anew, so nothing computed by one twin is reused by the other.
  const r = withKernels(k, () => extractFeatures(image, mask, settings, TEXTURE));
  return new Map(r.features.map((f) => [f.name, f.value as number]));
}

function expectIdentical(image: Volume, mask: Volume, settings: RadiomicsSettings): number {
  const a = features(image, mask, settings, native);
  const b = features(image, mask, settings, null);
  expect([...a.keys()]).toEqual([...b.keys()]);
  const differ = [...a].filter(([name, v]) => !Object.is(v, b.get(name))).map(([name, v]) => `${name}: ${v} vs ${b.get(name)}`);
  expect(differ).toEqual([]);
  return a.size;
}

/** A random ROI in a random image: many grey levels, holes, several zones per level. */
function randomCase(seed: number, size: [number, number, number], levels: number): { image: Volume; mask: Volume } {
  const rnd = lcg(seed);
  const n = size[0] * size[1] * size[2];
  const img = new Int16Array(n);
  const msk = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    img[i] = Math.floor(rnd() * levels) * 10;
    msk[i] = rnd() < 0.7 ? 1 : 0;
  }
  const geometry: Omit<Volume, 'data'> = {
    size,
    spacingMm: [0.8, 0.8, 2.5],
    originMm: [0, 0, 0],
    direction: [...IDENTITY_DIRECTION],
  };
  return { image: { ...geometry, data: img }, mask: { ...geometry, data: msk } };
}

describe.skipIf(process.env.RADSTUDY_NATIVE === 'off')('native radiomics kernels (Node-API) against the TypeScript twins', () => {
  it('is built and loaded', () => {
    expect(nativeStatus).toMatch(/^loaded from /);
    expect(native).not.toBeNull();
    expect(kernels()).toBe(native);
  });

  it('gives bit-identical texture features on brain1 and breast1 (binWidth 25 and 10)', () => {
    for (const name of ['brain1', 'breast1']) {
      const image = pyradiomicsVolume(`${name}_image`);
      const mask = pyradiomicsVolume(`${name}_label`);
      for (const binWidth of [25, 10]) {
        const n = expectIdentical(image, mask, resolveSettings({ binWidth, voxelArrayShift: 2000, label: 1 }));
        expect(n).toBeGreaterThan(70);
      }
    }
  });

  it('gives bit-identical features with distances 1–2, weighting, an asymmetrical GLCM and force2D', () => {
    const { image, mask } = randomCase(7, [14, 11, 6], 12);
    for (const s of [
      { binWidth: 10 },
      { binWidth: 10, distances: [1, 2] },
      { binWidth: 10, weightingNorm: 'euclidean' as const },
      { binWidth: 10, symmetricalGLCM: false },
      { binWidth: 10, force2D: true, force2Ddimension: 0 },
      { binCount: 64 },
    ])
      expectIdentical(image, mask, resolveSettings({ ...s, label: 1 }));
  });

  it('gives bit-identical features on edge cases: one voxel, one grey level, a flat ROI', () => {
    const one = randomCase(3, [5, 5, 3], 4);
    one.mask.data.fill(0);
    (one.mask.data as Uint8Array)[31] = 1;
    (one.mask.data as Uint8Array)[32] = 1;
    expectIdentical(one.image, one.mask, resolveSettings({ binWidth: 10, label: 1, minimumROIDimensions: 1, minimumROISize: 1 }));
    const flat = randomCase(4, [9, 8, 1], 6);
    expectIdentical(flat.image, flat.mask, resolveSettings({ binWidth: 10, label: 1, minimumROIDimensions: 2 }));
    const single = randomCase(5, [6, 6, 4], 1);
    expectIdentical(single.image, single.mask, resolveSettings({ binWidth: 10, label: 1 }));
  });

  it('gives the same image diagnostics (minimum, maximum, mean) for every integer voxel type', () => {
    const rnd = lcg(11);
    const types = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array] as const;
    for (const T of types) {
      const data = new T(50_001);
      const span = 2 ** (8 * T.BYTES_PER_ELEMENT);
      for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * span); // wraps to the type's range
      const image: Volume = {
        size: [50_001, 1, 1],
        spacingMm: [1, 1, 1],
        originMm: [0, 0, 0],
        direction: [...IDENTITY_DIRECTION],
        data,
      };
      const a = withKernels(native, () => imageDiagnostics(image));
      const b = withKernels(null, () => imageDiagnostics(image));
      expect(a, T.name).toEqual(b);
    }
  });

  it('crops the same values, mask and ROI voxel list for every image and label type, and names the same non-finite voxel', () => {
    const rnd = lcg(21);
    const size: [number, number, number] = [13, 9, 5];
    const n = size[0] * size[1] * size[2];
    const geometry: Omit<Volume, 'data'> = {
      size,
      spacingMm: [1, 1, 2],
      originMm: [0, 0, 0],
      direction: [...IDENTITY_DIRECTION],
    };
    const bbox = { lower: [2, 1, 1] as [number, number, number], upper: [11, 7, 3] as [number, number, number] };
    const plain = resolveSettings({ binWidth: 10, label: 2 });
    const imageTypes = [
      Int8Array,
      Uint8Array,
      Int16Array,
      Uint16Array,
      Int32Array,
      Uint32Array,
      Float32Array,
      Float64Array,
    ] as const;
    for (const T of imageTypes) {
      const data = new T(n);
      for (let i = 0; i < n; i++) data[i] = Math.floor(rnd() * 100) + (T === Float32Array || T === Float64Array ? 0.25 : 0);
      for (const L of [Uint8Array, Int16Array, Int32Array, Float32Array] as const) {
        for (const comps of [1, 2]) {
          const labels = new L(n * comps);
          for (let i = 0; i < labels.length; i++) labels[i] = Math.floor(rnd() * 3);
          const sel = { labels, components: comps, channel: comps - 1, label: 2 };
          const a = withKernels(native, () => cropRoi({ ...geometry, data }, sel, bbox, plain));
          const b = withKernels(null, () => cropRoi({ ...geometry, data }, sel, bbox, plain));
          expect(a.voxelCount, `${T.name}/${L.name}/${comps}`).toBe(b.voxelCount);
          expect(a.values).toEqual(b.values);
          expect(a.mask).toEqual(b.mask);
          expect(a.voxels).toEqual(b.voxels);
          expect(a.voxelCount).toBeGreaterThan(0);
        }
      }
    }
    // A NaN inside the ROI: both twins name the same (first) voxel, in image indices.
    const data = new Float32Array(n).fill(5);
    const labels = new Uint8Array(n);
    labels[3 + 13 * (2 + 9 * 2)] = 2;
    labels[5 + 13 * (4 + 9 * 2)] = 2;
    data[5 + 13 * (4 + 9 * 2)] = NaN;
    data[3 + 13 * (3 + 9 * 2)] = Infinity; // outside the ROI: not an error
    const sel = { labels, components: 1, channel: 0, label: 2 };
    const message = /voxel \(5, 4, 2\) inside the ROI is NaN/;
    expect(() => withKernels(native, () => cropRoi({ ...geometry, data }, sel, bbox, plain))).toThrow(message);
    expect(() => withKernels(null, () => cropRoi({ ...geometry, data }, sel, bbox, plain))).toThrow(message);
  });

  it('checks its arguments instead of reading past them', () => {
    const k = native!;
    expect(() => k.glcmCounts(new Int32Array(4), new Int32Array(0), new Int32Array(2), 3, new Float64Array(5))).toThrow(
      /too short/,
    );
    expect(() => k.symmetricMcc(new Float64Array(3), 0, 2, new Float64Array(2))).toThrow(/too short/);
    const box = (...v: number[]) => Int32Array.from(v);
    // A 2×2×2 box at (1, 1, 0) of a 2×2×2 image runs past the image.
    expect(() =>
      k.cropRoi(
        new Int16Array(8),
        new Uint8Array(8),
        1,
        0,
        1,
        2,
        2,
        box(1, 1, 0),
        box(2, 2, 2),
        new Float64Array(8),
        new Uint8Array(8),
        new Int32Array(8),
      ),
    ).toThrow(/too short|bad box/);
    expect(() =>
      k.cropRoi(
        new Int16Array(8),
        new Uint8Array(4),
        1,
        0,
        1,
        2,
        2,
        box(0, 0, 0),
        box(2, 2, 2),
        new Float64Array(8),
        new Uint8Array(8),
        new Int32Array(8),
      ),
    ).toThrow(/too short/);
    expect(() =>
      k.neighbourCounts(
        new Float64Array(1) as unknown as Int32Array,
        new Int32Array(1),
        new Int32Array(0),
        new Int32Array(0),
        1,
        new Float64Array(1),
        new Float64Array(1),
        new Float64Array(1),
      ),
    ).toThrow(/Int32Array/);
    expect(() => k.integerStats(new Float32Array(2), new Float64Array(3))).toThrow(/integer typed array/);
  });
});

describe.skipIf(process.env.RADSTUDY_NATIVE !== 'off')('RADSTUDY_NATIVE=off', () => {
  it('runs the TypeScript twins only', () => {
    expect(native).toBeNull();
    expect(nativeStatus).toMatch(/turned off/);
  });
});
