import { describe, expect, it } from 'vitest';
import { readNrrd } from '../../../main/compute/imaging/nrrd.js';
import { resampleLinear, resampleNearest } from '../../../main/compute/imaging/resample.js';
import type { Geometry, Mat3, Volume } from '../../../main/compute/imaging/volume.js';
import { indexToPhysical } from '../../../main/compute/imaging/volume.js';
import { readReference } from './referenceData.js';

/** The voxel bytes of a volume (its data may be a view into a larger buffer). */
const bytesOf = (v: Volume): Buffer => Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength);

const I: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function countOnes(data: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 1) n++;
  return n;
}

describe('resampleNearest', () => {
  const label = readNrrd(readReference('pyradiomics', 'breast1_label.nrrd')).volume;

  it('onto its own grid is the identity (breast1 label, 143 voxels)', () => {
    const same = resampleNearest(label, label);
    expect(same.data).toBeInstanceOf(Int16Array);
    expect(Buffer.compare(bytesOf(same), bytesOf(label))).toBe(0);
    expect(countOnes(same.data)).toBe(143);
  });

  it('onto a y-flipped grid covering the same space mirrors the rows, and back again', () => {
    const [nx, ny, nz] = label.size;
    const far = indexToPhysical(label, 0, ny - 1, 0);
    const flipped: Geometry = { ...label, originMm: far, direction: [1, 0, 0, 0, -1, 0, 0, 0, 1] };
    const f = resampleNearest(label, flipped);
    for (let k = 0; k < nz; k += 5) {
      for (let j = 0; j < ny; j += 7) {
        for (let i = 0; i < nx; i += 3) {
          expect(f.data[i + nx * (j + ny * k)]).toBe(label.data[i + nx * (ny - 1 - j + ny * k)]);
        }
      }
    }
    const back = resampleNearest(f, label);
    expect(Buffer.compare(bytesOf(back), bytesOf(label))).toBe(0);
  });

  it('a shift by whole voxels moves values and fills outside points', () => {
    const src: Volume = {
      size: [4, 1, 1],
      spacingMm: [2, 1, 1],
      originMm: [0, 0, 0],
      direction: I,
      data: new Uint8Array([1, 2, 3, 4]),
    };
    const target: Geometry = { size: [4, 1, 1], spacingMm: [2, 1, 1], originMm: [4, 0, 0], direction: I };
    expect(Array.from(resampleNearest(src, target, 9).data)).toEqual([3, 4, 9, 9]);
    // Half-voxel rule: a point 0.4 voxel beyond the last centre is still inside.
    const nearEdge: Geometry = { size: [1, 1, 1], spacingMm: [1, 1, 1], originMm: [6.8, 0, 0], direction: I };
    expect(Array.from(resampleNearest(src, nearEdge, 9).data)).toEqual([4]);
  });

  it('copies every component of interleaved volumes', () => {
    const src: Volume = {
      size: [2, 1, 1],
      spacingMm: [1, 1, 1],
      originMm: [0, 0, 0],
      direction: I,
      data: new Uint8Array([1, 10, 2, 20]),
      components: 2,
    };
    const target: Geometry = { size: [2, 1, 1], spacingMm: [1, 1, 1], originMm: [1, 0, 0], direction: I };
    const out = resampleNearest(src, target);
    expect(out.components).toBe(2);
    expect(Array.from(out.data)).toEqual([2, 20, 0, 0]);
  });
});

describe('resampleLinear', () => {
  // Trilinear interpolation reproduces any affine function exactly: f(p) = 3 + 0.5x − 0.25y + 2z.
  const f = (p: readonly number[]): number => 3 + 0.5 * p[0]! - 0.25 * p[1]! + 2 * p[2]!;
  const source: Volume = (() => {
    const g: Geometry = { size: [20, 18, 16], spacingMm: [1, 1.5, 2], originMm: [-5, 2, 1], direction: I };
    const data = new Float64Array(20 * 18 * 16);
    let n = 0;
    for (let k = 0; k < 16; k++)
      for (let j = 0; j < 18; j++) for (let i = 0; i < 20; i++) data[n++] = f(indexToPhysical(g, i, j, k));
    return { ...g, data };
  })();

  it('reproduces an affine function on an oblique target inside the source (float64, < 1e-9)', () => {
    const a = 0.3;
    const target: Geometry = {
      size: [8, 8, 6],
      spacingMm: [1.3, 0.8, 2.1],
      originMm: [0, 6, 8],
      direction: [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1],
    };
    const out = resampleLinear(source, target, Number.NaN);
    expect(out.data).toBeInstanceOf(Float64Array);
    let worst = 0;
    let n = 0;
    for (let k = 0; k < 6; k++) {
      for (let j = 0; j < 8; j++) {
        for (let i = 0; i < 8; i++, n++) worst = Math.max(worst, Math.abs(out.data[n]! - f(indexToPhysical(target, i, j, k))));
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('returns the source values on its own grid, including the last plane, and fills outside', () => {
    const same = resampleLinear(source, source);
    let worst = 0;
    for (let i = 0; i < source.data.length; i++) worst = Math.max(worst, Math.abs(same.data[i]! - source.data[i]!));
    expect(worst).toBeLessThan(1e-9);
    const outside: Geometry = { size: [1, 1, 1], spacingMm: [1, 1, 1], originMm: [100, 0, 0], direction: I };
    expect(Array.from(resampleLinear(source, outside, -7).data)).toEqual([-7]);
  });
});
