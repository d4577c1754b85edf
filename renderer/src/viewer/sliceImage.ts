/**
 * The image of a 2D slice view without WebGL: the slice across one voxel axis is read out of
 * the volume's own typed array (no copy of the volume, 16-bit stays 16-bit), mapped to grey
 * through a window/level lookup table, and drawn on a 2D canvas with the same affine
 * raster → screen transform as the labelmap overlay (labelOverlay.ts sliceToScreen), so image
 * and overlay stay registered by construction.
 *
 * The raster of a slice across `axis` has the two other voxel axes (planeAxes) as x and y,
 * row-major: raster pixel (x, y) is voxel (u = x, v = y) of the slice.
 *
 * Window/level as vtk.js's image mapper applied it: grey = clamp((value − (level − window/2)) /
 * window, 0, 1) · 255, rounded to the nearest integer.
 */
import type { VoxelTypedArray } from '../../../main/api/voxels.js';
import { planeAxes } from './labelOverlay.js';
import type { WindowLevel } from './windowLevel.js';

/** Copies slice `slice` across `axis` of a volume of `size` (i fastest) into `out` (length size[u]·size[v]). */
export function extractSlice<T extends VoxelTypedArray>(
  data: VoxelTypedArray,
  size: readonly [number, number, number],
  axis: 0 | 1 | 2,
  slice: number,
  out: T,
): T {
  const [u, v] = planeAxes(axis);
  const w = size[u];
  const h = size[v];
  if (out.length !== w * h) throw new Error(`Slice buffer holds ${out.length} values, the slice has ${w * h}.`);
  if (slice < 0 || slice >= size[axis] || !Number.isInteger(slice))
    throw new Error(`Slice ${slice} is outside the volume's ${size[axis]} slices along axis ${axis}.`);
  if (data.length !== size[0] * size[1] * size[2])
    throw new Error(`The volume holds ${data.length} voxels, its size ${size.join('×')} needs ${size[0] * size[1] * size[2]}.`);
  const stride = [1, size[0], size[0] * size[1]] as const;
  const su = stride[u];
  const sv = stride[v];
  const base = slice * stride[axis];
  if (su === 1) {
    // Axial (and coronal): rows are contiguous runs of the volume.
    for (let y = 0; y < h; y++) {
      const from = base + y * sv;
      out.set(data.subarray(from, from + w) as never, y * w);
    }
    return out;
  }
  let p = 0;
  for (let y = 0; y < h; y++) for (let x = 0, o = base + y * sv; x < w; x++, o += su) out[p++] = data[o]!;
  return out;
}

/** A typed array of the volume's own type for one slice raster of `length` values. */
export function sliceBufferLike(data: VoxelTypedArray, length: number): VoxelTypedArray {
  const Ctor = data.constructor as new (n: number) => VoxelTypedArray;
  return new Ctor(length);
}

/** Grey level 0…255 of `value` under window/level (the vtk.js mapping, see the module comment). */
export function greyOf(value: number, wl: WindowLevel): number {
  const t = (value - (wl.level - wl.window / 2)) / wl.window;
  return Math.round(Math.min(1, Math.max(0, t)) * 255);
}

/** Opaque RGBA pixel with red = green = blue = `grey`, as a little-endian Uint32 (ImageData's byte order). */
export const greyPixel = (grey: number): number => (0xff000000 | (grey << 16) | (grey << 8) | grey) >>> 0;

/**
 * Lookup table value → RGBA pixel for the 8- and 16-bit types: index = value − offset covers
 * every value of the type. Wider types (32-bit, float) have none and are mapped per pixel.
 */
export interface GreyLut {
  window: number;
  level: number;
  offset: number;
  pixels: Uint32Array;
}

const LUT_RANGE: Partial<Record<string, [number, number]>> = {
  Int8Array: [-128, 256],
  Uint8Array: [0, 256],
  Int16Array: [-32768, 65536],
  Uint16Array: [0, 65536],
};

/** Builds the table for `data`'s type under `wl`, or null for types without one. */
export function greyLut(data: VoxelTypedArray, wl: WindowLevel): GreyLut | null {
  const range = LUT_RANGE[data.constructor.name];
  if (!range) return null;
  const [offset, n] = range;
  const pixels = new Uint32Array(n);
  for (let i = 0; i < n; i++) pixels[i] = greyPixel(greyOf(i + offset, wl));
  return { window: wl.window, level: wl.level, offset, pixels };
}

/** Tables of the last few window/levels (the views of one series share theirs; a compare layout has a few series). */
const cache: GreyLut[] = [];
const CACHE_SIZE = 4;

/** greyLut, built once per type and window/level. */
export function cachedGreyLut(data: VoxelTypedArray, wl: WindowLevel): GreyLut | null {
  const range = LUT_RANGE[data.constructor.name];
  if (!range) return null;
  const hit = cache.findIndex(
    (l) => l.offset === range[0] && l.pixels.length === range[1] && l.window === wl.window && l.level === wl.level,
  );
  if (hit >= 0) return cache[hit]!;
  const lut = greyLut(data, wl)!;
  cache.unshift(lut);
  cache.length = Math.min(cache.length, CACHE_SIZE);
  return lut;
}

/** Writes the grey RGBA pixels of the slice values into `out` (one Uint32 per pixel), through `lut` when there is one. */
export function applyWindow(values: VoxelTypedArray, wl: WindowLevel, lut: GreyLut | null, out: Uint32Array): void {
  if (out.length !== values.length) throw new Error(`Pixel buffer holds ${out.length} pixels, the slice has ${values.length}.`);
  const n = values.length;
  if (lut) {
    const { pixels, offset } = lut;
    for (let p = 0; p < n; p++) out[p] = pixels[values[p]! - offset]!;
    return;
  }
  for (let p = 0; p < n; p++) out[p] = greyPixel(greyOf(values[p]!, wl));
}
