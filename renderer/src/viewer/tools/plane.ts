/**
 * One slice of the labelmap across a voxel axis, addressed by in-plane coordinates (u, w): the
 * two other voxel axes in increasing order (axis 2 → u = i, w = j). Index math of the
 * slice-based tools (interpolation, contour fill) is written here once.
 */
import type { SliceAxis, Vec3 } from './grid.js';

export interface Plane {
  axis: SliceAxis;
  /** The voxel axes along u and w. */
  uAxis: 0 | 1 | 2;
  wAxis: 0 | 1 | 2;
  nu: number;
  nw: number;
  /** Spacing (mm) along u and w. */
  su: number;
  sw: number;
  /** Offset step (in the volume) of one voxel along u, w and across slices. */
  strideU: number;
  strideW: number;
  strideSlice: number;
  slices: number;
}

export function planeOf(size: Vec3, spacingMm: Vec3, axis: SliceAxis): Plane {
  const [uAxis, wAxis] = ([0, 1, 2] as const).filter((a) => a !== axis) as [0 | 1 | 2, 0 | 1 | 2];
  const stride = [1, size[0], size[0] * size[1]];
  return {
    axis,
    uAxis,
    wAxis,
    nu: size[uAxis],
    nw: size[wAxis],
    su: spacingMm[uAxis],
    sw: spacingMm[wAxis],
    strideU: stride[uAxis]!,
    strideW: stride[wAxis]!,
    strideSlice: stride[axis]!,
    slices: size[axis],
  };
}

/** Volume offset of in-plane voxel (u, w) on slice `slice`. */
export function planeOffset(p: Plane, slice: number, u: number, w: number): number {
  return slice * p.strideSlice + u * p.strideU + w * p.strideW;
}
