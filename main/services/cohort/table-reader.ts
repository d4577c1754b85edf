import { AppError } from '../../api/errors.js';

/** A spreadsheet as read: a header row and data rows of raw cells (row numbers as in the file). */
export interface RawTable {
  fileName: string;
  header: string[];
  rows: { line: number; cells: unknown[] }[];
  /** What was detected, shown in the import dialog. */
  detected: { encoding: string; delimiter?: string; sheet?: string };
}

export interface CsvOptions {
  delimiter?: ',' | ';' | '\t' | '|';
  encoding?: 'utf-8' | 'latin1';
}

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8; else Latin-1 (Windows-1252). */
export function decodeText(bytes: Uint8Array, encoding?: CsvOptions['encoding']): { text: string; encoding: string } {
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (encoding === 'latin1') return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'Latin-1 (Windows-1252)' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: hasBom ? 'UTF-8 with BOM' : 'UTF-8' };
  } catch {
    if (encoding === 'utf-8') throw new AppError('VALIDATION', 'The file is not valid UTF-8; choose Latin-1 as its encoding.');
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'Latin-1 (Windows-1252)' };
  }
}

function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && [',', ';', '\t', '|'].includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let n = 0;
  for (const [d, c] of counts) if (c > n) [best, n] = [d, c];
  return best;
}

/**
 * RFC 4180 CSV: quoted fields with "" escapes and embedded newlines, CRLF or LF line ends.
 * The delimiter is detected from the header line unless given. An unterminated quote is an
 * error naming the line where the field started.
 */
export function readCsv(bytes: Uint8Array, fileName: string, opts: CsvOptions = {}): RawTable {
  const { text, encoding } = decodeText(bytes, opts.encoding);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = opts.delimiter ?? detectDelimiter(firstLine);
  const records: { line: number; cells: string[] }[] = [];
  let field = '';
  let row: string[] = [];
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let quoteStart = 0;
  let i = 0;
  const endRow = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) records.push({ line: rowLine, cells: row });
    row = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      quoteStart = line;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) {
    throw new AppError(
      'VALIDATION',
      `${fileName}: a quoted field that starts on line ${quoteStart} is never closed (missing ").`,
      {
        file: fileName,
        line: quoteStart,
      },
    );
  }
  if (field !== '' || row.length) endRow();
  if (records.length === 0) throw new AppError('VALIDATION', `${fileName} is empty: it has no header row.`, { file: fileName });
  const [head, ...rest] = records;
  const header = head!.cells.map((h) => h.replace(/^\uFEFF/, '').trim());
  return {
    fileName,
    header,
    rows: rest.map((r) => ({ line: r.line, cells: r.cells })),
    detected: { encoding, delimiter: delimiter === '\t' ? 'tab' : delimiter },
  };
}
