/**
 * IBSI 2 mean filter (reference manual, "Mean filter"): the average over a cube (3D) or square
 * (2D, in-plane x–y) of M × M (× M) voxels centred on each voxel, M odd; written as the
 * separable convolution with the box kernel 1/M along each filtered axis.
 */
import { convolveSeparable, type PaddingMode, type Size3 } from './convolution.js';

export interface MeanFilterOptions {
  /** Support M in voxels (odd). IBSI 2 phase 1 uses 15. */
  support: number;
  padding: PaddingMode;
  /** In-plane (x–y) only, slice by slice. */
  by2D: boolean;
}

export function meanFilter(src: Float64Array, size: Size3, options: MeanFilterOptions): Float64Array {
  const m = options.support;
  if (!Number.isInteger(m) || m < 1 || m % 2 === 0)
    throw new Error(`mean filter support must be an odd positive integer, got ${m}`);
  const box = new Float64Array(m).fill(1 / m);
  return convolveSeparable(src, size, [box, box, options.by2D ? null : box], options.padding);
}
