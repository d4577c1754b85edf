/**
 * A tiny explicit-VR-little-endian DICOM writer for synthetic test series (PS3.5 §7.1.2,
 * PS3.10 §7.1 file meta information). Only what the tests need: strings, US, UL, FD, OB/OW
 * values, one-level sequences and native or encapsulated pixel data.
 */
export type DicomValue =
  | { vr: 'US' | 'UL'; value: number[] }
  | { vr: 'FD'; value: number[] }
  | { vr: 'OB' | 'OW'; value: Uint8Array }
  | { vr: 'SQ'; items: DicomElement[][] }
  | { vr: string; value: string };

export type DicomElement = [group: number, element: number, value: DicomValue];

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function header(group: number, element: number, vr: string, length: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  const b = new Uint8Array(long ? 12 : 8);
  const v = new DataView(b.buffer);
  v.setUint16(0, group, true);
  v.setUint16(2, element, true);
  b[4] = vr.charCodeAt(0);
  b[5] = vr.charCodeAt(1);
  if (long) v.setUint32(8, length, true);
  else v.setUint16(6, length, true);
  return b;
}

function valueBytes(value: DicomValue): Uint8Array {
  if ('items' in value) {
    const parts: Uint8Array[] = [];
    for (const item of value.items) {
      const body = encodeElements(item);
      const h = new Uint8Array(8);
      const v = new DataView(h.buffer);
      v.setUint16(0, 0xfffe, true);
      v.setUint16(2, 0xe000, true);
      v.setUint32(4, body.length, true);
      parts.push(h, body);
    }
    return concat(parts);
  }
  if (value.vr === 'US' || value.vr === 'UL' || value.vr === 'FD') {
    const nums = value.value as number[];
    const size = value.vr === 'US' ? 2 : value.vr === 'UL' ? 4 : 8;
    const b = new Uint8Array(nums.length * size);
    const v = new DataView(b.buffer);
    nums.forEach((x, k) =>
      value.vr === 'US'
        ? v.setUint16(2 * k, x, true)
        : value.vr === 'UL'
          ? v.setUint32(4 * k, x, true)
          : v.setFloat64(8 * k, x, true),
    );
    return b;
  }
  if (value.value instanceof Uint8Array) {
    return value.value.length % 2 ? concat([value.value, new Uint8Array(1)]) : value.value;
  }
  let s = value.value as string;
  if (s.length % 2) s += value.vr === 'UI' ? '\0' : ' ';
  return new TextEncoder().encode(s);
}

export function encodeElements(elements: DicomElement[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return concat(
    sorted.flatMap(([g, e, value]) => {
      const bytes = valueBytes(value);
      return [header(g, e, value.vr, bytes.length), bytes];
    }),
  );
}

/** Encapsulated pixel data (PS3.5 A.4): empty or filled Basic Offset Table, one fragment per frame. */
export function encapsulated(frames: Uint8Array[], withOffsetTable: boolean): Uint8Array {
  const item = (data: Uint8Array): Uint8Array => {
    const h = new Uint8Array(8);
    const v = new DataView(h.buffer);
    v.setUint16(0, 0xfffe, true);
    v.setUint16(2, 0xe000, true);
    v.setUint32(4, data.length, true);
    return concat([h, data]);
  };
  const padded = frames.map((f) => (f.length % 2 ? concat([f, new Uint8Array(1)]) : f));
  const table = new Uint8Array(withOffsetTable ? 4 * frames.length : 0);
  let offset = 0;
  padded.forEach((f, k) => {
    if (withOffsetTable) new DataView(table.buffer).setUint32(4 * k, offset, true);
    offset += 8 + f.length;
  });
  const head = header(0x7fe0, 0x0010, 'OB', 0xffffffff);
  const end = new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return concat([head, item(table), ...padded.map(item), end]);
}

/** A Part 10 file: preamble, "DICM", meta group 0002, then the data set (explicit VR LE body). */
export function dicomFile(transferSyntaxUid: string, elements: DicomElement[], pixelData?: Uint8Array): Uint8Array {
  const meta = encodeElements([
    [0x0002, 0x0001, { vr: 'OB', value: new Uint8Array([0, 1]) }],
    [0x0002, 0x0002, { vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' }],
    [0x0002, 0x0003, { vr: 'UI', value: '1.2.3.4' }],
    [0x0002, 0x0010, { vr: 'UI', value: transferSyntaxUid }],
  ]);
  const groupLength = encodeElements([[0x0002, 0x0000, { vr: 'UL', value: [meta.length] }]]);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, groupLength, meta, encodeElements(elements), pixelData ?? new Uint8Array()]);
}

/** Native 16-bit pixel data element (OW) from signed or unsigned values. */
export function nativePixels(values: ArrayLike<number>): Uint8Array {
  const body = new Uint8Array(values.length * 2);
  const v = new DataView(body.buffer);
  for (let i = 0; i < values.length; i++) v.setUint16(2 * i, values[i]! & 0xffff, true);
  return concat([header(0x7fe0, 0x0010, 'OW', body.length), body]);
}

export interface SliceSpec {
  series?: string;
  rows?: number;
  columns?: number;
  position: [number, number, number];
  orientation?: number[];
  spacing?: [number, number];
  instance?: number;
  temporal?: number;
  slope?: number;
  intercept?: number;
  pixels: ArrayLike<number>;
  signed?: boolean;
}

/** One synthetic MR slice (explicit VR LE, 16-bit). */
export function mrSlice(s: SliceSpec): Uint8Array {
  return dicomFile('1.2.840.10008.1.2.1', mrElements(s), nativePixels(s.pixels));
}

/** The same slice with its pixels as one encapsulated, already encoded frame. */
export function mrSliceEncoded(s: Omit<SliceSpec, 'pixels'>, transferSyntaxUid: string, frame: Uint8Array): Uint8Array {
  return dicomFile(transferSyntaxUid, mrElements({ ...s, pixels: [] }), encapsulated([frame], false));
}

function mrElements(s: SliceSpec): DicomElement[] {
  const rows = s.rows ?? 2;
  const columns = s.columns ?? 3;
  const el: DicomElement[] = [
    [0x0008, 0x0016, { vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' }],
    [0x0008, 0x0018, { vr: 'UI', value: `1.2.3.4.${s.instance ?? 1}` }],
    [0x0008, 0x0060, { vr: 'CS', value: 'MR' }],
    [0x0020, 0x000d, { vr: 'UI', value: '1.2.3' }],
    [0x0020, 0x000e, { vr: 'UI', value: s.series ?? '1.2.3.9' }],
    [0x0020, 0x0013, { vr: 'IS', value: String(s.instance ?? 1) }],
    [0x0020, 0x0032, { vr: 'DS', value: s.position.join('\\') }],
    [0x0020, 0x0037, { vr: 'DS', value: (s.orientation ?? [1, 0, 0, 0, 1, 0]).join('\\') }],
    [0x0028, 0x0002, { vr: 'US', value: [1] }],
    [0x0028, 0x0004, { vr: 'CS', value: 'MONOCHROME2' }],
    [0x0028, 0x0010, { vr: 'US', value: [rows] }],
    [0x0028, 0x0011, { vr: 'US', value: [columns] }],
    [0x0028, 0x0030, { vr: 'DS', value: (s.spacing ?? [0.5, 0.75]).join('\\') }],
    [0x0028, 0x0100, { vr: 'US', value: [16] }],
    [0x0028, 0x0101, { vr: 'US', value: [16] }],
    [0x0028, 0x0102, { vr: 'US', value: [15] }],
    [0x0028, 0x0103, { vr: 'US', value: [s.signed === false ? 0 : 1] }],
  ];
  if (s.temporal !== undefined) el.push([0x0020, 0x0100, { vr: 'IS', value: String(s.temporal) }]);
  if (s.slope !== undefined) el.push([0x0028, 0x1053, { vr: 'DS', value: String(s.slope) }]);
  if (s.intercept !== undefined) el.push([0x0028, 0x1052, { vr: 'DS', value: String(s.intercept) }]);
  return el;
}
