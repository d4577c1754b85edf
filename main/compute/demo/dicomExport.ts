/**
 * One synthetic series → DICOM Part 10 files (one classic MR image per slice and component),
 * with UIDs derived from the seed so the bytes are reproducible.
 */
import { deterministicUid, writeMrSlice } from '../imaging/dicom/writer.js';
import type { DemoCenter } from './centers.js';
import type { DemoPatient } from './clinical.js';
import type { SynthSeries } from './mri.js';

export interface DicomFileOut {
  /** File name inside the series folder. */
  name: string;
  bytes: Uint8Array;
}

/** Folder name and series number of each kind, in acquisition order. */
export const SERIES_ORDER: Record<SynthSeries['kind'], number> = { t2: 3, dwi: 4, adc: 5, dce: 6 };

export function seriesFolder(s: Pick<SynthSeries, 'kind' | 'description'>): string {
  return `${String(SERIES_ORDER[s.kind]).padStart(2, '0')}_${s.description}`;
}

const pad2 = (x: number): string => String(x).padStart(2, '0');

/** Study date YYYYMMDD: 2021-01-04 plus a few days per patient (deterministic). */
export function studyDate(patientIndex: number): string {
  const d = new Date(Date.UTC(2021, 0, 4) + ((patientIndex * 5) % 1100) * 86400000);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
}

function time(secondsAfter9: number): string {
  const t = 9 * 3600 + Math.round(secondsAfter9);
  return `${pad2(Math.floor(t / 3600))}${pad2(Math.floor(t / 60) % 60)}${pad2(t % 60)}`;
}

const PROTOCOL: Record<SynthSeries['kind'], { seq: string; variant: string; mode: '2D' | '3D'; type: string[]; start: number }> =
  {
    t2: { seq: 'SE', variant: 'SK\\SP\\OSP', mode: '2D', type: ['ORIGINAL', 'PRIMARY', 'M', 'ND'], start: 240 },
    dwi: { seq: 'EP', variant: 'SK\\SP', mode: '2D', type: ['ORIGINAL', 'PRIMARY', 'DIFFUSION', 'NONE'], start: 480 },
    adc: { seq: 'EP', variant: 'SK\\SP', mode: '2D', type: ['DERIVED', 'PRIMARY', 'DIFFUSION', 'ADC'], start: 480 },
    dce: { seq: 'GR', variant: 'SP\\OSP', mode: '3D', type: ['ORIGINAL', 'PRIMARY', 'M', 'ND'], start: 720 },
  };

export function studyUid(seed: number, patientIndex: number): string {
  return deterministicUid('radstudy-demo', seed, patientIndex, 'study');
}

export function seriesUid(seed: number, patientIndex: number, kind: SynthSeries['kind']): string {
  return deterministicUid('radstudy-demo', seed, patientIndex, 'series', kind);
}

/** Files of one series: slices ordered by component (phase or b-value), then position. */
export function seriesToDicom(
  seed: number,
  patientIndex: number,
  patient: DemoPatient,
  center: DemoCenter,
  s: SynthSeries,
): DicomFileOut[] {
  const g = s.geometry;
  const [nx, ny, nz] = g.size;
  const nxy = nx * ny;
  const n = nxy * nz;
  const protocol = PROTOCOL[s.kind];
  const date = studyDate(patientIndex);
  const birthYear = Number(date.slice(0, 4)) - patient.age;
  const frame = deterministicUid('radstudy-demo', seed, patientIndex, 'frame');
  const uidSeries = seriesUid(seed, patientIndex, s.kind);
  let max = 1;
  for (let v = 0; v < s.stored.length; v++) if (s.stored[v]! > max) max = s.stored[v]!;
  const realMax = max * s.rescaleSlope + s.rescaleIntercept;
  const repetition = s.kind === 'adc' ? center.repetitionMs.dwi : center.repetitionMs[s.kind];
  const echo = s.kind === 'adc' ? center.echoMs.dwi : center.echoMs[s.kind];
  const files: DicomFileOut[] = [];
  for (let c = 0; c < s.components; c++) {
    for (let k = 0; k < nz; k++) {
      const instance = c * nz + k + 1;
      const z = g.originMm[2] + k * g.spacingMm[2];
      const seconds = protocol.start + (s.phaseSeconds ? s.phaseSeconds[c]! : 0);
      files.push({
        name: `IM${String(instance).padStart(4, '0')}.dcm`,
        bytes: writeMrSlice({
          patientName: `DEMO^${patient.code.slice(5)}`,
          patientId: patient.code,
          patientBirthDate: `${birthYear}0701`,
          patientSex: 'F',
          studyInstanceUid: studyUid(seed, patientIndex),
          studyDate: date,
          studyTime: '090000',
          studyId: '1',
          accessionNumber: `A${patient.code.slice(5)}`,
          seriesInstanceUid: uidSeries,
          seriesNumber: SERIES_ORDER[s.kind],
          seriesDescription: s.description,
          frameOfReferenceUid: frame,
          sopInstanceUid: deterministicUid('radstudy-demo', seed, patientIndex, 'image', s.kind, c, k),
          instanceNumber: instance,
          manufacturer: center.vendor,
          manufacturerModelName: center.model,
          institutionName: center.name,
          magneticFieldStrengthT: center.fieldStrengthT,
          imageType: protocol.type,
          scanningSequence: protocol.seq,
          sequenceVariant: protocol.variant,
          mrAcquisitionType: protocol.mode,
          repetitionTimeMs: repetition,
          echoTimeMs: echo,
          ...(s.kind === 'dce' ? { flipAngleDeg: 10, contrastAgent: 'Gd-DOTA 0.1 mmol/kg' } : {}),
          acquisitionTime: time(seconds),
          rows: ny,
          columns: nx,
          positionMm: [g.originMm[0], g.originMm[1], z],
          orientation: [1, 0, 0, 0, 1, 0],
          pixelSpacingMm: [g.spacingMm[1], g.spacingMm[0]],
          sliceThicknessMm: g.spacingMm[2],
          spacingBetweenSlicesMm: g.spacingMm[2],
          sliceLocationMm: z,
          rescaleSlope: s.rescaleSlope,
          rescaleIntercept: s.rescaleIntercept,
          windowCenter: Math.round(realMax * 0.4),
          windowWidth: Math.round(realMax * 0.8),
          ...(s.kind === 'dce'
            ? { temporalPosition: c + 1, numberOfTemporalPositions: s.components, triggerTimeMs: s.phaseSeconds![c]! * 1000 }
            : {}),
          ...(s.kind === 'dwi' ? { bValue: s.bValues![c]! } : {}),
          pixels: s.stored.subarray(c * n + k * nxy, c * n + (k + 1) * nxy),
        }),
      });
    }
  }
  return files;
}
