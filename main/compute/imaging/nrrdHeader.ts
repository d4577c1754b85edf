/**
 * NRRD header text: splitting the attached header from the data, parsing field lines and
 * key/value pairs, and formatting them back.
 *
 * Definition: Teem NRRD format, versions NRRD0001–NRRD0005
 * (http://teem.sourceforge.net/nrrd/format.html). A header is the magic line, then lines that
 * are comments (`#…`), fields (`<field>: <value>`) or key/value pairs (`<key>:=<value>`),
 * ended by an empty line; the data follow (or live in a detached `data file`).
 */
import { ImageFormatError } from './imageFormatError.js';

export interface NrrdHeader {
  /** The magic line, e.g. `NRRD0004`. */
  magic: string;
  /** Field values by field name in lower case, raw text (e.g. `fields['space directions']`). */
  fields: Record<string, string>;
  /** Key/value pairs in file order, with `\n` and `\\` escapes decoded. */
  keyValues: Record<string, string>;
  comments: string[];
  /**
   * Byte offset of the first data byte after the blank line ending the header, or
   * `undefined` when the bytes hold a header only (a detached `.nhdr`).
   */
  dataOffset: number | undefined;
}

const MAX_HEADER_BYTES = 16 * 1024 * 1024;
// Slicer writes segment names in UTF-8; the fixed fields are ASCII either way.
const UTF8 = new TextDecoder('utf-8');

/** Parses the header at the start of `bytes`. Throws an ImageFormatError naming `source`. */
export function parseNrrdHeader(bytes: Uint8Array, source: string | undefined): NrrdHeader {
  if (bytes.length < 8) {
    throw new ImageFormatError(source, `not an NRRD file: only ${bytes.length} bytes`);
  }
  const magic = latin1(bytes, 0, 8);
  if (!/^NRRD000[1-5]$/.test(magic)) {
    throw new ImageFormatError(source, `not an NRRD file: it starts with "${printable(magic)}" instead of "NRRD0001"…"NRRD0005"`);
  }
  const header: NrrdHeader = {
    magic,
    fields: {},
    keyValues: {},
    comments: [],
    dataOffset: undefined,
  };
  let pos = 0;
  let lineNumber = 0;
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  while (pos < limit) {
    let end = bytes.indexOf(0x0a, pos);
    const hasNewline = end >= 0;
    if (!hasNewline) end = bytes.length;
    let line = UTF8.decode(bytes.subarray(pos, end));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    pos = end + 1;
    lineNumber++;
    if (lineNumber === 1) continue; // magic
    if (line.length === 0) {
      header.dataOffset = hasNewline ? pos : undefined;
      return header;
    }
    if (line.startsWith('#')) {
      header.comments.push(line.slice(1).trim());
      continue;
    }
    const kv = line.indexOf(':=');
    const field = line.indexOf(': ');
    if (kv >= 0 && (field < 0 || kv < field)) {
      header.keyValues[unescapeNrrd(line.slice(0, kv))] = unescapeNrrd(line.slice(kv + 2));
    } else if (field >= 0) {
      const name = line.slice(0, field).trim().toLowerCase();
      if (name in header.fields) {
        throw new ImageFormatError(source, `NRRD header line ${lineNumber}: field "${name}" appears twice`);
      }
      header.fields[name] = line.slice(field + 2).trim();
    } else {
      throw new ImageFormatError(
        source,
        `NRRD header line ${lineNumber} is neither "field: value" nor "key:=value": "${printable(line.slice(0, 80))}"`,
      );
    }
  }
  if (pos >= bytes.length) return header; // header only (.nhdr): data must be detached
  throw new ImageFormatError(source, `NRRD header has no end within ${MAX_HEADER_BYTES} bytes`);
}

/** Formats a header (magic, fields in the given order, then key/value pairs) plus the blank line. */
export function formatNrrdHeader(
  magic: string,
  fields: ReadonlyArray<[string, string]>,
  keyValues: Readonly<Record<string, string>>,
): string {
  const lines = [magic, '# Complete NRRD file format specification at:', '# http://teem.sourceforge.net/nrrd/format.html'];
  for (const [name, value] of fields) lines.push(`${name}: ${value}`);
  for (const [key, value] of Object.entries(keyValues)) {
    if (key.includes(':=')) throw new Error(`NRRD key "${key}" must not contain ":="`);
    lines.push(`${escapeNrrd(key)}:=${escapeNrrd(value)}`);
  }
  return lines.join('\n') + '\n\n';
}

/** Splits a field value on whitespace. */
export function splitWords(value: string): string[] {
  return value
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

/** Parses a field of integers, one per axis, e.g. `sizes`. */
export function parseIntegers(value: string, field: string, source: string | undefined): number[] {
  return splitWords(value).map((w) => {
    if (!/^[+-]?\d+$/.test(w)) {
      throw new ImageFormatError(source, `NRRD field "${field}": "${w}" is not an integer`);
    }
    return Number(w);
  });
}

/** Parses a number as NRRD writes it (`nan`, `inf` allowed). */
export function parseNrrdNumber(word: string, field: string, source: string | undefined): number {
  const w = word.toLowerCase();
  if (w === 'nan') return Number.NaN;
  if (w === 'inf' || w === '+inf') return Number.POSITIVE_INFINITY;
  if (w === '-inf') return Number.NEGATIVE_INFINITY;
  const x = Number(word);
  if (word.trim() === '' || Number.isNaN(x)) {
    throw new ImageFormatError(source, `NRRD field "${field}": "${word}" is not a number`);
  }
  return x;
}

/**
 * Parses a list of vectors such as `(1,0,0) none (0,0,2.5)`: `none` gives null.
 * Every vector must have `dim` components when `dim` is given.
 */
export function parseVectors(value: string, field: string, source: string | undefined, dim?: number): (number[] | null)[] {
  const out: (number[] | null)[] = [];
  const re = /\(([^)]*)\)|(none)|(\S+)/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    if (m[1] !== undefined) {
      const v = m[1].split(',').map((w) => parseNrrdNumber(w.trim(), field, source));
      if (dim !== undefined && v.length !== dim) {
        throw new ImageFormatError(source, `NRRD field "${field}": vector (${m[1]}) has ${v.length} components, expected ${dim}`);
      }
      out.push(v);
    } else if (m[2] !== undefined) {
      out.push(null);
    } else {
      throw new ImageFormatError(source, `NRRD field "${field}": "${m[3]}" is neither "(x,y,z)" nor "none"`);
    }
  }
  return out;
}

/** Formats a vector the way ITK and Slicer do: `(x,y,z)` with round-trip precision. */
export function formatVector(v: readonly number[]): string {
  return `(${v.map(formatNumber).join(',')})`;
}

/** Shortest text that reads back to the same float64. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  return String(x);
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let p = start; p < end; p += 8192) {
    s += String.fromCharCode(...bytes.subarray(p, Math.min(end, p + 8192)));
  }
  return s;
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

/** Key/value text escapes (format spec, "Key/value pairs"): `\n` newline, `\\` backslash. */
function unescapeNrrd(s: string): string {
  return s.replace(/\\(n|\\)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
}

function escapeNrrd(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
