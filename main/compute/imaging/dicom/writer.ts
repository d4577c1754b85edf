/**
 * DICOM Part 10 writer: explicit VR little endian (transfer syntax 1.2.840.10008.1.2.1,
 * PS3.5 §7.1.2 and Annex A.2), file meta information group (PS3.10 §7.1), and a builder for
 * classic single-frame MR Image Storage instances (PS3.3 A.4: patient, general study,
 * general series, frame of reference, general equipment, general image, image plane, image
 * pixel, MR image and SOP common modules).
 *
 * UIDs are derived deterministically under the 2.25 root (PS3.5 §B.2: a UID made of "2.25."
 * and the decimal value of a 128-bit number), here a hash of the caller's labels, so the same
 * inputs give the same identifiers and therefore the same bytes.
 */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
/** Our implementation class UID (under 2.25, fixed) and version name (≤ 16 characters). */
export const IMPLEMENTATION_CLASS_UID = '2.25.179206592233814476329461813155016357337';
export const IMPLEMENTATION_VERSION = 'RADSTUDY_1';

export type DicomWriteValue =
  | { vr: 'US' | 'UL' | 'SS' | 'SL' | 'FL' | 'FD'; value: readonly number[] }
  | { vr: 'OB' | 'OW'; value: Uint8Array | Uint16Array }
  | { vr: string; value: string };

/** [tag as 0xGGGGEEEE, value]. */
export type DicomWriteElement = [tag: number, value: DicomWriteValue];

/** VRs with a 2-byte reserved field and a 4-byte length (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const NUMERIC_SIZE: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8 };

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A UID "2.25.<decimal of a 128-bit hash of the labels>" (PS3.5 §B.2), at most 44 characters. */
export function deterministicUid(...labels: (string | number)[]): string {
  const text = labels.join('\u001f');
  let value = 0n;
  for (const salt of [0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f]) value = (value << 32n) | BigInt(hash32(text, salt));
  return `2.25.${value.toString()}`;
}

/** 32-bit string hash (murmur3-style finaliser over a multiplicative mix), one per salt. */
function hash32(text: string, salt: number): number {
  let h = salt >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function tagText(tag: number): string {
  return `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`;
}

/** Length of a value on the wire, padded to even (PS3.5 §7.1.1). */
function valueLength(tag: number, v: DicomWriteValue): number {
  const size = NUMERIC_SIZE[v.vr];
  if (size !== undefined) return (v.value as readonly number[]).length * size;
  const n = v.value.length * (v.value instanceof Uint16Array ? 2 : 1);
  if (typeof v.value === 'string' && v.vr === 'UI' && n > 64) {
    throw new Error(`DICOM writer: UID of tag ${tagText(tag)} is longer than 64 characters`);
  }
  return n + (n % 2);
}

/** Bytes needed by encodeDataSet for these elements. */
function dataSetLength(elements: readonly DicomWriteElement[]): number {
  let total = 0;
  for (const [tag, v] of elements) total += (LONG_VRS.has(v.vr) ? 12 : 8) + valueLength(tag, v);
  return total;
}

/**
 * Writes elements in ascending tag order at `offset`; returns the offset after them. Text is
 * written as ISO 8859-1 (the SpecificCharacterSet ISO_IR 100 the MR writer declares); odd
 * lengths are padded, UIDs with NUL and other text with a space (PS3.5 §6.2).
 */
function encodeInto(elements: readonly DicomWriteElement[], out: Uint8Array, view: DataView, offset: number): number {
  const sorted = [...elements].sort((a, b) => a[0] - b[0]);
  let o = offset;
  for (let k = 0; k < sorted.length; k++) {
    const [tag, v] = sorted[k]!;
    if (k > 0 && sorted[k - 1]![0] === tag) throw new Error(`DICOM writer: tag ${tagText(tag)} given twice`);
    const length = valueLength(tag, v);
    view.setUint16(o, tag >>> 16, true);
    view.setUint16(o + 2, tag & 0xffff, true);
    out[o + 4] = v.vr.charCodeAt(0);
    out[o + 5] = v.vr.charCodeAt(1);
    if (LONG_VRS.has(v.vr)) {
      view.setUint16(o + 6, 0, true);
      view.setUint32(o + 8, length, true);
      o += 12;
    } else {
      if (length > 0xffff) throw new Error(`DICOM writer: value of ${tagText(tag)} is too long for VR ${v.vr}`);
      view.setUint16(o + 6, length, true);
      o += 8;
    }
    const size = NUMERIC_SIZE[v.vr];
    if (size !== undefined) {
      for (const x of v.value as readonly number[]) {
        if (v.vr === 'US') view.setUint16(o, x, true);
        else if (v.vr === 'SS') view.setInt16(o, x, true);
        else if (v.vr === 'UL') view.setUint32(o, x, true);
        else if (v.vr === 'SL') view.setInt32(o, x, true);
        else if (v.vr === 'FL') view.setFloat32(o, x, true);
        else view.setFloat64(o, x, true);
        o += size;
      }
      continue;
    }
    const value = v.value;
    if (typeof value === 'string') {
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c > 0xff) throw new Error(`DICOM writer: ${tagText(tag)} holds a character outside ISO 8859-1`);
        out[o + i] = c;
      }
      if (value.length % 2) out[o + value.length] = v.vr === 'UI' ? 0 : 0x20;
    } else if (value instanceof Uint16Array) {
      if (LITTLE_ENDIAN_HOST) out.set(new Uint8Array(value.buffer, value.byteOffset, value.length * 2), o);
      else for (let i = 0; i < value.length; i++) view.setUint16(o + 2 * i, value[i]!, true);
    } else {
      out.set(value, o);
      if (value.length % 2) out[o + value.length] = 0;
    }
    o += length;
  }
  return o;
}

/** Encodes elements in ascending tag order, explicit VR little endian. */
export function encodeDataSet(elements: readonly DicomWriteElement[]): Uint8Array {
  const out = new Uint8Array(dataSetLength(elements));
  encodeInto(elements, out, new DataView(out.buffer), 0);
  return out;
}

/** Preamble, "DICM", file meta group 0002 with its group length, then the data set. */
export function writePart10(sopClassUid: string, sopInstanceUid: string, dataSet: readonly DicomWriteElement[]): Uint8Array {
  const meta: DicomWriteElement[] = [
    [0x00020001, { vr: 'OB', value: new Uint8Array([0, 1]) }],
    [0x00020002, { vr: 'UI', value: sopClassUid }],
    [0x00020003, { vr: 'UI', value: sopInstanceUid }],
    [0x00020010, { vr: 'UI', value: EXPLICIT_VR_LITTLE_ENDIAN }],
    [0x00020012, { vr: 'UI', value: IMPLEMENTATION_CLASS_UID }],
    [0x00020013, { vr: 'SH', value: IMPLEMENTATION_VERSION }],
  ];
  const metaLength = dataSetLength(meta);
  const groupLength: DicomWriteElement[] = [[0x00020000, { vr: 'UL', value: [metaLength] }]];
  const out = new Uint8Array(132 + 12 + metaLength + dataSetLength(dataSet));
  const view = new DataView(out.buffer);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  let o = encodeInto(groupLength, out, view, 132);
  o = encodeInto(meta, out, view, o);
  encodeInto(dataSet, out, view, o);
  return out;
}

/** Decimal string (VR DS, ≤ 16 characters): fixed notation trimmed of trailing zeros. */
export function ds(x: number): string {
  for (let digits = 6; digits >= 0; digits--) {
    let s = x.toFixed(digits);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    if (s === '-0') s = '0';
    if (s.length <= 16) return s;
  }
  return x.toExponential(8);
}

export interface MrSliceSpec {
  patientName: string;
  patientId: string;
  /** YYYYMMDD. */
  patientBirthDate: string;
  patientSex: 'F' | 'M' | 'O';
  studyInstanceUid: string;
  studyDate: string;
  studyTime: string;
  studyId: string;
  accessionNumber: string;
  seriesInstanceUid: string;
  seriesNumber: number;
  seriesDescription: string;
  frameOfReferenceUid: string;
  sopInstanceUid: string;
  instanceNumber: number;
  manufacturer: string;
  manufacturerModelName: string;
  institutionName: string;
  magneticFieldStrengthT: number;
  /** e.g. ['ORIGINAL', 'PRIMARY', 'M', 'ND'] or ['DERIVED', 'PRIMARY', 'ADC']. */
  imageType: string[];
  scanningSequence: string;
  sequenceVariant: string;
  mrAcquisitionType: '2D' | '3D';
  repetitionTimeMs: number;
  echoTimeMs: number;
  flipAngleDeg?: number;
  /** HHMMSS(.ffffff) */
  acquisitionTime: string;
  rows: number;
  columns: number;
  /** ImagePositionPatient: LPS centre of the first pixel (mm). */
  positionMm: readonly [number, number, number];
  /** ImageOrientationPatient: row direction then column direction. */
  orientation: readonly [number, number, number, number, number, number];
  /** PixelSpacing as DICOM orders it: [between rows, between columns]. */
  pixelSpacingMm: readonly [number, number];
  sliceThicknessMm: number;
  spacingBetweenSlicesMm: number;
  sliceLocationMm: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter: number;
  windowWidth: number;
  /** DCE phase (1-based), TemporalPositionIdentifier (0020,0100). */
  temporalPosition?: number;
  numberOfTemporalPositions?: number;
  triggerTimeMs?: number;
  /** DiffusionBValue (0018,9087), s/mm². */
  bValue?: number;
  contrastAgent?: string;
  /** Stored unsigned 16-bit values, row by row (columns fastest). */
  pixels: Uint16Array;
}

/** One classic MR Image Storage instance, 16-bit unsigned, MONOCHROME2, explicit VR LE. */
export function writeMrSlice(s: MrSliceSpec): Uint8Array {
  if (s.pixels.length !== s.rows * s.columns) {
    throw new Error(`DICOM writer: ${s.pixels.length} pixels for ${s.rows}×${s.columns}`);
  }
  const str = (vr: string, value: string): DicomWriteValue => ({ vr, value });
  const el: DicomWriteElement[] = [
    [0x00080005, str('CS', 'ISO_IR 100')],
    [0x00080008, str('CS', s.imageType.join('\\'))],
    [0x00080016, str('UI', MR_IMAGE_STORAGE)],
    [0x00080018, str('UI', s.sopInstanceUid)],
    [0x00080020, str('DA', s.studyDate)],
    [0x00080021, str('DA', s.studyDate)],
    [0x00080022, str('DA', s.studyDate)],
    [0x00080023, str('DA', s.studyDate)],
    [0x00080030, str('TM', s.studyTime)],
    [0x00080032, str('TM', s.acquisitionTime)],
    [0x00080050, str('SH', s.accessionNumber)],
    [0x00080060, str('CS', 'MR')],
    [0x00080070, str('LO', s.manufacturer)],
    [0x00080080, str('LO', s.institutionName)],
    [0x00080090, str('PN', '')],
    [0x0008103e, str('LO', s.seriesDescription)],
    [0x00081090, str('LO', s.manufacturerModelName)],
    [0x00100010, str('PN', s.patientName)],
    [0x00100020, str('LO', s.patientId)],
    [0x00100030, str('DA', s.patientBirthDate)],
    [0x00100040, str('CS', s.patientSex)],
    [0x00180015, str('CS', 'BREAST')],
    [0x00180020, str('CS', s.scanningSequence)],
    [0x00180021, str('CS', s.sequenceVariant)],
    [0x00180023, str('CS', s.mrAcquisitionType)],
    [0x00180050, str('DS', ds(s.sliceThicknessMm))],
    [0x00180080, str('DS', ds(s.repetitionTimeMs))],
    [0x00180081, str('DS', ds(s.echoTimeMs))],
    [0x00180087, str('DS', ds(s.magneticFieldStrengthT))],
    [0x00180088, str('DS', ds(s.spacingBetweenSlicesMm))],
    [0x00185100, str('CS', 'HFP')],
    [0x0020000d, str('UI', s.studyInstanceUid)],
    [0x0020000e, str('UI', s.seriesInstanceUid)],
    [0x00200010, str('SH', s.studyId)],
    [0x00200011, str('IS', String(s.seriesNumber))],
    [0x00200013, str('IS', String(s.instanceNumber))],
    [0x00200032, str('DS', s.positionMm.map(ds).join('\\'))],
    [0x00200037, str('DS', s.orientation.map(ds).join('\\'))],
    [0x00200052, str('UI', s.frameOfReferenceUid)],
    [0x00201040, str('LO', '')],
    [0x00201041, str('DS', ds(s.sliceLocationMm))],
    [0x00280002, { vr: 'US', value: [1] }],
    [0x00280004, str('CS', 'MONOCHROME2')],
    [0x00280010, { vr: 'US', value: [s.rows] }],
    [0x00280011, { vr: 'US', value: [s.columns] }],
    [0x00280030, str('DS', s.pixelSpacingMm.map(ds).join('\\'))],
    [0x00280100, { vr: 'US', value: [16] }],
    [0x00280101, { vr: 'US', value: [16] }],
    [0x00280102, { vr: 'US', value: [15] }],
    [0x00280103, { vr: 'US', value: [0] }],
    [0x00281050, str('DS', ds(s.windowCenter))],
    [0x00281051, str('DS', ds(s.windowWidth))],
    [0x00281052, str('DS', ds(s.rescaleIntercept))],
    [0x00281053, str('DS', ds(s.rescaleSlope))],
    [0x00281054, str('LO', 'US')],
    [0x7fe00010, { vr: 'OW', value: s.pixels }],
  ];
  if (s.flipAngleDeg !== undefined) el.push([0x00181314, str('DS', ds(s.flipAngleDeg))]);
  if (s.temporalPosition !== undefined) el.push([0x00200100, str('IS', String(s.temporalPosition))]);
  if (s.numberOfTemporalPositions !== undefined) el.push([0x00200105, str('IS', String(s.numberOfTemporalPositions))]);
  if (s.triggerTimeMs !== undefined) el.push([0x00181060, str('DS', ds(s.triggerTimeMs))]);
  if (s.bValue !== undefined) el.push([0x00189087, { vr: 'FD', value: [s.bValue] }]);
  if (s.contrastAgent !== undefined) el.push([0x00180010, str('LO', s.contrastAgent)]);
  return writePart10(MR_IMAGE_STORAGE, s.sopInstanceUid, el);
}
