/**
 * `radstudy analyze` and the analysis runner (main/compute/ml/analysis.ts, spec.ts, dataset.ts,
 * main/cli/analyze.ts) end to end on a synthetic two-center feature table. References: the AUCs
 * and CIs are those of the R-validated pROC twin (test/unit/stats/roc.test.ts) recomputed here
 * from the saved predictions (exact equality); the saved pipeline re-applied to the rows gives
 * the stored predictions exactly; the spec errors are the schema's.
 */
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registerAnalyzeCommand } from '../../../main/cli/analyze.js';
import type { AnalyzeIo } from '../../../main/cli/analyze.js';
import type { AnalysisResult } from '../../../main/compute/ml/analysis.js';
import { runAnalysis } from '../../../main/compute/ml/analysis.js';
import { datasetFromTable } from '../../../main/compute/ml/dataset.js';
import { parseAnalysisSpec, analysisSpecJsonSchema } from '../../../main/compute/ml/spec.js';
import { predictPipeline, restorePipeline } from '../../../main/compute/ml/pipeline.js';
import { roc } from '../../../main/compute/stats/roc/curve.js';
import { aucDelong } from '../../../main/compute/stats/roc/delong.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { tmpDir } from '../../helpers/tmp.js';

const t = tmpDir('radstudy-analyze-');
afterAll(() => t.cleanup());

const rng = new Rng(2026);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
const P = 20;
const header = ['patient', 'lesion', 'center', 'her2', ...Array.from({ length: P }, (_, j) => `DCE2_original_f${j}`), 'note'];
const rows: string[][] = [];
for (let p = 0; p < 180; p++) {
  const lesions = p % 9 === 0 ? 2 : 1;
  for (let l = 0; l < lesions; l++) {
    const f = Array.from({ length: P }, normal);
    const lp = -0.4 + 2 * f[0]! - 1.5 * f[1]! + 1 * f[2]!;
    const low = rng.nextDouble() < 1 / (1 + Math.exp(-lp));
    rows.push([
      `P${p}`,
      `P${p}-L${l + 1}`,
      p < 120 ? 'CQ' : 'JS',
      p === 7 ? '' : low ? 'low' : 'zero',
      ...f.map((v, j) => (p === 3 && j === 4 ? '' : v.toPrecision(8))),
      'x',
    ]);
  }
}
const csv = [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
const dataFile = path.join(t.dir, 'features.csv');
writeFileSync(dataFile, csv);

const specJson = {
  version: 1,
  name: 'HER2-low vs HER2-zero',
  columns: { patient: 'patient', id: 'lesion', center: 'center' },
  outcome: { column: 'her2', positive: 'low' },
  features: { include: ['DCE2_original_*'] },
  split: { method: 'center', external: ['JS'], testFraction: 0.3 },
  cv: { k: 5 },
  steps: [
    { step: 'impute' },
    { step: 'scale' },
    { step: 'univariate', alpha: 0.1 },
    { step: 'correlation', threshold: 0.9 },
    { step: 'lasso', folds: 5 },
  ],
  models: [
    { name: 'LASSO + LR', kind: 'logistic' },
    { name: 'Three features LR', kind: 'logistic' },
  ],
  seed: 11,
};

async function analyze(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = { code: 0, out: '', err: '' };
  const io: AnalyzeIo = {
    out: (s) => void (r.out += s),
    err: (s) => void (r.err += s),
    setExitCode: (c) => void (r.code = c),
    version: 'test',
  };
  const program = new Command().exitOverride();
  registerAnalyzeCommand(program, io);
  await program.parseAsync(['analyze', ...args], { from: 'user' });
  return r;
}

describe('runAnalysis', () => {
  const spec = parseAnalysisSpec(specJson);
  const ds = datasetFromTable(header, rows, spec);
  const res = runAnalysis(spec, ds, { now: () => new Date('2026-01-01T00:00:00Z') });

  it('builds the dataset from the spec: features by pattern, rows without outcome dropped and named', () => {
    expect(ds.features).toHaveLength(P);
    expect(ds.features).not.toContain('note');
    expect(ds.dropped).toEqual([{ row: 9, id: 'P7-L1', reason: "no value for the outcome 'her2'" }]);
    expect(ds.y.length).toBe(rows.length - 1);
  });

  it('groups outcome values: positive and negative lists, other values left out and named', () => {
    // Three-level outcome as in the cohort's derived HER2 status (seed 001: HER2-low vs zero, positives left out).
    const three = rows.map((r, i) => (i % 5 === 0 && r[3] ? [...r.slice(0, 3), 'positive', ...r.slice(4)] : r));
    const s3 = (outcome: Record<string, unknown>) => parseAnalysisSpec({ ...specJson, outcome: { column: 'her2', ...outcome } });
    expect(() => datasetFromTable(header, three, s3({ positive: 'low' }))).toThrow(
      /has 3 values \(.*\); a binary outcome is needed — or give outcome.negative/,
    );
    const lowVsZero = datasetFromTable(header, three, s3({ positive: 'low', negative: ['zero'] }));
    const expectedLeftOut = three.filter((r) => r[3] === 'positive').length;
    expect(lowVsZero.dropped.filter((d) => /is 'positive', neither positive nor negative/.test(d.reason)).length).toBe(
      expectedLeftOut,
    );
    expect(lowVsZero.y.length).toBe(three.length - 1 - expectedLeftOut);
    // Seed 002: HER2-positive vs HER2-negative (low and zero together).
    const posVsNeg = datasetFromTable(header, three, s3({ positive: 'positive', negative: ['low', 'zero'] }));
    expect(posVsNeg.y.length).toBe(three.length - 1);
    expect(Array.from(posVsNeg.y).filter((v) => v === 1).length).toBe(expectedLeftOut);
    expect(() => datasetFromTable(header, three, s3({ positive: 'low', negative: ['low'] }))).toThrow(
      /both positive and negative/,
    );
  });

  it('split by center: JS external, a patient never in two sets, CV inside training only', () => {
    const roleOf = new Map<string, Set<string>>();
    res.split.role.forEach((r, i) => {
      const g = res.rows.groups[i]!;
      if (!roleOf.has(g)) roleOf.set(g, new Set());
      roleOf.get(g)!.add(r);
    });
    for (const s of roleOf.values()) expect(s.size).toBe(1);
    res.split.role.forEach((r, i) => expect(r === 'external').toBe(ds.centers![i] === 'JS'));
    for (const m of res.models) {
      m.predictions.cv.forEach((v, i) => expect(Number.isNaN(v)).toBe(res.split.role[i] !== 'train'));
      expect(m.folds).toHaveLength(5);
    }
  });

  it('metrics per set equal the pROC twin on the stored predictions; the signal features are selected', () => {
    const m = res.models[0]!;
    expect(m.features).toContain('DCE2_original_f0');
    expect(m.features).toContain('DCE2_original_f1');
    for (const set of ['train', 'cv', 'test', 'external'] as const) {
      const rowsIn = m.predictions[set].map((v, i) => [v, i] as const).filter(([v]) => !Number.isNaN(v));
      const y = rowsIn.map(([, i]) => res.rows.y[i]!);
      const p = rowsIn.map(([v]) => v);
      const curve = roc(y, p, { direction: '<' });
      expect(m.metrics[set]!.auc).toBe(curve.auc);
      expect(m.metrics[set]!.aucCi).toEqual(aucDelong(curve).confInt);
      expect(m.metrics[set]!.n).toBe(y.length);
    }
    expect(m.metrics.external!.auc).toBeGreaterThan(0.7);
    expect(res.comparison.test!.pValues[0]![1]).toBeGreaterThan(0);
  });

  it('the saved pipeline, re-applied to the rows, reproduces the stored predictions', () => {
    const m = res.models[0]!;
    const restored = restorePipeline(JSON.parse(JSON.stringify(m.pipeline)));
    const p = predictPipeline(restored, ds.X, ds.features);
    res.split.role.forEach((r, i) => {
      if (r === 'test') expect(p[i]).toBe(m.predictions.test[i]);
    });
  });

  it('is deterministic: the same spec and data give the same result', () => {
    const again = runAnalysis(spec, ds, { now: () => new Date('2026-01-01T00:00:00Z') });
    expect(JSON.stringify(again)).toBe(JSON.stringify(res));
  });
});

describe('radstudy analyze', () => {
  it('runs a spec on a CSV and writes the results; the summary shows AUC per set', async () => {
    const specFile = path.join(t.dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(specJson));
    const out = path.join(t.dir, 'results.json');
    const r = await analyze(specFile, '--data', dataFile, '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/LASSO \+ LR/);
    expect(r.out).toMatch(/AUC external/);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as AnalysisResult;
    expect(saved.format).toBe('radstudy-analysis-result');
    expect(saved.models).toHaveLength(2);
  });

  it('a spec that fails the schema is refused before any work, with every problem and its path', async () => {
    const bad = path.join(t.dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        ...specJson,
        split: { method: 'random', testFraction: 1.5 },
        models: [{ name: 'x', kind: 'deep_forest' }],
      }),
    );
    const r = await analyze(bad, '--data', dataFile, '--out', path.join(t.dir, 'never.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/split\.testFraction/);
    expect(r.err).toMatch(/models\.0\.kind/);
  });

  it('unknown outcome column, one-class outcome and a forced feature that does not exist get specific messages', async () => {
    const write = (name: string, s: object): string => {
      const f = path.join(t.dir, name);
      writeFileSync(f, JSON.stringify(s));
      return f;
    };
    let r = await analyze(
      write('s1.json', { ...specJson, outcome: { column: 'her3', positive: 'low' } }),
      '--data',
      dataFile,
      '--out',
      'x',
    );
    expect(r.err).toMatch(/no outcome column 'her3'/);
    r = await analyze(
      write('s2.json', { ...specJson, outcome: { column: 'her2', positive: 'ultralow' } }),
      '--data',
      dataFile,
      '--out',
      'x',
    );
    expect(r.err).toMatch(/never takes the positive value 'ultralow'/);
    r = await analyze(write('s3.json', { ...specJson, forced: ['ki67'] }), '--data', dataFile, '--out', 'x');
    expect(r.err).toMatch(/forced feature 'ki67'/);
    expect(r.code).toBe(1);
  });

  it('--schema prints the JSON Schema of the spec', async () => {
    const r = await analyze('--schema');
    const schema = JSON.parse(r.out) as { title: string; properties: Record<string, unknown> };
    expect(schema.title).toMatch(/analysis spec, version 1/);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['split', 'steps', 'models', 'seed']));
    expect(analysisSpecJsonSchema()).toEqual(schema);
  });
});
