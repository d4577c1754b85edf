/**
 * Pixel Data (7FE0,0010) → one typed array per frame, stored values (before rescale).
 *
 * Native data (PS3.5 §8.1.1): frames are contiguous, BitsAllocated per sample, in the
 * transfer syntax's byte order; BitsAllocated 1 packs pixels as bits across frame boundaries.
 * Encapsulated data (PS3.5 §8.2, Annex A.4): fragments, one or more per frame, located through
 * the Basic Offset Table when present. Stored values keep only BitsStored bits: the unused
 * high bits are cleared (unsigned) or filled with the sign (PixelRepresentation 1).
 */
import dicomParser from 'dicom-parser';
import type { Element } from 'dicom-parser';
import { ImageFormatError } from '../imageFormatError.js';
import type { VoxelArray } from '../volume.js';
import { decodeVoxels } from '../voxelTypes.js';
import type { VoxelType } from '../voxelTypes.js';
import type { DicomFile, DicomHeader } from './dicomFile.js';
import { decodeRleFrame } from './rle.js';
import { transferSyntax, transferSyntaxName } from './transferSyntax.js';
import { decodeCompressedFrame } from './wasmCodec.js';

export interface DecodedFrames {
  /** One array per frame, rows × columns × samplesPerPixel values, samples interleaved. */
  frames: VoxelArray[];
  type: VoxelType;
  warnings: string[];
}

export function storedType(h: Pick<DicomHeader, 'bitsAllocated' | 'pixelRepresentation' | 'source'>): VoxelType {
  const signed = h.pixelRepresentation === 1;
  switch (h.bitsAllocated) {
    case 1:
    case 8:
      return signed ? 'int8' : 'uint8';
    case 16:
      return signed ? 'int16' : 'uint16';
    case 32:
      return signed ? 'int32' : 'uint32';
    default:
      throw new ImageFormatError(h.source, `DICOM BitsAllocated ${h.bitsAllocated} is not supported (1, 8, 16 or 32)`);
  }
}

export async function decodeFrames(file: DicomFile): Promise<DecodedFrames> {
  const h = file.header;
  const src = h.source;
  if (!h.hasPixelData) throw new ImageFormatError(src, 'DICOM file has no Pixel Data (7FE0,0010)');
  const ts = transferSyntax(h.transferSyntaxUid);
  if (!ts) {
    throw new ImageFormatError(
      src,
      `transfer syntax ${h.transferSyntaxUid} (${transferSyntaxName(h.transferSyntaxUid)}) is not supported; convert the series to explicit VR little endian (e.g. dcmdjpeg/gdcmconv --raw)`,
    );
  }
  const type = storedType(h);
  const pixelsPerFrame = h.rows * h.columns * h.samplesPerPixel;
  const element = file.dataSet.elements.x7fe00010!;
  const warnings: string[] = [];
  const frames: VoxelArray[] = [];

  if (ts.encoding === 'native' && !element.encapsulatedPixelData) {
    const start = element.dataOffset;
    const available = Math.min(element.length, file.bytes.length - start);
    const bitsPerFrame = pixelsPerFrame * h.bitsAllocated;
    const needed = Math.ceil((bitsPerFrame * h.numberOfFrames) / 8);
    if (available < needed) {
      throw new ImageFormatError(
        src,
        `DICOM pixel data are truncated: ${available} bytes for ${h.numberOfFrames} frame(s) of ${h.rows}×${h.columns} (${needed} bytes)`,
      );
    }
    if (available > needed + 1) warnings.push(`${available - needed} bytes of excess pixel data were ignored`);
    for (let f = 0; f < h.numberOfFrames; f++) {
      if (h.bitsAllocated === 1) {
        frames.push(unpackBits(file.bytes, start, f * bitsPerFrame, pixelsPerFrame));
      } else {
        frames.push(decodeVoxels(file.bytes, start + (f * bitsPerFrame) / 8, pixelsPerFrame, type, ts.littleEndian));
      }
    }
  } else {
    const encoding = ts.encoding;
    if (encoding === 'native')
      throw new ImageFormatError(src, `pixel data are encapsulated but ${ts.name} is not a compressed syntax`);
    for (let f = 0; f < h.numberOfFrames; f++) {
      const encoded = encapsulatedFrame(file, element, f);
      let bytes: Uint8Array;
      try {
        if (encoding === 'rle') {
          bytes = decodeRleFrame(encoded, h.rows, h.columns, h.samplesPerPixel, h.bitsAllocated);
        } else {
          const j = await decodeCompressedFrame(encoding, encoded, h.bitsAllocated);
          // The WebAssembly codecs report an unreadable (e.g. truncated) stream as a 0×0 image.
          if (j.width === 0 || j.height === 0) throw new Error('the compressed stream is truncated or corrupt');
          if (j.width !== h.columns || j.height !== h.rows || j.components !== h.samplesPerPixel) {
            throw new Error(
              `the codestream is ${j.width}×${j.height}×${j.components}, the header says ${h.columns}×${h.rows}×${h.samplesPerPixel}`,
            );
          }
          if (j.bitsPerSample > h.bitsAllocated) {
            throw new Error(`the codestream has ${j.bitsPerSample}-bit samples but BitsAllocated is ${h.bitsAllocated}`);
          }
          bytes = j.bytes;
        }
      } catch (e) {
        if (e instanceof ImageFormatError) throw e;
        const text = e instanceof Error ? e.message : String(e);
        throw new ImageFormatError(src, `frame ${f + 1} cannot be decoded (${ts.name}): ${text}`, { cause: e });
      }
      if (bytes.length < (pixelsPerFrame * h.bitsAllocated) / 8) {
        throw new ImageFormatError(
          src,
          `frame ${f + 1} decodes to ${bytes.length} bytes, fewer than ${h.rows}×${h.columns} pixels need`,
        );
      }
      frames.push(decodeVoxels(bytes, 0, pixelsPerFrame, type, true));
    }
  }

  for (const frame of frames) {
    if (h.samplesPerPixel > 1 && h.planarConfiguration === 1 && ts.encoding === 'native')
      interleavePlanes(frame, h.samplesPerPixel);
    maskStoredBits(frame, h);
  }
  if (h.highBit !== h.bitsStored - 1)
    warnings.push(`HighBit ${h.highBit} is not BitsStored − 1 (${h.bitsStored - 1}); values were not shifted`);
  return { frames, type, warnings };
}

/** Bytes of frame `f` of encapsulated pixel data (Basic Offset Table, else one fragment per frame). */
function encapsulatedFrame(file: DicomFile, element: Element, f: number): Uint8Array {
  const h = file.header;
  const fragments = element.fragments ?? [];
  const table = element.basicOffsetTable ?? [];
  if (fragments.length === 0) throw new ImageFormatError(h.source, 'encapsulated pixel data hold no fragments');
  try {
    if (table.length > 0) return dicomParser.readEncapsulatedImageFrame(file.dataSet, element, f) as Uint8Array;
    if (h.numberOfFrames === 1)
      return dicomParser.readEncapsulatedPixelDataFromFragments(file.dataSet, element, 0, fragments.length) as Uint8Array;
    if (fragments.length === h.numberOfFrames)
      return dicomParser.readEncapsulatedPixelDataFromFragments(file.dataSet, element, f, 1) as Uint8Array;
  } catch (e) {
    throw new ImageFormatError(
      h.source,
      `frame ${f + 1} cannot be read from the encapsulated pixel data: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  throw new ImageFormatError(
    h.source,
    `${fragments.length} fragments for ${h.numberOfFrames} frames and no Basic Offset Table: frames cannot be located`,
  );
}

function unpackBits(bytes: Uint8Array, start: number, firstBit: number, count: number): Uint8Array {
  // PS3.5 §8.1.1: the first pixel is in the least significant bit of the first byte.
  const out = new Uint8Array(count);
  for (let p = 0, bit = firstBit; p < count; p++, bit++) out[p] = (bytes[start + (bit >> 3)]! >> (bit & 7)) & 1;
  return out;
}

/** PlanarConfiguration 1 (RRR…GGG…BBB…) → interleaved (RGBRGB…), in place via a copy. */
function interleavePlanes(frame: VoxelArray, samples: number): void {
  const copy = frame.slice();
  const n = frame.length / samples;
  for (let s = 0; s < samples; s++) for (let p = 0; p < n; p++) frame[p * samples + s] = copy[s * n + p]!;
}

function maskStoredBits(frame: VoxelArray, h: DicomHeader): void {
  const bits = h.bitsStored;
  if (bits >= h.bitsAllocated || bits <= 0 || h.bitsAllocated === 1) return;
  if (h.pixelRepresentation === 1) {
    const shift = 32 - bits;
    for (let i = 0; i < frame.length; i++) frame[i] = (frame[i]! << shift) >> shift;
  } else {
    const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
    for (let i = 0; i < frame.length; i++) frame[i] = (frame[i]! & mask) >>> 0;
  }
}
