/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy } from '../../db/study-file.js';
import { Rng } from '../../main/compute/stats/random.js';
import { tmpDir } from '../helpers/tmp.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';

/**
 * The Analysis view end to end: a two-center feature table (CSV) is read, the spec builder
 * guesses patient / center / outcome columns, a split by center is chosen, the analysis runs as
 * a job, and the stored result shows AUCs with CIs per set and the selected features; a spec
 * edited into an invalid one is refused with the schema's message before any job starts.
 */

let t: ReturnType<typeof tmpDir>;
let app: Served;
let browser: Browser;
let dataFile: string;

function pageErrors(): string[] {
  return browser.errors.filter((e) => !e.includes('Failed to load resource') && !e.includes("'frame-ancestors' is ignored"));
}

beforeAll(async () => {
  t = tmpDir('radstudy-e2e-analysis-');
  const studyFile = path.join(t.dir, 'analysis.radstudy');
  createStudy(studyFile, 'Analysis e2e').close();
  const rng = new Rng(8);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  const lines = [
    'patient_id,center,her2_status,DCE2_glcm_Contrast,DCE2_glszm_ZoneEntropy,T2_firstorder_Mean,ADC_firstorder_Median',
  ];
  for (let p = 0; p < 150; p++) {
    const f = [normal(), normal(), normal(), normal()];
    const low = rng.nextDouble() < 1 / (1 + Math.exp(-(1.8 * f[0]! - 1.2 * f[3]!)));
    lines.push([`P${p}`, p < 100 ? 'CQ' : 'JS', low ? 'low' : 'zero', ...f.map((v) => v.toFixed(5))].join(','));
  }
  dataFile = path.join(t.dir, 'features.csv');
  writeFileSync(dataFile, lines.join('\n') + '\n');
  app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  t?.cleanup();
});

describe('Analysis view (Playwright + Debian Chromium)', () => {
  it('builds a spec from a feature table, runs it, and shows the stored result per set', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.getByTestId('nav-analysis').click();
    await page.getByTestId('analysis-data').fill(dataFile);
    await page.getByTestId('analysis-inspect').click();
    await expect.poll(() => page.getByTestId('analysis-builder').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('analysis-patient').inputValue()).toBe('patient_id');
    expect(await page.getByTestId('analysis-outcome').inputValue()).toBe('her2_status');
    await page.getByTestId('analysis-positive').selectOption('low');
    await page.getByLabel('By center (external)').check();
    await page.getByLabel('JS external').check();
    const spec = JSON.parse(await page.getByTestId('analysis-spec').inputValue()) as { split: unknown; outcome: unknown };
    expect(spec.split).toEqual({ method: 'center', external: ['JS'], testFraction: 0 });
    expect(spec.outcome).toEqual({ column: 'her2_status', positive: 'low' });

    // An invalid edit is refused with the schema's message.
    const good = await page.getByTestId('analysis-spec').inputValue();
    await page.getByTestId('analysis-spec').fill(good.replace('"k": 5', '"k": 1'));
    await page.getByTestId('analysis-run').click();
    await expect.poll(() => page.getByTestId('analysis-problems').textContent(), { timeout: 10_000 }).toMatch(/cv\.k/);
    await page.getByTestId('analysis-spec').fill(good);

    await page.getByTestId('analysis-run').click();
    await expect.poll(() => page.getByTestId('analysis-result').isVisible(), { timeout: 60_000 }).toBe(true);
    const metrics = (await page.getByTestId('analysis-metrics').textContent()) ?? '';
    expect(metrics).toMatch(/Training \(CV\)/);
    expect(metrics).toMatch(/External\s*50 \(\d+\)\s*0\.\d{3} \(0\.\d{3}–(0\.\d{3}|1\.000)\)/);
    expect(await page.getByTestId('analysis-features').first().textContent()).toContain('DCE2_glcm_Contrast');
    expect(await page.getByTestId('analysis-radscore').first().textContent()).toMatch(
      /^Rad-score = −?\d+\.\d{6}( [+−] \d+\.\d{6} × \w+)+$/,
    );
    const nomogram = page.getByTestId('analysis-nomogram').first();
    expect(await nomogram.isVisible()).toBe(true);
    expect(await nomogram.textContent()).toMatch(/Points.*Total points.*Risk of the event/);
    const balance = (await page.getByTestId('analysis-balance').textContent()) ?? '';
    expect(balance).toMatch(/Training \(n = 100\)/);
    expect(balance).toMatch(/External \(n = 50\)/);
    expect(balance).toMatch(/center\s*CQ\s*100 \(100\.0%\)\s*0 \(0\.0%\)/);
    expect(await page.getByTestId('analysis-list').textContent()).toContain('Model comparison');
    // Stored in the study: still there after a reload.
    await page.reload();
    await page.getByTestId('nav-analysis').click();
    await expect.poll(() => page.getByTestId('analysis-list').textContent(), { timeout: 10_000 }).toContain('Model comparison');
    expect(pageErrors()).toEqual([]);
  }, 120_000);

  it('harmonises across centers with ComBat (random split) and lists what each step did', async () => {
    const { page } = browser;
    await page.getByTestId('analysis-data').fill(dataFile);
    await page.getByTestId('analysis-inspect').click();
    await expect.poll(() => page.getByTestId('analysis-builder').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('analysis-positive').selectOption('low');
    await page.getByLabel('Random, stratified').check();
    await page.getByTestId('analysis-combat').check();
    await page.locator('#an-name').fill('Harmonised');
    await page.getByTestId('analysis-bootstrap-b').fill('20');
    await page.getByTestId('analysis-explain').check();
    // A tree ensemble and a kNN beside the logistic model: the explain step picks TreeSHAP and Kernel SHAP for them.
    await page.getByLabel('Gradient boosting').check();
    await page.getByLabel('k-nearest neighbours').check();
    const spec = JSON.parse(await page.getByTestId('analysis-spec').inputValue()) as {
      models: { kind: string }[];
      steps: { step: string }[];
      bootstrap?: { B: number };
      explain?: object;
    };
    expect(spec.steps.map((s) => s.step)).toContain('combat');
    expect(spec.bootstrap).toEqual({ B: 20 });
    expect(spec.explain).toEqual({});
    expect(spec.models.map((m) => m.kind)).toEqual(['logistic', 'gradient_boosting', 'knn']);
    await page.getByTestId('analysis-run').click();
    await expect
      .poll(() => page.getByTestId('analysis-steps').first().textContent(), { timeout: 60_000 })
      .toMatch(/combat: 4 → 4 features; harmonised across 2 centers \(CQ, JS\)/);
    expect(await page.getByTestId('analysis-list').textContent()).toContain('Harmonised');
    expect(await page.getByTestId('analysis-bootstrap').first().textContent()).toMatch(
      /Bootstrap validation \(B = 20, patients resampled(, \d+ failed)?\): AUC 0\.\d{3} apparent → 0\.\d{3}\s+optimism-corrected, 0\.\d{3} \.632\+/,
    );
    // SHAP summary: one row per final feature, a dot per explained test lesion.
    const shap = page.getByTestId('analysis-shap').first();
    expect(await shap.locator('figcaption').textContent()).toMatch(/SHAP values on the test set \((linear-exact|kernel-exact)/);
    const featureRows = shap.locator('g.feature-row');
    expect(await featureRows.count()).toBeGreaterThan(0);
    const explained = await featureRows.first().locator('circle').count();
    expect(explained).toBeGreaterThan(5);
    // The method follows the model kind and is named in the caption.
    const caption = (name: string) =>
      page
        .getByTestId('analysis-shap')
        .filter({ hasText: `${name}: SHAP values` })
        .locator('figcaption')
        .textContent();
    expect(await caption('Logistic regression')).toMatch(/\(linear-exact: exact linear SHAP, log-odds; base/);
    expect(await caption('Gradient boosting')).toMatch(/\(tree-exact: exact TreeSHAP, path-dependent, log-odds; base/);
    expect(await caption('k-nearest neighbours')).toMatch(/\(kernel-exact: Kernel SHAP, every coalition, probability; base/);
    // Dependence plot of the boosting model: a point per explained lesion for the most important
    // feature, coloured by another; choosing a feature and "none" redraws it.
    const dep = page.getByTestId('analysis-shap-dependence').filter({ hasText: 'Gradient boosting: SHAP dependence' });
    const svg = dep.locator('svg');
    expect(await dep.locator('circle.point').count()).toBe(explained);
    const first = await svg.getAttribute('data-feature');
    expect(await svg.getAttribute('data-colour')).not.toBe(first);
    expect(await svg.getAttribute('data-colour')).toMatch(/^(DCE2|T2|ADC)_/);
    const shapOf = async () =>
      dep.locator('circle.point').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-shap'))));
    const before = await shapOf();
    const options = await dep.getByTestId('shap-dependence-feature').locator('option').allTextContents();
    const other = options.find((o) => o !== first)!;
    await dep.getByTestId('shap-dependence-feature').selectOption({ label: other });
    await expect.poll(() => svg.getAttribute('data-feature')).toBe(other);
    expect(await shapOf()).not.toEqual(before);
    expect(await dep.locator('text').filter({ hasText: 'SHAP value (log-odds)' }).count()).toBe(1);
    await dep.getByTestId('shap-dependence-colour').selectOption({ label: 'none' });
    await expect.poll(() => svg.getAttribute('data-colour')).toBe('');
    const fills = await dep.locator('circle.point').evaluateAll((cs) => [...new Set(cs.map((c) => c.getAttribute('fill')))]);
    expect(fills).toEqual(['#666']);
    expect(pageErrors()).toEqual([]);
  }, 120_000);
});
