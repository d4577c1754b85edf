/**
 * A series of the study as a volume, read again from its source files: every file is checked
 * against the SHA-256 recorded at import, the slices are assembled as at import, the series'
 * component (DCE phase or b-value of a stacked series) is taken out, and the grid must be the
 * one recorded. Any difference is an error naming the series and the file.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { readDicomSeries } from '../imaging/dicom/readDicom.js';
import { transferSyntax, type PixelEncoding } from '../imaging/dicom/transferSyntax.js';
import { ImageFormatError } from '../imaging/imageFormatError.js';
import type { Geometry, Volume, VoxelArray } from '../imaging/volume.js';
import type { VolumeCache } from '../imaging/volumeCache.js';

export interface StoredSeries {
  id: number;
  /** For messages: `series #12 (DCE phase 3, "t1_fl3d_dyn")`. */
  name: string;
  sourceFolder: string;
  files: { path: string; sha256: string }[];
  component: number;
  components: number;
  geometry: Geometry;
}

/** SHA-256 over the files' recorded hashes and the component: what a feature row was computed from. */
export function seriesHash(s: Pick<StoredSeries, 'files' | 'component'>): string {
  const h = createHash('sha256');
  for (const f of s.files) h.update(`${f.path}\0${f.sha256}\n`);
  h.update(`component ${s.component}`);
  return h.digest('hex');
}

function sameGrid(a: Geometry, b: Geometry): string | null {
  if (a.size.some((v, i) => v !== b.size[i])) return `size ${a.size.join('×')} instead of ${b.size.join('×')}`;
  const close = (x: readonly number[], y: readonly number[], tol: number) => x.every((v, i) => Math.abs(v - y[i]!) <= tol);
  if (!close(a.spacingMm, b.spacingMm, 1e-4)) return `spacing ${a.spacingMm.join('×')} mm instead of ${b.spacingMm.join('×')}`;
  if (!close(a.originMm, b.originMm, 1e-3)) return `origin ${a.originMm.join(', ')} instead of ${b.originMm.join(', ')}`;
  if (!close(a.direction, b.direction, 1e-5)) return 'another orientation';
  return null;
}

/**
 * The series' files read and checked against their import hashes, as one volume with every
 * component of a stacked series interleaved (see componentOf); shared by the rows of a stack.
 * With the study's volume cache, an entry whose source files are unchanged (size and time) is
 * used instead, and a fresh read of compressed files (JPEG, JPEG-LS, JPEG 2000, RLE) is stored
 * for next time. Uncompressed series are not cached: reading their files costs about what
 * reading a cache entry does (`npm run bench volume-cache`).
 */
export async function loadSeriesFiles(s: StoredSeries, cache?: VolumeCache | null): Promise<Volume> {
  if (cache) {
    const hit = await cache.get(s);
    if (hit) return hit;
  }
  const { volume, encoding } = await readSeriesFiles(s);
  if (encoding !== 'native') cache?.putLater(s, volume);
  return volume;
}

async function readSeriesFiles(s: StoredSeries): Promise<{ volume: Volume; encoding: PixelEncoding | 'unknown' }> {
  const inputs: { name: string; bytes: Uint8Array }[] = [];
  for (const f of s.files) {
    const abs = path.resolve(s.sourceFolder, f.path);
    let buf: Buffer;
    try {
      buf = await readFile(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new AppError(
        'VALIDATION',
        `${s.name}: ${abs} ${code === 'ENOENT' ? 'is missing (moved or deleted since import)' : `cannot be read (${(e as Error).message})`}.`,
        { seriesId: s.id, file: abs },
      );
    }
    const sha = createHash('sha256').update(buf).digest('hex');
    if (sha !== f.sha256)
      throw new AppError('VALIDATION', `${s.name}: ${abs} changed since import (SHA-256 differs); import the series again.`, {
        seriesId: s.id,
        file: abs,
      });
    inputs.push({ name: f.path, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
  }
  try {
    const read = await readDicomSeries(inputs);
    if (read.series.length !== 1)
      throw new ImageFormatError(s.sourceFolder, `the files of the series give ${read.series.length} series instead of one`);
    const first = read.series[0]!;
    return { volume: first.volume, encoding: transferSyntax(first.firstHeader.transferSyntaxUid)?.encoding ?? 'unknown' };
  } catch (e) {
    if (e instanceof ImageFormatError) throw new AppError('VALIDATION', `${s.name}: ${e.message}`, { seriesId: s.id });
    throw e;
  }
}

/** The series' own component of a volume read by loadSeriesFiles, its grid checked against the import. */
export function componentOf(read: Volume, s: StoredSeries): Volume {
  let volume = read;
  const m = volume.components ?? 1;
  if (m > 1) {
    if (m !== s.components || s.component >= m)
      throw new AppError('VALIDATION', `${s.name}: its files hold ${m} components, ${s.components} at import.`, {
        seriesId: s.id,
      });
    const n = volume.size[0] * volume.size[1] * volume.size[2];
    const Ctor = volume.data.constructor as new (n: number) => VoxelArray;
    const data = new Ctor(n);
    for (let o = 0; o < n; o++) data[o] = volume.data[o * m + s.component]!;
    volume = { ...volume, data, components: 1 };
  }
  const diff = sameGrid(volume, s.geometry);
  if (diff)
    throw new AppError('VALIDATION', `${s.name}: its files give another grid than the one recorded at import (${diff}).`, {
      seriesId: s.id,
    });
  return volume;
}

export async function loadSeriesVolume(s: StoredSeries, cache?: VolumeCache | null): Promise<Volume> {
  return componentOf(await loadSeriesFiles(s, cache), s);
}

/**
 * Reads each set of files once for all the rows of a stack (DCE phases or b-values stored as
 * components of one series): the loader a job uses when it needs several components.
 */
export function stackLoader(cache?: VolumeCache | null): (s: StoredSeries) => Promise<Volume> {
  const read = new Map<string, Promise<Volume>>();
  return async (s) => {
    const key = `${s.sourceFolder}\0${s.files.map((f) => f.sha256).join(',')}`;
    let p = read.get(key);
    if (!p) read.set(key, (p = loadSeriesFiles(s, cache)));
    return componentOf(await p, s);
  };
}
