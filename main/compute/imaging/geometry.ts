/**
 * Comparing two voxel grids: do an image and a mask share one geometry?
 *
 * PyRadiomics checks this before extraction (imageoperations.checkMask), through SimpleITK's
 * coordinate/direction tolerances, which its `geometryTolerance` setting overrides. Here the
 * tolerance is physical: two grids of the same size are the same when no voxel centre moves
 * by more than `toleranceMm` between them. The index → physical map is affine, so the largest
 * move is at one of the eight corner voxels; checking them covers origin, spacing and
 * direction differences at once, in the unit a user understands.
 */
import type { Geometry, Vec3 } from './volume.js';
import { indexToPhysical } from './volume.js';

export interface GeometryCheck {
  same: boolean;
  /** Largest distance (mm) between corresponding voxel centres; Infinity if sizes differ. */
  maxDisplacementMm: number;
  /** Largest per-axis differences, for the message. */
  originDifferenceMm: number;
  spacingDifferenceMm: number;
  directionDifference: number;
  /** Empty when `same`; otherwise one sentence naming every difference. */
  message: string;
}

export interface GeometryNames {
  /** How to call the grids in the message, e.g. file names. Default "image" / "mask". */
  a?: string;
  b?: string;
}

const fmt = (v: readonly number[]): string => `(${v.map((x) => +x.toFixed(4)).join(', ')})`;

export function sameGeometry(a: Geometry, b: Geometry, toleranceMm = 1e-3, names: GeometryNames = {}): GeometryCheck {
  const an = names.a ?? 'image';
  const bn = names.b ?? 'mask';
  let originDifferenceMm = 0;
  let spacingDifferenceMm = 0;
  let directionDifference = 0;
  for (let k = 0; k < 3; k++) {
    originDifferenceMm = Math.max(originDifferenceMm, Math.abs(a.originMm[k]! - b.originMm[k]!));
    spacingDifferenceMm = Math.max(spacingDifferenceMm, Math.abs(a.spacingMm[k]! - b.spacingMm[k]!));
  }
  for (let k = 0; k < 9; k++) directionDifference = Math.max(directionDifference, Math.abs(a.direction[k]! - b.direction[k]!));

  const sizeSame = a.size[0] === b.size[0] && a.size[1] === b.size[1] && a.size[2] === b.size[2];
  let maxDisplacementMm = Infinity;
  if (sizeSame) {
    maxDisplacementMm = 0;
    for (let corner = 0; corner < 8; corner++) {
      const i = corner & 1 ? a.size[0] - 1 : 0;
      const j = corner & 2 ? a.size[1] - 1 : 0;
      const k = corner & 4 ? a.size[2] - 1 : 0;
      const p = indexToPhysical(a, i, j, k);
      const q = indexToPhysical(b, i, j, k);
      maxDisplacementMm = Math.max(maxDisplacementMm, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
    }
  }
  const same = sizeSame && maxDisplacementMm <= toleranceMm;
  const problems: string[] = [];
  if (!same) {
    if (!sizeSame) problems.push(`size ${a.size.join('×')} vs ${b.size.join('×')}`);
    if (originDifferenceMm > 0) problems.push(`origin ${fmt(a.originMm)} vs ${fmt(b.originMm)} mm`);
    if (spacingDifferenceMm > 0) problems.push(`spacing ${fmt(a.spacingMm)} vs ${fmt(b.spacingMm)} mm`);
    if (directionDifference > 0) problems.push(`direction differs by up to ${directionDifference.toPrecision(3)}`);
  }
  const moved = Number.isFinite(maxDisplacementMm) ? `; voxel centres move by up to ${maxDisplacementMm.toPrecision(3)} mm` : '';
  return {
    same,
    maxDisplacementMm,
    originDifferenceMm,
    spacingDifferenceMm,
    directionDifference,
    message: same ? '' : `${an} and ${bn} are on different grids: ${problems.join('; ')}${moved} (tolerance ${toleranceMm} mm)`,
  };
}

/** Physical bounding box (LPS mm) of the voxel centres of a grid: [min, max]. */
export function physicalBounds(g: Geometry): [Vec3, Vec3] {
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let corner = 0; corner < 8; corner++) {
    const p = indexToPhysical(g, corner & 1 ? g.size[0] - 1 : 0, corner & 2 ? g.size[1] - 1 : 0, corner & 4 ? g.size[2] - 1 : 0);
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k]!, p[k]!);
      hi[k] = Math.max(hi[k]!, p[k]!);
    }
  }
  return [lo, hi];
}
