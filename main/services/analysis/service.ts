import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AnalysisSummary, FeatureTableInfo } from '../../api/analysis.js';
import { AppError } from '../../api/errors.js';
import type { AnalysisResult } from '../../compute/ml/analysis.js';
import type { Table1 } from '../../compute/stats/table1Builder.js';
import { AnalysisSpecError, parseAnalysisSpec, type AnalysisSpec } from '../../compute/ml/spec.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { readCsv } from '../cohort/table-reader.js';
import type { JobService } from '../jobs.js';
import { iccsForStep } from '../readers/agreement.js';
import type { StudyService } from '../study.js';
import type { SplitService } from './splits.js';

const MAX_LEVELS = 12;

function readTable(file: string): { bytes: Buffer; table: ReturnType<typeof readCsv> } {
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    bytes = readFileSync(file);
  } catch {
    throw new AppError('VALIDATION', `The feature table ${file} does not exist or cannot be read.`, { file });
  }
  return { bytes, table: readCsv(bytes, path.basename(file)) };
}

/** The list row of a result: per model its features, threshold and headline metrics per set. */
export function summarize(id: number, createdAt: string, dataSource: string, sha: string, r: AnalysisResult): AnalysisSummary {
  return {
    id,
    name: r.spec.name,
    createdAt,
    dataSource,
    dataSha256: sha,
    engine: r.engine,
    rows: { train: r.split.counts.train.rows, test: r.split.counts.test.rows, external: r.split.counts.external.rows },
    candidates: r.features.candidates,
    models: r.models.map((m) => ({
      name: m.name,
      kind: m.kind,
      features: m.features,
      threshold: m.threshold,
      steps: m.pipeline.steps.map((st) => ({
        step: st.spec.step,
        inputs: st.input.length,
        outputs: st.output.length,
        notes: st.notes,
      })),
      warnings: m.warnings,
      tuning: m.tuning
        ? {
            metric: m.tuning.inner.metric,
            chosen: m.tuning.chosen,
            scores: m.tuning.scores.map((x) => ({ params: x.params, score: x.score })),
            folds: m.folds.flatMap((f) =>
              f.params ? [{ repeat: f.repeat, fold: f.fold, params: f.params, innerScore: f.innerScore ?? null }] : [],
            ),
          }
        : null,
      radScore: m.radScore
        ? {
            text: m.radScore.text,
            rawScale: m.radScore.rawScale,
            notes: m.radScore.notes,
            intercept: m.radScore.intercept,
            terms: m.radScore.terms.map((t) => ({
              feature: t.feature,
              coefficient: t.coefficient,
              standardized: t.standardized.coefficient,
              center: t.standardized.center,
              scale: t.standardized.scale,
            })),
          }
        : null,
      nomogram: m.nomogram
        ? {
            predictors: m.nomogram.predictors.map((a) => ({ name: a.name, at: a.at.map(Number), points: a.points })),
            totalPoints: m.nomogram.totalPoints,
            lp: m.nomogram.lp,
            risk: m.nomogram.risk,
          }
        : null,
      explanation: m.explanation
        ? {
            set: m.explanation.set,
            method: m.explanation.method,
            // Explanations stored before TreeSHAP were all on the log-odds scale.
            scale: m.explanation.scale ?? 'log-odds',
            features: m.explanation.features,
            baseValue: m.explanation.baseValue,
            meanAbsShap: m.explanation.meanAbsShap,
            shap: m.explanation.shap,
            values: m.explanation.values,
            permutation: m.explanation.permutation
              ? {
                  baseline: m.explanation.permutation.baseline,
                  repeats: m.explanation.permutation.repeats,
                  mean: m.explanation.permutation.mean,
                  sd: m.explanation.permutation.sd,
                }
              : null,
          }
        : null,
      bootstrap: m.bootstrap
        ? {
            B: m.bootstrap.B,
            failed: m.bootstrap.failed,
            apparentAuc: m.bootstrap.apparent.auc,
            correctedAuc: m.bootstrap.corrected.auc,
            auc632plus: m.bootstrap.auc632plus,
            correctedSlope: m.bootstrap.corrected.slope,
            correctedIntercept: m.bootstrap.corrected.intercept,
            correctedBrier: m.bootstrap.corrected.brier,
          }
        : null,
      metrics: Object.fromEntries(
        Object.entries(m.metrics).map(([set, x]) => [
          set,
          {
            n: x.n,
            events: x.events,
            auc: x.auc,
            aucCi: x.aucCi,
            sensitivity: x.sensitivity.estimate,
            specificity: x.specificity.estimate,
            accuracy: x.accuracy.estimate,
            brier: x.brier,
          },
        ]),
      ),
    })),
    comparison: Object.fromEntries(
      Object.entries(r.comparison).map(([set, c]) => [set, c.pValues.map((row) => row.map((v) => (Number.isNaN(v) ? null : v)))]),
    ),
    balance: r.balance ? balanceSummary(r.balance) : null,
  };
}

const fmt = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '–');

/** Table 1 of the sets as display lines (mean ± SD or median (Q1–Q3) as the test chose; n (%)). */
function balanceSummary(t: Table1): NonNullable<AnalysisSummary['balance']> {
  const rows: NonNullable<AnalysisSummary['balance']>['rows'] = [];
  const p = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v);
  for (const row of t.rows) {
    if (row.kind === 'continuous') {
      rows.push({
        variable: row.name,
        level: null,
        cells: row.byGroup.map((c) =>
          !c ? '–' : row.display === 'mean-sd' ? `${fmt(c.mean)} ± ${fmt(c.sd)}` : `${fmt(c.median)} (${fmt(c.q1)}–${fmt(c.q3)})`,
        ),
        test: row.test,
        pValue: p(row.pValue),
      });
    } else {
      row.levels.forEach((l, k) =>
        rows.push({
          variable: row.name,
          level: l.level,
          cells: l.byGroup.map((c) => `${c.count} (${fmt(c.percent)}%)`),
          test: k === 0 ? row.test : null,
          pValue: k === 0 ? p(row.pValue) : null,
        }),
      );
    }
  }
  return { sets: t.groups, rows };
}

/** Analyses of the open study: inspect a feature table, validate and run a spec (as a job), list, get, delete. */
export class AnalysisService {
  constructor(
    private readonly study: StudyService,
    private readonly jobs: JobService,
    private readonly splits?: SplitService,
  ) {}

  private db(write = false): Database.Database {
    const h = this.study.requireHandle();
    if (write && h.readOnly) {
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); analyses cannot be run or deleted.`,
      );
    }
    return h.db;
  }

  inspect(dataFile: string): FeatureTableInfo {
    const file = path.resolve(dataFile);
    const { table } = readTable(file);
    const columns = table.header.map((name, j) => {
      let missing = 0;
      let numeric = true;
      const levels = new Set<string>();
      for (const r of table.rows) {
        const v = String(r.cells[j] ?? '').trim();
        if (v === '' || /^(na|nan)$/i.test(v)) {
          missing++;
          continue;
        }
        if (!Number.isFinite(Number(v))) numeric = false;
        if (levels.size <= MAX_LEVELS) levels.add(v);
      }
      return { name, numeric, missing, levels: numeric || levels.size > MAX_LEVELS ? [] : [...levels].sort() };
    });
    return { path: file, rows: table.rows.length, columns };
  }

  validate(spec: unknown): { ok: boolean; problems: string[] } {
    try {
      parseAnalysisSpec(spec);
      return { ok: true, problems: [] };
    } catch (e) {
      if (e instanceof AnalysisSpecError) return { ok: false, problems: e.problems };
      throw e;
    }
  }

  /** Validates the spec and the file now (a clear message before any job starts), then starts `analysis.run`. */
  run(spec: Record<string, unknown>, dataFile: string): { jobId: number } {
    const db = this.db(true);
    let parsed: AnalysisSpec;
    try {
      parsed = parseAnalysisSpec(spec);
    } catch (e) {
      if (e instanceof AnalysisSpecError) throw new AppError('VALIDATION', e.message, { problems: e.problems });
      throw e;
    }
    const file = path.resolve(dataFile);
    const { bytes } = readTable(file);
    const sha = createHash('sha256').update(bytes).digest('hex');
    // An ICC step naming a stored extraction: the ICCs come from the study's two readers.
    const iccStep = parsed.steps.find((st) => st.step === 'icc' && st.extraction !== undefined);
    const icc =
      iccStep?.step === 'icc' && iccStep.extraction !== undefined
        ? iccsForStep(db, { ...iccStep, extraction: iccStep.extraction })
        : undefined;
    // A stored split: its patient assignment is read from the study now (a missing name fails here).
    const storedSplit = parsed.split.method === 'stored' && this.splits ? this.splits.assignment(parsed.split.name) : undefined;
    const job = this.jobs.start('analysis.run', {
      spec,
      dataFile: file,
      dataSha256: sha,
      ...(icc ? { icc } : {}),
      ...(storedSplit ? { storedSplit } : {}),
    });
    return { jobId: job.id };
  }

  list(): AnalysisSummary[] {
    const rows = this.db().prepare('SELECT summary FROM analysis ORDER BY created_at DESC, id DESC').pluck().all() as string[];
    return rows.map((s) => JSON.parse(s) as AnalysisSummary);
  }

  get(id: number): { summary: AnalysisSummary; result: Record<string, unknown> } {
    const row = this.db().prepare('SELECT summary, result FROM analysis WHERE id = ?').get(id) as
      { summary: string; result: Buffer } | undefined;
    if (!row) throw new AppError('NOT_FOUND', `There is no analysis ${id} in this study.`);
    return { summary: JSON.parse(row.summary) as AnalysisSummary, result: JSON.parse(gunzipSync(row.result).toString('utf8')) };
  }

  delete(id: number): { deleted: boolean } {
    const db = this.db(true);
    const name = db.prepare('SELECT name FROM analysis WHERE id = ?').pluck().get(id) as string | undefined;
    if (name === undefined) return { deleted: false };
    db.transaction(() => {
      db.prepare('DELETE FROM analysis WHERE id = ?').run(id);
      appendAudit(db, { actor: 'statistician', action: 'analysis.delete', entity: 'analysis', entityId: id, before: { name } });
    })();
    return { deleted: true };
  }
}

/**
 * Stores a finished `analysis.run` (inside the job's success transaction). The job row then keeps
 * only the analysis id and name: the result lives in the analysis table.
 */
export function recordAnalysis(
  db: Database.Database,
  result: AnalysisResult,
  params: { dataFile: string; dataSha256: string },
  jobId: number,
): { analysisId: number; name: string } {
  const createdAt = new Date().toISOString();
  const blob = gzipSync(Buffer.from(JSON.stringify(result), 'utf8'));
  const info = db
    .prepare(
      `INSERT INTO analysis(job_id, name, spec, data_source, data_sha256, engine, summary, result, created_at)
       VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?)`,
    )
    .run(
      jobId,
      result.spec.name,
      JSON.stringify(result.spec),
      params.dataFile,
      params.dataSha256,
      result.engine,
      blob,
      createdAt,
    );
  const id = Number(info.lastInsertRowid);
  const summary = summarize(id, createdAt, params.dataFile, params.dataSha256, result);
  db.prepare('UPDATE analysis SET summary = ? WHERE id = ?').run(JSON.stringify(summary), id);
  const kept = { analysisId: id, name: result.spec.name };
  db.prepare('UPDATE job SET result = ? WHERE id = ?').run(JSON.stringify(kept), jobId);
  appendAudit(db, {
    actor: 'statistician',
    action: 'analysis.run',
    entity: 'analysis',
    entityId: id,
    after: { name: result.spec.name, jobId },
  });
  return kept;
}
