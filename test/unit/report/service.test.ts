/**
 * The report API (main/api/report.ts, main/services/report/service.ts) over the router: figure
 * data of a stored analysis equals figureData() of its result (same code path as the exports),
 * one figure exports as SVG or PNG by its id, and bad input is refused with a message naming
 * what was wrong (unknown analysis, unknown figure) while writing nothing. The study figures
 * (report.study): Kaplan–Meier by a column has one curve per level whose sizes add up to the
 * analysed rows (exact), the correlation matrix is symmetric with a unit diagonal, the flow's sets
 * equal the split counts, and an unknown column is refused by name.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../../main/compute/ml/analysis.js';
import { figureData } from '../../../main/report/figureData.js';
import { pngDpi } from '../../../main/report/render.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { openStudy } from '../../../db/study-file.js';
import { tmpDir } from '../../helpers/tmp.js';
import { runFixture, storeInStudy } from './fixture.js';

const t = tmpDir('radstudy-report-service-');
let services: Services;
let result: AnalysisResult;
let id: number;
let study: string;
beforeAll(async () => {
  const f = runFixture(t.dir);
  result = f.result;
  study = path.join(t.dir, 'svc.radstudy');
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

  it('returns Kaplan–Meier, correlation, flow and checklist data, and exports the KM and flow figures', async () => {
    const survival = { time: 'pfs_months', event: 'pfs_event', group: { by: 'column', column: 'grade' }, set: 'all' } as const;
    const r = await services.router.call('report.study', { id, survival, correlation: { method: 'spearman', clustered: false } });
    expect(r.ok).toBe(true);
    const d = (
      r as {
        data: {
          km: { groups: { label: string; n: number }[]; logRank: { pValue: number } };
          correlation: { r: number[][]; method: string };
          flow: { sets: { patients: number }[] };
          checklist: { item: string }[];
          columns: { name: string; numeric: boolean; levels: string[] | null }[];
          warnings: string[];
        };
      }
    ).data;
    expect(d.warnings).toEqual([]);
    expect(d.km.groups.map((g) => g.label)).toEqual(['G2', 'G3']);
    expect(d.km.groups.reduce((s, g) => s + g.n, 0)).toBe(result.rows.n);
    expect(d.km.logRank.pValue).toBeGreaterThan(0);
    expect(d.correlation.method).toBe('spearman');
    d.correlation.r.forEach((row, i) => {
      expect(row[i]).toBe(1);
      row.forEach((v, j) => expect(v).toBe(d.correlation.r[j]![i]));
    });
    const c = result.split.counts;
    expect(d.flow.sets.map((s) => s.patients)).toEqual([c.train.groups, c.test.groups, c.external.groups]);
    expect(d.checklist.some((i) => i.item === '14a')).toBe(true);
    expect(d.columns.find((x) => x.name === 'grade')).toEqual({ name: 'grade', numeric: false, levels: ['G2', 'G3'] });
    expect(d.columns.find((x) => x.name === 'pfs_months')!.numeric).toBe(true);

    const bad = await services.router.call('report.study', { id, survival: { ...survival, event: 'os_event' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((bad as { error: { message: string } }).error.message).toContain("has no event column 'os_event'");

    const dir = path.join(t.dir, 'study');
    const km = await services.router.call('report.export', { id, dir, format: 'svg', chart: 'km-pfs-event-grade-all', survival });
    expect(km).toMatchObject({ ok: true, data: { files: ['km-pfs-event-grade-all.svg'] } });
    expect(readFileSync(path.join(dir, 'km-pfs-event-grade-all.svg'), 'utf8')).toContain('Number at risk');
    const flow = await services.router.call('report.export', { id, dir, format: 'png', chart: 'flow', dpi: 300 });
    expect(flow).toMatchObject({ ok: true, data: { files: ['flow_300dpi.png'] } });
    expect(pngDpi(readFileSync(path.join(dir, 'flow_300dpi.png')))).toBe(300);
    const noKm = await services.router.call('report.export', {
      id,
      dir: path.join(t.dir, 'none'),
      format: 'svg',
      survival: { ...survival, time: 'nope' },
    });
    expect(noKm).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(existsSync(path.join(t.dir, 'none'))).toBe(false);
  });

  it("draws the flow from the study's patients and exclusion reasons to the analysis sets", async () => {
    // The study's cohort: the fixture's 160 patients plus 5 more, excluded for a missing DCE series.
    expect((await services.router.call('study.close', {})).ok).toBe(true);
    const h = openStudy(study);
    h.db.prepare("INSERT INTO center(code, name) VALUES ('CQ', 'CQ')").run();
    const add = h.db.prepare('INSERT INTO patient(code, center_id) VALUES (?, 1)');
    for (let p = 0; p < 165; p++) add.run(`P${p}`);
    // Overall survival is in the study's cohort only (not in the analysis table): one lesion each,
    // os_months = p mod 37 + 1, death for every third patient.
    const lesion = h.db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')");
    const value = h.db.prepare(
      'INSERT INTO patient_value(patient_id, variable_id, num) VALUES (?, (SELECT id FROM variable WHERE name = ?), ?)',
    );
    for (let p = 1; p <= 165; p++) {
      lesion.run(p);
      value.run(p, 'os_months', ((p - 1) % 37) + 1);
      value.run(p, 'os_event', (p - 1) % 3 === 0 ? 1 : 0);
    }
    h.close();
    expect((await services.router.call('study.open', { path: study })).ok).toBe(true);
    for (let p = 160; p < 165; p++) {
      const x = await services.router.call('cohort.exclude', {
        patientCode: `P${p}`,
        reasonCode: 'NO_DCE',
        reasonLabel: 'No DCE series',
      });
      expect(x.ok).toBe(true);
    }
    const r = await services.router.call('report.study', { id });
    const d = (
      r as {
        data: {
          flow: { main: { label: string; patients: number }[]; excluded: { label: string; patients: number }[] };
          flowSvg: string;
          checklist: { item: string; status: string }[];
        };
      }
    ).data;
    expect(d.flow.main.map((b) => b.patients)).toEqual([165, 160, 160, 160]);
    expect(d.flow.main[0]!.label).toBe('Patients assessed for eligibility');
    expect(d.flow.excluded).toEqual([{ at: 0, label: 'No DCE series', patients: 5 }]);
    expect(d.flowSvg).toContain('No DCE series: n = 5 patients');
    expect(d.checklist.find((i) => i.item === '13a')!.status).toBe('reported');

    // Kaplan–Meier on the cohort's os_months / os_event, matched to the 160 analysed patients by code.
    const os = await services.router.call('report.study', {
      id,
      survival: { time: 'os_months', event: 'os_event', group: { by: 'column', column: 'grade' }, set: 'all' },
    });
    expect(os.ok).toBe(true);
    const km = (os as { data: { km: { groups: { n: number; events: number }[] } } }).data.km;
    expect(km.groups.reduce((a, g) => a + g.n, 0)).toBe(160);
    // Deaths among P0..P159: p mod 3 = 0 → 54 (counted by hand: 0, 3, …, 159).
    expect(km.groups.reduce((a, g) => a + g.events, 0)).toBe(54);
  });
});
