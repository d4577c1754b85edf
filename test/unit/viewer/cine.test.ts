import { describe, expect, it } from 'vitest';
import type { Series } from '../../../main/api/contract.js';
import { indexToPhysical, type Geometry, type Mat3 } from '../../../main/compute/imaging/volume.js';
import { dcePhasesOf, frameRgba, resliceFrame, sliceGeometry } from '../../../renderer/src/viewer/cine.js';

/**
 * Cine frames of DCE phases on the open series' slice. Reference: voxel centres computed by
 * hand (origin + index × spacing for identity directions) and the phase voxel each one rounds
 * to; the phase holds value = i + 100 j + 10 000 k so the sampled voxel is read off the value.
 * Exact (integers; no centre within 0.1 voxel of a rounding boundary).
 */

const I: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
/** The series open in the editor (e.g. T2): 6 × 4 × 5 voxels of 1 × 1 × 3 mm. */
const OPEN: Geometry = { size: [6, 4, 5], spacingMm: [1, 1, 3], originMm: [10, 20, 30], direction: I };

function phase(g: Geometry) {
  const [nx, ny, nz] = g.size;
  const data = new Uint16Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[i + nx * (j + ny * k)] = i + 100 * j + 10_000 * k;
  return { ...g, data };
}

describe('cine frames', () => {
  it('a slice grid has the voxel centres of that slice of the open series', () => {
    for (const axis of [0, 1, 2] as const) {
      const s = sliceGeometry(OPEN, axis, 2);
      expect(s.size[axis]).toBe(1);
      const at: [number, number, number] = [1, 3, 4];
      at[axis] = 0;
      const open: [number, number, number] = [...at];
      open[axis] = 2;
      expect(indexToPhysical(s, ...at)).toEqual(indexToPhysical(OPEN, ...open));
    }
  });

  it('samples a phase on another grid at the same physical slice', () => {
    // Phase: 2 mm in-plane voxels, 1.5 mm slices, origin (9.4, 19.3, 27.2).
    const dce = phase({ size: [4, 3, 8], spacingMm: [2, 2, 1.5], originMm: [9.4, 19.3, 27.2], direction: I });
    // Open slice k = 1 is at z = 33 mm → phase k = round((33 − 27.2)/1.5 = 3.87) = 4.
    // x = 10 + u → phase i = round((0.6 + u)/2): u 0…5 → 0, 1, 1, 2, 2, 3;
    // y = 20 + w → phase j = round((0.7 + w)/2): w 0…3 → 0, 1, 1, 2.
    const frame = resliceFrame(dce, OPEN, 2, 1);
    const pi = [0, 1, 1, 2, 2, 3];
    const pj = [0, 1, 1, 2];
    const expected: number[] = [];
    for (let w = 0; w < 4; w++) for (let u = 0; u < 6; u++) expected.push(pi[u]! + 100 * pj[w]! + 40_000);
    expect([...frame]).toEqual(expected);
    // A slice the phase does not cover (z = 42 mm > 27.2 + 7.5 × 1.5 = 38.45) is all 0.
    expect([...resliceFrame(dce, OPEN, 2, 4)].every((x) => x === 0)).toBe(true);
  });

  it('orders the DCE phases of the same exam only', () => {
    const base = { kind: 'DCE', patientId: 1, studyInstanceUid: '1.1', seriesNumber: 6 } as const;
    const all = [
      { ...base, id: 5, phase: 2 },
      { ...base, id: 3, phase: 0 },
      { ...base, id: 4, phase: 1 },
      { ...base, id: 9, phase: 1, studyInstanceUid: '2.2' },
      { ...base, id: 8, phase: 1, patientId: 2 },
      { ...base, id: 7, kind: 'T2', phase: null },
    ] as unknown as Series[];
    expect(dcePhasesOf(all, all[5]!).map((s) => s.id)).toEqual([3, 4, 5]);
  });

  it('maps intensities through the window like the slice views (level ± window/2 → 0…255)', () => {
    const out = new Uint8ClampedArray(12);
    // Window 510 at level 255: 0…510 → 0…255 at half a grey level per unit; out of range clamps.
    frameRgba(Float32Array.from([-20, 200, 900]), { window: 510, level: 255 }, out);
    expect([...out]).toEqual([0, 0, 0, 255, 100, 100, 100, 255, 255, 255, 255, 255]);
  });
});
