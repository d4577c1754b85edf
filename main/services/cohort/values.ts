import type { VariableDef } from '../../api/cohort.js';

/** How cells are read: the import dialog's options, saved with a mapping. */
export interface ParseOptions {
  /** "3,5" means 3.5 (European spreadsheets). */
  decimalComma: boolean;
  /** Order of day, month and year in dates written with / or . (ISO yyyy-mm-dd is always accepted). */
  dateOrder: 'DMY' | 'MDY' | 'YMD';
}

export const DEFAULT_PARSE_OPTIONS: ParseOptions = { decimalComma: false, dateOrder: 'DMY' };

/** A value as stored: numbers (also booleans 0/1 and dates as days since 1970-01-01) or text. */
export type CellValue = { kind: 'value'; num: number | null; txt: string | null } | { kind: 'missing'; code: string | null };
export type CellResult = CellValue | { kind: 'error'; reason: string };

const TRUE = new Set(['yes', 'y', 'true', '1', 'positive', 'pos', 'present', 'ja', 'oui', 'si', 'sí']);
const FALSE = new Set(['no', 'n', 'false', '0', 'negative', 'neg', 'absent', 'nein', 'non']);
const DAY_MS = 86_400_000;
/** Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included), 25,569 days before 1970-01-01. */
const EXCEL_EPOCH_OFFSET = 25_569;

function parseNumber(text: string, decimalComma: boolean): number | null {
  let s = text.replace(/\s+/g, '');
  if (decimalComma) {
    if (s.includes('.') && s.includes(',')) return null; // thousands separators are ambiguous: refuse
    s = s.replace(',', '.');
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function daysFromParts(y: number, m: number, d: number): number | null {
  if (y < 1850 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null; // e.g. 31.02.
  return t / DAY_MS;
}

export function isoFromDays(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

function parseDate(raw: unknown, order: ParseOptions['dateOrder']): number | null {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : Math.floor(raw.getTime() / DAY_MS);
  if (typeof raw === 'number') return Number.isInteger(raw) && raw > 0 && raw < 100_000 ? raw - EXCEL_EPOCH_OFFSET : null;
  const s = String(raw).trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s);
  if (m) return daysFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,4})[./](\d{1,2})[./](\d{1,4})$/.exec(s);
  if (m) {
    const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (order === 'YMD' || m[1]!.length === 4) return daysFromParts(a, b, c);
    return order === 'DMY' ? daysFromParts(c, b, a) : daysFromParts(c, a, b);
  }
  return null;
}

function describeRange(def: VariableDef): string {
  const unit = def.unit ? ` ${def.unit}` : '';
  if (def.min !== null && def.max !== null) return `${def.min}–${def.max}${unit}`;
  if (def.min !== null) return `≥ ${def.min}${unit}`;
  return `≤ ${def.max}${unit}`;
}

/** Matches a category by code, label or alias, case- and space-insensitively. */
export function matchLevel(def: VariableDef, text: string): string | null {
  const key = text.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const level of def.levels ?? []) {
    if (level.code.toLowerCase() === key || level.label.toLowerCase() === key) return level.code;
    if (level.aliases?.some((a) => a.toLowerCase() === key)) return level.code;
  }
  return null;
}

/**
 * Reads one cell for one dictionary variable. Raw cells come from CSV (strings) or XLSX
 * (numbers, booleans, dates, strings). Every refusal says why, in words a coordinator can act on.
 */
export function parseCell(def: VariableDef, raw: unknown, opts: ParseOptions = DEFAULT_PARSE_OPTIONS): CellResult {
  const text = raw === null || raw === undefined ? '' : raw instanceof Date ? '' : String(raw).trim();
  if (!(raw instanceof Date) && (text === '' || def.missingCodes.some((c) => c.toLowerCase() === text.toLowerCase()))) {
    return { kind: 'missing', code: text === '' ? null : text };
  }
  switch (def.type) {
    case 'numeric':
    case 'integer': {
      const n = typeof raw === 'number' ? raw : parseNumber(text, opts.decimalComma);
      if (n === null || !Number.isFinite(n)) {
        const hint =
          !opts.decimalComma && /^\d+,\d+$/.test(text) ? ' (a decimal comma? choose "decimal comma" in the import options)' : '';
        return { kind: 'error', reason: `not a number${hint}` };
      }
      if (def.type === 'integer' && !Number.isInteger(n)) return { kind: 'error', reason: 'not a whole number' };
      if ((def.min !== null && n < def.min) || (def.max !== null && n > def.max)) {
        return { kind: 'error', reason: `outside the allowed range ${describeRange(def)}` };
      }
      return { kind: 'value', num: n, txt: null };
    }
    case 'categorical':
    case 'ordinal': {
      const code = matchLevel(def, text);
      if (code === null) {
        return { kind: 'error', reason: `unknown category (allowed: ${(def.levels ?? []).map((l) => l.code).join(', ')})` };
      }
      return { kind: 'value', num: null, txt: code };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { kind: 'value', num: raw ? 1 : 0, txt: null };
      const key = text.toLowerCase();
      if (TRUE.has(key)) return { kind: 'value', num: 1, txt: null };
      if (FALSE.has(key)) return { kind: 'value', num: 0, txt: null };
      return { kind: 'error', reason: 'not yes/no (accepted: yes, no, true, false, 1, 0)' };
    }
    case 'date': {
      const days = parseDate(raw, opts.dateOrder);
      if (days === null)
        return {
          kind: 'error',
          reason: `not a date (expected yyyy-mm-dd or ${opts.dateOrder === 'MDY' ? 'mm/dd/yyyy' : 'dd.mm.yyyy'})`,
        };
      return { kind: 'value', num: days, txt: isoFromDays(days) };
    }
    case 'text':
      return { kind: 'value', num: null, txt: text };
  }
}

/** How a stored value is shown and exported. */
export function formatValue(def: VariableDef, num: number | null, txt: string | null): string {
  if (def.type === 'boolean') return num === null ? '' : num ? 'yes' : 'no';
  if (def.type === 'date') return num === null ? '' : isoFromDays(num);
  if (num !== null) return String(num);
  return txt ?? '';
}
