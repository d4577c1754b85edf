/**
 * Stepwise selection for logistic regression.
 *
 * - criterion 'aic' / 'bic': R's `step()` (stats 4.2) for a binomial glm. Each step compares the
 *   current model ("<none>") with every single-term deletion (drop1) and, for 'forward' and
 *   'both', every single-term addition from the scope (add1), by AIC = deviance + k·edf (k = 2,
 *   or log n for BIC; extractAIC.glm for a 0/1 outcome). The best row by a stable sort wins, so a
 *   tie keeps the current model, then prefers a deletion over an addition and earlier terms over
 *   later ones, as R's `order()` on the same row order does; the search stops when the best
 *   change does not lower the criterion by more than 1e-7 (step's `bAIC >= AIC + 1e-07`).
 * - criterion 'p': selection by likelihood-ratio p-values (drop1/add1 with test = "Chisq"), the
 *   "p-entry / p-stay" stepwise of SPSS (Forward/Backward: LR) and of most radiomics papers.
 *   Forward adds the candidate with the smallest p while p < pEnter; backward removes the term
 *   with the largest p while p > pRemove; 'both' starts from the start model, removes first,
 *   then after every addition re-checks removals. pEnter must not exceed pRemove, else a term
 *   could enter and leave forever; a model met twice stops the search with a warning.
 *
 * A term is one or more design columns (a factor's dummy columns enter and leave together, with
 * their joint LR test on as many df). Rows with a missing value in the outcome or in any scope
 * column are dropped once, up front, so every compared model uses the same rows (R's step()
 * stops with "number of rows in use has changed" otherwise). Forced terms (`keep`, step's
 * `scope = list(lower = …)`) are never removed.
 */
import { pchisq } from './distributions/index.js';
import { StatsInputError } from './common.js';
import { logisticRegression } from './logistic.js';
import type { LogisticFit } from './logistic.js';

export interface StepwiseTerm {
  name: string;
  /** One column for a numeric predictor, several for the dummy columns of a factor. */
  columns: readonly ArrayLike<number>[];
  /** Names of the design columns (default: the term name, or name1, name2, … for several). */
  columnNames?: readonly string[];
}

export type StepwiseDirection = 'backward' | 'forward' | 'both';
export type StepwiseCriterion = 'aic' | 'bic' | 'p';

export interface StepwiseOptions {
  /** Default 'both' (R's step()). */
  direction?: StepwiseDirection;
  /** Default 'aic'. */
  criterion?: StepwiseCriterion;
  /**
   * Terms of the starting model. Default: every term for 'backward' and 'both' (R's
   * step(full_model)), only the forced terms for 'forward' (step(null_model, scope = full)).
   */
  start?: readonly string[];
  /** Terms that are never removed (scope lower). They are part of every model. */
  keep?: readonly string[];
  /** Criterion 'p': a term enters when its LR-test p < pEnter (default 0.05). */
  pEnter?: number;
  /** Criterion 'p': a term leaves when its LR-test p > pRemove (default 0.10). */
  pRemove?: number;
  /** Upper bound on the number of steps (step's `steps`, default 1000). */
  maxSteps?: number;
}

export interface StepwiseCandidate {
  action: '+' | '-';
  term: string;
  df: number;
  deviance: number;
  /** AIC (or BIC) of the model after this change. */
  aic: number;
  /** Likelihood-ratio test of the change (drop1/add1 test = "Chisq"). */
  lrt: number;
  pValue: number;
}

export interface StepwiseStep {
  /** 0 for the starting model. */
  step: number;
  action: 'start' | '+' | '-';
  term: string | null;
  /** Terms in the model after this step. */
  terms: string[];
  deviance: number;
  /** AIC with the chosen penalty (BIC when criterion is 'bic'). */
  aic: number;
  pValue: number | null;
  /** Every change that was considered at this step, in R's row order. */
  candidates: StepwiseCandidate[];
}

export interface StepwiseResult {
  selected: string[];
  fit: LogisticFit;
  steps: StepwiseStep[];
  criterion: StepwiseCriterion;
  direction: StepwiseDirection;
  /** The AIC penalty per parameter that was used (2, log n, or 2 for criterion 'p'). */
  k: number;
  n: number;
  nMissing: number;
  warnings: string[];
}

interface ModelEval {
  terms: string[];
  fit: LogisticFit;
  edf: number;
}

/** Stepwise logistic regression of y (0/1, NaN missing) over the given terms. */
export function stepwiseLogistic(
  terms: readonly StepwiseTerm[],
  y: ArrayLike<number>,
  opts: StepwiseOptions = {},
): StepwiseResult {
  const direction = opts.direction ?? 'both';
  const criterion = opts.criterion ?? 'aic';
  const pEnter = opts.pEnter ?? 0.05;
  const pRemove = opts.pRemove ?? 0.1;
  const maxSteps = opts.maxSteps ?? 1000;
  if (terms.length === 0) throw new StatsInputError('stepwise selection: no candidate terms were given');
  if (!(pEnter > 0 && pEnter < 1) || !(pRemove > 0 && pRemove < 1)) {
    throw new StatsInputError(`stepwise selection: pEnter (${pEnter}) and pRemove (${pRemove}) must lie in (0, 1)`);
  }
  if (criterion === 'p' && direction === 'both' && pEnter > pRemove) {
    throw new StatsInputError(
      `stepwise selection: pEnter (${pEnter}) is larger than pRemove (${pRemove}); a term could enter and leave forever`,
    );
  }
  const byName = new Map<string, StepwiseTerm>();
  for (const t of terms) {
    if (byName.has(t.name)) throw new StatsInputError(`stepwise selection: the term '${t.name}' is given twice`);
    if (t.columns.length === 0) throw new StatsInputError(`stepwise selection: the term '${t.name}' has no columns`);
    for (const c of t.columns) {
      if (c.length !== y.length) {
        throw new StatsInputError(`stepwise selection: the term '${t.name}' has ${c.length} values, the outcome ${y.length}`);
      }
    }
    byName.set(t.name, t);
  }
  const keep = [...(opts.keep ?? [])];
  for (const k of keep)
    if (!byName.has(k)) throw new StatsInputError(`stepwise selection: forced term '${k}' is not a candidate`);
  const start = opts.start ? [...opts.start] : direction === 'forward' ? [...keep] : terms.map((t) => t.name);
  for (const s of start)
    if (!byName.has(s)) throw new StatsInputError(`stepwise selection: start term '${s}' is not a candidate`);
  for (const k of keep) if (!start.includes(k)) start.push(k);

  // Complete cases over the outcome and every scope column, once.
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i] as number)) continue;
    let ok = true;
    for (const t of terms) for (const c of t.columns) if (Number.isNaN(c[i] as number)) ok = false;
    if (ok) rows.push(i);
  }
  const n = rows.length;
  const sub = (a: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) out[r] = a[rows[r] as number] as number;
    return out;
  };
  const yy = sub(y);
  const design = new Map<string, { cols: Float64Array[]; names: string[] }>();
  for (const t of terms) {
    const names =
      t.columnNames && t.columnNames.length === t.columns.length
        ? [...t.columnNames]
        : t.columns.length === 1
          ? [t.name]
          : t.columns.map((_, j) => `${t.name}${j + 1}`);
    design.set(t.name, { cols: t.columns.map(sub), names });
  }
  const k = criterion === 'bic' ? Math.log(n) : 2;
  const order = terms.map((t) => t.name);
  const sortTerms = (ts: Iterable<string>): string[] => {
    const set = new Set(ts);
    return order.filter((t) => set.has(t));
  };

  const cache = new Map<string, ModelEval | Error>();
  const evaluate = (ts: readonly string[]): ModelEval | Error => {
    const key = sortTerms(ts).join('\u0000');
    const hit = cache.get(key);
    if (hit) return hit;
    const cols: Float64Array[] = [];
    const names: string[] = [];
    for (const t of sortTerms(ts)) {
      const d = design.get(t) as { cols: Float64Array[]; names: string[] };
      cols.push(...d.cols);
      names.push(...d.names);
    }
    let result: ModelEval | Error;
    try {
      const fit = logisticRegression(cols, yy, { names });
      result = { terms: sortTerms(ts), fit, edf: fit.coefficients.length };
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      result = e;
    }
    cache.set(key, result);
    return result;
  };

  const warnings: string[] = [];
  const first = evaluate(start);
  if (first instanceof Error)
    throw new StatsInputError(`stepwise selection: the starting model cannot be fitted: ${first.message}`);
  let current = first;
  const aicOf = (m: ModelEval): number => m.fit.deviance + k * m.edf;
  const steps: StepwiseStep[] = [
    {
      step: 0,
      action: 'start',
      term: null,
      terms: [...current.terms],
      deviance: current.fit.deviance,
      aic: aicOf(current),
      pValue: null,
      candidates: [],
    },
  ];
  const skipped = new Set<string>();
  const candidatesOf = (from: ModelEval, actions: readonly ('+' | '-')[]): StepwiseCandidate[] => {
    const out: StepwiseCandidate[] = [];
    for (const action of actions) {
      const pool = action === '-' ? from.terms.filter((t) => !keep.includes(t)) : order.filter((t) => !from.terms.includes(t));
      for (const term of pool) {
        const next = action === '-' ? from.terms.filter((t) => t !== term) : [...from.terms, term];
        const m = evaluate(next);
        if (m instanceof Error) {
          if (!skipped.has(term)) {
            skipped.add(term);
            warnings.push(`term '${term}' was not considered (${action === '+' ? 'adding' : 'removing'} it: ${m.message})`);
          }
          continue;
        }
        const df = Math.abs(m.edf - from.edf);
        if (df === 0) continue;
        const lrt = Math.abs(m.fit.deviance - from.fit.deviance);
        out.push({ action, term, df, deviance: m.fit.deviance, aic: aicOf(m), lrt, pValue: pchisq(lrt, df, false) });
      }
    }
    return out;
  };
  const apply = (c: StepwiseCandidate, candidates: StepwiseCandidate[]): void => {
    const next = c.action === '-' ? current.terms.filter((t) => t !== c.term) : [...current.terms, c.term];
    current = evaluate(next) as ModelEval;
    steps.push({
      step: steps.length,
      action: c.action,
      term: c.term,
      terms: [...current.terms],
      deviance: current.fit.deviance,
      aic: aicOf(current),
      pValue: c.pValue,
      candidates,
    });
  };

  const actions: ('+' | '-')[] = direction === 'backward' ? ['-'] : direction === 'forward' ? ['+'] : ['-', '+'];
  if (criterion !== 'p') {
    for (let s = 0; s < maxSteps; s++) {
      const cands = candidatesOf(current, actions);
      const noneAic = aicOf(current);
      let best: StepwiseCandidate | null = null;
      // Stable: "<none>" first, then the rows in order; a later row must be strictly smaller.
      let bestAic = noneAic;
      for (const c of cands) {
        if (c.aic < bestAic) {
          best = c;
          bestAic = c.aic;
        }
      }
      if (!best) break;
      if (best.aic >= noneAic + 1e-7) break;
      apply(best, cands);
    }
  } else {
    const seen = new Set<string>([current.terms.join('\u0000')]);
    const removeWhilePossible = (): boolean => {
      for (;;) {
        if (steps.length > maxSteps) return false;
        const cands = candidatesOf(current, ['-']);
        let worst: StepwiseCandidate | null = null;
        for (const c of cands) if (c.pValue > pRemove && (!worst || c.pValue > worst.pValue)) worst = c;
        if (!worst) return true;
        apply(worst, cands);
        if (!remember()) return false;
      }
    };
    const remember = (): boolean => {
      const key = current.terms.join('\u0000');
      if (seen.has(key)) {
        warnings.push(`the search returned to an earlier model (${current.terms.join(', ') || 'intercept only'}) and stopped`);
        return false;
      }
      seen.add(key);
      return true;
    };
    let go = direction === 'forward' ? true : removeWhilePossible();
    while (go && direction !== 'backward' && steps.length <= maxSteps) {
      const cands = candidatesOf(current, ['+']);
      let best: StepwiseCandidate | null = null;
      for (const c of cands) if (c.pValue < pEnter && (!best || c.pValue < best.pValue)) best = c;
      if (!best) break;
      apply(best, cands);
      if (!remember()) break;
      if (direction === 'both') go = removeWhilePossible();
    }
  }
  if (steps.length > maxSteps) warnings.push(`the search stopped after the step limit of ${maxSteps}`);
  warnings.push(...current.fit.warnings.map((w) => `final model: ${w}`));
  return {
    selected: [...current.terms],
    fit: current.fit,
    steps,
    criterion,
    direction,
    k,
    n,
    nMissing: y.length - n,
    warnings,
  };
}
