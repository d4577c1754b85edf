import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AnalysisRunParamsSchema } from '../../api/analysis.js';
import { AppError } from '../../api/errors.js';
import { readCsv } from '../../services/cohort/table-reader.js';
import { runAnalysis } from '../ml/analysis.js';
import type { AnalysisResult } from '../ml/analysis.js';
import { datasetFromTable } from '../ml/dataset.js';
import { AnalysisSpecError, parseAnalysisSpec } from '../ml/spec.js';
import { StatsInputError } from '../stats/common.js';
import type { JobContext } from './context.js';

/**
 * Job `analysis.run`: reads the feature table, checks it is the file the user chose (SHA-256),
 * runs the spec (main/compute/ml/analysis.ts) with progress, and returns the whole result; the
 * main process stores it in the `analysis` table when the job succeeds.
 */
export async function analysisRunJob(rawParams: unknown, ctx: JobContext): Promise<AnalysisResult> {
  const params = AnalysisRunParamsSchema.parse(rawParams ?? {});
  const file = path.resolve(params.dataFile);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new AppError('NOT_FOUND', `Cannot read the feature table ${file}: ${(e as Error).message}`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== params.dataSha256) {
    throw new AppError(
      'VALIDATION',
      `The feature table ${path.basename(file)} changed since the analysis was started; start it again.`,
    );
  }
  try {
    const spec = parseAnalysisSpec(params.spec);
    const table = readCsv(bytes, path.basename(file));
    const ds = datasetFromTable(
      table.header,
      table.rows.map((r) => r.cells),
      spec,
      path.basename(file),
    );
    if (params.icc) ds.icc = new Map(Object.entries(params.icc));
    ctx.progress(0.01, `${ds.y.length} rows, ${ds.features.length} features`);
    return runAnalysis(spec, ds, {
      ...(params.storedSplit ? { storedSplit: params.storedSplit } : {}),
      onProgress: (done, total, what) => {
        ctx.throwIfCancelled();
        ctx.progress(done / total, what);
      },
    });
  } catch (e) {
    if (e instanceof AnalysisSpecError || e instanceof StatsInputError) throw new AppError('VALIDATION', e.message);
    throw e;
  }
}
