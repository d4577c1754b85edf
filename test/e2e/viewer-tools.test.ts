/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopyTarget, LesionRef, Series } from '../../main/api/contract.js';
import { transferMask } from '../../main/compute/imaging/maskTransfer.js';
import type { Geometry } from '../../main/compute/imaging/volume.js';
import { halfExtentMm } from '../../renderer/src/viewer/orientation.js';
import { countLabel, EditRecorder, type LabelGrid } from '../../renderer/src/viewer/tools/grid.js';
import { interpolateSlices } from '../../renderer/src/viewer/tools/interpolate.js';
import { startDemoApp, type DemoApp } from './demoApp.js';

/**
 * The slice tools of the segmentation workspace end to end (browser mode, Chromium/SwiftShader)
 * on a demo study's T2 series: a polygon (P, four clicks, click on the first vertex) and a
 * second one four slices up, fill between slices (I) with undo/redo, a freehand contour (C,
 * drag) undone again, save, then copy the saved version to the ADC map of the same exam and
 * open the copy; finally play the exam's DCE phases as a cine at that slice.
 *
 * Expected voxels. The axial view opens centred on the volume centre, index
 * (c_i, c_j) = ((n_i − 1)/2, (n_j − 1)/2) (half-integers for the demo's even sizes), with
 * mm per pixel = 2·baseScale / zoom / height (baseScale = 1.05 × the larger half extent,
 * zoom = 1.1¹² after 12 Ctrl+wheel steps: viewer store). A square polygon with vertices at
 * (c ± h) voxels, h = 2.25, covers the voxel centres c − 2 … c + 2 exclusive of the half
 * voxels: 4 × 4 = 16 voxels (0.25 voxel from the nearest centre; one pixel is < 0.05 voxel).
 * h = 4.25 gives 8 × 8 = 64. The in-between slices must be exactly what the unit-tested
 * interpolateSlices gives on the same two squares, and the copy exactly what transferMask gives
 * from the stored mask onto the ADC grid.
 */

let demo: DemoApp;
let lesion: LesionRef;
let t2: Series;

beforeAll(async () => {
  demo = await startDemoApp('radstudy-e2e-viewer-tools-', { patients: 2, seed: 7 });
  lesion = (await rpc<LesionRef[]>('segmentation.lesions', {}))[0]!;
  const series = await rpc<Series[]>('images.series.list', {});
  t2 = series.find((s) => s.patientCode === lesion.patientCode && s.kind === 'T2_FS')!;
}, 240_000);
afterAll(async () => {
  await demo?.close();
});

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

function maskOf(runs: number[], n: number): Uint8Array {
  const m = new Uint8Array(n);
  let v = 0;
  runs.forEach((r, q) => {
    if (q % 2 === 1) m.fill(1, v, v + r);
    v += r;
  });
  return m;
}

const geometryOf = (s: { geometry: Series['geometry'] }): Geometry => ({
  size: s.geometry.size,
  spacingMm: s.geometry.spacingMm,
  originMm: s.geometry.originMm,
  direction: s.geometry.direction as Geometry['direction'],
});

describe('Segmentation slice tools and copy to sequence (Playwright + Chromium/SwiftShader)', () => {
  it('fills polygons, interpolates between them, draws freehand, and copies the saved version to the ADC map', async () => {
    const { page } = demo.browser;
    const g = geometryOf(t2);
    const [nx, ny, nz] = g.size;
    expect(Math.abs(g.direction[8])).toBeGreaterThan(0.99);
    expect(g.spacingMm[0]).toBeCloseTo(g.spacingMm[1], 9);
    expect([nx % 2, ny % 2]).toEqual([0, 0]);

    await page.goto(demo.app.url);
    await page.getByTestId('nav-segmentation').click();
    await expect.poll(() => page.getByTestId('edit-lesion').locator('option').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.getByTestId('edit-lesion').selectOption({ label: `${lesion.patientCode} / ${lesion.lesionCode}` });
    await page.getByTestId('edit-series').selectOption(String(t2.id));
    await page.getByTestId('edit-reader').fill('TOOLS');
    await page.getByTestId('edit-open').click();
    const k0 = Math.round((nz - 1) / 2);
    await expect.poll(() => page.getByTestId('slice-axial').textContent(), { timeout: 30_000 }).toBe(`${k0 + 1} / ${nz}`);

    const host = page.getByTestId('view-axial').locator('.canvas-host');
    const box = (await host.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.keyboard.down('Control');
    for (let n = 0; n < 12; n++) await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    // The views can change height while editing (the header wraps when "unsaved changes"
    // appears): the centre and scale are measured again before each contour.
    const e = halfExtentMm(g, 'axial');
    async function frame(): Promise<{ cx: number; cy: number; voxelPx: number }> {
      // Wait until the view has kept its size for 300 ms and has been redrawn at that size (a
      // panel that grows after an edit, e.g. the per-label table, resizes the views a moment later).
      let b = (await host.boundingBox())!;
      for (let stable = 0, tries = 0; stable < 3 && tries < 50; tries++) {
        await page.waitForTimeout(100);
        const now = (await host.boundingBox())!;
        stable = now.width === b.width && now.height === b.height && now.x === b.x && now.y === b.y ? stable + 1 : 0;
        b = now;
      }
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const mmPerPx = (2 * Math.max(e.up, e.right) * 1.05) / 1.1 ** 12 / b.height;
      return { cx: b.x + b.width / 2, cy: b.y + b.height / 2, voxelPx: g.spacingMm[0] / mmPerPx };
    }

    async function square(h: number): Promise<void> {
      const { cx, cy, voxelPx } = await frame();
      const d = h * voxelPx;
      const corners: [number, number][] = [
        [cx - d, cy - d],
        [cx + d, cy - d],
        [cx + d, cy + d],
        [cx - d, cy + d],
        [cx - d, cy - d],
      ];
      for (const [x, y] of corners) await page.mouse.click(x, y);
    }

    await page.keyboard.press('p');
    expect(await page.getByTestId('tool-polygon').getAttribute('aria-checked')).toBe('true');
    await square(2.25);
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('16 voxels');
    // Four slices up (ArrowUp scrolls the axial view), the larger square.
    for (let n = 0; n < 4; n++) await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.getByTestId('slice-axial').textContent()).toBe(`${k0 + 5} / ${nz}`);
    await square(4.25);
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('80 voxels');

    // The reference: the same two squares on a labelmap of the series grid, interpolated.
    const ref: LabelGrid = { size: g.size, spacingMm: g.spacingMm, data: new Uint8Array(nx * ny * nz) };
    const ci = (nx - 1) / 2;
    const cj = (ny - 1) / 2;
    for (const [k, h] of [
      [k0, 2],
      [k0 + 4, 4],
    ] as const)
      for (let j = cj - h + 0.5; j <= cj + h - 0.5; j++)
        for (let i = ci - h + 0.5; i <= ci + h - 0.5; i++) ref.data[i + nx * (j + ny * k)] = 1;
    expect(countLabel(ref.data)).toBe(80);
    interpolateSlices(new EditRecorder(ref), { axis: 2, value: 1 });
    const interpolated = countLabel(ref.data);
    expect(interpolated).toBeGreaterThan(80 + 3 * 16);
    expect(interpolated).toBeLessThan(80 + 3 * 64);

    await page.keyboard.press('i');
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe(`${interpolated} voxels`);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('80 voxels');
    await page.keyboard.press('Control+y');
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe(`${interpolated} voxels`);

    // Freehand on the slice above: a drag around a square of 2 × 2.25 voxels adds 16 voxels; undo removes them.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('c');
    const f = await frame();
    const d = 2.25 * f.voxelPx;
    const [fx, fy] = [f.cx, f.cy];
    await page.mouse.move(fx - d, fy - d);
    await page.mouse.down();
    for (const [x, y] of [
      [fx + d, fy - d],
      [fx + d, fy + d],
      [fx - d, fy + d],
      [fx - d, fy - d + 1],
    ] as const)
      await page.mouse.move(x, y, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe(`${interpolated + 16} voxels`);
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe(`${interpolated} voxels`);

    // Save, then the stored mask is the reference labelmap exactly.
    await page.getByTestId('editor-save').click();
    await expect.poll(() => page.getByTestId('editor-version').textContent(), { timeout: 10_000 }).toContain('version 1');
    const [saved] = await rpc<{ id: number }[]>('segmentation.list', { reader: 'TOOLS' });
    const stored = maskOf((await rpc<{ runs: number[] }>('segmentation.mask', { id: saved!.id })).runs, nx * ny * nz);
    expect(stored).toEqual(ref.data);

    // Copy to the ADC map of the exam (another grid: the demo's DWI/ADC voxels are larger).
    const targets = await rpc<CopyTarget[]>('segmentation.copyTargets', { id: saved!.id });
    const adc = targets.find((x) => x.kind === 'ADC')!;
    expect(adc.spacingMm[0]).not.toBeCloseTo(g.spacingMm[0], 3);
    await expect.poll(() => page.getByTestId('copy-target').locator('option').count(), { timeout: 10_000 }).toBe(targets.length);
    await page.getByTestId('copy-target').selectOption(String(adc.seriesId));
    await page.getByTestId('copy-to-series').click();
    await page.getByTestId('copy-open').click();
    const adcSeries = (await rpc<Series[]>('images.series.list', {})).find((s) => s.id === adc.seriesId)!;
    const expected = transferMask(stored, g, geometryOf(adcSeries));
    expect(expected.targetVoxels).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('editor-voxels').textContent(), { timeout: 30_000 })
      .toBe(`${expected.targetVoxels.toLocaleString('en-US')} voxels`);
    expect(await page.getByTestId('editor-title').textContent()).toContain(`series #${adc.seriesId}`);
    const copies = await rpc<{ id: number; seriesId: number; status: string; version: number }[]>('segmentation.list', {
      reader: 'TOOLS',
      seriesId: adc.seriesId,
    });
    expect(copies.map((c) => [c.version, c.status])).toEqual([[1, 'needs_review']]);
    const copied = maskOf((await rpc<{ runs: number[] }>('segmentation.mask', { id: copies[0]!.id })).runs, expected.mask.length);
    expect(copied).toEqual(expected.mask);

    // DCE cine at the current slice: load the exam's phases, play at 10 fps, the phase advances.
    const dce = (await rpc<Series[]>('images.series.list', {})).filter(
      (s) => s.patientCode === lesion.patientCode && s.kind === 'DCE',
    );
    expect(dce.length).toBeGreaterThan(1);
    await page.getByTestId('cine-load').click();
    await expect
      .poll(() => page.getByTestId('cine-phase').textContent(), { timeout: 30_000 })
      .toContain(`Phase 1 / ${dce.length}`);
    await page.getByTestId('cine-fps').fill('10');
    await page.getByTestId('cine-play').click();
    await expect
      .poll(() => page.getByTestId('cine-phase').textContent(), { timeout: 10_000 })
      .toContain(`Phase 3 / ${dce.length}`);
    await page.getByTestId('cine-play').click();
    expect(await page.getByTestId('cine-play').textContent()).toContain('Play');
    const lit = await page.getByTestId('cine-canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let q = 0; q < d.length; q += 4) if (d[q]! > 20) n++;
      return n / (d.length / 4);
    });
    expect(lit).toBeGreaterThan(0.05);
    expect(demo.browser.errors).toEqual([]);
  }, 240_000);
});
