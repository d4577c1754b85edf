/**
 * One entry point for "read this image file" and "write this volume as FILE": the format is
 * recognised from the bytes (NRRD magic, NIfTI sizeof_hdr, DICOM preamble), not trusted from
 * the file name; writing picks the format from the extension (.nrrd, .seg.nrrd, .nii, .nii.gz).
 */
import { constants, gunzipSync } from 'node:zlib';
import { readDicomImage } from './dicom/readDicom.js';
import { ImageFormatError } from './imageFormatError.js';
import { readNifti, writeNifti } from './nifti.js';
import { readNrrd, writeNrrd } from './nrrd.js';
import type { SlicerSegmentation } from './slicerSegmentation.js';
import type { Volume } from './volume.js';

export type ImageFormat = 'nrrd' | 'nifti' | 'dicom';

export interface ReadImageResult {
  format: ImageFormat;
  volume: Volume;
  warnings: string[];
  /** Slicer segment metadata when the file is a `.seg.nrrd`. */
  segmentation?: SlicerSegmentation;
}

/** Recognises the format from the first bytes; `undefined` when it is none of the three. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && String.fromCharCode(...bytes.subarray(0, 4)) === 'NRRD') return 'nrrd';
  if (bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM') return 'dicom';
  let head = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // Only the first bytes are needed: inflate a prefix, accepting the partial stream.
    try {
      head = gunzipSync(bytes.subarray(0, 4096), { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, 4);
    } catch {
      return undefined;
    }
  }
  if (head.length >= 4) {
    const view = new DataView(head.buffer, head.byteOffset, 4);
    for (const le of [true, false]) {
      const size = view.getInt32(0, le);
      if (size === 348 || size === 540) return 'nifti';
    }
  }
  return undefined;
}

export async function readImage(bytes: Uint8Array, sourceName: string): Promise<ReadImageResult> {
  const format = detectImageFormat(bytes);
  switch (format) {
    case 'nrrd': {
      const img = readNrrd(bytes, sourceName);
      const result: ReadImageResult = { format, volume: img.volume, warnings: img.warnings };
      if (img.segmentation) result.segmentation = img.segmentation;
      return result;
    }
    case 'nifti': {
      const img = readNifti(bytes, sourceName);
      return { format, volume: img.volume, warnings: img.warnings };
    }
    case 'dicom': {
      const img = await readDicomImage(bytes, sourceName);
      return { format, volume: img.volume, warnings: img.warnings };
    }
    default:
      throw new ImageFormatError(sourceName, 'not an image RadStudy can read (expected NRRD, NIfTI-1/2 or DICOM)');
  }
}

/** Encodes `volume` in the format named by `fileName`'s extension. */
export function writeImage(
  volume: Volume,
  fileName: string,
  options: { segmentation?: SlicerSegmentation; keyValues?: Record<string, string> } = {},
): Uint8Array {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.nrrd')) {
    const o: Parameters<typeof writeNrrd>[1] = {};
    if (options.segmentation) o.segmentation = options.segmentation;
    if (options.keyValues) o.keyValues = options.keyValues;
    return writeNrrd(volume, o);
  }
  if (lower.endsWith('.nii.gz')) return writeNifti(volume, { gzip: true });
  if (lower.endsWith('.nii')) return writeNifti(volume);
  throw new ImageFormatError(fileName, 'cannot write this format: use .nrrd, .seg.nrrd, .nii or .nii.gz');
}
