/**
 * `radstudy report` and the table writers (main/cli/report.ts, main/report/*): a stored analysis
 * of a study, and the same result given as files, are written as figures, tables, methods and a
 * reproducibility bundle. References: the XLSX and DOCX are parsed back (exceljs; the DOCX's
 * word/document.xml through JSZip) and their cells equal the stored metrics formatted to three
 * decimals; the Table 1 counts equal the outcome counts of the rows; the bundle's spec re-run by
 * `radstudy analyze` gives the stored predictions exactly (tolerance 0).
 */
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAnalyzeCommand } from '../../../main/cli/analyze.js';
import { registerReportCommand } from '../../../main/cli/report.js';
import type { ReportIo } from '../../../main/cli/report.js';
import type { AnalysisResult } from '../../../main/compute/ml/analysis.js';
import { pngDpi } from '../../../main/report/render.js';
import { writeReport } from '../../../main/report/writeReport.js';
import { tmpDir } from '../../helpers/tmp.js';
import { runFixture, storeInStudy } from './fixture.js';

const t = tmpDir('radstudy-report-');
let result: AnalysisResult;
let dataFile: string;
let study: string;
afterAll(() => t.cleanup());
beforeAll(() => {
  const f = runFixture(t.dir);
  result = f.result;
  dataFile = f.dataFile;
  study = path.join(t.dir, 'fixture.radstudy');
  storeInStudy(study, result, dataFile);
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = { code: 0, out: '', err: '' };
  const io: ReportIo = {
    out: (s) => void (r.out += s),
    err: (s) => void (r.err += s),
    setExitCode: (c) => void (r.code = c),
    version: '9.9.9-test',
  };
  const program = new Command().exitOverride();
  registerReportCommand(program, io);
  registerAnalyzeCommand(program, io);
  await program.parseAsync(args, { from: 'user' });
  return r;
}

const f3 = (v: number): string => v.toFixed(3);

describe('radstudy report', () => {
  it('writes figures, XLSX/CSV/DOCX tables, methods and a bundle from a stored analysis', async () => {
    const out = path.join(t.dir, 'report');
    const r = await cli(
      'report',
      '--study',
      study,
      '--analysis',
      'HER2-low vs HER2-zero',
      '--out',
      out,
      '--dpi',
      '300',
      '--km-time',
      'pfs_months',
      '--km-event',
      'pfs_event',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/HER2-low vs HER2-zero: \d+ figures, 5 tables/);
    for (const f of [
      'roc-external.svg',
      'roc-external_300dpi.png',
      'delong-test.svg',
      'calibration-train.svg',
      'dca-external.svg',
      // Study figures: KM by rad-score risk group on the external set (default), correlations, flow.
      'km-pfs-event-risk-external.svg',
      'km-pfs-event-risk-external_300dpi.png',
      'correlation.svg',
      'flow.svg',
      'flow_300dpi.png',
    ])
      expect(existsSync(path.join(out, 'figures', f)), f).toBe(true);
    expect(pngDpi(readFileSync(path.join(out, 'figures', 'roc-external_300dpi.png')))).toBe(300);
    const km = readFileSync(path.join(out, 'figures', 'km-pfs-event-risk-external.svg'), 'utf8');
    expect(km).toMatch(/Log-rank p [=<] \d\.\d{3} \(χ² = \d+\.\d{2}, 1 df\)/);
    expect(km).toContain('Number at risk');
    expect(km).toMatch(/High risk \(n = \d+, \d+ events/);
    // Flow: the fixture study holds no patients (the analysis came from a table), so it starts at the table's rows.
    const flow = readFileSync(path.join(out, 'figures', 'flow.svg'), 'utf8');
    expect(flow).not.toContain('Patients assessed for eligibility');
    expect(flow).toContain('Rows of the analysis table');
    expect(flow).toContain(`External validation set`);
    expect(flow).toContain(`n = ${result.split.counts.external.groups} patients`);
    expect(readFileSync(path.join(out, 'figures', 'roc-external.svg'), 'utf8')).toContain(
      `Rad-score (LR): AUC ${f3(result.models[0]!.metrics.external!.auc)}`,
    );

    // XLSX read back: the comparison sheet's external row of the first model.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, 'tables', 'tables.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'table1-by-outcome',
      'table1-by-split',
      'model-comparison',
      'coefficients',
      'checklist',
    ]);
    // The checklist sheet: TRIPOD 14a with the training counts, KM by risk group reported (item 11).
    const cl = wb.getWorksheet('checklist')!;
    const clRows: string[][] = [];
    cl.eachRow((row) => clRows.push([1, 2, 3, 4, 5, 6, 7].map((k) => String(row.getCell(k).value ?? ''))));
    const tc = result.split.counts.train;
    const tripod = (id: string) => clRows.find((x) => x[0] === 'TRIPOD' && x[1] === id)!;
    expect(tripod('14a')[6]).toContain(`training ${tc.groups} patients, ${tc.events} events`);
    expect(tripod('11')[4]).toBe('reported');
    expect(tripod('13a')[4]).toBe('partly');
    // CLEAR v1.0: 58 items numbered 1..58, with their sections (Kocak et al. 2023).
    const clearRows = clRows.filter((x) => x[0] === 'CLEAR');
    expect(clearRows.map((x) => x[1])).toEqual(Array.from({ length: 58 }, (_, k) => String(k + 1)));
    expect(clearRows[18]![2]).toBe('Method — Segmentation');
    expect(clearRows[55]![4]).toBe('reported'); // item 56, modeling code in reproducibility/
    const ws = wb.getWorksheet('model-comparison')!;
    expect(ws.getRow(2).getCell(4).value).toBe('AUC (95% CI)');
    const m = result.models[0]!.metrics.external!;
    let found = false;
    ws.eachRow((row) => {
      if (row.getCell(1).value === 'Rad-score (LR)' && row.getCell(2).value === 'External validation') {
        found = true;
        expect(row.getCell(3).value).toBe(`${m.n} (${m.events})`);
        expect(row.getCell(4).value).toBe(`${f3(m.auc)} (${f3(m.aucCi![0])}–${f3(m.aucCi![1])})`);
        expect(String(row.getCell(5).value)).toMatch(new RegExp(`^${f3(m.sensitivity.estimate)} \\(`));
        expect(row.getCell(10).value).toBe(f3(m.f1));
        const hl = m.hosmerLemeshowP!;
        expect(row.getCell(12).value).toBe(hl < 0.001 ? '<0.001' : f3(hl));
      }
    });
    expect(found).toBe(true);
    // Table 1 by outcome: the group sizes are the outcome counts of the analysed rows.
    const events = result.rows.y.filter((v) => v === 1).length;
    const t1 = wb.getWorksheet('table1-by-outcome')!.getRow(2);
    expect(t1.getCell(2).value).toBe(`Overall (n = ${result.rows.n})`);
    expect(t1.getCell(3).value).toBe(`her2 = low (n = ${events})`);
    expect(t1.getCell(4).value).toBe(`her2 ≠ low (n = ${result.rows.n - events})`);

    // DOCX read back: methods, three-line table borders, the same AUC cell.
    const zip = await JSZip.loadAsync(readFileSync(path.join(out, 'tables', 'tables.docx')));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toContain('Analyses were performed in RadStudy 9.9.9-test');
    expect(xml).toContain(`${f3(m.auc)} (${f3(m.aucCi![0])}–${f3(m.aucCi![1])})`);
    expect(xml).toContain('Table 2. Diagnostic performance of the models');
    expect(xml).not.toMatch(/<w:(left|right) w:val="single"/);
    expect(xml).toContain('Reporting checklist (TRIPOD, CLEAR), prefilled by RadStudy');
    expect(xml).toContain('Open science — Model availability'); // CLEAR v1.0 section of items 57–58
    expect(xml).toMatch(/<w:top w:val="single"/);

    const csv = readFileSync(path.join(out, 'tables', 'model-comparison.csv'), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFModel,Set,n (events),AUC (95% CI),Sensitivity,Specificity,Accuracy,PPV,NPV,F1,Brier,H–L p',
    );

    const methods = readFileSync(path.join(out, 'methods.txt'), 'utf8');
    expect(methods).toContain(
      'Patients from JS formed the external validation set, and 30% of the remaining patients an internal test set',
    );
    expect(methods).toContain('univariate Mann–Whitney U test filtering (p < 0.05)');
    expect(methods).toContain('20 bootstrap resamples');
    expect(methods).toContain('logistic regression ("Rad-score (LR)")');
    expect(methods).toContain('compared between groups with the log-rank test');
    expect(methods).toContain('at the median predicted risk of the training set');
    expect(methods).toContain('(Pearson coefficients) and ordered by average-linkage hierarchical clustering');

    // The bundle re-runs: same predictions exactly.
    const manifest = JSON.parse(readFileSync(path.join(out, 'reproducibility', 'manifest.json'), 'utf8')) as {
      input: { sha256: string };
      software: { version: string };
    };
    expect(manifest.software.version).toBe('9.9.9-test');
    expect(manifest.input.sha256).toMatch(/^[0-9a-f]{64}$/);
    const rerun = path.join(t.dir, 'rerun.json');
    const a = await cli('analyze', path.join(out, 'reproducibility', 'spec.json'), '--data', dataFile, '--out', rerun);
    expect(a.code).toBe(0);
    const again = JSON.parse(readFileSync(rerun, 'utf8')) as AnalysisResult;
    // JSON writes NaN (rows outside a set) as null, as the stored result does.
    expect(again.models.map((x) => x.predictions)).toEqual(JSON.parse(JSON.stringify(result.models.map((x) => x.predictions))));
  }, 120_000);

  it('reports from a results file and data, and refuses bad input by name', async () => {
    const resultsFile = path.join(t.dir, 'results.json');
    writeFileSync(resultsFile, JSON.stringify(result));
    const out = path.join(t.dir, 'report2');
    const r = await cli('report', '--result', resultsFile, '--data', dataFile, '--out', out, '--dpi', 'none');
    expect(r.code).toBe(0);
    expect(existsSync(path.join(out, 'figures', 'roc-train.svg'))).toBe(true);
    expect(existsSync(path.join(out, 'figures', 'roc-train_300dpi.png'))).toBe(false);

    // A feature table changed since the run: Table 1 by outcome is left out, and the report says why.
    const changed = await writeReport(
      path.join(t.dir, 'report3'),
      {
        result,
        dataSource: dataFile,
        dataSha256: '0'.repeat(64),
        software: { name: 'RadStudy', version: 'test' },
      },
      { dpi: [], groups: ['roc'] },
    );
    expect(changed.warnings).toEqual([
      `Kaplan–Meier and correlation figures left out: the feature table ${dataFile} changed since analysis 'HER2-low vs HER2-zero' ran (SHA-256 differs); re-run the analysis`,
      `Table 1 by outcome left out: ${dataFile} changed since the analysis ran (SHA-256 differs)`,
    ]);
    expect(changed.files.filter((f) => f.endsWith('.csv'))).toEqual([
      'tables/table1-by-split.csv',
      'tables/model-comparison.csv',
      'tables/coefficients.csv',
      'tables/checklist.csv',
    ]);

    // A Kaplan–Meier request naming a column the table does not have: exit 1, the column named, nothing written.
    const badOut = path.join(t.dir, 'report-bad');
    const bad = await cli(
      'report',
      '--result',
      resultsFile,
      '--data',
      dataFile,
      '--out',
      badOut,
      '--km-time',
      'os_months',
      '--km-event',
      'pfs_event',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("features.csv has no time column 'os_months'");
    expect(existsSync(badOut)).toBe(false);

    const missing = await cli('report', '--study', study, '--analysis', 'nope', '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no analysis "nope" \(it has: \d+ "HER2-low vs HER2-zero"\)/);
    const usage = await cli('report', '--study', study, '--out', out);
    expect(usage.code).toBe(2);
    const notResult = await cli('report', '--result', dataFile, '--data', dataFile, '--out', out);
    expect(notResult.err).toMatch(/cannot read the results|is not a RadStudy analysis result/);
  }, 60_000);
});
