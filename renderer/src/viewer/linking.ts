/**
 * Linking several series by physical position (LPS mm, volume.ts): the slice of another series
 * that contains a point, scrolling by whole slices of one series, view pixels ↔ LPS for a
 * parallel camera (orientation.ts), and whether two series can be linked at all.
 *
 * The slice shown in a view is the voxel axis closest to the view's normal (orientation.ts
 * sliceAxis); the index of a point along it is physicalToIndex (exact for oblique grids),
 * rounded to the nearest slice centre and clamped to the series. Series of one exam have
 * different spacing and extent, so the same point has different indices in each: the link is
 * the point, never the index.
 */
import { physicalToIndex, type Geometry, type Vec3 } from '../../../main/compute/imaging/volume.js';
import { axisVector, dot, ORIENTATIONS, screenRight, sliceAxis, type ViewId } from './orientation.js';

export interface SliceAt {
  /** Voxel axis the view slices (0 = i, 1 = j, 2 = k). */
  axis: 0 | 1 | 2;
  /** Continuous index of the point along that axis. */
  continuous: number;
  /** The slice shown: round(continuous) clamped to 0 … size − 1. */
  index: number;
  /** Whether the point lies within the series' slab along the axis (half a voxel beyond the end slices). */
  inside: boolean;
}

/** The slice of `g` a view (axial, coronal, sagittal) shows for the physical point `p`. */
export function sliceAt(g: Geometry, view: ViewId, p: Vec3): SliceAt {
  const axis = sliceAxis(g, view);
  const continuous = physicalToIndex(g, p[0], p[1], p[2])[axis];
  const n = g.size[axis];
  const index = Math.min(n - 1, Math.max(0, Math.round(continuous)));
  return { axis, continuous, index, inside: continuous >= -0.5 && continuous <= n - 0.5 };
}

/**
 * The point after scrolling `steps` slices of `g` in a view from `p`: moved along the slice
 * axis onto the centre of slice (current + steps), clamped to the series; the in-plane
 * position is kept. Another series linked to the point then shows its slice nearest to it.
 */
export function scrollPoint(g: Geometry, view: ViewId, p: Vec3, steps: number): Vec3 {
  const { axis, continuous, index } = sliceAt(g, view, p);
  const target = Math.min(g.size[axis] - 1, Math.max(0, index + steps));
  const mm = (target - continuous) * g.spacingMm[axis];
  const d = axisVector(g, axis);
  return [p[0] + d[0] * mm, p[1] + d[1] * mm, p[2] + d[2] * mm];
}

/** A parallel camera as the viewer store keeps it: focal point (LPS), half height at zoom 1 (mm), zoom. */
export interface CameraLike {
  focal: Vec3;
  baseScaleMm: number;
  zoom: number;
}

/** Millimetres per view pixel: the parallel scale is half the view height. */
export function mmPerPixel(c: CameraLike, heightPx: number): number {
  return (2 * (c.baseScaleMm / c.zoom)) / heightPx;
}

/** View pixel (x right, y down, origin top-left) → LPS point in the view's focal plane. */
export function pixelToPhysical(c: CameraLike, view: ViewId, size: readonly [number, number], x: number, y: number): Vec3 {
  const o = ORIENTATIONS[view];
  const r = screenRight(o);
  const u = o.viewUp;
  const s = mmPerPixel(c, size[1]);
  const a = (x - size[0] / 2) * s;
  const b = (size[1] / 2 - y) * s;
  return [c.focal[0] + r[0] * a + u[0] * b, c.focal[1] + r[1] * a + u[1] * b, c.focal[2] + r[2] * a + u[2] * b];
}

/** LPS point → view pixel (its projection onto the view plane). */
export function physicalToPixel(c: CameraLike, view: ViewId, size: readonly [number, number], p: Vec3): [number, number] {
  const o = ORIENTATIONS[view];
  const s = mmPerPixel(c, size[1]);
  const d: Vec3 = [p[0] - c.focal[0], p[1] - c.focal[1], p[2] - c.focal[2]];
  return [size[0] / 2 + dot(d, screenRight(o)) / s, size[1] / 2 - dot(d, o.viewUp) / s];
}

/** The point moved within the view's plane onto `w`, keeping its distance along the view normal (the slice). */
export function inPlane(view: ViewId, p: Vec3, w: Vec3): Vec3 {
  const n = ORIENTATIONS[view].direction;
  const off = dot([p[0] - w[0], p[1] - w[1], p[2] - w[2]], n);
  return [w[0] + n[0] * off, w[1] + n[1] * off, w[2] + n[2] * off];
}

/**
 * Largest angle (degrees) between corresponding voxel axes of two grids, each axis compared up
 * to sign. 0 for series acquired in the same orientation; a sagittal acquisition against an
 * axial one gives 90.
 */
export function orientationAngleDeg(a: Pick<Geometry, 'direction'>, b: Pick<Geometry, 'direction'>): number {
  let worst = 0;
  for (let axis = 0; axis < 3; axis++) {
    const va = axisVector(a, axis);
    const vb = axisVector(b, axis);
    const c = Math.abs(dot(va, vb)) / Math.sqrt(dot(va, va) * dot(vb, vb));
    worst = Math.max(worst, (Math.acos(Math.min(1, c)) * 180) / Math.PI);
  }
  return worst;
}

/** What a series needs to be linked: its patient and DICOM study (the frame of reference of one exam). */
export interface LinkIdentity {
  id: number;
  patientId: number | null;
  studyInstanceUid: string | null;
  geometry: Geometry;
}

export type LinkStatus =
  | { kind: 'linked' }
  /** Same exam, other orientation: linked by position, the slice shown is the series' own axis closest to the view. */
  | { kind: 'oblique'; angleDeg: number }
  /** Another patient or DICOM study: positions are not comparable, the pane is not linked. */
  | { kind: 'other-frame'; reason: string };

/** Tolerance for "same orientation": 1° between voxel axes (a slightly tilted stack is still linked as usual). */
export const SAME_ORIENTATION_DEG = 1;

/**
 * Whether `other` can be linked to `active` by physical position. The series table records the
 * DICOM study, not the FrameOfReferenceUID, so one patient's series of one DICOM study are taken
 * to share the scanner frame of reference (as for the DCE cine); other patients or other studies
 * (another day, another scanner) are refused.
 */
export function linkStatus(active: LinkIdentity, other: LinkIdentity): LinkStatus {
  if (active.patientId === null || other.patientId !== active.patientId)
    return { kind: 'other-frame', reason: `series #${other.id} is not of the same patient as series #${active.id}` };
  if (active.studyInstanceUid && other.studyInstanceUid && active.studyInstanceUid !== other.studyInstanceUid)
    return {
      kind: 'other-frame',
      reason: `series #${other.id} belongs to another DICOM study (another exam, so another frame of reference) than series #${active.id}`,
    };
  const angleDeg = orientationAngleDeg(active.geometry, other.geometry);
  return angleDeg > SAME_ORIENTATION_DEG ? { kind: 'oblique', angleDeg } : { kind: 'linked' };
}
