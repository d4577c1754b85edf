/**
 * The three slice views in patient coordinates (LPS, as DICOM and volume.ts): which way each
 * view looks, which way is up, and which voxel axis of a series is sliced in it. Radiological
 * convention: axial seen from the feet (patient's left on screen right, anterior up), coronal
 * seen from the front (left on the right, head up), sagittal seen from the patient's left
 * (anterior on the left, head up). A camera's screen-right is direction × viewUp.
 */
import type { Geometry, Vec3 } from '../../../main/compute/imaging/volume.js';

export type ViewId = 'axial' | 'coronal' | 'sagittal';
export const VIEW_IDS: readonly ViewId[] = ['axial', 'coronal', 'sagittal'];

export interface ViewOrientation {
  /** Direction of projection (from the camera into the scene), LPS. */
  direction: Vec3;
  viewUp: Vec3;
  label: string;
}

export const ORIENTATIONS: Record<ViewId, ViewOrientation> = {
  axial: { direction: [0, 0, 1], viewUp: [0, -1, 0], label: 'Axial' },
  coronal: { direction: [0, 1, 0], viewUp: [0, 0, 1], label: 'Coronal' },
  sagittal: { direction: [-1, 0, 0], viewUp: [0, 0, 1], label: 'Sagittal' },
};

export const dot = (a: readonly number[], b: readonly number[]): number => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
export const cross = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

export function screenRight(o: ViewOrientation): Vec3 {
  return cross(o.direction, o.viewUp);
}

/** Column `axis` of the direction matrix: the LPS direction of voxel axis i, j or k. */
export function axisVector(g: Pick<Geometry, 'direction'>, axis: number): Vec3 {
  const d = g.direction;
  return [d[axis]!, d[3 + axis]!, d[6 + axis]!];
}

/** The voxel axis closest to the view's normal: the one a 2D tool and the slice index use. */
export function sliceAxis(g: Pick<Geometry, 'direction'>, view: ViewId): 0 | 1 | 2 {
  const n = ORIENTATIONS[view].direction;
  let best: 0 | 1 | 2 = 0;
  let bestDot = -1;
  for (const a of [0, 1, 2] as const) {
    const c = Math.abs(dot(axisVector(g, a), n));
    if (c > bestDot) {
      bestDot = c;
      best = a;
    }
  }
  return best;
}

/** vtk.js stores the direction with the axis vectors as rows; volume.ts as columns. */
export function vtkDirection(g: Pick<Geometry, 'direction'>): number[] {
  const d = g.direction;
  return [d[0], d[3], d[6], d[1], d[4], d[7], d[2], d[5], d[8]];
}

/** Physical centre of the volume (centre of its voxel box). */
export function volumeCentre(g: Geometry): Vec3 {
  const c: Vec3 = [...g.originMm];
  for (let a = 0; a < 3; a++) {
    const v = axisVector(g, a);
    const half = ((g.size[a]! - 1) * g.spacingMm[a]!) / 2;
    for (let x = 0; x < 3; x++) c[x] += v[x]! * half;
  }
  return c;
}

/** Half the extent of the volume seen in a view, in mm (the initial parallel scale). */
export function halfExtentMm(g: Geometry, view: ViewId): { up: number; right: number } {
  const o = ORIENTATIONS[view];
  const r = screenRight(o);
  let up = 0;
  let right = 0;
  for (let a = 0; a < 3; a++) {
    const v = axisVector(g, a);
    const len = g.size[a]! * g.spacingMm[a]!;
    up += Math.abs(dot(v, o.viewUp)) * len;
    right += Math.abs(dot(v, r)) * len;
  }
  return { up: up / 2, right: right / 2 };
}
