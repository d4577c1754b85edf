import { describe, expect, it } from 'vitest';
import { paintBrush, paintStroke } from '../../../renderer/src/viewer/tools/brush.js';
import { fillHoles, floodFill, removeIslands } from '../../../renderer/src/viewer/tools/fill.js';
import { countLabel, EditRecorder, type LabelGrid, type Vec3 } from '../../../renderer/src/viewer/tools/grid.js';
import { EditHistory } from '../../../renderer/src/viewer/tools/history.js';
import { measureLabel } from '../../../renderer/src/viewer/tools/measure.js';
import { morphology, structuringElement } from '../../../renderer/src/viewer/tools/morphology.js';

/**
 * Editing tools on a flat labelmap. Expected counts are lattice-point counts worked out by hand:
 * the voxels (i, j, k) with Σ((index − centre)·spacing)² ≤ r² (Gauss circle problem values:
 * N(r²=4) = 13 points in a disk of radius 2, N(r²=2) = 19 in a ball of radius √2). Exact
 * integers, so no tolerance; diameters are exact up to 1e-12 (floating point).
 */

function grid(size: Vec3, spacingMm: Vec3 = [1, 1, 1]): LabelGrid {
  return { size, spacingMm, data: new Uint8Array(size[0] * size[1] * size[2]) };
}
const at = (g: LabelGrid, i: number, j: number, k: number): number => i + g.size[0] * (j + g.size[1] * k);

describe('brush and eraser', () => {
  it('paints a 2D disk of radius 2 mm at 1 mm spacing: 13 voxels, in one slice', () => {
    const g = grid([9, 9, 5]);
    const rec = new EditRecorder(g);
    paintBrush(rec, { centre: [4, 4, 2], radiusMm: 2, mode: '2d', axis: 2, value: 1 });
    expect(countLabel(g.data)).toBe(13);
    for (let v = 0; v < g.data.length; v++) if (g.data[v]) expect(Math.floor(v / 81)).toBe(2);
  });

  it('honours anisotropic spacing: radius 1 mm at 0.5 × 1 mm gives 5 + 2 = 7 voxels', () => {
    const g = grid([9, 9, 3], [0.5, 1, 3]);
    paintBrush(new EditRecorder(g), { centre: [4, 4, 1], radiusMm: 1, mode: '2d', axis: 2, value: 1 });
    expect(countLabel(g.data)).toBe(7);
    expect([at(g, 2, 4, 1), at(g, 6, 4, 1), at(g, 4, 3, 1), at(g, 4, 5, 1)].map((v) => g.data[v])).toEqual([1, 1, 1, 1]);
    expect(g.data[at(g, 5, 3, 1)]).toBe(0);
  });

  it('paints a 3D sphere: radius √2 mm → 19 voxels; with 3 mm slices radius 2 mm → 13 + 0 (no neighbour slice)', () => {
    const g = grid([7, 7, 7]);
    paintBrush(new EditRecorder(g), { centre: [3, 3, 3], radiusMm: Math.SQRT2, mode: '3d', axis: 2, value: 1 });
    expect(countLabel(g.data)).toBe(19);
    const thick = grid([9, 9, 5], [1, 1, 3]);
    paintBrush(new EditRecorder(thick), { centre: [4, 4, 2], radiusMm: 2, mode: '3d', axis: 2, value: 1 });
    expect(countLabel(thick.data)).toBe(13);
    // Radius 3 mm reaches the next slices at their centre only (3² ≤ 3²): 29 + 1 + 1.
    const reach = grid([9, 9, 5], [1, 1, 3]);
    paintBrush(new EditRecorder(reach), { centre: [4, 4, 2], radiusMm: 3, mode: '3d', axis: 2, value: 1 });
    expect(countLabel(reach.data)).toBe(31);
  });

  it('limits painting to an intensity range, and erases only inside the brush', () => {
    const g = grid([9, 9, 1]);
    const image = new Float32Array(81);
    for (let v = 0; v < 81; v++) image[v] = v % 9 < 4 ? 100 : 10; // columns 0…3 bright
    const rec = new EditRecorder(g);
    paintBrush(rec, { centre: [4, 4, 0], radiusMm: 2, mode: '2d', axis: 2, value: 1, threshold: { image, min: 50, max: 200 } });
    // Of the 13-voxel disk, columns 2 (1 voxel) and 3 (3 voxels) are bright.
    expect(countLabel(g.data)).toBe(4);
    const all = grid([9, 9, 1]);
    all.data.fill(1);
    paintBrush(new EditRecorder(all), { centre: [4, 4, 0], radiusMm: 1, mode: '2d', axis: 2, value: 0 });
    expect(countLabel(all.data)).toBe(81 - 5);
  });

  it('a stroke leaves a continuous band: dragging a radius-1 disk over 6 voxels covers the 3 × 7 capsule minus corners', () => {
    const g = grid([12, 7, 1]);
    paintStroke(new EditRecorder(g), [2, 3, 0], [8, 3, 0], { radiusMm: 1, mode: '2d', axis: 2, value: 1 });
    // Row 3: i = 1…9 (9 voxels); rows 2 and 4: i = 2…8 (7 each) → 23.
    expect(countLabel(g.data)).toBe(23);
  });
});

describe('region tools', () => {
  // Two 3×3 squares of intensity 100 (one at 95) on background 0, on slice 1 of 3; a 2×2 square on slice 2.
  function phantom(): { g: LabelGrid; image: Float32Array } {
    const g = grid([10, 6, 3]);
    const image = new Float32Array(180);
    for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) image[at(g, i, j, 1)] = 100;
    for (let j = 1; j <= 3; j++) for (let i = 6; i <= 8; i++) image[at(g, i, j, 1)] = 95;
    for (let j = 1; j <= 2; j++) for (let i = 1; i <= 2; i++) image[at(g, i, j, 2)] = 100;
    return { g, image };
  }

  it('flood fill grows from the seed within the tolerance, in the slice (2D) or across slices (3D)', () => {
    const { g, image } = phantom();
    expect(floodFill(new EditRecorder(g), image, [2, 2, 1], { mode: '2d', axis: 2, value: 1, tolerance: 10 })).toBe(9);
    expect(countLabel(g.data)).toBe(9);
    const g3 = phantom().g;
    // 3D: the slice-2 square touches the slice-1 square face to face: 9 + 4.
    expect(floodFill(new EditRecorder(g3), image, [2, 2, 1], { mode: '3d', axis: 2, value: 1, tolerance: 10 })).toBe(13);
    // The background (0) from a background seed in slice 0: all 60 voxels of that slice.
    expect(floodFill(new EditRecorder(grid([10, 6, 3])), image, [0, 0, 0], { mode: '2d', axis: 2, value: 2, tolerance: 0 })).toBe(
      60,
    );
  });

  it('fills enclosed holes only', () => {
    const g = grid([7, 7, 1]);
    for (let j = 1; j <= 5; j++) for (let i = 1; i <= 5; i++) g.data[at(g, i, j, 0)] = 1;
    for (let j = 2; j <= 4; j++) for (let i = 2; i <= 4; i++) g.data[at(g, i, j, 0)] = 0; // 3×3 hole
    g.data[at(g, 0, 3, 0)] = 0;
    expect(fillHoles(new EditRecorder(g), { mode: '2d', axis: 2, value: 1 })).toBe(9);
    expect(countLabel(g.data)).toBe(25);
    // A notch open to the outside is not a hole.
    const open = grid([7, 7, 1]);
    for (let j = 1; j <= 5; j++) for (let i = 1; i <= 5; i++) open.data[at(open, i, j, 0)] = 1;
    for (let i = 3; i <= 5; i++) open.data[at(open, i, 3, 0)] = 0;
    expect(fillHoles(new EditRecorder(open), { mode: '3d', axis: 2, value: 1 })).toBe(0);
  });

  it('fills an enclosed 3D cavity away from the grid border: the 3×3×3 inside of a 5×5×5 shell', () => {
    const g = grid([12, 12, 9]);
    for (let k = 2; k <= 6; k++) for (let j = 3; j <= 7; j++) for (let i = 3; i <= 7; i++) g.data[at(g, i, j, k)] = 1;
    for (let k = 3; k <= 5; k++) for (let j = 4; j <= 6; j++) for (let i = 4; i <= 6; i++) g.data[at(g, i, j, k)] = 0;
    // In 2D (slice 4 across k) the cavity's cross-section is a 3×3 hole as well.
    const slice = { size: g.size, spacingMm: g.spacingMm, data: g.data.slice() };
    expect(fillHoles(new EditRecorder(slice), { mode: '2d', axis: 2, value: 1, slice: 4 })).toBe(9);
    expect(fillHoles(new EditRecorder(g), { mode: '3d', axis: 2, value: 1 })).toBe(27);
    expect(countLabel(g.data)).toBe(125);
  });

  it('keeps the largest component or removes islands below a size', () => {
    const g = grid([10, 5, 2]);
    for (let i = 0; i < 4; i++) g.data[at(g, i, 0, 0)] = 1; // 4
    for (let i = 6; i < 8; i++) g.data[at(g, i, 2, 0)] = 1; // 2
    g.data[at(g, 9, 4, 1)] = 1; // 1
    const small = { size: g.size, spacingMm: g.spacingMm, data: g.data.slice() };
    expect(removeIslands(new EditRecorder(small), { mode: '3d', axis: 2, value: 1, minVoxels: 2 })).toBe(1);
    expect(countLabel(small.data)).toBe(6);
    expect(removeIslands(new EditRecorder(g), { mode: '3d', axis: 2, value: 1, keepLargest: true })).toBe(3);
    expect(countLabel(g.data)).toBe(4);
  });

  it('dilates and erodes with a physical radius', () => {
    // Radius 1 mm at 1 mm: the 6-neighbourhood (in 2D the 4-neighbourhood).
    expect(structuringElement([1, 1, 1], 1, '3d', 2)).toHaveLength(6);
    expect(structuringElement([1, 1, 3], 2, '3d', 2)).toHaveLength(12); // disk of 13 minus centre; slices 3 mm away are out
    const g = grid([9, 9, 3]);
    g.data[at(g, 4, 4, 1)] = 1;
    expect(morphology(new EditRecorder(g), { operation: 'dilate', radiusMm: 1, mode: '3d', axis: 2, value: 1 })).toBe(6);
    expect(countLabel(g.data)).toBe(7);
    // A 3×3×3 cube eroded by the 6-neighbourhood keeps its centre only.
    const cube = grid([5, 5, 5]);
    for (let k = 1; k <= 3; k++) for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) cube.data[at(cube, i, j, k)] = 1;
    expect(morphology(new EditRecorder(cube), { operation: 'erode', radiusMm: 1, mode: '3d', axis: 2, value: 1 })).toBe(26);
    expect(countLabel(cube.data)).toBe(1);
  });
});

describe('undo/redo and measurements', () => {
  it('undoes and redoes 60 strokes exactly, keeping diffs only', () => {
    const g = grid([64, 64, 4]);
    const h = new EditHistory();
    const snapshots: Uint8Array[] = [g.data.slice()];
    // The running count of labelled voxels from the edits' deltas must equal a recount.
    let counted = 0;
    for (let s = 0; s < 60; s++) {
      const rec = new EditRecorder(g);
      // Every fifth stroke erases (radius 2 mm) inside the previous one, so every stroke changes voxels.
      const erase = s % 5 === 4;
      const c = erase ? s - 1 : s;
      paintBrush(rec, {
        centre: [(c * 7) % 64, (c * 13) % 64, c % 4],
        radiusMm: erase ? 2 : 3,
        mode: '2d',
        axis: 2,
        value: erase ? 0 : 1,
      });
      h.push(rec.finish());
      counted += rec.labelledDelta;
      snapshots.push(g.data.slice());
    }
    expect(counted).toBe(countLabel(g.data));
    const steps = h.undoSteps;
    expect(steps).toBe(60);
    for (let s = 0; s < steps; s++) counted += h.undo(g.data)!.labelledDelta;
    expect(Buffer.from(g.data).equals(Buffer.from(snapshots[60 - steps]!))).toBe(true);
    expect(counted).toBe(0);
    for (let s = 0; s < steps; s++) counted += h.redo(g.data)!.labelledDelta;
    expect(counted).toBe(countLabel(g.data));
    expect(Buffer.from(g.data).equals(Buffer.from(snapshots[60]!))).toBe(true);
    // 60 disks of ≤ 29 voxels: each step ≤ 29 × (4 + 1 + 1) bytes, far below one 16 kB copy.
    expect(h.bytes).toBeLessThan(60 * 29 * 6 + 1);
    // A new edit after an undo drops the redo stack.
    h.undo(g.data);
    const rec = new EditRecorder(g);
    rec.set(0, 3);
    h.push(rec.finish());
    expect(h.canRedo).toBe(false);
  });

  it('gives volume in mm³ and the longest in-plane diameter between voxel centres', () => {
    const g = grid([10, 10, 3], [0.7, 0.7, 2]);
    for (let j = 2; j <= 4; j++) for (let i = 1; i <= 5; i++) g.data[at(g, i, j, 1)] = 1; // 5 × 3 rectangle
    g.data[at(g, 3, 3, 2)] = 1;
    const m = measureLabel(g, 1, 2);
    expect(m.voxelCount).toBe(16);
    expect(m.volumeMm3).toBeCloseTo(16 * 0.7 * 0.7 * 2, 12); // 15.68 mm³
    // Corner centres (1,2) and (5,4): 0.7 · √(4² + 2²) = 3.1305 mm.
    expect(m.longestDiameterMm).toBeCloseTo(0.7 * Math.sqrt(20), 12);
    expect(m.longestDiameterSlice).toBe(1);
    expect(measureLabel(grid([2, 2, 2]), 1)).toEqual({
      voxelCount: 0,
      volumeMm3: 0,
      longestDiameterMm: 0,
      longestDiameterSlice: null,
    });
  });
});
