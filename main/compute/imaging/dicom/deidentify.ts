/**
 * De-identification of one DICOM Part 10 file with the Basic Application Level
 * Confidentiality Profile of DICOM PS3.15 (2024) Annex E, Table E.1-1, for the attributes that
 * occur in MR examinations, plus two of its options:
 * - Retain Longitudinal Temporal Information with Modified Dates (code 113107): every date is
 *   shifted by a per-patient number of days and times are kept, so DCE timing survives;
 * - Retain Patient Characteristics (113108): PatientSex (and age/size/weight) kept.
 * Descriptions are cleaned (Clean Descriptions Option, 113105): SeriesDescription and
 * ProtocolName are kept with anything that looks like the patient's name, ID or a date removed,
 * because sequence recognition on re-import reads them.
 *
 * Actions (PS3.15 E.1.1): D replace with a dummy (here the cohort's pseudonymous patient
 * code), Z replace with a zero-length value, X remove, K keep, C clean, U replace a UID by a
 * consistent new one. New UIDs are "2.25." + the decimal of 128 bits of HMAC-SHA-256(secret,
 * original UID) (PS3.5 §B.2), so the same original UID always maps to the same new UID within
 * a study (Referenced*, FrameOfReference and the series UID stay consistent across files)
 * while the original cannot be recovered without the secret.
 *
 * Private attributes (odd groups), curves (groups 50xx) and overlays (60xx) are removed.
 * Sequences are rewritten recursively; pixel data, native or encapsulated, is copied byte for
 * byte. The transfer syntax of the input is kept (explicit or implicit VR little endian, or an
 * encapsulated one, which is explicit VR little endian outside the pixel data); big endian and
 * deflated files are refused.
 */
import { createHmac } from 'node:crypto';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION } from './writer.js';

export type DeidAction = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';

export interface DeidRule {
  tag: number;
  name: string;
  /** VR, used for implicit VR files (which carry none). */
  vr: string;
  action: DeidAction;
  /** Action under Retain Longitudinal Temporal Information with Modified Dates. */
  shiftedDates?: DeidAction | 'shift';
  /** Action under Retain Patient Characteristics. */
  keepCharacteristics?: DeidAction;
}

const r = (tag: number, name: string, vr: string, action: DeidAction, extra: Partial<DeidRule> = {}): DeidRule => ({
  tag,
  name,
  vr,
  action,
  ...extra,
});

/** PS3.15 2024 Table E.1-1, the rows that matter for MR (action of the basic profile). */
export const BASIC_PROFILE: readonly DeidRule[] = [
  r(0x00080012, 'InstanceCreationDate', 'DA', 'X', { shiftedDates: 'shift' }),
  r(0x00080013, 'InstanceCreationTime', 'TM', 'X', { shiftedDates: 'K' }),
  r(0x00080014, 'InstanceCreatorUID', 'UI', 'U'),
  r(0x00080018, 'SOPInstanceUID', 'UI', 'U'),
  r(0x00080020, 'StudyDate', 'DA', 'Z', { shiftedDates: 'shift' }),
  r(0x00080021, 'SeriesDate', 'DA', 'X', { shiftedDates: 'shift' }),
  r(0x00080022, 'AcquisitionDate', 'DA', 'X', { shiftedDates: 'shift' }),
  r(0x00080023, 'ContentDate', 'DA', 'Z', { shiftedDates: 'shift' }),
  r(0x0008002a, 'AcquisitionDateTime', 'DT', 'X', { shiftedDates: 'shift' }),
  r(0x00080030, 'StudyTime', 'TM', 'Z', { shiftedDates: 'K' }),
  r(0x00080031, 'SeriesTime', 'TM', 'X', { shiftedDates: 'K' }),
  r(0x00080032, 'AcquisitionTime', 'TM', 'X', { shiftedDates: 'K' }),
  r(0x00080033, 'ContentTime', 'TM', 'Z', { shiftedDates: 'K' }),
  r(0x00080050, 'AccessionNumber', 'SH', 'Z'),
  r(0x00080080, 'InstitutionName', 'LO', 'X'),
  r(0x00080081, 'InstitutionAddress', 'ST', 'X'),
  r(0x00080090, 'ReferringPhysicianName', 'PN', 'Z'),
  r(0x00080092, 'ReferringPhysicianAddress', 'ST', 'X'),
  r(0x00080094, 'ReferringPhysicianTelephoneNumbers', 'SH', 'X'),
  r(0x00080096, 'ReferringPhysicianIdentificationSequence', 'SQ', 'X'),
  r(0x00081010, 'StationName', 'SH', 'X'),
  r(0x00081030, 'StudyDescription', 'LO', 'X'),
  r(0x0008103e, 'SeriesDescription', 'LO', 'C'),
  r(0x00081040, 'InstitutionalDepartmentName', 'LO', 'X'),
  r(0x00081048, 'PhysiciansOfRecord', 'PN', 'X'),
  r(0x00081050, 'PerformingPhysicianName', 'PN', 'X'),
  r(0x00081060, 'NameOfPhysiciansReadingStudy', 'PN', 'X'),
  r(0x00081070, 'OperatorsName', 'PN', 'X'),
  r(0x00081080, 'AdmittingDiagnosesDescription', 'LO', 'X'),
  r(0x00081110, 'ReferencedStudySequence', 'SQ', 'X'),
  r(0x00081120, 'ReferencedPatientSequence', 'SQ', 'X'),
  r(0x00081155, 'ReferencedSOPInstanceUID', 'UI', 'U'),
  r(0x00083010, 'IrradiationEventUID', 'UI', 'U'),
  r(0x00100010, 'PatientName', 'PN', 'D'),
  r(0x00100020, 'PatientID', 'LO', 'D'),
  r(0x00100021, 'IssuerOfPatientID', 'LO', 'X'),
  r(0x00100030, 'PatientBirthDate', 'DA', 'Z'),
  r(0x00100032, 'PatientBirthTime', 'TM', 'X'),
  r(0x00100040, 'PatientSex', 'CS', 'Z', { keepCharacteristics: 'K' }),
  r(0x00101000, 'OtherPatientIDs', 'LO', 'X'),
  r(0x00101001, 'OtherPatientNames', 'PN', 'X'),
  r(0x00101002, 'OtherPatientIDsSequence', 'SQ', 'X'),
  r(0x00101005, 'PatientBirthName', 'PN', 'X'),
  r(0x00101010, 'PatientAge', 'AS', 'X', { keepCharacteristics: 'K' }),
  r(0x00101020, 'PatientSize', 'DS', 'X', { keepCharacteristics: 'K' }),
  r(0x00101030, 'PatientWeight', 'DS', 'X', { keepCharacteristics: 'K' }),
  r(0x00101040, 'PatientAddress', 'LO', 'X'),
  r(0x00101060, 'PatientMotherBirthName', 'PN', 'X'),
  r(0x00101080, 'MilitaryRank', 'LO', 'X'),
  r(0x00101090, 'MedicalRecordLocator', 'LO', 'X'),
  r(0x00102154, 'PatientTelephoneNumbers', 'SH', 'X'),
  r(0x00102160, 'EthnicGroup', 'SH', 'X'),
  r(0x00102180, 'Occupation', 'SH', 'X'),
  r(0x001021b0, 'AdditionalPatientHistory', 'LT', 'X'),
  r(0x00104000, 'PatientComments', 'LT', 'X'),
  // Written anew by the profile (an earlier de-identification's are replaced).
  r(0x00120062, 'PatientIdentityRemoved', 'CS', 'X'),
  r(0x00120063, 'DeidentificationMethod', 'LO', 'X'),
  r(0x00120064, 'DeidentificationMethodCodeSequence', 'SQ', 'X'),
  r(0x00181000, 'DeviceSerialNumber', 'LO', 'X'),
  r(0x00181030, 'ProtocolName', 'LO', 'C'),
  r(0x0020000d, 'StudyInstanceUID', 'UI', 'U'),
  r(0x0020000e, 'SeriesInstanceUID', 'UI', 'U'),
  r(0x00200010, 'StudyID', 'SH', 'Z'),
  r(0x00200052, 'FrameOfReferenceUID', 'UI', 'U'),
  r(0x00200200, 'SynchronizationFrameOfReferenceUID', 'UI', 'U'),
  r(0x00204000, 'ImageComments', 'LT', 'X'),
  r(0x00209161, 'ConcatenationUID', 'UI', 'U'),
  r(0x00209164, 'DimensionOrganizationUID', 'UI', 'U'),
  r(0x00321032, 'RequestingPhysician', 'PN', 'X'),
  r(0x00324000, 'StudyComments', 'LT', 'X'),
  r(0x00400244, 'PerformedProcedureStepStartDate', 'DA', 'X', { shiftedDates: 'shift' }),
  r(0x00400253, 'PerformedProcedureStepID', 'SH', 'X'),
  r(0x00400254, 'PerformedProcedureStepDescription', 'LO', 'X'),
  r(0x00400275, 'RequestAttributesSequence', 'SQ', 'X'),
  r(0x0040a124, 'UID', 'UI', 'U'),
  r(0x00880140, 'StorageMediaFileSetUID', 'UI', 'U'),
  r(0x30060024, 'ReferencedFrameOfReferenceUID', 'UI', 'U'),
  r(0x300600c2, 'RelatedFrameOfReferenceUID', 'UI', 'U'),
];

const RULES = new Map(BASIC_PROFILE.map((x) => [x.tag, x]));

/** Sequence attributes kept (their items are processed), for implicit VR files. */
const KNOWN_SEQUENCES = new Set([
  0x00081115, 0x00081140, 0x00081199, 0x00081250, 0x00082112, 0x00089215, 0x00189117, 0x00189118, 0x00209221, 0x00209222,
  0x52009229, 0x52009230, 0x30060010, 0x30060012, 0x30060014, 0x30060020, 0x30060039, 0x00400260, 0x00082218, 0x00540016,
]);

/** Method codes of PS3.16 CID 7050 (De-identification Method), scheme DCM. */
export const DEID_CODES = {
  basicProfile: { value: '113100', meaning: 'Basic Application Confidentiality Profile' },
  cleanDescriptions: { value: '113105', meaning: 'Clean Descriptions Option' },
  modifiedDates: { value: '113107', meaning: 'Retain Longitudinal Temporal Information Modified Dates Option' },
  patientCharacteristics: { value: '113108', meaning: 'Retain Patient Characteristics Option' },
} as const;

export interface DeidentifyOptions {
  /** Pseudonymous code written as PatientName and PatientID. */
  patientCode: string;
  /** Per-study secret the new UIDs (and date offset) are derived from. */
  secret: string;
  /** Shift dates by this many days (Modified Dates option, times kept); undefined: dates removed. */
  dateShiftDays?: number;
  /** Retain Patient Characteristics (PatientSex, age, size, weight). */
  keepPatientCharacteristics?: boolean;
}

export interface DeidentifyResult {
  bytes: Uint8Array;
  sopInstanceUid: string;
  seriesInstanceUid: string | undefined;
  /** Elements removed or emptied (count, for the report). */
  removed: number;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;

/** "2.25." + decimal of the first 128 bits of HMAC-SHA-256(secret, uid): at most 44 characters. */
export function pseudonymousUid(secret: string, uid: string): string {
  const h = createHmac('sha256', secret).update(`uid\u001f${uid}`).digest();
  return `2.25.${BigInt('0x' + h.subarray(0, 16).toString('hex')).toString()}`;
}

/** Per-patient date offset: −1…−3650 days, fixed by the secret and the patient code. */
export function dateShiftDays(secret: string, patientCode: string): number {
  const h = createHmac('sha256', secret).update(`dates\u001f${patientCode}`).digest();
  return -(1 + (h.readUInt32LE(0) % 3650));
}

class DeidError extends Error {}

/** Shifts a DA (YYYYMMDD) or the date part of a DT value by whole days (UTC calendar). */
function shiftDate(value: string, days: number): string {
  return value
    .split('\\')
    .map((v) => {
      const m = /^(\d{4})(\d{2})(\d{2})(.*)$/.exec(v.trim());
      if (!m) return '';
      const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * 86_400_000);
      if (Number.isNaN(d.getTime())) return '';
      return `${d.getUTCFullYear().toString().padStart(4, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${m[4]}`;
    })
    .join('\\');
}

interface Walk {
  bytes: Uint8Array;
  view: DataView;
  explicit: boolean;
}

/** Output chunks, joined at the end. */
class Sink {
  chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  join(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function tagText(tag: number): string {
  return `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function header(tag: number, vr: string, length: number, explicit: boolean): Uint8Array {
  const long = !explicit || LONG_VRS.has(vr);
  const out = new Uint8Array(explicit && long ? 12 : 8);
  const v = new DataView(out.buffer);
  v.setUint16(0, tag >>> 16, true);
  v.setUint16(2, tag & 0xffff, true);
  if (!explicit) v.setUint32(4, length, true);
  else {
    out[4] = vr.charCodeAt(0);
    out[5] = vr.charCodeAt(1);
    if (long) v.setUint32(8, length, true);
    else {
      if (length > 0xffff) throw new DeidError(`value of ${tagText(tag)} is too long for VR ${vr}`);
      v.setUint16(6, length, true);
    }
  }
  return out;
}

function textElement(tag: number, vr: string, value: string, explicit: boolean): Uint8Array[] {
  const n = value.length + (value.length % 2);
  const body = new Uint8Array(n);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    body[i] = c > 0xff ? 0x3f : c;
  }
  if (value.length % 2) body[value.length] = vr === 'UI' ? 0 : 0x20;
  return [header(tag, vr, n, explicit), body];
}

interface Context {
  opts: DeidentifyOptions;
  /** Strings removed from cleaned descriptions: patient name parts and IDs of the original. */
  identifiers: string[];
  removed: number;
}

/**
 * Rewrites the elements in [start, end) (end = undefined: until an item delimiter, whose end
 * is returned). Returns the offset after what was read.
 */
function rewrite(
  w: Walk,
  start: number,
  end: number | undefined,
  out: Sink,
  ctx: Context,
  marks?: [tag: number, at: number][],
): number {
  let o = start;
  const limit = end ?? w.bytes.length;
  while (o < limit) {
    if (o + 8 > w.bytes.length) throw new DeidError(`the file is truncated at byte ${o}`);
    const tag = ((w.view.getUint16(o, true) << 16) | w.view.getUint16(o + 2, true)) >>> 0;
    if (tag === 0xfffee00d) return o + 8; // item delimiter
    marks?.push([tag, out.length]);
    let vr: string;
    let length: number;
    let valueStart: number;
    const explicitHere = w.explicit && tag >>> 16 !== 0xfffe;
    if (explicitHere) {
      vr = String.fromCharCode(w.bytes[o + 4]!, w.bytes[o + 5]!);
      if (LONG_VRS.has(vr)) {
        length = w.view.getUint32(o + 8, true);
        valueStart = o + 12;
      } else {
        length = w.view.getUint16(o + 6, true);
        valueStart = o + 8;
      }
    } else {
      length = w.view.getUint32(o + 4, true);
      valueStart = o + 8;
      vr = RULES.get(tag)?.vr ?? (KNOWN_SEQUENCES.has(tag) || looksLikeSequence(w, valueStart, length) ? 'SQ' : 'UN');
      if (tag === 0x7fe00010) vr = 'OW';
    }
    const group = tag >>> 16;
    // Encapsulated pixel data (undefined length, not a sequence): copied byte for byte.
    if (length === UNDEFINED && vr !== 'SQ') {
      const after = skipEncapsulated(w, valueStart, tag);
      if (tag === 0x7fe00010) out.push(w.bytes.subarray(o, after));
      else ctx.removed++;
      o = after;
      continue;
    }
    const drop =
      group % 2 === 1 || (group >= 0x5000 && group <= 0x50ff) || (group >= 0x6000 && group <= 0x60ff) || tag === 0x00020000;
    if (vr === 'SQ') {
      const rule = RULES.get(tag);
      const keep = !drop && (!rule || rule.action !== 'X');
      const items = new Sink();
      const after = rewriteSequence(w, valueStart, length, items, ctx);
      if (keep) {
        out.push(header(tag, 'SQ', UNDEFINED, w.explicit));
        for (const c of items.chunks) out.push(c);
        out.push(new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]));
      } else ctx.removed++;
      o = after;
      continue;
    }
    if (valueStart + length > w.bytes.length) throw new DeidError(`element ${tagText(tag)} runs past the end of the file`);
    const next = valueStart + length;
    if (drop) {
      ctx.removed++;
      o = next;
      continue;
    }
    const value = w.bytes.subarray(valueStart, next);
    const replaced = applyRule(tag, vr, value, ctx);
    if (replaced === null) out.push(w.bytes.subarray(o, next));
    else if (replaced === undefined) ctx.removed++;
    else for (const c of textElement(tag, vr, replaced, w.explicit)) out.push(c);
    o = next;
  }
  return o;
}

function looksLikeSequence(w: Walk, start: number, length: number): boolean {
  if (length === UNDEFINED) return true;
  if (length === 0 || length < 8 || start + 8 > w.bytes.length) return false;
  if (w.view.getUint16(start, true) !== 0xfffe || w.view.getUint16(start + 2, true) !== 0xe000) return false;
  const itemLength = w.view.getUint32(start + 4, true);
  return itemLength === UNDEFINED || itemLength + 8 <= length;
}

function skipEncapsulated(w: Walk, start: number, tag: number): number {
  let o = start;
  while (o + 8 <= w.bytes.length) {
    const item = ((w.view.getUint16(o, true) << 16) | w.view.getUint16(o + 2, true)) >>> 0;
    const length = w.view.getUint32(o + 4, true);
    if (item === 0xfffee0dd) return o + 8;
    if (item !== 0xfffee000 || length === UNDEFINED) break;
    o += 8 + length;
  }
  throw new DeidError(`the encapsulated value of ${tagText(tag)} has no sequence delimiter`);
}

/** Items of a sequence, each rewritten as an item of undefined length. */
function rewriteSequence(w: Walk, start: number, length: number, out: Sink, ctx: Context): number {
  let o = start;
  const end = length === UNDEFINED ? undefined : start + length;
  while (end === undefined || o < end) {
    if (o + 8 > w.bytes.length) throw new DeidError(`a sequence runs past the end of the file at byte ${o}`);
    const item = ((w.view.getUint16(o, true) << 16) | w.view.getUint16(o + 2, true)) >>> 0;
    const itemLength = w.view.getUint32(o + 4, true);
    if (item === 0xfffee0dd) return o + 8;
    if (item !== 0xfffee000) throw new DeidError(`expected a sequence item at byte ${o}, found ${tagText(item)}`);
    out.push(new Uint8Array([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]));
    o = rewrite(w, o + 8, itemLength === UNDEFINED ? undefined : o + 8 + itemLength, out, ctx);
    out.push(new Uint8Array([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]));
  }
  return o;
}

/** null: keep as is; undefined: remove; a string: the new value. */
function applyRule(tag: number, vr: string, value: Uint8Array, ctx: Context): string | null | undefined {
  const rule = RULES.get(tag);
  const text = (): string => latin1(value).replace(/[\0 ]+$/, '');
  const shifting = ctx.opts.dateShiftDays !== undefined;
  let action: DeidAction | 'shift' | undefined = rule?.action;
  if (rule && shifting && rule.shiftedDates) action = rule.shiftedDates;
  if (rule && ctx.opts.keepPatientCharacteristics && rule.keepCharacteristics) action = rule.keepCharacteristics;
  if (!rule) {
    // Not in the table: other instance UIDs are still replaced (well-known DICOM UIDs such as
    // SOP classes and transfer syntaxes, under 1.2.840.10008, are kept); other dates follow the
    // date option.
    if (vr === 'UI') {
      const v = text();
      return v === '' || v.startsWith('1.2.840.10008.')
        ? null
        : v
            .split('\\')
            .map((u) => pseudonymousUid(ctx.opts.secret, u))
            .join('\\');
    }
    if (vr === 'DA' || vr === 'DT') action = shifting ? 'shift' : 'X';
    else return null;
  }
  switch (action) {
    case 'K':
      return null;
    case 'X':
      return undefined;
    case 'Z':
      ctx.removed++;
      return '';
    case 'D':
      return ctx.opts.patientCode;
    case 'U': {
      const v = text();
      return v === ''
        ? null
        : v
            .split('\\')
            .map((u) => pseudonymousUid(ctx.opts.secret, u))
            .join('\\');
    }
    case 'shift':
      return shiftDate(text(), ctx.opts.dateShiftDays!);
    case 'C':
      return cleanText(text(), ctx.identifiers);
    default:
      return null;
  }
}

/** Removes the patient's name parts and IDs, and anything shaped like a date, from free text. */
function cleanText(value: string, identifiers: readonly string[]): string {
  let v = value;
  for (const id of identifiers) if (id.length >= 2) v = v.split(id).join('');
  v = v.replace(/\b(19|20)\d{2}[-./]?\d{2}[-./]?\d{2}\b/g, '').replace(/\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b/g, '');
  return v.replace(/\s{2,}/g, ' ').trim();
}

/** Reads the text value of a top-level element (explicit or implicit), for the identifiers. */
function topLevelText(w: Walk, start: number, wanted: number): string | undefined {
  let o = start;
  while (o + 8 <= w.bytes.length) {
    const tag = ((w.view.getUint16(o, true) << 16) | w.view.getUint16(o + 2, true)) >>> 0;
    let length: number;
    let valueStart: number;
    if (w.explicit) {
      const vr = String.fromCharCode(w.bytes[o + 4]!, w.bytes[o + 5]!);
      if (LONG_VRS.has(vr)) {
        length = w.view.getUint32(o + 8, true);
        valueStart = o + 12;
      } else {
        length = w.view.getUint16(o + 6, true);
        valueStart = o + 8;
      }
    } else {
      length = w.view.getUint32(o + 4, true);
      valueStart = o + 8;
    }
    if (tag === wanted) return latin1(w.bytes.subarray(valueStart, valueStart + length)).replace(/[\0 ]+$/, '');
    if (tag > wanted || length === UNDEFINED) return undefined;
    o = valueStart + length;
  }
  return undefined;
}

/** Elements added to the top-level data set: PatientIdentityRemoved and the method. */
function methodElements(opts: DeidentifyOptions, explicit: boolean): Map<number, Uint8Array[]> {
  const codes: { value: string; meaning: string }[] = [DEID_CODES.basicProfile, DEID_CODES.cleanDescriptions];
  if (opts.dateShiftDays !== undefined) codes.push(DEID_CODES.modifiedDates);
  if (opts.keepPatientCharacteristics) codes.push(DEID_CODES.patientCharacteristics);
  const seq: Uint8Array[] = [header(0x00120064, 'SQ', UNDEFINED, explicit)];
  for (const c of codes) {
    seq.push(new Uint8Array([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]));
    seq.push(...textElement(0x00080100, 'SH', c.value, explicit));
    seq.push(...textElement(0x00080102, 'SH', 'DCM', explicit));
    seq.push(...textElement(0x00080104, 'LO', c.meaning, explicit));
    seq.push(new Uint8Array([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]));
  }
  seq.push(new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]));
  const method = `RadStudy PS3.15 E.1-1 basic profile: ${codes.map((c) => c.value).join(' ')}`.slice(0, 64);
  return new Map([
    [0x00120062, textElement(0x00120062, 'CS', 'YES', explicit)],
    [0x00120063, textElement(0x00120063, 'LO', method, explicit)],
    [0x00120064, seq],
  ]);
}

/**
 * De-identifies one DICOM Part 10 file. `source` names it in error messages. Throws an Error
 * naming the file when it cannot be read or has an unsupported transfer syntax.
 */
export function deidentifyDicom(bytes: Uint8Array, source: string, opts: DeidentifyOptions): DeidentifyResult {
  try {
    return deidentifyUnchecked(bytes, opts);
  } catch (e) {
    if (e instanceof DeidError) throw new Error(`${source}: cannot be de-identified: ${e.message}`);
    throw e;
  }
}

function deidentifyUnchecked(bytes: Uint8Array, opts: DeidentifyOptions): DeidentifyResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!(bytes.length >= 132 && latin1(bytes.subarray(128, 132)) === 'DICM'))
    throw new DeidError('it is not a DICOM Part 10 file (no "DICM" at byte 128)');
  // File meta information (always explicit VR little endian, PS3.10 §7.1).
  const meta = new Map<number, Uint8Array>();
  let o = 132;
  while (o + 8 <= bytes.length && view.getUint16(o, true) === 0x0002) {
    const tag = ((view.getUint16(o, true) << 16) | view.getUint16(o + 2, true)) >>> 0;
    const vr = String.fromCharCode(bytes[o + 4]!, bytes[o + 5]!);
    const long = LONG_VRS.has(vr);
    const length = long ? view.getUint32(o + 8, true) : view.getUint16(o + 6, true);
    const valueStart = o + (long ? 12 : 8);
    meta.set(tag, bytes.subarray(valueStart, valueStart + length));
    o = valueStart + length;
  }
  const tsBytes = meta.get(0x00020010);
  if (!tsBytes) throw new DeidError('its file meta information has no TransferSyntaxUID (0002,0010)');
  const transferSyntax = latin1(tsBytes).replace(/[\0 ]+$/, '');
  if (transferSyntax === EXPLICIT_BE) throw new DeidError('explicit VR big endian (retired) is not supported; convert it first');
  if (transferSyntax === DEFLATED) throw new DeidError('deflated explicit VR little endian is not supported');
  const w: Walk = { bytes, view, explicit: transferSyntax !== IMPLICIT_LE };
  const dataStart = o;
  const identifiers = [topLevelText(w, dataStart, 0x00100010), topLevelText(w, dataStart, 0x00100020)]
    .filter((x): x is string => x !== undefined)
    .flatMap((x) => [x, ...x.split(/[\^= ]+/)])
    .filter((x) => x.trim().length >= 2)
    .sort((a, b) => b.length - a.length);
  const ctx: Context = { opts, identifiers, removed: 0 };
  const body = new Sink();
  const marks: [number, number][] = [];
  rewrite(w, dataStart, bytes.length, body, ctx, marks);
  // The de-identification elements go in tag order among the top-level elements.
  const joined = body.join();
  const added = methodElements(opts, w.explicit);
  const dataSet = new Sink();
  let from = 0;
  for (const [tag, chunks] of [...added].sort((x, y) => x[0] - y[0])) {
    const at = marks.find(([t]) => t > tag)?.[1] ?? joined.length;
    dataSet.push(joined.subarray(from, at));
    for (const c of chunks) dataSet.push(c);
    from = at;
  }
  dataSet.push(joined.subarray(from));
  const sopOriginal = latin1(meta.get(0x00020003) ?? new Uint8Array()).replace(/[\0 ]+$/, '');
  const newSop = sopOriginal ? pseudonymousUid(opts.secret, sopOriginal) : '';
  // File meta: the same, with the new MediaStorageSOPInstanceUID and our implementation.
  const metaOut = new Sink();
  for (const [tag, value] of [...meta].sort((a, b) => a[0] - b[0])) {
    if (tag === 0x00020000 || tag === 0x00020012 || tag === 0x00020013 || tag === 0x00020016 || tag >= 0x00020100) continue;
    if (tag === 0x00020003) for (const c of textElement(tag, 'UI', newSop, true)) metaOut.push(c);
    else if (tag === 0x00020001) {
      metaOut.push(header(tag, 'OB', value.length, true));
      metaOut.push(value);
    } else for (const c of textElement(tag, 'UI', latin1(value).replace(/[\0 ]+$/, ''), true)) metaOut.push(c);
    if (tag === 0x00020010) {
      for (const c of textElement(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID, true)) metaOut.push(c);
      for (const c of textElement(0x00020013, 'SH', IMPLEMENTATION_VERSION, true)) metaOut.push(c);
    }
  }
  const metaBytes = metaOut.join();
  const groupLength = new Uint8Array(12);
  const gv = new DataView(groupLength.buffer);
  gv.setUint16(0, 0x0002, true);
  gv.setUint16(2, 0x0000, true);
  groupLength[4] = 0x55; // U
  groupLength[5] = 0x4c; // L
  gv.setUint16(6, 4, true);
  gv.setUint32(8, metaBytes.length, true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  const file = new Sink();
  file.push(preamble);
  file.push(groupLength);
  file.push(metaBytes);
  for (const c of dataSet.chunks) file.push(c);
  const seriesRaw = topLevelText(w, dataStart, 0x0020000e);
  return {
    bytes: file.join(),
    sopInstanceUid: newSop,
    seriesInstanceUid: seriesRaw ? pseudonymousUid(opts.secret, seriesRaw) : undefined,
    removed: ctx.removed,
  };
}
