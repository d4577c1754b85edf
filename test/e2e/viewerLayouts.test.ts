/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LesionRef, Series } from '../../main/api/contract.js';
import { startDemoApp, type DemoApp } from './demoApp.js';
import { decodePng } from './png.js';

/**
 * Segmentation workspace layouts in browser mode (Chromium/SwiftShader) on a demo study:
 * linked scrolling between slice views, the 2 × 2 layout with the 3D view (image planes and
 * the label surface on screen), and a lost WebGL context (draft written at once, views rebuilt).
 *
 * Linked scrolling reference: the crosshair starts at the volume centre, index c = (nz − 1)/2 along
 * k, shown as slice round(c); five wheel steps put it on slice round(c) + 5, so it moves
 * (round(c) + 5 − c)·s_k mm along the patient's z axis; the coronal view (head up) draws it that
 * many mm / (mm per pixel) pixels above or below the view's middle, with mm per pixel =
 * 2 · 1.05 · max(nz·s_k, nx·s_i)/2 / view height (sagittal: ny·s_j; orientation.ts halfExtentMm,
 * viewer store resetCameras). Tolerance 0.005 px (SVG coordinates are not rounded). Linked zoom:
 * one Ctrl+wheel step multiplies every slice view's zoom by 1.1 (stores/viewer.ts zoom).
 */

let demo: DemoApp;
let lesion: LesionRef;
let t2: Series;

async function rpc<T>(method: string, input: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${demo.app.port}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-radstudy-token': demo.app.token },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; data: T; error?: { message: string } };
  if (!body.ok) throw new Error(body.error?.message);
  return body.data;
}

beforeAll(async () => {
  demo = await startDemoApp('radstudy-e2e-layouts-', { patients: 2, seed: 7 });
  lesion = (await rpc<LesionRef[]>('segmentation.lesions', {}))[0]!;
  t2 = (await rpc<Series[]>('images.series.list', {})).find((s) => s.patientCode === lesion.patientCode && s.kind === 'T2_FS')!;
}, 180_000);
afterAll(async () => {
  await demo?.close();
});

/** Share of pixels unlike the 3D background, distinct grey levels, and reddish (label surface) pixels. */
async function pixelsOf(shot: Buffer) {
  const { rgba } = decodePng(shot);
  let lit = 0;
  let red = 0;
  const levels = new Set<number>();
  for (let p = 0; p < rgba.length; p += 4) {
    const [r, g, b] = [rgba[p]!, rgba[p + 1]!, rgba[p + 2]!];
    // The 3D background is (0.08, 0.09, 0.11) · 255 = (20, 23, 28).
    if (Math.abs(r - 20) + Math.abs(g - 23) + Math.abs(b - 28) > 30) lit++;
    if (r > g + 60 && r > b + 60) red++;
    levels.add(g);
  }
  const n = rgba.length / 4;
  return { lit: lit / n, red: red / n, levels: levels.size };
}

describe('Segmentation workspace layouts (Playwright + Chromium/SwiftShader)', () => {
  it('links scrolling between views, shows the 3D view in the 2 × 2 layout, and draws the label surface', async () => {
    const { page } = demo.browser;
    // Wide enough that the editor's header stays on one line (a wrapping header moves the views).
    await page.setViewportSize({ width: 1600, height: 900 });
    const [nx, ny, nz] = t2.geometry.size;
    const [si, sj, sk] = t2.geometry.spacingMm;
    await page.goto(demo.app.url);
    const base = demo.app.url.replace(/\/\?token=.*/, '');
    await page.goto(`${base}/#/segmentation/edit?lesion=${lesion.id}&series=${t2.id}&reader=LAYOUT`);
    await expect
      .poll(() => page.getByTestId('slice-axial').textContent(), { timeout: 60_000 })
      .toBe(`${Math.round((nz - 1) / 2) + 1} / ${nz}`);

    /** The crosshair's horizontal line in a view, as the offset (px) from the view's middle, and the view height it used. */
    const horizontal = (view: string) =>
      page.evaluate((v) => {
        const host = document.querySelector(`[data-testid="view-${v}"] .canvas-host`)!;
        const line = document.querySelector(`[data-testid="view-${v}"] .crosshair line`)!;
        // useSliceView measures the height as the host's clientHeight.
        return { offset: Number(line.getAttribute('y1')) - host.clientHeight / 2, height: host.clientHeight };
      }, view);
    // Both views open centred on the crosshair (once the workspace's layout has settled).
    await expect.poll(async () => Math.abs((await horizontal('coronal')).offset)).toBeLessThan(1e-6);
    await expect.poll(async () => Math.abs((await horizontal('sagittal')).offset)).toBeLessThan(1e-6);
    const axial = page.getByTestId('view-axial');
    const box = (await axial.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let n = 0; n < 5; n++) await page.mouse.wheel(0, -100);
    await expect.poll(() => page.getByTestId('slice-axial').textContent()).toBe(`${Math.round((nz - 1) / 2) + 6} / ${nz}`);
    const c = (nz - 1) / 2;
    const movedMm = (Math.round(c) + 5 - c) * sk;
    for (const view of ['coronal', 'sagittal']) {
      const extent = view === 'coronal' ? Math.max(nz * sk, nx * si) : Math.max(nz * sk, ny * sj);
      await expect
        .poll(async () => {
          const { offset, height } = await horizontal(view);
          return Math.abs(Math.abs(offset) - movedMm / ((2 * 1.05 * (extent / 2)) / height));
        })
        .toBeLessThan(0.005);
    }
    // The coronal and sagittal views kept their own slice (the crosshair moved within their plane).
    expect(await page.getByTestId('slice-coronal').textContent()).toBe(`${Math.round((ny - 1) / 2) + 1} / ${ny}`);

    // Linked zoom: three Ctrl+wheel steps in the axial view zoom the coronal view by 1.1³ too
    // (viewer store zoom factor per step), so the crosshair's offset from its middle grows by 1.1³.
    const zoomedFrom = Math.abs((await horizontal('coronal')).offset);
    await page.keyboard.down('Control');
    for (let n = 0; n < 3; n++) await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await expect
      .poll(async () => Math.abs(Math.abs((await horizontal('coronal')).offset) - zoomedFrom * 1.1 ** 3))
      .toBeLessThan(0.005);

    // 2 × 2 with 3D: four panes; the 3D view shows the image planes (many lit pixels, many grey levels).
    await page.getByTestId('layout-select').selectOption('quad');
    await expect.poll(() => page.locator('.views > *').count()).toBe(4);
    const view3d = page.getByTestId('view-3d');
    await expect
      .poll(
        async () => {
          const p = await pixelsOf(await view3d.screenshot());
          return p.lit > 0.05 && p.levels > 20;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    expect((await pixelsOf(await view3d.screenshot())).red).toBeLessThan(0.001);

    // Paint in the axial view: the 3D view builds the label surface and draws it in the label colour.
    await page.keyboard.press('b');
    await page.getByTestId('tool-radius').fill('12');
    await page.getByTestId('tool-radius').dispatchEvent('change');
    // A first dab, undone, brings up "unsaved changes" in the header before the views are measured.
    const first = (await axial.boundingBox())!;
    await page.mouse.click(first.x + first.width / 2 - 40, first.y + first.height / 2 - 40);
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).not.toBe('0 voxels');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('0 voxels');
    // A sphere (3D brush), so that the surface stands out of the image planes seen from the front.
    await page.getByTestId('tool-3d').check();
    const quadAxial = (await axial.boundingBox())!;
    await page.mouse.move(quadAxial.x + quadAxial.width / 2, quadAxial.y + quadAxial.height / 2);
    await page.mouse.down();
    await page.mouse.move(quadAxial.x + quadAxial.width / 2 + 10, quadAxial.y + quadAxial.height / 2, { steps: 3 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).not.toBe('0 voxels');
    // The 2D overlay draws the stroke where it was painted: the red pixels' centroid is the middle of
    // the 10 px drag (5 px left of where it ended) within 3 px (about one voxel here; a disk of whole
    // voxels is centred on the brush within half a voxel).
    await expect
      .poll(async () => {
        const { rgba, width } = decodePng(await axial.screenshot());
        let n = 0;
        let sx = 0;
        let sy = 0;
        for (let p = 0; p < rgba.length; p += 4)
          if (rgba[p]! > rgba[p + 1]! + 60 && rgba[p]! > rgba[p + 2]! + 60) {
            n++;
            sx += (p / 4) % width;
            sy += Math.floor(p / 4 / width);
          }
        // The brush outline marks the stroke's end in view pixels (the views can move while the header
        // re-flows, so the position the mouse was sent to is not a reference).
        const circle = page.locator('[data-testid="view-axial"] circle.brush');
        const end = [Number(await circle.getAttribute('cx')), Number(await circle.getAttribute('cy'))];
        return n > 50 && Math.hypot(sx / n - (end[0]! - 5), sy / n - end[1]!) < 3;
      })
      .toBe(true);
    await expect.poll(() => page.getByTestId('surface-triangles').textContent(), { timeout: 15_000 }).toMatch(/triangles/);
    await expect.poll(async () => (await pixelsOf(await view3d.screenshot())).red, { timeout: 15_000 }).toBeGreaterThan(0.001);

    // The layout is remembered: a reload opens the 2 × 2 again; "3D only" leaves one pane.
    await page.reload();
    await page.getByTestId('view-3d').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('layout-select').inputValue()).toBe('quad');
    await page.getByTestId('layout-select').selectOption('3d');
    await expect.poll(() => page.locator('.views > *').count()).toBe(1);
    await page.getByTestId('layout-select').selectOption('mpr');
    await expect.poll(() => page.locator('.views > *').count()).toBe(3);
    expect(demo.browser.errors).toEqual([]);
  }, 240_000);

  it('writes a draft at once when the WebGL context is lost and rebuilds the views', async () => {
    const { page } = demo.browser;
    await expect.poll(() => page.getByTestId('slice-axial').textContent(), { timeout: 60_000 }).toMatch(/\//);
    // WebGL is the 3D view's only (the slice views draw on 2D canvases): lose the 3D view's context.
    await page.getByTestId('layout-select').selectOption('axial-3d');
    await page.locator('[data-testid="view-3d"] canvas').waitFor({ timeout: 30_000 });
    const before = await page.getByTestId('editor-voxels').textContent();
    // One dab and the context loss in the same task: the 2 s autosave timer cannot have run.
    await page.evaluate(() => {
      const host = document.querySelector('[data-testid="view-axial"] .canvas-host') as HTMLElement;
      const r = host.getBoundingClientRect();
      const at = {
        clientX: r.left + r.width / 2 - 40,
        clientY: r.top + r.height / 2 - 40,
        bubbles: true,
        pointerId: 1,
        button: 0,
      };
      host.dispatchEvent(new PointerEvent('pointerdown', at));
      const canvas = document.querySelector('[data-testid="view-3d"] canvas') as HTMLCanvasElement;
      canvas.getContext('webgl2')!.getExtension('WEBGL_lose_context')!.loseContext();
    });
    const banner = page.getByTestId('context-lost-banner');
    await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toContain('saved as a draft');
    const painted = await page.getByTestId('editor-voxels').textContent();
    expect(painted).not.toBe(before);
    const slot = { lesionId: lesion.id, seriesId: t2.id, reader: 'LAYOUT' };
    const draft = await rpc<{ voxelCount: number } | null>('segmentation.draft.get', slot);
    expect(`${draft!.voxelCount.toLocaleString('en-US')} voxels`).toBe(painted);

    // Rebuilding gives new canvases with working contexts: the axial view shows the image again.
    await page.getByTestId('context-rebuild').click();
    await expect.poll(() => banner.count()).toBe(0);
    await expect
      .poll(
        async () => {
          const { rgba } = decodePng(await page.getByTestId('view-axial').screenshot());
          let lit = 0;
          for (let p = 0; p < rgba.length; p += 4) if (rgba[p]! + rgba[p + 1]! + rgba[p + 2]! > 30) lit++;
          return lit / (rgba.length / 4);
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0.1);
    // Reopening the case offers the draft back.
    await page.reload();
    await page.getByTestId('draft-banner').waitFor({ timeout: 60_000 });
  }, 180_000);
});
