/**
 * 2D shape features, PyRadiomics definitions (radiomics/shape2D.py, cshape.c
 * `calculate_coefficients2D`), for a ROI that is one slice thick along `force2Ddimension`.
 *
 * The contour is the marching-squares isoline at 0.5 of the 0/1 mask (vertices at edge
 * midpoints; in the two saddle cases the diagonal corners are cut off separately, as PyRadiomics
 * does). MeshSurface A = ½ Σ (a × b) over the oriented contour segments (shoelace), Perimeter P =
 * Σ segment lengths, Sphericity = 2√(πA)/P, MaximumDiameter = largest vertex distance. Axis
 * lengths from the 2D covariance of pixel centres (divided by N): Major = 4√λ₁, Minor = 4√λ₂,
 * Elongation = √(λ₂/λ₁).
 */
import { RadiomicsInputError } from './errors.js';
import type { CroppedRoi } from './preprocess.js';

/** Square corners (row, col) and edge midpoints; segments per case as edge pairs. */
const CORNERS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [1, 1],
  [1, 0],
];
const EDGES: readonly (readonly [number, number])[] = [
  [0, 0.5],
  [0.5, 1],
  [1, 0.5],
  [0.5, 0],
];
const SEGMENTS: readonly (readonly number[])[] = [
  [],
  [3, 0],
  [0, 1],
  [3, 1],
  [1, 2],
  [1, 2, 3, 0],
  [0, 2],
  [3, 2],
  [2, 3],
  [2, 0],
  [0, 1, 2, 3],
  [2, 1],
  [1, 3],
  [1, 0],
  [0, 3],
  [],
];

export function shape2DFeatures(
  crop: Pick<CroppedRoi, 'mask' | 'size' | 'spacingMm' | 'voxelCount'>,
  force2Ddimension: number,
): Record<string, number> {
  // numpy axes (0 = z, 1 = y, 2 = x) → our (x, y, z) sizes and spacings.
  const sizeZyx = [crop.size[2], crop.size[1], crop.size[0]];
  const spacingZyx = [crop.spacingMm[2], crop.spacingMm[1], crop.spacingMm[0]];
  if (sizeZyx[force2Ddimension]! > 1) {
    throw new RadiomicsInputError(
      'featureClass.shape2D',
      `shape2D needs a ROI one slice thick along force2Ddimension ${force2Ddimension}; this ROI spans ${sizeZyx[force2Ddimension]} slices`,
    );
  }
  const axes = [0, 1, 2].filter((a) => a !== force2Ddimension) as [number, number];
  const rows = sizeZyx[axes[0]]!;
  const cols = sizeZyx[axes[1]]!;
  const sr = spacingZyx[axes[0]]!;
  const sc = spacingZyx[axes[1]]!;
  // Strides of the two kept numpy axes in the x-fastest crop.
  const strideZyx = [crop.size[0] * crop.size[1], crop.size[0], 1];
  const rStride = strideZyx[axes[0]]!;
  const cStride = strideZyx[axes[1]]!;
  // Padded 2D mask (one empty pixel around).
  const pr = rows + 2;
  const pc = cols + 2;
  const m = new Uint8Array(pr * pc);
  let n = 0;
  let mr = 0;
  let mc = 0;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      if (!crop.mask[r * rStride + c * cStride]) continue;
      m[(r + 1) * pc + c + 1] = 1;
      n++;
      mr += r;
      mc += c;
    }
  let surface = 0;
  let perimeter = 0;
  for (let r = 0; r < pr - 1; r++)
    for (let c = 0; c < pc - 1; c++) {
      let sq = 0;
      for (let k = 0; k < 4; k++) if (m[(r + CORNERS[k]![0]) * pc + c + CORNERS[k]![1]]) sq |= 1 << k;
      const seg = SEGMENTS[sq]!;
      for (let s = 0; s < seg.length; s += 2) {
        const a = EDGES[seg[s]!]!;
        const b = EDGES[seg[s + 1]!]!;
        const ay = (r + a[0]) * sr;
        const ax = (c + a[1]) * sc;
        const by = (r + b[0]) * sr;
        const bx = (c + b[1]) * sc;
        surface += ay * bx - by * ax;
        perimeter += Math.hypot(ay - by, ax - bx);
      }
    }
  surface /= 2;

  // Diameter: vertices are midpoints of edges between differing neighbouring pixels.
  const vy: number[] = [];
  const vx: number[] = [];
  for (let r = 0; r < pr; r++)
    for (let c = 0; c < pc; c++) {
      const v = m[r * pc + c];
      if (c + 1 < pc && m[r * pc + c + 1] !== v) {
        vy.push(r * sr);
        vx.push((c + 0.5) * sc);
      }
      if (r + 1 < pr && m[(r + 1) * pc + c] !== v) {
        vy.push((r + 0.5) * sr);
        vx.push(c * sc);
      }
    }
  let best = 0;
  for (let a = 0; a < vy.length; a++)
    for (let b = a + 1; b < vy.length; b++) {
      const dy = vy[a]! - vy[b]!;
      const dx = vx[a]! - vx[b]!;
      const d2 = dy * dy + dx * dx;
      if (d2 > best) best = d2;
    }

  mr /= n;
  mc /= n;
  let crr = 0;
  let crc = 0;
  let ccc = 0;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      if (!crop.mask[r * rStride + c * cStride]) continue;
      const dr = (r - mr) * sr;
      const dc = (c - mc) * sc;
      crr += dr * dr;
      crc += dr * dc;
      ccc += dc * dc;
    }
  crr /= n;
  crc /= n;
  ccc /= n;
  // Eigenvalues of the symmetric 2 × 2 covariance.
  const half = (crr + ccc) / 2;
  const rad = Math.hypot((crr - ccc) / 2, crc);
  const major = half + rad;
  let minor = half - rad;
  if (minor < 0 && minor > -1e-10) minor = 0;
  return {
    Elongation: Math.sqrt(minor / major),
    MajorAxisLength: 4 * Math.sqrt(major),
    MaximumDiameter: Math.sqrt(best),
    MeshSurface: surface,
    MinorAxisLength: 4 * Math.sqrt(minor),
    Perimeter: perimeter,
    PerimeterSurfaceRatio: perimeter / surface,
    PixelSurface: n * sr * sc,
    Sphericity: (2 * Math.sqrt(Math.PI * surface)) / perimeter,
    SphericalDisproportion: perimeter / (2 * Math.sqrt(Math.PI * surface)),
  };
}
