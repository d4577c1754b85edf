/**
 * NIfTI qform/sform → Volume geometry (LPS), and a rotation → quaternion for writing.
 *
 * Definitions: nifti1.h, "METHOD 2" (qform: quaternion b, c, d with a = √(1−b²−c²−d²),
 * qfac = pixdim[0], x = R·diag(pixdim₁, pixdim₂, qfac·pixdim₃)·ijk + qoffset) and "METHOD 3"
 * (sform: x = srow·[ijk 1]). NIfTI's world space is RAS; LPS negates x and y.
 *
 * Which transform wins follows ITK ≥ 5.1 (itk::NiftiImageIO, SetImageIOOrientationFromNIfTI),
 * which is what SimpleITK and therefore PyRadiomics use:
 *   1. the sform is a candidate only if sform_code > 0 and its 3×3 part is a rotation times
 *      diag(pixdim) (columns orthogonal, norms equal to pixdim);
 *   2. a candidate sform with sform_code = SCANNER_ANAT (1) is used;
 *   3. otherwise a candidate sform is used when qform_code = 0, or when the qform describes
 *      (nearly) the same transform, the sform being the more precise encoding of it;
 *   4. otherwise the qform is used if qform_code > 0 (the sform then maps to another space,
 *      e.g. a template), else ANALYZE-style axes (method 1).
 * Spacing is |pixdim[1..3]| as in ITK, scaled to mm by xyzt_units.
 */
import type { NiftiHeader } from './niftiHeader.js';
import type { Mat3, Vec3 } from './volume.js';
import { orthonormalityError } from './volume.js';

export type NiftiTransformSource = 'sform' | 'qform' | 'none';

export interface NiftiGeometry {
  spacingMm: Vec3;
  originMm: Vec3;
  direction: Mat3;
  source: NiftiTransformSource;
  /** Why a transform was not used, for the caller's warnings. */
  notes: string[];
}

/** Tolerances for ITK's "decomposable" and "qform ≈ sform" tests (ITK uses ~1e-4 as well). */
const ORTHO_TOLERANCE = 1e-4;
const SAME_DIRECTION_TOLERANCE = 1e-4;
const SAME_ORIGIN_TOLERANCE_MM = 1e-3;

export function spatialUnitToMm(xyztUnits: number): number {
  switch (xyztUnits & 7) {
    case 1:
      return 1000; // NIFTI_UNITS_METER
    case 3:
      return 0.001; // NIFTI_UNITS_MICRON
    default:
      return 1; // NIFTI_UNITS_MM or unknown
  }
}

/** Rotation matrix (RAS, row-major) of the qform quaternion, third column times qfac. */
export function quaternionToRotation(b: number, c: number, d: number, qfac: number): Mat3 {
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // nifti1.h: a is taken as 0 and (b, c, d) renormalised when rounding made a² ≤ 0.
    const n = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= n;
    c *= n;
    d *= n;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const q = qfac < 0 ? -1 : 1;
  // prettier-ignore
  return [
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), q * 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a + c * c - b * b - d * d, q * 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), q * (a * a + d * d - c * c - b * b),
  ];
}

/**
 * Quaternion (b, c, d) and qfac of a rotation (orthonormal, RAS). A reflection
 * (determinant −1) is stored as qfac = −1 with the third column negated (nifti1.h).
 */
export function rotationToQuaternion(r: Mat3): { b: number; c: number; d: number; qfac: number } {
  const det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
  const qfac = det < 0 ? -1 : 1;
  const m = [r[0], r[1], qfac * r[2], r[3], r[4], qfac * r[5], r[6], r[7], qfac * r[8]] as const;
  // Shepperd's method: divide by the largest of the four squared components for stability.
  const t = m[0] + m[4] + m[8];
  let a: number, b: number, c: number, d: number;
  if (t > 0) {
    const s = 2 * Math.sqrt(1 + t);
    a = s / 4;
    b = (m[7] - m[5]) / s;
    c = (m[2] - m[6]) / s;
    d = (m[3] - m[1]) / s;
  } else if (m[0] >= m[4] && m[0] >= m[8]) {
    const s = 2 * Math.sqrt(1 + m[0] - m[4] - m[8]);
    a = (m[7] - m[5]) / s;
    b = s / 4;
    c = (m[1] + m[3]) / s;
    d = (m[2] + m[6]) / s;
  } else if (m[4] >= m[8]) {
    const s = 2 * Math.sqrt(1 + m[4] - m[0] - m[8]);
    a = (m[2] - m[6]) / s;
    b = (m[1] + m[3]) / s;
    c = s / 4;
    d = (m[5] + m[7]) / s;
  } else {
    const s = 2 * Math.sqrt(1 + m[8] - m[0] - m[4]);
    a = (m[3] - m[1]) / s;
    b = (m[2] + m[6]) / s;
    c = (m[5] + m[7]) / s;
    d = s / 4;
  }
  // NIfTI stores only b, c, d and takes a ≥ 0, so flip the sign of q (same rotation) if needed.
  if (a < 0) {
    b = -b;
    c = -c;
    d = -d;
  }
  return { b: b + 0, c: c + 0, d: d + 0, qfac };
}

/** Geometry in LPS from a parsed header, choosing qform or sform as ITK does (see top). */
export function niftiGeometry(h: NiftiHeader): NiftiGeometry {
  const unit = spatialUnitToMm(h.xyztUnits);
  const pix: Vec3 = [1, 2, 3].map((k) => {
    const p = Math.abs(h.pixdim[k] ?? 1);
    return p > 0 && Number.isFinite(p) ? p : 1;
  }) as Vec3;
  const spacingMm: Vec3 = [pix[0] * unit, pix[1] * unit, pix[2] * unit];
  const notes: string[] = [];

  const qform = h.qformCode > 0 ? fromQform(h) : undefined;
  const sform = h.sformCode > 0 ? fromSform(h, pix) : undefined;
  if (h.sformCode > 0 && !sform) notes.push('sform ignored: its 3×3 part is not a rotation times pixdim (shear or scaling)');

  let chosen: { dir: Mat3; origin: Vec3; source: NiftiTransformSource } | undefined;
  if (sform && (h.sformCode === 1 || !qform || similar(qform, sform))) chosen = { ...sform, source: 'sform' };
  else if (qform) {
    if (sform) notes.push(`sform (code ${h.sformCode}) differs from the qform and was taken as a map to another space`);
    chosen = { ...qform, source: 'qform' };
  }
  if (!chosen) {
    notes.push('neither qform nor sform is set: axes taken as RAS-aligned (ANALYZE method 1), origin 0');
    chosen = { dir: [1, 0, 0, 0, 1, 0, 0, 0, 1], origin: [0, 0, 0], source: 'none' };
  }
  // RAS → LPS: negate the x and y rows of the direction and the origin.
  const d = chosen.dir;
  const direction: Mat3 = [-d[0] + 0, -d[1] + 0, -d[2] + 0, -d[3] + 0, -d[4] + 0, -d[5] + 0, d[6], d[7], d[8]];
  const o = chosen.origin;
  const originMm: Vec3 = [-o[0] * unit + 0, -o[1] * unit + 0, o[2] * unit];
  return { spacingMm, originMm, direction, source: chosen.source, notes };
}

function fromQform(h: NiftiHeader): { dir: Mat3; origin: Vec3 } {
  const dir = quaternionToRotation(h.quatern[0], h.quatern[1], h.quatern[2], h.pixdim[0] ?? 1);
  return { dir, origin: [h.qoffset[0], h.qoffset[1], h.qoffset[2]] };
}

function fromSform(h: NiftiHeader, pix: Vec3): { dir: Mat3; origin: Vec3 } | undefined {
  const s = h.srow;
  const dir = [0, 0, 0, 0, 0, 0, 0, 0, 0] as Mat3;
  for (let c = 0; c < 3; c++) {
    const col = [s[0][c]!, s[1][c]!, s[2][c]!];
    const norm = Math.hypot(col[0]!, col[1]!, col[2]!);
    if (!(norm > 0) || Math.abs(norm - pix[c]!) > ORTHO_TOLERANCE * pix[c]!) return undefined;
    for (let r = 0; r < 3; r++) dir[3 * r + c] = col[r]! / norm;
  }
  if (orthonormalityError(dir) > ORTHO_TOLERANCE) return undefined;
  return { dir, origin: [s[0][3]!, s[1][3]!, s[2][3]!] };
}

function similar(a: { dir: Mat3; origin: Vec3 }, b: { dir: Mat3; origin: Vec3 }): boolean {
  for (let k = 0; k < 9; k++) if (Math.abs(a.dir[k]! - b.dir[k]!) > SAME_DIRECTION_TOLERANCE) return false;
  for (let k = 0; k < 3; k++) if (Math.abs(a.origin[k]! - b.origin[k]!) > SAME_ORIGIN_TOLERANCE_MM) return false;
  return true;
}
