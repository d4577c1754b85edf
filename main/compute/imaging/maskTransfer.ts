/**
 * Copying a lesion mask from one series to another series of the same exam (T2 → DCE phase,
 * → ADC): each target voxel centre is mapped index → physical (LPS mm) on the target grid,
 * physical → index on the source grid, and takes the label of the nearest source voxel
 * (resample.ts resampleNearest, ITK's nearest-neighbour rule). Both series must be in the
 * scanner's patient frame, which DICOM guarantees within one exam (same Frame of Reference);
 * no registration is attempted, so patient motion between series is copied as is.
 */
import { resampleNearest } from './resample.js';
import { voxelCount, type Geometry } from './volume.js';

export interface MaskTransfer {
  /** The mask on the target grid, with the source's label values (0/1 for a binary mask). */
  mask: Uint8Array;
  /** Labelled voxels on the source and on the target grid. */
  sourceVoxels: number;
  targetVoxels: number;
  /** Physical volumes (mm³): the two differ by the resampling error only. */
  sourceVolumeMm3: number;
  targetVolumeMm3: number;
}

const voxelVolume = (g: Geometry): number => g.spacingMm[0] * g.spacingMm[1] * g.spacingMm[2];

export function transferMask(mask: Uint8Array, source: Geometry, target: Geometry): MaskTransfer {
  if (mask.length !== voxelCount(source))
    throw new Error(`the mask has ${mask.length} voxels, its grid ${source.size.join('×')} has ${voxelCount(source)}`);
  let sourceVoxels = 0;
  for (let v = 0; v < mask.length; v++) if (mask[v] !== 0) sourceVoxels++;
  // Nearest neighbour copies label values as they are, so several labels keep their values.
  const out = resampleNearest({ ...source, data: mask }, target).data as Uint8Array;
  let targetVoxels = 0;
  for (let v = 0; v < out.length; v++) if (out[v] !== 0) targetVoxels++;
  return {
    mask: out,
    sourceVoxels,
    targetVoxels,
    sourceVolumeMm3: sourceVoxels * voxelVolume(source),
    targetVolumeMm3: targetVoxels * voxelVolume(target),
  };
}
