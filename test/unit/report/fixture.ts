/**
 * A small two-center analysis shared by the report tests: 160 patients (CQ 110, JS 50 external),
 * 12 candidate features of which f0–f2 carry the outcome, univariate and correlation selection, a logistic and a
 * linear SVM model and a 20-replicate bootstrap, so every figure and table type has data.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runAnalysis } from '../../../main/compute/ml/analysis.js';
import type { AnalysisResult } from '../../../main/compute/ml/analysis.js';
import { datasetFromTable } from '../../../main/compute/ml/dataset.js';
import { parseAnalysisSpec } from '../../../main/compute/ml/spec.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { recordAnalysis } from '../../../main/services/analysis/service.js';
import { createStudy } from '../../../db/study-file.js';

export const FIXTURE_SPEC = {
  version: 1,
  name: 'HER2-low vs HER2-zero',
  columns: { patient: 'patient', center: 'center' },
  outcome: { column: 'her2', positive: 'low' },
  features: { include: ['DCE2_original_*'] },
  balance: ['age'],
  split: { method: 'center', external: ['JS'], testFraction: 0.3 },
  cv: { k: 5 },
  bootstrap: { B: 20 },
  steps: [{ step: 'impute' }, { step: 'scale' }, { step: 'univariate', alpha: 0.05 }, { step: 'correlation', threshold: 0.8 }],
  models: [
    { name: 'Rad-score (LR)', kind: 'logistic' },
    { name: 'Naive Bayes', kind: 'naive_bayes' },
  ],
  seed: 11,
} as const;

export function fixtureCsv(): string {
  const rng = new Rng(4242);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  const P = 12;
  // Follow-up for the Kaplan–Meier figures, from its own stream so the analysis rows stay the same:
  // exponential time with hazard rising with f0, censored at a uniform 0–60 months.
  const fu = new Rng(777);
  const header = [
    'patient',
    'center',
    'her2',
    'age',
    ...Array.from({ length: P }, (_, j) => `DCE2_original_f${j}`),
    'pfs_months',
    'pfs_event',
    'grade',
  ];
  const lines = [header.join(',')];
  for (let p = 0; p < 160; p++) {
    const f = Array.from({ length: P }, normal);
    const lp = -0.3 + 1.6 * f[0]! - 1.2 * f[1]! + 0.8 * f[2]!;
    const low = rng.nextDouble() < 1 / (1 + Math.exp(-lp));
    const age = Math.round(52 + 10 * normal());
    const tEvent = -Math.log(1 - fu.nextDouble()) * 30 * Math.exp(-0.7 * f[0]!);
    const tCensor = 60 * fu.nextDouble();
    const grade = fu.nextDouble() < 0.5 ? 'G2' : 'G3';
    lines.push(
      [
        `P${p}`,
        p < 110 ? 'CQ' : 'JS',
        low ? 'low' : 'zero',
        String(age),
        ...f.map((v) => v.toPrecision(8)),
        Math.min(tEvent, tCensor).toFixed(1),
        tEvent <= tCensor ? 'yes' : 'no',
        grade,
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function runFixture(dir: string): { result: AnalysisResult; dataFile: string; specFile: string } {
  const csv = fixtureCsv();
  const dataFile = path.join(dir, 'features.csv');
  writeFileSync(dataFile, csv);
  const specFile = path.join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(FIXTURE_SPEC, null, 2));
  const spec = parseAnalysisSpec(FIXTURE_SPEC);
  const [head, ...body] = csv
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  const ds = datasetFromTable(head!, body, spec, 'features.csv');
  const result = runAnalysis(spec, ds, { now: () => new Date('2026-01-02T03:04:05Z') });
  return { result, dataFile, specFile };
}

/** A study file holding `result` as a stored analysis (as the `analysis.run` job leaves it). */
export function storeInStudy(studyFile: string, result: AnalysisResult, dataFile: string): number {
  const h = createStudy(studyFile, 'Report fixture');
  try {
    const sha = createHash('sha256').update(readFileSync(dataFile)).digest('hex');
    const job = h.db
      .prepare(
        `INSERT INTO job(kind, status, params, progress, created_at, finished_at) VALUES ('analysis.run', 'succeeded', '{}', 1, ?, ?)`,
      )
      .run(result.createdAt, result.createdAt);
    return h.db.transaction(() => recordAnalysis(h.db, result, { dataFile, dataSha256: sha }, Number(job.lastInsertRowid)))()
      .analysisId;
  } finally {
    h.close();
  }
}
