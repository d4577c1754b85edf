/**
 * A lesion mask from a segmentation file, on the voxel grid of a reference series.
 *
 * Labelmaps (NIfTI, NRRD) give the voxels equal to a label (default: every non-zero voxel);
 * a Slicer .seg.nrrd gives one segment chosen by name, id or label value; an RTSTRUCT gives
 * one ROI rasterized onto the series grid (rtstruct.ts). A labelmap on another grid is
 * resampled onto the series grid by nearest neighbour (resample.ts), as ITK's
 * NearestNeighborInterpolateImageFunction, and the difference is stated in a warning.
 */
import dicomParser from 'dicom-parser';
import { ImageFormatError } from './imageFormatError.js';
import { readImage } from './imageIo.js';
import { sameGeometry } from './geometry.js';
import { resampleNearest } from './resample.js';
import { findRoi, rasterizeRoi, readRtStruct } from './rtstruct.js';
import { segmentMask } from './slicerSegmentation.js';
import type { Geometry, Volume } from './volume.js';
import { voxelCount } from './volume.js';

export type MaskSourceFormat = 'nifti' | 'nrrd' | 'seg.nrrd' | 'rtstruct';

export interface MaskSelector {
  label?: number | undefined;
  segment?: string | undefined;
  roi?: string | undefined;
}

export interface LesionMaskInput {
  bytes: Uint8Array;
  /** File path, for messages. */
  source: string;
  /** Series grid and a name for messages ("series #3 (t2_tse_fs)"). */
  grid: Geometry;
  gridName: string;
  /** FrameOfReferenceUID of the series, when known (checked against an RTSTRUCT's). */
  frameOfReferenceUid?: string | undefined;
  select: MaskSelector;
}

export interface LesionMask {
  format: MaskSourceFormat;
  mask: Uint8Array;
  /** What was taken: "label 1", "segment "Tumor" (label 1)", "ROI "GTV-1"". */
  label: string;
  resampled: boolean;
  warnings: string[];
}

const RTSTRUCT_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.481.3';
const SEG_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';

function isDicom(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM';
}

function dicomKind(bytes: Uint8Array, source: string): 'rtstruct' | 'seg' | 'image' {
  let sop: string | undefined;
  let modality: string | undefined;
  try {
    const ds = dicomParser.parseDicom(bytes, { untilTag: 'x00200052' });
    sop = ds.string('x00080016');
    modality = ds.string('x00080060');
  } catch (e) {
    const text = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    throw new ImageFormatError(source, `not a readable DICOM file: ${text}`, { cause: e });
  }
  if (sop === RTSTRUCT_SOP_CLASS || modality === 'RTSTRUCT') return 'rtstruct';
  if (sop === SEG_SOP_CLASS || modality === 'SEG') return 'seg';
  return 'image';
}

export async function lesionMask(input: LesionMaskInput): Promise<LesionMask> {
  const { bytes, source, select } = input;
  if (isDicom(bytes)) {
    const kind = dicomKind(bytes, source);
    if (kind === 'rtstruct') return fromRtStruct(input);
    if (kind === 'seg')
      throw new ImageFormatError(
        source,
        'is a DICOM SEG object, which RadStudy cannot import yet; export the segment as NIfTI, NRRD or RTSTRUCT',
      );
    throw new ImageFormatError(
      source,
      'is a DICOM image, not a segmentation; choose a labelmap (.nii, .nii.gz, .nrrd), a Slicer .seg.nrrd or an RTSTRUCT file',
    );
  }
  if (select.roi !== undefined)
    throw new ImageFormatError(source, `an ROI ("${select.roi}") was given, but the file is not an RTSTRUCT`);
  const img = await readImage(bytes, source);
  if (img.format === 'dicom') throw new ImageFormatError(source, 'is a DICOM image, not a segmentation');
  const warnings = [...img.warnings];
  let mask: Uint8Array;
  let label: string;
  let format: MaskSourceFormat = img.format === 'nifti' ? 'nifti' : 'nrrd';
  if (img.segmentation && img.segmentation.segments.length > 0) {
    format = 'seg.nrrd';
    const segs = img.segmentation.segments;
    const seg =
      select.segment !== undefined
        ? segs.find((s) => s.name.toLowerCase() === select.segment!.toLowerCase() || s.id === select.segment)
        : select.label !== undefined
          ? segs.find((s) => s.labelValue === select.label)
          : segs.length === 1
            ? segs[0]
            : undefined;
    if (!seg) {
      const have = segs.map((s) => `"${s.name}" (label ${s.labelValue})`).join(', ');
      const asked =
        select.segment !== undefined
          ? `no segment "${select.segment}"`
          : select.label !== undefined
            ? `no segment with label ${select.label}`
            : `${segs.length} segments`;
      throw new ImageFormatError(source, `has ${asked}; choose one of ${have} by --segment NAME or --label N`);
    }
    mask = segmentMask(img.volume, seg);
    label = `segment "${seg.name}" (label ${seg.labelValue})`;
  } else {
    if (select.segment !== undefined)
      throw new ImageFormatError(
        source,
        `a segment ("${select.segment}") was given, but the file has no Slicer segment metadata`,
      );
    mask = labelMask(img.volume, select.label);
    label = select.label !== undefined ? `label ${select.label}` : 'all non-zero voxels';
  }
  if (!mask.some((v) => v !== 0))
    throw new ImageFormatError(
      source,
      select.label !== undefined || select.segment !== undefined
        ? `${label} is absent: no voxel of the mask has it`
        : 'the mask is empty: every voxel is 0',
    );
  const check = sameGeometry(input.grid, img.volume, GRID_TOLERANCE_MM, { a: input.gridName, b: source });
  let resampled = false;
  if (!check.same) {
    const maskVolume: Volume = { ...geometryOf(img.volume), data: mask };
    mask = resampleNearest(maskVolume, input.grid, 0).data as Uint8Array;
    resampled = true;
    warnings.push(
      `${describeGridDifference(img.volume, input.grid, input.gridName)}; the mask was resampled onto the series grid by nearest neighbour.`,
    );
    if (!mask.some((v) => v !== 0))
      throw new ImageFormatError(
        source,
        `the mask does not overlap ${input.gridName}: after resampling onto its grid no voxel is inside (${describeGridDifference(img.volume, input.grid, input.gridName)})`,
      );
  }
  return { format, mask, label, resampled, warnings };
}

/** Grids closer than this (largest voxel-centre move, mm) are the same grid, as PyRadiomics' geometryTolerance. */
const GRID_TOLERANCE_MM = 1e-3;
const DIRECTION_TOLERANCE = 1e-6;

const mm = (x: number): string => `${+x.toFixed(4)} mm`;
const vec = (v: readonly number[]): string => `(${v.map((x) => +x.toFixed(4)).join(', ')})`;

/**
 * One sentence naming what differs between the mask grid and the series grid, and by how
 * much: size (voxels), spacing and origin (mm, beyond the tolerance), direction (largest
 * cosine difference).
 */
export function describeGridDifference(mask: Geometry, series: Geometry, seriesName: string): string {
  const parts: string[] = [];
  if (mask.size.some((n, k) => n !== series.size[k]))
    parts.push(`size ${mask.size.join('×')} vs ${series.size.join('×')} voxels`);
  let ds = 0;
  for (let k = 0; k < 3; k++) ds = Math.max(ds, Math.abs(mask.spacingMm[k] - series.spacingMm[k]));
  if (ds > GRID_TOLERANCE_MM) parts.push(`spacing ${vec(mask.spacingMm)} vs ${vec(series.spacingMm)} mm (up to ${mm(ds)} apart)`);
  const dOrigin = Math.hypot(
    mask.originMm[0] - series.originMm[0],
    mask.originMm[1] - series.originMm[1],
    mask.originMm[2] - series.originMm[2],
  );
  if (dOrigin > GRID_TOLERANCE_MM)
    parts.push(`origin ${vec(mask.originMm)} vs ${vec(series.originMm)} mm (shifted by ${mm(dOrigin)})`);
  let dd = 0;
  for (let k = 0; k < 9; k++) dd = Math.max(dd, Math.abs(mask.direction[k]! - series.direction[k]!));
  if (dd > DIRECTION_TOLERANCE) parts.push(`direction cosines differ by up to ${dd.toPrecision(3)}`);
  const check = sameGeometry(series, mask, GRID_TOLERANCE_MM);
  const moved = Number.isFinite(check.maxDisplacementMm) ? `; voxel centres move by up to ${mm(check.maxDisplacementMm)}` : '';
  return `The mask grid differs from ${seriesName}: ${parts.join('; ') || 'sub-tolerance differences only'}${moved}`;
}

function geometryOf(v: Geometry): Geometry {
  return { size: [...v.size], spacingMm: [...v.spacingMm], originMm: [...v.originMm], direction: [...v.direction] };
}

/** 1 where the first component equals `label` (or is non-zero when no label is given). */
function labelMask(v: Volume, label: number | undefined): Uint8Array {
  const nc = v.components ?? 1;
  const n = voxelCount(v);
  const out = new Uint8Array(n);
  const d = v.data;
  if (label === undefined) for (let i = 0, p = 0; i < n; i++, p += nc) out[i] = d[p] !== 0 ? 1 : 0;
  else for (let i = 0, p = 0; i < n; i++, p += nc) out[i] = d[p] === label ? 1 : 0;
  return out;
}

function fromRtStruct(input: LesionMaskInput): LesionMask {
  const { source, select } = input;
  if (select.label !== undefined || select.segment !== undefined)
    throw new ImageFormatError(
      source,
      'is an RTSTRUCT: choose the structure by ROI name or number (--roi), not by label or segment',
    );
  const set = readRtStruct(input.bytes, source);
  if (set.frameOfReferenceUid && input.frameOfReferenceUid && set.frameOfReferenceUid !== input.frameOfReferenceUid)
    throw new ImageFormatError(
      source,
      `references frame of reference ${set.frameOfReferenceUid}, but ${input.gridName} is in ${input.frameOfReferenceUid}; import the RTSTRUCT onto the series it was drawn on`,
    );
  let roi;
  if (select.roi !== undefined) roi = findRoi(set, /^\d+$/.test(select.roi) ? Number(select.roi) : select.roi);
  else if (set.rois.length === 1) roi = set.rois[0]!;
  else
    throw new ImageFormatError(
      source,
      `holds ${set.rois.length} ROIs (${set.rois.map((r) => `"${r.name}"`).join(', ')}); choose one with --roi NAME`,
    );
  const r = rasterizeRoi(roi, input.grid);
  if (!r.mask.some((v) => v !== 0))
    throw new ImageFormatError(
      source,
      `ROI "${roi.name}" does not overlap ${input.gridName}: no voxel centre lies inside its contours`,
    );
  return { format: 'rtstruct', mask: r.mask, label: `ROI "${roi.name}"`, resampled: false, warnings: r.warnings };
}
