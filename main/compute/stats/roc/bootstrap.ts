/**
 * Stratified bootstrap CI of the AUC (pROC ci.auc(method = "bootstrap", boot.stratified =
 * TRUE)): cases and controls are resampled separately with replacement, the direction of the
 * original curve is kept, and the CI is the type-7 quantile of the replicate AUCs. The random
 * stream is RadStudy's seeded xoshiro128**, not R's, so results agree with pROC in
 * distribution (Monte-Carlo error), and exactly between runs with the same seed.
 *
 * A replicate is represented by how often each (sorted) observation was drawn, so its AUC is
 * one weighted merge of the sorted controls and cases, O(n + m), with no sorting per replicate.
 */
import { Rng } from '../random.js';
import { quantileSorted } from '../descriptives.js';
import { StatsInputError } from '../common.js';
import type { RocCurve } from './curve.js';

export interface BootstrapAucCi {
  auc: number;
  confInt: [number, number];
  /** Median of the replicate AUCs. */
  median: number;
  replicates: Float64Array;
  seed: number;
}

export function aucBootstrapCi(
  curve: RocCurve,
  opts: { replicates?: number; confLevel?: number; seed?: number } = {},
): BootstrapAucCi {
  const B = opts.replicates ?? 2000;
  const confLevel = opts.confLevel ?? 0.95;
  const seed = opts.seed ?? 1;
  if (!(B >= 10) || !Number.isInteger(B)) throw new StatsInputError(`bootstrap: replicates must be an integer ≥ 10 (got ${B})`);
  const rng = new Rng(seed);
  const n = curve.controls.length;
  const m = curve.cases.length;
  const sc = Float64Array.from(curve.controls).sort();
  const sx = Float64Array.from(curve.cases).sort();
  const wc = new Float64Array(n);
  const wx = new Float64Array(m);
  const reps = new Float64Array(B);
  const lessFirst = curve.direction === '<';
  for (let b = 0; b < B; b++) {
    wc.fill(0);
    wx.fill(0);
    for (let i = 0; i < n; i++) wc[rng.nextInt(n)]++;
    for (let i = 0; i < m; i++) wx[rng.nextInt(m)]++;
    // Sweep cases in increasing order; `below`/`tied` = drawn controls < and = the case value.
    let k = 0;
    let below = 0;
    let s = 0;
    for (let j = 0; j < m; j++) {
      const w = wx[j] as number;
      const v = sx[j] as number;
      while (k < n && (sc[k] as number) < v) below += wc[k++] as number;
      let tied = 0;
      for (let t = k; t < n && sc[t] === v; t++) tied += wc[t] as number;
      if (w === 0) continue;
      s += w * ((lessFirst ? below : n - below - tied) + 0.5 * tied);
    }
    reps[b] = s / (n * m);
  }
  const sorted = Float64Array.from(reps).sort();
  const a = (1 - confLevel) / 2;
  const [lo, med, hi] = quantileSorted(sorted, [a, 0.5, 1 - a]) as unknown as [number, number, number];
  return { auc: curve.auc, confInt: [lo, hi], median: med, replicates: reps, seed };
}
