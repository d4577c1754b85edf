/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Series } from '../../main/api/contract.js';
import { writeNifti } from '../../main/compute/imaging/nifti.js';
import type { Geometry } from '../../main/compute/imaging/volume.js';
import { createServices } from '../../main/services/index.js';
import { tmpDir, waitFor } from '../helpers/tmp.js';
import { SERIES, writeSyntheticExam } from '../unit/images/studyFixture.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';

/**
 * The Segmentation view end to end: a study with a lesion and an imported synthetic DICOM exam;
 * a NIfTI labelmap on the T2 series grid is imported through the view for that lesion, series
 * and reader R2, and its row (voxels, volume, source) appears in the table.
 */

let t: ReturnType<typeof tmpDir>;
let app: Served;
let browser: Browser;
let t2: Series;
let maskFile: string;

beforeAll(async () => {
  t = tmpDir('radstudy-e2e-seg-');
  const studyFile = path.join(t.dir, 'seg.radstudy');
  writeSyntheticExam(path.join(t.dir, 'exam'));
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    const created = await services.router.call('study.create', { path: studyFile, name: 'Segmentation e2e' });
    if (!created.ok) throw new Error(created.error.message);
    const db = services.study.requireHandle().db;
    const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
    const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
    db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(patient);
    const started = await services.router.call('images.import', { folder: path.join(t.dir, 'exam') });
    if (!started.ok) throw new Error(started.error.message);
    const jobId = (started.data as { jobId: number }).jobId;
    await waitFor(async () => {
      const r = await services.router.call('jobs.get', { id: jobId });
      return r.ok && (r.data as Job).status === 'succeeded';
    }, 30_000);
    const list = await services.router.call('images.series.list', {});
    if (!list.ok) throw new Error(list.error.message);
    t2 = (list.data as Series[]).find((s) => s.seriesInstanceUid === SERIES.t2fs)!;
  } finally {
    await services.shutdown();
  }
  const g = t2.geometry as Geometry;
  const data = new Uint8Array(g.size[0] * g.size[1] * g.size[2]);
  for (const v of [0, 1, 6, 7]) data[v] = 1;
  maskFile = path.join(t.dir, 'P001_L1_R2.nii.gz');
  writeFileSync(maskFile, writeNifti({ ...g, data }, { gzip: true }));
  app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  browser = await openBrowser();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  t?.cleanup();
});

describe('Segmentation view (Playwright + Debian Chromium)', () => {
  it('imports a labelmap for a lesion, series and reader and shows its row', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.getByTestId('nav-segmentation').click();
    await page.getByTestId('seg-file').fill(maskFile);
    await expect.poll(() => page.getByTestId('seg-lesion').locator('option').count(), { timeout: 10_000 }).toBe(2);
    await page.getByTestId('seg-lesion').selectOption({ label: 'P001 / L1' });
    const options = await page.getByTestId('seg-series').locator('option').allTextContents();
    const t2Index = options.findIndex((o) => o.trim().startsWith(`#${t2.id} `));
    await page.getByTestId('seg-series').selectOption({ index: t2Index });
    await page.getByTestId('seg-reader').fill('R2');
    await page.getByTestId('seg-import').click();
    const table = page.getByTestId('seg-table');
    await expect.poll(() => table.isVisible(), { timeout: 30_000 }).toBe(true);
    const row = table.locator('tbody tr').first();
    const cells = await row.locator('td').allTextContents();
    // 4 voxels of 0.7 × 0.7 × 2 mm = 3.92 mm³ = 0.004 mL.
    expect(cells.slice(0, 5).map((c) => c.trim())).toEqual(['P001 / L1', `#${t2.id} t2_tse_fs_tra`, 'R2', '4', '0.004']);
    expect(cells[5]).toContain('nifti · P001_L1_R2.nii.gz');
    expect(cells[6]!.trim()).toBe('—');
  }, 90_000);
});
