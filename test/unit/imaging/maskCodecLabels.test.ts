import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeMask,
  encodeMask,
  labelCounts,
  labelRuns,
  maskFromLabelRuns,
  maskRuns,
} from '../../../main/compute/imaging/maskCodec.js';
import { transferMask } from '../../../main/compute/imaging/maskTransfer.js';
import type { Geometry } from '../../../main/compute/imaging/volume.js';

/**
 * The mask codec with several labels: version-2 blobs round-trip every value 1…255 exactly,
 * touching labels are kept apart by an empty background run, binary masks are still written in
 * version 1 (same bytes as before), and version-1 blobs written by the old encoder still read.
 * All comparisons are exact (integer voxel values, tolerance 0).
 */

/** The version-1 encoder as it was before labels: alternating uint32 runs, gzip. */
function encodeV1(runs: number[]): Uint8Array {
  const raw = Buffer.alloc(4 * runs.length);
  runs.forEach((r, i) => raw.writeUInt32LE(r, 4 * i));
  return new Uint8Array(gzipSync(raw));
}

describe('labelRuns', () => {
  it('separates touching labels by an empty background run and gives one value per labelled run', () => {
    // Voxels: 0 0 1 1 2 2 2 0 3 → runs bg2, 1×2, bg0, 2×3, bg1, 3×1 (ends on the labelled run, as maskRuns).
    const mask = Uint8Array.from([0, 0, 1, 1, 2, 2, 2, 0, 3]);
    const { runs, values } = labelRuns(mask);
    expect(runs).toEqual([2, 2, 0, 3, 1, 1]);
    expect(values).toEqual([1, 2, 3]);
    expect(maskFromLabelRuns(runs, values, mask.length, 't')).toEqual(mask);
  });

  it('equals maskRuns for a binary mask', () => {
    const mask = Uint8Array.from([1, 1, 0, 1, 0, 0]);
    expect(labelRuns(mask).runs).toEqual(maskRuns(mask));
    expect(labelRuns(mask).values).toEqual([1, 1]);
  });

  it('refuses values outside 1…255 and runs that miss the grid, naming what', () => {
    expect(() => maskFromLabelRuns([1, 1, 1], [0], 3, 'L1')).toThrow(/L1: label value 0/);
    expect(() => maskFromLabelRuns([1, 1, 1], [256], 3, 'L1')).toThrow(/not an integer 1…255/);
    expect(() => maskFromLabelRuns([1, 1, 1], [1, 2], 3, 'L1')).toThrow(/2 label values for 1 labelled runs/);
    expect(() => maskFromLabelRuns([1, 1], [1], 3, 'L1')).toThrow(/covers 2 voxels, the series grid has 3/);
  });
});

describe('encodeMask / decodeMask with several labels', () => {
  it('round-trips a random labelmap with values 0…255 exactly', () => {
    // Deterministic LCG so the test is reproducible; runs of random length and random value.
    let s = 12345;
    const rnd = (n: number): number => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s % n;
    };
    const mask = new Uint8Array(40 * 30 * 7);
    for (let v = 0; v < mask.length;) {
      const len = 1 + rnd(20);
      mask.fill(rnd(3) === 0 ? 0 : rnd(256), v, v + len);
      v += len;
    }
    const decoded = decodeMask(encodeMask(mask), mask.length);
    expect(decoded).toEqual(mask);
    expect(labelCounts(decoded)).toEqual(labelCounts(mask));
  });

  it('round-trips labels 1 and 2 that touch, and keeps the voxel counts per label', () => {
    const mask = new Uint8Array(100);
    mask.fill(1, 10, 30);
    mask.fill(2, 30, 45);
    mask.fill(2, 90, 100);
    const decoded = decodeMask(encodeMask(mask), 100);
    expect(decoded).toEqual(mask);
    expect([...labelCounts(decoded)]).toEqual([
      [1, 20],
      [2, 25],
    ]);
  });

  it('writes binary masks in version 1, byte-identical to the old encoder', () => {
    const mask = new Uint8Array(50);
    mask.fill(1, 5, 12);
    mask.fill(1, 40, 50);
    expect(Buffer.from(encodeMask(mask))).toEqual(Buffer.from(encodeV1([5, 7, 28, 10])));
  });

  it('reads version-1 masks written before labels existed as label 1', () => {
    const decoded = decodeMask(encodeV1([3, 4, 2, 1]), 10);
    expect(Array.from(decoded)).toEqual([0, 0, 0, 1, 1, 1, 1, 0, 0, 1]);
  });

  it('refuses a truncated version-2 blob and one for another grid', () => {
    const mask = Uint8Array.from([0, 2, 2, 0, 1]);
    const blob = encodeMask(mask);
    expect(() => decodeMask(blob, 6)).toThrow(/covers 5 voxels, the series grid has 6/);
    const raw = Buffer.alloc(8 + 4 * 3);
    raw.writeUInt32LE(0x324d4c52, 0);
    raw.writeUInt32LE(3, 4);
    expect(() => decodeMask(new Uint8Array(gzipSync(raw)), 5)).toThrow(/version 2/);
  });
});

describe('transferMask with several labels', () => {
  it('copies label values by nearest neighbour', () => {
    // Source 4 voxels of 1 mm (centres x = 0…3), labels 1 1 2 2; target 2 voxels of 2 mm with
    // centres x = 0.5 and 2.5 → source index ⌊0.5 + 0.5⌋ = 1 and ⌊2.5 + 0.5⌋ = 3: labels 1, 2 (exact).
    const dir: Geometry['direction'] = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const source: Geometry = { size: [4, 1, 1], spacingMm: [1, 1, 1], originMm: [0, 0, 0], direction: dir };
    const target: Geometry = { size: [2, 1, 1], spacingMm: [2, 1, 1], originMm: [0.5, 0, 0], direction: dir };
    const moved = transferMask(Uint8Array.from([1, 1, 2, 2]), source, target);
    expect(Array.from(moved.mask)).toEqual([1, 2]);
    expect([moved.sourceVoxels, moved.targetVoxels]).toEqual([4, 2]);
  });
});
