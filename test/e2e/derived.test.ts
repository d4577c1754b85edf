/// <reference lib="dom" />
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VolumeCache } from '../../main/compute/imaging/volumeCache.js';
import { startDemoApp, type DemoApp } from './demoApp.js';

/**
 * Derived images end to end on a two-patient demo study: the Segmentation view computes the
 * lesions' time–intensity curves from the REF DCE masks, lists their types, draws the selected
 * curve and fills the computed lesion variable (checked in the study file: one value per curve,
 * each equal to the type shown); the Images view computes ADC maps (forced, since the demo
 * has scanner maps) and the new series appear in the series table; it also computes DCE
 * subtractions for two post-contrast phases (2 patients × 2 phases = 4 series, listed with
 * their SUB descriptions and recorded in the study file with their patient).
 */

let d: DemoApp;

beforeAll(async () => {
  d = await startDemoApp('radstudy-e2e-derived-', { patients: 2, seed: 9 });
}, 120_000);
afterAll(async () => {
  await d?.close();
});

describe('Derived images (Playwright + Debian Chromium)', () => {
  it('computes TIC types from the Segmentation view and fills the lesion variable', async () => {
    const { page } = d.browser;
    await page.goto(d.app.url);
    await page.getByTestId('nav-segmentation').click();
    await expect.poll(() => page.getByTestId('tic-compute').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('tic-compute').click();
    await expect.poll(() => page.getByTestId('tic-summary').isVisible(), { timeout: 60_000 }).toBe(true);
    const summary = (await page.getByTestId('tic-summary').textContent()) ?? '';
    const n = Number(/(\d+) lesion curve/.exec(summary)?.[1]);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(summary).toContain(`${n} value(s) written to tic_type_auto`);
    const rows = page.getByTestId('tic-table').locator('tbody tr');
    expect(await rows.count()).toBe(n);
    const shown = new Map<string, string>();
    for (const r of await rows.all()) {
      const cells = await r.locator('td').allTextContents();
      shown.set(cells[0]!, cells[1]!.split(' ')[0]!);
    }
    await rows.nth(1).click();
    const chart = page.getByTestId('tic-chart');
    await expect.poll(() => chart.getAttribute('aria-label')).toMatch(/Time–intensity curve of .+: type (I|II|III)$/);
    const curvePath = (await page.getByTestId('tic-curve').getAttribute('d')) ?? '';
    expect(curvePath.split('L').length).toBe(7); // seven DCE phases

    const db = new Database(d.studyFile, { readonly: true });
    try {
      const stored = db
        .prepare(
          `SELECT p.code || '/' || l.code AS lesion, v.txt FROM lesion_value v JOIN lesion l ON l.id = v.lesion_id
             JOIN patient p ON p.id = l.patient_id WHERE v.variable_id = (SELECT id FROM variable WHERE name = 'tic_type_auto')`,
        )
        .all() as { lesion: string; txt: string }[];
      expect(stored.length).toBe(n);
      for (const s of stored) expect(shown.get(s.lesion)).toBe(s.txt);
    } finally {
      db.close();
    }
  }, 120_000);

  it('computes ADC maps from the Images view and lists the derived series', async () => {
    const { page } = d.browser;
    await page.getByTestId('nav-images').click();
    await expect.poll(() => page.getByTestId('adc-compute').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('adc-force').check();
    await page.getByTestId('adc-compute').click();
    await expect
      .poll(() => page.getByTestId('adc-summary').textContent(), { timeout: 60_000 })
      .toMatch(/2 ADC map\(s\) computed, 2 series recorded/);
    await expect.poll(() => page.getByText(/ADC \(RadStudy, b=/).count(), { timeout: 10_000 }).toBe(2);
  }, 120_000);

  it('computes DCE subtractions from the Images view and records them', async () => {
    const { page } = d.browser;
    await expect.poll(() => page.getByTestId('sub-compute').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('sub-phases').fill('1, 2');
    await page.getByTestId('sub-compute').click();
    await expect
      .poll(() => page.getByTestId('sub-summary').textContent(), { timeout: 90_000 })
      .toMatch(/4 subtraction\(s\) computed, 4 series recorded/);
    await expect.poll(() => page.getByText('SUB2 (DCE3 - DCE1, RadStudy)').count(), { timeout: 10_000 }).toBe(2);
    const db = new Database(d.studyFile, { readonly: true });
    try {
      const rows = db
        .prepare(
          `SELECT p.code AS patient, s.description FROM series s JOIN patient p ON p.id = s.patient_id
            WHERE s.description LIKE 'SUB%' ORDER BY p.code, s.description`,
        )
        .all() as { patient: string; description: string }[];
      expect(rows.map((r) => r.description)).toEqual([
        'SUB1 (DCE2 - DCE1, RadStudy)',
        'SUB2 (DCE3 - DCE1, RadStudy)',
        'SUB1 (DCE2 - DCE1, RadStudy)',
        'SUB2 (DCE3 - DCE1, RadStudy)',
      ]);
      expect(new Set(rows.map((r) => r.patient)).size).toBe(2);
    } finally {
      db.close();
    }
    await page.getByTestId('sub-phases').fill('one');
    await page.getByTestId('sub-compute').click();
    await expect.poll(() => page.getByText(/"one" is not a list of post-contrast phases/).count()).toBe(1);
  }, 150_000);

  it('shows the volume cache and clears it from the Images view', async () => {
    const { page } = d.browser;
    // The demo's DICOM is uncompressed (never cached): put one entry in the study's cache as a
    // compressed series would leave it, then see it counted and cleared from the UI.
    const cache = VolumeCache.forStudy(d.studyFile);
    await cache.put(
      { sourceFolder: d.dir, files: [] },
      {
        size: [8, 8, 2],
        spacingMm: [1, 1, 1],
        originMm: [0, 0, 0],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        data: new Int16Array(128),
      },
    );
    await page.getByTestId('cache-refresh').click();
    await expect
      .poll(() => page.getByTestId('cache-summary').textContent())
      .toMatch(/^\s*1 converted volume\(s\), [\d.]+ MB of 4,096 MB/);
    await page.getByTestId('cache-clear').click();
    await expect.poll(() => page.getByTestId('cache-summary').textContent()).toMatch(/^\s*0 converted volume\(s\)/);
    expect(cache.stats().entries).toBe(0);
  }, 60_000);

  it('exports the series as de-identified DICOM from the Images view', async () => {
    const { page } = d.browser;
    await page.getByTestId('deid-out').fill(path.join(d.dir, 'deidentified'));
    await page.getByTestId('deid-start').click();
    await expect
      .poll(() => page.getByTestId('deid-summary').textContent(), { timeout: 60_000 })
      .toMatch(/^\s*\d+ series \(\d[\d,]* files\) written to .*deidentified; manifest .*manifest\.csv/);
    const manifest = readFileSync(path.join(d.dir, 'deidentified', 'manifest.csv'), 'utf8');
    expect(manifest).toMatch(/DEMO-0001/);
    expect(manifest).not.toMatch(/DEMO\^/); // no patient name in the manifest
  }, 120_000);
});
