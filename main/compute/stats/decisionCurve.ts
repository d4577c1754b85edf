/**
 * Decision-curve analysis (Vickers & Elkin 2006, Med. Decis. Making 26:565): net benefit of
 * treating patients whose predicted risk is ≥ the threshold probability p_t,
 *   NB = TP/n − FP/n · p_t/(1 − p_t),
 * against treat-all (prevalence − (1 − prevalence)·p_t/(1 − p_t)) and treat-none (0), the
 * standardized net benefit NB / prevalence (Kerr et al. 2016), and net interventions avoided
 * per 100 patients, (NB_model − NB_all) / (p_t/(1 − p_t)) · 100.
 */
import { StatsInputError } from './common.js';
import { quantileSorted } from './descriptives.js';
import { Rng } from './random.js';

export interface DecisionCurvePoint {
  threshold: number;
  netBenefit: number;
  treatAll: number;
  treatNone: number;
  standardizedNetBenefit: number;
  interventionsAvoidedPer100: number;
  truePositives: number;
  falsePositives: number;
}

export function decisionCurve(
  risk: ArrayLike<number>,
  outcome: ArrayLike<number>,
  thresholds: ArrayLike<number>,
): { points: DecisionCurvePoint[]; prevalence: number; n: number; nMissing: number } {
  if (risk.length !== outcome.length)
    throw new StatsInputError(`decision curve: risk and outcome differ in length (${risk.length} vs ${outcome.length})`);
  const r: number[] = [];
  const y: number[] = [];
  let nMissing = 0;
  for (let i = 0; i < risk.length; i++) {
    const ri = risk[i] as number;
    const yi = outcome[i] as number;
    if (Number.isNaN(ri) || Number.isNaN(yi)) {
      nMissing++;
      continue;
    }
    if (yi !== 0 && yi !== 1) throw new StatsInputError(`decision curve: outcome at row ${i + 1} is ${yi}; expected 0 or 1`);
    r.push(ri);
    y.push(yi);
  }
  const n = r.length;
  if (n === 0) throw new StatsInputError('decision curve: no complete rows');
  const events = y.reduce((a, b) => a + b, 0);
  const prevalence = events / n;
  const points: DecisionCurvePoint[] = [];
  for (let k = 0; k < thresholds.length; k++) {
    const pt = thresholds[k] as number;
    if (!(pt > 0 && pt < 1)) throw new StatsInputError(`decision curve: threshold ${pt} must be strictly between 0 and 1`);
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < n; i++) {
      if ((r[i] as number) >= pt) {
        if (y[i] === 1) tp++;
        else fp++;
      }
    }
    const odds = pt / (1 - pt);
    const nb = tp / n - (fp / n) * odds;
    const all = prevalence - (1 - prevalence) * odds;
    points.push({
      threshold: pt,
      netBenefit: nb,
      treatAll: all,
      treatNone: 0,
      standardizedNetBenefit: prevalence > 0 ? nb / prevalence : NaN,
      interventionsAvoidedPer100: ((nb - all) / odds) * 100,
      truePositives: tp,
      falsePositives: fp,
    });
  }
  return { points, prevalence, n, nMissing };
}

export interface NetBenefitBand {
  threshold: number;
  /** Percentile bootstrap interval of the model's net benefit. */
  lower: number;
  upper: number;
  /** Same for treat-all, which also varies with the resampled prevalence. */
  treatAllLower: number;
  treatAllUpper: number;
}

/**
 * Percentile bootstrap bands for the decision curve: subjects are resampled with replacement
 * (seeded xoshiro128**, reproducible), the net benefit recomputed at every threshold, and the
 * (1 − conf)/2 and (1 + conf)/2 type-7 quantiles of the replicates reported.
 */
export function decisionCurveBootstrap(
  risk: ArrayLike<number>,
  outcome: ArrayLike<number>,
  thresholds: ArrayLike<number>,
  opts: { replicates?: number; seed?: number; confLevel?: number } = {},
): NetBenefitBand[] {
  const B = opts.replicates ?? 1000;
  const conf = opts.confLevel ?? 0.95;
  if (!(B >= 10) || !Number.isInteger(B))
    throw new StatsInputError(`decision curve: replicates must be an integer ≥ 10 (got ${B})`);
  const base = decisionCurve(risk, outcome, thresholds); // validates inputs
  const r: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < risk.length; i++) {
    if (Number.isNaN(risk[i] as number) || Number.isNaN(outcome[i] as number)) continue;
    r.push(risk[i] as number);
    y.push(outcome[i] as number);
  }
  const n = r.length;
  const k = thresholds.length;
  const nb = Array.from({ length: k }, () => new Float64Array(B));
  const all = Array.from({ length: k }, () => new Float64Array(B));
  const rng = new Rng(opts.seed ?? 1);
  const br = new Float64Array(n);
  const by = new Float64Array(n);
  for (let b = 0; b < B; b++) {
    let events = 0;
    for (let i = 0; i < n; i++) {
      const j = rng.nextInt(n);
      br[i] = r[j] as number;
      by[i] = y[j] as number;
      events += by[i] as number;
    }
    const prev = events / n;
    for (let t = 0; t < k; t++) {
      const pt = thresholds[t] as number;
      let tp = 0;
      let fp = 0;
      for (let i = 0; i < n; i++) {
        if ((br[i] as number) >= pt) {
          if (by[i] === 1) tp++;
          else fp++;
        }
      }
      const odds = pt / (1 - pt);
      nb[t]![b] = tp / n - (fp / n) * odds;
      all[t]![b] = prev - (1 - prev) * odds;
    }
  }
  const a = (1 - conf) / 2;
  return base.points.map((p, t) => {
    const [lo, hi] = quantileSorted(nb[t]!.sort(), [a, 1 - a]) as unknown as [number, number];
    const [alo, ahi] = quantileSorted(all[t]!.sort(), [a, 1 - a]) as unknown as [number, number];
    return { threshold: p.threshold, lower: lo, upper: hi, treatAllLower: alo, treatAllUpper: ahi };
  });
}
