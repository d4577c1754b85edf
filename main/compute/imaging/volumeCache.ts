/**
 * The study's cache of converted volumes: a series' source files decoded once (DICOM parsing,
 * decompression, slice ordering, rescale) and kept beside the study in `<study>-cache/volumes/`
 * as one compressed file per set of source files, so the viewer, extraction and derived-image
 * jobs read a series again in a fraction of the time.
 *
 * - Key: SHA-256 over the source folder and the files' recorded paths and SHA-256s (what was
 *   imported); the cached volume holds every component of a stacked series.
 * - Validity: each entry records the size and modification time of every source file. An entry
 *   is used only when all of them still match (a moved, deleted or rewritten file sends the
 *   read back to the files, where the SHA-256 check names it), like git's index. A file
 *   rewritten in place with the same size and time within the same millisecond would go
 *   unnoticed: the study check (`radstudy check`) re-hashes every file.
 * - Format: "RSVOL1\n", a 4-byte little-endian header length, the JSON header, then the voxel
 *   bytes byte-shuffled (byte planes, as Blosc does: 16-bit MRI compresses about twice as well)
 *   and gzipped (level 1; gzip's CRC-32 detects a damaged entry, which is then ignored and
 *   rewritten).
 * - Size: entries beyond the budget (RADSTUDY_VOLUME_CACHE_MB, default 4096) are removed, least
 *   recently used first; RADSTUDY_VOLUME_CACHE=off disables the cache. Writes go to a
 *   temporary file renamed into place, so a killed process leaves no half entry.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Mat3, Vec3, Volume, VoxelArray } from './volume.js';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const MAGIC = Buffer.from('RSVOL1\n', 'latin1');
const SUFFIX = '.rsvol';

type Dtype = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
const CTORS: Record<Dtype, new (b: ArrayBuffer, o: number, n: number) => VoxelArray> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

function dtypeOf(a: VoxelArray): Dtype {
  for (const [name, C] of Object.entries(CTORS)) if (a instanceof C) return name as Dtype;
  throw new Error('unsupported voxel array');
}

export interface CachedSource {
  sourceFolder: string;
  files: { path: string; sha256: string }[];
}

interface FileStamp {
  path: string;
  bytes: number;
  mtimeMs: number;
}

interface Header {
  key: string;
  files: FileStamp[];
  size: Vec3;
  spacingMm: Vec3;
  originMm: Vec3;
  direction: Mat3;
  components: number;
  dtype: Dtype;
  byteLength: number;
}

export interface VolumeCacheStats {
  folder: string;
  entries: number;
  bytes: number;
  limitBytes: number;
  enabled: boolean;
}

/** Spreads the bytes of each element into planes (byte 0 of every element, then byte 1 …). */
export function shuffleBytes(bytes: Uint8Array, width: number): Uint8Array {
  if (width === 1) return bytes;
  const n = bytes.length / width;
  const out = new Uint8Array(bytes.length);
  if (width === 2 && bytes.byteOffset % 2 === 0) {
    // 16-bit MRI, the common case: one pass over the elements (little-endian).
    const v = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      out[i] = x & 0xff;
      out[n + i] = x >>> 8;
    }
    return out;
  }
  for (let b = 0; b < width; b++) {
    const plane = b * n;
    for (let i = 0; i < n; i++) out[plane + i] = bytes[i * width + b]!;
  }
  return out;
}

export function unshuffleBytes(planes: Uint8Array, width: number): Uint8Array {
  if (width === 1) return planes;
  const n = planes.length / width;
  const out = new Uint8Array(planes.length);
  if (width === 2) {
    const v = new Uint16Array(out.buffer, 0, n);
    for (let i = 0; i < n; i++) v[i] = planes[i]! | (planes[n + i]! << 8);
    return out;
  }
  for (let b = 0; b < width; b++) {
    const plane = b * n;
    for (let i = 0; i < n; i++) out[i * width + b] = planes[plane + i]!;
  }
  return out;
}

/** `<dir>/<study>-cache/volumes` for a study file. */
export function volumeCacheFolder(studyPath: string): string {
  const base = path.basename(studyPath).replace(/\.radstudy$/i, '');
  return path.join(path.dirname(path.resolve(studyPath)), `${base}-cache`, 'volumes');
}

export function sourceKey(s: CachedSource): string {
  const h = createHash('sha256');
  h.update(`${path.resolve(s.sourceFolder)}\n`);
  for (const f of s.files) h.update(`${f.path}\0${f.sha256}\n`);
  return h.digest('hex');
}

async function stamps(s: CachedSource): Promise<FileStamp[] | null> {
  const out: FileStamp[] = [];
  for (const f of s.files) {
    try {
      const st = await stat(path.resolve(s.sourceFolder, f.path));
      out.push({ path: f.path, bytes: st.size, mtimeMs: st.mtimeMs });
    } catch {
      return null;
    }
  }
  return out;
}

export class VolumeCache {
  readonly enabled: boolean;
  readonly limitBytes: number;
  /** Counters for tests and the bench. */
  readonly counts = { hits: 0, misses: 0, writes: 0, rejected: 0 };
  private readonly pending = new Set<Promise<void>>();

  constructor(
    readonly folder: string,
    options: { limitBytes?: number; enabled?: boolean } = {},
  ) {
    const envMb = Number(process.env.RADSTUDY_VOLUME_CACHE_MB);
    this.limitBytes = options.limitBytes ?? (Number.isFinite(envMb) && envMb > 0 ? envMb * 2 ** 20 : 4 * 2 ** 30);
    this.enabled = options.enabled ?? process.env.RADSTUDY_VOLUME_CACHE !== 'off';
  }

  static forStudy(studyPath: string, options?: { limitBytes?: number; enabled?: boolean }): VolumeCache {
    return new VolumeCache(volumeCacheFolder(studyPath), options);
  }

  private file(key: string): string {
    return path.join(this.folder, key + SUFFIX);
  }

  /** The cached volume of these source files, or null (absent, stale or damaged). */
  async get(s: CachedSource): Promise<Volume | null> {
    if (!this.enabled) return null;
    const file = this.file(sourceKey(s));
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch {
      this.counts.misses++;
      return null;
    }
    const volume = await this.decode(buf, s).catch(() => null);
    if (!volume) {
      this.counts.rejected++;
      await unlink(file).catch(() => undefined);
      return null;
    }
    this.counts.hits++;
    // Most recently used: the access time drives eviction (atime may be off on the file system).
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // read-only cache folder: still usable
    }
    return volume;
  }

  private async decode(buf: Buffer, s: CachedSource): Promise<Volume | null> {
    if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    const headerLength = buf.readUInt32LE(MAGIC.length);
    const start = MAGIC.length + 4;
    const header = JSON.parse(buf.subarray(start, start + headerLength).toString('utf8')) as Header;
    if (header.key !== sourceKey(s) || header.files.length !== s.files.length) return null;
    const now = await stamps(s);
    if (!now) return null;
    for (let i = 0; i < now.length; i++) {
      const a = now[i]!;
      const b = header.files[i]!;
      if (a.path !== b.path || a.bytes !== b.bytes || a.mtimeMs !== b.mtimeMs) return null;
    }
    const C = CTORS[header.dtype];
    if (!C) return null;
    const width = (C as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    const unpacked: Uint8Array = await gunzip(buf.subarray(start + headerLength));
    if (unpacked.length !== header.byteLength) return null;
    // Unshuffling makes a fresh, aligned buffer; single bytes are copied for the same reason.
    const bytes = width === 1 ? new Uint8Array(unpacked) : unshuffleBytes(unpacked, width);
    const data = new C(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / width);
    return {
      size: header.size,
      spacingMm: header.spacingMm,
      originMm: header.originMm,
      direction: header.direction,
      data,
      ...(header.components > 1 ? { components: header.components } : {}),
    };
  }

  /** Stores a volume read from these source files (stamped now); failures only skip the cache. */
  async put(s: CachedSource, v: Volume): Promise<void> {
    if (!this.enabled) return;
    try {
      const files = await stamps(s);
      if (!files) return;
      const key = sourceKey(s);
      const width = v.data.BYTES_PER_ELEMENT;
      const raw = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
      const header: Header = {
        key,
        files,
        size: v.size,
        spacingMm: v.spacingMm,
        originMm: v.originMm,
        direction: v.direction,
        components: v.components ?? 1,
        dtype: dtypeOf(v.data),
        byteLength: raw.byteLength,
      };
      const json = Buffer.from(JSON.stringify(header), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(json.length);
      const body = await gzip(shuffleBytes(raw, width), { level: 1 });
      mkdirSync(this.folder, { recursive: true });
      const target = this.file(key);
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, Buffer.concat([MAGIC, length, json, body]));
      await rename(tmp, target);
      this.counts.writes++;
      this.evict(target);
    } catch {
      // A full disk or a read-only folder leaves the volume uncached; reading still works.
    }
  }

  /** Stores in the background (the caller has its volume already); see flush. */
  putLater(s: CachedSource, v: Volume): void {
    if (!this.enabled) return;
    const p = this.put(s, v).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Waits for background writes. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Removes least recently used entries until the cache fits its budget (keeping `keep`). */
  private evict(keep: string): void {
    const entries = this.list();
    let total = entries.reduce((t, e) => t + e.bytes, 0);
    for (const e of entries.sort((a, b) => a.usedMs - b.usedMs)) {
      if (total <= this.limitBytes) break;
      if (e.file === keep) continue;
      rmSync(e.file, { force: true });
      total -= e.bytes;
    }
  }

  private list(): { file: string; bytes: number; usedMs: number }[] {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return [];
    }
    const out: { file: string; bytes: number; usedMs: number }[] = [];
    for (const n of names) {
      const file = path.join(this.folder, n);
      try {
        const st = statSync(file);
        // Temporary files of a killed writer older than an hour are left-overs.
        if (n.endsWith('.tmp')) {
          if (Date.now() - st.mtimeMs > 3600_000) rmSync(file, { force: true });
          continue;
        }
        if (n.endsWith(SUFFIX)) out.push({ file, bytes: st.size, usedMs: Math.max(st.atimeMs, st.mtimeMs) });
      } catch {
        // removed meanwhile
      }
    }
    return out;
  }

  stats(): VolumeCacheStats {
    const entries = this.list();
    return {
      folder: this.folder,
      entries: entries.length,
      bytes: entries.reduce((t, e) => t + e.bytes, 0),
      limitBytes: this.limitBytes,
      enabled: this.enabled,
    };
  }

  /** Deletes every entry; the next reads go to the source files. */
  clear(): VolumeCacheStats {
    for (const e of this.list()) rmSync(e.file, { force: true });
    return this.stats();
  }
}

const byStudy = new Map<string, VolumeCache>();

/** The volume cache of a study file, one instance per process and study. */
export function studyVolumeCache(studyPath: string): VolumeCache {
  const folder = volumeCacheFolder(studyPath);
  let c = byStudy.get(folder);
  if (!c) byStudy.set(folder, (c = new VolumeCache(folder)));
  return c;
}
