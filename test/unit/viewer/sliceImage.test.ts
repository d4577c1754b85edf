import { describe, expect, it } from 'vitest';
import { indexToPhysical, type Geometry } from '../../../main/compute/imaging/volume.js';
import { sliceToScreen } from '../../../renderer/src/viewer/labelOverlay.js';
import { mmPerPixel, physicalToPixel, type CameraLike } from '../../../renderer/src/viewer/linking.js';
import { applyWindow, cachedGreyLut, extractSlice, greyLut, greyOf, greyPixel } from '../../../renderer/src/viewer/sliceImage.js';

/**
 * The Canvas2D slice image (sliceImage.ts). References: voxel offsets of small volumes counted
 * by hand (offset = i + nx·(j + ny·k); exact), the window/level formula of vtk.js's image
 * mapper evaluated by hand (grey = round(clamp((v − (L − W/2)) / W, 0, 1) · 255); exact), and
 * linking.ts physicalToPixel (the crosshair's projection) for where a voxel centre is drawn
 * (within 1e-9 px).
 */

/** A 3×4×2 volume whose voxel at offset o holds 1000 + o (above 255: the 16-bit type must be kept). */
function volume(): Uint16Array {
  return Uint16Array.from({ length: 24 }, (_, o) => 1000 + o);
}

describe('extractSlice', () => {
  const size = [3, 4, 2] as const;

  it('reads an axial slice (across k) as rows of i', () => {
    const out = extractSlice(volume(), size, 2, 1, new Uint16Array(12));
    // k = 1 starts at offset 3·4 = 12.
    expect([...out]).toEqual(Array.from({ length: 12 }, (_, n) => 1012 + n));
  });

  it('reads a coronal slice (across j) with (i, k) as raster (x, y)', () => {
    const out = extractSlice(volume(), size, 1, 2, new Uint16Array(6));
    // j = 2: k = 0 → offsets 6, 7, 8; k = 1 → 6 + 12 = 18, 19, 20.
    expect([...out]).toEqual([1006, 1007, 1008, 1018, 1019, 1020]);
  });

  it('reads a sagittal slice (across i) with (j, k) as raster (x, y)', () => {
    const out = extractSlice(volume(), size, 0, 1, new Uint16Array(8));
    // i = 1: offsets 1 + 3j for k = 0, and + 12 for k = 1.
    expect([...out]).toEqual([1001, 1004, 1007, 1010, 1013, 1016, 1019, 1022]);
  });

  it('refuses a buffer of the wrong length, a slice outside the volume and a volume of the wrong size', () => {
    expect(() => extractSlice(volume(), size, 2, 0, new Uint16Array(11))).toThrow(/holds 11 values, the slice has 12/);
    expect(() => extractSlice(volume(), size, 2, 2, new Uint16Array(12))).toThrow(/Slice 2 is outside the volume's 2 slices/);
    expect(() => extractSlice(new Uint16Array(23), size, 2, 0, new Uint16Array(12))).toThrow(/holds 23 voxels/);
  });
});

describe('window/level', () => {
  it('maps values linearly from level − window/2 (black) to level + window/2 (white), clamped', () => {
    const wl = { window: 100, level: 50 };
    // (v − 0) / 100 · 255: 25 → 63.75 → 64; 10 → 25.5 → 26 (round half up).
    expect([-5, 0, 10, 25, 100, 150].map((v) => greyOf(v, wl))).toEqual([0, 0, 26, 64, 255, 255]);
    expect(greyOf(Number.NaN, wl)).toBeNaN();
  });

  it('builds a table over every value of a 16-bit type', () => {
    const u = greyLut(new Uint16Array(1), { window: 100, level: 50 })!;
    expect([u.offset, u.pixels.length]).toEqual([0, 65536]);
    expect(u.pixels[25]).toBe(0xff404040);
    expect(u.pixels[65535]).toBe(0xffffffff);
    // Signed: index = value + 32768. W 20, L 0: −10 → 0, 5 → 0.75 · 255 = 191.25 → 191 = 0xbf.
    const s = greyLut(new Int16Array(1), { window: 20, level: 0 })!;
    expect(s.offset).toBe(-32768);
    expect(s.pixels[-10 + 32768]).toBe(0xff000000);
    expect(s.pixels[5 + 32768]).toBe(0xffbfbfbf);
    expect(greyLut(new Float32Array(1), { window: 1, level: 0 })).toBeNull();
  });

  it('caches one table per type and window/level', () => {
    const data = new Uint16Array(1);
    const a = cachedGreyLut(data, { window: 300, level: 150 });
    expect(cachedGreyLut(data, { window: 300, level: 150 })).toBe(a);
    expect(cachedGreyLut(data, { window: 301, level: 150 })).not.toBe(a);
    expect(cachedGreyLut(new Int16Array(1), { window: 300, level: 150 })).not.toBe(a);
  });

  it('gives the same pixels through the table as computed per pixel, and black for NaN', () => {
    const wl = { window: 1000, level: 1500 };
    const ints = Uint16Array.from([0, 1000, 1001, 1500, 1999, 2000, 65535]);
    const viaLut = new Uint32Array(ints.length);
    applyWindow(ints, wl, greyLut(ints, wl), viaLut);
    const direct = new Uint32Array(ints.length);
    applyWindow(Float32Array.from(ints), wl, null, direct);
    expect([...viaLut]).toEqual([...direct]);
    // 1001 → 0.001 · 255 = 0.255 → 0; 1500 → 127.5 → 128; 1999 → 254.745 → 255.
    expect([...viaLut].map((p) => p & 0xff)).toEqual([0, 0, 0, 128, 255, 255, 255]);
    expect(viaLut[3]).toBe(greyPixel(128));
    const nan = new Uint32Array(1);
    applyWindow(Float32Array.from([Number.NaN]), wl, null, nan);
    expect(nan[0]).toBe(0xff000000);
    expect(() => applyWindow(ints, wl, null, new Uint32Array(2))).toThrow(/holds 2 pixels, the slice has 7/);
  });
});

describe('image pixel mapping (drawImage transform)', () => {
  // Anisotropic voxels (0.7 × 0.7 × 3 mm), as a thick-slice axial acquisition seen in a coronal view.
  const g: Geometry = {
    size: [40, 30, 12],
    spacingMm: [0.7, 0.7, 3],
    originMm: [-10, 5, 20],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  };
  const camera: CameraLike = { focal: [2, 13, 35], baseScaleMm: 20, zoom: 1.6 };
  const size: [number, number] = [300, 200];
  const mm = mmPerPixel(camera, size[1]);

  it('draws voxel centres where linking.ts projects their physical point, with pixels 0.7 wide and 3 mm high', () => {
    const j = 9;
    const [a, b, c, d, e, f] = sliceToScreen(g, 'coronal', 1, j, {
      focal: camera.focal,
      mmPerPx: mm,
      width: size[0],
      height: size[1],
    });
    // Coronal: raster x = i along screen right (+x in LPS), raster y = k along screen up (head, +z): y flips.
    expect(a).toBeCloseTo(0.7 / mm, 9);
    expect(d).toBeCloseTo(-3 / mm, 9);
    expect([b, c]).toEqual([-0, 0]);
    for (const [i, k] of [
      [0, 0],
      [17, 4],
      [39, 11],
    ] as const) {
      const [px, py] = physicalToPixel(camera, 'coronal', size, indexToPhysical(g, i, j, k));
      expect(a * (i + 0.5) + c * (k + 0.5) + e).toBeCloseTo(px, 9);
      expect(b * (i + 0.5) + d * (k + 0.5) + f).toBeCloseTo(py, 9);
    }
  });
});
