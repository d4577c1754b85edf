import { describe, expect, it } from 'vitest';
import { interleaveComponents, planarComponents, volumeComponent } from '../../../main/compute/imaging/components.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';

describe('component layouts', () => {
  // Planar data: component c, voxel v holds 10·c + v (3 components × 4 voxels).
  const planar = new Int16Array([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
  const interleaved = [0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23];

  it('planar ↔ interleaved are inverse reorderings', () => {
    const inter = interleaveComponents(planar, [4, 3], 1);
    expect(Array.from(inter)).toEqual(interleaved);
    expect(inter).toBeInstanceOf(Int16Array);
    expect(Array.from(planarComponents(inter, 3))).toEqual(Array.from(planar));
  });

  it('volumeComponent extracts one phase with the grid of the volume', () => {
    const vol: Volume = {
      size: [2, 2, 1],
      spacingMm: [1, 2, 3],
      originMm: [4, 5, 6],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      data: Int16Array.from(interleaved),
      components: 3,
    };
    const phase = volumeComponent(vol, 2);
    expect(Array.from(phase.data)).toEqual([20, 21, 22, 23]);
    expect(phase.components).toBeUndefined();
    expect(phase.originMm).toEqual([4, 5, 6]);
    expect(() => volumeComponent(vol, 3)).toThrow('component 3 does not exist: the volume has 3');
  });
});
