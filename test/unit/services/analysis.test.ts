/**
 * Analyses through the router (main/services/analysis): inspect a feature table, validate a
 * spec, run it as a compute job, store it in the study, list / get / delete. The numbers are
 * the engine's (tested against their references in test/unit/ml); here the test checks that the
 * stored result equals a direct run of the engine on the same file, and the bad-input messages.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnalysisSummary, FeatureTableInfo } from '../../../main/api/contract.js';
import { runAnalysis } from '../../../main/compute/ml/analysis.js';
import { datasetFromTable } from '../../../main/compute/ml/dataset.js';
import { parseAnalysisSpec } from '../../../main/compute/ml/spec.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;

const { call, fails, finished } = routerCalls(() => services, 60_000);

function featureCsv(file: string): { header: string[]; rows: string[][] } {
  const rng = new Rng(5);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  const header = ['patient', 'center', 'pcr', 'T2_glcm_a', 'T2_glcm_b', 'T2_glcm_c', 'ADC_mean'];
  const rows: string[][] = [];
  for (let p = 0; p < 120; p++) {
    const f = [normal(), normal(), normal(), normal()];
    const lp = 1.5 * f[0]! - f[3]!;
    rows.push([
      `P${p}`,
      p < 80 ? 'A' : 'B',
      rng.nextDouble() < 1 / (1 + Math.exp(-lp)) ? 'yes' : 'no',
      ...f.map((v) => v.toFixed(6)),
    ]);
  }
  writeFileSync(file, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return { header, rows };
}

const spec = {
  version: 1,
  name: 'pCR model',
  columns: { patient: 'patient', center: 'center' },
  outcome: { column: 'pcr', positive: 'yes' },
  split: { method: 'center', external: ['B'] },
  cv: { k: 5 },
  steps: [{ step: 'scale' }, { step: 'univariate', alpha: 0.2 }],
  models: [
    { name: 'LR', kind: 'logistic' },
    { name: 'LR (second fit)', kind: 'logistic' },
  ],
  seed: 3,
};

beforeEach(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'a.radstudy'), name: 'Analyses' });
});
afterEach(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('analysis service', () => {
  it('inspects a feature table: numeric columns, levels of the others', async () => {
    const file = path.join(t.dir, 'f.csv');
    featureCsv(file);
    const info = await call<FeatureTableInfo>('analysis.inspect', { dataFile: file });
    expect(info.rows).toBe(120);
    const pcr = info.columns.find((c) => c.name === 'pcr')!;
    expect(pcr.numeric).toBe(false);
    expect(pcr.levels).toEqual(['no', 'yes']);
    expect(info.columns.find((c) => c.name === 'ADC_mean')!.numeric).toBe(true);
    expect(await fails('analysis.inspect', { dataFile: path.join(t.dir, 'none.csv') })).toMatch(
      /VALIDATION .*none\.csv does not exist/,
    );
  });

  it('runs a spec as a job, stores the result, and the stored result equals a direct engine run', async () => {
    const file = path.join(t.dir, 'f.csv');
    const { header, rows } = featureCsv(file);
    const { jobId } = await call<{ jobId: number }>('analysis.run', { spec, dataFile: file });
    const job = await finished(jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    const stored = job.result as { analysisId: number; name: string };
    expect(stored.name).toBe('pCR model');
    const list = await call<AnalysisSummary[]>('analysis.list');
    expect(list).toHaveLength(1);
    expect(list[0]!.rows).toEqual({ train: 80, test: 0, external: 40 });
    const got = await call<{ summary: AnalysisSummary; result: { models: { metrics: Record<string, { auc: number }> }[] } }>(
      'analysis.get',
      { id: stored.analysisId },
    );
    const parsed = parseAnalysisSpec(spec);
    const direct = runAnalysis(parsed, datasetFromTable(header, rows, parsed));
    expect(got.result.models[0]!.metrics.external!.auc).toBe(direct.models[0]!.metrics.external!.auc);
    expect(got.summary.models[0]!.metrics.cv!.auc).toBe(direct.models[0]!.metrics.cv!.auc);
    expect(got.summary.comparison.external![0]![1]).toBeGreaterThan(0);
    expect(await call('analysis.delete', { id: stored.analysisId })).toEqual({ deleted: true });
    expect(await call<AnalysisSummary[]>('analysis.list')).toHaveLength(0);
  });

  it('refuses an invalid spec and a missing file before any job starts; a data problem fails the job with its message', async () => {
    const file = path.join(t.dir, 'f.csv');
    featureCsv(file);
    const v = await call<{ ok: boolean; problems: string[] }>('analysis.validate', { spec: { ...spec, cv: { k: 1 } } });
    expect(v.ok).toBe(false);
    expect(v.problems.join(' ')).toMatch(/cv\.k/);
    expect(await fails('analysis.run', { spec: { ...spec, version: 2 }, dataFile: file })).toMatch(/VALIDATION .*version/);
    expect(await fails('analysis.run', { spec, dataFile: path.join(t.dir, 'x.csv') })).toMatch(/does not exist/);
    const { jobId } = await call<{ jobId: number }>('analysis.run', {
      spec: { ...spec, outcome: { column: 'response', positive: 'yes' } },
      dataFile: file,
    });
    const job = await finished(jobId);
    expect(job.status).toBe('failed');
    expect(job.error!.message).toMatch(/no outcome column 'response'/);
    expect(await call<AnalysisSummary[]>('analysis.list')).toHaveLength(0);
  });
});
