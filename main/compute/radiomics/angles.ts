/**
 * Neighbour offsets ("angles") as PyRadiomics' C extension generates them
 * (cmatrices.c `get_angle_count` / `build_angles`), in the same order, so per-angle matrices
 * line up with PyRadiomics' (e.g. its texture-matrix baselines).
 *
 * Offsets are (dz, dy, dx) — numpy axis order, axis 0 = z — with infinity-norm distance in
 * `distances`. Combinations are enumerated with the last axis fastest and each offset running
 * from +d down to −d; offsets reaching past the crop's size, and (with force2D) any movement
 * along `force2Ddimension`, are skipped. Without `bidirectional` only the first half is kept
 * (13 angles in 3D for d = 1): the mirrored half is implied by symmetry.
 */
import type { Vec3 } from '../imaging/volume.js';

export interface Angles {
  /** Number of angles. */
  count: number;
  /** (dz, dy, dx) per angle, flat. */
  zyx: Int32Array;
}

/** `sizeXyz` is the crop size (nx, ny, nz); `force2Ddimension` is a numpy axis (0 = z) or −1. */
export function generateAngles(
  sizeXyz: Vec3,
  distances: readonly number[],
  bidirectional: boolean,
  force2Ddimension: number,
): Angles {
  const size = [sizeXyz[2], sizeXyz[1], sizeXyz[0]];
  // Number of angles: for each distance d, (2d+1)^n − (2d−1)^n over the usable axes.
  let na = 0;
  for (const d of distances) {
    let full = 1;
    let inner = 1;
    for (let axis = 0; axis < 3; axis++) {
      if (axis === force2Ddimension) continue;
      if (d < size[axis]!) {
        full *= 2 * d + 1;
        inner *= 2 * d - 1;
      } else {
        full *= 2 * (size[axis]! - 1) + 1;
        inner *= 2 * (size[axis]! - 1) + 1;
      }
    }
    na += full - inner;
  }
  if (!bidirectional) na = Math.floor(na / 2);
  const maxD = Math.max(...distances);
  const nOff = 2 * maxD + 1;
  const stride = [nOff * nOff, nOff, 1];
  const zyx = new Int32Array(na * 3);
  let a = 0;
  const cur = [0, 0, 0];
  for (let gen = 0; a < na; gen++) {
    let dist = 0;
    for (let axis = 0; axis < 3; axis++) {
      const off = maxD - (Math.floor(gen / stride[axis]!) % nOff);
      if ((axis === force2Ddimension && off !== 0) || off >= size[axis]! || off <= -size[axis]!) {
        dist = -1;
        break;
      }
      cur[axis] = off;
      dist = Math.max(dist, Math.abs(off));
    }
    if (dist < 1 || !distances.includes(dist)) continue;
    zyx[a * 3] = cur[0]!;
    zyx[a * 3 + 1] = cur[1]!;
    zyx[a * 3 + 2] = cur[2]!;
    a++;
  }
  return { count: na, zyx };
}
