/**
 * DICOM Segmentation objects (SEG, PS3.3 A.51 and C.8.20) onto a series grid: one label per
 * segment. Segment Sequence (0062,0002) gives each segment's number, SegmentLabel and
 * RecommendedDisplayCIELabValue; each frame names its segment (Segment Identification Sequence,
 * per-frame or shared functional groups) and its plane (Plane Position / Plane Orientation /
 * Pixel Measures). A frame must lie on the series grid (its pixels on voxel centres), which is
 * how SEG objects derived from the series are written; a frame elsewhere is refused, naming it.
 *
 * BINARY segmentations are 1 bit per pixel, frames packed back to back, least significant bit
 * first (PS3.5 §8.1.1); FRACTIONAL ones are 8 bits, taken as inside at ≥ half of
 * MaximumFractionalValue (0062,000E). Only uncompressed transfer syntaxes are read.
 */
import dicomParser from 'dicom-parser';
import { ImageFormatError } from './imageFormatError.js';
import { hexOfDicomLab } from './labelTable.js';
import type { Geometry } from './volume.js';
import { applyAffine, physicalToIndexAffine, voxelCount } from './volume.js';

export interface DicomSegSegment {
  /** SegmentNumber (0062,0004). */
  number: number;
  /** SegmentLabel (0062,0005), or "Segment n". */
  label: string;
  /** From RecommendedDisplayCIELabValue, when present. */
  colour: string | undefined;
  /** Voxel value of the segment in `mask`. */
  value: number;
}

export interface DicomSeg {
  segments: DicomSegSegment[];
  /** On the series grid; voxel values are the segments' `value` (0 outside every segment). */
  mask: Uint8Array;
  frameOfReferenceUid: string | undefined;
  warnings: string[];
}

type DataSet = dicomParser.DataSet;

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);
/** A frame pixel within this fraction of a voxel of a voxel centre lies on the grid. */
const ON_GRID_VOXELS = 0.01;

function items(ds: DataSet | undefined, tag: string): DataSet[] {
  return (ds?.elements[tag]?.items ?? []).map((i) => i.dataSet).filter((d): d is DataSet => d !== undefined);
}

function numbers(ds: DataSet | undefined, tag: string): number[] | undefined {
  const text = ds?.string(tag);
  if (text === undefined) return undefined;
  return text.split('\\').map(Number);
}

/** A functional group's first item: per-frame when present, else shared. */
function group(frame: DataSet | undefined, shared: DataSet | undefined, tag: string): DataSet | undefined {
  return items(frame, tag)[0] ?? items(shared, tag)[0];
}

export function readDicomSeg(bytes: Uint8Array, source: string, grid: Geometry, gridName: string): DicomSeg {
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch (e) {
    const text = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    throw new ImageFormatError(source, `not a readable DICOM SEG: ${text}`, { cause: e });
  }
  const syntax = ds.string('x00020010')?.trim();
  if (syntax !== undefined && !UNCOMPRESSED.has(syntax))
    throw new ImageFormatError(
      source,
      `is a DICOM SEG in transfer syntax ${syntax}; RadStudy reads SEG pixel data uncompressed only (explicit or implicit VR little endian). Re-save it uncompressed (e.g. dcmconv +te)`,
    );
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  const frames = Number(ds.string('x00280008') ?? '1');
  const bits = ds.uint16('x00280100') ?? 1;
  const type = (ds.string('x00620001') ?? 'BINARY').trim().toUpperCase();
  if (rows <= 0 || cols <= 0 || !Number.isInteger(frames) || frames <= 0)
    throw new ImageFormatError(source, `DICOM SEG has ${rows} rows, ${cols} columns and ${frames} frames; it holds no image`);
  if (type === 'BINARY' ? bits !== 1 : type === 'FRACTIONAL' ? bits !== 8 : true)
    throw new ImageFormatError(
      source,
      `DICOM SEG of type ${type} with ${bits} bits allocated; expected BINARY with 1 bit or FRACTIONAL with 8 bits`,
    );
  const pixel = ds.elements.x7fe00010;
  if (!pixel) throw new ImageFormatError(source, 'DICOM SEG has no pixel data (7FE0,0010)');
  if (pixel.encapsulatedPixelData)
    throw new ImageFormatError(source, 'DICOM SEG pixel data is encapsulated (compressed); re-save it uncompressed');
  const perFrame = rows * cols;
  const needBytes = type === 'BINARY' ? Math.ceil((perFrame * frames) / 8) : perFrame * frames;
  if (pixel.length < needBytes)
    throw new ImageFormatError(
      source,
      `DICOM SEG pixel data holds ${pixel.length} bytes; ${frames} frames of ${rows}×${cols} need ${needBytes}`,
    );
  const data = bytes.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length);
  const threshold = type === 'FRACTIONAL' ? Math.max(1, Math.ceil((ds.uint16('x0062000e') ?? 255) / 2)) : 1;

  // Segments, and the voxel value each gets: its number when the numbers are distinct 1…255.
  const segItems = items(ds, 'x00620002');
  if (segItems.length === 0) throw new ImageFormatError(source, 'DICOM SEG has no Segment Sequence (0062,0002)');
  const numbersOf = segItems.map((s, k) => s.uint16('x00620004') ?? k + 1);
  const keep = new Set(numbersOf).size === numbersOf.length && numbersOf.every((n) => n >= 1 && n <= 255);
  if (!keep && segItems.length > 255)
    throw new ImageFormatError(source, `DICOM SEG has ${segItems.length} segments; at most 255 fit one labelmap`);
  const segments: DicomSegSegment[] = segItems.map((s, k) => {
    const lab = s.elements.x0062000d ? [0, 1, 2].map((i) => s.uint16('x0062000d', i) ?? 0) : undefined;
    const name = (s.string('x00620005') ?? '').trim();
    return {
      number: numbersOf[k]!,
      label: (name.length > 0 ? name : `Segment ${numbersOf[k]}`).slice(0, 60),
      colour: lab ? hexOfDicomLab(lab) : undefined,
      value: keep ? numbersOf[k]! : k + 1,
    };
  });
  const valueOf = new Map(segments.map((s) => [s.number, s.value]));

  const shared = items(ds, 'x52009229')[0];
  const frameGroups = items(ds, 'x52009230');
  const toIndex = physicalToIndexAffine(grid);
  const n = voxelCount(grid);
  const [nx, ny, nz] = grid.size;
  const mask = new Uint8Array(n);
  const warnings: string[] = [];
  let outside = 0;
  let overlap = 0;
  for (let f = 0; f < frames; f++) {
    const fg = frameGroups[f];
    const segNo = group(fg, shared, 'x0062000a')?.uint16('x0062000b');
    const value = segNo === undefined ? (segments.length === 1 ? segments[0]!.value : undefined) : valueOf.get(segNo);
    if (value === undefined)
      throw new ImageFormatError(
        source,
        `frame ${f + 1} of the DICOM SEG ${segNo === undefined ? 'names no segment' : `names segment ${segNo}, which the Segment Sequence does not have`}`,
      );
    const pos = numbers(group(fg, shared, 'x00209113'), 'x00200032');
    const iop = numbers(group(fg, shared, 'x00209116'), 'x00200037');
    const px = numbers(group(fg, shared, 'x00289110'), 'x00280030');
    if (
      !pos ||
      pos.length !== 3 ||
      !iop ||
      iop.length !== 6 ||
      !px ||
      px.length !== 2 ||
      [...pos, ...iop, ...px].some((x) => !Number.isFinite(x))
    )
      throw new ImageFormatError(
        source,
        `frame ${f + 1} of the DICOM SEG lacks a plane position, orientation or pixel spacing (functional groups 0020,9113 / 0020,9116 / 0028,9110)`,
      );
    // Pixel (column c, row r) lies at pos + c·colSpacing·rowDir + r·rowSpacing·colDir (PS3.3 C.7.6.2.1.1).
    const o = applyAffine(toIndex, pos[0]!, pos[1]!, pos[2]!);
    const ends = [
      [pos[0]! + iop[0]! * px[1]!, pos[1]! + iop[1]! * px[1]!, pos[2]! + iop[2]! * px[1]!],
      [pos[0]! + iop[3]! * px[0]!, pos[1]! + iop[4]! * px[0]!, pos[2]! + iop[5]! * px[0]!],
    ].map((p) => applyAffine(toIndex, p[0]!, p[1]!, p[2]!));
    const step = ends.map((e) => [e[0] - o[0], e[1] - o[1], e[2] - o[2]]);
    const onGrid = (x: number) => Math.abs(x - Math.round(x)) <= ON_GRID_VOXELS;
    if (![...o, ...step[0]!, ...step[1]!].every(onGrid))
      throw new ImageFormatError(
        source,
        `frame ${f + 1} of the DICOM SEG (position ${pos.map((x) => +x.toFixed(3)).join(', ')} mm) does not lie on the voxel grid of ${gridName}; the SEG was drawn on another series or grid`,
      );
    const [oi, oj, ok] = o.map(Math.round) as [number, number, number];
    const [ci, cj, ck] = step[0]!.map(Math.round) as [number, number, number];
    const [ri, rj, rk] = step[1]!.map(Math.round) as [number, number, number];
    const base = f * perFrame;
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const b = base + r * cols + c;
        const inside = type === 'BINARY' ? (data[b >> 3]! >> (b & 7)) & 1 : data[b]! >= threshold ? 1 : 0;
        if (!inside) continue;
        const i = oi + c * ci + r * ri;
        const j = oj + c * cj + r * rj;
        const k = ok + c * ck + r * rk;
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) {
          outside++;
          continue;
        }
        const v = i + nx * (j + ny * k);
        if (mask[v] !== 0 && mask[v] !== value) overlap++;
        mask[v] = value;
      }
  }
  if (outside > 0) warnings.push(`${outside} segmented pixels of the DICOM SEG lie outside ${gridName} and were left out.`);
  if (overlap > 0)
    warnings.push(`${overlap} voxels belong to two segments of the DICOM SEG; each went to the segment of the later frame.`);
  if (type === 'FRACTIONAL')
    warnings.push(`The FRACTIONAL segmentation was taken as inside where its value is at least ${threshold}.`);
  return { segments, mask, frameOfReferenceUid: ds.string('x00200052'), warnings };
}
