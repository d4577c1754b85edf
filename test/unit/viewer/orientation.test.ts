import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
import {
  ORIENTATIONS,
  halfExtentMm,
  screenRight,
  sliceAxis,
  volumeCentre,
  vtkDirection,
} from '../../../renderer/src/viewer/orientation.js';
import { percentile, presetsFor, windowOf } from '../../../renderer/src/viewer/windowLevel.js';
import { maskOfRuns, runsOf } from '../../../renderer/src/viewer/tools/runs.js';

/**
 * View geometry in LPS and window/level presets. References: radiological display convention
 * (axial from the feet: patient left = +x on screen right, anterior = −y up), numpy.percentile's
 * default linear interpolation (np.percentile([1, 2, 3, 4], 25) = 1.75, 90 → 3.7). Exact up to 1e-12.
 */

const axialGrid: Geometry = {
  size: [10, 8, 4],
  spacingMm: [0.5, 0.5, 3],
  originMm: [-2, 5, 10],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};
// A sagittal acquisition: i runs posterior (+y), j runs inferior (−z), k runs left (+x).
const sagittalGrid: Geometry = {
  size: [6, 6, 3],
  spacingMm: [1, 1, 4],
  originMm: [0, 0, 0],
  direction: [0, 0, 1, 1, 0, 0, 0, -1, 0],
};

describe('slice views in LPS', () => {
  it('puts the patient left on screen right in axial and coronal views, anterior on the left in sagittal', () => {
    // `+ 0` folds the −0 of the cross product into 0.
    const right = (v: keyof typeof ORIENTATIONS) => screenRight(ORIENTATIONS[v]).map((x) => x + 0);
    expect(right('axial')).toEqual([1, 0, 0]);
    expect(right('coronal')).toEqual([1, 0, 0]);
    expect(right('sagittal')).toEqual([0, 1, 0]);
  });

  it('slices the voxel axis closest to each view normal, whatever the acquisition plane', () => {
    expect([sliceAxis(axialGrid, 'axial'), sliceAxis(axialGrid, 'coronal'), sliceAxis(axialGrid, 'sagittal')]).toEqual([2, 1, 0]);
    expect([sliceAxis(sagittalGrid, 'axial'), sliceAxis(sagittalGrid, 'coronal'), sliceAxis(sagittalGrid, 'sagittal')]).toEqual([
      1, 0, 2,
    ]);
  });

  it('hands vtk.js the axis vectors as rows and finds the physical centre and extent', () => {
    expect(vtkDirection(sagittalGrid)).toEqual([0, 1, 0, 0, 0, -1, 1, 0, 0]);
    // Centre: origin + ((n − 1)/2)·spacing along each axis = (−2 + 2.25, 5 + 1.75, 10 + 4.5).
    expect(volumeCentre(axialGrid)).toEqual([0.25, 6.75, 14.5]);
    expect(halfExtentMm(axialGrid, 'axial')).toEqual({ up: 2, right: 2.5 });
    expect(halfExtentMm(axialGrid, 'coronal')).toEqual({ up: 6, right: 2.5 });
  });
});

describe('window/level presets', () => {
  it('uses numpy-style linear percentiles and per-sequence defaults', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(percentile(sorted, 25)).toBeCloseTo(1.75, 12);
    expect(percentile(sorted, 90)).toBeCloseTo(3.7, 12);
    expect(windowOf({ id: 'x', label: 'x', percentiles: [25, 90] }, sorted)).toEqual({
      window: 3.7 - 1.75,
      level: (3.7 + 1.75) / 2,
    });
    expect(windowOf(presetsFor('ADC')[0]!, sorted)).toEqual({ window: 2500, level: 1250 });
    expect(presetsFor('DCE3')[0]!.id).toBe('p0.5-99.8');
    expect(presetsFor('T2FS')[0]!.id).toBe('p1-99');
  });
});

describe('mask run lengths', () => {
  it('round-trips and refuses runs for another grid', () => {
    const mask = Uint8Array.from([0, 1, 1, 0, 0, 1]);
    expect(runsOf(mask)).toEqual([1, 2, 2, 1]);
    expect(Array.from(maskOfRuns([1, 2, 2, 1], 6, 'x'))).toEqual([0, 1, 1, 0, 0, 1]);
    expect(() => maskOfRuns([1, 2, 2, 1], 8, 'The draft')).toThrow(
      'The draft covers 6 voxels, the series grid has 8: it belongs to another grid.',
    );
  });
});
