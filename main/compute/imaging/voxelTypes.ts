/**
 * Voxel scalar types shared by the NRRD, NIfTI and DICOM readers: sizes, typed-array
 * constructors and byte-order handling, written once.
 */
import type { VoxelArray } from './volume.js';

export type VoxelType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

export const VOXEL_TYPES: readonly VoxelType[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'];

const BYTES: Record<VoxelType, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  float64: 8,
};

export function bytesPerVoxel(type: VoxelType): number {
  return BYTES[type];
}

/** Allocates a zeroed typed array of `type` with `length` elements. */
export function allocateVoxels(type: VoxelType, length: number): VoxelArray {
  switch (type) {
    case 'int8':
      return new Int8Array(length);
    case 'uint8':
      return new Uint8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
  }
}

export function voxelTypeOf(data: VoxelArray): VoxelType {
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/** True when this machine stores multi-byte numbers little-endian (every platform we ship on). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of every `width`-byte element of `bytes`, in place. */
export function swapBytesInPlace(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  const n = bytes.length - (bytes.length % width);
  for (let p = 0; p < n; p += width) {
    for (let a = p, b = p + width - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * Copies `count` voxels of `type` stored from `offset` in `bytes` into a new, aligned typed
 * array in host byte order. The caller has checked that enough bytes are present.
 */
export function decodeVoxels(
  bytes: Uint8Array,
  offset: number,
  count: number,
  type: VoxelType,
  littleEndian: boolean,
): VoxelArray {
  const out = allocateVoxels(type, count);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  outBytes.set(bytes.subarray(offset, offset + out.byteLength));
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(outBytes, bytesPerVoxel(type));
  return out;
}

/**
 * Like decodeVoxels, but returns a view on `bytes` itself (no copy) when the voxels are aligned
 * and in host byte order. Only for buffers the caller owns (e.g. freshly inflated data).
 */
export function takeVoxels(bytes: Uint8Array, offset: number, count: number, type: VoxelType, littleEndian: boolean): VoxelArray {
  const width = bytesPerVoxel(type);
  const at = bytes.byteOffset + offset;
  if (littleEndian !== HOST_LITTLE_ENDIAN || at % width !== 0) return decodeVoxels(bytes, offset, count, type, littleEndian);
  const buf = bytes.buffer as ArrayBuffer;
  switch (type) {
    case 'int8':
      return new Int8Array(buf, at, count);
    case 'uint8':
      return new Uint8Array(buf, at, count);
    case 'int16':
      return new Int16Array(buf, at, count);
    case 'uint16':
      return new Uint16Array(buf, at, count);
    case 'int32':
      return new Int32Array(buf, at, count);
    case 'uint32':
      return new Uint32Array(buf, at, count);
    case 'float32':
      return new Float32Array(buf, at, count);
    case 'float64':
      return new Float64Array(buf, at, count);
  }
}

/** The bytes of `data` in the requested byte order (a copy; `data` is not modified). */
export function encodeVoxels(data: VoxelArray, littleEndian: boolean): Uint8Array {
  const copy = new Uint8Array(data.byteLength);
  copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(copy, data.BYTES_PER_ELEMENT);
  return copy;
}
