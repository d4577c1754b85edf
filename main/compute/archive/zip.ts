/**
 * A small ZIP writer and reader (PKWARE APPNOTE 6.3.x, the subset every unzip tool reads):
 * one local header + data per file, a central directory, the end-of-central-directory record.
 * Entries are deflated (method 8, raw DEFLATE from node:zlib) when that makes them smaller and
 * stored (method 0) otherwise; names are UTF-8 (general-purpose flag bit 11). No ZIP64: an
 * archive is refused past 65 535 entries or 4 GiB per file or archive. The reader checks every
 * entry's CRC-32 and sizes, refuses encrypted entries, methods other than 0 and 8, names that
 * would leave the extraction folder, and duplicate names.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

export interface ZipEntry {
  /** Relative path with forward slashes. */
  path: string;
  data: Uint8Array;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const FLAG_UTF8 = 0x0800;
const FLAG_ENCRYPTED = 0x0001;
const MAX_U32 = 0xffffffff;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as ZIP and PNG use it. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A name that stays inside the folder it is extracted to. */
export function safeEntryName(name: string): boolean {
  if (name.length === 0 || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  if (/^[A-Za-z]:/.test(name)) return false;
  return !name.split('/').some((p) => p === '..');
}

/** MS-DOS date and time of a Date (local time, 2-second resolution, years 1980–2107). */
function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(2107, Math.max(1980, d.getFullYear()));
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
  };
}

export function writeZip(entries: readonly ZipEntry[], opts: { date?: Date; deflate?: boolean } = {}): Buffer {
  if (entries.length > 0xffff) throw new ZipFormatError(`A zip holds at most 65535 files (got ${entries.length}).`);
  const { date, time } = dosDateTime(opts.date ?? new Date());
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    if (!safeEntryName(e.path)) throw new ZipFormatError(`"${e.path}" is not a relative path inside the archive.`);
    if (seen.has(e.path)) throw new ZipFormatError(`"${e.path}" is in the archive twice.`);
    seen.add(e.path);
    if (e.data.length > MAX_U32)
      throw new ZipFormatError(`${e.path} is larger than 4 GiB, which this zip writer does not support.`);
    const name = Buffer.from(e.path, 'utf8');
    const crc = crc32(e.data);
    const deflated = opts.deflate === false ? null : deflateRawSync(e.data);
    const method = deflated && deflated.length < e.data.length ? 8 : 0;
    const body = method === 8 ? deflated! : Buffer.from(e.data.buffer, e.data.byteOffset, e.data.length);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(SIG_CENTRAL, 0);
    // Made by: Unix (3), spec 2.0; names are then taken as they are (UTF-8), not as code page 437.
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal attributes: 0; external: a regular file, rw-r--r--.
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
    if (offset > MAX_U32)
      throw new ZipFormatError('The archive would be larger than 4 GiB, which this zip writer does not support.');
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Files of a zip archive (directory entries are skipped), each checked against its CRC-32. */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // The end record is the last 22 bytes, or earlier when the archive has a comment.
  let end = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--)
    if (b.readUInt32LE(i) === SIG_END) {
      end = i;
      break;
    }
  if (end < 0) throw new ZipFormatError('it is not a zip archive (no end-of-central-directory record)');
  const count = b.readUInt16LE(end + 10);
  const cdSize = b.readUInt32LE(end + 12);
  const cdOffset = b.readUInt32LE(end + 16);
  if (count === 0xffff || cdOffset === MAX_U32) throw new ZipFormatError('it is a ZIP64 archive, which is not supported');
  if (cdOffset + cdSize > end) throw new ZipFormatError('its central directory lies outside the file (truncated archive)');
  const out: ZipEntry[] = [];
  const seen = new Set<string>();
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > end || b.readUInt32LE(p) !== SIG_CENTRAL)
      throw new ZipFormatError(`central directory entry ${k + 1} is damaged`);
    const flags = b.readUInt16LE(p + 8);
    const method = b.readUInt16LE(p + 10);
    const crc = b.readUInt32LE(p + 16);
    const csize = b.readUInt32LE(p + 20);
    const usize = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    const name = b.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (!safeEntryName(name)) throw new ZipFormatError(`entry "${name}" would be written outside the extraction folder`);
    if (seen.has(name)) throw new ZipFormatError(`entry "${name}" is in the archive twice`);
    seen.add(name);
    if (flags & FLAG_ENCRYPTED) throw new ZipFormatError(`entry "${name}" is encrypted`);
    if (method !== 0 && method !== 8)
      throw new ZipFormatError(`entry "${name}" uses compression method ${method}; only stored (0) and deflate (8) are read`);
    if (local + 30 > b.length || b.readUInt32LE(local) !== SIG_LOCAL)
      throw new ZipFormatError(`the local header of entry "${name}" is damaged`);
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    if (start + csize > b.length) throw new ZipFormatError(`entry "${name}" is truncated`);
    const raw = b.subarray(start, start + csize);
    let data: Buffer;
    try {
      data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    } catch {
      throw new ZipFormatError(`entry "${name}" does not inflate (damaged data)`);
    }
    if (data.length !== usize || crc32(data) !== crc)
      throw new ZipFormatError(`entry "${name}" fails its CRC-32 check (damaged or changed)`);
    out.push({ path: name, data });
  }
  return out;
}
