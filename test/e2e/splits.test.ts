/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../main/compute/stats/random.js';
import { createServices } from '../../main/services/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';

/**
 * Stored splits in the Analysis view: on a study with an imported cohort (90 patients, pCR in
 * one in three, every sixth patient with two lesions) the user creates a stratified 7:3 split
 * and sees its counts and balance table (outcome 21/63 vs 9/27 = 33.3% in both sets, exact by
 * round(0.3 × stratum); age and center with their test and p-value); a second split of the same
 * name is refused with the message; the spec builder then uses the stored split (spec 1.1) with
 * the nested-CV grid search, and the analysis runs on it.
 */

let t: ReturnType<typeof tmpDir>;
let app: Served;
let browser: Browser;
let dataFile: string;

beforeAll(async () => {
  t = tmpDir('radstudy-e2e-splits-');
  const studyFile = path.join(t.dir, 'splits.radstudy');
  const rng = new Rng(21);
  const cohort = ['patient,center,lesion,age,pcr'];
  const features = ['patient,lesion,pcr,T2_firstorder_Mean,ADC_firstorder_Median'];
  for (let p = 0; p < 90; p++) {
    const age = Math.round(35 + 30 * rng.nextDouble());
    const pcr = p % 3 === 0 ? 'yes' : 'no';
    for (let l = 1; l <= (p % 6 === 0 ? 2 : 1); l++) {
      const code = `S${String(p).padStart(2, '0')}`;
      cohort.push(`${code},${p < 60 ? 'A' : 'B'},L${l},${age},${pcr}`);
      features.push(
        `${code},L${l},${pcr},${((pcr === 'yes' ? 1 : 0) + rng.nextDouble()).toFixed(4)},${rng.nextDouble().toFixed(4)}`,
      );
    }
  }
  const cohortFile = path.join(t.dir, 'cohort.csv');
  writeFileSync(cohortFile, cohort.join('\n') + '\n');
  dataFile = path.join(t.dir, 'features.csv');
  writeFileSync(dataFile, features.join('\n') + '\n');
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await services.study.create(studyFile, 'Splits e2e');
    await services.cohort.commit(cohortFile, {
      columns: { patient: 'patient.code', center: 'center.code', lesion: 'lesion.code', age: 'var:age', pcr: 'var:pcr' },
      options: { decimalComma: false, dateOrder: 'DMY' },
    });
  } finally {
    await services.shutdown();
  }
  app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  t?.cleanup();
});

describe('Splits in the Analysis view (Playwright + Debian Chromium)', () => {
  it('creates a stratified split, shows its balance table, and an analysis uses it', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.getByTestId('nav-analysis').click();
    await expect.poll(() => page.getByTestId('split-form').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('split-name').fill('main');
    await page.getByTestId('split-method').selectOption('stratified');
    await expect.poll(() => page.getByTestId('split-outcome').inputValue(), { timeout: 10_000 }).toBe('pcr');
    await page.getByTestId('split-positive-yes').check();
    await page.getByTestId('split-positive-no').uncheck();
    await page.getByTestId('split-test').fill('0.3');
    await page.getByTestId('split-seed').fill('1');
    await page.getByTestId('split-create').click();
    await expect.poll(() => page.getByTestId('split-balance').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByTestId('split-counts').textContent()).toMatch(/63 \/ 76 \/ 21\s*27 \/ 29 \/ 9/);
    const table = (await page.getByTestId('split-balance-table').textContent()) ?? '';
    expect(table).toMatch(/Outcome \(event\): yes\s*21 \(33\.3%\)\s*9 \(33\.3%\)\s*chi-square\s*1\.000/);
    expect(table).toMatch(/age\s*[\d.]+ (±|\()[^]*(Welch t-test|Mann-Whitney U)\s*0\.\d{3}/);
    expect(table).toMatch(/Center: A/);
    expect(await page.getByTestId('split-list').textContent()).toMatch(/main\s*stratified\s*1\s*63\s*27\s*0\s*5×1/);

    // The same name again: refused with the message, nothing stored.
    await page.getByTestId('split-create').click();
    await expect
      .poll(() => page.getByTestId('split-error').textContent(), { timeout: 10_000 })
      .toMatch(/A split named "main" already exists/);
    expect(await page.locator('[data-testid="split-list"] tbody tr').count()).toBe(1);

    // The spec builder uses the stored split and searches the kNN grid by nested CV.
    await page.getByTestId('analysis-data').fill(dataFile);
    await page.getByTestId('analysis-inspect').click();
    await expect.poll(() => page.getByTestId('analysis-builder').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('analysis-outcome').selectOption('pcr');
    await page.getByTestId('analysis-positive').selectOption('yes');
    await page.getByLabel('Features (names or * patterns)').fill('T2_* ADC_*');
    await page.getByTestId('analysis-split-stored').check();
    await page.getByTestId('analysis-tune').check();
    await page.getByLabel('k-nearest neighbours').check();
    await page.getByLabel('Logistic regression', { exact: true }).uncheck();
    const spec = JSON.parse(await page.getByTestId('analysis-spec').inputValue()) as {
      version: number;
      split: unknown;
      models: { kind: string; grid?: unknown }[];
    };
    expect(spec.version).toBe(1.1);
    expect(spec.split).toEqual({ method: 'stored', name: 'main', folds: true });
    expect(spec.models).toEqual([
      { name: 'k-nearest neighbours', kind: 'knn', grid: { n_neighbors: [3, 5, 9, 15] }, inner: { k: 3 } },
    ]);
    await page.getByTestId('analysis-run').click();
    await expect.poll(() => page.getByTestId('analysis-result').isVisible(), { timeout: 90_000 }).toBe(true);
    const metrics = (await page.getByTestId('analysis-metrics').textContent()) ?? '';
    // Exactly the stored split's lesions: 76 training rows (cross-validated on its folds), 29 internal test rows.
    expect(metrics).toMatch(/Training \(CV\)\s*76 \(\d+\)\s*[01]\.\d{3}/);
    expect(metrics).toMatch(/Internal test\s*29 \(\d+\)\s*[01]\.\d{3}/);
    expect(await page.getByTestId('analysis-tuning').textContent()).toMatch(
      /final model\s*n_neighbors = (3|5|9|15)[^]*fold 5: n_neighbors = (3|5|9|15)/,
    );
  });
});
