/**
 * Test-side access to ../shared/reference: the PyRadiomics baseline CSVs (transposed: rows are
 * feature names, columns are `<case>[_<variant>]`), their settings dicts, the texture-matrix
 * .npy files and the brain1/breast1 NRRD volumes (read with the imaging module's reader).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNrrd } from '../../../main/compute/imaging/nrrd.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';

export const REFERENCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/reference');

export function referencePath(...parts: string[]): string {
  return path.join(REFERENCE_DIR, ...parts);
}

const volumes = new Map<string, Volume>();
/** `brain1_image`, `brain1_label`, `breast1_image`, `breast1_label` from pyradiomics/. */
export function pyradiomicsVolume(name: string): Volume {
  let v = volumes.get(name);
  if (!v) {
    const file = referencePath('pyradiomics', `${name}.nrrd`);
    v = readNrrd(new Uint8Array(readFileSync(file)), file).volume;
    volumes.set(name, v);
  }
  return v;
}

/** Minimal RFC 4180 CSV reader (quoted cells may hold commas). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell.length > 0 || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export interface BaselineColumn {
  /** Column name, e.g. `brain1_2d`. */
  column: string;
  /** Settings dict of the column (Python literal converted to JSON). */
  settings: Record<string, unknown>;
  /** Feature name (e.g. `original_glcm_Contrast`) → value. */
  features: Map<string, number>;
  diagnostics: Map<string, string>;
}

/** Converts a Python dict/list literal (as PyRadiomics prints settings) to a JS value. */
export function parsePythonLiteral(text: string): unknown {
  const json = text
    .replace(/'/g, '"')
    .replace(/\bTrue\b/g, 'true')
    .replace(/\bFalse\b/g, 'false')
    .replace(/\bNone\b/g, 'null')
    .replace(/\(/g, '[')
    .replace(/\)/g, ']');
  return JSON.parse(json);
}

/** Every column of `baseline_<cls>.csv`. */
export function baselineColumns(cls: string): BaselineColumn[] {
  const rows = parseCsv(readFileSync(referencePath('pyradiomics', 'baseline', `baseline_${cls}.csv`), 'utf8'));
  const header = rows[0]!;
  const out: BaselineColumn[] = [];
  for (let c = 1; c < header.length; c++) {
    const features = new Map<string, number>();
    const diagnostics = new Map<string, string>();
    for (const r of rows.slice(1)) {
      const name = r[0]!;
      if (name.startsWith('diagnostics_')) diagnostics.set(name, r[c] ?? '');
      else if (name.length > 0) features.set(name, Number(r[c]));
    }
    const settings = parsePythonLiteral(diagnostics.get('diagnostics_Configuration_Settings')!) as Record<string, unknown>;
    out.push({ column: header[c]!, settings, features, diagnostics });
  }
  return out;
}

/** NumPy .npy reader for little-endian float64 arrays (the matrices baselines); returns C order. */
export function readNpy(file: string): { shape: number[]; data: Float64Array } {
  const buf = readFileSync(file);
  if (buf.readUInt8(0) !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf.readUInt8(6);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  if (!header.includes("'descr': '<f8'")) {
    throw new Error(`${file}: only little-endian float64 arrays are supported (${header})`);
  }
  const fortran = header.includes("'fortran_order': True");
  const shape = header
    .match(/'shape': \(([^)]*)\)/)![1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const offset = start + headerLen;
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = buf.readDoubleLE(offset + 8 * i);
  if (!fortran) return { shape, data };
  // Fortran order: the first index varies fastest; transpose to C order.
  const c = new Float64Array(count);
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < count; f++) {
    let co = 0;
    for (let d = 0; d < shape.length; d++) co = co * shape[d]! + idx[d]!;
    c[co] = data[f]!;
    for (let d = 0; d < shape.length; d++) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { shape, data: c };
}

/** |computed/expected − 1|, or |computed| when the expected value is 0 (PyRadiomics' rule). */
export function relativeError(computed: number, expected: number): number {
  if (expected === 0) return Math.abs(computed);
  return Math.abs(computed / expected - 1);
}
