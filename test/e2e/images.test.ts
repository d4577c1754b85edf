/// <reference lib="dom" />
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy } from '../../db/study-file.js';
import { tmpDir } from '../helpers/tmp.js';
import { writeSyntheticExam } from '../unit/images/studyFixture.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';

/**
 * The Images view end to end: a synthetic DICOM exam (written with the test DICOM writer,
 * including a truncated file, an unsupported transfer syntax and a non-DICOM file) is imported
 * through the UI; the job shows in the jobs panel, the series rows appear with their kinds,
 * and a kind override sticks after a reload.
 */

let t: ReturnType<typeof tmpDir>;
let app: Served;
let browser: Browser;

function pageErrors(): string[] {
  return browser.errors.filter((e) => !e.includes('Failed to load resource') && !e.includes("'frame-ancestors' is ignored"));
}

beforeAll(async () => {
  t = tmpDir('radstudy-e2e-images-');
  const studyFile = path.join(t.dir, 'images.radstudy');
  const h = createStudy(studyFile, 'Images e2e');
  const center = h.db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
  h.db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center);
  h.close();
  writeSyntheticExam(path.join(t.dir, 'exam'), { withBadInput: true });
  app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  t?.cleanup();
});

describe('Images view (Playwright + Debian Chromium)', () => {
  it('imports a DICOM folder through the UI and lists its series with kinds; a kind override persists', async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.getByTestId('nav-images').click();
    await page.getByTestId('images-folder').fill(path.join(t.dir, 'exam'));
    await page.getByTestId('images-import').click();
    // The job appears in the existing jobs panel.
    await expect.poll(() => page.getByTestId('jobs-panel').isVisible(), { timeout: 10_000 }).toBe(true);
    const rows = page.getByTestId('series-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(8);
    const text = (await page.getByTestId('series-table').textContent()) ?? '';
    for (const s of ['t2_tse_fs_tra', 'ep2d_diff_b0_800', 'b = 800', 'phase 0 (pre)', 'phase 2', 'missing slice'])
      expect(text).toContain(s);
    expect(await page.getByTestId('images-failed').textContent()).toMatch(/trunc\/IM1.*truncated/s);

    const t2 = rows.filter({ hasText: 't2_tse_fs_tra' });
    const id = await t2.getAttribute('data-series-id');
    const select = page.getByTestId(`series-kind-${id}`);
    expect(await select.inputValue()).toBe('T2_FS');
    expect(await t2.locator('td').first().textContent()).toBe('P001');
    await select.selectOption('T2');
    await expect.poll(() => t2.textContent(), { timeout: 10_000 }).toContain('manual');
    await page.reload();
    await page.getByTestId('nav-images').click();
    await expect.poll(() => page.getByTestId(`series-kind-${id}`).inputValue(), { timeout: 10_000 }).toBe('T2');
    await page.getByTestId('images-verify').click();
    await expect
      .poll(() => page.getByTestId('images-verify-result').textContent(), { timeout: 10_000 })
      .toMatch(/All 33 files of 8 series are in\s+place and unchanged/);

    // The folder moves: the check lists the files as missing, and relinking points the series at the new place.
    const moved = path.join(t.dir, 'archive', 'exam');
    mkdirSync(path.dirname(moved), { recursive: true });
    renameSync(path.join(t.dir, 'exam'), moved);
    await page.getByTestId('images-verify').click();
    await expect
      .poll(() => page.getByTestId('images-verify-result').textContent(), { timeout: 10_000 })
      .toMatch(/33 file\(s\) missing/);
    expect(await page.getByTestId('images-relink-from').inputValue()).toBe(path.join(t.dir, 'exam'));
    await page.getByTestId('images-relink-to').fill(moved);
    await page.getByTestId('images-relink-go').click();
    await expect
      .poll(() => page.getByTestId('images-verify-result').textContent(), { timeout: 10_000 })
      .toMatch(/All 33 files of 8 series are in\s+place and unchanged/);
    expect(pageErrors()).toEqual([]);
  }, 90_000);
});
