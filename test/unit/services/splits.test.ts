/**
 * Stored splits through the router (main/services/analysis/splits.ts, db/migrations/012) and the
 * `radstudy split` command: a split of an imported cohort is stored with its patient sets, folds
 * and balance table; bad input names the variable / value / center / split and changes nothing;
 * an analysis spec naming the stored split runs on exactly its sets. The split numbers themselves
 * are tested against exact counts in test/unit/ml/studySplit.test.ts; here the reference is
 * the same engine called directly (equality) and exact counting.
 */
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SplitDetail, SplitSummary } from '../../../main/api/contract.js';
import { registerSplitCommands, type SplitIo } from '../../../main/cli/split.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let studyFile: string;
const { call, fails, finished } = routerCalls(() => services, 60_000);

/** 90 patients in centers A (60) and B (30), every sixth with two lesions; pCR in one in three. */
function cohortCsv(): string {
  const rng = new Rng(12);
  const lines = ['patient,center,lesion,age,pcr'];
  for (let p = 0; p < 90; p++) {
    const age = Math.round(35 + 30 * rng.nextDouble());
    for (let l = 1; l <= (p % 6 === 0 ? 2 : 1); l++)
      lines.push(`S${String(p).padStart(2, '0')},${p < 60 ? 'A' : 'B'},L${l},${age},${p % 3 === 0 ? 'yes' : 'no'}`);
  }
  const file = path.join(t.dir, 'cohort.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const mapping = {
  columns: { patient: 'patient.code', center: 'center.code', lesion: 'lesion.code', age: 'var:age', pcr: 'var:pcr' },
  options: { decimalComma: false, dateOrder: 'DMY' },
};

function tableCounts(): Record<string, number> {
  const db = services.study.requireHandle().db;
  return Object.fromEntries(
    ['split', 'split_assignment', 'split_fold', 'split_balance', 'audit_log'].map((x) => [
      x,
      db.prepare(`SELECT count(*) FROM ${x}`).pluck().get() as number,
    ]),
  );
}

beforeEach(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  studyFile = path.join(t.dir, 's.radstudy');
  await call('study.create', { path: studyFile, name: 'Splits' });
  await call('cohort.import.commit', { path: cohortCsv(), mapping });
});
afterEach(async () => {
  await services.shutdown();
  t.cleanup();
});

const stratified = {
  name: 'main',
  method: 'stratified',
  outcome: { variable: 'pcr', positive: ['yes'] },
  testFraction: 0.3,
  seed: 7,
  folds: { method: 'kfold', k: 5, repeats: 2 },
};

describe('splits service', () => {
  it('creates a stratified split of whole patients with folds and a balance table; list, get, delete', async () => {
    const d = await call<SplitDetail>('splits.create', stratified);
    // 30 pCR patients → round(9) = 9 test; 60 others → 18 test.
    expect(d.split.counts.test).toMatchObject({ patients: 27, events: 9 });
    expect(d.split.counts.train).toMatchObject({ patients: 63, events: 21 });
    expect(d.split.counts.train.lesions + d.split.counts.test.lesions).toBe(105);
    expect(d.patients).toHaveLength(90);
    expect(d.split.folds).toEqual({ method: 'kfold', k: 5, repeats: 2 });
    for (const p of d.patients) expect(p.folds).toHaveLength(p.set === 'train' ? 2 : 0);
    expect(d.sets).toEqual(['Training', 'Test']);
    const outcome = d.balance.find((b) => b.variable === 'Outcome (event)' && b.level === 'yes')!;
    expect(outcome.cells).toEqual(['21 (33.3%)', '9 (33.3%)']);
    expect(outcome.test).toBe('chi-square');
    const age = d.balance.find((b) => b.variable === 'age')!;
    expect(['Welch t-test', 'Mann-Whitney U']).toContain(age.test);
    expect(age.pValue).toBeGreaterThan(0);
    expect(d.balance.some((b) => b.variable === 'Center')).toBe(true);
    const list = await call<SplitSummary[]>('splits.list');
    expect(list.map((s) => s.name)).toEqual(['main']);
    expect(await call<SplitDetail>('splits.get', { name: 'main' })).toEqual(d);
    expect(await call('splits.delete', { name: 'main' })).toEqual({ deleted: true });
    expect(await call<SplitSummary[]>('splits.list')).toEqual([]);
    expect(tableCounts()).toMatchObject({ split_assignment: 0, split_fold: 0, split_balance: 0 });
  });

  it('by center: every patient of B external; the same seed gives the same split', async () => {
    const a = await call<SplitDetail>('splits.create', { name: 'ext', method: 'center', external: ['B'], seed: 3 });
    expect(a.patients.every((p) => (p.set === 'external') === (p.center === 'B'))).toBe(true);
    expect(a.split.counts.external.patients).toBe(30);
    const r1 = await call<SplitDetail>('splits.create', { ...stratified, name: 'r1' });
    const r2 = await call<SplitDetail>('splits.create', { ...stratified, name: 'r2' });
    expect(r2.patients).toEqual(r1.patients);
  });

  it('bad input names what is wrong and changes nothing', async () => {
    await call('splits.create', stratified);
    const before = tableCounts();
    expect(await fails('splits.create', stratified)).toMatch(/VALIDATION A split named "main" already exists/);
    expect(
      await fails('splits.create', { ...stratified, name: 'x', outcome: { variable: 'response', positive: ['yes'] } }),
    ).toMatch(/VALIDATION The outcome variable "response" is not a variable of this study/);
    expect(await fails('splits.create', { ...stratified, name: 'x', outcome: { variable: 'pcr', positive: ['true'] } })).toMatch(
      /No patient has pcr = "true" \(values in the study: no, yes\)/,
    );
    expect(await fails('splits.create', { name: 'x', method: 'center', external: ['Z'] })).toMatch(
      /no rows come from center 'Z'/,
    );
    expect(await fails('splits.create', { name: 'x', method: 'random' })).toMatch(/a random split needs a test fraction/);
    expect(await fails('splits.get', { name: 'nope' })).toMatch(/NOT_FOUND There is no split named "nope" .*"main"/);
    expect(tableCounts()).toEqual(before);
  });

  it('an analysis spec naming the stored split runs on its sets and folds', async () => {
    const d = await call<SplitDetail>('splits.create', stratified);
    const rng = new Rng(3);
    const setOf = new Map(d.patients.map((p) => [p.patient, p.set]));
    const lines = ['patient,lesion,pcr,f1,f2'];
    const csv = await call<{ rows: string[][]; columns: { key: string }[] }>('cohort.table', {});
    const k = (key: string) => csv.columns.findIndex((c) => c.key === key);
    for (const r of csv.rows) {
      const y = r[k('pcr')] === 'yes' ? 1 : 0;
      lines.push(
        `${r[k('patient')]},${r[k('lesion')]},${r[k('pcr')]},${(y + rng.nextDouble()).toFixed(4)},${rng.nextDouble().toFixed(4)}`,
      );
    }
    const file = path.join(t.dir, 'features.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const spec = {
      version: 1.1,
      name: 'on stored split',
      columns: { patient: 'patient', id: 'lesion' },
      outcome: { column: 'pcr', positive: 'yes' },
      split: { method: 'stored', name: 'main' },
      models: [{ name: 'LR', kind: 'logistic' }],
    };
    expect(
      await fails('analysis.run', { spec: { ...spec, split: { method: 'stored', name: 'other' } }, dataFile: file }),
    ).toMatch(/NOT_FOUND There is no split named "other"/);
    const { jobId } = await call<{ jobId: number }>('analysis.run', { spec, dataFile: file });
    const job = await finished(jobId);
    expect(job.error).toBeNull();
    const { analysisId } = job.result as { analysisId: number };
    const got = await call<{
      result: { rows: { groups: string[] }; split: { role: string[] }; models: { folds: { repeat: number; fold: number }[] }[] };
    }>('analysis.get', { id: analysisId });
    const { groups } = got.result.rows;
    expect(got.result.split.role.every((role, i) => role === setOf.get(groups[i]!))).toBe(true);
    // The stored 5 folds × 2 repeats, not the spec's default 5 × 1.
    expect(got.result.models[0]!.folds).toHaveLength(10);
  });
});

describe('split by date', () => {
  it('patients diagnosed on or after the cut-off are the test set; a patient without a date is named', async () => {
    const lines = ['patient,center,diagnosis_date,pcr'];
    for (let p = 0; p < 40; p++)
      lines.push(`D${p},A,${p === 39 ? '' : `15/0${1 + (p % 9)}/${p < 25 ? 2019 : 2022}`},${p % 2 ? 'yes' : 'no'}`);
    const file = path.join(t.dir, 'dates.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    await call('cohort.import.commit', {
      path: file,
      mapping: {
        columns: { patient: 'patient.code', center: 'center.code', diagnosis_date: 'var:diagnosis_date', pcr: 'var:pcr' },
        options: { decimalComma: false, dateOrder: 'DMY' },
      },
    });
    const input = { name: 'temporal', method: 'date', dateVariable: 'diagnosis_date', cutoff: '2021-01-01' };
    expect(await fails('splits.create', { ...input, dateVariable: 'pcr' })).toMatch(/The variable "pcr" is not a date/);
    // D39 has no date (the first in the cohort's order), nor do the S patients of the first import.
    expect(await fails('splits.create', input)).toMatch(/VALIDATION split by date: patient 'D39' has no date/);
    // Excluded patients are not split: leave out D39, then S00 is named; leave out the S patients too.
    await call('cohort.exclude', { patientCode: 'D39', reasonCode: 'NO_DATE' });
    expect(await fails('splits.create', input)).toMatch(/patient 'S00' has no date/);
    for (let p = 0; p < 90; p++)
      await call('cohort.exclude', { patientCode: `S${String(p).padStart(2, '0')}`, reasonCode: 'NO_DATE' });
    expect(await fails('splits.create', { ...input, variables: ['age'] })).toMatch(
      /The balance variable "age" has no values in the patients to split/,
    );
    const d = await call<SplitDetail>('splits.create', input);
    expect(d.split.counts.train.patients).toBe(25);
    expect(d.split.counts.test.patients).toBe(14);
    expect(d.patients.every((p) => (p.set === 'test') === Number(p.patient.slice(1)) >= 25)).toBe(true);
    expect(d.split.seed).toBeNull();
  });
});

describe('radstudy split', () => {
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const r = { code: 0, out: '', err: '' };
    const io: SplitIo = {
      out: (s) => void (r.out += s),
      err: (s) => void (r.err += s),
      setExitCode: (c) => void (r.code = c),
      version: 'test',
    };
    const program = new Command().exitOverride();
    registerSplitCommands(program, io);
    await program.parseAsync(['split', ...args], { from: 'user' });
    return r;
  }

  it('create and show a stratified 7:3 split; errors exit non-zero with the message', async () => {
    await services.shutdown();
    const made = await cli(
      'create',
      '--study',
      studyFile,
      '--name',
      'N',
      '--method',
      'stratified',
      '--test',
      '0.3',
      '--seed',
      '1',
      '--outcome',
      'pcr',
      '--positive',
      'yes',
      '--folds',
      '5',
    );
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/Split "N": stratified, seed 1/);
    expect(made.out).toMatch(/Training\s+63\s+\d+\s+21\s+33\.3%/);
    expect(made.out).toMatch(/Test\s+27\s+\d+\s+9\s+33\.3%/);
    expect(made.out).toMatch(/Folds: 5-fold on the training patients/);
    const shown = await cli('show', '--study', studyFile, '--name', 'N');
    expect(shown.out).toBe(made.out);
    expect((await cli('show', '--study', studyFile)).out).toMatch(/^N\tstratified\ttrain 63, test 27, external 0 patients/);
    // The issue's command without --outcome: the study's one boolean outcome with data (pcr) is used.
    const short = await cli(
      'create',
      '--study',
      studyFile,
      '--name',
      'S',
      '--method',
      'stratified',
      '--test',
      '0.3',
      '--seed',
      '1',
    );
    expect(short.code).toBe(0);
    expect(short.out.split('\n').slice(1, 4)).toEqual(made.out.split('\n').slice(1, 4));
    const bad = await cli('create', '--study', studyFile, '--name', 'M', '--method', 'center', '--external', 'Z');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/radstudy split: split by center: no rows come from center 'Z'/);
    expect((await cli('show', '--study', studyFile, '--name', 'M')).err).toMatch(/There is no split named "M"/);
    services = createServices({ mode: 'test', configDir: t.dir });
  });
});
