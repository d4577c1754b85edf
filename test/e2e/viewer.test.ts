/// <reference lib="dom" />
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LesionRef, Series } from '../../main/api/contract.js';
import { createDemoStudy } from '../../main/services/demo.js';
import { createServices } from '../../main/services/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { openBrowser, serve, type Browser, type Served } from './harness.js';
import { decodePng } from './png.js';

/**
 * The segmentation workspace end to end in browser mode on a demo study: open a lesion's T2
 * series in the viewer from the Segmentation view, the WebGL views show the image (SwiftShader),
 * paint one brush dab at the centre of the zoomed axial view, undo and redo it, save it as a
 * version, reload the page, and read the stored mask back through the API.
 *
 * Expected voxels: the view opens centred on the volume's centre (index ((nx−1)/2, (ny−1)/2)),
 * on axial slice round((nz−1)/2); a 2D brush of radius r covers the voxels of that slice with
 * ((i − ci)² + (j − cj)²)·s² ≤ r². With a half-integer centre and r² = 5.5 s² that is the
 * 16 voxels at squared distances 0.5, 2.5 and 4.5 voxels² (the next ring is at 6.5, the last
 * one inside at 4.5: ±0.2 voxel of margin; zoomed in, one screen pixel is < 0.05 voxel).
 */

let t: ReturnType<typeof tmpDir>;
let app: Served;
let browser: Browser;
let lesion: LesionRef;
let t2: Series;

beforeAll(async () => {
  t = tmpDir('radstudy-e2e-viewer-');
  const studyFile = path.join(t.dir, 'demo.radstudy');
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await createDemoStudy(services, { out: studyFile, patients: 2, seed: 7 });
    const lesions = await services.router.call('segmentation.lesions', {});
    const series = await services.router.call('images.series.list', {});
    if (!lesions.ok || !series.ok) throw new Error('demo study has no lesions or series');
    lesion = (lesions.data as LesionRef[])[0]!;
    t2 = (series.data as Series[]).find((s) => s.patientCode === lesion.patientCode && s.kind === 'T2_FS')!;
  } finally {
    await services.shutdown();
  }
  app = await serve(['--study', studyFile, '--port', '0'], { RADSTUDY_CONFIG_DIR: t.dir });
  browser = await openBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  t?.cleanup();
});

async function rpc<T>(method: string, input: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${app.port}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-radstudy-token': app.token },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; data: T; error?: { message: string } };
  if (!body.ok) throw new Error(body.error?.message);
  return body.data;
}

describe('Segmentation workspace (Playwright + Chromium/SwiftShader)', () => {
  it('renders the series, paints a known disk, undoes/redoes it, saves a version and reloads it', async () => {
    const { page } = browser;
    const g = t2.geometry;
    const [nx, ny, nz] = g.size;
    // The demo's T2 is an axial acquisition: voxel axis k is the patient's z axis.
    expect(Math.abs(g.direction[8]!)).toBeGreaterThan(0.99);
    expect(g.spacingMm[0]).toBeCloseTo(g.spacingMm[1], 9);
    // Even in-plane sizes put the view centre between voxels (the half-integer centre above).
    expect([nx % 2, ny % 2]).toEqual([0, 0]);

    await page.goto(app.url);
    await page.getByTestId('nav-segmentation').click();
    await expect.poll(() => page.getByTestId('edit-lesion').locator('option').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.getByTestId('edit-lesion').selectOption({ label: `${lesion.patientCode} / ${lesion.lesionCode}` });
    await page.getByTestId('edit-series').selectOption(String(t2.id));
    await page.getByTestId('edit-reader').fill('E2E');
    await page.getByTestId('edit-open').click();

    const axial = page.getByTestId('view-axial');
    await expect
      .poll(() => page.getByTestId('slice-axial').textContent(), { timeout: 30_000 })
      .toBe(`${Math.round((nz - 1) / 2) + 1} / ${nz}`);
    // The WebGL canvas shows the image: many non-black pixels with many grey levels.
    await expect
      .poll(
        async () => {
          const { rgba } = decodePng(await axial.screenshot());
          let lit = 0;
          const levels = new Set<number>();
          for (let p = 0; p < rgba.length; p += 4) {
            if (rgba[p]! + rgba[p + 1]! + rgba[p + 2]! > 30) lit++;
            levels.add(rgba[p]!);
          }
          return lit / (rgba.length / 4) > 0.1 && levels.size > 20;
        },
        { timeout: 20_000 },
      )
      .toBe(true);

    // Zoom in (Ctrl+wheel keeps the centre), brush of radius √5.5 · s, one dab at the view centre.
    const host = axial.locator('.canvas-host');
    const box = (await host.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.keyboard.down('Control');
    for (let n = 0; n < 12; n++) await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await page.keyboard.press('b');
    const radius = Math.sqrt(5.5) * g.spacingMm[0];
    await page.getByTestId('tool-radius').fill(String(radius));
    await page.getByTestId('tool-radius').dispatchEvent('change');
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('16 voxels');
    if (process.env.RADSTUDY_E2E_SHOT) await page.screenshot({ path: process.env.RADSTUDY_E2E_SHOT });

    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('0 voxels');
    await page.keyboard.press('Control+y');
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('16 voxels');

    await page.getByTestId('editor-status').selectOption('needs_review');
    await page.getByTestId('editor-save').click();
    await expect.poll(() => page.getByTestId('editor-version').textContent(), { timeout: 10_000 }).toContain('version 1');
    // The address names the saved version once the save has been recorded: reloading opens it.
    await expect.poll(() => page.url()).toMatch(/[?&]seg=\d+/);
    await page.reload();
    await expect.poll(() => page.getByTestId('editor-voxels').textContent(), { timeout: 30_000 }).toBe('16 voxels');
    expect(await page.getByTestId('editor-version').textContent()).toContain('version 1');

    const saved = (await rpc<{ id: number; version: number; status: string }[]>('segmentation.list', { reader: 'E2E' }))!;
    expect(saved.map((s) => [s.version, s.status])).toEqual([[1, 'needs_review']]);
    const mask = await rpc<{ runs: number[] }>('segmentation.mask', { id: saved[0]!.id });
    const stored: number[] = [];
    let v = 0;
    mask.runs.forEach((r, n) => {
      if (n % 2 === 1) for (let x = 0; x < r; x++) stored.push(v + x);
      v += r;
    });
    const ci = (nx - 1) / 2;
    const cj = (ny - 1) / 2;
    const k = Math.round((nz - 1) / 2);
    const expected: number[] = [];
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) if ((i - ci) ** 2 + (j - cj) ** 2 <= 5.5 + 1e-9) expected.push(i + nx * (j + ny * k));
    expect(expected).toHaveLength(16);
    expect(stored).toEqual(expected);

    // Unsaved work survives a reload: a second dab is autosaved as a draft within seconds, and
    // reopening the case offers it; recovering brings back exactly that labelmap.
    const box2 = (await host.boundingBox())!;
    await page.mouse.move(box2.x + box2.width / 2 + 150, box2.y + box2.height / 2);
    await page.mouse.down();
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).not.toBe('16 voxels');
    const painted = await page.getByTestId('editor-voxels').textContent();
    const slot = { lesionId: lesion.id, seriesId: t2.id, reader: 'E2E' };
    await expect
      .poll(() => rpc<{ voxelCount: number } | null>('segmentation.draft.get', slot), { timeout: 15_000 })
      .not.toBeNull();
    const draft = (await rpc<{ voxelCount: number }>('segmentation.draft.get', slot))!;
    expect(`${draft.voxelCount} voxels`).toBe(painted);
    await page.reload();
    await page.getByTestId('draft-banner').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('editor-voxels').textContent()).toBe('16 voxels');
    await page.getByTestId('draft-recover').click();
    expect(await page.getByTestId('editor-voxels').textContent()).toBe(painted);

    // The segmentation table lists the saved version with its status.
    await page.getByTestId('editor-back').click();
    const row = page.getByTestId(`seg-row-${saved[0]!.id}`);
    await expect.poll(() => row.isVisible(), { timeout: 10_000 }).toBe(true);
    expect((await row.locator('td').allTextContents()).slice(7, 9).map((c) => c.trim())).toEqual(['1', 'Needs review']);
    expect(browser.errors).toEqual([]);
  }, 180_000);

  it('reports a lost WebGL context in the 3D view and keeps the painted labelmap, which still saves', async () => {
    const { page } = browser;
    const [row] = await rpc<{ id: number }[]>('segmentation.list', { reader: 'E2E' });
    await page.getByTestId(`seg-edit-${row!.id}`).click();
    await expect.poll(() => page.getByTestId('editor-voxels').textContent(), { timeout: 30_000 }).toBe('16 voxels');
    // The slice views draw on 2D canvases (useSliceView.ts); WebGL is the 3D view's only.
    expect(
      await page.evaluate(() =>
        (document.querySelector('[data-testid="view-axial"] canvas') as HTMLCanvasElement).getContext('webgl2'),
      ),
    ).toBeNull();
    await page.getByTestId('layout-select').selectOption('axial-3d');
    await page.locator('[data-testid="view-3d"] canvas').waitFor({ timeout: 30_000 });
    // Chromium's WEBGL_lose_context simulates a GPU reset on the 3D view's canvas.
    const lost = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="view-3d"] canvas') as HTMLCanvasElement;
      const gl = canvas.getContext('webgl2');
      const ext = gl?.getExtension('WEBGL_lose_context');
      ext?.loseContext();
      return ext !== null && ext !== undefined;
    });
    expect(lost).toBe(true);
    await expect
      .poll(() => page.getByTestId('view-3d').getByRole('alert').textContent(), { timeout: 10_000 })
      .toContain('graphics context of the 3D view was lost');
    expect(await page.getByTestId('editor-voxels').textContent()).toBe('16 voxels');
    await page.getByTestId('editor-status').selectOption('done');
    await page.getByTestId('editor-save').click();
    await expect.poll(() => page.getByTestId('editor-version').textContent(), { timeout: 10_000 }).toContain('version 2');
    const versions = await rpc<{ version: number; voxelCount: number; status: string; parentId: number | null }[]>(
      'segmentation.list',
      { reader: 'E2E', allVersions: true },
    );
    expect(versions.map((v) => [v.version, v.voxelCount, v.status, v.parentId])).toEqual([
      [1, 16, 'needs_review', null],
      [2, 16, 'done', row!.id],
    ]);
    expect(await page.getByTestId('worklist').locator('li').count()).toBe(1);
    // Back to the three slice views (new panes, the 3D view's new context) for the next test.
    await page.getByTestId('layout-select').selectOption('mpr');
    await expect.poll(() => page.locator('.views > *').count()).toBe(3);
  }, 120_000);

  it("moves through a reader's worklist with ] and [", async () => {
    const { page } = browser;
    const ref = await rpc<{ id: number; patientCode: string; lesionCode: string; seriesId: number }[]>('segmentation.list', {
      reader: 'REF',
    });
    expect(ref.length).toBeGreaterThan(2);
    await page.getByTestId('editor-back').click();
    await page.getByTestId(`seg-edit-${ref[0]!.id}`).click();
    await expect.poll(() => page.getByTestId('editor-voxels').textContent(), { timeout: 30_000 }).not.toBe('0 voxels');
    await page.keyboard.press(']');
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(`seg=${ref[1]!.id}`);
    await expect
      .poll(() => page.getByTestId('editor-title').textContent(), { timeout: 30_000 })
      .toContain(`${ref[1]!.patientCode} / ${ref[1]!.lesionCode} · series #${ref[1]!.seriesId} `);
    await page.keyboard.press('[');
    await expect.poll(() => page.url(), { timeout: 10_000 }).toContain(`seg=${ref[0]!.id}`);
    expect(await page.getByTestId('worklist').locator('li').count()).toBe(ref.length);
  }, 120_000);
});
