/**
 * Hyper-parameter search by nested cross-validation. Every combination of a model's grid is
 * scored by an inner cross-validation of the rows it is given (an outer fold's training rows, or
 * for the final model the whole training set) and the best one is refitted on all of them. The
 * caller's fit closure refits the whole pipeline (imputation, scaling, selection, model), so the
 * inner search sees only the rows handed to it: an outer fold's test rows are never among them,
 * and the outer CV estimate stays honest (Varma & Simon, BMC Bioinformatics 2006;7:91; the
 * scikit-learn GridSearchCV-inside-cross_val_score pattern).
 *
 * Score: the AUC of the pooled out-of-fold predictions (or their Brier score, lower is better);
 * ties keep the first combination in grid order, so the choice is deterministic given the seed.
 */
import { StatsInputError } from '../stats/common.js';
import { roc } from '../stats/roc/curve.js';
import type { Params } from './models/params.js';
import { makeFolds } from './split.js';

export type GridValue = number | string | boolean;
export type Grid = Readonly<Record<string, readonly GridValue[]>>;

/** Fits the pipeline with these hyper-parameters on `fitRows`; returns the predictor of other rows. */
export type FitWithParams = (params: Params, fitRows: readonly number[]) => (predictRows: readonly number[]) => Float64Array;

export interface GridScore {
  params: Params;
  /** Inner-CV AUC (or Brier); null when a fold could not be fitted. */
  score: number | null;
  failure?: string;
}

export interface GridSearchResult {
  best: Params;
  metric: 'auc' | 'brier';
  bestScore: number;
  scores: GridScore[];
}

/** Every combination of the grid, the first parameter varying slowest. */
export function gridCombinations(grid: Grid): Params[] {
  let out: Params[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    const next: Params[] = [];
    for (const base of out) for (const v of values) next.push({ ...base, [name]: v });
    out = next;
  }
  return out;
}

export function gridSearch(
  fit: FitWithParams,
  rows: readonly number[],
  y: ArrayLike<number>,
  groups: readonly string[],
  grid: Grid,
  inner: { k: number; metric: 'auc' | 'brier' },
  seed: number,
): GridSearchResult {
  const yRows = Float64Array.from(rows, (i) => y[i] as number);
  const folds = makeFolds(
    { groups: rows.map((i) => groups[i] as string), y: yRows },
    { k: inner.k, seed, stratify: true },
  )[0] as Int32Array;
  const scores: GridScore[] = [];
  for (const params of gridCombinations(grid)) {
    const oof = new Float64Array(rows.length).fill(NaN);
    let failure: string | undefined;
    for (let f = 1; f <= inner.k && failure === undefined; f++) {
      const fitAt: number[] = [];
      const heldAt: number[] = [];
      for (let t = 0; t < rows.length; t++) (folds[t] === f ? heldAt : fitAt).push(t);
      if (heldAt.length === 0) continue;
      try {
        const predict = fit(
          params,
          fitAt.map((t) => rows[t] as number),
        );
        const p = predict(heldAt.map((t) => rows[t] as number));
        heldAt.forEach((t, h) => (oof[t] = p[h] as number));
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        failure = `inner fold ${f}: ${e.message}`;
      }
    }
    if (failure === undefined && oof.some((v) => !Number.isFinite(v))) failure = 'a prediction was not finite';
    let score: number | null = null;
    if (failure === undefined) {
      if (inner.metric === 'auc') score = roc(yRows, oof, { direction: '<' }).auc;
      else {
        let s = 0;
        for (let t = 0; t < rows.length; t++) s += ((oof[t] as number) - (yRows[t] as number)) ** 2;
        score = s / rows.length;
      }
    }
    scores.push({ params, score, ...(failure !== undefined ? { failure } : {}) });
  }
  let best = -1;
  for (let c = 0; c < scores.length; c++) {
    const s = scores[c]!.score;
    if (s === null) continue;
    const b = best < 0 ? null : scores[best]!.score!;
    if (b === null || (inner.metric === 'auc' ? s > b : s < b)) best = c;
  }
  if (best < 0)
    throw new StatsInputError(
      `grid search: no combination could be fitted in the inner cross-validation (${scores[0]?.failure ?? 'empty grid'})`,
    );
  return { best: scores[best]!.params, metric: inner.metric, bestScore: scores[best]!.score!, scores };
}
