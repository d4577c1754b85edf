import { describe, expect, it } from 'vitest';
import type { Geometry, Vec3 } from '../../../main/compute/imaging/volume.js';
import {
  inPlane,
  linkStatus,
  mmPerPixel,
  orientationAngleDeg,
  physicalToPixel,
  pixelToPhysical,
  scrollPoint,
  sliceAt,
  type LinkIdentity,
} from '../../../renderer/src/viewer/linking.js';

/**
 * Linking series by physical position. References are worked by hand from the definition of
 * the grid (p = origin + D · diag(spacing) · index, main/compute/imaging/volume.ts) and the
 * radiological view convention (orientation.ts): the numbers are in the comments. The grids
 * are those of the demo's center C1 (T2WI 3 × 3 × 3.5 mm; DWI block-averaged 2× in-plane, so
 * 6 × 6 × 3.5 mm with the origin moved half a T2 voxel, main/compute/demo/mri.ts).
 * Tolerance 1e-9 mm / index (double precision arithmetic, no iteration).
 */
const t2: Geometry = {
  size: [96, 48, 18],
  spacingMm: [3, 3, 3.5],
  originMm: [-144, -72, -30],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};
const dwi: Geometry = {
  size: [48, 24, 18],
  spacingMm: [6, 6, 3.5],
  originMm: [-142.5, -70.5, -30],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};
// A sagittal acquisition: i runs posterior (+y), j inferior (−z), k left (+x).
const sagittal: Geometry = {
  size: [10, 10, 5],
  spacingMm: [1, 2, 4],
  originMm: [0, 0, 0],
  direction: [0, 0, 1, 1, 0, 0, 0, -1, 0],
};
const p: Vec3 = [10, 5, 2];

describe('the slice of another series containing a physical point', () => {
  it('gives each series its own index of the same point (different spacing and origin)', () => {
    // Axial, both series: k = (2 − (−30)) / 3.5 = 9.142857… → 9.
    expect(sliceAt(t2, 'axial', p)).toMatchObject({ axis: 2, index: 9, inside: true });
    expect(sliceAt(t2, 'axial', p).continuous).toBeCloseTo(32 / 3.5, 9);
    expect(sliceAt(dwi, 'axial', p).index).toBe(9);
    // Sagittal: T2 i = (10 + 144) / 3 = 51.33 → 51; DWI i = (10 + 142.5) / 6 = 25.417 → 25.
    expect(sliceAt(t2, 'sagittal', p)).toMatchObject({ axis: 0, index: 51 });
    expect(sliceAt(dwi, 'sagittal', p)).toMatchObject({ axis: 0, index: 25 });
    expect(sliceAt(dwi, 'sagittal', p).continuous).toBeCloseTo(152.5 / 6, 9);
    // Coronal: T2 j = 77 / 3 = 25.67 → 26; DWI j = 75.5 / 6 = 12.58 → 13.
    expect(sliceAt(t2, 'coronal', p).index).toBe(26);
    expect(sliceAt(dwi, 'coronal', p).index).toBe(13);
  });

  it('uses the voxel axis closest to the view normal for an oblique or sagittal acquisition', () => {
    // Axial view of the sagittal grid slices j (−z): j = (8, 3, −6)·(0, 0, −1) / 2 = 3.
    expect(sliceAt(sagittal, 'axial', [8, 3, -6])).toMatchObject({ axis: 1, index: 3 });
    // Sagittal view slices k (+x): k = 8 / 4 = 2.
    expect(sliceAt(sagittal, 'sagittal', [8, 3, -6])).toMatchObject({ axis: 2, index: 2 });
  });

  it('clamps to the end slices and says when the point is outside the series', () => {
    // z = 100: k = 130 / 3.5 = 37.1 > 17.5 → slice 17, outside; z = −31.5: k = −0.43 → 0, inside.
    expect(sliceAt(t2, 'axial', [0, 0, 100])).toMatchObject({ index: 17, inside: false });
    expect(sliceAt(t2, 'axial', [0, 0, -31.5])).toMatchObject({ index: 0, inside: true });
    expect(sliceAt(t2, 'axial', [0, 0, -32])).toMatchObject({ index: 0, inside: false });
  });
});

describe('scrolling by whole slices of one series', () => {
  it('moves the point onto the centre of the target slice along the series axis, keeping the in-plane position', () => {
    // From k = 9.14 (shown 9), +2 → slice 11: z = −30 + 11 · 3.5 = 8.5.
    const q = scrollPoint(t2, 'axial', p, 2);
    expect(q[0]).toBeCloseTo(10, 9);
    expect(q[1]).toBeCloseTo(5, 9);
    expect(q[2]).toBeCloseTo(8.5, 9);
    // The linked DWI shows k = (8.5 + 30) / 3.5 = 11 too; in sagittal, one DWI slice is two T2 slices.
    expect(sliceAt(dwi, 'axial', q).index).toBe(11);
    const s = scrollPoint(dwi, 'sagittal', p, 1);
    // DWI slice 25 + 1 = 26: x = −142.5 + 26 · 6 = 13.5 → T2 i = 157.5 / 3 = 52.5 → 53 (round half up).
    expect(s[0]).toBeCloseTo(13.5, 9);
    expect(sliceAt(t2, 'sagittal', s).index).toBe(53);
    // Clamped at the last slice: k = 17, z = −30 + 59.5 = 29.5.
    expect(scrollPoint(t2, 'axial', p, 100)[2]).toBeCloseTo(29.5, 9);
    // Along a negative axis (sagittal grid, axial view, j runs −z): +1 slice moves 2 mm inferior.
    expect(scrollPoint(sagittal, 'axial', [8, 3, -6], 1)[2]).toBeCloseTo(-8, 9);
  });
});

describe('view pixels and LPS for a parallel camera', () => {
  const cam = { focal: [0, 0, 0] as Vec3, baseScaleMm: 100, zoom: 2 };
  const size: [number, number] = [400, 200];

  it('maps pixels with the radiological convention and back', () => {
    // 2 · (100 / 2) / 200 = 0.5 mm per pixel.
    expect(mmPerPixel(cam, 200)).toBe(0.5);
    // Axial: 100 px right = 50 mm to the patient's left (+x), 50 px up = 25 mm anterior (−y).
    const w = pixelToPhysical(cam, 'axial', size, 300, 50);
    expect(w.map((x) => x + 0)).toEqual([50, -25, 0]);
    expect(physicalToPixel(cam, 'axial', size, w)).toEqual([300, 50]);
    // Sagittal: screen right is posterior (+y), up is head (+z).
    expect(pixelToPhysical(cam, 'sagittal', size, 300, 50).map((x) => x + 0)).toEqual([0, 50, 25]);
    expect(physicalToPixel(cam, 'coronal', size, [-10, 99, 5])).toEqual([180, 90]);
  });

  it('keeps the distance along the view normal when moving within the plane', () => {
    expect(inPlane('axial', [1, 2, 7], [4, 5, 0])).toEqual([4, 5, 7]);
    expect(inPlane('sagittal', [3, 2, 7], [0, 5, 6])).toEqual([3, 5, 6]);
  });
});

describe('which series can be linked', () => {
  const id = (over: Partial<LinkIdentity>): LinkIdentity => ({
    id: 1,
    patientId: 4,
    studyInstanceUid: '1.2.3',
    geometry: t2,
    ...over,
  });
  const rot = (deg: number): Geometry['direction'] => {
    const c = Math.cos((deg * Math.PI) / 180);
    const s = Math.sin((deg * Math.PI) / 180);
    return [c, -s, 0, s, c, 0, 0, 0, 1];
  };

  it('measures the angle between the voxel axes', () => {
    expect(orientationAngleDeg(t2, dwi)).toBe(0);
    expect(orientationAngleDeg(t2, { direction: rot(30) })).toBeCloseTo(30, 9);
    expect(orientationAngleDeg(t2, sagittal)).toBeCloseTo(90, 9);
  });

  it('links series of one exam, flags other orientations, refuses other patients and studies', () => {
    expect(linkStatus(id({}), id({ id: 2, geometry: dwi }))).toEqual({ kind: 'linked' });
    expect(linkStatus(id({}), id({ id: 2, geometry: { ...t2, direction: rot(0.5) } }))).toEqual({ kind: 'linked' });
    const oblique = linkStatus(id({}), id({ id: 2, geometry: { ...t2, direction: rot(20) } }));
    expect(oblique.kind).toBe('oblique');
    expect(oblique.kind === 'oblique' && oblique.angleDeg).toBeCloseTo(20, 9);
    expect(linkStatus(id({}), id({ id: 2, studyInstanceUid: '9.9' }))).toMatchObject({ kind: 'other-frame' });
    expect(linkStatus(id({}), id({ id: 2, patientId: 5 }))).toMatchObject({ kind: 'other-frame' });
    // A series without a recorded DICOM study is taken as of the same exam when the patient matches.
    expect(linkStatus(id({}), id({ id: 2, studyInstanceUid: null }))).toEqual({ kind: 'linked' });
  });
});
