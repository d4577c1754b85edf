/**
 * Binary transport of voxel data (a series volume or a segmentation mask) from the back end to
 * the renderer, the same bytes over HTTP (browser mode) and Electron IPC:
 *
 *   uint32 LE  header length H (bytes of UTF-8 JSON)
 *   H bytes    JSON header (VoxelHeader), space-padded so the body starts at a multiple of 8
 *   body       the voxels, little-endian, i fastest (volume.ts order), `dtype` per voxel
 *
 * The body is aligned so the renderer views it as a typed array without copying. JSON for the
 * voxels themselves would be 10× larger and parse on the UI thread; this is one ArrayBuffer.
 */
import { z } from 'zod';
import { GeometrySchema } from './images.js';

export const voxelDtypes = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'] as const;
export const VoxelDtypeSchema = z.enum(voxelDtypes);
export type VoxelDtype = z.infer<typeof VoxelDtypeSchema>;

export const VoxelHeaderSchema = GeometrySchema.extend({
  kind: z.enum(['volume', 'mask']),
  seriesId: z.number().int(),
  segmentationId: z.number().int().nullable(),
  /** For messages and titles: `series #12 (DCE3, "t1_fl3d_dyn")`. */
  name: z.string(),
  dtype: VoxelDtypeSchema,
  /** Intensity range of the volume (masks: 0…1), for the initial window/level. */
  min: z.number(),
  max: z.number(),
});
export type VoxelHeader = z.infer<typeof VoxelHeaderSchema>;

export type VoxelTypedArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

const CTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

export function dtypeOf(data: VoxelTypedArray): VoxelDtype {
  for (const [name, Ctor] of Object.entries(CTORS)) if (data instanceof Ctor) return name as VoxelDtype;
  throw new Error('unsupported voxel array type');
}

// Typed arrays use the platform's byte order; every platform Electron and Chromium run on is
// little-endian, which the format requires (checked once here rather than per voxel).
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Frames header + voxels as one buffer (see the module comment). */
export function encodeVoxels(header: VoxelHeader, data: VoxelTypedArray): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('voxel transport needs a little-endian platform');
  let json = JSON.stringify(header);
  const pad = (8 - ((4 + new TextEncoder().encode(json).length) % 8)) % 8;
  json += ' '.repeat(pad);
  const jsonBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(4 + jsonBytes.length + data.byteLength);
  new DataView(out.buffer).setUint32(0, jsonBytes.length, true);
  out.set(jsonBytes, 4);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 4 + jsonBytes.length);
  return out;
}

export interface DecodedVoxels {
  header: VoxelHeader;
  data: VoxelTypedArray;
}

/** Inverse of encodeVoxels; the typed array is a view on `buffer` (no copy). */
export function decodeVoxels(buffer: ArrayBuffer, what = 'voxel data'): DecodedVoxels {
  if (buffer.byteLength < 4) throw new Error(`${what}: the answer is too short to hold a header.`);
  const headerLength = new DataView(buffer).getUint32(0, true);
  if (4 + headerLength > buffer.byteLength) throw new Error(`${what}: the header is cut off.`);
  const parsed = VoxelHeaderSchema.safeParse(JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength))));
  if (!parsed.success) throw new Error(`${what}: the header is not valid (${parsed.error.issues[0]?.message ?? ''}).`);
  const header = parsed.data;
  const Ctor = CTORS[header.dtype];
  const n = header.size[0] * header.size[1] * header.size[2];
  const offset = 4 + headerLength;
  if (offset % Ctor.BYTES_PER_ELEMENT !== 0 || buffer.byteLength - offset !== n * Ctor.BYTES_PER_ELEMENT)
    throw new Error(
      `${what}: ${buffer.byteLength - offset} bytes of voxels for a ${header.size.join('×')} ${header.dtype} grid (${n * Ctor.BYTES_PER_ELEMENT} expected).`,
    );
  return { header, data: new Ctor(buffer, offset, n) };
}
