/**
 * The feature table an analysis read, loaded again for the figures that need columns the analysis
 * did not keep (follow-up time, event, clinical groups, the raw feature values): only when the file
 * is still where it was and unchanged (same SHA-256), and aligned with the analysis rows by id.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnalysisResult } from '../compute/ml/analysis.js';
import { StatsInputError } from '../compute/stats/common.js';
import { readCsv } from '../services/cohort/table-reader.js';

export interface AnalysisTable {
  file: string;
  header: string[];
  /** Cells of the data row of each analysis row (result.rows order), trimmed. */
  cells: string[][];
  /** 1-based data row number in the file of each analysis row, for error messages. */
  line: number[];
}

export interface TableSource {
  result: AnalysisResult;
  dataSource: string;
  dataSha256: string;
}

export function loadAnalysisTable(src: TableSource): AnalysisTable {
  const file = src.dataSource;
  if (!existsSync(file))
    throw new StatsInputError(
      `the feature table ${file} of analysis '${src.result.spec.name}' is no longer there; put it back to draw this figure`,
    );
  const bytes = readFileSync(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== src.dataSha256)
    throw new StatsInputError(
      `the feature table ${file} changed since analysis '${src.result.spec.name}' ran (SHA-256 differs); re-run the analysis`,
    );
  const table = readCsv(bytes, path.basename(file));
  const spec = src.result.spec;
  const jId = table.header.indexOf(spec.columns.id ?? spec.columns.patient);
  const jReader = spec.reader ? table.header.indexOf(spec.reader.column) : -1;
  const byId = new Map<string, number>();
  table.rows.forEach((r, i) => {
    if (jReader >= 0 && String(r.cells[jReader] ?? '').trim() !== spec.reader!.keep) return;
    const id = String(r.cells[jId] ?? '').trim();
    if (!byId.has(id)) byId.set(id, i);
  });
  const cells: string[][] = [];
  const line: number[] = [];
  for (const id of src.result.rows.ids) {
    const i = byId.get(String(id).trim());
    if (i === undefined) throw new StatsInputError(`analysis row '${id}' is not in ${path.basename(file)} any more`);
    cells.push(table.rows[i]!.cells.map((c) => (c === null || c === undefined ? '' : String(c).trim())));
    line.push(i + 1);
  }
  return { file, header: table.header, cells, line };
}

/** The column index of `name`, or an error listing the columns. */
export function columnOf(t: AnalysisTable, name: string, what: string): number {
  const j = t.header.indexOf(name);
  if (j < 0)
    throw new StatsInputError(
      `${path.basename(t.file)} has no ${what} column '${name}' (columns: ${t.header.slice(0, 10).join(', ')}${t.header.length > 10 ? ', …' : ''})`,
    );
  return j;
}

/** Columns a user can pick for survival and grouping: numeric ones and those with few distinct values. */
export function describeColumns(t: AnalysisTable): { name: string; numeric: boolean; levels: string[] | null }[] {
  return t.header.map((name, j) => {
    const values = t.cells.map((r) => r[j] ?? '').filter((v) => v !== '' && !/^(na|nan)$/i.test(v));
    const numeric = values.length > 0 && values.every((v) => Number.isFinite(Number(v)));
    const distinct = [...new Set(values)];
    return { name, numeric, levels: distinct.length <= 12 ? distinct.sort() : null };
  });
}

/** The study's cohort table (main/services/cohort/table.ts): one row per lesion, keyed columns. */
export interface CohortColumnsSource {
  columns: { key: string }[];
  rows: string[][];
}

/**
 * The analysis table with the study's patient-level cohort variables it lacks (follow-up time,
 * events, clinical groups), matched by patient code: a variable is added only when it has one value
 * per patient (lesion-level variables would be ambiguous for multifocal patients).
 */
export function withCohortColumns(t: AnalysisTable, cohort: CohortColumnsSource, patients: readonly string[]): AnalysisTable {
  const pi = cohort.columns.findIndex((c) => c.key === 'patient');
  if (pi < 0 || cohort.rows.length === 0) return t;
  const have = new Set(t.header);
  const extra: { key: string; j: number; byPatient: Map<string, string> }[] = [];
  cohort.columns.forEach((c, j) => {
    if (have.has(c.key) || ['center', 'patient', 'lesion'].includes(c.key)) return;
    const byPatient = new Map<string, string>();
    for (const r of cohort.rows) {
      const p = String(r[pi] ?? '');
      const v = String(r[j] ?? '').trim();
      const seen = byPatient.get(p);
      if (seen !== undefined && seen !== v) return;
      byPatient.set(p, v);
    }
    extra.push({ key: c.key, j, byPatient });
  });
  if (extra.length === 0) return t;
  return {
    ...t,
    header: [...t.header, ...extra.map((e) => e.key)],
    cells: t.cells.map((row, i) => [...row, ...extra.map((e) => e.byPatient.get(String(patients[i] ?? '')) ?? '')]),
  };
}
