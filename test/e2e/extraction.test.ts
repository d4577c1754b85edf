/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvRows } from '../../main/compute/radiomics/batchCsv.js';
import { startDemoApp, type DemoApp } from './demoApp.js';

/**
 * The Extraction view end to end on a three-patient demo study: one sequence (DCE3) and one
 * reader (REF) are ticked, the default MRI parameter file is kept, the extraction runs as a job,
 * the table shows one row per lesion with `DCE3_original_*` columns and grey-level diagnostics,
 * the CSV export holds the cohort and the same values, and "Use in analysis" hands the file to
 * the Analysis view's spec builder.
 */

let d: DemoApp;

beforeAll(async () => {
  d = await startDemoApp('radstudy-e2e-extraction-', { patients: 3, seed: 5 });
}, 120_000);
afterAll(async () => {
  await d?.close();
});

describe('Extraction view (Playwright + Debian Chromium)', () => {
  it('extracts one sequence for one reader, shows and exports the sequence-prefixed table', async () => {
    const { page } = d.browser;
    await page.goto(d.app.url);
    await page.getByTestId('nav-extraction').click();
    await expect.poll(() => page.getByTestId('extraction-seq-DCE3').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('extraction-params').inputValue()).toMatch(/normalize: true/);
    await page.getByTestId('extraction-seq-DCE3').check();
    await page.getByTestId('extraction-reader-REF').check();
    await page.getByTestId('extraction-name').fill('DCE3 reference');
    const label = (await page.getByTestId('extraction-start').textContent()) ?? '';
    const n = Number(/Extract (\d+)/.exec(label)?.[1]);
    expect(n).toBeGreaterThan(0);
    await page.getByTestId('extraction-start').click();
    const row = page.locator('[data-testid^="extraction-row-"]').first();
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toMatch(/complete/);
    expect(await row.textContent()).toContain(`${n} / ${n}`);

    await page.locator('[data-testid^="extraction-open-"]').first().click();
    await expect.poll(() => page.getByTestId('feature-values').isVisible(), { timeout: 10_000 }).toBe(true);
    const head = await page.getByTestId('feature-values').locator('thead th').allTextContents();
    expect(head.slice(0, 4)).toEqual(['Patient', 'Lesion', 'Reader', 'DCE3_original_shape_Elongation']);
    expect(await page.getByTestId('feature-columns-shown').textContent()).toMatch(/columns 1–40 of 107/);
    expect(await page.getByTestId('feature-values').locator('tbody tr').count()).toBe(n);
    expect(await page.getByTestId('feature-greylevels').textContent()).toContain('DCE3');

    await page.getByTestId('feature-filter').fill('glcm_Contrast');
    await page.getByTestId('feature-filter').press('Enter');
    await expect
      .poll(() => page.getByTestId('feature-values').locator('thead th').allTextContents(), { timeout: 10_000 })
      .toEqual(['Patient', 'Lesion', 'Reader', 'DCE3_original_glcm_Contrast']);
    const shown = await page.getByTestId('feature-values').locator('tbody tr').first().locator('td').allTextContents();

    await page.getByTestId('feature-to-analysis').click();
    await expect.poll(() => page.getByTestId('analysis-builder').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('analysis-patient').inputValue()).toBe('patient');
    const file = await page.getByTestId('analysis-data').inputValue();
    expect(file).toBe(path.join(`${d.studyFile.replace(/\.radstudy$/, '')}-exports`, 'dce3-reference.csv'));
    const [header, ...rows] = parseCsvRows(readFileSync(file, 'utf8')).map((r) => r.cells);
    expect(header).toEqual(expect.arrayContaining(['patient', 'lesion', 'reader', 'center', 'DCE3_original_glcm_Contrast']));
    const line = rows.find((r) => r[0] === shown[0] && r[1] === shown[1])!;
    const v = Number(line[header!.indexOf('DCE3_original_glcm_Contrast')]);
    expect(Number(v.toPrecision(5)).toString()).toBe(shown[3]!.trim());
  });
});
