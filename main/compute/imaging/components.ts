/**
 * Layout changes between planar storage (one whole volume per component, e.g. NIfTI 4D time
 * series or an NRRD list axis stored last) and the interleaved layout of Volume.components
 * (component fastest: offset = c + components · voxelIndex, as ITK VectorImage stores it).
 */
import type { Volume, VoxelArray } from './volume.js';
import { allocateVoxels, voxelTypeOf } from './voxelTypes.js';

/**
 * Moves axis `axis` of data stored axis-0-fastest with `sizes` to the fastest position.
 * With `axis` = last this converts planar → interleaved.
 */
export function interleaveComponents(data: VoxelArray, sizes: readonly number[], axis: number): VoxelArray {
  let before = 1;
  for (let a = 0; a < axis; a++) before *= sizes[a]!;
  const nc = sizes[axis]!;
  let after = 1;
  for (let a = axis + 1; a < sizes.length; a++) after *= sizes[a]!;
  const out = allocateVoxels(voxelTypeOf(data), data.length);
  let src = 0;
  for (let b = 0; b < after; b++) {
    for (let c = 0; c < nc; c++) {
      let dst = c + nc * before * b;
      for (let a = 0; a < before; a++, src++, dst += nc) out[dst] = data[src]!;
    }
  }
  return out;
}

/** Interleaved (component fastest) → planar (component slowest), for `components` per voxel. */
export function planarComponents(data: VoxelArray, components: number): VoxelArray {
  const n = data.length / components;
  const out = allocateVoxels(voxelTypeOf(data), data.length);
  for (let c = 0; c < components; c++) {
    const base = c * n;
    for (let v = 0, src = c; v < n; v++, src += components) out[base + v] = data[src]!;
  }
  return out;
}

/** One component of an interleaved volume's data as its own scalar array. */
export function componentData(data: VoxelArray, components: number, component: number): VoxelArray {
  const n = data.length / components;
  const out = allocateVoxels(voxelTypeOf(data), n);
  for (let v = 0, src = component; v < n; v++, src += components) out[v] = data[src]!;
  return out;
}

/** Component `component` of a multi-component volume as a scalar volume on the same grid. */
export function volumeComponent(volume: Volume, component: number): Volume {
  const nc = volume.components ?? 1;
  if (!Number.isInteger(component) || component < 0 || component >= nc) {
    throw new RangeError(`component ${component} does not exist: the volume has ${nc}`);
  }
  return {
    size: [...volume.size],
    spacingMm: [...volume.spacingMm],
    originMm: [...volume.originMm],
    direction: [...volume.direction],
    data: nc === 1 ? volume.data.slice() : componentData(volume.data, nc, component),
  };
}
