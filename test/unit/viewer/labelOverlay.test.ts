import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
import { labelColour, planeAxes, rasterizeLabelSlice, sliceToScreen } from '../../../renderer/src/viewer/labelOverlay.js';
import type { LabelGrid } from '../../../renderer/src/viewer/tools/grid.js';

/**
 * The 2D labelmap overlay. References: hand-counted pixels of small grids (exact), and the
 * projection SliceView uses for its crosshair (screen = centre + ((p − focal)·right, −(p − focal)·up)
 * / mm per pixel), evaluated by hand for an axial view (right = +x, up = −y in LPS): exact up to 1e-9.
 */

function grid(size: [number, number, number], set: number[]): LabelGrid {
  const data = new Uint8Array(size[0] * size[1] * size[2]);
  for (const o of set) data[o] = 1;
  return { size, spacingMm: [1, 1, 1], data };
}

describe('rasterizeLabelSlice', () => {
  it('fills labelled voxels of the shown slice only, at the fill opacity', () => {
    // 3×2×2 grid; voxel (1, 0, 1) = offset 1 + 3·(0 + 2·1) = 7 and (2, 1, 0) = 5 on the other slice.
    const g = grid([3, 2, 2], [7, 5]);
    const rgba = new Uint8ClampedArray(3 * 2 * 4).fill(9);
    rasterizeLabelSlice(g, 2, 1, rgba, { opacity: 0.5, outline: false });
    const alpha = [...rgba.filter((_, n) => n % 4 === 3)];
    expect(alpha).toEqual([0, 128, 0, 0, 0, 0]);
    expect([...rgba.slice(4, 7)]).toEqual(labelColour(1));
  });

  it('slices across i with (j, k) as raster (x, y)', () => {
    expect(planeAxes(0)).toEqual([1, 2]);
    // 2×3×2 grid: voxel (1, 2, 1) = 1 + 2·(2 + 3·1) = 11 → raster pixel x = j = 2, y = k = 1 of a 3×2 raster.
    const g = grid([2, 3, 2], [11]);
    const rgba = new Uint8ClampedArray(3 * 2 * 4);
    rasterizeLabelSlice(g, 0, 1, rgba, { opacity: 1, outline: false });
    const alpha = [...rgba.filter((_, n) => n % 4 === 3)];
    expect(alpha).toEqual([0, 0, 0, 0, 0, 255]);
  });

  it('draws the border of a 3×3 square at full opacity and its centre at the fill opacity', () => {
    const set: number[] = [];
    for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) set.push(i + 5 * j);
    const g = grid([5, 5, 1], set);
    const rgba = new Uint8ClampedArray(25 * 4);
    rasterizeLabelSlice(g, 2, 0, rgba, { opacity: 0.2, outline: true });
    const alpha = [...rgba.filter((_, n) => n % 4 === 3)];
    // 8 border voxels at 255, the centre (2, 2) at round(0.2·255) = 51, the rest 0.
    expect(alpha.filter((a) => a === 255)).toHaveLength(8);
    expect(alpha[2 + 5 * 2]).toBe(51);
    expect(alpha.filter((a) => a === 0)).toHaveLength(16);
  });

  it('changes only the pixels inside the given rectangle', () => {
    const g = grid([4, 4, 1], [0, 15]);
    const rgba = new Uint8ClampedArray(16 * 4).fill(7);
    rasterizeLabelSlice(g, 2, 0, rgba, { opacity: 1, outline: false }, { x0: 2, y0: 2, x1: 3, y1: 3 });
    const alpha = [...rgba.filter((_, n) => n % 4 === 3)];
    // Pixel 0 is labelled but outside the rectangle: left at the fill value 7.
    expect(alpha[0]).toBe(7);
    expect(alpha[15]).toBe(255);
    expect(alpha[10]).toBe(0);
    expect(alpha[1]).toBe(7);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() =>
      rasterizeLabelSlice(grid([2, 2, 1], []), 2, 0, new Uint8ClampedArray(4), { opacity: 1, outline: false }),
    ).toThrow(/1 pixels, the slice has 4/);
  });
});

describe('sliceToScreen', () => {
  const g: Pick<Geometry, 'originMm' | 'spacingMm' | 'direction'> = {
    originMm: [10, 20, 30],
    spacingMm: [2, 3, 4],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  };
  const view = { focal: [14, 26, 38] as [number, number, number], mmPerPx: 0.5, width: 200, height: 100 };

  it('puts voxel centres where the crosshair projection puts their physical point (axial)', () => {
    const [a, b, c, d, e, f] = sliceToScreen(g, 'axial', 2, 3, view);
    for (const [i, j] of [
      [0, 0],
      [4, 1],
      [7, 9],
    ] as const) {
      const x = i + 0.5;
      const y = j + 0.5;
      const p = [10 + 2 * i, 20 + 3 * j];
      // Axial: right = +x, up = −y, so screen y grows with +y.
      expect(a * x + c * y + e).toBeCloseTo(100 + (p[0]! - 14) / 0.5, 9);
      expect(b * x + d * y + f).toBeCloseTo(50 + (p[1]! - 26) / 0.5, 9);
    }
  });

  it('maps a sagittal slice with anterior to the left and head up', () => {
    // Sagittal: direction −x, viewUp +z, right = (−x) × z = +y (posterior on the right).
    const [a, b, c, d, e, f] = sliceToScreen(g, 'sagittal', 0, 2, view);
    // Raster (x, y) = (j + ½, k + ½); voxel (2, 1, 2) is at LPS (14, 23, 38).
    const x = 1.5;
    const y = 2.5;
    expect(a * x + c * y + e).toBeCloseTo(100 + (23 - 26) / 0.5, 9);
    expect(b * x + d * y + f).toBeCloseTo(50 - (38 - 38) / 0.5, 9);
  });
});
