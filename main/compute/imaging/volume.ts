/**
 * The one volume model every part of RadStudy shares (viewer, radiomics, filters, masks).
 *
 * Geometry follows DICOM and ITK: physical coordinates are LPS millimetres, and
 *   physical = origin + direction · diag(spacing) · index
 * where `direction` is a 3×3 row-major matrix whose *columns* are the unit vectors of the
 * i, j, k voxel axes. Voxels are stored x-fastest: offset = i + nx·(j + ny·k).
 */
export type VoxelArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export type Vec3 = [number, number, number];
/** Row-major 3×3; column c is the direction of voxel axis c. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface Geometry {
  /** Number of voxels along i, j, k. */
  size: Vec3;
  /** Voxel spacing in mm along i, j, k (always positive). */
  spacingMm: Vec3;
  /** Physical position (LPS, mm) of the centre of voxel (0, 0, 0). */
  originMm: Vec3;
  direction: Mat3;
}

export interface Volume<T extends VoxelArray = VoxelArray> extends Geometry {
  data: T;
  /**
   * Number of components per voxel (1 or undefined for scalar volumes; >1 e.g. for 4D time
   * series or multi-layer labelmaps). Components are interleaved, component fastest:
   * offset = c + components · linearIndex(i, j, k), as ITK's VectorImage stores them.
   */
  components?: number;
}

export const IDENTITY_DIRECTION: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function voxelCount(g: Pick<Geometry, 'size'>): number {
  return g.size[0] * g.size[1] * g.size[2];
}

export function linearIndex(g: Pick<Geometry, 'size'>, i: number, j: number, k: number): number {
  return i + g.size[0] * (j + g.size[1] * k);
}

/** Continuous index → physical LPS position (mm). */
export function indexToPhysical(g: Geometry, i: number, j: number, k: number): Vec3 {
  const [si, sj, sk] = g.spacingMm;
  const d = g.direction;
  const a = i * si;
  const b = j * sj;
  const c = k * sk;
  return [
    g.originMm[0] + d[0] * a + d[1] * b + d[2] * c,
    g.originMm[1] + d[3] * a + d[4] * b + d[5] * c,
    g.originMm[2] + d[6] * a + d[7] * b + d[8] * c,
  ];
}

/**
 * Physical LPS position (mm) → continuous index. Exact for any invertible direction matrix
 * (oblique or sheared), not only orthonormal ones. For many points, build the affine once
 * with physicalToIndexAffine and use applyAffine.
 */
export function physicalToIndex(g: Geometry, x: number, y: number, z: number): Vec3 {
  return applyAffine(physicalToIndexAffine(g), x, y, z);
}

/** y = matrix · x + offset, matrix row-major. */
export interface Affine {
  matrix: Mat3;
  offset: Vec3;
}

/** The index → physical map as an affine: matrix = direction · diag(spacing), offset = origin. */
export function indexToPhysicalAffine(g: Geometry): Affine {
  const d = g.direction;
  const [si, sj, sk] = g.spacingMm;
  return {
    matrix: [d[0] * si, d[1] * sj, d[2] * sk, d[3] * si, d[4] * sj, d[5] * sk, d[6] * si, d[7] * sj, d[8] * sk],
    offset: [g.originMm[0], g.originMm[1], g.originMm[2]],
  };
}

/** The physical → index map: the inverse of indexToPhysicalAffine (general 3×3 inverse). */
export function physicalToIndexAffine(g: Geometry): Affine {
  const forward = indexToPhysicalAffine(g);
  const inv = invertMat3(forward.matrix);
  const o = forward.offset;
  return {
    matrix: inv,
    offset: [
      -(inv[0] * o[0] + inv[1] * o[1] + inv[2] * o[2]),
      -(inv[3] * o[0] + inv[4] * o[1] + inv[5] * o[2]),
      -(inv[6] * o[0] + inv[7] * o[1] + inv[8] * o[2]),
    ],
  };
}

export function applyAffine(a: Affine, x: number, y: number, z: number): Vec3 {
  const m = a.matrix;
  return [
    a.offset[0] + m[0] * x + m[1] * y + m[2] * z,
    a.offset[1] + m[3] * x + m[4] * y + m[5] * z,
    a.offset[2] + m[6] * x + m[7] * y + m[8] * z,
  ];
}

export function determinant3(m: Mat3): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/** Inverse of a row-major 3×3 matrix by the adjugate; throws if it is singular. */
export function invertMat3(m: Mat3): Mat3 {
  const det = determinant3(m);
  const scale = Math.max(...m.map(Math.abs));
  if (!(Math.abs(det) > 1e-12 * scale * scale * scale)) {
    throw new Error(`direction matrix is singular (determinant ${det}): the voxel axes are not independent`);
  }
  const r = 1 / det;
  return [
    (m[4] * m[8] - m[5] * m[7]) * r,
    (m[2] * m[7] - m[1] * m[8]) * r,
    (m[1] * m[5] - m[2] * m[4]) * r,
    (m[5] * m[6] - m[3] * m[8]) * r,
    (m[0] * m[8] - m[2] * m[6]) * r,
    (m[2] * m[3] - m[0] * m[5]) * r,
    (m[3] * m[7] - m[4] * m[6]) * r,
    (m[1] * m[6] - m[0] * m[7]) * r,
    (m[0] * m[4] - m[1] * m[3]) * r,
  ];
}

/** Largest |DᵀD − I| entry: 0 for an orthonormal direction matrix. */
export function orthonormalityError(direction: Mat3): number {
  let worst = 0;
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      const dot = direction[a]! * direction[b]! + direction[3 + a]! * direction[3 + b]! + direction[6 + a]! * direction[6 + b]!;
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}
