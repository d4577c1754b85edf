/**
 * Image/mask geometry agreement, explained in words.
 *
 * PyRadiomics relies on SimpleITK's check (ITK `ImageToImageFilter::VerifyInputInformation`):
 * origins and spacings must agree within `coordinateTolerance × spacing[0]` of the image and
 * direction matrices element-wise within `directionTolerance`; both tolerances are 1e-6 unless
 * `geometryTolerance` sets them. Sizes must be equal. When they disagree and `correctMask` is
 * on, PyRadiomics resamples the mask onto the image grid with nearest-neighbour interpolation,
 * provided the ROI lies inside the image (`_checkROI`, tolerance 1e-3 voxel); we do the same.
 */
import type { Geometry, Volume } from '../imaging/volume.js';
import { indexToPhysical, physicalToIndex } from '../imaging/volume.js';
import { RadiomicsInputError } from './errors.js';

const ITK_DEFAULT_TOLERANCE = 1e-6;

/** Differences between two geometries, one sentence each; empty when they match. */
export function describeGeometryMismatch(image: Geometry, mask: Geometry, tolerance: number | null): string[] {
  const tol = tolerance ?? ITK_DEFAULT_TOLERANCE;
  const coordTol = Math.abs(tol * image.spacingMm[0]);
  const problems: string[] = [];
  const axes = ['x', 'y', 'z'];
  const fmt = (v: readonly number[]) => `(${v.map((x) => +x.toPrecision(8)).join(', ')})`;
  if (image.size.some((s, i) => s !== mask.size[i])) {
    problems.push(`size differs: image ${fmt(image.size)} voxels, mask ${fmt(mask.size)} voxels`);
  }
  const spacingDiff = image.spacingMm.map((s, i) => Math.abs(s - mask.spacingMm[i]!));
  if (spacingDiff.some((d) => d > coordTol)) {
    const worst = spacingDiff.indexOf(Math.max(...spacingDiff));
    problems.push(
      `spacing differs: image ${fmt(image.spacingMm)} mm, mask ${fmt(mask.spacingMm)} mm ` +
        `(largest difference ${spacingDiff[worst]!.toPrecision(3)} mm along ${axes[worst]}, tolerance ${coordTol.toPrecision(3)} mm)`,
    );
  }
  const originDiff = image.originMm.map((s, i) => Math.abs(s - mask.originMm[i]!));
  if (originDiff.some((d) => d > coordTol)) {
    const dist = Math.hypot(...image.originMm.map((s, i) => s - mask.originMm[i]!));
    problems.push(
      `origin differs by ${dist.toPrecision(4)} mm: image ${fmt(image.originMm)}, mask ${fmt(mask.originMm)} ` +
        `(tolerance ${coordTol.toPrecision(3)} mm per coordinate)`,
    );
  }
  const dirDiff = image.direction.map((d, i) => Math.abs(d - mask.direction[i]!));
  if (dirDiff.some((d) => d > tol)) {
    problems.push(
      `direction differs: image ${fmt(image.direction)}, mask ${fmt(mask.direction)} ` +
        `(largest element difference ${Math.max(...dirDiff).toPrecision(3)}, tolerance ${tol})`,
    );
  }
  return problems;
}

/**
 * Nearest-neighbour resampling of a label volume onto `target`'s grid (PyRadiomics `_correctMask`).
 * Throws when the ROI's bounding box reaches outside the image.
 */
export function resampleMaskToImage(mask: Volume, target: Geometry, label: number): Volume<Uint32Array> {
  const [mx, my, mz] = mask.size;
  let lo = [Infinity, Infinity, Infinity];
  let hi = [-Infinity, -Infinity, -Infinity];
  const comps = mask.components ?? 1;
  for (let k = 0, o = 0; k < mz; k++)
    for (let j = 0; j < my; j++)
      for (let i = 0; i < mx; i++, o++) {
        if (mask.data[o * comps] !== label) continue;
        if (i < lo[0]!) lo[0] = i;
        if (j < lo[1]!) lo[1] = j;
        if (k < lo[2]!) lo[2] = k;
        if (i > hi[0]!) hi[0] = i;
        if (j > hi[1]!) hi[1] = j;
        if (k > hi[2]!) hi[2] = k;
      }
  if (lo[0] === Infinity) throw new RadiomicsInputError('mask', `label ${label} is not present in the mask`);
  lo = lo.map((v) => v - 0.5);
  hi = hi.map((v) => v + 0.5);
  const tol = 1e-3;
  for (const corner of [lo, hi]) {
    const p = indexToPhysical(mask, corner[0]!, corner[1]!, corner[2]!);
    const idx = physicalToIndex(target, p[0], p[1], p[2]);
    for (let d = 0; d < 3; d++) {
      if (idx[d]! < -0.5 - tol || idx[d]! > target.size[d]! - 0.5 + tol) {
        throw new RadiomicsInputError(
          'mask',
          `the ROI (label ${label}) reaches outside the image along ${'xyz'[d]}: ` +
            `its corner falls at image index ${idx[d]!.toFixed(2)} of 0…${target.size[d]! - 1}; correctMask cannot fix this`,
        );
      }
    }
  }
  const [nx, ny, nz] = target.size;
  const out = new Uint32Array(nx * ny * nz);
  for (let k = 0, o = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        const p = indexToPhysical(target, i, j, k);
        const q = physicalToIndex(mask, p[0], p[1], p[2]);
        // ITK's nearest neighbour rounds half up (RoundHalfIntegerUp) and yields 0 outside.
        const a = Math.floor(q[0] + 0.5);
        const b = Math.floor(q[1] + 0.5);
        const c = Math.floor(q[2] + 0.5);
        if (a < 0 || b < 0 || c < 0 || a >= mx || b >= my || c >= mz) continue;
        out[o] = mask.data[(a + mx * (b + my * c)) * comps]!;
      }
  return {
    size: [...target.size],
    spacingMm: [...target.spacingMm],
    originMm: [...target.originMm],
    direction: [...target.direction],
    data: out,
  };
}
