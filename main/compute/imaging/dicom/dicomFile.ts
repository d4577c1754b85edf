/**
 * One DICOM file → the attributes RadStudy needs (identity, pixel description, per-frame
 * geometry and rescale), parsed with dicom-parser.
 *
 * Geometry attributes (PS3.3 C.7.6.2 Image Plane Module): ImagePositionPatient is the LPS
 * centre of the first transmitted pixel; ImageOrientationPatient holds the row direction
 * (direction of increasing column index) then the column direction; PixelSpacing is
 * "row spacing \ column spacing", i.e. the step along the column direction first.
 * Multi-frame files give one geometry per frame: enhanced images through the per-frame and
 * shared functional groups (PS3.3 C.7.6.16), RT Dose through GridFrameOffsetVector
 * (PS3.3 C.8.8.3.2).
 */
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { ImageFormatError } from '../imageFormatError.js';
import type { Vec3 } from '../volume.js';

export interface DicomFrameInfo {
  /** ImagePositionPatient (LPS mm) of this frame, if known. */
  positionMm: Vec3 | undefined;
  /** ImageOrientationPatient: row direction then column direction, if known. */
  orientation: [number, number, number, number, number, number] | undefined;
  /** PixelSpacing as stored: [row spacing (between rows), column spacing (between columns)]. */
  pixelSpacingMm: [number, number] | undefined;
  sliceThicknessMm: number | undefined;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** Temporal position (DCE phase) when stated: TemporalPositionIdentifier or TemporalPositionIndex. */
  temporalPosition: number | undefined;
  /** Diffusion b-value (s/mm²) when stated. */
  bValue: number | undefined;
}

export interface DicomHeader {
  source: string;
  transferSyntaxUid: string;
  sopClassUid: string | undefined;
  sopInstanceUid: string | undefined;
  studyInstanceUid: string | undefined;
  seriesInstanceUid: string | undefined;
  frameOfReferenceUid: string | undefined;
  modality: string | undefined;
  seriesNumber: number | undefined;
  seriesDescription: string | undefined;
  instanceNumber: number | undefined;
  acquisitionTime: string | undefined;
  triggerTimeMs: number | undefined;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  samplesPerPixel: number;
  photometricInterpretation: string;
  planarConfiguration: number;
  numberOfFrames: number;
  frames: DicomFrameInfo[];
  hasPixelData: boolean;
}

/** A parsed file: the header plus the dicom-parser data set for pixel access. */
export interface DicomFile {
  header: DicomHeader;
  dataSet: DataSet;
  bytes: Uint8Array;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';

/**
 * Parses a DICOM Part 10 file (with or without the 128-byte preamble and "DICM"). A bare data
 * set without a file meta header is read as implicit VR little endian, the default syntax
 * (PS3.5 §10.1), provided it starts with a plausible group.
 */
export function parseDicomFile(bytes: Uint8Array, source: string): DicomFile {
  let dataSet: DataSet;
  const hasPreamble =
    bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  try {
    if (hasPreamble) {
      dataSet = dicomParser.parseDicom(bytes);
    } else {
      // Without "DICM": accept only a data set that starts with a group-0008 (or 0002) tag.
      const group = bytes.length >= 4 ? bytes[0]! | (bytes[1]! << 8) : -1;
      if (group !== 0x0008 && group !== 0x0002) throw new Error('no "DICM" prefix at byte 128 and no DICOM data set at byte 0');
      dataSet = dicomParser.parseDicom(bytes, { TransferSyntaxUID: IMPLICIT_LE });
    }
  } catch (e) {
    throw new ImageFormatError(source, `not a readable DICOM file: ${errorText(e)}`, { cause: e });
  }
  // dicom-parser reads values lazily, so a corrupt length can still fail here.
  try {
    return { header: readHeader(dataSet, source), dataSet, bytes };
  } catch (e) {
    if (e instanceof ImageFormatError) throw e;
    throw new ImageFormatError(source, `not a readable DICOM file: ${errorText(e)}`, { cause: e });
  }
}

function errorText(e: unknown): string {
  // dicom-parser throws strings, Errors, or objects { exception: string, dataSet }.
  const exception = typeof e === 'object' && e !== null && 'exception' in e ? (e as { exception: unknown }).exception : undefined;
  const raw = typeof e === 'string' ? e : typeof exception === 'string' ? exception : e instanceof Error ? e.message : String(e);
  const text = raw.replace(/^dicomParser[.:]\w+: /, '');
  return /overrun|past end/.test(text) ? `the file is truncated or corrupt (${text})` : text;
}

function readHeader(ds: DataSet, source: string): DicomHeader {
  const str = (tag: string): string | undefined => {
    const v = ds.string(tag);
    return v === undefined || v === '' ? undefined : v;
  };
  const int = (tag: string): number | undefined => {
    const v = ds.intString(tag);
    return v === undefined || Number.isNaN(v) ? undefined : v;
  };
  const us = (tag: string, name: string, fallback?: number): number => {
    const v = ds.elements[tag] ? ds.uint16(tag) : undefined;
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ImageFormatError(source, `DICOM attribute ${name} (${tag.slice(1, 5)},${tag.slice(5)}) is missing`);
    }
    return v;
  };
  const hasPixelData = ds.elements.x7fe00010 !== undefined;
  const rows = hasPixelData ? us('x00280010', 'Rows') : us('x00280010', 'Rows', 0);
  const columns = hasPixelData ? us('x00280011', 'Columns') : us('x00280011', 'Columns', 0);
  const bitsAllocated = hasPixelData ? us('x00280100', 'BitsAllocated') : us('x00280100', 'BitsAllocated', 0);
  const bitsStored = us('x00280101', 'BitsStored', bitsAllocated);
  const numberOfFrames = Math.max(1, int('x00280008') ?? 1);
  const header: DicomHeader = {
    source,
    transferSyntaxUid: str('x00020010') ?? IMPLICIT_LE,
    sopClassUid: str('x00080016'),
    sopInstanceUid: str('x00080018'),
    studyInstanceUid: str('x0020000d'),
    seriesInstanceUid: str('x0020000e'),
    frameOfReferenceUid: str('x00200052'),
    modality: str('x00080060'),
    seriesNumber: int('x00200011'),
    seriesDescription: str('x0008103e'),
    instanceNumber: int('x00200013'),
    acquisitionTime: str('x00080032'),
    triggerTimeMs: numberOrUndefined(str('x00181060')),
    rows,
    columns,
    bitsAllocated,
    bitsStored,
    highBit: us('x00280102', 'HighBit', bitsStored - 1),
    pixelRepresentation: us('x00280103', 'PixelRepresentation', 0),
    samplesPerPixel: us('x00280002', 'SamplesPerPixel', 1),
    photometricInterpretation: str('x00280004') ?? 'MONOCHROME2',
    planarConfiguration: us('x00280006', 'PlanarConfiguration', 0),
    numberOfFrames,
    frames: [],
    hasPixelData,
  };
  header.frames = frameInfos(ds, header, source);
  return header;
}

function numberOrUndefined(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text.trim());
  return Number.isFinite(x) ? x : undefined;
}

/** Decimal-string values (VR DS) split on "\"; throws naming the attribute if malformed. */
function decimals(ds: DataSet, tag: string, count: number, name: string, source: string): number[] | undefined {
  const text = ds.string(tag);
  if (text === undefined || text.trim() === '') return undefined;
  const v = text.split('\\').map((w) => Number(w.trim()));
  if (v.length < count || v.slice(0, count).some((x) => !Number.isFinite(x))) {
    throw new ImageFormatError(source, `DICOM ${name} "${text}" should hold ${count} numbers`);
  }
  return v.slice(0, count);
}

/** Attributes of one frame, looked up in the given data sets in order (per-frame first). */
function frameFrom(sets: DataSet[], source: string, defaults: DicomFrameInfo): DicomFrameInfo {
  const find = (seqTag: string, tag: string): DataSet | undefined => {
    for (const s of sets) {
      const seq = s.elements[seqTag];
      const item = seq?.items?.[0]?.dataSet;
      if (item && item.elements[tag]) return item;
    }
    return undefined;
  };
  const pos = find('x00209113', 'x00200032');
  const ori = find('x00209116', 'x00200037');
  const meas = find('x00289110', 'x00280030');
  const thick = find('x00289110', 'x00180050');
  const resc = find('x00289145', 'x00281053');
  const temporal = find('x00209111', 'x00209128');
  const diffusion = find('x00189117', 'x00189087');
  return {
    positionMm: pos ? (decimals(pos, 'x00200032', 3, 'ImagePositionPatient', source) as Vec3) : defaults.positionMm,
    orientation: ori
      ? (decimals(ori, 'x00200037', 6, 'ImageOrientationPatient', source) as DicomFrameInfo['orientation'])
      : defaults.orientation,
    pixelSpacingMm: meas ? (decimals(meas, 'x00280030', 2, 'PixelSpacing', source) as [number, number]) : defaults.pixelSpacingMm,
    sliceThicknessMm: thick ? thick.floatString('x00180050') : defaults.sliceThicknessMm,
    rescaleSlope: resc ? (resc.floatString('x00281053') ?? 1) : defaults.rescaleSlope,
    rescaleIntercept: resc ? (resc.floatString('x00281052') ?? 0) : defaults.rescaleIntercept,
    temporalPosition: temporal ? temporal.uint32('x00209128') : defaults.temporalPosition,
    bValue: diffusion ? diffusion.double('x00189087') : defaults.bValue,
  };
}

function frameInfos(ds: DataSet, h: DicomHeader, source: string): DicomFrameInfo[] {
  const spacing =
    decimals(ds, 'x00280030', 2, 'PixelSpacing', source) ?? decimals(ds, 'x00181164', 2, 'ImagerPixelSpacing', source);
  // DiffusionBValue is FD (8-byte binary) by the standard; some writers use a DS string.
  const bValueElement = ds.elements.x00189087;
  const bValueBinary =
    bValueElement !== undefined && (bValueElement.vr === undefined || bValueElement.vr === 'FD') && bValueElement.length === 8;
  const base: DicomFrameInfo = {
    positionMm: decimals(ds, 'x00200032', 3, 'ImagePositionPatient', source) as Vec3 | undefined,
    orientation: decimals(ds, 'x00200037', 6, 'ImageOrientationPatient', source) as DicomFrameInfo['orientation'],
    pixelSpacingMm: spacing as [number, number] | undefined,
    sliceThicknessMm: ds.floatString('x00180050'),
    rescaleSlope: ds.floatString('x00281053') ?? 1,
    rescaleIntercept: ds.floatString('x00281052') ?? 0,
    temporalPosition: ds.intString('x00200100'),
    bValue:
      bValueElement === undefined
        ? undefined
        : bValueBinary
          ? ds.double('x00189087')
          : numberOrUndefined(ds.string('x00189087') ?? ''),
  };
  if (Number.isNaN(base.rescaleSlope) || base.rescaleSlope === 0) base.rescaleSlope = 1;
  if (Number.isNaN(base.rescaleIntercept)) base.rescaleIntercept = 0;

  // RT Dose: DoseGridScaling converts stored values to Gy (PS3.3 C.8.8.3.1).
  const doseScaling = ds.floatString('x3004000e');
  if (doseScaling !== undefined && Number.isFinite(doseScaling)) base.rescaleSlope = doseScaling;

  const n = h.numberOfFrames;
  const perFrame = ds.elements.x52009230?.items;
  const shared = ds.elements.x52009229?.items?.[0]?.dataSet;
  if (perFrame || shared) {
    const sharedInfo = shared ? frameFrom([shared], source, base) : base;
    const frames: DicomFrameInfo[] = [];
    for (let f = 0; f < n; f++) {
      const item = perFrame?.[f]?.dataSet;
      frames.push(item ? frameFrom(shared ? [item, shared] : [item], source, sharedInfo) : { ...sharedInfo });
    }
    return frames;
  }
  if (n === 1) return [base];

  // Classic multi-frame: positions from GridFrameOffsetVector (RT Dose) along the normal.
  const offsets = ds.string('x3004000c');
  const frames: DicomFrameInfo[] = [];
  if (offsets !== undefined && base.positionMm && base.orientation) {
    const v = offsets.split('\\').map((w) => Number(w.trim()));
    if (v.length !== n || v.some((x) => !Number.isFinite(x))) {
      throw new ImageFormatError(source, `DICOM GridFrameOffsetVector has ${v.length} values for ${n} frames`);
    }
    const nrm = normal(base.orientation);
    const p = base.positionMm;
    // First offset 0: offsets are relative to ImagePositionPatient; otherwise they are
    // coordinates along the normal (PS3.3 C.8.8.3.2).
    const rel = v[0] === 0;
    const p0 = p[0] * nrm[0] + p[1] * nrm[1] + p[2] * nrm[2];
    for (let f = 0; f < n; f++) {
      const d = rel ? v[f]! : v[f]! - p0;
      frames.push({ ...base, positionMm: [p[0] + d * nrm[0], p[1] + d * nrm[1], p[2] + d * nrm[2]] });
    }
    return frames;
  }
  for (let f = 0; f < n; f++) frames.push({ ...base, positionMm: undefined });
  return frames;
}

/** Slice normal = row direction × column direction (right-handed, PS3.3 C.7.6.2.1.1). */
export function normal(o: readonly number[]): Vec3 {
  const [a0, a1, a2, b0, b1, b2] = o as [number, number, number, number, number, number];
  const n: Vec3 = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0];
  const len = Math.hypot(n[0], n[1], n[2]);
  return len > 0 ? [n[0] / len, n[1] / len, n[2] / len] : n;
}
