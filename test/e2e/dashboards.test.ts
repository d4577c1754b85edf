/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../main/compute/ml/analysis.js';
import { tmpDir } from '../helpers/tmp.js';
import { runFixture, storeInStudy } from '../unit/report/fixture.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';

/**
 * The analysis dashboards end to end: a study holding a stored two-center analysis (the report
 * fixture: logistic rad-score and naive Bayes, internal test and external sets) is served, the
 * Analysis view opens it, and every chart is drawn as SVG with data: the ROC figure has one
 * series per model plus chance and its legend shows the stored AUCs, the DeLong heatmap prints
 * the stored p-value; switching the set redraws; exports write the SVG, PNG, XLSX and DOCX files.
 * The study figures: Kaplan–Meier curves by rad-score risk group on the external set (defaults
 * picked from the table's pfs_months / pfs_event), with the number at risk and log-rank p, redrawn
 * by a column (grade); the correlation heatmap; the flow diagram with the split counts; the
 * TRIPOD/CLEAR checklist; the KM figure exported as SVG.
 */

let t: ReturnType<typeof tmpDir>;
let app: Served;
let browser: Browser;
let result: AnalysisResult;

const pageErrors = (): string[] =>
  browser.errors.filter((e) => !e.includes('Failed to load resource') && !e.includes("'frame-ancestors' is ignored"));

beforeAll(async () => {
  t = tmpDir('radstudy-e2e-dashboards-');
  const f = runFixture(t.dir);
  result = f.result;
  const studyFile = path.join(t.dir, 'dashboards.radstudy');
  storeInStudy(studyFile, result, f.dataFile);
  app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  t?.cleanup();
});

describe('Analysis dashboards (Playwright + Debian Chromium)', () => {
  it('draws every chart of a stored analysis with its data and exports figures and tables', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.getByTestId('nav-analysis').click();
    await page.getByRole('button', { name: 'HER2-low vs HER2-zero' }).click();
    await expect.poll(() => page.getByTestId('analysis-dashboard').isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await page.getByTestId('dashboard-set').inputValue()).toBe('external');

    for (const group of ['comparison', 'roc', 'delong', 'calibration', 'dca', 'roc-model', 'radscore', 'coefficients']) {
      const chart = page.getByTestId(`chart-${group}`).first();
      await expect.poll(() => chart.locator('svg path').count(), { timeout: 10_000 }).toBeGreaterThan(5);
    }
    // ROC: two models + chance; legend with the stored external AUCs.
    const roc = page.locator('[data-chart="roc-external"]');
    expect(await roc.getAttribute('data-series')).toBe('3');
    const rocText = (await roc.locator('svg').textContent()) ?? '';
    for (const m of result.models) expect(rocText).toContain(`${m.name}: AUC ${m.metrics.external!.auc.toFixed(3)}`);
    const p = result.comparison.external!.pValues[0]![1]!;
    expect((await page.locator('[data-chart="delong-external"] svg').textContent()) ?? '').toContain(
      p < 0.001 ? '<0.001' : p.toFixed(3),
    );
    expect(await page.locator('[data-chart="calibration-external"]').getAttribute('data-series')).toBe('5');
    expect((await page.locator('[data-chart="dca-external"] svg').textContent()) ?? '').toMatch(/Treat all.*Treat none/s);
    expect(await page.getByTestId('chart-radscore').count()).toBe(2);
    expect(await page.getByTestId('chart-confusion').count()).toBe(2);
    expect((await page.locator('[data-chart="confusion-rad-score-lr-external"] svg').textContent()) ?? '').toMatch(/TP \d+/);
    // Model comparison: a CI line and an AUC marker per set.
    expect(await page.locator('[data-chart="auc-comparison"]').getAttribute('data-series')).toBe(String(2 * 4));
    expect((await page.locator('[data-chart="auc-comparison"] svg').textContent()) ?? '').toContain('Naive Bayes · External');

    // Another set redraws the set charts.
    await page.getByTestId('dashboard-set').selectOption('train');
    await expect.poll(() => page.locator('[data-chart="roc-train"] svg path').count(), { timeout: 10_000 }).toBeGreaterThan(5);
    expect((await page.locator('[data-chart="calibration-train"] svg').textContent()) ?? '').toContain(
      'bias-corrected (bootstrap B = 20)',
    );

    // Exports through the service.
    // Without a folder: a clear alert, nothing written.
    await page.getByTestId('export-svg').click();
    await expect
      .poll(() => page.getByTestId('error-alert').last().textContent(), { timeout: 5_000 })
      .toContain('Type the folder to export into');
    const dir = path.join(t.dir, 'exports');
    await page.getByTestId('dashboard-export-dir').fill(dir);
    for (const [button, file] of [
      ['export-svg', 'roc-train.svg'],
      ['export-png', 'roc-train_300dpi.png'],
      ['export-xlsx', 'tables.xlsx'],
      ['export-docx', 'tables.docx'],
    ] as const) {
      await page.getByTestId(button).click();
      await expect.poll(() => existsSync(path.join(dir, file)), { timeout: 30_000 }).toBe(true);
    }
    // The file can exist before the reply that names it reaches the view.
    await expect.poll(() => page.getByTestId('dashboard-exported').textContent(), { timeout: 10_000 }).toContain('tables.docx');
    expect(readFileSync(path.join(dir, 'roc-train.svg'), 'utf8')).toContain(
      `AUC ${result.models[0]!.metrics.train!.auc.toFixed(3)}`,
    );

    // Study figures.
    const kmChart = page.getByTestId('chart-km');
    await expect.poll(() => kmChart.locator('svg path').count(), { timeout: 20_000 }).toBeGreaterThan(5);
    expect(await page.getByTestId('km-time').inputValue()).toBe('pfs_months');
    expect(await page.getByTestId('km-event').inputValue()).toBe('pfs_event');
    expect(await page.getByTestId('km-set').inputValue()).toBe('external');
    const kmText = (await kmChart.locator('svg').textContent()) ?? '';
    expect(kmText).toMatch(/Log-rank p [=<] \d\.\d{3}/);
    expect(kmText).toContain('Number at risk');
    const ext = result.split.counts.external.rows;
    const [hi, lo] = [...kmText.matchAll(/(High|Low) risk \(n = (\d+)/g)].map((m) => Number(m[2]));
    expect(hi! + lo!).toBe(ext);
    // Two curves, their censor marks and the at-risk row.
    expect(Number(await kmChart.locator('[data-chart]').getAttribute('data-series'))).toBeGreaterThanOrEqual(3);
    await page.getByTestId('km-group').selectOption('column:grade');
    await page.getByTestId('km-draw').click();
    await expect.poll(async () => (await kmChart.locator('svg').textContent()) ?? '', { timeout: 10_000 }).toContain('G3 (n = ');
    const corr = page.getByTestId('chart-correlation');
    await expect.poll(() => corr.locator('svg path').count(), { timeout: 10_000 }).toBeGreaterThan(5);
    expect((await corr.locator('svg').textContent()) ?? '').toContain('Feature correlations (Pearson r, clustered');
    await page.getByTestId('correlation-method').selectOption('spearman');
    await expect.poll(async () => (await corr.locator('svg').textContent()) ?? '', { timeout: 10_000 }).toContain('Spearman ρ');
    const flowSrc = decodeURIComponent((await page.getByTestId('flow-image').getAttribute('src')) ?? '');
    expect(flowSrc).toContain('External validation set');
    expect(flowSrc).toContain(`n = ${result.split.counts.external.groups} patients`);
    // 37 TRIPOD 2015 items + the 58 CLEAR v1.0 items (Kocak et al. 2023), numbered 1..58 with their sections.
    expect(await page.locator('[data-testid="checklist"] tbody tr').count()).toBe(37 + 58);
    expect(await page.locator('[data-testid="checklist"] tbody tr[data-item^="CLEAR-"]').count()).toBe(58);
    expect(await page.locator('[data-item="CLEAR-31"]').textContent()).toContain('Method — Data preparation');
    expect(await page.locator('[data-item="CLEAR-58"]').textContent()).toContain('Open science — Model availability');
    expect(await page.locator('[data-testid="checklist"] summary').textContent()).toContain('not applicable');
    expect(await page.locator('[data-item="TRIPOD-14a"]').textContent()).toContain(
      `training ${result.split.counts.train.groups} patients`,
    );
    await page.getByTestId('km-export-svg').click();
    await expect.poll(() => existsSync(path.join(dir, 'km-pfs-event-grade-external.svg')), { timeout: 30_000 }).toBe(true);
    expect(readFileSync(path.join(dir, 'km-pfs-event-grade-external.svg'), 'utf8')).toContain('Number at risk');
    expect(pageErrors()).toEqual([]);
  }, 180_000);
});
