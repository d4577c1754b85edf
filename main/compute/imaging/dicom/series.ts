/**
 * DICOM series assembly: group images into stacks, order slices along the slice normal,
 * derive spacing from positions, and build one Volume with rescaled values.
 *
 * Ordering follows what ITK/GDCM do (IPPSorter): the normal n = row × column direction of
 * ImageOrientationPatient (PS3.3 C.7.6.2.1.1), each slice's distance d = n · ImagePositionPatient,
 * slices sorted by d. The slice spacing is the mean step (d_last − d_first)/(N − 1) (never
 * SliceThickness, which can differ from the spacing); a step that is an integer multiple of
 * the typical step is reported as missing slices, any other spread as uneven spacing. When
 * every position holds the same number m of images (several DCE phases or b-values in one
 * series), the volume gets m components ordered by temporal position, trigger time,
 * acquisition time, b-value and instance number.
 */
import { ImageFormatError } from '../imageFormatError.js';
import type { Geometry, Mat3, Vec3, Volume, VoxelArray } from '../volume.js';
import { allocateVoxels } from '../voxelTypes.js';
import type { VoxelType } from '../voxelTypes.js';
import type { DicomFrameInfo, DicomHeader } from './dicomFile.js';
import { normal } from './dicomFile.js';
import { storedType } from './pixelData.js';

/** One 2D image: a file and a frame in it. */
export interface DicomSliceRef {
  header: DicomHeader;
  frame: number;
}

export interface SeriesPlan {
  seriesInstanceUid: string;
  /** Slices in volume order: position-major, then component. */
  slices: DicomSliceRef[];
  geometry: Geometry;
  /** Images per position (1 for a plain 3D series). */
  components: number;
  warnings: string[];
}

/** Position tolerance (mm) under which two slices are taken as the same position. */
const SAME_POSITION_MM = 1e-3;
/** Relative spread of steps above which spacing is reported as uneven. */
const STEP_TOLERANCE = 1e-3;
/** Direction cosines differing by more than this are a different orientation. */
const ORIENTATION_TOLERANCE = 1e-3;

const info = (s: DicomSliceRef): DicomFrameInfo => s.header.frames[s.frame]!;

/**
 * Groups headers by SeriesInstanceUID, then splits a series whose images differ in size or
 * orientation into separate stacks, each with a warning that says why.
 */
export function groupSeries(
  headers: readonly DicomHeader[],
): { key: string; seriesInstanceUid: string; slices: DicomSliceRef[]; warnings: string[] }[] {
  const bySeries = new Map<string, DicomSliceRef[]>();
  for (const h of headers) {
    if (!h.hasPixelData) continue;
    const uid = h.seriesInstanceUid ?? `(no SeriesInstanceUID: ${h.source})`;
    let list = bySeries.get(uid);
    if (!list) bySeries.set(uid, (list = []));
    for (let f = 0; f < h.frames.length; f++) list.push({ header: h, frame: f });
  }
  const out: { key: string; seriesInstanceUid: string; slices: DicomSliceRef[]; warnings: string[] }[] = [];
  for (const [uid, slices] of bySeries) {
    // A stack is one image size and one orientation (cosines equal within the tolerance, so
    // that rounding noise in ImageOrientationPatient does not split a series).
    const stacks = new Map<DicomSliceRef, DicomSliceRef[]>();
    for (const s of slices) {
      let home: DicomSliceRef[] | undefined;
      for (const [first, list] of stacks) {
        if (sameStack(first, s)) {
          home = list;
          break;
        }
      }
      if (home) home.push(s);
      else stacks.set(s, [s]);
    }
    const warnings =
      stacks.size > 1
        ? [`series ${uid} mixes ${stacks.size} image sizes or orientations; it was split into ${stacks.size} stacks`]
        : [];
    let n = 0;
    for (const list of stacks.values())
      out.push({ key: stacks.size > 1 ? `${uid}#${++n}` : uid, seriesInstanceUid: uid, slices: list, warnings: [...warnings] });
  }
  return out;
}

function sameStack(a: DicomSliceRef, b: DicomSliceRef): boolean {
  const ha = a.header;
  const hb = b.header;
  if (ha.rows !== hb.rows || ha.columns !== hb.columns || ha.samplesPerPixel !== hb.samplesPerPixel) return false;
  const oa = info(a).orientation;
  const ob = info(b).orientation;
  if (!oa || !ob) return !oa && !ob;
  for (let k = 0; k < 6; k++) if (Math.abs(oa[k]! - ob[k]!) > ORIENTATION_TOLERANCE) return false;
  return true;
}

/** Orders one stack and computes its geometry (no pixel data needed). */
export function planSeries(stack: readonly DicomSliceRef[], seriesInstanceUid: string): SeriesPlan {
  if (stack.length === 0) throw new ImageFormatError(`series ${seriesInstanceUid}`, 'no images');
  const where = (s: DicomSliceRef): string => `${s.header.source}${s.header.frames.length > 1 ? ` frame ${s.frame + 1}` : ''}`;
  const name = `series ${seriesInstanceUid}`;
  const warnings: string[] = [];
  const first = info(stack[0]!);
  for (const s of stack) {
    const f = info(s);
    const missing = !f.positionMm
      ? 'ImagePositionPatient'
      : !f.orientation
        ? 'ImageOrientationPatient'
        : !f.pixelSpacingMm
          ? 'PixelSpacing'
          : undefined;
    if (missing) throw new ImageFormatError(name, `${where(s)} has no ${missing}; the slices cannot be placed in space`);
  }
  const o = first.orientation!;
  const n = normal(o);
  if (!(Math.hypot(...n) > 0.5))
    throw new ImageFormatError(
      name,
      `ImageOrientationPatient "${o.join('\\')}" of ${where(stack[0]!)} has parallel row and column directions`,
    );

  const d = (s: DicomSliceRef): number => {
    const p = info(s).positionMm!;
    return p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
  };
  const sorted = [...stack].sort((a, b) => d(a) - d(b) || componentOrder(a, b));

  // Positions and their multiplicity (several images per position → components).
  const positions: { d: number; slices: DicomSliceRef[] }[] = [];
  for (const s of sorted) {
    const last = positions[positions.length - 1];
    if (last && Math.abs(d(s) - last.d) < SAME_POSITION_MM) last.slices.push(s);
    else positions.push({ d: d(s), slices: [s] });
  }
  const m = positions[0]!.slices.length;
  const uneven = positions.find((p) => p.slices.length !== m);
  if (uneven) {
    throw new ImageFormatError(
      name,
      `position ${uneven.d.toFixed(3)} mm along the normal holds ${uneven.slices.length} image(s) but the first holds ${m}; the series mixes volumes with different slice sets (e.g. an incomplete DCE phase): split it before import`,
    );
  }
  if (m > 1) warnings.push(`${m} images per position were stacked as ${m} components (phases, b-values or echoes)`);

  const nk = positions.length;
  let stepMm: number;
  if (nk === 1) {
    stepMm = first.sliceThicknessMm && first.sliceThicknessMm > 0 ? first.sliceThicknessMm : 1;
    warnings.push(`single slice: slice spacing taken from SliceThickness (${stepMm} mm)`);
  } else {
    stepMm = (positions[nk - 1]!.d - positions[0]!.d) / (nk - 1);
    const steps = positions.slice(1).map((p, k) => p.d - positions[k]!.d);
    const typical = median(steps);
    let missing = 0;
    let irregular = false;
    for (let k = 0; k < steps.length; k++) {
      const ratio = steps[k]! / typical;
      const whole = Math.round(ratio);
      if (whole >= 2 && Math.abs(ratio - whole) < 0.05) {
        missing += whole - 1;
        warnings.push(
          `missing slice(s): a gap of ${steps[k]!.toFixed(3)} mm (${whole} × ${typical.toFixed(3)} mm) after position ${positions[k]!.d.toFixed(3)} mm`,
        );
      } else if (Math.abs(ratio - 1) > STEP_TOLERANCE) irregular = true;
    }
    if (irregular) {
      warnings.push(
        `uneven slice spacing: steps range from ${Math.min(...steps).toFixed(4)} to ${Math.max(...steps).toFixed(4)} mm; the mean ${stepMm.toFixed(4)} mm was used`,
      );
    } else if (missing > 0) {
      warnings.push(`${missing} slice(s) missing; the mean spacing ${stepMm.toFixed(4)} mm misplaces the slices after a gap`);
    }
    // Slices offset sideways (e.g. gantry tilt) are not on the normal through the first slice.
    const p0 = info(positions[0]!.slices[0]!).positionMm!;
    let sideways = 0;
    for (const p of positions) {
      const q = info(p.slices[0]!).positionMm!;
      const dk = p.d - positions[0]!.d;
      sideways = Math.max(sideways, Math.hypot(q[0] - p0[0] - dk * n[0], q[1] - p0[1] - dk * n[1], q[2] - p0[2] - dk * n[2]));
    }
    if (sideways > 0.01)
      warnings.push(
        `slices are shifted up to ${sideways.toFixed(3)} mm sideways from the slice normal (gantry tilt?); the volume assumes no shift`,
      );
  }

  const [rs, cs] = first.pixelSpacingMm!;
  for (const s of sorted) {
    const ps = info(s).pixelSpacingMm!;
    if (Math.abs(ps[0] - rs) > 1e-4 || Math.abs(ps[1] - cs) > 1e-4) {
      throw new ImageFormatError(name, `${where(s)} has PixelSpacing ${ps.join('\\')}, the series ${rs}\\${cs}`);
    }
  }
  const direction: Mat3 = [o[0], o[3], n[0], o[1], o[4], n[1], o[2], o[5], n[2]];
  const origin = info(positions[0]!.slices[0]!).positionMm!;
  const h0 = stack[0]!.header;
  return {
    seriesInstanceUid,
    slices: positions.flatMap((p) => p.slices),
    geometry: {
      size: [h0.columns, h0.rows, nk],
      // PixelSpacing[1] is the distance between columns, i.e. along i (the row direction).
      spacingMm: [cs, rs, Math.abs(stepMm)],
      originMm: [origin[0], origin[1], origin[2]] as Vec3,
      direction,
    },
    components: m,
    warnings,
  };
}

function componentOrder(a: DicomSliceRef, b: DicomSliceRef): number {
  const fa = info(a);
  const fb = info(b);
  const keys: [number | string | undefined, number | string | undefined][] = [
    [fa.temporalPosition, fb.temporalPosition],
    [a.header.triggerTimeMs, b.header.triggerTimeMs],
    [a.header.acquisitionTime, b.header.acquisitionTime],
    [fa.bValue, fb.bValue],
    [a.header.instanceNumber, b.header.instanceNumber],
    [a.frame, b.frame],
  ];
  for (const [x, y] of keys) {
    if (x === undefined || y === undefined || x === y) continue;
    return x < y ? -1 : 1;
  }
  return 0;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
}

/** Smallest output type that holds stored × slope + intercept for every slice exactly. */
function outputType(plan: SeriesPlan): VoxelType {
  const h = plan.slices[0]!.header;
  const stored = storedType(h);
  let integral = true;
  let identity = true;
  let lo = Infinity;
  let hi = -Infinity;
  const bits = Math.min(h.bitsStored, h.bitsAllocated);
  const min = h.pixelRepresentation === 1 ? -(2 ** (bits - 1)) : 0;
  const max = h.pixelRepresentation === 1 ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  for (const s of plan.slices) {
    const f = info(s);
    if (f.rescaleSlope !== 1 || f.rescaleIntercept !== 0) identity = false;
    if (!Number.isInteger(f.rescaleSlope) || !Number.isInteger(f.rescaleIntercept)) integral = false;
    const a = min * f.rescaleSlope + f.rescaleIntercept;
    const b = max * f.rescaleSlope + f.rescaleIntercept;
    lo = Math.min(lo, a, b);
    hi = Math.max(hi, a, b);
  }
  if (identity) return stored;
  if (integral) {
    if (lo >= -32768 && hi <= 32767) return 'int16';
    if (lo >= -2147483648 && hi <= 2147483647) return 'int32';
  }
  return h.bitsAllocated >= 32 ? 'float64' : 'float32';
}

/**
 * Fills the planned volume. `frameData(slice)` returns the stored values of a slice (as
 * decodeFrames gives them); rescale slope/intercept are applied per slice.
 */
export function assembleSeries(plan: SeriesPlan, frameData: (slice: DicomSliceRef) => VoxelArray): Volume {
  const [nx, ny, nz] = plan.geometry.size;
  const spp = plan.slices[0]!.header.samplesPerPixel;
  if (spp > 1 && plan.components > 1)
    throw new ImageFormatError(
      `series ${plan.seriesInstanceUid}`,
      'colour images with several images per position are not supported',
    );
  const components = plan.components * spp;
  const nxy = nx * ny;
  const out: VoxelArray = allocateVoxels(outputType(plan), nxy * nz * components);
  plan.slices.forEach((s, index) => {
    const k = Math.floor(index / plan.components);
    const c = index % plan.components;
    const data = frameData(s);
    if (data.length !== nxy * spp) {
      throw new ImageFormatError(s.header.source, `frame ${s.frame + 1} has ${data.length} values, expected ${nxy * spp}`);
    }
    const { rescaleSlope: slope, rescaleIntercept: intercept } = info(s);
    const rescale = slope !== 1 || intercept !== 0;
    if (components === 1) {
      const base = k * nxy;
      if (rescale) for (let p = 0; p < nxy; p++) out[base + p] = data[p]! * slope + intercept;
      else out.set(data, base);
    } else {
      // Interleaved components: offset = comp + components · voxel (volume.ts).
      for (let p = 0; p < nxy; p++) {
        for (let q = 0; q < spp; q++) {
          const v = data[p * spp + q]!;
          out[(k * nxy + p) * components + c * spp + q] = rescale ? v * slope + intercept : v;
        }
      }
    }
  });
  const volume: Volume = { ...plan.geometry, data: out };
  if (components > 1) volume.components = components;
  return volume;
}
