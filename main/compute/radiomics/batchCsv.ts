/**
 * Text formats of PyRadiomics' batch mode: the case list (a CSV with `Image` and `Mask` columns)
 * and the output cells, written the way Python prints them (`repr` of a float, a tuple, a dict)
 * so a RadStudy batch CSV reads like one PyRadiomics wrote.
 *
 * CSV: RFC 4180 (quoted cells may hold commas, quotes and line breaks); a UTF-8 byte-order mark
 * is ignored. Python float repr: shortest round-trip digits, scientific notation when the decimal
 * exponent is below −4 or at least 16 (CPython `float_repr_style = 'short'`).
 */
import { RadiomicsInputError } from './errors.js';

export interface CsvTable {
  columns: string[];
  /** One record per data row, keyed by column name; `line` is the 1-based line of the row. */
  rows: { line: number; cells: Record<string, string> }[];
}

/** Splits CSV text into rows of cells, with the 1-based line each row starts on. */
export function parseCsvRows(text: string): { line: number; cells: string[] }[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: { line: number; cells: string[] }[] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      if (any || cell.length > 0) out.push({ line: rowLine, cells: row });
      row = [];
      cell = '';
      any = false;
      line++;
      rowLine = line;
    } else {
      cell += ch;
      any = true;
    }
  }
  if (any || cell.length > 0) {
    row.push(cell);
    out.push({ line: rowLine, cells: row });
  }
  return out;
}

/**
 * Reads a PyRadiomics batch case list: a header row with at least `Image` and `Mask` (exact,
 * case-sensitive names as in PyRadiomics); every other column is kept and passed through.
 */
export function parseCaseList(text: string, source: string): CsvTable {
  const all = parseCsvRows(text);
  const header = all[0];
  if (!header) throw new RadiomicsInputError(source, 'the case list is empty; expected a header row with Image,Mask');
  const columns = header.cells.map((c) => c.trim());
  for (const need of ['Image', 'Mask']) {
    if (!columns.includes(need)) {
      throw new RadiomicsInputError(
        source,
        `the case list has no "${need}" column (found: ${columns.join(', ') || 'nothing'}); ` +
          'PyRadiomics batch input needs a header row with Image,Mask and optionally Label',
      );
    }
  }
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) throw new RadiomicsInputError(source, `the column "${dup}" appears twice in the header`);
  const rows: CsvTable['rows'] = [];
  for (const r of all.slice(1)) {
    if (r.cells.length > columns.length) {
      throw new RadiomicsInputError(
        `${source} line ${r.line}`,
        `${r.cells.length} cells but the header has ${columns.length} columns (quote cells that contain commas)`,
      );
    }
    const cells: Record<string, string> = {};
    columns.forEach((c, i) => (cells[c] = r.cells[i] ?? ''));
    rows.push({ line: r.line, cells });
  }
  return { columns, rows };
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Writes rows as CSV (quoting only where needed, like Python's csv.QUOTE_MINIMAL), `\n` line ends. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** Python's `repr(float)`: `632.0`, `0.1`, `1e-05`, `1.5e+16`, `nan`, `inf`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const exp = x.toExponential(); // shortest round-trip digits, e.g. "1.5e+16"
  const [mant, e] = exp.split('e') as [string, string];
  const power = Number(e);
  if (power < -4 || power >= 16) {
    const sign = power < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(power)).padStart(2, '0')}`;
  }
  const fixed = String(x); // JS uses fixed notation for −7 < exponent < 21
  return /[.e]/.test(fixed) ? fixed : `${fixed}.0`;
}

/** A value in Python literal syntax, as PyRadiomics prints settings and diagnostics. */
export function pyRepr(v: unknown, intLike = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return intLike && Number.isInteger(v) ? String(v) : pyFloat(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, true)).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x, true)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** A Python tuple of numbers: `(162, 84, 11)` for integers, `(0.78125, 0.78125, 6.5)` for floats. */
export function pyTuple(values: readonly number[], ints = false): string {
  return `(${values.map((v) => (ints ? String(v) : pyFloat(v))).join(', ')})`;
}
