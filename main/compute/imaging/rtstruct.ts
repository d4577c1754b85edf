/**
 * DICOM RT Structure Set → binary masks on an image grid.
 *
 * Structure (PS3.3 C.8.8.5 and C.8.8.6): StructureSetROISequence (3006,0020) names each ROI
 * (ROINumber 3006,0022; ROIName 3006,0026); ROIContourSequence (3006,0039) holds, per
 * ReferencedROINumber (3006,0084), a ContourSequence (3006,0040) of planar contours whose
 * ContourData (3006,0050) are x\y\z triplets in patient coordinates (LPS mm), with
 * ContourGeometricType (3006,0042) CLOSED_PLANAR for areas.
 *
 * Rasterization: every contour is mapped to continuous voxel indices and assigned to the
 * slice k nearest to its plane. A voxel is inside when its centre is inside an odd number of
 * the slice's contours (even–odd rule), so a contour inside another is a hole, as in
 * plastimatch and dcmrtstruct2nii. Rows are scan-converted: for row j the crossings of every
 * edge with the line through the voxel centres are sorted and the spans between pairs filled.
 */
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { ImageFormatError } from './imageFormatError.js';
import type { Geometry } from './volume.js';
import { applyAffine, physicalToIndexAffine } from './volume.js';

export interface RtContour {
  /** CLOSED_PLANAR, OPEN_PLANAR, POINT, … */
  type: string;
  /** x, y, z triplets (LPS mm). */
  points: Float64Array;
}

export interface RtRoi {
  number: number;
  name: string;
  contours: RtContour[];
}

export interface RtStructureSet {
  source: string;
  frameOfReferenceUid: string | undefined;
  rois: RtRoi[];
}

const RTSTRUCT_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.481.3';

/** Parses the ROIs and contours of an RTSTRUCT file. */
export function readRtStruct(bytes: Uint8Array, source: string): RtStructureSet {
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch (e) {
    const text = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    throw new ImageFormatError(source, `not a readable DICOM file: ${text}`, { cause: e });
  }
  const sopClass = ds.string('x00080016');
  const modality = ds.string('x00080060');
  if (sopClass !== RTSTRUCT_SOP_CLASS && modality !== 'RTSTRUCT')
    throw new ImageFormatError(
      source,
      `not an RT Structure Set (SOP class ${sopClass ?? 'missing'}, modality ${modality ?? 'missing'})`,
    );

  const names = new Map<number, string>();
  for (const item of ds.elements.x30060020?.items ?? []) {
    const s = item.dataSet;
    if (!s) continue;
    const n = s.intString('x30060022');
    if (n !== undefined) names.set(n, s.string('x30060026') ?? `ROI ${n}`);
  }
  const rois: RtRoi[] = [];
  for (const item of ds.elements.x30060039?.items ?? []) {
    const s = item.dataSet;
    if (!s) continue;
    const number = s.intString('x30060084');
    if (number === undefined) throw new ImageFormatError(source, 'an ROIContourSequence item has no ReferencedROINumber');
    const contours: RtContour[] = [];
    for (const c of s.elements.x30060040?.items ?? []) {
      const cs = c.dataSet;
      if (!cs) continue;
      const text = cs.string('x30060050');
      if (!text) continue;
      const values = text.split('\\').map((w) => Number(w.trim()));
      if (values.length % 3 !== 0 || values.some((v) => !Number.isFinite(v)))
        throw new ImageFormatError(
          source,
          `ROI ${number}: ContourData holds ${values.length} values, not x\\y\\z triplets of numbers`,
        );
      contours.push({ type: cs.string('x30060042') ?? 'CLOSED_PLANAR', points: Float64Array.from(values) });
    }
    rois.push({ number, name: names.get(number) ?? `ROI ${number}`, contours });
  }
  return { source, frameOfReferenceUid: frameOfReference(ds) ?? ds.string('x00200052'), rois };
}

function frameOfReference(ds: DataSet): string | undefined {
  // ReferencedFrameOfReferenceSequence (3006,0010) → FrameOfReferenceUID (0020,0052).
  return ds.elements.x30060010?.items?.[0]?.dataSet?.string('x00200052');
}

export interface RasterizeResult {
  mask: Uint8Array;
  /** Contours whose plane is not within half a voxel of a slice centre, or not in-plane. */
  warnings: string[];
}

/** Distance (in slice spacings) a contour plane may be from a slice centre. */
const PLANE_TOLERANCE = 0.5;

/**
 * Rasterizes one ROI onto a grid (voxel order of volume.ts). Closed planar contours fill by
 * the even–odd rule per slice; other contour types are ignored with a warning.
 */
export function rasterizeRoi(roi: RtRoi, grid: Geometry): RasterizeResult {
  const [nx, ny, nz] = grid.size;
  const mask = new Uint8Array(nx * ny * nz);
  const warnings: string[] = [];
  const toIndex = physicalToIndexAffine(grid);
  // Polygons per slice, in continuous (i, j) index coordinates.
  const perSlice = new Map<number, Float64Array[]>();
  let offGrid = 0;
  let skippedTypes = 0;
  for (const c of roi.contours) {
    if (c.type !== 'CLOSED_PLANAR') {
      skippedTypes++;
      continue;
    }
    const n = c.points.length / 3;
    if (n < 3) continue;
    const poly = new Float64Array(2 * n);
    let kSum = 0;
    let kMin = Infinity;
    let kMax = -Infinity;
    for (let p = 0; p < n; p++) {
      const [i, j, k] = applyAffine(toIndex, c.points[3 * p]!, c.points[3 * p + 1]!, c.points[3 * p + 2]!);
      poly[2 * p] = i;
      poly[2 * p + 1] = j;
      kSum += k;
      kMin = Math.min(kMin, k);
      kMax = Math.max(kMax, k);
    }
    const k = Math.round(kSum / n);
    if (kMax - kMin > 0.5 || Math.abs(kSum / n - k) > PLANE_TOLERANCE || k < 0 || k >= nz) {
      offGrid++;
      continue;
    }
    let list = perSlice.get(k);
    if (!list) perSlice.set(k, (list = []));
    list.push(poly);
  }
  if (skippedTypes > 0) warnings.push(`ROI "${roi.name}": ${skippedTypes} contour(s) that are not CLOSED_PLANAR were ignored`);
  if (offGrid > 0)
    warnings.push(`ROI "${roi.name}": ${offGrid} contour(s) lie outside the image grid or not in a slice plane and were ignored`);

  const crossings: number[] = [];
  for (const [k, polys] of perSlice) {
    for (let j = 0; j < ny; j++) {
      crossings.length = 0;
      for (const poly of polys) {
        const n = poly.length / 2;
        for (let a = 0, b = n - 1; a < n; b = a++) {
          const ya = poly[2 * a + 1]!;
          const yb = poly[2 * b + 1]!;
          // Half-open rule: an edge counts when the row lies in [min y, max y), so a vertex on
          // the row is counted once and horizontal edges never.
          if (ya <= j !== yb <= j) {
            const xa = poly[2 * a]!;
            const xb = poly[2 * b]!;
            crossings.push(xa + ((j - ya) * (xb - xa)) / (yb - ya));
          }
        }
      }
      if (crossings.length < 2) continue;
      crossings.sort((x, y) => x - y);
      const row = (k * ny + j) * nx;
      for (let q = 0; q + 1 < crossings.length; q += 2) {
        // Voxel centres i with x0 < i ≤ x1 (consistent with the half-open rule along j).
        const i0 = Math.max(0, Math.floor(crossings[q]!) + 1);
        const i1 = Math.min(nx - 1, Math.floor(crossings[q + 1]!));
        for (let i = i0; i <= i1; i++) mask[row + i] = 1;
      }
    }
  }
  return { mask, warnings };
}

/** Finds an ROI by name (case-insensitive) or number; throws naming the file and the ROIs it has. */
export function findRoi(set: RtStructureSet, which: string | number): RtRoi {
  const roi =
    typeof which === 'number'
      ? set.rois.find((r) => r.number === which)
      : set.rois.find((r) => r.name.toLowerCase() === which.toLowerCase());
  if (!roi)
    throw new ImageFormatError(
      set.source,
      `has no ROI ${typeof which === 'number' ? `number ${which}` : `"${which}"`}; it holds ${set.rois.map((r) => `${r.number} "${r.name}"`).join(', ') || 'no ROIs'}`,
    );
  return roi;
}

/** Dice similarity 2|A∩B| / (|A| + |B|) of two binary masks (non-zero = inside). */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`masks differ in length (${a.length} vs ${b.length})`);
  let both = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x) na++;
    if (y) nb++;
    if (x && y) both++;
  }
  return na + nb === 0 ? 1 : (2 * both) / (na + nb);
}
