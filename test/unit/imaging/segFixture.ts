/**
 * A BINARY DICOM SEG (PS3.3 A.51) on a given grid, written with the test DICOM writer
 * (dicomFixture.ts): one frame per (segment, slice k of the grid), plane position from the
 * grid's voxel (0, 0, k), orientation and pixel spacing shared; 1-bit frames packed back to back,
 * least significant bit first (PS3.5 §8.1.1).
 */
import { indexToPhysical, type Geometry } from '../../../main/compute/imaging/volume.js';
import { dicomFile, type DicomElement } from './dicomFixture.js';

export const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

export interface SegFixtureSegment {
  number: number;
  label: string;
  /** RecommendedDisplayCIELabValue (three US, 0…65535), if any. */
  lab?: number[];
}

export interface SegFixtureFrame {
  segment: number;
  /** Slice k of the grid. */
  slice: number;
  /** size[0] × size[1] values, non-zero inside. */
  pixels: ArrayLike<number>;
}

function packBits(frames: ArrayLike<number>[]): Uint8Array {
  const total = frames.reduce((s, f) => s + f.length, 0);
  const bytes = Math.ceil(total / 8);
  const out = new Uint8Array(bytes + (bytes % 2));
  let b = 0;
  for (const f of frames)
    for (let i = 0; i < f.length; i++) {
      if (f[i]) out[b >> 3]! |= 1 << (b & 7);
      b++;
    }
  return out;
}

const ds = (x: number): string => String(+x.toFixed(6));

export function segFixture(grid: Geometry, segments: SegFixtureSegment[], frames: SegFixtureFrame[]): Uint8Array {
  const seq = (items: DicomElement[][]): DicomElement[2] => ({ vr: 'SQ', items });
  const d = grid.direction;
  const iop = [d[0], d[3], d[6], d[1], d[4], d[7]].map(ds).join('\\');
  const perFrame: DicomElement[][] = frames.map((f) => [
    [0x0020, 0x9113, seq([[[0x0020, 0x0032, { vr: 'DS', value: indexToPhysical(grid, 0, 0, f.slice).map(ds).join('\\') }]]])],
    [0x0062, 0x000a, seq([[[0x0062, 0x000b, { vr: 'US', value: [f.segment] }]]])],
  ]);
  const shared: DicomElement[][] = [
    [
      [0x0020, 0x9116, seq([[[0x0020, 0x0037, { vr: 'DS', value: iop }]]])],
      [
        0x0028,
        0x9110,
        seq([
          [
            [0x0028, 0x0030, { vr: 'DS', value: `${ds(grid.spacingMm[1])}\\${ds(grid.spacingMm[0])}` }],
            [0x0018, 0x0050, { vr: 'DS', value: ds(grid.spacingMm[2]) }],
          ],
        ]),
      ],
    ],
  ];
  const segmentItems: DicomElement[][] = segments.map((s) => [
    [0x0062, 0x0004, { vr: 'US', value: [s.number] }],
    [0x0062, 0x0005, { vr: 'LO', value: s.label }],
    ...(s.lab ? ([[0x0062, 0x000d, { vr: 'US', value: s.lab }]] as DicomElement[]) : []),
  ]);
  return dicomFile('1.2.840.10008.1.2.1', [
    [0x0008, 0x0016, { vr: 'UI', value: SEG_SOP_CLASS }],
    [0x0008, 0x0018, { vr: 'UI', value: '1.2.3.4.5' }],
    [0x0008, 0x0060, { vr: 'CS', value: 'SEG' }],
    [0x0028, 0x0002, { vr: 'US', value: [1] }],
    [0x0028, 0x0008, { vr: 'IS', value: String(frames.length) }],
    [0x0028, 0x0010, { vr: 'US', value: [grid.size[1]] }],
    [0x0028, 0x0011, { vr: 'US', value: [grid.size[0]] }],
    [0x0028, 0x0100, { vr: 'US', value: [1] }],
    [0x0028, 0x0101, { vr: 'US', value: [1] }],
    [0x0062, 0x0001, { vr: 'CS', value: 'BINARY' }],
    [0x0062, 0x0002, seq(segmentItems)],
    [0x5200, 0x9229, seq(shared)],
    [0x5200, 0x9230, seq(perFrame)],
    [0x7fe0, 0x0010, { vr: 'OB', value: packBits(frames.map((f) => f.pixels)) }],
  ]);
}
