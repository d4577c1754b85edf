/**
 * A synthetic breast-MRI examination written as a DICOM folder with the test DICOM writer
 * (test/unit/imaging/dicomFixture.ts): T2 fat-suppressed, DWI with b = 0/800 stacked in one
 * series, an ADC map, a DCE series with 3 temporal positions, plus the bad input the issue
 * lists (a non-DICOM file, a truncated file, an unsupported transfer syntax, a missing slice).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dicomFile, nativePixels } from '../imaging/dicomFixture.js';
import type { DicomElement } from '../imaging/dicomFixture.js';

export interface SyntheticSlice {
  series: string;
  description?: string;
  protocol?: string;
  patientId?: string;
  instance: number;
  z: number;
  bValue?: number;
  temporal?: number;
  acquisitionTime?: string;
  imageType?: string;
  contrast?: string;
  transferSyntax?: string;
  rows?: number;
  columns?: number;
}

/** One 16-bit MR slice (2×3 by default) with the attributes recognition looks at. */
export function syntheticSlice(s: SyntheticSlice): Uint8Array {
  const rows = s.rows ?? 2;
  const columns = s.columns ?? 3;
  const el: DicomElement[] = [
    [0x0008, 0x0016, { vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' }],
    [0x0008, 0x0018, { vr: 'UI', value: `${s.series}.${s.instance}` }],
    [0x0008, 0x0060, { vr: 'CS', value: 'MR' }],
    [0x0010, 0x0020, { vr: 'LO', value: s.patientId ?? 'P001' }],
    [0x0020, 0x000d, { vr: 'UI', value: '1.2.826.0.1.5' }],
    [0x0020, 0x000e, { vr: 'UI', value: s.series }],
    [0x0020, 0x0011, { vr: 'IS', value: String(Number(s.series.split('.').at(-1))) }],
    [0x0020, 0x0013, { vr: 'IS', value: String(s.instance) }],
    [0x0020, 0x0032, { vr: 'DS', value: `-10\\-20\\${s.z}` }],
    [0x0020, 0x0037, { vr: 'DS', value: '1\\0\\0\\0\\1\\0' }],
    [0x0028, 0x0002, { vr: 'US', value: [1] }],
    [0x0028, 0x0004, { vr: 'CS', value: 'MONOCHROME2' }],
    [0x0028, 0x0010, { vr: 'US', value: [rows] }],
    [0x0028, 0x0011, { vr: 'US', value: [columns] }],
    [0x0028, 0x0030, { vr: 'DS', value: '0.7\\0.7' }],
    [0x0028, 0x0100, { vr: 'US', value: [16] }],
    [0x0028, 0x0101, { vr: 'US', value: [16] }],
    [0x0028, 0x0102, { vr: 'US', value: [15] }],
    [0x0028, 0x0103, { vr: 'US', value: [1] }],
  ];
  if (s.description) el.push([0x0008, 0x103e, { vr: 'LO', value: s.description }]);
  if (s.protocol) el.push([0x0018, 0x1030, { vr: 'LO', value: s.protocol }]);
  if (s.bValue !== undefined) el.push([0x0018, 0x9087, { vr: 'FD', value: [s.bValue] }]);
  if (s.temporal !== undefined) el.push([0x0020, 0x0100, { vr: 'IS', value: String(s.temporal) }]);
  if (s.acquisitionTime) el.push([0x0008, 0x0032, { vr: 'TM', value: s.acquisitionTime }]);
  if (s.imageType) el.push([0x0008, 0x0008, { vr: 'CS', value: s.imageType }]);
  if (s.contrast) el.push([0x0018, 0x0010, { vr: 'LO', value: s.contrast }]);
  const pixels = Array.from({ length: rows * columns }, (_, k) => s.instance * 10 + k);
  return dicomFile(s.transferSyntax ?? '1.2.840.10008.1.2.1', el, nativePixels(pixels));
}

export const SERIES = {
  t2fs: '1.2.826.0.1.5.1',
  dwi: '1.2.826.0.1.5.2',
  adc: '1.2.826.0.1.5.3',
  dce: '1.2.826.0.1.5.4',
  gap: '1.2.826.0.1.5.5',
  truncated: '1.2.826.0.1.5.6',
  htj2k: '1.2.826.0.1.5.7',
};

/**
 * Writes the examination under `dir` (in sub-folders, file names shuffled so that file
 * order is not slice order) and returns how many files it wrote.
 */
export function writeSyntheticExam(dir: string, opts: { patientId?: string; withBadInput?: boolean } = {}): number {
  const files: [string, Uint8Array][] = [];
  const patientId = opts.patientId ?? 'P001';
  let n = 0;
  const add = (sub: string, s: SyntheticSlice): void => {
    files.push([`${sub}/IM${String((n * 7919) % 1000).padStart(4, '0')}_${n}`, syntheticSlice({ patientId, ...s })]);
    n++;
  };
  for (let k = 0; k < 4; k++) add('t2', { series: SERIES.t2fs, description: 't2_tse_fs_tra', instance: k + 1, z: 2 * k });
  // DWI: b = 0 and b = 800 at every position, one series (Siemens ep2d_diff style).
  let inst = 1;
  for (let k = 0; k < 4; k++)
    for (const b of [0, 800])
      add('dwi', { series: SERIES.dwi, description: 'ep2d_diff_b0_800', instance: inst++, z: 2 * k, bValue: b });
  for (let k = 0; k < 4; k++)
    add('dwi', {
      series: SERIES.adc,
      description: 'ep2d_diff_b0_800_ADC',
      imageType: 'DERIVED\\PRIMARY\\DIFFUSION\\ADC',
      instance: k + 1,
      z: 2 * k,
    });
  // DCE: 3 temporal positions (pre-contrast + 2 post), acquisition times 1 min apart.
  inst = 1;
  for (let t = 1; t <= 3; t++)
    for (let k = 0; k < 4; k++)
      add('dce', {
        series: SERIES.dce,
        description: 'fl3d_vibe_dyn',
        instance: inst++,
        z: 2 * k,
        temporal: t,
        acquisitionTime: `10${String(t).padStart(2, '0')}00.000`,
      });
  if (opts.withBadInput) {
    // Missing slice: positions 0, 2, 4, 8, 10 (6 is missing).
    for (const [k, z] of [0, 2, 4, 8, 10].entries())
      add('t1', { series: SERIES.gap, description: 't1_fl3d_tra', instance: k + 1, z });
    for (let k = 0; k < 3; k++) {
      const bytes = syntheticSlice({ patientId, series: SERIES.truncated, description: 't2_tse_tra', instance: k + 1, z: 2 * k });
      files.push([`trunc/IM${k}`, k === 1 ? bytes.slice(0, bytes.length - 7) : bytes]);
    }
    for (let k = 0; k < 2; k++)
      files.push([
        `htj2k/IM${k}`,
        syntheticSlice({
          patientId,
          series: SERIES.htj2k,
          description: 'htj2k',
          instance: k + 1,
          z: 2 * k,
          transferSyntax: '1.2.840.10008.1.2.4.201',
        }),
      ]);
    files.push(['notes/README.txt', new TextEncoder().encode('scanner export notes, not DICOM\n')]);
  }
  for (const [rel, bytes] of files) {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, bytes);
  }
  return files.length;
}
