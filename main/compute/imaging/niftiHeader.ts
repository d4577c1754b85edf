/**
 * NIfTI-1 and NIfTI-2 header fields, read into one structure, and the NIfTI-1 header written.
 *
 * Definitions: nifti1.h (NIfTI-1, 348-byte header, https://nifti.nimh.nih.gov/nifti-1) and
 * nifti2.h (NIfTI-2, 540-byte header with 64-bit dims and double fields). The byte order is
 * found from sizeof_hdr (348 or 540), as the standard recommends.
 */
import { ImageFormatError } from './imageFormatError.js';
import type { VoxelType } from './voxelTypes.js';

export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7]: dim[0] is the number of dimensions. */
  dim: number[];
  /** pixdim[0..7]: pixdim[0] is qfac (±1). */
  pixdim: number[];
  datatype: number;
  bitpix: number;
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  /** xyzt_units: bits 0–2 spatial unit, bits 3–5 temporal unit. */
  xyztUnits: number;
  intentCode: number;
  intentName: string;
  descrip: string;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  /** srow_x, srow_y, srow_z, each 4 numbers. */
  srow: [number[], number[], number[]];
  magic: string;
  /** Size of the fixed header: 348 or 540. */
  headerSize: number;
}

/** NIfTI datatype codes (nifti1.h, DT_*) that map to a Volume typed array. */
export const NIFTI_DATATYPES: Record<number, { type: VoxelType; components: number; name: string }> = {
  2: { type: 'uint8', components: 1, name: 'UINT8' },
  4: { type: 'int16', components: 1, name: 'INT16' },
  8: { type: 'int32', components: 1, name: 'INT32' },
  16: { type: 'float32', components: 1, name: 'FLOAT32' },
  64: { type: 'float64', components: 1, name: 'FLOAT64' },
  128: { type: 'uint8', components: 3, name: 'RGB24' },
  256: { type: 'int8', components: 1, name: 'INT8' },
  512: { type: 'uint16', components: 1, name: 'UINT16' },
  768: { type: 'uint32', components: 1, name: 'UINT32' },
  2304: { type: 'uint8', components: 4, name: 'RGBA32' },
};

export const UNSUPPORTED_DATATYPES: Record<number, string> = {
  1: 'BINARY (1 bit)',
  32: 'COMPLEX64',
  1024: 'INT64',
  1280: 'UINT64',
  1536: 'FLOAT128',
  1792: 'COMPLEX128',
  2048: 'COMPLEX256',
};

export function datatypeCode(type: VoxelType): number {
  for (const [code, d] of Object.entries(NIFTI_DATATYPES)) if (d.type === type && d.components === 1) return Number(code);
  throw new Error(`no NIfTI datatype for ${type}`);
}

/** Parses the fixed header at the start of (decompressed) `bytes`. */
export function parseNiftiHeader(bytes: Uint8Array, src: string | undefined): NiftiHeader {
  if (bytes.length < 348) {
    throw new ImageFormatError(src, `not a NIfTI file: ${bytes.length} bytes, shorter than the 348-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  const size = le === 348 || le === 540 ? le : be === 348 || be === 540 ? be : 0;
  if (size === 0) {
    throw new ImageFormatError(src, `not a NIfTI file: sizeof_hdr is ${le}, expected 348 (NIfTI-1) or 540 (NIfTI-2)`);
  }
  const littleEndian = le === size;
  if (bytes.length < size)
    throw new ImageFormatError(src, `NIfTI-${size === 348 ? 1 : 2} header is truncated (${bytes.length} of ${size} bytes)`);
  const i16 = (o: number): number => view.getInt16(o, littleEndian);
  const i32 = (o: number): number => view.getInt32(o, littleEndian);
  const i64 = (o: number): number => Number(view.getBigInt64(o, littleEndian));
  const f32 = (o: number): number => view.getFloat32(o, littleEndian);
  const f64 = (o: number): number => view.getFloat64(o, littleEndian);
  const text = (o: number, n: number): string => {
    const raw = bytes.subarray(o, o + n);
    const end = raw.indexOf(0);
    return new TextDecoder('latin1').decode(end >= 0 ? raw.subarray(0, end) : raw);
  };
  if (size === 348) {
    const magic = text(344, 4);
    if (magic !== 'n+1' && magic !== 'ni1') {
      throw new ImageFormatError(
        src,
        `NIfTI-1 magic is "${magic}", expected "n+1" (or "ni1" for a .hdr/.img pair); ANALYZE 7.5 files are not supported`,
      );
    }
    return {
      version: 1,
      littleEndian,
      dim: Array.from({ length: 8 }, (_, k) => i16(40 + 2 * k)),
      pixdim: Array.from({ length: 8 }, (_, k) => f32(76 + 4 * k)),
      datatype: i16(70),
      bitpix: i16(72),
      voxOffset: f32(108),
      sclSlope: f32(112),
      sclInter: f32(116),
      xyztUnits: bytes[123]!,
      intentCode: i16(68),
      intentName: text(328, 16),
      descrip: text(148, 80),
      qformCode: i16(252),
      sformCode: i16(254),
      quatern: [f32(256), f32(260), f32(264)],
      qoffset: [f32(268), f32(272), f32(276)],
      srow: [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => f32(280 + 16 * r + 4 * c))) as NiftiHeader['srow'],
      magic,
      headerSize: 348,
    };
  }
  const magic = text(4, 8);
  if (magic !== 'n+2' && magic !== 'ni2') {
    throw new ImageFormatError(src, `NIfTI-2 magic is "${magic}", expected "n+2"`);
  }
  return {
    version: 2,
    littleEndian,
    dim: Array.from({ length: 8 }, (_, k) => i64(16 + 8 * k)),
    pixdim: Array.from({ length: 8 }, (_, k) => f64(104 + 8 * k)),
    datatype: i16(12),
    bitpix: i16(14),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    xyztUnits: i32(500),
    intentCode: i32(504),
    intentName: text(508, 16),
    descrip: text(240, 80),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => f64(400 + 32 * r + 8 * c))) as NiftiHeader['srow'],
    magic,
    headerSize: 540,
  };
}

/** Fields the NIfTI-1 writer fills; everything else is written as zero. */
export type NiftiWriteFields = Pick<
  NiftiHeader,
  | 'dim'
  | 'pixdim'
  | 'datatype'
  | 'bitpix'
  | 'sclSlope'
  | 'sclInter'
  | 'xyztUnits'
  | 'descrip'
  | 'qformCode'
  | 'sformCode'
  | 'quatern'
  | 'qoffset'
  | 'srow'
>;

/** A 352-byte NIfTI-1 single-file header (348 bytes + 4-byte empty extension flag). */
export function formatNifti1Header(h: NiftiWriteFields, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(352);
  const view = new DataView(out.buffer);
  view.setInt32(0, 348, littleEndian);
  out[38] = 'r'.charCodeAt(0); // "regular", as nifti1.h recommends for ANALYZE readers
  h.dim.forEach((v, k) => view.setInt16(40 + 2 * k, v, littleEndian));
  view.setInt16(70, h.datatype, littleEndian);
  view.setInt16(72, h.bitpix, littleEndian);
  h.pixdim.forEach((v, k) => view.setFloat32(76 + 4 * k, v, littleEndian));
  view.setFloat32(108, 352, littleEndian);
  view.setFloat32(112, h.sclSlope, littleEndian);
  view.setFloat32(116, h.sclInter, littleEndian);
  out[123] = h.xyztUnits;
  const descrip = new TextEncoder().encode(h.descrip).subarray(0, 79);
  out.set(descrip, 148);
  view.setInt16(252, h.qformCode, littleEndian);
  view.setInt16(254, h.sformCode, littleEndian);
  h.quatern.forEach((v, k) => view.setFloat32(256 + 4 * k, v, littleEndian));
  h.qoffset.forEach((v, k) => view.setFloat32(268 + 4 * k, v, littleEndian));
  h.srow.forEach((row, r) => row.forEach((v, c) => view.setFloat32(280 + 16 * r + 4 * c, v, littleEndian)));
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  return out;
}
