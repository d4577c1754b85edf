/**
 * NIfTI reading (NIfTI-1 and NIfTI-2, .nii and .nii.gz, 3D and 4D) and NIfTI-1 writing.
 *
 * Definitions: nifti1.h / nifti2.h. Geometry (qform vs sform precedence, RAS → LPS) is in
 * niftiTransform.ts. Dimensions 4–7 (time, then vector components) become the volume's
 * interleaved components; the file stores them planar (each 3D volume contiguous).
 * scl_slope/scl_inter are applied when they change values (slope ∉ {0, 1} or intercept ≠ 0);
 * the result is then float32 (float64 for float64 input), as ITK's NiftiImageIO does.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { interleaveComponents, planarComponents } from './components.js';
import { ImageFormatError } from './imageFormatError.js';
import { datatypeCode, formatNifti1Header, NIFTI_DATATYPES, parseNiftiHeader, UNSUPPORTED_DATATYPES } from './niftiHeader.js';
import type { NiftiHeader } from './niftiHeader.js';
import { niftiGeometry, rotationToQuaternion } from './niftiTransform.js';
import type { NiftiTransformSource } from './niftiTransform.js';
import type { Mat3, Vec3, Volume, VoxelArray } from './volume.js';
import { orthonormalityError, voxelCount } from './volume.js';
import { bytesPerVoxel, decodeVoxels, encodeVoxels, voxelTypeOf } from './voxelTypes.js';
import type { VoxelType } from './voxelTypes.js';

export interface NiftiImage {
  volume: Volume;
  header: NiftiHeader;
  /** Scalar type stored in the file (before scl_slope/scl_inter). */
  voxelType: VoxelType;
  /** True when scl_slope/scl_inter were applied to the voxel values. */
  rescaled: boolean;
  /** Which header transform gave the geometry. */
  transform: NiftiTransformSource;
  warnings: string[];
}

export interface ReadNiftiOptions {
  /** Data bytes of a two-file pair (`.hdr` + `.img`, magic `ni1`/`ni2`), possibly gzipped. */
  imageBytes?: Uint8Array;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function inflate(bytes: Uint8Array, src: string | undefined): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new ImageFormatError(
      src,
      `gzip data cannot be decompressed (${(e as Error).message}); the file is truncated or corrupt`,
      { cause: e },
    );
  }
}

export function readNifti(bytes: Uint8Array, sourceName?: string, options: ReadNiftiOptions = {}): NiftiImage {
  const src = sourceName;
  const file = inflate(bytes, src);
  const h = parseNiftiHeader(file, src);
  const warnings: string[] = [];

  const dt = NIFTI_DATATYPES[h.datatype];
  if (!dt) {
    const name = UNSUPPORTED_DATATYPES[h.datatype];
    throw new ImageFormatError(
      src,
      name ? `NIfTI datatype ${h.datatype} (${name}) is not supported` : `NIfTI datatype ${h.datatype} is unknown`,
    );
  }
  const expectedBits = bytesPerVoxel(dt.type) * 8 * dt.components;
  if (h.bitpix !== expectedBits)
    warnings.push(`bitpix is ${h.bitpix} but datatype ${dt.name} has ${expectedBits} bits; datatype was used`);
  const ndim = h.dim[0]!;
  if (!(ndim >= 1 && ndim <= 7)) throw new ImageFormatError(src, `NIfTI dim[0] is ${ndim}, expected 1 to 7`);
  const dims: number[] = [];
  for (let k = 1; k <= ndim; k++) {
    const n = h.dim[k]!;
    if (!(n >= 1) || !Number.isSafeInteger(n))
      throw new ImageFormatError(src, `NIfTI dim[${k}] is ${n}, expected a positive integer`);
    dims.push(n);
  }
  const size: Vec3 = [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1];
  let frames = 1;
  for (let k = 3; k < dims.length; k++) frames *= dims[k]!;
  if (dt.components > 1 && frames > 1)
    throw new ImageFormatError(src, `NIfTI ${dt.name} images with more than 3 dimensions are not supported`);
  const components = dt.components * frames;
  const count = size[0] * size[1] * size[2] * components;

  let data: Uint8Array;
  let offset: number;
  if (h.magic === 'ni1' || h.magic === 'ni2') {
    if (!options.imageBytes)
      throw new ImageFormatError(src, 'this is the header of a .hdr/.img pair; the .img data file must be read with it');
    data = inflate(options.imageBytes, src);
    offset = Math.max(0, h.voxOffset);
  } else {
    data = file;
    // Single-file NIfTI: data start at vox_offset, never inside the header (+4 extension bytes).
    offset = h.voxOffset >= h.headerSize ? Math.floor(h.voxOffset) : h.headerSize + 4;
    if (h.voxOffset < h.headerSize) warnings.push(`vox_offset ${h.voxOffset} is inside the header; ${offset} was used`);
  }
  const needed = count * bytesPerVoxel(dt.type);
  if (data.length - offset < needed) {
    throw new ImageFormatError(
      src,
      `NIfTI voxel data are truncated: ${Math.max(0, data.length - offset)} bytes after offset ${offset}, ${needed} needed for ${size.join('×')}${frames > 1 ? `×${frames}` : ''} ${dt.name} voxels`,
    );
  }
  let voxels: VoxelArray = decodeVoxels(data, offset, count, dt.type, h.littleEndian);
  if (frames > 1) voxels = interleaveComponents(voxels, [size[0] * size[1] * size[2], frames], 1);

  const slope = h.sclSlope;
  const inter = Number.isFinite(h.sclInter) ? h.sclInter : 0;
  const rescaled = Number.isFinite(slope) && slope !== 0 && !(slope === 1 && inter === 0);
  if (rescaled) {
    const out = dt.type === 'float64' ? new Float64Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = voxels[i]! * slope + inter;
    voxels = out;
  }

  const g = niftiGeometry(h);
  for (const n of g.notes) warnings.push(n);
  const volume: Volume = { size, spacingMm: g.spacingMm, originMm: g.originMm, direction: g.direction, data: voxels };
  if (components > 1) volume.components = components;
  return { volume, header: h, voxelType: dt.type, rescaled, transform: g.source, warnings };
}

export interface WriteNiftiOptions {
  /** gzip the whole file (.nii.gz). Default false. */
  gzip?: boolean;
  /** Default little. */
  endian?: 'little' | 'big';
  /** Text for the 80-byte `descrip` field (truncated to 79 bytes). */
  description?: string;
  /** zlib level 0–9, default 6. */
  gzipLevel?: number;
}

/**
 * Writes a single-file NIfTI-1 (`n+1`). Geometry goes into both the sform (exact, float32)
 * and, when the direction is orthonormal, the qform; both with code 1 (SCANNER_ANAT), as ITK
 * writes them. Components are written as dim[4] (planar).
 */
export function writeNifti(volume: Volume, options: WriteNiftiOptions = {}): Uint8Array {
  const littleEndian = (options.endian ?? 'little') === 'little';
  const components = volume.components ?? 1;
  const expected = voxelCount(volume) * components;
  if (volume.data.length !== expected) {
    throw new Error(
      `writeNifti: volume has ${volume.data.length} values but size ${volume.size.join('×')} × ${components} components needs ${expected}`,
    );
  }
  const type = voxelTypeOf(volume.data);
  const d = volume.direction;
  // LPS → RAS: negate the x and y rows.
  const ras: Mat3 = [-d[0], -d[1], -d[2], -d[3], -d[4], -d[5], d[6], d[7], d[8]];
  const o = volume.originMm;
  const originRas: Vec3 = [-o[0], -o[1], o[2]];
  const s = volume.spacingMm;
  const srow = [0, 1, 2].map((r) => [ras[3 * r]! * s[0], ras[3 * r + 1]! * s[1], ras[3 * r + 2]! * s[2], originRas[r]!]) as [
    number[],
    number[],
    number[],
  ];
  const orthonormal = orthonormalityError(d) < 1e-6;
  const q = orthonormal ? rotationToQuaternion(ras) : { b: 0, c: 0, d: 0, qfac: 1 };
  const header = formatNifti1Header(
    {
      dim: [components > 1 ? 4 : 3, volume.size[0], volume.size[1], volume.size[2], components, 1, 1, 1],
      pixdim: [q.qfac, s[0], s[1], s[2], 1, 1, 1, 1],
      datatype: datatypeCode(type),
      bitpix: bytesPerVoxel(type) * 8,
      sclSlope: 1,
      sclInter: 0,
      xyztUnits: 2, // NIFTI_UNITS_MM
      descrip: options.description ?? 'RadStudy',
      qformCode: orthonormal ? 1 : 0,
      sformCode: 1,
      quatern: [q.b, q.c, q.d],
      qoffset: originRas,
      srow,
    },
    littleEndian,
  );
  const body = encodeVoxels(components > 1 ? planarComponents(volume.data, components) : volume.data, littleEndian);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return options.gzip ? gzipSync(out, { level: options.gzipLevel ?? 6 }) : out;
}
