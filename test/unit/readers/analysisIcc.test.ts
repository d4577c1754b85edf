/**
 * The pipeline's ICC filter fed from the study (spec step `icc` naming a stored extraction and a
 * reader pair): the analysis must keep exactly the features the agreement service reports as kept
 * (same ICCs, same ≥ rule), and `reader.keep` must make only that reader's rows the cases.
 * Reference: agreement.features on the same extraction (itself checked against psych::ICC in
 * service.test.ts); set equality, no tolerance.
 */
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureAgreement, Job } from '../../../main/api/contract.js';
import { registerAnalyzeCommand } from '../../../main/cli/analyze.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir, waitFor } from '../../helpers/tmp.js';
import { addExtraction, addFeatureRow, addSegmentation, boxMask, seedCohort } from './seed.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let dataFile = '';
const NAMES = Array.from({ length: 8 }, (_, j) => `original_firstorder_F${j}`);

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}
async function finished(id: number): Promise<Job> {
  let job: Job | null = null;
  const ok = await waitFor(async () => {
    job = await call<Job>('jobs.get', { id });
    return ['succeeded', 'failed', 'cancelled'].includes(job.status);
  }, 120_000);
  if (!ok) throw new Error(`job ${id} stayed ${job!.status}`);
  return job!;
}

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'icc.radstudy'), name: 'ICC step' });
  const db = services.study.requireHandle().db;
  const lesions = seedCohort(db, { A: 40, B: 20 });
  const ex = addExtraction(db, 'dual reader', NAMES);
  // The outcome as a lesion variable of the cohort too, for `radstudy analyze --study`.
  const variableId = Number(
    db
      .prepare(
        `INSERT INTO variable(name, label, type, levels, role, scope) VALUES ('her2_test', 'HER2 (test)', 'categorical', '[{"code":"low","label":"low"},{"code":"zero","label":"zero"}]', 'outcome', 'lesion')`,
      )
      .run().lastInsertRowid,
  );
  const putOutcome = db.prepare('INSERT INTO lesion_value(lesion_id, variable_id, txt) VALUES (?, ?, ?)');
  const rng = new Rng(5);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  const header = ['patient', 'lesion', 'reader', 'her2', ...NAMES.map((n) => `T2FS_${n}`)];
  const lines = [header.join(',')];
  const mask = boxMask([4, 9, 4, 9, 1, 3]);
  for (const l of lesions) {
    const truth = NAMES.map(() => normal());
    // Reader noise grows with the feature index: ICC from ≈ 0.99 (F0) down to ≈ 0.2 (F7).
    const r1 = truth.map((v, j) => v + 0.1 * (j + 1) * normal());
    const r2 = truth.map((v, j) => v + 0.1 * (j + 1) * normal() + (j === 7 ? 0.5 : 0));
    const her2 = rng.nextDouble() < 1 / (1 + Math.exp(-1.5 * truth[0]!)) ? 'low' : 'zero';
    putOutcome.run(l.lesionId, variableId, her2);
    addFeatureRow(db, ex, addSegmentation(db, l, 'R1', mask), r1);
    addFeatureRow(db, ex, addSegmentation(db, l, 'R2', mask), r2);
    lines.push([l.patientCode, 'L1', 'R1', her2, ...r1.map(String)].join(','));
    lines.push([l.patientCode, 'L1', 'R2', her2, ...r2.map(String)].join(','));
  }
  dataFile = path.join(t.dir, 'features.csv');
  writeFileSync(dataFile, lines.join('\n') + '\n');
}, 60_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('ICC filter step from a stored extraction', () => {
  it('keeps exactly the features the agreement service reports as kept, on the chosen reader’s rows', async () => {
    const agreement = await call<FeatureAgreement>('agreement.features', {
      extractionId: 1,
      readers: ['R1', 'R2'],
      form: 'ICC3',
      threshold: 0.75,
    });
    const kept = agreement.features.filter((f) => f.kept).map((f) => f.column);
    // The planted noise gives a mix: some kept, some not (else the test could not fail).
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.length).toBeLessThan(NAMES.length);
    const spec = {
      version: 1,
      name: 'ICC-filtered LR',
      columns: { patient: 'patient' },
      outcome: { column: 'her2', positive: 'low' },
      features: { include: ['T2FS_*'] },
      reader: { keep: 'R1' },
      split: { method: 'random', testFraction: 0.3, seed: 3 },
      cv: { k: 3 },
      steps: [{ step: 'icc', min: 0.75, extraction: 'dual reader', readers: ['R1', 'R2'], form: 'ICC3' }],
      models: [{ name: 'LR', kind: 'logistic' }],
      seed: 3,
    };
    const { jobId } = await call<{ jobId: number }>('analysis.run', { spec, dataFile });
    const job = await finished(jobId);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const { result } = await call<{ result: { rows: { n: number; ids: string[] }; models: { features: string[] }[] } }>(
      'analysis.get',
      { id: (job.result as { analysisId: number }).analysisId },
    );
    expect([...result.models[0]!.features].sort()).toEqual([...kept].sort());
    // One row per lesion: R1's rows only (60 lesions), not R2's duplicates.
    expect(result.rows.n).toBe(60);
  }, 120_000);

  it('radstudy analyze --study computes the same ICCs and keeps the same features', async () => {
    const agreement = await call<FeatureAgreement>('agreement.features', {
      extractionId: 1,
      readers: ['R1', 'R2'],
      form: 'ICC2',
      threshold: 0.8,
    });
    const kept = agreement.features.filter((f) => f.kept).map((f) => f.column);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(NAMES.length);
    const studyFile = services.study.requireHandle().path;
    const specFile = path.join(t.dir, 'spec.json');
    writeFileSync(
      specFile,
      JSON.stringify({
        version: 1,
        name: 'CLI ICC',
        columns: { patient: 'patient' },
        outcome: { column: 'her2_test', positive: 'low' },
        features: { include: ['T2FS_*'] },
        split: { method: 'random', testFraction: 0.3, seed: 3 },
        cv: { k: 3 },
        steps: [{ step: 'icc', min: 0.8, extraction: 'dual reader' }],
        models: [{ name: 'LR', kind: 'logistic' }],
        seed: 3,
      }),
    );
    const out = path.join(t.dir, 'cli-result.json');
    const io = { text: '', code: 0 };
    const program = new Command().exitOverride();
    registerAnalyzeCommand(program, {
      out: (s) => void (io.text += s),
      err: (s) => void (io.text += s),
      setExitCode: (c) => void (io.code = c),
      version: 'test',
    });
    await program.parseAsync(
      ['analyze', specFile, '--study', studyFile, '--extraction', 'dual reader', '--reader', 'R1', '--out', out],
      {
        from: 'user',
      },
    );
    expect(io.code, io.text).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { rows: { n: number }; models: { features: string[] }[] };
    expect([...result.models[0]!.features].sort()).toEqual([...kept].sort());
    expect(result.rows.n).toBe(60);
  }, 120_000);

  it('refuses an ICC step naming an extraction the study does not have, before any job starts', async () => {
    const r = await services.router.call('analysis.run', {
      spec: {
        version: 1,
        name: 'x',
        columns: { patient: 'patient' },
        outcome: { column: 'her2', positive: 'low' },
        split: { method: 'random', testFraction: 0.3 },
        steps: [{ step: 'icc', min: 0.75, extraction: 'nope' }],
        models: [{ name: 'LR', kind: 'logistic' }],
      },
      dataFile,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/extraction "nope", which is not in this study/);
  });
});
