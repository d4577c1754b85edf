import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cvGlmnetBinomial } from '../../main/compute/stats/glmnet.js';
import { repoRoot } from '../helpers/tmp.js';
import type { Benchmark } from './harness.js';
import { lassoBenchChecksum, lassoBenchData } from './lassoData.js';

/** What test/fixtures/r/lasso_bench.R recorded (R's cv.glmnet on the same data, same folds). */
interface RLassoBench {
  r_version: string;
  glmnet: string;
  checksum: ReturnType<typeof lassoBenchChecksum>;
  median_ms: number;
  median_cpu_ms: number;
  lambda_min: number;
  lambda_1se: number;
  cvm_min: number;
  nonzero_1se: number;
}

/** Wall and CPU (user + system, this process) milliseconds of one call. */
function timed<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

export const lassoBenchmarks: Benchmark[] = [
  {
    name: 'lasso-cv',
    description:
      "cv.glmnet-style LASSO logistic, 10 fixed folds, 300 rows × 1,200 features, 100 λ: ours vs R glmnet 4.1 timed by test/fixtures/r/lasso_bench.R on the same generated data (ratio ours/R; CPU time is the steadier on a shared machine). 'thresh' runs stop at glmnet's default threshold 1e-7 on the same weighted squared coefficient change; 'optimum' runs to our default 1e-18",
    async run() {
      const r = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/r/lasso_bench.json'), 'utf8')) as RLassoBench;
      const d = lassoBenchData();
      const sum = lassoBenchChecksum(d);
      // The two generators must have produced the same matrix: elements exactly, sums within
      // 1e-12 relative (R accumulates sums in long double).
      const same =
        sum.x_1_1 === r.checksum.x_1_1 &&
        sum.x_n_p === r.checksum.x_n_p &&
        sum.events === r.checksum.events &&
        Math.abs(sum.sum_x - r.checksum.sum_x) <= 1e-12 * r.checksum.sum_x_squared &&
        Math.abs(sum.sum_x_squared - r.checksum.sum_x_squared) <= 1e-12 * r.checksum.sum_x_squared;
      if (!same) throw new Error(`lasso bench: generated data differ from lasso_bench.R's (${JSON.stringify(sum)})`);
      const fit = (tolerance?: number) =>
        cvGlmnetBinomial(d.columns, d.y, d.foldid, tolerance === undefined ? {} : { tolerance });
      fit(1e-7); // warm-up
      const runs = [timed(() => fit(1e-7)), timed(() => fit(1e-7)), timed(() => fit(1e-7))];
      const thresh = runs[0]!.value;
      const optimum = timed(() => fit());
      const ms = median(runs.map((t) => t.ms));
      const cpuMs = median(runs.map((t) => t.cpuMs));
      return {
        ours_thresh_wall_ms: ms,
        ours_thresh_cpu_ms: cpuMs,
        ours_optimum_wall_ms: optimum.ms,
        ours_optimum_cpu_ms: optimum.cpuMs,
        r_glmnet_wall_ms: r.median_ms,
        r_glmnet_cpu_ms: r.median_cpu_ms,
        'ratio_thresh_cpu (ours/R)': cpuMs / r.median_cpu_ms,
        'ratio_thresh_wall (ours/R)': ms / r.median_ms,
        'ratio_optimum_cpu (ours/R)': optimum.cpuMs / r.median_cpu_ms,
        // Same answer as R: relative differences of λ.min and λ.1se, cvm at λ.min, nonzero at λ.1se.
        lambda_min_rel_diff: Math.abs(thresh.lambdaMin / r.lambda_min - 1),
        lambda_1se_rel_diff: Math.abs(thresh.lambda1se / r.lambda_1se - 1),
        cvm_min_abs_diff_thresh: Math.abs((thresh.cvm[thresh.indexMin] as number) - r.cvm_min),
        cvm_min_abs_diff_optimum: Math.abs((optimum.value.cvm[optimum.value.indexMin] as number) - r.cvm_min),
        nonzero_1se_ours: thresh.path.df[thresh.index1se] as number,
        nonzero_1se_r: r.nonzero_1se,
      };
    },
  },
];
