/**
 * The `diagnostics_Image-original_*` and `diagnostics_Mask-original_*` entries of a PyRadiomics
 * result (radiomics/generalinfo.py, `addImageElements` / `addMaskElements`), computed on the
 * volumes as read from the files, before any preprocessing.
 *
 * - Hash: SHA-1 of the voxel buffer (SimpleITK `Hash`); the mask is hashed as uint32, the type
 *   PyRadiomics casts masks to.
 * - BoundingBox: `(Lx, Ly, Lz, Sx, Sy, Sz)` of the label's voxels (lower corner, size).
 * - VolumeNum: connected components of the label (SimpleITK ConnectedComponent, full
 *   connectivity: 26 neighbours in 3D).
 * - CenterOfMassIndex: mean voxel index of the label (scipy.ndimage.center_of_mass) as (x, y, z);
 *   CenterOfMass: that continuous index in physical (LPS, mm) coordinates.
 */
import { createHash } from 'node:crypto';
import type { Volume } from '../imaging/volume.js';
import { indexToPhysical } from '../imaging/volume.js';
import { pyFloat, pyTuple } from './batchCsv.js';
import { kernels } from './native.js';

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array];
const isIntegerData = (v: Volume): boolean => INTEGER_ARRAYS.some((T) => v.data instanceof T);
const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function dimensionality(v: Volume): string {
  return `${v.size[2] > 1 ? 3 : v.size[1] > 1 ? 2 : 1}D`;
}

/** Minimum, maximum and sum of integer voxels, summed in blocks (exact: integer partial sums). */
function integerStats(d: Volume['data']): { min: number; max: number; sum: number } {
  const n = d.length;
  const k = kernels();
  if (k && n > 0) {
    const out = new Float64Array(3);
    k.integerStats(d, out);
    return { min: out[0]!, max: out[1]!, sum: out[2]! };
  }
  let min = n > 0 ? d[0]! : Infinity;
  let max = n > 0 ? d[0]! : -Infinity;
  let sum = 0;
  for (let b = 0; b < n; b += 4096) {
    const e = Math.min(n, b + 4096);
    let s = 0;
    for (let i = b; i < e; i++) {
      const x = d[i]!;
      if (x < min) min = x;
      else if (x > max) max = x;
      s += x;
    }
    sum += s;
  }
  return { min, max, sum };
}

function floatStats(d: ArrayLike<number>): { min: number; max: number; sum: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    const x = d[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  return { min, max, sum };
}

export function imageDiagnostics(image: Volume, prefix = 'diagnostics_Image-original'): Record<string, string> {
  const d = image.data;
  const ints = isIntegerData(image);
  const { min, max, sum } = ints ? integerStats(d) : floatStats(d);
  return {
    [`${prefix}_Hash`]: createHash('sha1').update(bytesOf(d)).digest('hex'),
    [`${prefix}_Dimensionality`]: dimensionality(image),
    [`${prefix}_Spacing`]: pyTuple(image.spacingMm),
    [`${prefix}_Size`]: pyTuple(image.size, true),
    [`${prefix}_Mean`]: pyFloat(sum / d.length),
    [`${prefix}_Minimum`]: ints ? String(min) : pyFloat(min),
    [`${prefix}_Maximum`]: ints ? String(max) : pyFloat(max),
  };
}

/**
 * Number of 26-connected components of the voxels where `labelMap` is 1 (x fastest). The map is
 * used as the visited marks, so it is all 0 afterwards.
 */
export function countComponents(labelMap: Uint8Array, size: readonly [number, number, number]): number {
  const [nx, ny, nz] = size;
  const nxy = nx * ny;
  const stack = new Int32Array(labelMap.length);
  let count = 0;
  for (let start = 0; start < labelMap.length; start++) {
    if (!labelMap[start]) continue;
    count++;
    let top = 0;
    stack[top++] = start;
    labelMap[start] = 0;
    while (top > 0) {
      const p = stack[--top]!;
      const z = (p / nxy) | 0;
      const y = ((p - z * nxy) / nx) | 0;
      const x = p - z * nxy - y * nx;
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < nx - 1 ? x + 1 : x;
      for (let zz = z > 0 ? z - 1 : 0; zz <= z + 1 && zz < nz; zz++) {
        for (let yy = y > 0 ? y - 1 : 0; yy <= y + 1 && yy < ny; yy++) {
          for (let xx = x0, q = x0 + nx * (yy + ny * zz); xx <= x1; xx++, q++) {
            if (labelMap[q]) {
              labelMap[q] = 0;
              stack[top++] = q;
            }
          }
        }
      }
    }
  }
  return count;
}

/** The mask's values as uint32 bytes (what SimpleITK hashes after PyRadiomics' cast). */
function uint32Bytes(data: Volume['data']): Uint8Array {
  // Int32 → uint32 keeps the bit pattern, so those bytes are hashed as they are.
  if (data instanceof Uint32Array || data instanceof Int32Array) return bytesOf(data);
  // TypedArray.prototype.set converts each element with ToUint32, as `>>> 0` does (−1 → 2³² − 1,
  // fractions truncated), natively instead of in a JS loop over every voxel of the map.
  const out = new Uint32Array(data.length);
  out.set(data);
  return bytesOf(out);
}

/**
 * Mask entries for `label` (component `labelChannel` of a multi-component mask). Returns the
 * voxel count too, so a caller can tell an absent label without a second pass.
 */
export function maskDiagnostics(
  mask: Volume,
  label: number,
  labelChannel = 0,
  prefix = 'diagnostics_Mask-original',
): { entries: Record<string, string>; voxelCount: number } {
  const [nx, ny, nz] = mask.size;
  const comps = mask.components ?? 1;
  const channel = Math.min(labelChannel, comps - 1);
  const data = mask.data;
  let count = 0;
  let sx = 0;
  let sy = 0;
  let sz = 0;
  let x0 = nx;
  let y0 = ny;
  let z0 = nz;
  let x1 = -1;
  let y1 = -1;
  let z1 = -1;
  // One linear pass; coordinates are worked out only for the (few) label voxels. A scalar mask
  // is scanned with TypedArray.indexOf (native, far faster than a JS loop over a sparse map).
  const nxy = nx * ny;
  const n = nxy * nz;
  const visit = (p: number) => {
    const z = (p / nxy) | 0;
    const y = ((p - z * nxy) / nx) | 0;
    const x = p - z * nxy - y * nx;
    count++;
    sx += x;
    sy += y;
    sz += z;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  };
  if (comps === 1) {
    for (let p = data.indexOf(label); p >= 0; p = data.indexOf(label, p + 1)) visit(p);
  } else {
    for (let p = 0, idx = channel; p < n; p++, idx += comps) if (data[idx] === label) visit(p);
  }
  const entries: Record<string, string> = {
    [`${prefix}_Hash`]: createHash('sha1').update(uint32Bytes(mask.data)).digest('hex'),
    [`${prefix}_Spacing`]: pyTuple(mask.spacingMm),
    [`${prefix}_Size`]: pyTuple(mask.size, true),
  };
  if (count > 0) {
    const com: [number, number, number] = [sx / count, sy / count, sz / count];
    entries[`${prefix}_BoundingBox`] = pyTuple([x0, y0, z0, x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1], true);
    entries[`${prefix}_VoxelNum`] = String(count);
    // Components are found in the label's bounding box only.
    const box: [number, number, number] = [x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1];
    const local = new Uint8Array(box[0] * box[1] * box[2]);
    for (let z = z0, l = 0; z <= z1; z++) {
      for (let y = y0; y <= y1; y++) {
        for (let x = x0, p = x0 + nx * (y + ny * z); x <= x1; x++, p++, l++)
          local[l] = data[p * comps + channel] === label ? 1 : 0;
      }
    }
    entries[`${prefix}_VolumeNum`] = String(countComponents(local, box));
    entries[`${prefix}_CenterOfMassIndex`] = pyTuple(com);
    entries[`${prefix}_CenterOfMass`] = pyTuple(indexToPhysical(mask, com[0], com[1], com[2]));
  } else {
    entries[`${prefix}_VoxelNum`] = '0';
  }
  return { entries, voxelCount: count };
}
