import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDicomSeries } from '../../../main/compute/imaging/dicom/readDicom.js';
import { ImageFormatError } from '../../../main/compute/imaging/imageFormatError.js';
import { readNifti } from '../../../main/compute/imaging/nifti.js';
import { dice, findRoi, rasterizeRoi, readRtStruct } from '../../../main/compute/imaging/rtstruct.js';
import type { RtRoi } from '../../../main/compute/imaging/rtstruct.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
import { mrSlice } from '../imaging/dicomFixture.js';
import { readReference, referencePath } from '../imaging/referenceData.js';

// The CT phantom is CC BY-NC: read in place for this test only, never copied or shipped.
describe('RTSTRUCT rasterization vs the IBSI-1 CT phantom mask', () => {
  it('GTV-1 of DCM_RS_00060.dcm on the DICOM image grid matches nifti/mask/mask.nii.gz with Dice ≥ 0.99', async () => {
    const dir = referencePath('ibsi', 'ibsi1_ct_phantom', 'dicom', 'image');
    const inputs = readdirSync(dir)
      .filter((n) => n.endsWith('.dcm'))
      .map((name) => ({ name, bytes: new Uint8Array(readFileSync(`${dir}/${name}`)) }));
    const image = (await readDicomSeries(inputs)).series[0]!.volume;
    const set = readRtStruct(readReference('ibsi', 'ibsi1_ct_phantom', 'dicom', 'mask', 'DCM_RS_00060.dcm'), 'DCM_RS_00060.dcm');
    expect(set.rois.map((r) => r.name)).toEqual(['GTV-1']);
    const { mask, warnings } = rasterizeRoi(findRoi(set, 'GTV-1'), image);
    expect(warnings).toEqual([]);
    const reference = readNifti(readReference('ibsi', 'ibsi1_ct_phantom', 'nifti', 'mask', 'mask.nii.gz')).volume;
    expect(reference.size).toEqual(image.size);
    // Reference: the IBSI NIfTI mask (same grid as the image, checked by the reader tests).
    // Tolerance: the issue requires Dice ≥ 0.99; measured 1.0 (identical voxel sets).
    const d = dice(mask, reference.data);
    expect(d).toBeGreaterThanOrEqual(0.99);
    let inside = 0;
    for (const v of mask) inside += v;
    let refInside = 0;
    for (const v of reference.data) refInside += v !== 0 ? 1 : 0;
    expect(Math.abs(inside - refInside) / refInside).toBeLessThan(0.01);
    console.info(`RTSTRUCT GTV-1 vs mask.nii.gz: Dice ${d.toFixed(6)}, ${inside} vs ${refInside} voxels`);
  });
});

describe('RTSTRUCT rasterization (synthetic contours, exact counts)', () => {
  const grid: Geometry = { size: [10, 10, 2], spacingMm: [1, 1, 2], originMm: [0, 0, 0], direction: IDENTITY_DIRECTION };
  const square = (x0: number, y0: number, x1: number, y1: number, z: number): Float64Array =>
    Float64Array.from([x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z]);

  it('fills voxel centres inside a square; a nested square is a hole (even–odd)', () => {
    // Outer square 1.5..7.5 holds centres 2..7 (6×6 = 36); inner 3.5..5.5 holds 4..5 (2×2 = 4).
    const roi: RtRoi = {
      number: 1,
      name: 'ring',
      contours: [
        { type: 'CLOSED_PLANAR', points: square(1.5, 1.5, 7.5, 7.5, 2) },
        { type: 'CLOSED_PLANAR', points: square(3.5, 3.5, 5.5, 5.5, 2) },
      ],
    };
    const { mask } = rasterizeRoi(roi, grid);
    const count = (k: number): number => mask.slice(k * 100, (k + 1) * 100).reduce((a, b) => a + b, 0);
    expect(count(0)).toBe(0);
    expect(count(1)).toBe(36 - 4);
    expect(mask[100 + 4 * 10 + 4]).toBe(0);
    expect(mask[100 + 2 * 10 + 2]).toBe(1);
  });

  it('ignores contours off the grid or not closed, with a warning naming the ROI', () => {
    const roi: RtRoi = {
      number: 2,
      name: 'odd',
      contours: [
        { type: 'CLOSED_PLANAR', points: square(1, 1, 3, 3, 50) },
        { type: 'POINT', points: Float64Array.from([1, 1, 0]) },
      ],
    };
    const { mask, warnings } = rasterizeRoi(roi, grid);
    expect(mask.every((v) => v === 0)).toBe(true);
    expect(warnings.join(' ')).toMatch(/ROI "odd": 1 contour\(s\) that are not CLOSED_PLANAR/);
    expect(warnings.join(' ')).toMatch(/outside the image grid/);
  });

  it('a file that is not an RT Structure Set is refused, naming the file', () => {
    const bytes = mrSlice({ position: [0, 0, 0], pixels: [1, 2, 3, 4, 5, 6] });
    expect(() => readRtStruct(bytes, 'image.dcm')).toThrow(ImageFormatError);
    expect(() => readRtStruct(bytes, 'image.dcm')).toThrow(/^image\.dcm: not an RT Structure Set/);
  });

  it('findRoi names the ROIs a file holds when the one asked for is missing', () => {
    const set = { source: 'rs.dcm', frameOfReferenceUid: undefined, rois: [{ number: 1, name: 'GTV-1', contours: [] }] };
    expect(() => findRoi(set, 'CTV')).toThrow(/rs\.dcm: has no ROI "CTV"; it holds 1 "GTV-1"/);
  });
});
