import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDicomFile } from '../../../main/compute/imaging/dicom/dicomFile.js';
import { decodeFrames } from '../../../main/compute/imaging/dicom/pixelData.js';
import { readDicomImage, readDicomSeries } from '../../../main/compute/imaging/dicom/readDicom.js';
import { decodeRleFrame } from '../../../main/compute/imaging/dicom/rle.js';
import type { VoxelArray } from '../../../main/compute/imaging/volume.js';
import { dicomFile, encapsulated } from './dicomFixture.js';
import type { DicomElement } from './dicomFixture.js';
import { referencePath } from './referenceData.js';

const dcm = (name: string): Uint8Array => new Uint8Array(readFileSync(referencePath('dicom', name)));

function stats(data: VoxelArray): { min: number; max: number; sum: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    min = Math.min(min, data[i]!);
    max = Math.max(max, data[i]!);
    sum += data[i]!;
  }
  return { min, max, sum };
}

/** PackBits (PS3.5 G.3.1) with repeats of ≥ 3 bytes and literal runs otherwise. */
function packBits(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let r = 1;
    while (i + r < bytes.length && r < 128 && bytes[i + r] === bytes[i]) r++;
    if (r >= 3) {
      out.push(257 - r, bytes[i]!);
      i += r;
      continue;
    }
    const start = i;
    while (
      i < bytes.length &&
      i - start < 128 &&
      !(i + 2 < bytes.length && bytes[i] === bytes[i + 1] && bytes[i] === bytes[i + 2])
    )
      i++;
    out.push(i - start - 1, ...bytes.subarray(start, i));
  }
  return out;
}

/** RLE frame of 16-bit samples: segment 1 = high bytes, segment 2 = low bytes (PS3.5 G.2). */
function rleFrame16(values: number[]): Uint8Array {
  const hi = new Uint8Array(values.map((v) => (v >> 8) & 0xff));
  const lo = new Uint8Array(values.map((v) => v & 0xff));
  const s1 = packBits(hi);
  const s2 = packBits(lo);
  const head = new Uint8Array(64);
  const v = new DataView(head.buffer);
  v.setUint32(0, 2, true);
  v.setUint32(4, 64, true);
  v.setUint32(8, 64 + s1.length, true);
  return new Uint8Array([...head, ...s1, ...s2]);
}

// Reference: shared/reference/dicom/README.md — MR_small's pixels: 64×64, min 127, max 2145,
// sum 2,125,338; the implicit, big-endian, RLE and JPEG 2000 lossless files hold identical pixels.
describe('DICOM single files (pydicom test files)', () => {
  const variants = [
    'MR_small.dcm',
    'MR_small_implicit.dcm',
    'MR_small_bigendian.dcm',
    'MR_small_RLE.dcm',
    'MR_small_jp2klossless.dcm',
  ];

  it('every transfer-syntax variant of MR_small decodes to the same pixels (exact)', async () => {
    const reference = (await readDicomImage(dcm('MR_small.dcm'), 'MR_small.dcm')).volume.data;
    expect(reference).toBeInstanceOf(Int16Array);
    expect(reference.length).toBe(64 * 64);
    expect(stats(reference)).toEqual({ min: 127, max: 2145, sum: 2125338 });
    for (const name of variants) {
      const img = await readDicomImage(dcm(name), name);
      expect(img.volume.data, name).toBeInstanceOf(Int16Array);
      expect(stats(img.volume.data), name).toEqual({ min: 127, max: 2145, sum: 2125338 });
      expect(Buffer.compare(Buffer.from(img.volume.data.buffer), Buffer.from(reference.buffer)), name).toBe(0);
      // Geometry from the header: PixelSpacing 0.3125, IPP (−83.9063, −91.2, 6.6406), axial.
      expect(img.volume.size).toEqual([64, 64, 1]);
      expect(img.volume.spacingMm).toEqual([0.3125, 0.3125, 0.8]);
      expect(img.volume.originMm).toEqual([-83.9063, -91.2, 6.6406]);
      expect(img.volume.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    }
    const parsed = variants.map((n) => parseDicomFile(dcm(n), n).header.transferSyntaxUid);
    expect(parsed).toEqual([
      '1.2.840.10008.1.2.1',
      '1.2.840.10008.1.2',
      '1.2.840.10008.1.2.2',
      '1.2.840.10008.1.2.5',
      '1.2.840.10008.1.2.4.90',
    ]);
  });

  it('CT_small: HU = stored × RescaleSlope + RescaleIntercept for every voxel (slope 1, intercept −1024 in the file)', async () => {
    const file = parseDicomFile(dcm('CT_small.dcm'), 'CT_small.dcm');
    const f = file.header.frames[0]!;
    expect([f.rescaleSlope, f.rescaleIntercept]).toEqual([1, -1024]);
    const stored = (await decodeFrames(file)).frames[0]!;
    const img = await readDicomImage(dcm('CT_small.dcm'), 'CT_small.dcm');
    expect(img.volume.size).toEqual([128, 128, 1]);
    let worst = 0;
    for (let i = 0; i < stored.length; i++) worst = Math.max(worst, Math.abs(img.volume.data[i]! - (stored[i]! - 1024)));
    expect(worst).toBe(0);
    // Signed 16-bit stored range −32768..32767 shifted by −1024 does not fit int16 → int32.
    expect(img.volume.data).toBeInstanceOf(Int32Array);
  });

  it('rtdose: 15 frames of 10×10 placed by GridFrameOffsetVector, dose = stored × DoseGridScaling', async () => {
    const file = parseDicomFile(dcm('rtdose.dcm'), 'rtdose.dcm');
    expect(file.header.numberOfFrames).toBe(15);
    const stored = (await decodeFrames(file)).frames;
    const img = await readDicomImage(dcm('rtdose.dcm'), 'rtdose.dcm');
    const v = img.volume;
    // Header: PixelSpacing 10\10, offsets 0, 5, …, 70 mm, IPP (189.43125, 199.43125, −761.87), scaling 1e-6.
    expect(v.size).toEqual([10, 10, 15]);
    expect(v.spacingMm).toEqual([10, 10, 5]);
    expect(v.originMm).toEqual([189.43125, 199.43125, -761.87]);
    expect(v.data).toBeInstanceOf(Float64Array);
    let worst = 0;
    for (let k = 0; k < 15; k++)
      for (let p = 0; p < 100; p++) worst = Math.max(worst, Math.abs(v.data[k * 100 + p]! - stored[k]![p]! * 1e-6));
    expect(worst).toBe(0);
    expect(img.warnings).toEqual([]);
  });

  it('liver_1frame SEG: 1-bit pixels unpack to as many ones as bits set in the pixel data', async () => {
    const file = parseDicomFile(dcm('liver_1frame.dcm'), 'liver_1frame.dcm');
    const el = file.dataSet.elements.x7fe00010!;
    let bits = 0;
    for (let p = el.dataOffset; p < el.dataOffset + el.length; p++) for (let b = file.bytes[p]!; b; b >>= 1) bits += b & 1;
    const frame = (await decodeFrames(file)).frames[0]!;
    expect(frame).toBeInstanceOf(Uint8Array);
    expect(frame.length).toBe(512 * 512);
    expect(stats(frame).sum).toBe(bits);
    expect(stats(frame).max).toBe(1);
  });
});

describe('RLE and encapsulated multi-frame (synthetic)', () => {
  it('decodeRleFrame inverts a PackBits encoding of 16-bit signed values', () => {
    const values = [0, 0, 0, 0, 1, -1, 300, -32768, 32767, 5, 5, 5, 5, 5, 7, 8];
    const bytes = decodeRleFrame(rleFrame16(values), 4, 4, 1, 16);
    expect(Array.from(new Int16Array(bytes.buffer))).toEqual(values);
  });

  it('a 3-frame RLE file, with and without Basic Offset Table, decodes frame by frame', async () => {
    const frames = [
      [1, 2, 3, 4, 5, 6],
      [-7, -7, -7, -7, 0, 100],
      [1000, 2000, 3000, -1000, -2000, -3000],
    ];
    for (const table of [true, false]) {
      const el: DicomElement[] = [
        [0x0008, 0x0060, { vr: 'CS', value: 'MR' }],
        [0x0020, 0x000e, { vr: 'UI', value: '1.2.3.10' }],
        [0x0028, 0x0002, { vr: 'US', value: [1] }],
        [0x0028, 0x0004, { vr: 'CS', value: 'MONOCHROME2' }],
        [0x0028, 0x0008, { vr: 'IS', value: '3' }],
        [0x0028, 0x0010, { vr: 'US', value: [2] }],
        [0x0028, 0x0011, { vr: 'US', value: [3] }],
        [0x0028, 0x0100, { vr: 'US', value: [16] }],
        [0x0028, 0x0101, { vr: 'US', value: [16] }],
        [0x0028, 0x0103, { vr: 'US', value: [1] }],
      ];
      const bytes = dicomFile('1.2.840.10008.1.2.5', el, encapsulated(frames.map(rleFrame16), table));
      const decoded = await decodeFrames(parseDicomFile(bytes, 'rle3.dcm'));
      expect(decoded.frames.map((f) => Array.from(f))).toEqual(frames);
    }
  });
});

describe('DICOM bad input', () => {
  const mr = dcm('MR_small.dcm');

  it('a non-DICOM file is an error naming it, or is skipped with the reason when asked', async () => {
    const text = new TextEncoder().encode('patient list\nnot an image\n'.repeat(10));
    expect(() => parseDicomFile(text, 'notes.txt')).toThrow(/^notes\.txt: not a readable DICOM file: no "DICM" prefix/);
    const r = await readDicomSeries(
      [
        { name: 'MR_small.dcm', bytes: mr },
        { name: 'notes.txt', bytes: text },
      ],
      { skipUnreadable: true },
    );
    expect(r.series.length).toBe(1);
    expect(r.skipped).toEqual([{ name: 'notes.txt', reason: expect.stringMatching(/^not a readable DICOM file/) }]);
    await expect(readDicomSeries([{ name: 'notes.txt', bytes: text }])).rejects.toThrow('notes.txt: not a readable DICOM file');
  });

  it('a truncated file names the file and says what is missing', async () => {
    const cutPixels = mr.subarray(0, mr.length - 1000);
    await expect(readDicomImage(cutPixels, 'MR_cut.dcm')).rejects.toThrow(/^MR_cut\.dcm: /);
    await expect(readDicomImage(cutPixels, 'MR_cut.dcm')).rejects.toThrow(/truncated|buffer overrun|overrun/i);
    const cutHeader = mr.subarray(0, 400);
    await expect(readDicomImage(cutHeader, 'MR_head.dcm')).rejects.toThrow(/^MR_head\.dcm: /);
  });

  it('an unsupported transfer syntax is named with its UID and a way out', async () => {
    const el: DicomElement[] = [
      [0x0020, 0x000e, { vr: 'UI', value: '1.2.3.11' }],
      [0x0020, 0x0032, { vr: 'DS', value: '0\\0\\0' }],
      [0x0020, 0x0037, { vr: 'DS', value: '1\\0\\0\\0\\1\\0' }],
      [0x0028, 0x0010, { vr: 'US', value: [1] }],
      [0x0028, 0x0011, { vr: 'US', value: [1] }],
      [0x0028, 0x0030, { vr: 'DS', value: '1\\1' }],
      [0x0028, 0x0100, { vr: 'US', value: [8] }],
    ];
    const bytes = dicomFile('1.2.840.10008.1.2.4.201', el, encapsulated([new Uint8Array([0xff, 0x4f, 0xff, 0xd9])], false));
    await expect(readDicomImage(bytes, 'htj2k.dcm')).rejects.toThrow(
      'htj2k.dcm: transfer syntax 1.2.840.10008.1.2.4.201 (High-Throughput JPEG 2000 Image Compression (Lossless Only)) is not supported; convert the series',
    );
  });

  it('a corrupt RLE frame names the file and the frame', async () => {
    const el: DicomElement[] = [
      [0x0028, 0x0010, { vr: 'US', value: [2] }],
      [0x0028, 0x0011, { vr: 'US', value: [2] }],
      [0x0028, 0x0100, { vr: 'US', value: [16] }],
    ];
    const short = rleFrame16([1, 2, 3, 4]).subarray(0, 66);
    const bytes = dicomFile('1.2.840.10008.1.2.5', el, encapsulated([short], false));
    await expect(decodeFrames(parseDicomFile(bytes, 'bad_rle.dcm'))).rejects.toThrow(
      /^bad_rle\.dcm: frame 1 cannot be decoded \(RLE Lossless\): RLE segment/,
    );
  });
});
