/**
 * A lesion mask from a segmentation file, on the voxel grid of a reference series.
 *
 * Labelmaps (NIfTI, NRRD) give the voxels equal to a chosen label as label 1, or, with no label
 * chosen, all their labels (labelTable.ts: one non-zero value → label 1; several integer values
 * 1…255 → those labels); a Slicer .seg.nrrd gives one chosen segment as label 1, or every segment
 * with its name and colour; a DICOM SEG likewise, one label per segment (dicomSeg.ts); an
 * RTSTRUCT gives one ROI rasterized onto the series grid (rtstruct.ts). A labelmap on another grid is
 * resampled onto the series grid by nearest neighbour (resample.ts), as ITK's
 * NearestNeighborInterpolateImageFunction, and the difference is stated in a warning.
 */
import dicomParser from 'dicom-parser';
import { ImageFormatError } from './imageFormatError.js';
import { readImage } from './imageIo.js';
import { sameGeometry } from './geometry.js';
import { resampleNearest } from './resample.js';
import { findRoi, rasterizeRoi, readRtStruct } from './rtstruct.js';
import { readDicomSeg } from './dicomSeg.js';
import {
  distinctNonZero,
  hexOfUnitRgb,
  labelmapLabels,
  paletteColour,
  storableLabels,
  type ImportedLabel,
} from './labelTable.js';
import { segmentMask, segmentsLabelmap } from './slicerSegmentation.js';
import type { Geometry, Volume } from './volume.js';
import { voxelCount } from './volume.js';

export type MaskSourceFormat = 'nifti' | 'nrrd' | 'seg.nrrd' | 'dicom-seg' | 'rtstruct';

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
  /** Voxel values 0…255 on the series grid: 1 for a single label, the label values otherwise. */
  mask: Uint8Array;
  /** What was taken: "label 1", "segment "Tumor" (label 1)", "ROI "GTV-1"", "labels 1, 2". */
  label: string;
  /** Label table (value, name, colour) of the mask; empty for a plain binary labelmap (label 1). */
  labels: ImportedLabel[];
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
    if (kind === 'seg') return onGrid(input, fromDicomSeg(input));
    throw new ImageFormatError(
      source,
      'is a DICOM image, not a segmentation; choose a labelmap (.nii, .nii.gz, .nrrd), a Slicer .seg.nrrd, a DICOM SEG or an RTSTRUCT file',
    );
  }
  if (select.roi !== undefined)
    throw new ImageFormatError(source, `an ROI ("${select.roi}") was given, but the file is not an RTSTRUCT`);
  const img = await readImage(bytes, source);
  if (img.format === 'dicom') throw new ImageFormatError(source, 'is a DICOM image, not a segmentation');
  const warnings = [...img.warnings];
  let mask: Uint8Array;
  let label: string;
  let labels: ImportedLabel[] = [];
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
    if (!seg && select.segment === undefined && select.label === undefined) {
      // Every segment, with its name and colour (label values as labelTable.ts / segmentsLabelmap).
      const all = segmentsLabelmap(img.volume, segs);
      mask = all.mask;
      labels = segs.map((s, k) => ({
        value: all.values[k]!,
        name: s.name,
        colour: s.color ? hexOfUnitRgb(s.color) : paletteColour(all.values[k]!),
      }));
      label = `segments ${segs.map((s, k) => `"${s.name}" (label ${all.values[k]})`).join(', ')}`;
      if (all.overlapVoxels > 0)
        warnings.push(
          `${all.overlapVoxels} voxels belong to two segments (segments on different layers overlap); each went to the later segment.`,
        );
      return onGrid(input, { format, mask, label, labels, warnings, geometry: img.volume, chosen: false });
    }
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
    labels = [{ value: 1, name: seg.name, colour: seg.color ? hexOfUnitRgb(seg.color) : paletteColour(1) }];
  } else {
    if (select.segment !== undefined)
      throw new ImageFormatError(
        source,
        `a segment ("${select.segment}") was given, but the file has no Slicer segment metadata`,
      );
    if (select.label !== undefined) {
      mask = labelMask(img.volume, select.label);
      label = `label ${select.label}`;
    } else {
      const values = distinctNonZero(img.volume);
      const all = labelmapLabels(img.volume, values, source);
      mask = all.mask;
      labels = all.labels;
      label = all.binary ? 'all non-zero voxels' : `labels ${values.join(', ')}`;
      if (all.binary && values.length === 1 && values[0] !== 1)
        warnings.push(`The mask's only non-zero value, ${+values[0]!.toPrecision(6)}, was imported as label 1.`);
    }
  }
  return onGrid(input, {
    format,
    mask,
    label,
    labels,
    warnings,
    geometry: img.volume,
    chosen: select.label !== undefined || select.segment !== undefined,
  });
}

/** A mask read from a file, on the file's own grid. */
interface FileMask {
  format: MaskSourceFormat;
  mask: Uint8Array;
  label: string;
  labels: ImportedLabel[];
  warnings: string[];
  geometry: Geometry;
  /** A label or segment was chosen (for the message when it is absent). */
  chosen: boolean;
}

/** Checks the mask is not empty and puts it on the series grid (nearest neighbour keeps label values). */
function onGrid(input: LesionMaskInput, m: FileMask): LesionMask {
  const { source } = input;
  let mask = m.mask;
  const warnings = [...m.warnings];
  if (!mask.some((v) => v !== 0))
    throw new ImageFormatError(
      source,
      m.chosen ? `${m.label} is absent: no voxel of the mask has it` : 'the mask is empty: every voxel is 0',
    );
  const check = sameGeometry(input.grid, m.geometry, GRID_TOLERANCE_MM, { a: input.gridName, b: source });
  let resampled = false;
  if (!check.same) {
    const maskVolume: Volume = { ...geometryOf(m.geometry), data: mask };
    mask = resampleNearest(maskVolume, input.grid, 0).data as Uint8Array;
    resampled = true;
    warnings.push(
      `${describeGridDifference(m.geometry, input.grid, input.gridName)}; the mask was resampled onto the series grid by nearest neighbour.`,
    );
    if (!mask.some((v) => v !== 0))
      throw new ImageFormatError(
        source,
        `the mask does not overlap ${input.gridName}: after resampling onto its grid no voxel is inside (${describeGridDifference(m.geometry, input.grid, input.gridName)})`,
      );
  }
  // Labels the resampling dropped (a label thinner than a series voxel) leave the table.
  let labels = m.labels;
  if (resampled && labels.length > 1) {
    const present = new Set<number>();
    for (let v = 0; v < mask.length; v++) if (mask[v] !== 0) present.add(mask[v]!);
    const lost = labels.filter((l) => !present.has(l.value));
    if (lost.length > 0) {
      labels = labels.filter((l) => present.has(l.value));
      warnings.push(
        `After resampling no voxel has ${lost.map((l) => `"${l.name}" (label ${l.value})`).join(', ')}; the label was left out.`,
      );
    }
  }
  return { format: m.format, mask, label: m.label, labels: storableLabels(labels), resampled, warnings };
}

/** A DICOM SEG: one chosen segment as label 1, or every segment as its own label. */
function fromDicomSeg(input: LesionMaskInput): FileMask {
  const { source, select } = input;
  if (select.roi !== undefined)
    throw new ImageFormatError(source, `an ROI ("${select.roi}") was given, but the file is a DICOM SEG, not an RTSTRUCT`);
  const seg = readDicomSeg(input.bytes, source, input.grid, input.gridName);
  if (seg.frameOfReferenceUid && input.frameOfReferenceUid && seg.frameOfReferenceUid !== input.frameOfReferenceUid)
    throw new ImageFormatError(
      source,
      `references frame of reference ${seg.frameOfReferenceUid}, but ${input.gridName} is in ${input.frameOfReferenceUid}; import the SEG onto the series it was drawn on`,
    );
  const base = { format: 'dicom-seg' as const, geometry: input.grid, warnings: seg.warnings };
  const colour = (s: (typeof seg.segments)[number], value: number): string => s.colour ?? paletteColour(value);
  if (select.segment !== undefined || select.label !== undefined) {
    const s =
      select.segment !== undefined
        ? seg.segments.find((x) => x.label.toLowerCase() === select.segment!.toLowerCase() || String(x.number) === select.segment)
        : seg.segments.find((x) => x.number === select.label);
    if (!s) {
      const have = seg.segments.map((x) => `"${x.label}" (segment ${x.number})`).join(', ');
      const asked = select.segment !== undefined ? `no segment "${select.segment}"` : `no segment number ${select.label}`;
      throw new ImageFormatError(source, `has ${asked}; choose one of ${have} by --segment NAME or --label N`);
    }
    const mask = new Uint8Array(seg.mask.length);
    for (let v = 0; v < mask.length; v++) mask[v] = seg.mask[v] === s.value ? 1 : 0;
    return {
      ...base,
      mask,
      label: `segment "${s.label}" (segment ${s.number})`,
      labels: [{ value: 1, name: s.label, colour: colour(s, 1) }],
      chosen: true,
    };
  }
  const labels = seg.segments.map((s) => ({ value: s.value, name: s.label, colour: colour(s, s.value) }));
  // One segment is label 1, whatever its segment number.
  const mask = seg.segments.length === 1 ? seg.mask.map((v) => (v !== 0 ? 1 : 0)) : seg.mask;
  return {
    ...base,
    mask,
    label:
      seg.segments.length === 1
        ? `segment "${seg.segments[0]!.label}" (segment ${seg.segments[0]!.number})`
        : `segments ${seg.segments.map((s) => `"${s.label}" (label ${s.value})`).join(', ')}`,
    labels: seg.segments.length === 1 ? labels.map((l) => ({ ...l, value: 1 })) : labels,
    chosen: false,
  };
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
  return { format: 'rtstruct', mask: r.mask, label: `ROI "${roi.name}"`, labels: [], resampled: false, warnings: r.warnings };
}
