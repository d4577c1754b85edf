/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy } from '../../db/study-file.js';
import { padStudy } from '../helpers/study.js';
import { tmpDir } from '../helpers/tmp.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';

let t: ReturnType<typeof tmpDir>;
let app: Served;
let browser: Browser;

beforeAll(async () => {
  t = tmpDir('radstudy-e2e-');
  app = await serve(['--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  t?.cleanup();
});

async function health(): Promise<{ compute: { pid: number | null } }> {
  const r = await fetch(`http://127.0.0.1:${app.port}/api/health`, { headers: { 'x-radstudy-token': app.token } });
  return (await r.json()) as { compute: { pid: number | null } };
}

describe('RadStudy in browser mode (Playwright + Debian Chromium)', () => {
  it('refuses the API without the token', async () => {
    const r = await fetch(`http://127.0.0.1:${app.port}/api/health`);
    expect(r.status).toBe(401);
  });

  it('creates a study from the start screen', async () => {
    const { page } = browser;
    await page.goto(app.url);
    const file = path.join(t.dir, 'ui-created.radstudy');
    await page.getByTestId('create-path').fill(file);
    await page.getByTestId('create-name').fill('HER2 IHC 2+ pilot');
    await page.getByTestId('create-submit').click();
    await expect
      .poll(() => page.getByTestId('study-name').first().textContent(), { timeout: 15_000 })
      .toContain('HER2 IHC 2+ pilot');
    expect(existsSync(file)).toBe(true);
    // the token left the address bar once the page had it
    expect(page.url()).not.toContain('token=');
  });

  it('shows a clear error for a file that is not a study, and keeps working', async () => {
    const { page } = browser;
    await page.getByTestId('nav-home').click();
    await page.getByTestId('open-path').fill(path.join(t.dir, 'does-not-exist.radstudy'));
    await page.getByTestId('open-submit').click();
    await expect
      .poll(() => page.getByTestId('error-alert').first().textContent(), { timeout: 10_000 })
      .toContain('There is no study file');
    await expect.poll(() => page.getByTestId('study-name').first().textContent()).toContain('HER2 IHC 2+ pilot');
  });

  it('runs the check-and-backup job with visible progress; killing the compute process fails it cleanly', async () => {
    const { page } = browser;
    const file = path.join(t.dir, 'large.radstudy');
    createStudy(file, 'Large study').close();
    padStudy(file, 16);
    await page.getByTestId('nav-home').click();
    await page.getByTestId('open-path').fill(file);
    await page.getByTestId('open-submit').click();
    await expect.poll(() => page.getByTestId('study-name').first().textContent(), { timeout: 15_000 }).toContain('Large study');

    await page.getByTestId('nav-jobs').click();
    await page.getByTestId('check-max-mbps').selectOption('2');
    await page.getByTestId('jobs-start-check').click();
    const row = page.locator('[data-testid^="job-row-"]').first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
    const id = (await row.getAttribute('data-testid'))!.replace('job-row-', '');
    const bar = page.getByTestId(`job-progress-${id}`);
    const progressOf = async () => Number((await bar.getAttribute('aria-valuenow')) ?? (await bar.getAttribute('value')) ?? 0);
    await expect.poll(progressOf, { timeout: 20_000 }).toBeGreaterThan(10);

    const pid = (await health()).compute.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('failed');
    await expect.poll(() => page.getByTestId(`job-error-${id}`).textContent()).toMatch(/compute process stopped unexpectedly/);

    // The app keeps working: the failed job offers a re-run, and a new unthrottled job
    // succeeds in a fresh compute process.
    expect(await page.getByTestId(`job-resume-${id}`).isVisible()).toBe(true);
    await page.getByTestId('check-max-mbps').selectOption('0');
    await page.getByTestId('jobs-start-check').click();
    const newest = page.locator('[data-testid^="job-row-"]').first();
    await expect.poll(() => newest.getAttribute('data-testid')).not.toBe(`job-row-${id}`);
    await expect.poll(() => newest.getAttribute('data-status'), { timeout: 60_000 }).toBe('succeeded');
    const after = await health();
    expect(after.compute.pid).not.toBe(pid);
    expect(browser.errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  });

  it('switches views and theme from the keyboard', async () => {
    const { page } = browser;
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.url()).toContain('#/cohort');
    const before = await page.evaluate(() => document.documentElement.dataset.theme ?? document.documentElement.className);
    await page.getByTestId('theme-toggle').click();
    const after = await page.evaluate(() => document.documentElement.dataset.theme ?? document.documentElement.className);
    expect(after).not.toBe(before);
    await page.keyboard.press('Shift+?');
    await expect.poll(() => page.getByTestId('shortcuts-help').isVisible()).toBe(true);
  });
});

describe('when the back end goes away', () => {
  it('shows a connection-lost banner instead of failing silently', async () => {
    const t2 = tmpDir('radstudy-e2e-conn-');
    const server = await serve(['--port', '0'], { RADSTUDY_CONFIG_DIR: t2.dir });
    const b = await openBrowser();
    try {
      await b.page.goto(server.url);
      await expect.poll(() => b.page.getByTestId('create-path').isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await b.page.getByTestId('connection-lost').count()).toBe(0);
      await server.stop();
      await expect.poll(() => b.page.getByTestId('connection-lost').isVisible(), { timeout: 15_000 }).toBe(true);
    } finally {
      await b.close();
      await server.stop();
      t2.cleanup();
    }
  });
});
