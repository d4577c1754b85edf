/**
 * Empirical ROC curve and AUC as pROC's `roc()` (Robin et al. 2011, BMC Bioinformatics 12:77):
 * controls are the first level, cases the second; direction '<' means controls < t ≤ cases
 * (higher predictor = more likely a case), '>' the reverse, and 'auto' picks '<' when
 * median(controls) ≤ median(cases). Thresholds are −∞, the midpoints between consecutive
 * distinct predictor values, and +∞, exactly as pROC's roc.utils.thresholds (including its
 * repair of midpoints that round onto a data value). AUC is the Mann–Whitney estimate, ties
 * counting one half, which equals the trapezoidal area pROC reports.
 */
import { StatsInputError, dropMissing } from '../common.js';
import { median } from '../descriptives.js';

export type RocDirection = '<' | '>';

export interface RocCurve {
  /** Predictor values of controls and cases, in input order (NaN removed). */
  controls: Float64Array;
  cases: Float64Array;
  direction: RocDirection;
  /** Thresholds in pROC's order: increasing for '<', decreasing for '>'. */
  thresholds: Float64Array;
  sensitivities: Float64Array;
  specificities: Float64Array;
  auc: number;
  /** Observations dropped for a missing predictor or outcome. */
  nMissing: number;
}

export interface RocOptions {
  direction?: RocDirection | 'auto';
}

/** ROC curve from separate control and case predictor values. */
export function rocFromGroups(controls: ArrayLike<number>, cases: ArrayLike<number>, opts: RocOptions = {}): RocCurve {
  const c0 = dropMissing(controls);
  const c1 = dropMissing(cases);
  const nMissing = c0.nMissing + c1.nMissing;
  if (c0.values.length === 0)
    throw new StatsInputError('ROC: no controls (outcome = 0) with a predictor value; both classes are needed');
  if (c1.values.length === 0)
    throw new StatsInputError('ROC: no cases (outcome = 1) with a predictor value; both classes are needed');
  let direction = opts.direction ?? 'auto';
  if (direction === 'auto') direction = median(c0.values) <= median(c1.values) ? '<' : '>';
  const { thresholds, sensitivities, specificities } = curvePoints(c0.values, c1.values, direction);
  return {
    controls: c0.values,
    cases: c1.values,
    direction,
    thresholds,
    sensitivities,
    specificities,
    auc: aucMannWhitney(c0.values, c1.values, direction),
    nMissing,
  };
}

/**
 * ROC curve from a binary outcome (1 = case, 0 = control; NaN = missing) and a predictor.
 * Rows with a missing outcome or predictor are dropped and counted.
 */
export function roc(outcome: ArrayLike<number>, predictor: ArrayLike<number>, opts: RocOptions = {}): RocCurve {
  if (outcome.length !== predictor.length) {
    throw new StatsInputError(`ROC: outcome and predictor differ in length (${outcome.length} vs ${predictor.length})`);
  }
  const controls: number[] = [];
  const cases: number[] = [];
  let nMissing = 0;
  for (let i = 0; i < outcome.length; i++) {
    const y = outcome[i] as number;
    const x = predictor[i] as number;
    if (Number.isNaN(y) || Number.isNaN(x)) {
      nMissing++;
      continue;
    }
    if (y === 1) cases.push(x);
    else if (y === 0) controls.push(x);
    else throw new StatsInputError(`ROC: outcome at row ${i + 1} is ${y}; expected 0 (control) or 1 (case)`);
  }
  const r = rocFromGroups(controls, cases, opts);
  return { ...r, nMissing };
}

/** pROC's candidate thresholds for the sorted distinct predictor values. */
export function rocThresholds(sortedUnique: Float64Array, direction: RocDirection): Float64Array {
  const k = sortedUnique.length;
  const t = new Float64Array(k + 1);
  const values = new Set<number>(sortedUnique);
  for (let i = 0; i <= k; i++) {
    const lo = i === 0 ? -Infinity : (sortedUnique[i - 1] as number);
    const hi = i === k ? Infinity : (sortedUnique[i] as number);
    let m = (lo + hi) / 2;
    if (Math.abs(m) > 1e100) m = lo / 2 + hi / 2;
    // Midpoint of two adjacent doubles rounds onto one of them: move it to the side that keeps
    // the intended split (pROC: '<' keeps the upper value, '>' takes the lower).
    if (values.has(m)) {
      if (direction === '<') {
        if (m === lo) m = hi;
      } else if (m === hi) m = lo;
    }
    t[i] = m;
  }
  return t;
}

function curvePoints(
  controls: Float64Array,
  cases: Float64Array,
  direction: RocDirection,
): { thresholds: Float64Array; sensitivities: Float64Array; specificities: Float64Array } {
  const all = new Float64Array(controls.length + cases.length);
  all.set(controls, 0);
  all.set(cases, controls.length);
  all.sort();
  let k = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[k++] = all[i] as number;
  const uniq = all.slice(0, k);
  const thr = rocThresholds(uniq, direction);
  const sc = Float64Array.from(controls).sort();
  const sx = Float64Array.from(cases).sort();
  const nT = thr.length;
  const se = new Float64Array(nT);
  const sp = new Float64Array(nT);
  // Sweep thresholds upward with two pointers: counts of values < t.
  let ic = 0;
  let ix = 0;
  for (let i = 0; i < nT; i++) {
    const t = thr[i] as number;
    while (ic < sc.length && (sc[ic] as number) < t) ic++;
    while (ix < sx.length && (sx[ix] as number) < t) ix++;
    // '<': case positive when x ≥ t; control negative when x < t.
    se[i] = (sx.length - ix) / sx.length;
    sp[i] = ic / sc.length;
  }
  if (direction === '<') return { thresholds: thr, sensitivities: se, specificities: sp };
  // '>': positive when x ≤ t. With midpoint thresholds no value equals t, so "≤ t" = "< t".
  const thrD = new Float64Array(nT);
  const seD = new Float64Array(nT);
  const spD = new Float64Array(nT);
  ic = 0;
  ix = 0;
  const leC = new Float64Array(nT);
  const leX = new Float64Array(nT);
  for (let i = 0; i < nT; i++) {
    const t = thr[i] as number;
    while (ic < sc.length && (sc[ic] as number) <= t) ic++;
    while (ix < sx.length && (sx[ix] as number) <= t) ix++;
    leC[i] = ic;
    leX[i] = ix;
  }
  for (let i = 0; i < nT; i++) {
    const j = nT - 1 - i;
    thrD[i] = thr[j] as number;
    seD[i] = (leX[j] as number) / sx.length;
    spD[i] = (sc.length - (leC[j] as number)) / sc.length;
  }
  return { thresholds: thrD, sensitivities: seD, specificities: spD };
}

/** AUC = P(case ranks above control) + ½ P(tie), in the direction given. O((m+n) log(m+n)). */
export function aucMannWhitney(controls: ArrayLike<number>, cases: ArrayLike<number>, direction: RocDirection): number {
  const sc = Float64Array.from(controls).sort();
  const sx = Float64Array.from(cases).sort();
  const n = sc.length;
  const m = sx.length;
  let lt = 0; // controls strictly below current case value
  let le = 0; // controls at or below
  let s = 0;
  for (let i = 0; i < m; i++) {
    const v = sx[i] as number;
    while (lt < n && (sc[lt] as number) < v) lt++;
    while (le < n && (sc[le] as number) <= v) le++;
    s += direction === '<' ? lt + 0.5 * (le - lt) : n - le + 0.5 * (le - lt);
  }
  return s / (m * n);
}
