/**
 * The report API (main/api/report.ts, main/services/report/service.ts) over the router: figure
 * data of a stored analysis equals figureData() of its result (same code path as the exports),
 * one figure exports as SVG or PNG by its id, and bad input is refused with a message naming
 * what was wrong (unknown analysis, unknown figure) while writing nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../../main/compute/ml/analysis.js';
import { figureData } from '../../../main/report/figureData.js';
import { pngDpi } from '../../../main/report/render.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';
import { runFixture, storeInStudy } from './fixture.js';

const t = tmpDir('radstudy-report-service-');
let services: Services;
let result: AnalysisResult;
let id: number;
beforeAll(async () => {
  const f = runFixture(t.dir);
  result = f.result;
  const study = path.join(t.dir, 'svc.radstudy');
  id = storeInStudy(study, result, f.dataFile);
  services = createServices({ mode: 'test', configDir: t.dir });
  const opened = await services.router.call('study.open', { path: study });
  expect(opened.ok).toBe(true);
});
afterAll(async () => {
  await services?.shutdown();
  t.cleanup();
});

describe('report API', () => {
  it('returns the figure data of a stored analysis', async () => {
    const r = await services.router.call('report.figures', { id });
    expect(r.ok).toBe(true);
    const fd = (r as { data: ReturnType<typeof figureData> }).data;
    expect(fd.roc.map((s) => s.auc)).toEqual(figureData(result).roc.map((s) => s.auc));
    expect(fd.sets).toEqual(['train', 'cv', 'test', 'external']);
  });

  it('exports one figure as SVG and as PNG at 600 dpi', async () => {
    const dir = path.join(t.dir, 'one');
    const svg = await services.router.call('report.export', { id, dir, format: 'svg', chart: 'dca-test' });
    expect(svg).toMatchObject({ ok: true, data: { files: ['dca-test.svg'] } });
    const png = await services.router.call('report.export', { id, dir, format: 'png', chart: 'dca-test', dpi: 600 });
    expect(png).toMatchObject({ ok: true, data: { files: ['dca-test_600dpi.png'] } });
    expect(pngDpi(readFileSync(path.join(dir, 'dca-test_600dpi.png')))).toBe(600);
  });

  it('refuses an unknown analysis or figure by name and writes nothing', async () => {
    const dir = path.join(t.dir, 'bad');
    const noFigure = await services.router.call('report.export', { id, dir, format: 'svg', chart: 'roc-nowhere' });
    expect(noFigure.ok).toBe(false);
    expect(!noFigure.ok && noFigure.error.message).toMatch(/has no figure "roc-nowhere" \(it has: (.*, )?roc-train, /);
    expect(existsSync(dir)).toBe(false);
    const noAnalysis = await services.router.call('report.figures', { id: 999 });
    expect(!noAnalysis.ok && noAnalysis.error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'There is no analysis 999 in this study.',
    });
  });
});
