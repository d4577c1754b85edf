/**
 * Preprocessing as PyRadiomics does it (radiomics/imageoperations.py): the ROI of one label,
 * ROI checks, whole-image normalisation, re-segmentation and the crop to the ROI bounding box.
 *
 * Order, as in `RadiomicsFeatureExtractor.execute`: normalise the image (statistics of the whole
 * image), check the mask, re-segment, then crop image and mask to the (re-segmented) ROI bounding
 * box without padding. Feature classes only ever see the cropped arrays, whose layout is x-fastest
 * like the volume (equal to numpy's C order on PyRadiomics' (z, y, x) arrays).
 */
import { Buffer } from 'node:buffer';
import type { Vec3, Volume } from '../imaging/volume.js';
import { RadiomicsInputError } from './errors.js';
import { kernels } from './native.js';
import type { RadiomicsSettings } from './settings.js';

/** Inclusive voxel-index bounds (i, j, k) of the ROI. */
export interface BoundingBox {
  lower: Vec3;
  upper: Vec3;
}

export interface CroppedRoi {
  /** Size of the crop (nx, ny, nz). */
  size: Vec3;
  spacingMm: Vec3;
  /** Intensities after preprocessing, x-fastest over the crop. */
  values: Float64Array;
  /** 1 inside the ROI, 0 outside. */
  mask: Uint8Array;
  voxelCount: number;
  /** Position of the crop in the input image. */
  bbox: BoundingBox;
  /**
   * Crop offsets of the ROI voxels, ascending (x fastest): set by cropRoi and resegment, built on
   * first use by roiVoxels otherwise. Loops over it visit the ROI voxels in the order of a scan of
   * `mask`, so their sums are the same, without reading the crop's other voxels.
   */
  voxels?: Int32Array;
}

/** The ROI voxels' crop offsets (see CroppedRoi.voxels), built and kept on the crop if absent. */
export function roiVoxels(crop: { mask: Uint8Array; voxelCount: number; voxels?: Int32Array }): Int32Array {
  if (crop.voxels) return crop.voxels;
  const { mask } = crop;
  const out = new Int32Array(crop.voxelCount);
  let n = 0;
  for (let o = 0; o < mask.length; o++) if (mask[o]) out[n++] = o;
  if (n !== crop.voxelCount) throw new Error(`roiVoxels: the mask holds ${n} ROI voxels, but the crop says ${crop.voxelCount}`);
  crop.voxels = out;
  return out;
}

/** Voxels of one label in a (possibly multi-channel) label map, without copying it. */
export interface LabelSelection {
  labels: ArrayLike<number>;
  /** Values per voxel in `labels` and the one read. */
  components: number;
  channel: number;
  label: number;
}

/** What cropRoi keeps: a 0/1 ROI map over the image, or the voxels of one label of a mask. */
export type RoiSelector = Uint8Array | LabelSelection;

/** The voxels equal to `label` in `mask`'s channel `labelChannel`, checked like roiOfLabel. */
export function labelSelection(mask: Volume, label: number, labelChannel = 0): LabelSelection {
  const comps = mask.components ?? 1;
  if (labelChannel >= comps) {
    throw new RadiomicsInputError('mask', `label_channel ${labelChannel} requested, but the mask has ${comps} channel(s)`);
  }
  return { labels: mask.data, components: comps, channel: labelChannel, label };
}

/**
 * Count and bounding box of the voxels equal to `label` (PyRadiomics `getMask` +
 * `LabelStatisticsImageFilter`), without a voxel-sized allocation. The scan reads the whole label
 * map once and is memory-bound: for a one-channel map, a native byte search (labelFinder) finds the
 * next row holding the label (far faster than a JS loop over a sparse map) and that row is then
 * read to its end. Throws when nothing is segmented or the label is absent, listing the labels
 * present.
 */
export function labelBox(mask: Volume, label: number, labelChannel = 0): { voxelCount: number; bbox: BoundingBox } {
  const [nx, ny, nz] = mask.size;
  const sel = labelSelection(mask, label, labelChannel);
  const data = sel.labels;
  const comps = sel.components;
  const n = nx * ny * nz;
  const lower: Vec3 = [nx, ny, nz];
  const upper: Vec3 = [-1, -1, -1];
  let count = 0;
  let o = 0;
  const find = comps === 1 && ArrayBuffer.isView(data) ? labelFinder(data as unknown as Int32Array, label) : null;
  while (o < n) {
    if (find) {
      o = find(o);
      if (o < 0) break;
    }
    // Row of voxel o: the rest of it (from o) is read here.
    const i0 = o % nx;
    const rowStart = o - i0;
    const r = rowStart / nx;
    const j = r % ny;
    const k = (r - j) / ny;
    let iLo = -1;
    let iHi = -1;
    for (let i = i0; i < nx; i++)
      if (data[(rowStart + i) * comps + labelChannel] === label) {
        if (iLo < 0) iLo = i;
        iHi = i;
        count++;
      }
    if (iLo >= 0) {
      if (iLo < lower[0]) lower[0] = iLo;
      if (iHi > upper[0]) upper[0] = iHi;
      if (j < lower[1]) lower[1] = j;
      if (j > upper[1]) upper[1] = j;
      if (k < lower[2]) lower[2] = k;
      if (k > upper[2]) upper[2] = k;
    }
    o = rowStart + nx;
  }
  if (count === 0) {
    const present = new Set<number>();
    for (let o = 0; o < n && present.size < 64; o++) {
      const v = data[o * comps + labelChannel]!;
      if (v !== 0) present.add(v);
    }
    if (present.size === 0) throw new RadiomicsInputError('mask', 'the mask is empty: no voxel is segmented (all are 0)');
    const list = [...present].sort((a, b) => a - b).join(', ');
    throw new RadiomicsInputError('mask', `label ${label} is not present in the mask; labels present: ${list}`);
  }
  return { voxelCount: count, bbox: { lower, upper } };
}

type TypedLabels = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/**
 * Returns `from ↦ index of the next element equal to label (from `from` on), or −1`. The element's
 * bytes hold at least one non-zero byte b (unless the label is 0): memchr over the bytes for b
 * (Buffer.indexOf of one byte, several times faster than TypedArray.indexOf on the mostly-zero
 * label maps) finds the candidates, and only those at b's position in an element are compared.
 */
function labelFinder(data: TypedLabels, label: number): (from: number) => number {
  const width = data.BYTES_PER_ELEMENT;
  const probe = new (data.constructor as new (n: number) => TypedLabels)(1);
  probe[0] = label;
  // A label the type cannot hold (or NaN) is never equal to an element: the plain search says so.
  if (probe[0] !== label) return (from) => data.indexOf(label, from);
  const pattern = new Uint8Array(probe.buffer);
  let at = 0;
  while (at < width && pattern[at] === 0) at++;
  if (at === width) return (from) => data.indexOf(label, from);
  const byte = pattern[at]!;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return (from) => {
    let p = from * width + at;
    for (;;) {
      p = bytes.indexOf(byte, p);
      if (p < 0) return -1;
      if ((p - at) % width === 0) {
        const e = (p - at) / width;
        if (data[e] === label) return e;
      }
      p++;
    }
  };
}

/**
 * Marks the voxels equal to `label` (see labelBox) in a 0/1 map over the whole mask. Throws when
 * nothing is segmented or the label is absent, listing the labels present.
 */
export function roiOfLabel(
  mask: Volume,
  label: number,
  labelChannel = 0,
): { roi: Uint8Array; voxelCount: number; bbox: BoundingBox } {
  const { voxelCount, bbox } = labelBox(mask, label, labelChannel);
  const [nx, ny, nz] = mask.size;
  const comps = mask.components ?? 1;
  const data = mask.data;
  const roi = new Uint8Array(nx * ny * nz);
  for (let k = bbox.lower[2]; k <= bbox.upper[2]; k++)
    for (let j = bbox.lower[1]; j <= bbox.upper[1]; j++) {
      const row = nx * (j + ny * k);
      for (let i = bbox.lower[0]; i <= bbox.upper[0]; i++) if (data[(row + i) * comps + labelChannel] === label) roi[row + i] = 1;
    }
  return { roi, voxelCount, bbox };
}

/** PyRadiomics `checkMask` size rules: no single voxel, enough dimensions, enough voxels. */
export function checkRoiSize(bbox: BoundingBox, voxelCount: number, settings: RadiomicsSettings): void {
  let dims = 0;
  for (let d = 0; d < 3; d++) if (bbox.upper[d]! > bbox.lower[d]!) dims++;
  if (dims === 0) {
    throw new RadiomicsInputError('mask', 'the ROI is a single voxel; texture and shape need at least two');
  }
  if (dims < settings.minimumROIDimensions) {
    throw new RadiomicsInputError(
      'mask',
      `the ROI spans ${dims} dimension(s), minimumROIDimensions requires ${settings.minimumROIDimensions}`,
    );
  }
  if (settings.minimumROISize !== null && voxelCount <= settings.minimumROISize) {
    throw new RadiomicsInputError(
      'mask',
      `the ROI has ${voxelCount} voxels, minimumROISize requires more than ${settings.minimumROISize}`,
    );
  }
}

/**
 * Mean and standard deviation of the whole image as SimpleITK's `Normalize` computes them
 * (ITK StatisticsImageFilter: unbiased variance, divisor N − 1).
 */
export function imageMeanStd(data: ArrayLike<number>, components = 1): { mean: number; std: number } {
  const n = data.length / components;
  let sum = 0;
  for (let o = 0; o < n; o++) sum += data[o * components]!;
  const mean = sum / n;
  let ss = 0;
  for (let o = 0; o < n; o++) {
    const d = data[o * components]! - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/**
 * The whole image normalised (PyRadiomics `normalizeImage`), as float64 — needed when the image
 * is resampled afterwards, since PyRadiomics normalises before resampling.
 */
export function normalizedVolume(
  image: Volume,
  settings: Pick<RadiomicsSettings, 'normalizeScale' | 'removeOutliers'>,
): Volume<Float64Array> {
  const comps = image.components ?? 1;
  const { mean, std } = imageMeanStd(image.data, comps);
  if (!(std > 0)) throw new RadiomicsInputError('image', 'cannot normalize: the image is constant (standard deviation 0)');
  const clamp = settings.removeOutliers ?? Infinity;
  const n = image.data.length / comps;
  const out = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    let v = (image.data[o * comps]! - mean) / std;
    if (v > clamp) v = clamp;
    else if (v < -clamp) v = -clamp;
    out[o] = v * settings.normalizeScale;
  }
  return {
    size: [...image.size],
    spacingMm: [...image.spacingMm],
    originMm: [...image.originMm],
    direction: [...image.direction],
    data: out,
  };
}

/** Finite-value check: PyRadiomics would propagate NaN silently; we refuse with the voxel index. */
function checkFinite(v: number, i: number, j: number, k: number): void {
  if (!Number.isFinite(v)) {
    throw new RadiomicsInputError(
      'image',
      `voxel (${i}, ${j}, ${k}) inside the ROI is ${v}; NaN or infinite intensities cannot be binned`,
    );
  }
}

/**
 * Crops image and ROI to `bbox`, applying normalisation (`normalize`, `removeOutliers`,
 * `normalizeScale`; PyRadiomics `normalizeImage`: z-score with whole-image statistics, clamp at
 * ±removeOutliers, then scale).
 */
export function cropRoi(image: Volume, roi: RoiSelector, bbox: BoundingBox, settings: RadiomicsSettings): CroppedRoi {
  const [nx, ny] = image.size;
  const comps = image.components ?? 1;
  const size: Vec3 = [bbox.upper[0] - bbox.lower[0] + 1, bbox.upper[1] - bbox.lower[1] + 1, bbox.upper[2] - bbox.lower[2] + 1];
  const n = size[0] * size[1] * size[2];
  const values = new Float64Array(n);
  const mask = new Uint8Array(n);
  const voxels = new Int32Array(n);
  let shift = 0;
  let scale = 1;
  let clamp = Infinity;
  if (settings.normalize) {
    const { mean, std } = imageMeanStd(image.data, comps);
    if (!(std > 0)) throw new RadiomicsInputError('image', 'cannot normalize: the image is constant (standard deviation 0)');
    shift = -mean;
    scale = 1 / std;
    if (settings.removeOutliers !== null) clamp = settings.removeOutliers;
  }
  const outScale = settings.normalize ? settings.normalizeScale : 1;
  // A 0/1 map is the label 1 of a one-channel map.
  const sel = roi instanceof Uint8Array ? { labels: roi, components: 1, channel: 0, label: 1 } : roi;
  const { labels, components: lc, channel, label } = sel;
  const kn = kernels();
  if (kn && !settings.normalize && comps === 1 && ArrayBuffer.isView(image.data) && ArrayBuffer.isView(labels)) {
    const r = kn.cropRoi(
      image.data,
      labels,
      lc,
      channel,
      label,
      nx,
      ny,
      Int32Array.from(bbox.lower),
      Int32Array.from(size),
      values,
      mask,
      voxels,
    );
    if (r < 0) {
      const o = -1 - r;
      const i = o % size[0];
      const j = ((o - i) / size[0]) % size[1];
      const k = (o - i - size[0] * j) / (size[0] * size[1]);
      checkFinite(values[o]!, bbox.lower[0] + i, bbox.lower[1] + j, bbox.lower[2] + k);
    }
    return { size, spacingMm: [...image.spacingMm], values, mask, voxelCount: r, bbox, voxels: voxels.subarray(0, r) };
  }
  let count = 0;
  for (let k = 0, o = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) {
      const row = bbox.lower[0] + nx * (bbox.lower[1] + j + ny * (bbox.lower[2] + k));
      for (let i = 0; i < size[0]; i++, o++) {
        let v = image.data[(row + i) * comps]!;
        if (settings.normalize) {
          v = (v + shift) * scale;
          if (v > clamp) v = clamp;
          else if (v < -clamp) v = -clamp;
          v *= outScale;
        }
        values[o] = v;
        if (labels[(row + i) * lc + channel] === label) {
          checkFinite(v, bbox.lower[0] + i, bbox.lower[1] + j, bbox.lower[2] + k);
          mask[o] = 1;
          voxels[count++] = o;
        }
      }
    }
  return { size, spacingMm: [...image.spacingMm], values, mask, voxelCount: count, bbox, voxels: voxels.subarray(0, count) };
}

/**
 * Re-segmentation (PyRadiomics `resegmentMask`): keep ROI voxels within `resegmentRange`,
 * closed interval; one value is a lower bound only. Modes: absolute values, relative to the
 * ROI maximum, or mean ± k·SD of the ROI (population SD, numpy.std). Returns a new crop,
 * re-cropped to the bounding box of what remains.
 */
export function resegment(crop: CroppedRoi, settings: RadiomicsSettings): CroppedRoi {
  const range = settings.resegmentRange;
  if (range === null) return crop;
  const sorted = [...range].sort((a, b) => a - b);
  const { values, mask } = crop;
  let thresholds = sorted;
  if (settings.resegmentMode === 'relative') {
    let max = -Infinity;
    for (let o = 0; o < mask.length; o++) if (mask[o] && values[o]! > max) max = values[o]!;
    thresholds = sorted.map((t) => max * t);
  } else if (settings.resegmentMode === 'sigma') {
    let sum = 0;
    for (let o = 0; o < mask.length; o++) if (mask[o]) sum += values[o]!;
    const mean = sum / crop.voxelCount;
    let ss = 0;
    for (let o = 0; o < mask.length; o++)
      if (mask[o]) {
        const d = values[o]! - mean;
        ss += d * d;
      }
    const sd = Math.sqrt(ss / crop.voxelCount);
    thresholds = sorted.map((t) => mean + sd * t);
  }
  const lo = thresholds[0]!;
  const hi = thresholds.length > 1 ? thresholds[1]! : Infinity;
  const [sx, sy, sz] = crop.size;
  const newMask = new Uint8Array(mask.length);
  const lower: Vec3 = [sx, sy, sz];
  const upper: Vec3 = [-1, -1, -1];
  let count = 0;
  for (let k = 0, o = 0; k < sz; k++)
    for (let j = 0; j < sy; j++)
      for (let i = 0; i < sx; i++, o++) {
        if (!mask[o]) continue;
        const v = values[o]!;
        if (v < lo || v > hi) continue;
        newMask[o] = 1;
        count++;
        if (i < lower[0]) lower[0] = i;
        if (i > upper[0]) upper[0] = i;
        if (j < lower[1]) lower[1] = j;
        if (j > upper[1]) upper[1] = j;
        if (k < lower[2]) lower[2] = k;
        if (k > upper[2]) upper[2] = k;
      }
  if (count === 0) {
    throw new RadiomicsInputError(
      'setting.resegmentRange',
      `re-segmentation (${settings.resegmentMode}, [${range.join(', ')}]) removed every ROI voxel`,
    );
  }
  const size: Vec3 = [upper[0] - lower[0] + 1, upper[1] - lower[1] + 1, upper[2] - lower[2] + 1];
  const n = size[0] * size[1] * size[2];
  const outValues = new Float64Array(n);
  const outMask = new Uint8Array(n);
  const outVoxels = new Int32Array(count);
  for (let k = 0, o = 0, c = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++) {
      const row = lower[0] + sx * (lower[1] + j + sy * (lower[2] + k));
      for (let i = 0; i < size[0]; i++, o++) {
        outValues[o] = values[row + i]!;
        const m = newMask[row + i]!;
        outMask[o] = m;
        if (m) outVoxels[c++] = o;
      }
    }
  const b = crop.bbox.lower;
  return {
    size,
    spacingMm: crop.spacingMm,
    values: outValues,
    mask: outMask,
    voxels: outVoxels,
    voxelCount: count,
    bbox: {
      lower: [b[0] + lower[0], b[1] + lower[1], b[2] + lower[2]],
      upper: [b[0] + upper[0], b[1] + upper[1], b[2] + upper[2]],
    },
  };
}
