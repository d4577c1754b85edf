/**
 * The kappa table as CSV cells, one row per variable × weighting: what `radstudy readers agreement
 * --kind kappa` writes and what the Readers view's "Export CSV" button saves (agreement.categorical.export).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import type { CategoricalAgreement } from '../../api/contract.js';
import { formatCsv } from '../../compute/radiomics/batchCsv.js';

export function kappaCsvCells(a: CategoricalAgreement): string[][] {
  const rows = [
    ['variable', 'type', 'n', 'n_missing', 'percent_agreement', 'weights', 'kappa', 'se', 'lower', 'upper', 'band', 'note'],
  ];
  for (const v of a.variables) {
    const base = [
      v.variable,
      v.type,
      String(v.n),
      String(v.nMissing),
      v.percentAgreement === null ? '' : String(v.percentAgreement),
    ];
    if (v.kappas.length === 0) rows.push([...base, '', '', '', '', '', '', v.note ?? '']);
    for (const k of v.kappas)
      rows.push([...base, k.weights, String(k.kappa), String(k.se), String(k.lower), String(k.upper), k.band, v.note ?? '']);
  }
  return rows;
}

/** Writes the kappa CSV to `file` (a .csv path) or, without one, only returns its text. Bad path: nothing written. */
export function exportKappaCsv(
  a: CategoricalAgreement,
  file: string | undefined,
): { path: string | null; rows: number; csv: string } {
  const cells = kappaCsvCells(a);
  const csv = formatCsv(cells);
  if (file === undefined) return { path: null, rows: cells.length - 1, csv };
  const out = path.resolve(file);
  if (path.extname(out).toLowerCase() !== '.csv')
    throw new AppError('VALIDATION', `The kappa table is written as a .csv file (got ${path.basename(out)}).`);
  try {
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, csv, 'utf8');
  } catch (e) {
    throw new AppError('VALIDATION', `Cannot write the kappa table to ${out}: ${(e as Error).message}`, { path: out });
  }
  return { path: out, rows: cells.length - 1, csv };
}
