/**
 * Kappa for dual-read categorical variables, the adjudication queue and decisions, and the reader
 * study (services/readers/{categorical,adjudication,readerStudy}.ts) on a synthetic study.
 * References:
 * - Kappa: psych 2.2.9 cohen.kappa() on the 3-level, 80-subject fixture of
 *   test/fixtures/r/agreement.json (kappa[0]): kappa and weighted kappas to 1e-12 relative, the
 *   Fleiss–Cohen–Everitt variance to 1e-9 relative; the CI must equal the statistics core's
 *   kappaFromTable() on the same table (1e-12). Percent agreement (31 + 22 + 10) / 80 by hand.
 * - Masks: boxes 6 voxels wide in x; shifted by 3 voxels they overlap in 3, Dice = 2·3/12 = 0.5.
 * - Reader study: 6 lesions worked by hand (AUC = concordant pairs / 9), and the statistics core's
 *   aucDelong() / delongPairedTest() on the same vectors for the CI and the paired test (1e-12).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { kappaCsv } from '../../../main/cli/readers.js';
import { formatCsv } from '../../../main/compute/radiomics/batchCsv.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdjudicationQueue, CategoricalAgreement, FeatureTable, ReaderStudyReport } from '../../../main/api/contract.js';
import { kappaFromTable } from '../../../main/compute/stats/agreement/kappa.js';
import { roc } from '../../../main/compute/stats/roc/curve.js';
import { aucDelong, delongPairedTest } from '../../../main/compute/stats/roc/delong.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';
import { loadFixture, relErr } from '../stats/fixtures.js';
import { addExtraction, addFeatureRow, addSegmentation, boxMask, seedCohort, type SeededLesion } from './seed.js';

interface KappaFixture {
  kappa: {
    rater1: number[];
    rater2: number[];
    table: number[][];
    psych_kappa: number;
    psych_wkappa_linear: number;
    psych_wkappa_quadratic: number;
    fce: Record<'unweighted' | 'linear' | 'quadratic', { kappa: number; var: number }>;
  }[];
}
const fx = loadFixture<KappaFixture>('agreement.json').kappa[0]!;

let t: ReturnType<typeof tmpDir>;
let services: Services;
let lesions: SeededLesion[];
let extractionId = 0;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}
async function fails(method: string, input: unknown): Promise<string> {
  const r = await services.router.call(method, input);
  if (r.ok) throw new Error(`${method} succeeded`);
  return `${r.error.code} ${r.error.message}`;
}

const levels = JSON.stringify(['1', '2', '3'].map((c) => ({ code: c, label: c })));
const shapes = ['oval', 'round', 'irregular'];

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'adjudication.radstudy'), name: 'Adjudication' });
  const db = services.study.requireHandle().db;
  // 81 lesions: the fixture's 80 subjects, and one whose R2 read is a missing code.
  lesions = seedCohort(db, { A: 50, B: 31 });
  const addVar = (name: string, type: string, lv: string | null, scope = 'lesion') =>
    Number(
      db
        .prepare(`INSERT INTO variable(name, label, type, levels, role, scope) VALUES (?, ?, ?, ?, 'predictor', ?)`)
        .run(name, name, type, lv, scope).lastInsertRowid,
    );
  const b1 = addVar('tic_r1', 'ordinal', levels);
  const b2 = addVar('tic_r2', 'ordinal', levels);
  const s1 = addVar('shape_r1', 'categorical', JSON.stringify(shapes.map((c) => ({ code: c, label: c }))));
  const s2 = addVar('shape_r2', 'categorical', JSON.stringify(shapes.map((c) => ({ code: c, label: c }))));
  const mal = addVar('malignant', 'boolean', null);
  const put = db.prepare('INSERT INTO lesion_value(lesion_id, variable_id, num, txt, missing_code) VALUES (?, ?, ?, ?, ?)');
  fx.rater1.forEach((r, i) => {
    put.run(lesions[i]!.lesionId, b1, null, String(r), null);
    put.run(lesions[i]!.lesionId, b2, null, String(fx.rater2[i]), null);
    put.run(lesions[i]!.lesionId, s1, null, shapes[r - 1], null);
    put.run(lesions[i]!.lesionId, s2, null, shapes[fx.rater2[i]! - 1], null);
  });
  put.run(lesions[80]!.lesionId, b1, null, '2', null);
  put.run(lesions[80]!.lesionId, b2, null, null, 'NA');
  // Reader study outcome of the first six lesions: cases, cases, cases, controls ×3.
  [1, 1, 1, 0, 0, 0].forEach((y, i) => put.run(lesions[i]!.lesionId, mal, y, null, null));
  // Masks of the first three lesions: R2 shifted by 3 voxels on lesion 0 (Dice 0.5), equal elsewhere.
  extractionId = addExtraction(db, 'ex', ['f']);
  for (let i = 0; i < 3; i++) {
    const a = addSegmentation(db, lesions[i]!, 'R1', boxMask([4, 9, 4, 9, 1, 3]));
    const b = addSegmentation(db, lesions[i]!, 'R2', boxMask(i === 0 ? [7, 12, 4, 9, 1, 3] : [4, 9, 4, 9, 1, 3]));
    addFeatureRow(db, extractionId, a, [10 + i]);
    addFeatureRow(db, extractionId, b, [20 + i]);
  }
  await call('readers.save', { code: 'R1', name: 'Dr. First', role: 'reader' });
  await call('readers.save', { code: 'R2', name: 'Dr. Second', role: 'reader' });
  await call('readers.save', { code: 'ADJ', name: 'Dr. Third', role: 'adjudicator' });
}, 60_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('kappa for categorical dual reads', () => {
  it('matches psych::cohen.kappa per weighting, with percent agreement and the Landis–Koch band', async () => {
    const a = await call<CategoricalAgreement>('agreement.categorical', { readers: ['R1', 'R2'] });
    // Dictionary order (position, then name).
    expect(a.variables.map((v) => [v.variable, v.type])).toEqual([
      ['shape', 'categorical'],
      ['tic', 'ordinal'],
    ]);
    const tic = a.variables[1]!;
    expect([tic.n, tic.nMissing]).toEqual([80, 1]);
    expect(tic.percentAgreement).toBeCloseTo(63 / 80, 12);
    const psych = { unweighted: fx.psych_kappa, linear: fx.psych_wkappa_linear, quadratic: fx.psych_wkappa_quadratic };
    for (const k of tic.kappas) {
      expect(relErr(k.kappa, psych[k.weights])).toBeLessThan(1e-12);
      expect(relErr(k.se ** 2, fx.fce[k.weights].var)).toBeLessThan(1e-9);
      const core = kappaFromTable(fx.table, k.weights, 0.95);
      expect(k.lower).toBeCloseTo(core.confInt[0], 12);
      expect(k.upper).toBeCloseTo(core.confInt[1], 12);
      expect(k.band).toBe('substantial'); // 0.62–0.66 lie in (0.60, 0.80]
    }
    expect(tic.kappas.map((k) => k.weights)).toEqual(['unweighted', 'linear', 'quadratic']);
    // Nominal: unweighted only, same table.
    const shape = a.variables[0]!;
    expect(shape.kappas.map((k) => k.weights)).toEqual(['unweighted']);
    expect(relErr(shape.kappas[0]!.kappa, fx.psych_kappa)).toBeLessThan(1e-12);
  });

  it('exports the kappa table as the CLI writes it: to a .csv path, or as text; a bad path writes nothing', async () => {
    // Reference: kappaCsv() of the CLI (main/cli/readers.ts) on agreement.categorical's own result (exact text).
    const a = await call<CategoricalAgreement>('agreement.categorical', { readers: ['R1', 'R2'] });
    const expected = formatCsv(kappaCsv(a));
    const text = await call<{ path: string | null; rows: number; csv: string }>('agreement.categorical.export', {
      readers: ['R1', 'R2'],
    });
    expect(text).toEqual({ path: null, rows: 4, csv: expected }); // shape × 1 weighting + tic × 3
    const file = path.join(t.dir, 'out', 'kappa.csv');
    const written = await call<{ path: string; rows: number }>('agreement.categorical.export', {
      readers: ['R1', 'R2'],
      path: file,
    });
    expect(written.path).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(expected);
    expect(expected.split('\n')[0]).toBe('variable,type,n,n_missing,percent_agreement,weights,kappa,se,lower,upper,band,note');
    const bad = path.join(t.dir, 'bad', 'kappa.xlsx');
    expect(await fails('agreement.categorical.export', { readers: ['R1', 'R2'], path: bad })).toMatch(
      /VALIDATION The kappa table is written as a \.csv file \(got kappa\.xlsx\)/,
    );
    expect(existsSync(path.dirname(bad))).toBe(false);
    expect(await fails('agreement.categorical.export', { readers: ['R1', 'ADJ'], path: bad })).toMatch(/<variable>_adj/);
  });

  it('names the missing variables when no dual read exists', async () => {
    expect(await fails('agreement.categorical', { readers: ['R1', 'ADJ'] })).toMatch(/<variable>_r1 and <variable>_adj/);
  });
});

describe('adjudication', () => {
  it('queues the low-Dice mask and the differing categorical reads', async () => {
    const q = await call<AdjudicationQueue>('adjudication.queue', { readers: ['R1', 'R2'] });
    const masks = q.items.filter((i) => i.kind === 'mask');
    expect(masks.map((m) => [m.patientCode, m.target, m.dice])).toEqual([[lesions[0]!.patientCode, 'T2FS', 0.5]]);
    // Off-diagonal cells of the fixture table: 80 − 63 = 17 per variable.
    expect(q.items.filter((i) => i.kind === 'variable' && i.target === 'tic')).toHaveLength(17);
    expect(q.items.filter((i) => i.kind === 'variable' && i.target === 'shape')).toHaveLength(17);
    expect(q.open).toBe(35);
    // At 0.4 the mask is no longer queued (0.5 ≥ 0.4).
    const q2 = await call<AdjudicationQueue>('adjudication.queue', { readers: ['R1', 'R2'], diceThreshold: 0.4 });
    expect(q2.items.filter((i) => i.kind === 'mask')).toHaveLength(0);
  });

  it('refuses bad decisions without storing anything, stores and audits good ones', async () => {
    const db = services.study.requireHandle().db;
    const l0 = lesions[0]!.lesionId;
    const base = { lesionId: l0, readers: ['R1', 'R2'] };
    expect(await fails('adjudication.decide', { ...base, kind: 'mask', target: 'T2FS', chosenReader: 'R2', by: 'R1' })).toMatch(
      /role reader; only an adjudicator/,
    );
    expect(await fails('adjudication.decide', { ...base, kind: 'mask', target: 'T2FS', chosenReader: 'R9', by: 'ADJ' })).toMatch(
      /"R9" has no segmentation/,
    );
    const diff = (await call<AdjudicationQueue>('adjudication.queue', { readers: ['R1', 'R2'] })).items.find(
      (i) => i.kind === 'variable' && i.target === 'tic',
    )!;
    expect(
      await fails('adjudication.decide', {
        lesionId: diff.lesionId,
        readers: ['R1', 'R2'],
        kind: 'variable',
        target: 'tic',
        value: '4',
        by: 'consensus',
      }),
    ).toMatch(/"4" is not a level of tic \(levels: 1, 2, 3\)/);
    expect((db.prepare('SELECT count(*) AS n FROM adjudication').get() as { n: number }).n).toBe(0);

    const d = await call<{ chosenReader: string }>('adjudication.decide', {
      ...base,
      kind: 'mask',
      target: 'T2FS',
      chosenReader: 'R2',
      by: 'ADJ',
      note: 'R1 missed the lateral part',
    });
    expect(d.chosenReader).toBe('R2');
    await call('adjudication.decide', {
      lesionId: diff.lesionId,
      readers: ['R1', 'R2'],
      kind: 'variable',
      target: 'tic',
      value: '2',
      by: 'consensus',
    });
    const q = await call<AdjudicationQueue>('adjudication.queue', { readers: ['R1', 'R2'] });
    expect([q.decided, q.open]).toEqual([2, 33]);
    expect(q.items.find((i) => i.kind === 'mask')!.decision).toMatchObject({ chosenReader: 'R2', decidedBy: 'ADJ' });
    const audit = db.prepare("SELECT actor, entity_id FROM audit_log WHERE action = 'adjudication.decide' ORDER BY id").all();
    expect(audit).toEqual([
      { actor: 'ADJ', entity_id: `${l0}:mask:T2FS` },
      { actor: 'consensus', entity_id: `${diff.lesionId}:variable:tic` },
    ]);
  });

  it("feeds the adjudicated masks to modeling: R2's features on the adjudicated lesion, R1's elsewhere", async () => {
    const tab = await call<FeatureTable>('extraction.table', { id: extractionId, reader: 'adjudicated' });
    expect(tab.rows.map((r) => [r.reader, r.values[0]])).toEqual([
      ['adjudicated', 20],
      ['adjudicated', 11],
      ['adjudicated', 12],
    ]);
  });
});

describe('reader study', () => {
  // Outcome 1,1,1,0,0,0. Unaided: cases 80,40,60 vs controls 50,20,30 → 8 of 9 pairs concordant.
  const unaided = [80, 40, 60, 50, 20, 30];
  const aided = [90, 70, 80, 30, 10, 20];

  it('refuses aided before unaided and off-scale ratings, then stores ratings', async () => {
    const id = lesions[0]!.lesionId;
    expect(
      await fails('readerStudy.rate', { reader: 'R1', lesionId: id, session: 'aided', scale: 'probability', score: 50 }),
    ).toMatch(/must rate lesion #\d+ unaided before/);
    expect(
      await fails('readerStudy.rate', { reader: 'R1', lesionId: id, session: 'unaided', scale: 'likert5', score: 6 }),
    ).toMatch(/off the 5-point scale/);
    for (let i = 0; i < 6; i++) {
      await call('readerStudy.rate', {
        reader: 'R1',
        lesionId: lesions[i]!.lesionId,
        session: 'unaided',
        scale: 'probability',
        score: unaided[i],
      });
      await call('readerStudy.rate', {
        reader: 'R1',
        lesionId: lesions[i]!.lesionId,
        session: 'aided',
        scale: 'probability',
        score: aided[i],
      });
    }
    expect(await call<unknown[]>('readerStudy.ratings', { reader: 'R1' })).toHaveLength(12);
  });

  it('reports AUC with DeLong CI, sensitivity/specificity at 50 and the paired change', async () => {
    const r = await call<ReaderStudyReport>('readerStudy.report', { outcome: 'malignant', scale: 'probability' });
    const r1 = r.readers[0]!;
    expect(r.threshold).toBe(50);
    expect(r1.unaided!.auc).toBeCloseTo(8 / 9, 12);
    expect(r1.aided!.auc).toBe(1);
    // Unaided at ≥ 50: cases 80, 60 positive (2/3); controls 20, 30 negative, 50 positive (2/3).
    expect([r1.unaided!.sensitivity, r1.unaided!.specificity]).toEqual([2 / 3, 2 / 3]);
    expect([r1.aided!.sensitivity, r1.aided!.specificity]).toEqual([1, 1]);
    const y = [1, 1, 1, 0, 0, 0];
    const cu = roc(y, unaided, { direction: '<' });
    const ca = roc(y, aided, { direction: '<' });
    const ci = aucDelong(cu);
    expect(r1.unaided!.aucLower).toBeCloseTo(ci.confInt[0], 12);
    expect(r1.unaided!.aucUpper).toBeCloseTo(ci.confInt[1], 12);
    const test = delongPairedTest(ca, cu);
    expect(r1.change!.deltaAuc).toBeCloseTo(1 / 9, 12);
    expect(r1.change!.z).toBeCloseTo(test.statistic, 12);
    expect(r1.change!.p).toBeCloseTo(test.pValue, 12);
    expect(r1.change!.deltaSensitivity).toBeCloseTo(1 / 3, 12);
    expect(await fails('readerStudy.report', { outcome: 'tic_r1', scale: 'probability' })).toMatch(/which level of "tic_r1"/);
  });
});
