import { readFileSync } from 'node:fs';
import charlsFactory from '@cornerstonejs/codec-charls/wasmjs';
import { describe, expect, it } from 'vitest';
import { readDicomImage } from '../../../main/compute/imaging/dicom/readDicom.js';
import { dicomFile, encapsulated } from './dicomFixture.js';
import type { DicomElement } from './dicomFixture.js';
import { encodeJpegBaselineBlocks, encodeJpegLossless } from './jpegFixture.js';
import { referencePath } from './referenceData.js';

/** Attributes of a monochrome image of the given size (explicit VR LE body). */
function imageElements(rows: number, columns: number, bits: number, signed: boolean): DicomElement[] {
  return [
    [0x0008, 0x0060, { vr: 'CS', value: 'MR' }],
    [0x0020, 0x000e, { vr: 'UI', value: '1.2.3.55' }],
    [0x0020, 0x0032, { vr: 'DS', value: '0\\0\\0' }],
    [0x0020, 0x0037, { vr: 'DS', value: '1\\0\\0\\0\\1\\0' }],
    [0x0028, 0x0002, { vr: 'US', value: [1] }],
    [0x0028, 0x0004, { vr: 'CS', value: 'MONOCHROME2' }],
    [0x0028, 0x0010, { vr: 'US', value: [rows] }],
    [0x0028, 0x0011, { vr: 'US', value: [columns] }],
    [0x0028, 0x0030, { vr: 'DS', value: '1\\1' }],
    [0x0028, 0x0100, { vr: 'US', value: [bits] }],
    [0x0028, 0x0101, { vr: 'US', value: [bits] }],
    [0x0028, 0x0102, { vr: 'US', value: [bits - 1] }],
    [0x0028, 0x0103, { vr: 'US', value: [signed ? 1 : 0] }],
  ];
}

// Reference pixels: MR_small.dcm (shared/reference/dicom, README: min 127, max 2145, sum 2,125,338),
// re-encoded in memory by each codec's lossless mode; decoding must return them exactly.
describe('compressed transfer syntaxes through npm codecs', async () => {
  const mr = (await readDicomImage(new Uint8Array(readFileSync(referencePath('dicom', 'MR_small.dcm'))), 'MR_small.dcm')).volume
    .data as Int16Array;
  const elements = imageElements(64, 64, 16, true);

  it('JPEG lossless process 14 SV1 (1.2.840.10008.1.2.4.70 and .57) returns MR_small exactly', async () => {
    // MR_small is signed 16-bit with non-negative values: its bit patterns are the samples.
    const frame = encodeJpegLossless(Uint16Array.from(mr), 64, 64, 16);
    for (const ts of ['1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.57']) {
      const img = await readDicomImage(dicomFile(ts, elements, encapsulated([frame], false)), 'lossless.dcm');
      expect(img.volume.data).toBeInstanceOf(Int16Array);
      expect(Buffer.compare(Buffer.from(img.volume.data.buffer), Buffer.from(mr.buffer))).toBe(0);
    }
  });

  it('JPEG lossless: 12-bit signed stored values are sign-extended from BitsStored', async () => {
    // Stored 12-bit two's complement codes for −2048, −1, 0, 2047 (PS3.5 §8.1.1).
    const values = [-2048, -1, 0, 2047];
    const frame = encodeJpegLossless(
      values.map((v) => v & 0xfff),
      2,
      2,
      12,
    );
    const el = imageElements(2, 2, 16, true).map((e): DicomElement =>
      e[0] === 0x0028 && e[1] === 0x0101 ? [0x0028, 0x0101, { vr: 'US', value: [12] }] : e,
    );
    const img = await readDicomImage(dicomFile('1.2.840.10008.1.2.4.70', el, encapsulated([frame], false)), 'signed12.dcm');
    expect(Array.from(img.volume.data)).toEqual(values);
  });

  it('JPEG-LS lossless (1.2.840.10008.1.2.4.80, CharLS) returns MR_small exactly', async () => {
    const codec = await charlsFactory({ print: () => undefined, printErr: () => undefined });
    const encoder = new codec.JpegLSEncoder();
    encoder.getDecodedBuffer({ width: 64, height: 64, bitsPerSample: 16, componentCount: 1 }).set(new Uint8Array(mr.buffer));
    encoder.encode();
    const frame = encoder.getEncodedBuffer().slice();
    encoder.delete();
    const img = await readDicomImage(
      dicomFile('1.2.840.10008.1.2.4.80', elements, encapsulated([new Uint8Array(frame)], false)),
      'jls.dcm',
    );
    expect(Buffer.compare(Buffer.from(img.volume.data.buffer), Buffer.from(mr.buffer))).toBe(0);
  });

  it('JPEG baseline 8-bit (1.2.840.10008.1.2.4.50, libjpeg-turbo): DC-only blocks decode to their exact values', async () => {
    const blocks = [
      [10, 128, 200],
      [255, 0, 77],
    ];
    const frame = encodeJpegBaselineBlocks(blocks);
    const img = await readDicomImage(
      dicomFile('1.2.840.10008.1.2.4.50', imageElements(16, 24, 8, false), encapsulated([frame], false)),
      'baseline.dcm',
    );
    const v = img.volume;
    expect(v.data).toBeInstanceOf(Uint8Array);
    expect(v.size).toEqual([24, 16, 1]);
    let worst = 0;
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 24; x++) worst = Math.max(worst, Math.abs(v.data[y * 24 + x]! - blocks[y >> 3]![x >> 3]!));
    // Tolerance 0: a DC-only block is reproduced exactly by the inverse DCT.
    expect(worst).toBe(0);
  });

  it('a truncated JPEG 2000 codestream is an error, not an empty image', async () => {
    const file = readFileSync(referencePath('dicom', 'MR_small_jp2klossless.dcm'));
    const { parseDicomFile } = await import('../../../main/compute/imaging/dicom/dicomFile.js');
    const parsed = parseDicomFile(new Uint8Array(file), 'MR_small_jp2klossless.dcm');
    const fragment = parsed.dataSet.elements.x7fe00010!.fragments![0]!;
    const codestream = new Uint8Array(file.subarray(fragment.position, fragment.position + 2000));
    await expect(
      readDicomImage(dicomFile('1.2.840.10008.1.2.4.90', elements, encapsulated([codestream], false)), 'cut_j2k.dcm'),
    ).rejects.toThrow(
      'cut_j2k.dcm: frame 1 cannot be decoded (JPEG 2000 Image Compression (Lossless Only)): the compressed stream is truncated or corrupt',
    );
  });

  it('a corrupt JPEG frame names the file, the frame and the syntax', async () => {
    const frame = encodeJpegBaselineBlocks([[1]]).subarray(0, 30);
    await expect(
      readDicomImage(
        dicomFile('1.2.840.10008.1.2.4.50', imageElements(8, 8, 8, false), encapsulated([frame], false)),
        'broken.dcm',
      ),
    ).rejects.toThrow(/^broken\.dcm: frame 1 cannot be decoded \(JPEG Baseline \(Process 1\)\)/);
  });
});
