/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LesionRef, Series } from '../../main/api/contract.js';
import { physicalToIndex, type Geometry, type Vec3 } from '../../main/compute/imaging/volume.js';
import { startDemoApp, type DemoApp } from './demoApp.js';

/**
 * The compare layout (issue 10) in browser mode on a demo study: the T2WI being segmented and
 * the ADC map of the same exam side by side, linked by physical position.
 *
 * Reference for the expected slices: the grids' own index ↔ LPS transform (volume.ts
 * physicalToIndex, validated against ITK conventions in test/unit/imaging) applied to the
 * physical point the gestures produce, worked out here from the view convention and camera:
 * the crosshair starts at the T2WI's centre, index (n − 1)/2 per axis; a wheel step moves it to
 * the centre of the next T2WI slice (p = origin + index · spacing, identity direction in the
 * demo); a click at (dx, dy) px from a sagittal view's middle moves it by dx · m mm posterior
 * (+y) and −dy · m mm up (+z) within the slice, with m = 2 · 1.05 · max(nz·s_k, ny·s_j)/2 / view
 * height mm per pixel (orientation.ts halfExtentMm, viewer store resetCameras). The ADC map is
 * block-averaged 2× in-plane (6 mm voxels against 3 mm, origin moved by 1.5 mm,
 * main/compute/demo/mri.ts), so its indices differ from the T2WI's: the same index would fail.
 * Slices are exact integers; the point is chosen at least 0.1 voxel from a rounding boundary.
 */

let demo: DemoApp;
let lesion: LesionRef;
let t2: Series;
let adc: Series;

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

const geometry = (s: Series): Geometry => ({ ...s.geometry, direction: s.geometry.direction as Geometry['direction'] });

beforeAll(async () => {
  demo = await startDemoApp('radstudy-e2e-compare-', { patients: 1, seed: 11 });
  lesion = (await rpc<LesionRef[]>('segmentation.lesions', {}))[0]!;
  const all = await rpc<Series[]>('images.series.list', {});
  t2 = all.find((s) => s.patientCode === lesion.patientCode && s.kind === 'T2_FS')!;
  adc = all.find((s) => s.patientCode === lesion.patientCode && s.kind === 'ADC')!;
}, 180_000);
afterAll(async () => {
  await demo?.close();
});

describe('Compare layout: series side by side linked by physical position (Playwright + Chromium)', () => {
  it('moves the other series to the slice containing the point clicked or scrolled to, and links zoom and pan', async () => {
    const { page } = demo.browser;
    await page.setViewportSize({ width: 1600, height: 900 });
    const g2 = geometry(t2);
    const ga = geometry(adc);
    expect(ga.spacingMm[0]).toBeCloseTo(2 * g2.spacingMm[0], 9);
    const [, ny, nz] = g2.size;
    const [si, sj, sk] = g2.spacingMm;
    await page.goto(demo.app.url);
    const base = demo.app.url.replace(/\/\?token=.*/, '');
    await page.goto(`${base}/#/segmentation/edit?lesion=${lesion.id}&series=${t2.id}&reader=COMPARE`);
    await expect.poll(() => page.getByTestId('slice-axial').textContent(), { timeout: 60_000 }).toMatch(/\//);
    // Navigate tool: a left click moves the crosshair (the default brush would paint).
    await page.keyboard.press('v');

    await page.getByTestId('layout-select').selectOption('compare');
    await page.getByTestId('compare-orientation').selectOption('sagittal');
    await page.getByTestId('compare-add').selectOption(String(adc.id));
    const slice = (id: 'active' | number) =>
      page.getByTestId(id === 'active' ? 'slice-sagittal' : `compare-slice-${id}`).textContent();
    const index = async (id: 'active' | number) => Number((await slice(id))!.split(' / ')[0]) - 1;
    await expect.poll(() => slice(adc.id), { timeout: 60_000 }).toMatch(/\//);

    // Expected point: the T2WI centre, then gestures applied as described above.
    // Written as (n − 1)·s/2 so that a centre on a half index (the ADC's 23.5) rounds as in the app.
    const p: Vec3 = [
      g2.originMm[0] + ((g2.size[0] - 1) * si) / 2,
      g2.originMm[1] + ((ny - 1) * sj) / 2,
      g2.originMm[2] + ((nz - 1) * sk) / 2,
    ];
    const adcIndex = (axis: number) => Math.round(physicalToIndex(ga, ...p)[axis]!);
    const t2Index = (axis: number) => Math.round(physicalToIndex(g2, ...p)[axis]!);
    // Opened on the same point: each series shows its own slice of it.
    await expect.poll(() => index(adc.id)).toBe(adcIndex(0));
    expect(await index('active')).toBe(t2Index(0));

    // Scroll the T2WI three slices: x moves to the centre of T2 slice round(c) + 3.
    const host = page.locator('[data-testid="view-sagittal"] .canvas-host');
    const box = (await host.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const start = t2Index(0);
    for (let n = 0; n < 3; n++) await page.mouse.wheel(0, -100);
    p[0] = g2.originMm[0] + (start + 3) * si;
    await expect.poll(() => index('active')).toBe(start + 3);
    await expect.poll(() => index(adc.id)).toBe(adcIndex(0));
    // Not the same index: 3 T2WI slices are 1.5 ADC slices.
    expect(adcIndex(0)).not.toBe(start + 3);

    // Click a point in the T2WI pane: y and z move within the slice; pick an offset whose
    // indices in both series are ≥ 0.1 voxel from a rounding boundary.
    const geo = await host.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, w: el.clientWidth, h: el.clientHeight };
    });
    const mmPerPx = (2 * 1.05 * (Math.max(nz * sk, ny * sj) / 2)) / geo.h;
    const centre = [...p] as Vec3;
    let click: [number, number] | null = null;
    for (const [dx, dy] of [
      [37, -23],
      [41, -29],
      [-33, 19],
      [29, 31],
      [-45, -17],
    ] as const) {
      const x = Math.round(geo.left + geo.w / 2 + dx);
      const y = Math.round(geo.top + geo.h / 2 + dy);
      const q: Vec3 = [
        centre[0],
        centre[1] + (x - geo.left - geo.w / 2) * mmPerPx,
        centre[2] - (y - geo.top - geo.h / 2) * mmPerPx,
      ];
      const far = (v: number) => Math.abs(v - Math.floor(v) - 0.5) > 0.1;
      if ([1, 2].every((a) => far(physicalToIndex(ga, ...q)[a]!) && far(physicalToIndex(g2, ...q)[a]!))) {
        click = [x, y];
        p[1] = q[1];
        p[2] = q[2];
        break;
      }
    }
    expect(click).not.toBeNull();
    await page.mouse.click(click![0], click![1]);
    // The sagittal slices stay (the click is within the slice) …
    expect(await index('active')).toBe(start + 3);
    await expect.poll(() => index(adc.id)).toBe(adcIndex(0));
    // … and the coronal and axial orientations show the slices containing the clicked point.
    await page.getByTestId('compare-orientation').selectOption('coronal');
    await expect.poll(() => page.getByTestId('slice-coronal').textContent()).toBe(`${t2Index(1) + 1} / ${ny}`);
    await expect.poll(() => page.getByTestId(`compare-slice-${adc.id}`).textContent()).toBe(`${adcIndex(1) + 1} / ${ga.size[1]}`);
    expect(adcIndex(1)).not.toBe(t2Index(1));
    await page.getByTestId('compare-orientation').selectOption('axial');
    await expect.poll(() => page.getByTestId('slice-axial').textContent()).toBe(`${t2Index(2) + 1} / ${nz}`);
    await expect.poll(() => page.getByTestId(`compare-slice-${adc.id}`).textContent()).toBe(`${adcIndex(2) + 1} / ${ga.size[2]}`);

    // Scrolling the ADC pane moves the T2WI: one ADC slice up → the centre of ADC slice k + 1.
    const adcHost = page.locator(`[data-testid="compare-pane-${adc.id}"] .canvas-host`);
    const adcBox = (await adcHost.boundingBox())!;
    await page.mouse.move(adcBox.x + adcBox.width / 2, adcBox.y + adcBox.height / 2);
    const k = adcIndex(2);
    await page.mouse.wheel(0, -100);
    p[2] = ga.originMm[2] + (k + 1) * ga.spacingMm[2];
    await expect.poll(() => page.getByTestId(`compare-slice-${adc.id}`).textContent()).toBe(`${k + 2} / ${ga.size[2]}`);
    await expect.poll(() => page.getByTestId('slice-axial').textContent()).toBe(`${t2Index(2) + 1} / ${nz}`);

    // Zoom and pan in the ADC pane: both panes keep the same mm per pixel and centre, so the
    // crosshair is drawn at the same view pixel in both (the panes are equally tall).
    await page.keyboard.down('Control');
    for (let n = 0; n < 2; n++) await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await page.keyboard.down('Shift');
    await page.mouse.move(adcBox.x + adcBox.width / 2, adcBox.y + adcBox.height / 2);
    await page.mouse.down();
    await page.mouse.move(adcBox.x + adcBox.width / 2 + 30, adcBox.y + adcBox.height / 2 + 12, { steps: 3 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const crosshairOf = (sel: string) =>
      page.evaluate((s) => {
        const lines = document.querySelectorAll(`${s} .crosshair line`);
        const host = document.querySelector(`${s} .canvas-host`)!;
        return {
          x: Number(lines[1]!.getAttribute('x1')) - host.clientWidth / 2,
          y: Number(lines[0]!.getAttribute('y1')) - host.clientHeight / 2,
          h: host.clientHeight,
        };
      }, sel);
    await expect
      .poll(async () => {
        const a = await crosshairOf('[data-testid="view-axial"]');
        const b = await crosshairOf(`[data-testid="compare-pane-${adc.id}"]`);
        // Two zoom steps (1.1² of the fitted scale) and a pan: the crosshair is off-centre, the same in both.
        return a.h === b.h && Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) < 0.01 && Math.abs(a.x) > 20;
      })
      .toBe(true);

    // Unlinked: scrolling the T2WI leaves the ADC pane where it was.
    await page.getByTestId('compare-link').uncheck();
    const adcBefore = await page.getByTestId(`compare-slice-${adc.id}`).textContent();
    const axialBox = (await page.locator('[data-testid="view-axial"] .canvas-host').boundingBox())!;
    await page.mouse.move(axialBox.x + axialBox.width / 2, axialBox.y + axialBox.height / 2);
    await page.mouse.wheel(0, 100);
    await page.mouse.wheel(0, 100);
    await expect.poll(() => page.getByTestId('slice-axial').textContent()).toBe(`${t2Index(2) - 1} / ${nz}`);
    expect(await page.getByTestId(`compare-slice-${adc.id}`).textContent()).toBe(adcBefore);
    // Linked again: the ADC pane follows the T2WI's point at once.
    await page.getByTestId('compare-link').check();
    p[2] = g2.originMm[2] + (t2Index(2) - 2) * sk;
    await expect.poll(() => page.getByTestId(`compare-slice-${adc.id}`).textContent()).toBe(`${adcIndex(2) + 1} / ${ga.size[2]}`);

    // Per-sequence presets: the ADC pane opened on the ADC window, the T2WI on its own.
    expect(await page.getByTestId(`compare-preset-${adc.id}`).inputValue()).toBe('adc');
    expect(await page.getByTestId('compare-preset-active').inputValue()).toBe('p1-99');
    expect(demo.browser.errors).toEqual([]);
  }, 240_000);
});
