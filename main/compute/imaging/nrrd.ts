/**
 * NRRD reading and writing (attached or detached data; raw, gzip and ascii encodings).
 *
 * Definition: Teem NRRD format (http://teem.sourceforge.net/nrrd/format.html). Geometry:
 * `space directions` column a is the physical step along axis a, so
 *   spacing[a] = |d_a|, direction column a = d_a / |d_a|, origin = `space origin`,
 * which is exactly the Volume model once the coordinates are in LPS. NRRD files in a RAS
 * space (`right-anterior-superior`) are converted by negating x and y, as ITK's NrrdImageIO
 * does. A non-spatial axis (kind `list`, `vector`, …, or `none` in `space directions`)
 * becomes the volume's components, interleaved (see volume.ts).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ImageFormatError } from './imageFormatError.js';
import { formatNrrdHeader, formatVector, parseIntegers, parseNrrdHeader, parseNrrdNumber, splitWords } from './nrrdHeader.js';
import type { NrrdHeader } from './nrrdHeader.js';
import { parseSlicerSegmentation, formatSlicerSegmentation } from './slicerSegmentation.js';
import type { SlicerSegmentation } from './slicerSegmentation.js';
import { interleaveComponents } from './components.js';
import { spatialGeometry, toVolumeSpace } from './nrrdGeometry.js';
import type { Volume } from './volume.js';
import { voxelCount } from './volume.js';
import { allocateVoxels, bytesPerVoxel, decodeVoxels, encodeVoxels, takeVoxels, voxelTypeOf } from './voxelTypes.js';
import type { VoxelType } from './voxelTypes.js';

export interface NrrdImage {
  volume: Volume;
  /** Scalar type as stored in the file. */
  voxelType: VoxelType;
  /** Every header field by lower-case name, raw text as in the file. */
  fields: Record<string, string>;
  /** Key/value pairs (`key:=value`) in file order. */
  keyValues: Record<string, string>;
  /** The `space` field as written (undefined when the file has none). */
  space: string | undefined;
  /** Per-axis kinds in file axis order, when the file states them. */
  kinds: string[] | undefined;
  /** File axis that became `volume.components`, if any. */
  componentAxis: number | undefined;
  /** 3D Slicer segmentation metadata, when the key/value pairs describe one (`.seg.nrrd`). */
  segmentation: SlicerSegmentation | undefined;
  /** Things that were read but look suspicious (e.g. trailing bytes). */
  warnings: string[];
}

export interface ReadNrrdOptions {
  /**
   * Returns the bytes of a detached data file named in a `.nhdr` header (`data file:`),
   * resolved relative to the header's folder by the caller. Without it, detached data is an
   * error.
   */
  readDetachedFile?: (name: string) => Uint8Array;
}

const TYPE_NAMES: Record<string, VoxelType> = {};
for (const [type, names] of Object.entries({
  int8: ['signed char', 'int8', 'int8_t'],
  uint8: ['uchar', 'unsigned char', 'uint8', 'uint8_t'],
  int16: ['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t'],
  uint16: ['ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t'],
  int32: ['int', 'signed int', 'int32', 'int32_t'],
  uint32: ['uint', 'unsigned int', 'uint32', 'uint32_t'],
  float32: ['float'],
  float64: ['double'],
}) as [VoxelType, string[]][]) {
  for (const n of names) TYPE_NAMES[n] = type;
}
const TYPE_64 =
  /^(long long|longlong|long long int|signed long long|signed long long int|int64|int64_t|ulonglong|unsigned long long|unsigned long long int|uint64|uint64_t)$/;

/** Reads an NRRD file (`.nrrd`, or a `.nhdr` with `options.readDetachedFile`). */
export function readNrrd(bytes: Uint8Array, sourceName?: string, options: ReadNrrdOptions = {}): NrrdImage {
  const src = sourceName;
  const header = parseNrrdHeader(bytes, src);
  const f = header.fields;
  const warnings: string[] = [];

  const typeText = required(f, 'type', src).toLowerCase();
  const voxelType = TYPE_NAMES[typeText];
  if (voxelType === undefined) {
    const why = TYPE_64.test(typeText)
      ? '64-bit integers are not supported; convert the image to int32 or double'
      : typeText === 'block'
        ? '"block" data is not an image'
        : 'unknown type';
    throw new ImageFormatError(src, `NRRD field "type: ${typeText}": ${why}`);
  }
  const dimension = parseIntegers(required(f, 'dimension', src), 'dimension', src);
  const dim = dimension[0]!;
  if (dimension.length !== 1 || dim < 1) {
    throw new ImageFormatError(src, `NRRD field "dimension" must be one positive integer, got "${f.dimension}"`);
  }
  const sizes = parseIntegers(required(f, 'sizes', src), 'sizes', src);
  if (sizes.length !== dim) {
    throw new ImageFormatError(src, `NRRD field "sizes" lists ${sizes.length} axes but "dimension" is ${dim}`);
  }
  if (sizes.some((s) => s < 1)) {
    throw new ImageFormatError(src, `NRRD field "sizes" must be positive, got "${f.sizes}"`);
  }
  const kinds = f.kinds !== undefined ? splitWords(f.kinds) : undefined;
  if (kinds !== undefined && kinds.length !== dim) {
    throw new ImageFormatError(src, `NRRD field "kinds" lists ${kinds.length} axes but "dimension" is ${dim}`);
  }

  const geometry = spatialGeometry(header, sizes, kinds, src);
  const count = sizes.reduce((a, b) => a * b, 1);
  const raw = readDataBytes(header, bytes, voxelType, count, src, options, warnings);
  let data = raw;
  const components = geometry.componentAxis === undefined ? 1 : sizes[geometry.componentAxis]!;
  if (geometry.componentAxis !== undefined && geometry.componentAxis > 0 && components > 1) {
    data = interleaveComponents(raw, sizes, geometry.componentAxis);
  }
  const volume: Volume = {
    size: geometry.size,
    spacingMm: geometry.spacingMm,
    originMm: geometry.originMm,
    direction: geometry.direction,
    data,
  };
  if (components > 1) volume.components = components;
  toVolumeSpace(volume, header.fields.space, src);

  return {
    volume,
    voxelType,
    fields: header.fields,
    keyValues: header.keyValues,
    space: header.fields.space,
    kinds,
    componentAxis: geometry.componentAxis,
    segmentation: parseSlicerSegmentation(header.keyValues, components, src),
    warnings,
  };
}

export interface WriteNrrdOptions {
  /** Default `gzip`. */
  encoding?: 'raw' | 'gzip';
  /** Default `little`. */
  endian?: 'little' | 'big';
  /** Physical space to write in; the volume is LPS and is converted. Default LPS. */
  space?: 'left-posterior-superior' | 'right-anterior-superior';
  /** Kind of the component axis when `components > 1`. Default `list` (as Slicer writes). */
  componentKind?: string;
  /** Key/value pairs to write (e.g. the `keyValues` read from a file, to preserve them). */
  keyValues?: Record<string, string>;
  /** Slicer segment metadata; written as `Segment<N>_*` / `Segmentation_*` pairs. */
  segmentation?: SlicerSegmentation;
  /** zlib level 0–9, default 6. */
  gzipLevel?: number;
}

/**
 * Writes a volume as a single attached-data NRRD0004 file. Components, if any, are written
 * as the first (fastest) axis, which is how the Volume stores them.
 */
export function writeNrrd(volume: Volume, options: WriteNrrdOptions = {}): Uint8Array {
  const encoding = options.encoding ?? 'gzip';
  const littleEndian = (options.endian ?? 'little') === 'little';
  const space = options.space ?? 'left-posterior-superior';
  const components = volume.components ?? 1;
  const expected = voxelCount(volume) * components;
  if (volume.data.length !== expected) {
    throw new Error(
      `writeNrrd: volume has ${volume.data.length} values but size ${volume.size.join('×')} × ${components} components needs ${expected}`,
    );
  }
  const type = voxelTypeOf(volume.data);
  const nrrdType: Record<VoxelType, string> = {
    int8: 'signed char',
    uint8: 'unsigned char',
    int16: 'short',
    uint16: 'unsigned short',
    int32: 'int',
    uint32: 'unsigned int',
    float32: 'float',
    float64: 'double',
  };
  const flip = space === 'right-anterior-superior' ? [-1, -1, 1] : [1, 1, 1];
  const d = volume.direction;
  const dirs: string[] = [];
  for (let a = 0; a < 3; a++) {
    const s = volume.spacingMm[a]!;
    dirs.push(formatVector([flip[0]! * d[a]! * s, flip[1]! * d[3 + a]! * s, flip[2]! * d[6 + a]! * s]));
  }
  const o = volume.originMm;
  const origin = formatVector([flip[0]! * o[0], flip[1]! * o[1], flip[2]! * o[2]]);
  const hasComponents = components > 1;
  const fields: [string, string][] = [
    ['type', nrrdType[type]],
    ['dimension', String(hasComponents ? 4 : 3)],
    ['space', space],
    ['sizes', (hasComponents ? [components, ...volume.size] : volume.size).join(' ')],
    ['space directions', (hasComponents ? ['none', ...dirs] : dirs).join(' ')],
    [
      'kinds',
      (hasComponents ? [options.componentKind ?? 'list', 'domain', 'domain', 'domain'] : ['domain', 'domain', 'domain']).join(
        ' ',
      ),
    ],
  ];
  if (bytesPerVoxel(type) > 1) fields.push(['endian', littleEndian ? 'little' : 'big']);
  fields.push(['encoding', encoding]);
  fields.push(['space origin', origin]);
  const keyValues = { ...(options.keyValues ?? {}) };
  if (options.segmentation) {
    // Replace any stale segment keys with the structure given.
    for (const key of Object.keys(keyValues)) {
      if (/^Segment\d+_/.test(key) || key.startsWith('Segmentation_')) delete keyValues[key];
    }
    Object.assign(keyValues, formatSlicerSegmentation(options.segmentation));
  }
  const header = new TextEncoder().encode(formatNrrdHeader('NRRD0004', fields, keyValues));
  let body = encodeVoxels(volume.data, littleEndian);
  if (encoding === 'gzip') body = gzipSync(body, { level: options.gzipLevel ?? 6 });
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

function required(fields: Record<string, string>, name: string, src: string | undefined): string {
  const v = fields[name];
  if (v === undefined) throw new ImageFormatError(src, `NRRD header has no "${name}" field`);
  return v;
}

/** Locates, decodes and byte-swaps the data; returns voxels in file axis order. */
function readDataBytes(
  header: NrrdHeader,
  bytes: Uint8Array,
  type: VoxelType,
  count: number,
  src: string | undefined,
  options: ReadNrrdOptions,
  warnings: string[],
): ReturnType<typeof allocateVoxels> {
  const f = header.fields;
  const encoding = (f.encoding ?? '').toLowerCase();
  if (encoding === '') throw new ImageFormatError(src, 'NRRD header has no "encoding" field');
  const width = bytesPerVoxel(type);
  let littleEndian = true;
  if (width > 1 && encoding !== 'ascii' && encoding !== 'text' && encoding !== 'txt') {
    const endian = f.endian?.toLowerCase();
    if (endian === 'big') littleEndian = false;
    else if (endian !== 'little') {
      throw new ImageFormatError(
        src,
        `NRRD field "endian" must be "little" or "big" for ${type} data, got "${f.endian ?? '(missing)'}"`,
      );
    }
  }

  let dataSource = src;
  let data: Uint8Array;
  const dataFile = f['data file'] ?? f.datafile;
  if (dataFile !== undefined) {
    const words = splitWords(dataFile);
    if (words.length !== 1 || words[0] === 'LIST') {
      throw new ImageFormatError(src, `NRRD "data file: ${dataFile}": only a single detached file is supported`);
    }
    if (!options.readDetachedFile) {
      throw new ImageFormatError(src, `NRRD data are in the detached file "${words[0]}"; read it with the header's folder`);
    }
    dataSource = words[0];
    try {
      data = options.readDetachedFile(words[0]!);
    } catch (e) {
      throw new ImageFormatError(src, `cannot read detached data file "${words[0]}": ${(e as Error).message}`, { cause: e });
    }
  } else {
    if (header.dataOffset === undefined) {
      throw new ImageFormatError(src, 'NRRD header ends without a blank line and data, and names no "data file"');
    }
    data = bytes.subarray(header.dataOffset);
  }

  const lineSkip = f['line skip'] ?? f.lineskip;
  if (lineSkip !== undefined) {
    let n = parseIntegers(lineSkip, 'line skip', src)[0] ?? 0;
    let p = 0;
    while (n-- > 0) {
      const nl = data.indexOf(0x0a, p);
      if (nl < 0) throw new ImageFormatError(dataSource, `NRRD "line skip: ${lineSkip}" goes past the end of the data`);
      p = nl + 1;
    }
    data = data.subarray(p);
  }
  const byteSkipText = f['byte skip'] ?? f.byteskip;
  const byteSkip = byteSkipText === undefined ? 0 : (parseIntegers(byteSkipText, 'byte skip', src)[0] ?? 0);
  const needed = count * width;

  if (encoding === 'raw') {
    // byte skip -1: the data are the last bytes of the file (format spec, "byte skip").
    const start = byteSkip === -1 ? data.length - needed : byteSkip;
    return checkedDecode(data, Math.max(0, start), needed, count, type, littleEndian, dataSource, 'raw', warnings);
  }
  if (encoding === 'gzip' || encoding === 'gz') {
    if (byteSkip < 0) throw new ImageFormatError(src, 'NRRD "byte skip: -1" is only allowed with raw encoding');
    let inflated: Uint8Array;
    try {
      // One output chunk of the expected size (+1 so zlib sees the end of the stream in it): no
      // chunk list to concatenate, and the voxels can be used in place.
      inflated = gunzipSync(data, { chunkSize: Math.max(64, byteSkip + needed + 1) });
    } catch (e) {
      throw new ImageFormatError(
        dataSource,
        `gzip data cannot be decompressed (${(e as Error).message}); the file is truncated or corrupt`,
        { cause: e },
      );
    }
    return checkedDecode(inflated, byteSkip, needed, count, type, littleEndian, dataSource, 'gzip', warnings, true);
  }
  if (encoding === 'ascii' || encoding === 'text' || encoding === 'txt') {
    const words = new TextDecoder()
      .decode(data)
      .split(/[\s,]+/)
      .filter((w) => w.length > 0);
    if (words.length < count) {
      throw new ImageFormatError(dataSource, `ascii data hold ${words.length} values, expected ${count}`);
    }
    const out = allocateVoxels(type, count);
    for (let i = 0; i < count; i++) out[i] = parseNrrdNumber(words[i]!, 'data', dataSource);
    return out;
  }
  throw new ImageFormatError(src, `NRRD encoding "${f.encoding}" is not supported (use raw, gzip or ascii)`);
}

function checkedDecode(
  data: Uint8Array,
  start: number,
  needed: number,
  count: number,
  type: VoxelType,
  littleEndian: boolean,
  src: string | undefined,
  encoding: string,
  warnings: string[],
  owned = false,
): ReturnType<typeof allocateVoxels> {
  const available = data.length - start;
  if (available < needed) {
    throw new ImageFormatError(
      src,
      `NRRD ${encoding} data are truncated: ${available} bytes for ${count} ${type} voxels (${needed} bytes)`,
    );
  }
  if (available > needed) warnings.push(`${available - needed} bytes after the voxel data were ignored`);
  return (owned ? takeVoxels : decodeVoxels)(data, start, count, type, littleEndian);
}
