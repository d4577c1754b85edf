/// <reference lib="dom" />
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdjudicationQueue, AuditEntry, LesionRef, ReaderStudyReport } from '../../main/api/contract.js';
import { readZip } from '../../main/compute/archive/zip.js';
import { kappaFromTable, type KappaWeights } from '../../main/compute/stats/agreement/kappa.js';
import { roc } from '../../main/compute/stats/roc/curve.js';
import { aucDelong, delongPairedTest } from '../../main/compute/stats/roc/delong.js';
import { metricsAtThreshold } from '../../main/compute/stats/roc/threshold.js';
import { startDemoApp, type DemoApp } from './demoApp.js';

/**
 * Round 2 of the dual-reader workflow in the Readers view, on a five-patient demo study whose
 * lesions get two dual-read variables (mass shape, nominal; enhancement grade, ordinal) and a
 * malignancy outcome through the API. The page's kappa table, an adjudicator's and a consensus
 * decision from the adjudication queue, and the reader-study results (ratings imported from a CSV
 * and one entered in the form) are checked against the statistics core run in the test on the
 * same data: kappaFromTable (Fleiss–Cohen–Everitt CI), roc + aucDelong, metricsAtThreshold and
 * delongPairedTest. Tolerance 1e-12 (the page carries the API's doubles in data attributes;
 * the same kernels run server-side, so any difference is a wrong table or a wrong vector).
 */

let d: DemoApp;
let lesions: LesionRef[] = [];

async function rpc<T>(method: string, input: unknown): Promise<T> {
  const r = await fetch(`http://127.0.0.1:${d.app.port}/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-radstudy-token': d.app.token },
    body: JSON.stringify(input),
  });
  const body = (await r.json()) as { ok: boolean; data: T };
  if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body)}`);
  return body.data;
}

const SHAPES = ['oval', 'round', 'irregular'];
const GRADES = ['1', '2', '3'];
/** Reader 1 and reader 2 reads of lesion i: R2 differs on lesions 1 and 4 (shape) and 2 (grade). */
const shapeR1 = (i: number) => SHAPES[i % 3]!;
const shapeR2 = (i: number) => (i === 1 || i === 4 ? SHAPES[(i + 1) % 3]! : SHAPES[i % 3]!);
const gradeR1 = (i: number) => GRADES[(i * 2) % 3]!;
const gradeR2 = (i: number) => (i === 2 ? GRADES[((i * 2) % 3) - 1]! : GRADES[(i * 2) % 3]!);
/** Outcome: the first half of the lesions are cases. */
const malignant = (i: number, n: number) => (i < Math.ceil(n / 2) ? 1 : 0);
/** Ratings of reader r (0, 1) on lesion i: unaided overlaps cases and controls, aided separates better. */
function scores(r: number, i: number, n: number): { unaided: number; aided: number } {
  const y = malignant(i, n);
  const unaided = y ? 40 + ((i * 17 + r * 11) % 45) : 15 + ((i * 23 + r * 7) % 50);
  const aided = y ? Math.min(100, unaided + 20) : Math.max(0, unaided - 15);
  return { unaided, aided };
}

beforeAll(async () => {
  d = await startDemoApp('radstudy-e2e-readers2-', { patients: 5, seed: 9 });
  for (const [code, name, role] of [
    ['R1', 'First Reader', 'reader'],
    ['R2', 'Second Reader', 'reader'],
    ['ADJ', 'Third Reader', 'adjudicator'],
  ])
    await rpc('readers.save', { code, name, role });
  const variable = (name: string, type: string, levels: string[] | null) =>
    rpc('cohort.variable.save', {
      variable: {
        name,
        label: name,
        type,
        levels: levels?.map((c) => ({ code: c, label: c })) ?? null,
        role: type === 'boolean' ? 'outcome' : 'predictor',
        scope: 'lesion',
      },
    });
  for (const r of ['r1', 'r2']) {
    await variable(`shape_${r}`, 'categorical', SHAPES);
    await variable(`grade_${r}`, 'ordinal', GRADES);
  }
  await variable('malignant', 'boolean', null);
  lesions = await rpc<LesionRef[]>('segmentation.lesions', {});
  const n = lesions.length;
  if (n < 5) throw new Error(`the demo study has ${n} lesions; the test needs at least 5`);
  for (const [i, l] of lesions.entries()) {
    const set = (variable: string, value: string) =>
      rpc('cohort.setValue', { patientCode: l.patientCode, lesionCode: l.lesionCode, variable, value });
    await set('shape_r1', shapeR1(i));
    await set('shape_r2', shapeR2(i));
    await set('grade_r1', gradeR1(i));
    await set('grade_r2', gradeR2(i));
    await set('malignant', malignant(i, n) ? 'yes' : 'no');
  }
}, 180_000);
afterAll(async () => {
  await d?.close();
});

/** rows: R1 level, columns: R2 level, in the dictionary's level order. */
function table(levels: string[], a: (i: number) => string, b: (i: number) => string): number[][] {
  const t = levels.map(() => levels.map(() => 0));
  for (let i = 0; i < lesions.length; i++) t[levels.indexOf(a(i))]![levels.indexOf(b(i))]!++;
  return t;
}

describe('Readers view, round 2 (Playwright + Debian Chromium)', () => {
  it('shows kappa per dual-read variable with the statistics core’s kappa and CI', async () => {
    const { page } = d.browser;
    await page.goto(d.app.url);
    await page.getByTestId('nav-readers').click();
    await expect.poll(() => page.getByTestId('kappa-compute').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('agreement-reader-a').selectOption('R1');
    await page.getByTestId('agreement-reader-b').selectOption('R2');
    await page.getByTestId('kappa-compute').click();
    await expect.poll(() => page.getByTestId('kappa-table').isVisible(), { timeout: 10_000 }).toBe(true);

    const expected: [string, string[], (i: number) => string, (i: number) => string, KappaWeights[]][] = [
      ['shape', SHAPES, shapeR1, shapeR2, ['unweighted']],
      ['grade', GRADES, gradeR1, gradeR2, ['unweighted', 'linear', 'quadratic']],
    ];
    for (const [name, levels, a, b, weights] of expected) {
      // A nominal variable has the unweighted kappa only.
      expect(await page.locator(`[data-testid^="kappa-${name}-"]`).count()).toBe(weights.length);
      for (const w of weights) {
        const core = kappaFromTable(table(levels, a, b), w, 0.95);
        const row = page.getByTestId(`kappa-${name}-${w}`);
        expect(Number(await row.getAttribute('data-n'))).toBe(lesions.length);
        expect(Math.abs(Number(await row.getAttribute('data-kappa')) - core.kappa)).toBeLessThan(1e-12);
        expect(Math.abs(Number(await row.getAttribute('data-lower')) - core.confInt[0])).toBeLessThan(1e-12);
        expect(Math.abs(Number(await row.getAttribute('data-upper')) - core.confInt[1])).toBeLessThan(1e-12);
        expect(await row.locator('td').nth(6).textContent()).toBe(core.kappa.toFixed(3));
      }
    }
    // Export CSV writes what the CLI writes: the API's kappa CSV for the same readers (exact text).
    await page.getByTestId('kappa-export').click();
    await expect.poll(() => page.getByTestId('kappa-export-path').isVisible(), { timeout: 10_000 }).toBe(true);
    const csvFile = (await page.getByTestId('kappa-export-path').getAttribute('data-path'))!;
    expect(path.basename(csvFile)).toBe('kappa-R1-R2.csv');
    const ref = await rpc<{ csv: string }>('agreement.categorical.export', { readers: ['R1', 'R2'] });
    expect(readFileSync(csvFile, 'utf8')).toBe(ref.csv);
    expect(ref.csv.split('\n').filter((l) => /^(shape|grade),/.test(l)).length).toBe(4);
    expect(d.browser.errors).toEqual([]);
  }, 60_000);

  it('lists the disagreements and records an adjudicator’s and a consensus decision (audited)', async () => {
    const { page } = d.browser;
    // Every mask pair of the demo differs a little: Dice < 0.999 puts them all in the queue.
    await page.getByTestId('adjudication-dice').fill('0.999');
    const api = await rpc<AdjudicationQueue>('adjudication.queue', { readers: ['R1', 'R2'], diceThreshold: 0.999 });
    await page.getByTestId('adjudication-load').click();
    await expect.poll(() => page.getByTestId('adjudication-table').isVisible(), { timeout: 20_000 }).toBe(true);
    const variableItems = api.items.filter((i) => i.kind === 'variable');
    // Lesions 1 and 4 (shape) and 2 (grade) disagree.
    expect(variableItems.map((i) => [i.lesionId, i.target]).sort()).toEqual(
      [
        [lesions[1]!.id, 'shape'],
        [lesions[4]!.id, 'shape'],
        [lesions[2]!.id, 'grade'],
      ].sort(),
    );
    expect(await page.getByTestId('adjudication-table').locator('tbody tr').count()).toBe(api.items.length);
    expect(await page.getByTestId('adjudication-open').textContent()).toBe(String(api.items.length));

    // The third reader settles the shape of lesion 1 on a consensus level.
    const shapeKey = `${lesions[1]!.id}-variable-shape`;
    await page.getByTestId('adjudication-by').selectOption('ADJ');
    await page.getByTestId('adjudication-note').fill('spiculated margin on DCE3');
    await page.getByTestId(`adjudication-choice-${shapeKey}`).selectOption('value:irregular');
    await page.getByTestId(`adjudication-record-${shapeKey}`).click();
    await expect
      .poll(() => page.getByTestId(`adjudication-${shapeKey}`).getByTestId('adjudication-decision').textContent(), {
        timeout: 10_000,
      })
      .toBe('consensus “irregular” (ADJ)');

    // The readers agree on R1's mask of the first mask item.
    const mask = api.items.find((i) => i.kind === 'mask');
    expect(mask).toBeDefined();
    const maskKey = `${mask!.lesionId}-mask-${mask!.target}`;
    await page.getByTestId('adjudication-by').selectOption('consensus');
    await page.getByTestId('adjudication-note').fill('');
    await page.getByTestId(`adjudication-choice-${maskKey}`).selectOption('reader:R1');
    await page.getByTestId(`adjudication-record-${maskKey}`).click();
    await expect
      .poll(() => page.getByTestId(`adjudication-${maskKey}`).getByTestId('adjudication-decision').textContent(), {
        timeout: 10_000,
      })
      .toBe("R1's mask (consensus)");

    const after = await rpc<AdjudicationQueue>('adjudication.queue', { readers: ['R1', 'R2'], diceThreshold: 0.999 });
    expect([after.open, after.decided]).toEqual([api.items.length - 2, 2]);
    expect(await page.getByTestId('adjudication-open').textContent()).toBe(String(after.open));
    const shape = after.items.find((i) => i.lesionId === lesions[1]!.id && i.target === 'shape')!;
    expect(shape.decision).toMatchObject({
      value: 'irregular',
      chosenReader: null,
      decidedBy: 'ADJ',
      note: 'spiculated margin on DCE3',
    });
    const audit = await rpc<AuditEntry[]>('audit.list', { entity: 'adjudication' });
    expect(
      audit
        .filter((a) => a.action === 'adjudication.decide')
        .map((a) => a.actor)
        .sort(),
    ).toEqual(['ADJ', 'consensus']);
    expect(d.browser.errors).toEqual([]);
  }, 60_000);

  it('imports and enters reader-study ratings and shows AUC, sensitivity, specificity and the DeLong change', async () => {
    const { page } = d.browser;
    const n = lesions.length;
    // All ratings from a CSV except R2's aided rating of the last lesion, entered in the form.
    const last = lesions[n - 1]!;
    const lines = ['reader,patient,lesion,session,score'];
    for (const [r, code] of ['R1', 'R2'].entries())
      for (const [i, l] of lesions.entries()) {
        const s = scores(r, i, n);
        lines.push(`${code},${l.patientCode},${l.lesionCode},unaided,${s.unaided}`);
        if (!(code === 'R2' && l === last)) lines.push(`${code},${l.patientCode},${l.lesionCode},aided,${s.aided}`);
      }
    const csv = path.join(d.dir, 'ratings.csv');
    writeFileSync(csv, lines.join('\n') + '\n');
    await page.getByTestId('rst-import-path').fill(csv);
    await page.getByTestId('rst-import').click();
    await expect
      .poll(() => page.getByTestId('rst-count-R1').getByTestId('rst-count-aided').textContent(), { timeout: 10_000 })
      .toBe(String(n));
    expect(await page.getByTestId('rst-count-R2').getByTestId('rst-count-aided').textContent()).toBe(String(n - 1));

    await page.getByTestId('rst-reader').selectOption('R2');
    await page.getByTestId('rst-lesion').selectOption({ label: `${last.patientCode}/${last.lesionCode}` });
    await page.getByTestId('rst-session').selectOption('aided');
    await page.getByTestId('rst-score').fill(String(scores(1, n - 1, n).aided));
    await page.getByTestId('rst-rate').click();
    await expect
      .poll(() => page.getByTestId('rst-count-R2').getByTestId('rst-count-aided').textContent(), { timeout: 10_000 })
      .toBe(String(n));

    await page.getByTestId('rst-outcome').selectOption('malignant');
    await page.getByTestId('rst-report').click();
    await expect.poll(() => page.getByTestId('rst-results').isVisible(), { timeout: 10_000 }).toBe(true);

    const y = lesions.map((_, i) => malignant(i, n));
    for (const [r, code] of ['R1', 'R2'].entries()) {
      const un = lesions.map((_, i) => scores(r, i, n).unaided);
      const ai = lesions.map((_, i) => scores(r, i, n).aided);
      const cu = roc(y, un, { direction: '<' });
      const ca = roc(y, ai, { direction: '<' });
      for (const [s, curve] of [
        ['unaided', cu],
        ['aided', ca],
      ] as const) {
        const ci = aucDelong(curve, 0.95);
        const m = metricsAtThreshold(curve, 50);
        const row = page.getByTestId(`rst-${code}-${s}`);
        expect(Math.abs(Number(await row.getAttribute('data-auc')) - ci.auc)).toBeLessThan(1e-12);
        expect(Math.abs(Number(await row.getAttribute('data-lower')) - ci.confInt[0])).toBeLessThan(1e-12);
        expect(Math.abs(Number(await row.getAttribute('data-upper')) - ci.confInt[1])).toBeLessThan(1e-12);
        expect(Math.abs(Number(await row.getAttribute('data-sensitivity')) - m.sensitivity.estimate)).toBeLessThan(1e-12);
        expect(Math.abs(Number(await row.getAttribute('data-specificity')) - m.specificity.estimate)).toBeLessThan(1e-12);
        expect(await row.locator('td').nth(3).textContent()).toBe(ci.auc.toFixed(3));
      }
      const t = delongPairedTest(ca, cu, { confLevel: 0.95 });
      const change = page.getByTestId(`rst-${code}-change`);
      expect(Math.abs(Number(await change.getAttribute('data-delta-auc')) - (t.auc[0] - t.auc[1]))).toBeLessThan(1e-12);
      expect(Math.abs(Number(await change.getAttribute('data-p')) - t.pValue)).toBeLessThan(1e-12);
      const dSens = metricsAtThreshold(ca, 50).sensitivity.estimate - metricsAtThreshold(cu, 50).sensitivity.estimate;
      expect(Math.abs(Number(await change.getAttribute('data-delta-sensitivity')) - dSens)).toBeLessThan(1e-12);
    }
    const api = await rpc<ReaderStudyReport>('readerStudy.report', { outcome: 'malignant', scale: 'probability' });
    expect(api.readers.map((r) => r.reader)).toEqual(['R1', 'R2']);
    expect(d.browser.errors).toEqual([]);
  }, 60_000);

  it('reader mode hides the other reader’s masks, outcome and pathology in the view and in the API', async () => {
    const { page } = d.browser;
    await page.getByTestId('reader-mode-reader').selectOption('R2');
    await page.getByTestId('reader-mode-enter').click();
    await expect
      .poll(() => page.getByTestId('reader-mode-hidden').textContent(), { timeout: 10_000 })
      .toBe("other readers' masks, outcome variables, pathology variables");
    // The coordinator's panels are gone, and the API refuses or filters what they showed.
    expect(await page.getByTestId('kappa-compute').count()).toBe(0);
    expect(await page.getByTestId('adjudication-load').count()).toBe(0);
    await expect.poll(() => page.getByTestId('rst-blinded').isVisible(), { timeout: 10_000 }).toBe(true);
    const segs = await rpc<{ reader: string }[]>('segmentation.list', {});
    expect(segs.length).toBeGreaterThan(0);
    expect(new Set(segs.map((x) => x.reader))).toEqual(new Set(['R2']));
    const r = await fetch(`http://127.0.0.1:${d.app.port}/api/rpc/agreement.masks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-radstudy-token': d.app.token },
      body: JSON.stringify({ readers: ['R1', 'R2'] }),
    });
    const body = (await r.json()) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('FORBIDDEN');
    const table = await rpc<{ columns: { key: string }[] }>('cohort.table', {});
    const keys = table.columns.map((c) => c.key);
    expect(keys).not.toContain('malignant');
    expect(keys).not.toContain('t_stage');
    expect(keys).toContain('shape_r2');
    // Only R2's own ratings are listed.
    // The reader-study panel refetches its report when reader mode starts; wait for that reply.
    await expect.poll(() => page.getByTestId('rst-count-R1').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('rst-count-R2').isVisible(), { timeout: 10_000 }).toBe(true);

    // The app-wide banner says the same on every view, and ends the session from any of them.
    const bannerText = "Reader mode: R2 — hidden: other readers' masks, outcome variables, pathology variables";
    expect(await page.getByTestId('app-reader-mode-text').textContent()).toBe(bannerText);
    await page.getByTestId('nav-cohort').click();
    await expect.poll(() => page.getByTestId('app-reader-mode-text').textContent(), { timeout: 10_000 }).toBe(bannerText);
    await page.reload();
    await expect.poll(() => page.getByTestId('app-reader-mode-text').textContent(), { timeout: 10_000 }).toBe(bannerText);
    await page.getByTestId('app-reader-mode-end').click();
    await expect.poll(() => page.getByTestId('app-reader-mode-banner').count(), { timeout: 10_000 }).toBe(0);
    expect((await rpc<{ reader: string | null }>('readers.mode.get', {})).reader).toBeNull();
    await page.getByTestId('nav-readers').click();
    await expect.poll(() => page.getByTestId('kappa-compute').isVisible(), { timeout: 10_000 }).toBe(true);
    const audit = await rpc<AuditEntry[]>('audit.list', { entity: 'reader' });
    expect(audit.filter((a) => a.action.startsWith('readerMode.')).map((a) => a.action)).toEqual([
      'readerMode.exit',
      'readerMode.enter',
    ]);
    expect(d.browser.errors).toEqual([]);
  }, 60_000);

  it('exports an assignment package as one .zip file from the exchange panel and opens it again', async () => {
    const { page } = d.browser;
    await rpc('readers.save', { code: 'R4', name: 'Zip Reader', role: 'reader' });
    await rpc('readers.assign', { reader: 'R4', lesionIds: [lesions[0]!.id, lesions[1]!.id], sequences: ['DCE3'] });
    await page.reload();
    await page.getByTestId('nav-readers').click();
    const zip = path.join(d.dir, 'package-R4.zip');
    await page.getByTestId('exchange-reader').selectOption('R4');
    await page.getByTestId('exchange-folder').fill(zip);
    await page.getByTestId('exchange-export').click();
    await expect.poll(() => page.getByTestId('exchange-exported').textContent(), { timeout: 20_000 }).toMatch(/2 assignments/);
    const entries = readZip(readFileSync(zip));
    expect(entries[0]!.path).toBe('manifest.json');
    const manifest = JSON.parse(Buffer.from(entries[0]!.data).toString('utf8')) as { files: unknown[]; hidden: string[] };
    expect(entries).toHaveLength(manifest.files.length + 1);
    expect(manifest.hidden).toEqual(['otherReadersMasks', 'outcome', 'pathology']);
    await page.getByTestId('exchange-package').fill(zip);
    await page.getByTestId('exchange-inspect').click();
    await expect.poll(() => page.getByTestId('exchange-items').locator('tbody tr').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('exchange-result-folder').inputValue()).toBe(path.join(d.dir, 'package-R4-result.zip'));
    expect(d.browser.errors).toEqual([]);
  }, 60_000);
});
