import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { parseDicomFile } from '../../../main/compute/imaging/dicom/dicomFile.js';
import { readDicomSeries } from '../../../main/compute/imaging/dicom/readDicom.js';
import type { MrSliceSpec } from '../../../main/compute/imaging/dicom/writer.js';
import { deterministicUid, ds, encodeDataSet, writeMrSlice } from '../../../main/compute/imaging/dicom/writer.js';

function slice(k: number, pixels: Uint16Array, extra: Partial<MrSliceSpec> = {}): MrSliceSpec {
  return {
    patientName: 'TEST^A',
    patientId: 'P1',
    patientBirthDate: '19700101',
    patientSex: 'F',
    studyInstanceUid: deterministicUid('t', 'study'),
    studyDate: '20240102',
    studyTime: '090000',
    studyId: '1',
    accessionNumber: 'A1',
    seriesInstanceUid: deterministicUid('t', 'series'),
    seriesNumber: 3,
    seriesDescription: 't2_tse_fs_tra',
    frameOfReferenceUid: deterministicUid('t', 'frame'),
    sopInstanceUid: deterministicUid('t', 'image', k),
    instanceNumber: k + 1,
    manufacturer: 'SIEMENS',
    manufacturerModelName: 'MAGNETOM Aera',
    institutionName: 'Test',
    magneticFieldStrengthT: 1.5,
    imageType: ['ORIGINAL', 'PRIMARY', 'M', 'ND'],
    scanningSequence: 'SE',
    sequenceVariant: 'SK',
    mrAcquisitionType: '2D',
    repetitionTimeMs: 5600,
    echoTimeMs: 57,
    acquisitionTime: '090100',
    rows: 2,
    columns: 3,
    positionMm: [-10, 20.5, 4 + 2.5 * k],
    orientation: [1, 0, 0, 0, 1, 0],
    pixelSpacingMm: [0.8, 0.6],
    sliceThicknessMm: 2.5,
    spacingBetweenSlicesMm: 2.5,
    sliceLocationMm: 4 + 2.5 * k,
    rescaleSlope: 1.5,
    rescaleIntercept: -10,
    windowCenter: 100,
    windowWidth: 200,
    pixels,
    ...extra,
  };
}

describe('DICOM writer', () => {
  it('derives valid, stable 2.25 UIDs (PS3.5 §B.2: ≤ 64 characters, no leading zeros)', () => {
    const a = deterministicUid('seed', 1, 'series');
    expect(a).toBe(deterministicUid('seed', 1, 'series'));
    expect(a).not.toBe(deterministicUid('seed', 2, 'series'));
    expect(a).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
    expect(a.length).toBeLessThanOrEqual(64);
  });

  it('formats decimal strings within 16 characters', () => {
    expect(ds(2.5)).toBe('2.5');
    expect(ds(-0)).toBe('0');
    expect(ds(1 / 3)).toBe('0.333333');
    expect(ds(-123456.789012)).toHaveLength(14);
  });

  it('pads odd-length values: UI with NUL, text with a space (PS3.5 §6.2)', () => {
    const bytes = encodeDataSet([
      [0x00080018, { vr: 'UI', value: '1.2.3' }],
      [0x00100010, { vr: 'PN', value: 'ABC' }],
    ]);
    // tag(4) VR(2) length(2) value(6)
    expect(new DataView(bytes.buffer).getUint16(6, true)).toBe(6);
    expect(bytes[8 + 5]).toBe(0);
    expect(bytes[14 + 8 + 3]).toBe(0x20);
  });

  it('writes a series that the reader assembles with the written geometry and rescaled values', async () => {
    const files = [0, 1, 2].map((k) => ({
      name: `IM${k}.dcm`,
      bytes: writeMrSlice(slice(k, Uint16Array.from([0, 1, 2, 3, 4, 1000 + k]), k === 1 ? { bValue: 800 } : {})),
    }));
    const { series } = await readDicomSeries(files.reverse());
    expect(series).toHaveLength(1);
    const v = series[0]!.volume;
    expect(v.size).toEqual([3, 2, 3]);
    expect(v.spacingMm[0]).toBeCloseTo(0.6, 9);
    expect(v.spacingMm[1]).toBeCloseTo(0.8, 9);
    expect(v.spacingMm[2]).toBeCloseTo(2.5, 9);
    expect(v.originMm).toEqual([-10, 20.5, 4]);
    // stored × 1.5 − 10, slice 2's last pixel 1002.
    expect(v.data[0]).toBe(-10);
    expect(v.data[6 * 2 + 5]).toBeCloseTo(1002 * 1.5 - 10, 6);
    expect(series[0]!.firstHeader.seriesDescription).toBe('t2_tse_fs_tra');
    const ds1 = dicomParser.parseDicom(files.find((f) => f.name === 'IM1.dcm')!.bytes);
    expect(ds1.double('x00189087')).toBe(800);
    // The reader takes DiffusionBValue (VR FD, 8-byte binary) as a number, not as text.
    const im1 = files.find((f) => f.name === 'IM1.dcm')!;
    expect(parseDicomFile(im1.bytes, 'IM1.dcm').header.frames[0]!.bValue).toBe(800);
    expect(ds1.string('x00020012')).toMatch(/^2\.25\./);
  });
});
