/**
 * Cine of the DCE phases at the slice being edited. The phases are separate series of the exam
 * (one per time point, possibly on other grids than the series open in the editor), so each
 * frame is the phase resampled by nearest neighbour (compute/imaging/resample.ts) onto the
 * one-slice grid of the open series' current slice: every frame shows the same physical slice,
 * at the open series' resolution, whatever the phase's own grid.
 */
import type { Series } from '../../../main/api/contract.js';
import { resampleNearest } from '../../../main/compute/imaging/resample.js';
import { indexToPhysical, type Geometry, type Volume } from '../../../main/compute/imaging/volume.js';
import type { WindowLevel } from './windowLevel.js';

/** The grid of one slice across `axis` of `g`: same spacing and direction, one voxel thick. */
export function sliceGeometry(g: Geometry, axis: 0 | 1 | 2, slice: number): Geometry {
  const at = [0, 0, 0];
  at[axis] = slice;
  const size: Geometry['size'] = [...g.size];
  size[axis] = 1;
  return { size, spacingMm: [...g.spacingMm], originMm: indexToPhysical(g, at[0]!, at[1]!, at[2]!), direction: [...g.direction] };
}

/**
 * One cine frame: the phase's intensities at the voxel centres of slice `slice` of `open`,
 * in-plane order u fastest (the lower of the two other voxel axes, as tools/plane.ts); 0 where
 * the phase does not cover the slice.
 */
export function resliceFrame(phase: Volume, open: Geometry, axis: 0 | 1 | 2, slice: number): Float32Array {
  const frame = resampleNearest(phase, sliceGeometry(open, axis, slice), 0).data;
  return Float32Array.from(frame);
}

/**
 * The DCE phases of the exam of `open` (same patient, same DICOM study where both record one),
 * in acquisition order: phase number, then series number.
 */
export function dcePhasesOf(all: readonly Series[], open: Series): Series[] {
  return all
    .filter(
      (s) =>
        s.kind === 'DCE' &&
        s.patientId !== null &&
        s.patientId === open.patientId &&
        (!s.studyInstanceUid || !open.studyInstanceUid || s.studyInstanceUid === open.studyInstanceUid),
    )
    .sort((a, b) => (a.phase ?? 1e9) - (b.phase ?? 1e9) || (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0) || a.id - b.id);
}

/** Grey RGBA of a frame through a window (level ± window/2 → 0…255), the way the slice views map intensities. */
export function frameRgba(frame: Float32Array, wl: WindowLevel, out: Uint8ClampedArray): void {
  const lo = wl.level - wl.window / 2;
  const scale = 255 / wl.window;
  for (let q = 0; q < frame.length; q++) {
    const grey = (frame[q]! - lo) * scale;
    out[4 * q] = out[4 * q + 1] = out[4 * q + 2] = grey;
    out[4 * q + 3] = 255;
  }
}
