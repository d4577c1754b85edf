/**
 * Readers, assignments, progress, blinding and the agreement service (services/readers) on a
 * synthetic study (seed.ts). References:
 * - ICC: psych 2.2.9 ICC() on the two-rater fixture test/fixtures/r/agreement.json
 *   ("two_raters_bias", 50 subjects), relative error ≤ 1e-9 — the study's R1/R2 values of one
 *   feature are exactly those ratings; every other number must equal the statistics core's
 *   icc() / segmentationAgreement() / blandAltman() on the same inputs (tolerance 1e-12).
 * - Mask agreement: boxes of known size, Dice = 2|A∩B| / (|A|+|B|) worked by hand.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Assignment,
  Blinding,
  FeatureAgreement,
  MaskAgreement,
  ReaderList,
  ReaderProgress,
  SubsetResult,
} from '../../../main/api/contract.js';
import { blandAltman } from '../../../main/compute/stats/agreement/blandAltman.js';
import { icc } from '../../../main/compute/stats/agreement/icc.js';
import { segmentationAgreement } from '../../../main/compute/stats/agreement/segmentation.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';
import { loadFixture, relErr } from '../stats/fixtures.js';
import { addExtraction, addFeatureRow, addSegmentation, boxMask, GRID, seedCohort, type SeededLesion } from './seed.js';

interface IccFixture {
  icc: { name: string; ratings: number[][]; psych: Record<string, { icc: number; lower: number; upper: number }> }[];
}
const two = loadFixture<IccFixture>('agreement.json').icc.find((f) => f.name === 'two_raters_bias')!;

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

/** R1: a 6×6×3 box per lesion; R2: the same box grown by `grow` voxels in x on lesions i % 3 != 0. */
const boxA = (): [number, number, number, number, number, number] => [4, 9, 4, 9, 1, 3];
const boxB = (i: number): [number, number, number, number, number, number] => [4, 9 + (i % 3), 4, 9, 1, 3];

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'readers.radstudy'), name: 'Readers' });
  const db = services.study.requireHandle().db;
  // 50 lesions over three centers: 30 / 15 / 5 (the fixture has 50 subjects).
  lesions = seedCohort(db, { A: 30, B: 15, C: 5 });
  extractionId = addExtraction(db, 'two readers', ['original_firstorder_Mean', 'original_shape_VoxelNum', 'constant']);
  lesions.forEach((l, i) => {
    const a = addSegmentation(db, l, 'R1', boxMask(boxA()));
    const b = addSegmentation(db, l, 'R2', boxMask(boxB(i)));
    const [r1, r2] = two.ratings[i]!;
    addFeatureRow(db, extractionId, a, [r1!, 108 + i, 5]);
    addFeatureRow(db, extractionId, b, [r2!, 108 + i + 18 * (i % 3) + (i % 7), 5]);
  });
}, 60_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('readers and assignments', () => {
  it('registers readers and lists codes used by segmentations that are not registered', async () => {
    await call('readers.save', { code: 'R1', name: 'Dr. First', role: 'reader' });
    await call('readers.save', { code: 'R2', name: 'Dr. Second', role: 'reader' });
    await call('readers.save', { code: 'C', name: 'Coordinator', role: 'coordinator' });
    const list = await call<ReaderList>('readers.list');
    expect(list.readers.map((r) => [r.code, r.segmentations])).toEqual([
      ['C', 0],
      ['R1', 50],
      ['R2', 50],
    ]);
    expect(list.unregistered).toEqual([]);
    expect(await fails('readers.save', { code: 'bad code', name: 'x', role: 'reader' })).toMatch(/VALIDATION/);
    expect(await fails('readers.assignSubset', { reader: 'R9', sequences: ['T2FS'], count: 3, seed: 1 })).toMatch(
      /no reader "R9"/,
    );
  });

  it('assigns a seeded subset stratified by center: proportions per center, same seed same subset', async () => {
    const r = await call<SubsetResult>('readers.assignSubset', { reader: 'R2', sequences: ['T2FS'], fraction: 0.3, seed: 11 });
    // 0.3 · 50 = 15; exact shares 9 / 4.5 / 1.5 → floors 9 / 4 / 1, the one left to the larger of the
    // tied remainders (B, 15 lesions): 9 / 5 / 1.
    expect(r.selected).toBe(15);
    expect(r.perCenter).toEqual([
      { center: 'A', eligible: 30, selected: 9 },
      { center: 'B', eligible: 15, selected: 5 },
      { center: 'C', eligible: 5, selected: 1 },
    ]);
    expect(r.created).toBe(15);
    // The same seed again: the same lesions, nothing new.
    const again = await call<SubsetResult>('readers.assignSubset', {
      reader: 'R2',
      sequences: ['T2FS'],
      fraction: 0.3,
      seed: 11,
    });
    expect(again.lesions.map((l) => l.lesionId).sort()).toEqual(r.lesions.map((l) => l.lesionId).sort());
    expect(again.created).toBe(0);
    expect(again.alreadyAssigned).toBe(15);
    // Bad input changes nothing.
    expect(await fails('readers.assignSubset', { reader: 'R2', sequences: ['T2FS'], count: 51, seed: 1 })).toMatch(
      /only 50 are eligible/,
    );
    expect(
      await fails('readers.assignSubset', { reader: 'R2', sequences: ['DCE3'], count: 2, seed: 1, fromReader: 'R1' }),
    ).toMatch(/No lesion has a segmentation by R1 on DCE3/);
    expect((await call<Assignment[]>('readers.assignments', { reader: 'R2' })).length).toBe(15);
  });

  it('reports progress per reader: assigned / segmented / done', async () => {
    const db = services.study.requireHandle().db;
    // A lesion R1 has not segmented yet: add a patient without masks and assign it to R1.
    const extra = seedCohort(db, { D: 1 }, 'Q')[0]!;
    await call('readers.assign', { reader: 'R1', lesionIds: [lesions[0]!.lesionId, extra.lesionId], sequences: ['T2FS'] });
    const own = await call<Assignment[]>('readers.assignments', { reader: 'R1' });
    expect(own.map((a) => a.status).sort()).toEqual(['assigned', 'segmented']);
    const open = own.find((a) => a.status === 'assigned')!;
    expect(await fails('readers.assignment.setStatus', { id: open.id, status: 'done' })).toMatch(/cannot be marked done/);
    const seg = own.find((a) => a.status === 'segmented')!;
    expect((await call<Assignment>('readers.assignment.setStatus', { id: seg.id, status: 'done' })).status).toBe('done');
    const p = await call<ReaderProgress[]>('readers.progress');
    expect(p.find((r) => r.code === 'R1')).toMatchObject({ assigned: 2, segmented: 1, done: 1 });
    // Every R2 assignment is on a lesion R2 segmented.
    expect(p.find((r) => r.code === 'R2')).toMatchObject({ assigned: 15, segmented: 15, done: 0 });
    expect(p.find((r) => r.code === 'C')).toMatchObject({ assigned: 0, segmented: 0, done: 0 });
  });

  it('records blinding settings with who and when in the audit log', async () => {
    const before = await call<Blinding>('readers.blinding.get');
    expect(before.items.every((i) => i.hidden && i.updatedBy === null)).toBe(true);
    const after = await call<Blinding>('readers.blinding.set', { items: { outcome: false }, by: 'Coordinator' });
    expect(after.items.find((i) => i.item === 'outcome')).toMatchObject({ hidden: false, updatedBy: 'Coordinator' });
    expect(after.items.find((i) => i.item === 'pathology')!.hidden).toBe(true);
    const audit = await call<{ action: string; actor: string }[]>('audit.list', { limit: 20 });
    expect(audit.some((a) => a.action === 'blinding.set' && a.actor === 'Coordinator')).toBe(true);
  });
});

describe('agreement service', () => {
  it('gives the ICC of psych::ICC for a feature whose readers’ values are the R fixture', async () => {
    for (const form of ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'] as const) {
      const a = await call<FeatureAgreement>('agreement.features', { extractionId, readers: ['R1', 'R2'], form });
      const f = a.features.find((x) => x.column === 'T2FS_original_firstorder_Mean')!;
      const ref = two.psych[form]!;
      expect(f.n).toBe(50);
      expect(relErr(f.icc!, ref.icc)).toBeLessThan(1e-9);
      expect(relErr(f.lower!, ref.lower)).toBeLessThan(1e-9);
      expect(relErr(f.upper!, ref.upper)).toBeLessThan(1e-9);
    }
  });

  it('matches the statistics core for every feature and counts the kept ones per sequence', async () => {
    const a = await call<FeatureAgreement>('agreement.features', {
      extractionId,
      readers: ['R1', 'R2'],
      form: 'ICC3',
      threshold: 0.75,
    });
    const volume = a.features.find((x) => x.feature === 'original_shape_VoxelNum')!;
    const ratings = lesions.map((_, i) => [108 + i, 108 + i + 18 * (i % 3) + (i % 7)]);
    const ref = icc(ratings).forms.ICC3;
    expect(Math.abs(volume.icc! - ref.icc)).toBeLessThan(1e-12);
    expect(Math.abs(volume.lower! - ref.confInt[0])).toBeLessThan(1e-12);
    const constant = a.features.find((x) => x.feature === 'constant')!;
    expect(constant.icc).toBeNull();
    expect(constant.kept).toBe(false);
    expect(constant.note).toMatch(/do not vary/);
    const kept = a.features.filter((f) => f.kept).length;
    expect(a.perSequence).toEqual([{ sequence: 'T2FS', lesions: 50, features: 3, kept }]);
    expect(kept).toBe([two.psych.ICC3!.icc, ref.icc].filter((v) => v >= 0.75).length);
    expect(await fails('agreement.features', { extractionId, readers: ['R1', 'R3'] })).toMatch(
      /no lesion with features from both R1 and R3/,
    );
    expect(await fails('agreement.features', { extractionId, readers: ['R1', 'R1'] })).toMatch(/two different readers/);
  });

  it('gives per-lesion Dice, Jaccard, HD95 and volume difference equal to the core on the full grid', async () => {
    const m = await call<MaskAgreement>('agreement.masks', { readers: ['R1', 'R2'] });
    expect(m.rows).toHaveLength(50);
    m.rows.forEach((r) => {
      const i = lesions.findIndex((l) => l.lesionId === r.lesionId);
      const ref = segmentationAgreement(
        { data: boxMask(boxA()), dims: GRID.size, spacing: GRID.spacingMm },
        { data: boxMask(boxB(i)), dims: GRID.size, spacing: GRID.spacingMm },
      );
      expect(Math.abs(r.dice - ref.dice)).toBeLessThan(1e-12);
      expect(Math.abs(r.jaccard - ref.jaccard)).toBeLessThan(1e-12);
      expect(Math.abs(r.hd95Mm! - ref.hausdorff95)).toBeLessThan(1e-12);
      expect(Math.abs(r.meanSurfaceDistanceMm! - ref.meanSurfaceDistance)).toBeLessThan(1e-12);
      // By hand: |A| = 6·6·3 = 108 voxels, |B| = (6 + g)·6·3, A ⊂ B: Dice = 2·108 / (216 + 18g).
      const g = i % 3;
      expect(Math.abs(r.dice - 216 / (216 + 18 * g))).toBeLessThan(1e-12);
      expect(Math.abs(r.volumeDifferenceMm3 - 18 * g * 0.8 * 0.8 * 2)).toBeLessThan(1e-9);
    });
    const ba = blandAltman(
      m.rows.map((r) => r.volumeBMm3),
      m.rows.map((r) => r.volumeAMm3),
    );
    expect(m.blandAltman).toHaveLength(1);
    expect(Math.abs(m.blandAltman[0]!.biasMm3 - ba.bias)).toBeLessThan(1e-12);
    expect(Math.abs(m.blandAltman[0]!.upperLimitMm3 - ba.upperLimit)).toBeLessThan(1e-12);
  });

  it('exports the ICC table as CSV', async () => {
    const file = path.join(t.dir, 'icc.csv');
    const r = await call<{ rows: number }>('agreement.export', {
      kind: 'features',
      path: file,
      features: { extractionId, readers: ['R1', 'R2'] },
    });
    expect(r.rows).toBe(3);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^column,sequence,feature,n,ICC2,lower,upper/);
    expect(lines[1]).toContain(
      `T2FS_original_firstorder_Mean,T2FS,original_firstorder_Mean,50,${two.psych.ICC2!.icc}`.slice(0, 70),
    );
    expect(
      await fails('agreement.export', {
        kind: 'features',
        path: path.join(t.dir, 'x.txt'),
        features: { extractionId, readers: ['R1', 'R2'] },
      }),
    ).toMatch(/\.csv/);
  });
});
