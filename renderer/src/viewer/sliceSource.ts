/**
 * What a slice view draws from: the viewer store (the series being segmented) or another
 * series shown beside it in the compare layout (stores/compare.ts). useSliceView reads only
 * these members, so a compare pane passes its own volume, camera, window/level and crosshair.
 */
import type { Vec3 } from '../../../main/compute/imaging/volume.js';
import type { LoadedVolume, ViewCamera } from '../stores/viewer.js';
import type { ViewId } from './orientation.js';
import type { WindowLevel } from './windowLevel.js';

export interface SliceSource {
  readonly volume: LoadedVolume | null;
  readonly cameras: Readonly<Record<ViewId, ViewCamera>>;
  readonly windowLevel: WindowLevel;
  /** Continuous voxel index of the crosshair (a change moves the slice). */
  readonly crosshairIndex: Vec3;
  axisOf(view: ViewId): 0 | 1 | 2;
  sliceOf(view: ViewId): number;
}

export interface SliceViewOptions {
  /** Default: the viewer store. */
  source?: SliceSource;
  /** Draw the labelmap overlay (default true; only the series being segmented has one). */
  labels?: boolean;
  /** Display of the image between voxel centres: bilinear (default, as the vtk.js views were) or nearest (voxel blocks). */
  interpolation?: 'linear' | 'nearest';
}
