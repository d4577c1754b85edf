/**
 * Writes the whole report of one analysis into a folder: every figure as SVG and PNG (300 and 600
 * dpi), every table as XLSX (one workbook), CSV and DOCX (with the methods paragraph), the methods
 * text, and a reproducibility bundle (spec, input SHA-256, results, versions) that
 * `radstudy analyze reproducibility/spec.json --data <the same table>` runs again.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnalysisResult } from '../compute/ml/analysis.js';
import { datasetFromTable } from '../compute/ml/dataset.js';
import type { AnalysisDataset } from '../compute/ml/dataset.js';
import { parseAnalysisSpec } from '../compute/ml/spec.js';
import { readCsv } from '../services/cohort/table-reader.js';
import { writeFileAtomic } from '../services/writeAtomic.js';
import { chartCatalogue } from './charts/index.js';
import { figureData } from './figureData.js';
import { methodsParagraph } from './methods.js';
import { renderSvg, svgToPng } from './render.js';
import { checklistTable } from './checklist.js';
import { studyFigures, studyMethods, type StudyFigureOptions } from './studyFigures.js';
import { reportTables } from './tables.js';
import { tablesToDocx, tablesToXlsx, tableToCsv } from './writeTables.js';

export interface ReportSource {
  result: AnalysisResult;
  /** The feature table the analysis read, and its SHA-256 at run time. */
  dataSource: string;
  dataSha256: string;
  software: { name: string; version: string };
}

export interface ReportOptions {
  /** PNG resolutions to write besides SVG (default 300 and 600 dpi; [] for SVG only). */
  dpi?: number[];
  /** Only these figure groups (default all). */
  groups?: string[];
  /** Kaplan–Meier figures, the correlation method, and the study's exclusion flow (main/report/studyFigures.ts). */
  study?: Omit<StudyFigureOptions, 'software'>;
}

export interface ReportWritten {
  dir: string;
  files: string[];
  warnings: string[];
}

/**
 * The analysis rows again, for Table 1 by outcome: only when the feature table is still where it
 * was and unchanged (same SHA-256); otherwise null and the reason.
 */
export function reloadDataset(src: ReportSource): { ds: AnalysisDataset | null; warning?: string } {
  const file = src.dataSource;
  if (!existsSync(file))
    return { ds: null, warning: `Table 1 by outcome left out: the feature table ${file} is no longer there` };
  const bytes = readFileSync(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== src.dataSha256)
    return { ds: null, warning: `Table 1 by outcome left out: ${file} changed since the analysis ran (SHA-256 differs)` };
  const table = readCsv(bytes, path.basename(file));
  const spec = parseAnalysisSpec(src.result.spec);
  const ds = datasetFromTable(
    table.header,
    table.rows.map((r) => r.cells),
    spec,
    path.basename(file),
  );
  return { ds };
}

export async function writeReport(dir: string, src: ReportSource, opts: ReportOptions = {}): Promise<ReportWritten> {
  const out = path.resolve(dir);
  const files: string[] = [];
  const warnings: string[] = [];
  const put = (rel: string, data: string | Buffer): void => {
    const f = path.join(out, rel);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileAtomic(f, data);
    files.push(rel);
  };
  const r = src.result;
  // Computed first: a bad Kaplan–Meier request (unknown column, bad value) writes nothing.
  const study = studyFigures(src, { ...opts.study, software: src.software });
  warnings.push(...study.warnings);
  const dpis = opts.dpi ?? [300, 600];
  const fd = figureData(r);
  for (const c of chartCatalogue(fd)) {
    if (opts.groups && !opts.groups.includes(c.group)) continue;
    const svg = renderSvg(c.option);
    put(`figures/${c.id}.svg`, svg);
    for (const dpi of dpis) put(`figures/${c.id}_${dpi}dpi.png`, svgToPng(svg, dpi));
  }
  for (const c of study.charts) {
    if (opts.groups && !opts.groups.includes(c.group)) continue;
    const svg = renderSvg(c.option);
    put(`figures/${c.id}.svg`, svg);
    for (const dpi of dpis) put(`figures/${c.id}_${dpi}dpi.png`, svgToPng(svg, dpi));
  }
  if (!opts.groups || opts.groups.includes('flow')) {
    put('figures/flow.svg', study.flowSvg);
    const w = Number(/width="(\d+)"/.exec(study.flowSvg)?.[1] ?? 640);
    for (const dpi of dpis) put(`figures/flow_${dpi}dpi.png`, svgToPng(study.flowSvg, dpi, w));
  }
  const { ds, warning } = reloadDataset(src);
  if (warning) warnings.push(warning);
  const tables = [...reportTables(r, ds), checklistTable(study.checklist)];
  const extra = studyMethods(opts.study ?? {}, study);
  const methods = methodsParagraph(r, src.software, opts.study?.extraction) + (extra ? ` ${extra}` : '');
  put('tables/tables.xlsx', await tablesToXlsx(tables));
  for (const t of tables) put(`tables/${t.id}.csv`, tableToCsv(t));
  put('tables/tables.docx', await tablesToDocx(tables, methods));
  put('methods.txt', methods + '\n');
  put('reproducibility/spec.json', JSON.stringify(r.spec, null, 2) + '\n');
  put('reproducibility/results.json', JSON.stringify(r) + '\n');
  put(
    'reproducibility/manifest.json',
    JSON.stringify(
      {
        format: 'radstudy-reproducibility-bundle',
        version: 1,
        software: src.software,
        engine: r.engine,
        node: process.versions.node,
        analysis: r.spec.name,
        createdAt: r.createdAt,
        input: { file: src.dataSource, sha256: src.dataSha256, rows: r.rows.n, candidates: r.features.candidates },
        rerun: `radstudy analyze reproducibility/spec.json --data ${JSON.stringify(src.dataSource)} --out rerun.json`,
        results: 'reproducibility/results.json',
      },
      null,
      2,
    ) + '\n',
  );
  return { dir: out, files, warnings };
}
