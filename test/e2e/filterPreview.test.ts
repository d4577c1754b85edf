/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from './demoApp.js';

/**
 * The Extraction view's filter preview end to end on a two-patient demo study: the parameter file
 * is switched to the LoG + wavelet preset, LoG is chosen, the σ = 3 mm map of the first
 * segmentation is computed by the preview job, and the two canvases are read back: the filtered
 * slice must have many grey levels (not blank, not constant) and differ from the filter input
 * drawn beside it; the ROI outline colour must be present on both; the slice slider must change
 * the picture; the ROI statistics must be shown. Editing the parameter file updates the image
 * types offered; a bad file is reported with the key at fault and nothing can be previewed.
 */

let d: DemoApp;

beforeAll(async () => {
  d = await startDemoApp('radstudy-e2e-filter-preview-', { patients: 2, seed: 7 });
}, 120_000);
afterAll(async () => {
  await d?.close();
});

interface CanvasSummary {
  width: number;
  height: number;
  greyLevels: number;
  outline: number;
  pixels: number[];
}

async function canvas(testId: string): Promise<CanvasSummary> {
  return d.browser.page.evaluate((id) => {
    const c = document.querySelector(`[data-testid="${id}"]`) as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const greys = new Set<number>();
    let outline = 0;
    const pixels: number[] = [];
    for (let p = 0; p < px.length; p += 4) {
      const [r, g, b] = [px[p]!, px[p + 1]!, px[p + 2]!];
      if (r === 255 && g === 200 && b === 0) outline++;
      else if (r === g && g === b) greys.add(r);
      pixels.push(r);
    }
    return { width: c.width, height: c.height, greyLevels: greys.size, outline, pixels };
  }, testId);
}

describe('Filter preview in the Extraction view (Playwright + Debian Chromium)', () => {
  it('shows the LoG-filtered slice through the ROI beside the filter input, with outline, scroll and ROI stats', async () => {
    const { page } = d.browser;
    await page.goto(d.app.url);
    await page.getByTestId('nav-extraction').click();
    await expect.poll(() => page.getByTestId('filter-preview').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('extraction-preset').selectOption('seed000-log-wavelet.yaml');
    await expect
      .poll(() => page.getByTestId('preview-image-type').locator('option').allTextContents(), { timeout: 10_000 })
      .toEqual(['Original', 'LoG', 'Wavelet']);
    await page.getByTestId('preview-image-type').selectOption('LoG');
    await expect.poll(() => page.getByTestId('preview-segmentation').locator('option').count()).toBeGreaterThan(0);
    await page.getByTestId('preview-run').click();
    await expect.poll(() => page.getByTestId('preview-result').isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await page.getByTestId('preview-layer').locator('option').allTextContents()).toEqual([
      'log-sigma-1-0-mm-3D',
      'log-sigma-2-0-mm-3D',
      'log-sigma-3-0-mm-3D',
      'log-sigma-4-0-mm-3D',
      'log-sigma-5-0-mm-3D',
    ]);
    await page.getByTestId('preview-layer').selectOption('log-sigma-3-0-mm-3D');
    await expect.poll(() => page.getByTestId('preview-stats').textContent()).toContain('log-sigma-3-0-mm-3D');

    const original = await canvas('preview-original');
    const filtered = await canvas('preview-filtered');
    expect(filtered.width).toBeGreaterThan(20);
    expect(filtered.width).toBe(original.width);
    // Non-trivial: a smooth LoG map over ≥ 20 voxels per side spans many grey levels (threshold 20 of 256).
    expect(filtered.greyLevels).toBeGreaterThan(20);
    expect(original.greyLevels).toBeGreaterThan(20);
    // The ROI outline is drawn on both.
    expect(filtered.outline).toBeGreaterThan(0);
    expect(original.outline).toBe(filtered.outline);
    // The filtered picture is not the filter input: more than half of the pixels differ.
    const differing = filtered.pixels.filter((v, i) => v !== original.pixels[i]).length;
    expect(differing).toBeGreaterThan(filtered.pixels.length / 2);

    // ROI statistics: four numbers per row (min, max, mean, voxels) for the input and the LoG map.
    const statRow = await page.getByTestId('preview-stats-log-sigma-3-0-mm-3D').locator('td').allTextContents();
    expect(statRow).toHaveLength(5);
    const [min, max, mean] = statRow.slice(1, 4).map(Number);
    expect(min).toBeLessThanOrEqual(mean!);
    expect(mean).toBeLessThanOrEqual(max!);
    expect(max! - min!).toBeGreaterThan(0);

    // Scrolling to another slice changes the picture.
    const slices = Number(await page.getByTestId('preview-slice').getAttribute('max')) + 1;
    expect(slices).toBeGreaterThan(1);
    const before = filtered.pixels;
    await page.getByTestId('preview-slice').fill('0');
    await expect.poll(() => page.getByTestId('preview-slice-label').textContent()).toMatch(/^1 of /);
    const first = await canvas('preview-filtered');
    expect(first.pixels.filter((v, i) => v !== before[i]).length).toBeGreaterThan(0);
  });

  it('lists only the image types the edited parameter file enables, and names a bad key', async () => {
    const { page } = d.browser;
    await page.getByTestId('extraction-params').fill('imageType:\n  Original: {}\n  Square: {}\n');
    await expect
      .poll(() => page.getByTestId('preview-image-type').locator('option').allTextContents(), { timeout: 10_000 })
      .toEqual(['Original', 'Square']);
    await page.getByTestId('extraction-params').fill('imageType:\n  Original: {}\n  LoG: {sigma: [-1]}\n');
    await expect
      .poll(() => page.getByTestId('preview-options-error').textContent(), { timeout: 10_000 })
      .toMatch(/parameter file: imageType\.LoG\.sigma\[0\]: must be > 0, got -1/);
    expect(await page.getByTestId('preview-image-type').locator('option').count()).toBe(0);
    expect(await page.getByTestId('preview-run').isDisabled()).toBe(true);
  });
});
