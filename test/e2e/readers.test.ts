/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assignment, FeatureAgreement, Job, MaskAgreement } from '../../main/api/contract.js';
import { createDemoStudy } from '../../main/services/demo.js';
import { createServices } from '../../main/services/index.js';
import { tmpDir, waitFor } from '../helpers/tmp.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';

/**
 * The Readers view end to end on a four-patient demo study whose R1 and R2 segmentations were
 * extracted (DCE3) before the app starts: a reader is registered, a seeded subset of R1's lesions
 * is assigned to R2 from the form, progress follows, and the agreement dashboard shows the same
 * numbers as the API (agreement.features / agreement.masks, themselves checked against psych::ICC
 * and the statistics core in test/unit/readers): exact equality of the values the page carries.
 */

let t: ReturnType<typeof tmpDir>;
let app: Served;
let browser: Browser;
let studyFile: string;

const PARAMS = `setting:
  binWidth: 10
  label: 1
featureClass:
  shape: [VoxelVolume, Sphericity]
  firstorder: [Mean, Entropy, Median]
  glcm: [Contrast, Idm]
`;

async function rpc<T>(method: string, input: unknown): Promise<T> {
  const r = await fetch(`http://127.0.0.1:${app.port}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-radstudy-token': app.token },
    body: JSON.stringify(input),
  });
  const body = (await r.json()) as { ok: boolean; data: T };
  if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body)}`);
  return body.data;
}

beforeAll(async () => {
  t = tmpDir('radstudy-e2e-readers-');
  studyFile = path.join(t.dir, 'demo.radstudy');
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await createDemoStudy(services, { out: studyFile, patients: 4, seed: 9 });
    const r = await services.router.call('extraction.create', {
      name: 'two readers',
      paramsText: PARAMS,
      selection: { readers: ['R1', 'R2'], sequences: ['DCE3'] },
    });
    if (!r.ok) throw new Error(r.error.message);
    const jobId = (r.data as { jobId: number }).jobId;
    const ok = await waitFor(async () => {
      const j = await services.router.call('jobs.get', { id: jobId });
      return j.ok && ['succeeded', 'failed'].includes((j.data as Job).status);
    }, 120_000);
    if (!ok) throw new Error('the extraction did not finish');
  } finally {
    await services.shutdown();
  }
  app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  browser = await openBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  t?.cleanup();
});

describe('Readers view (Playwright + Debian Chromium)', () => {
  it('registers a reader, assigns a seeded subset, shows progress and the agreement numbers of the API', async () => {
    const { page, errors } = browser;
    await page.goto(app.url);
    await page.getByTestId('nav-readers').click();
    await expect.poll(() => page.getByTestId('reader-code').isVisible(), { timeout: 10_000 }).toBe(true);
    // The demo's codes are on segmentations but not registered yet.
    await expect.poll(() => page.getByTestId('readers-unregistered').textContent(), { timeout: 10_000 }).toMatch(/R1.*R2/);
    await page.getByTestId('reader-prefill-R2').click();
    await page.getByTestId('reader-name').fill('Second Reader');
    await page.getByTestId('reader-save').click();
    await expect.poll(() => page.getByTestId('reader-row-R2').isVisible(), { timeout: 10_000 }).toBe(true);

    // Seeded subset of R1's lesions for R2, on DCE3.
    await page.getByTestId('subset-reader').selectOption('R2');
    await page.getByTestId('subset-from').selectOption('R1');
    await page.getByTestId('subset-seq-DCE3').check();
    await page.getByTestId('subset-amount').fill('0.5');
    await page.getByTestId('subset-seed').fill('7');
    await page.getByTestId('subset-assign').click();
    await expect.poll(() => page.getByTestId('subset-result').isVisible(), { timeout: 10_000 }).toBe(true);
    const assigned = await rpc<Assignment[]>('readers.assignments', { reader: 'R2' });
    expect(assigned.length).toBeGreaterThan(0);
    expect(new Set(assigned.map((a) => a.origin.seed))).toEqual(new Set([7]));
    for (const center of new Set(assigned.map((a) => a.center))) {
      const cells = await page.getByTestId(`subset-center-${center}`).locator('td').allTextContents();
      expect(Number(cells[2])).toBe(assigned.filter((a) => a.center === center).length);
    }
    // Every R2 assignment is segmented already (the demo has R2 masks for every lesion).
    const progress = page.getByTestId('progress-R2');
    expect(await progress.getByTestId('progress-assigned').textContent()).toBe(String(assigned.length));
    expect(await progress.getByTestId('progress-segmented').textContent()).toBe(String(assigned.length));

    // Agreement dashboard: R1 vs R2, ICC(3,1), threshold 0.75.
    await page.getByTestId('agreement-extraction').selectOption({ label: 'two readers' });
    await page.getByTestId('agreement-reader-a').selectOption('R1');
    await page.getByTestId('agreement-reader-b').selectOption('R2');
    await page.getByTestId('agreement-form').selectOption('ICC3');
    await page.getByTestId('agreement-compute').click();
    await expect.poll(() => page.getByTestId('agreement-features').isVisible(), { timeout: 20_000 }).toBe(true);
    const extractionId = (await rpc<{ id: number; name: string }[]>('extraction.list', {})).find(
      (e) => e.name === 'two readers',
    )!.id;
    const api = await rpc<FeatureAgreement>('agreement.features', {
      extractionId,
      readers: ['R1', 'R2'],
      form: 'ICC3',
      threshold: 0.75,
    });
    const dce3 = api.perSequence.find((p) => p.sequence === 'DCE3')!;
    expect(await page.getByTestId('kept-DCE3').getByTestId('kept-count').textContent()).toBe(String(dce3.kept));
    const withIcc = api.features.filter((f) => f.icc !== null);
    expect(withIcc.length).toBeGreaterThan(0);
    for (const f of withIcc) {
      const row = page.getByTestId(`icc-${f.column}`);
      expect(Number(await row.getAttribute('data-icc'))).toBe(f.icc);
      expect(Number(await row.getAttribute('data-lower'))).toBe(f.lower);
      expect(await row.locator('td').nth(4).textContent()).toBe(f.kept ? 'yes' : 'no');
    }
    // Filters: kept only, then a name filter.
    await page.getByTestId('agreement-kept-only').check();
    expect(await page.getByTestId('agreement-features').locator('tbody tr').count()).toBe(
      api.features.filter((f) => f.kept).length,
    );
    await page.getByTestId('agreement-kept-only').uncheck();
    await page.getByTestId('agreement-filter').fill('glcm');
    expect(await page.getByTestId('agreement-features').locator('tbody tr').count()).toBe(
      api.features.filter((f) => f.feature.includes('glcm')).length,
    );

    // Per-lesion mask agreement and the Bland–Altman plot.
    const masks = await rpc<MaskAgreement>('agreement.masks', { readers: ['R1', 'R2'] });
    expect(await page.getByTestId('agreement-masks').locator('tbody tr').count()).toBe(masks.rows.length);
    for (const r of masks.rows) {
      const row = page.getByTestId(`mask-${r.patientCode}-${r.lesionCode}-${r.sequence}`).first();
      expect(Number(await row.getAttribute('data-dice'))).toBe(
        masks.rows.find((x) => x.patientCode === r.patientCode && x.lesionCode === r.lesionCode && x.sequence === r.sequence)!
          .dice,
      );
    }
    expect(masks.blandAltman.length).toBeGreaterThan(0);
    expect(await page.getByTestId('bland-altman').locator('circle').count()).toBe(masks.blandAltman[0]!.n);

    // CSV export of the ICC table.
    await page.getByTestId('agreement-export-features').click();
    const file = path.join(`${studyFile.replace(/\.radstudy$/, '')}-exports`, 'agreement-features-R1-R2.csv');
    await expect.poll(() => existsSync(file), { timeout: 10_000 }).toBe(true);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(api.features.length + 1);
    expect(errors).toEqual([]);
  }, 180_000);

  it('round-trips a third reader through offline packages: export, result, import once', async () => {
    const { page } = browser;
    await page.getByTestId('reader-code').fill('R3');
    await page.getByTestId('reader-name').fill('Offline Reader');
    await page.getByTestId('reader-save').click();
    await expect.poll(() => page.getByTestId('reader-row-R3').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('subset-reader').selectOption('R3');
    await page.getByTestId('subset-from').selectOption('R1');
    await page.getByTestId('subset-seq-DCE3').check();
    await page.getByTestId('subset-mode').selectOption('count');
    await page.getByTestId('subset-amount').fill('2');
    await page.getByTestId('subset-seed').fill('3');
    await page.getByTestId('subset-assign').click();
    await expect
      .poll(async () => (await rpc<Assignment[]>('readers.assignments', { reader: 'R3' })).length, { timeout: 10_000 })
      .toBe(2);
    // Starting masks of R1 need R1's masks un-blinded; the change is recorded with who made it.
    await page.getByTestId('blinding-by').fill('Coordinator');
    await page.getByTestId('blinding-otherReadersMasks').uncheck();
    await expect
      .poll(
        async () => (await rpc<{ items: { item: string; hidden: boolean }[] }>('readers.blinding.get', {})).items[0]!.hidden,
        {
          timeout: 10_000,
        },
      )
      .toBe(false);

    const pkg = path.join(t.dir, 'package-R3');
    await page.getByTestId('exchange-reader').selectOption('R3');
    await page.getByTestId('exchange-start').selectOption('R1');
    await page.getByTestId('exchange-folder').fill(pkg);
    await page.getByTestId('exchange-export').click();
    await expect.poll(() => page.getByTestId('exchange-exported').textContent(), { timeout: 20_000 }).toMatch(/2 assignments/);

    await page.getByTestId('exchange-package').fill(pkg);
    await page.getByTestId('exchange-inspect').click();
    await expect.poll(() => page.getByTestId('exchange-items').locator('tbody tr').count(), { timeout: 10_000 }).toBe(2);
    const resultDir = path.join(t.dir, 'result-R3');
    await page.getByTestId('exchange-result-folder').fill(resultDir);
    await page.getByTestId('exchange-write').click();
    await expect.poll(() => existsSync(path.join(resultDir, 'result.json')), { timeout: 10_000 }).toBe(true);

    await page.getByTestId('exchange-import-folder').fill(resultDir);
    await page.getByTestId('exchange-import').click();
    await expect
      .poll(() => page.getByTestId('exchange-imported').textContent(), { timeout: 20_000 })
      .toMatch(/Imported 2 segmentations of R3/);
    const r3 = await rpc<{ lesionId: number; seriesId: number; voxelCount: number }[]>('segmentation.list', { reader: 'R3' });
    expect(r3).toHaveLength(2);
    for (const s of r3) {
      const r1 = await rpc<{ voxelCount: number }[]>('segmentation.list', {
        reader: 'R1',
        lesionId: s.lesionId,
        seriesId: s.seriesId,
      });
      expect(s.voxelCount).toBe(r1[0]!.voxelCount);
    }
    await expect
      .poll(() => page.getByTestId('progress-R3').getByTestId('progress-segmented').textContent(), { timeout: 10_000 })
      .toBe('2');
    // The same package again: a clear refusal, nothing added.
    await page.getByTestId('exchange-import').click();
    await expect
      .poll(() => page.getByTestId('error-alert').last().textContent(), { timeout: 10_000 })
      .toMatch(/already imported/);
    expect(await rpc<unknown[]>('segmentation.list', { reader: 'R3' })).toHaveLength(2);
  }, 120_000);
});
