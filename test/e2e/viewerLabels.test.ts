/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LesionRef, Series } from '../../main/api/contract.js';
import type { Geometry } from '../../main/compute/imaging/volume.js';
import { halfExtentMm } from '../../renderer/src/viewer/orientation.js';
import { maskOfLabelRuns } from '../../renderer/src/viewer/tools/runs.js';
import { startDemoApp, type DemoApp } from './demoApp.js';

/**
 * Several labels in the segment editor end to end (browser mode, Chromium/SwiftShader), set up
 * as viewer-tools.test.ts: on a demo T2 series, a polygon square with label 1, then "Add label"
 * (label 2 becomes active) and a second square beside it, label 2 renamed, saved; the stored
 * mask holds voxel values 1 and 2 exactly where painted and the label table; reopening the
 * saved version shows both labels again with their voxels.
 *
 * Expected voxels (reasoning of viewer-tools.test.ts): the axial view is centred on voxel
 * (c_i, c_j) = ((n_i − 1)/2, (n_j − 1)/2) and zoomed 1.1¹²; a square with vertices at c ± 2.25
 * voxels covers 4 × 4 = 16 voxel centres (0.25 voxel margin, a pixel is < 0.05 voxel). The
 * second square is centred 6 voxels to the right (+i on screen for the axial view, as the
 * crosshair): i in c_i + 4.5 … c_i + 7.5, disjoint from the first (c_i − 1.5 … c_i + 1.5).
 * Counts and positions are exact (tolerance 0).
 */

let demo: DemoApp;
let lesion: LesionRef;
let t2: Series;

beforeAll(async () => {
  demo = await startDemoApp('radstudy-e2e-viewer-labels-', { patients: 2, seed: 7 });
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

const geometryOf = (s: { geometry: Series['geometry'] }): Geometry => ({
  size: s.geometry.size,
  spacingMm: s.geometry.spacingMm,
  originMm: s.geometry.originMm,
  direction: s.geometry.direction as Geometry['direction'],
});

interface StoredMask {
  runs: number[];
  values?: number[];
  labels?: { value: number; name: string; colour: string }[];
}

describe('Several labels in the segment editor (Playwright + Chromium/SwiftShader)', () => {
  it('adds a second label, paints with it, saves voxel values 1 and 2 and reopens them', async () => {
    const { page } = demo.browser;
    const g = geometryOf(t2);
    const [nx, ny, nz] = g.size;
    expect(Math.abs(g.direction[8])).toBeGreaterThan(0.99);
    expect([nx % 2, ny % 2]).toEqual([0, 0]);

    await page.goto(demo.app.url);
    await page.getByTestId('nav-segmentation').click();
    await expect.poll(() => page.getByTestId('edit-lesion').locator('option').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.getByTestId('edit-lesion').selectOption({ label: `${lesion.patientCode} / ${lesion.lesionCode}` });
    await page.getByTestId('edit-series').selectOption(String(t2.id));
    await page.getByTestId('edit-reader').fill('LABELS');
    await page.getByTestId('edit-open').click();
    const k0 = Math.round((nz - 1) / 2);
    await expect.poll(() => page.getByTestId('slice-axial').textContent(), { timeout: 30_000 }).toBe(`${k0 + 1} / ${nz}`);
    await expect.poll(() => page.getByTestId('label-list').locator('li').count()).toBe(1);

    const host = page.getByTestId('view-axial').locator('.canvas-host');
    const box = (await host.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.down('Control');
    for (let n = 0; n < 12; n++) await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    const e = halfExtentMm(g, 'axial');
    async function square(h: number, offsetVoxels: number): Promise<void> {
      const b = (await host.boundingBox())!;
      const mmPerPx = (2 * Math.max(e.up, e.right) * 1.05) / 1.1 ** 12 / b.height;
      const voxelPx = g.spacingMm[0] / mmPerPx;
      const cx = b.x + b.width / 2 + offsetVoxels * voxelPx;
      const cy = b.y + b.height / 2;
      const d = h * voxelPx;
      for (const [x, y] of [
        [cx - d, cy - d],
        [cx + d, cy - d],
        [cx + d, cy + d],
        [cx - d, cy + d],
        [cx - d, cy - d],
      ] as const)
        await page.mouse.click(x, y);
    }

    await page.getByTestId('tool-polygon').click();
    await square(2.25, 0);
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('16 voxels');

    await page.getByTestId('label-add').click();
    await expect.poll(() => page.getByTestId('label-list').locator('li').count()).toBe(2);
    expect(await page.getByTestId('label-select-2').isChecked()).toBe(true);
    await square(2.25, 6);
    await expect.poll(() => page.getByTestId('editor-voxels').textContent()).toBe('32 voxels');
    await page.getByTestId('label-name-2').fill('Necrosis');
    await page.getByTestId('label-name-2').press('Enter');

    // Per-label measurements: 16 voxels each.
    await page.getByTestId('measure').click();
    await expect.poll(() => page.getByTestId('label-measurement-2').textContent()).toContain('Necrosis');
    expect(await page.getByTestId('label-measurement-1').locator('td').nth(2).textContent()).toBe('16');
    expect(await page.getByTestId('label-measurement-2').locator('td').nth(2).textContent()).toBe('16');

    await page.getByTestId('editor-save').click();
    await expect.poll(() => page.getByTestId('editor-version').textContent(), { timeout: 10_000 }).toContain('version 1');
    const [saved] = await rpc<{ id: number; voxelCount: number; label: string }[]>('segmentation.list', { reader: 'LABELS' });
    expect(saved).toMatchObject({ voxelCount: 32, label: 'Label 1, Necrosis' });
    const stored = await rpc<StoredMask>('segmentation.mask', { id: saved!.id });
    expect(stored.labels!.map((l) => [l.value, l.name])).toEqual([
      [1, 'Label 1'],
      [2, 'Necrosis'],
    ]);
    const mask = maskOfLabelRuns(stored.runs, stored.values, nx * ny * nz, 'stored mask');
    const ci = (nx - 1) / 2;
    const cj = (ny - 1) / 2;
    const expected = new Uint8Array(nx * ny * nz);
    for (const [value, off] of [
      [1, 0],
      [2, 6],
    ] as const)
      for (let j = cj - 1.5; j <= cj + 1.5; j++)
        for (let i = ci + off - 1.5; i <= ci + off + 1.5; i++) expected[i + nx * (j + ny * k0)] = value;
    expect(mask).toEqual(expected);

    // Reload the page on the saved version: both labels, their names and voxels come back.
    // Saving put seg=<id> in the editor's URL; a reload starts the app again from it.
    await expect.poll(() => page.url()).toContain(`seg=${saved!.id}`);
    await page.reload();
    await expect.poll(() => page.getByTestId('editor-voxels').textContent(), { timeout: 30_000 }).toBe('32 voxels');
    await expect.poll(() => page.getByTestId('label-list').locator('li').count()).toBe(2);
    expect(await page.getByTestId('label-name-2').inputValue()).toBe('Necrosis');
    await page.getByTestId('measure').click();
    await expect.poll(() => page.getByTestId('label-measurement-2').locator('td').nth(2).textContent()).toBe('16');
    expect(demo.browser.errors).toEqual([]);
  }, 240_000);
});
