/**
 * Resampling a volume onto another grid (mask → image grid by nearest neighbour; images by
 * trilinear interpolation). The target-index → source-index map is one affine,
 *   M = (D_s·S_s)⁻¹ · (D_t·S_t),  t = (D_s·S_s)⁻¹ · (o_t − o_s),
 * stepped incrementally along i, so there is no per-voxel allocation or matrix product.
 * Sampling follows ITK: a continuous index is inside when −0.5 ≤ x ≤ n − 0.5 (nearest
 * neighbour, rounding halves up like itk::NearestNeighborInterpolateImageFunction) or
 * 0 ≤ x ≤ n − 1 (linear); outside points get `fill`.
 */
import type { Geometry, Vec3, Volume, VoxelArray } from './volume.js';
import { indexToPhysicalAffine, invertMat3, voxelCount } from './volume.js';
import { allocateVoxels, voxelTypeOf } from './voxelTypes.js';

interface IndexMap {
  m: number[];
  t: Vec3;
}

function indexMap(source: Geometry, target: Geometry): IndexMap {
  const s = indexToPhysicalAffine(source);
  const t = indexToPhysicalAffine(target);
  const inv = invertMat3(s.matrix);
  const m: number[] = new Array<number>(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      m[3 * r + c] = inv[3 * r]! * t.matrix[c]! + inv[3 * r + 1]! * t.matrix[3 + c]! + inv[3 * r + 2]! * t.matrix[6 + c]!;
    }
  }
  const d = [t.offset[0] - s.offset[0], t.offset[1] - s.offset[1], t.offset[2] - s.offset[2]];
  return {
    m,
    t: [
      inv[0] * d[0]! + inv[1] * d[1]! + inv[2] * d[2]!,
      inv[3] * d[0]! + inv[4] * d[1]! + inv[5] * d[2]!,
      inv[6] * d[0]! + inv[7] * d[1]! + inv[8] * d[2]!,
    ],
  };
}

function targetVolume(target: Geometry, data: VoxelArray, components: number): Volume {
  const v: Volume = {
    size: [...target.size],
    spacingMm: [...target.spacingMm],
    originMm: [...target.originMm],
    direction: [...target.direction],
    data,
  };
  if (components > 1) v.components = components;
  return v;
}

/** Nearest-neighbour resampling; keeps the voxel type (labels stay labels). */
export function resampleNearest(source: Volume, target: Geometry, fill = 0): Volume {
  const nc = source.components ?? 1;
  const { m, t } = indexMap(source, target);
  const [nx, ny, nz] = target.size;
  const [sx, sy, sz] = source.size;
  const src = source.data;
  const out = allocateVoxels(voxelTypeOf(src), voxelCount(target) * nc);
  if (fill !== 0) out.fill(fill);
  let dst = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      // Source index at i = 0, then add column 0 of M per step in i.
      let x = t[0] + m[1]! * j + m[2]! * k;
      let y = t[1] + m[4]! * j + m[5]! * k;
      let z = t[2] + m[7]! * j + m[8]! * k;
      for (let i = 0; i < nx; i++, dst += nc, x += m[0]!, y += m[3]!, z += m[6]!) {
        const ix = Math.floor(x + 0.5);
        const iy = Math.floor(y + 0.5);
        const iz = Math.floor(z + 0.5);
        if (ix < 0 || iy < 0 || iz < 0 || ix >= sx || iy >= sy || iz >= sz) continue;
        const p = nc * (ix + sx * (iy + sy * iz));
        for (let c = 0; c < nc; c++) out[dst + c] = src[p + c]!;
      }
    }
  }
  return targetVolume(target, out, nc);
}

/** Trilinear resampling into float32 (float64 for float64 input). */
export function resampleLinear(source: Volume, target: Geometry, fill = 0): Volume {
  const nc = source.components ?? 1;
  const { m, t } = indexMap(source, target);
  const [nx, ny, nz] = target.size;
  const [sx, sy, sz] = source.size;
  const src = source.data;
  const out = src instanceof Float64Array ? new Float64Array(voxelCount(target) * nc) : new Float32Array(voxelCount(target) * nc);
  out.fill(fill);
  const eps = 1e-9; // points on the last voxel centre count as inside despite rounding
  const strideY = sx * nc;
  const strideZ = sx * sy * nc;
  let dst = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let x = t[0] + m[1]! * j + m[2]! * k;
      let y = t[1] + m[4]! * j + m[5]! * k;
      let z = t[2] + m[7]! * j + m[8]! * k;
      for (let i = 0; i < nx; i++, dst += nc, x += m[0]!, y += m[3]!, z += m[6]!) {
        if (x < -eps || y < -eps || z < -eps || x > sx - 1 + eps || y > sy - 1 + eps || z > sz - 1 + eps) continue;
        // Lower corner clamped so that a point on the last plane interpolates with weight 1 on it.
        const x0 = Math.min(Math.max(Math.floor(x), 0), Math.max(sx - 2, 0));
        const y0 = Math.min(Math.max(Math.floor(y), 0), Math.max(sy - 2, 0));
        const z0 = Math.min(Math.max(Math.floor(z), 0), Math.max(sz - 2, 0));
        const fx = sx > 1 ? Math.min(Math.max(x - x0, 0), 1) : 0;
        const fy = sy > 1 ? Math.min(Math.max(y - y0, 0), 1) : 0;
        const fz = sz > 1 ? Math.min(Math.max(z - z0, 0), 1) : 0;
        const dx = sx > 1 ? nc : 0;
        const dy = sy > 1 ? strideY : 0;
        const dz = sz > 1 ? strideZ : 0;
        const base = nc * x0 + strideY * y0 + strideZ * z0;
        for (let c = 0; c < nc; c++) {
          const p = base + c;
          const c00 = src[p]! + fx * (src[p + dx]! - src[p]!);
          const c10 = src[p + dy]! + fx * (src[p + dy + dx]! - src[p + dy]!);
          const c01 = src[p + dz]! + fx * (src[p + dz + dx]! - src[p + dz]!);
          const c11 = src[p + dz + dy]! + fx * (src[p + dz + dy + dx]! - src[p + dz + dy]!);
          const c0 = c00 + fy * (c10 - c00);
          const c1 = c01 + fy * (c11 - c01);
          out[dst + c] = c0 + fz * (c1 - c0);
        }
      }
    }
  }
  return targetVolume(target, out, nc);
}
