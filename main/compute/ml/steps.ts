/**
 * Pipeline steps in scikit-learn's fit/transform sense: `fitStep` learns from training rows only
 * and returns a JSON state; `applyStep` uses that state on any rows (a CV fold, the test set, an
 * external center, a new case). Selection steps never drop a forced feature.
 *
 * Definitions (each cites what it reproduces):
 * - impute: per-feature median (R median / numpy median) or mean of the training values.
 * - scale: z-score with the population SD (sklearn StandardScaler, ddof = 0), min–max to [0, 1]
 *   (MinMaxScaler), robust: (x − median) / IQR with type-7 quantiles (RobustScaler).
 * - variance: keep features whose population variance exceeds the threshold (VarianceThreshold).
 * - icc: keep features whose inter-reader ICC (from the dual-reader study) reaches `min`.
 * - univariate: Mann–Whitney U (wilcox.test) or Welch t-test; keep p < alpha, optionally after
 *   Benjamini–Hochberg (p.adjust "BH").
 * - correlation: greedy pruning; features ranked by |AUC − 0.5| on the training rows, a feature
 *   is dropped when |r| (Pearson or Spearman) with a better-ranked kept feature exceeds t.
 * - f_classif: one-way ANOVA F (sklearn f_classif), the k largest.
 * - mrmr: minimum-redundancy maximum-relevance, F-statistic relevance over mean |Pearson r|
 *   redundancy (the "FCQ" quotient of Ding & Peng 2005 §2.2), greedy, k features.
 * - lasso: cv.glmnet (binomial, deviance, folds keep patients together), coefficients non-zero
 *   at lambda.min or lambda.1se; `alpha` < 1 for the elastic net.
 * - stepwise: stepwise logistic regression (AIC, BIC or LR p-values) as R's step().
 * - combat: ComBat harmonisation across centers (sva::ComBat; combat.ts), covariates kept; it
 *   needs each row's center (and covariates) at fit and at apply time (RowContext).
 */
import { StatsInputError } from '../stats/common.js';
import { quantileSorted } from '../stats/descriptives.js';
import { mannWhitneyTest } from '../stats/wilcoxon.js';
import { tTestTwoSample } from '../stats/ttest.js';
import { pAdjust } from '../stats/padjust.js';
import { pearsonR } from '../stats/correlation.js';
import { midRanks } from '../stats/common.js';
import { aucMannWhitney } from '../stats/roc/curve.js';
import { cvGlmnetBinomial } from '../stats/glmnet.js';
import { stepwiseLogistic } from '../stats/stepwise.js';
import type { StepwiseCriterion, StepwiseDirection } from '../stats/stepwise.js';
import { makeFolds } from './split.js';
import { applyCombat, fitCombat } from './combat.js';
import type { CombatModel } from './combat.js';
import type { DataMatrix } from './types.js';
import { column, takeColumns } from './types.js';

export type StepSpec =
  | { step: 'impute'; strategy?: 'median' | 'mean' }
  | { step: 'scale'; method?: 'zscore' | 'minmax' | 'robust' }
  | { step: 'variance'; threshold?: number }
  | {
      step: 'icc';
      min: number;
      extraction?: string | number;
      readers?: [string, string];
      form?: 'ICC1' | 'ICC2' | 'ICC3' | 'ICC1k' | 'ICC2k' | 'ICC3k';
    }
  | { step: 'univariate'; test?: 'mannwhitney' | 'ttest'; alpha?: number; fdr?: boolean }
  | { step: 'correlation'; threshold?: number; method?: 'pearson' | 'spearman' }
  | { step: 'f_classif'; k: number }
  | { step: 'mrmr'; k: number }
  | { step: 'lasso'; alpha?: number; lambda?: 'min' | '1se'; folds?: number; maxFeatures?: number }
  | { step: 'combat'; parametric?: boolean; meanOnly?: boolean; covariates?: string[] }
  | {
      step: 'stepwise';
      criterion?: StepwiseCriterion;
      direction?: StepwiseDirection;
      pEnter?: number;
      pRemove?: number;
    };

/**
 * The cv.glmnet path behind a LASSO step, for the coefficient-path and CV-deviance figures:
 * log-spaced λ, mean CV deviance ± SE, and the coefficients (original scale) of every feature
 * that is non-zero somewhere along the path, per λ.
 */
export interface LassoPathState {
  lambda: number[];
  cvm: number[];
  cvsd: number[];
  indexMin: number;
  index1se: number;
  features: string[];
  /** beta[f][k]: feature features[f] at lambda[k]. */
  beta: number[][];
}

export interface FittedStep {
  spec: StepSpec;
  input: string[];
  output: string[];
  /** impute: values; scale: center and scale per input feature; selection: kept input indices. */
  state: {
    values?: number[];
    center?: number[];
    scale?: number[];
    keep?: number[];
    combat?: CombatModel;
    lassoPath?: LassoPathState;
  };
  /** What the step measured per input feature (p-value, F, ICC, |AUC − 0.5|, coefficient …). */
  scores?: Record<string, number>;
  notes: string[];
}

export interface StepContext {
  /** Patient id per training row (folds for LASSO keep a patient's lesions together). */
  groups: readonly string[];
  /** Features no selection step may drop. */
  forced: ReadonlySet<string>;
  /** Inter-reader ICC per feature (for the 'icc' step). */
  icc?: ReadonlyMap<string, number>;
  seed: number;
  /** Center per training row (ComBat's batches) and covariates per training row. */
  batches?: readonly string[];
  covariates?: ReadonlyMap<string, Float64Array>;
}

/** What a step may need to know about the rows it is applied to besides their features. */
export interface RowContext {
  batches?: readonly string[];
  covariates?: ReadonlyMap<string, Float64Array>;
}

function covariateMatrix(names: readonly string[], rows: RowContext, nrow: number): DataMatrix | undefined {
  if (names.length === 0) return undefined;
  const data = new Float64Array(nrow * names.length);
  names.forEach((c, k) => {
    const v = rows.covariates?.get(c);
    if (!v || v.length !== nrow) throw new StatsInputError(`ComBat needs the covariate '${c}' for every row`);
    for (let i = 0; i < nrow; i++) data[i * names.length + k] = v[i] as number;
  });
  return { data, nrow, ncol: names.length };
}

function present(x: Float64Array): Float64Array {
  let k = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i] as number)) k++;
  if (k === x.length) return x;
  const out = new Float64Array(k);
  k = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i] as number)) out[k++] = x[i] as number;
  return out;
}

function needComplete(X: DataMatrix, names: readonly string[], step: string): void {
  for (let j = 0; j < X.ncol; j++) {
    let miss = 0;
    for (let i = 0; i < X.nrow; i++) if (Number.isNaN(X.data[i * X.ncol + j] as number)) miss++;
    if (miss > 0) {
      throw new StatsInputError(
        `step '${step}' needs complete data, but feature '${names[j]}' has ${miss} missing value(s) in the training rows; add an 'impute' step before it`,
      );
    }
  }
}

function classes(x: Float64Array, y: Float64Array): { neg: Float64Array; pos: Float64Array } {
  const neg: number[] = [];
  const pos: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (Number.isNaN(v)) continue;
    (y[i] === 1 ? pos : neg).push(v);
  }
  return { neg: Float64Array.from(neg), pos: Float64Array.from(pos) };
}

/** One-way ANOVA F for two classes (sklearn f_classif); 0 for a constant feature. */
function fStatistic(x: Float64Array, y: Float64Array): number {
  const { neg, pos } = classes(x, y);
  const n = neg.length + pos.length;
  if (neg.length === 0 || pos.length === 0) return 0;
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  const m0 = mean(neg);
  const m1 = mean(pos);
  const m = (m0 * neg.length + m1 * pos.length) / n;
  const ssb = neg.length * (m0 - m) ** 2 + pos.length * (m1 - m) ** 2;
  let ssw = 0;
  for (const v of neg) ssw += (v - m0) ** 2;
  for (const v of pos) ssw += (v - m1) ** 2;
  if (ssw === 0) return ssb === 0 ? 0 : Infinity;
  return ssb / (ssw / (n - 2));
}

function rankColumn(x: Float64Array): Float64Array {
  return midRanks(x).ranks;
}

function selection(
  spec: StepSpec,
  names: readonly string[],
  keep: number[],
  ctx: StepContext,
  scores: Record<string, number>,
  notes: string[],
): FittedStep {
  const set = new Set(keep);
  names.forEach((nm, j) => {
    if (ctx.forced.has(nm) && !set.has(j)) {
      set.add(j);
      notes.push(`'${nm}' kept because it is forced`);
    }
  });
  const k = [...set].sort((a, b) => a - b);
  return { spec, input: [...names], output: k.map((j) => names[j] as string), state: { keep: k }, scores, notes };
}

export function fitStep(spec: StepSpec, X: DataMatrix, y: Float64Array, names: readonly string[], ctx: StepContext): FittedStep {
  const notes: string[] = [];
  const p = X.ncol;
  const cols = (): Float64Array[] => Array.from({ length: p }, (_, j) => column(X, j));
  switch (spec.step) {
    case 'combat': {
      if (!ctx.batches) throw new StatsInputError("step 'combat' needs each row's center (columns.center)");
      needComplete(X, names, 'combat');
      const model = fitCombat(X, ctx.batches, {
        parametric: spec.parametric ?? true,
        meanOnly: spec.meanOnly ?? false,
        covariates: covariateMatrix(spec.covariates ?? [], ctx, X.nrow),
      });
      notes.push(
        `harmonised across ${model.batches.length} centers (${model.batches.join(', ')})${spec.covariates?.length ? `, keeping ${spec.covariates.join(', ')}` : ''}`,
      );
      return { spec, input: [...names], output: [...names], state: { combat: model }, notes };
    }
    case 'impute': {
      const values = cols().map((c, j) => {
        const v = present(c);
        if (v.length === 0) throw new StatsInputError(`impute: feature '${names[j]}' has no value in the training rows`);
        if ((spec.strategy ?? 'median') === 'mean') return v.reduce((s, a) => s + a, 0) / v.length;
        return quantileSorted(Float64Array.from(v).sort(), [0.5])[0] as number;
      });
      return { spec, input: [...names], output: [...names], state: { values }, notes };
    }
    case 'scale': {
      const method = spec.method ?? 'zscore';
      const center: number[] = [];
      const scale: number[] = [];
      cols().forEach((c, j) => {
        const v = present(c);
        if (v.length === 0) throw new StatsInputError(`scale: feature '${names[j]}' has no value in the training rows`);
        let a: number;
        let s: number;
        if (method === 'zscore') {
          a = v.reduce((t, x) => t + x, 0) / v.length;
          s = Math.sqrt(v.reduce((t, x) => t + (x - a) ** 2, 0) / v.length);
        } else if (method === 'minmax') {
          a = Math.min(...v);
          s = Math.max(...v) - a;
        } else {
          const q = quantileSorted(Float64Array.from(v).sort(), [0.25, 0.5, 0.75]);
          const [q1, q2, q3] = [q[0] as number, q[1] as number, q[2] as number];
          a = q2;
          s = q3 - q1;
        }
        // sklearn: a zero scale becomes 1 (the feature is only centred).
        if (!(s > 0)) {
          notes.push(`'${names[j]}' is constant in the training rows; it is centred, not scaled`);
          s = 1;
        }
        center.push(a);
        scale.push(s);
      });
      return { spec, input: [...names], output: [...names], state: { center, scale }, notes };
    }
    case 'variance': {
      const t = spec.threshold ?? 0;
      const scores: Record<string, number> = {};
      const keep: number[] = [];
      cols().forEach((c, j) => {
        const v = present(c);
        const m = v.reduce((s, x) => s + x, 0) / v.length;
        const variance = v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length;
        scores[names[j] as string] = variance;
        if (variance > t) keep.push(j);
      });
      return selection(spec, names, keep, ctx, scores, notes);
    }
    case 'icc': {
      if (!ctx.icc)
        throw new StatsInputError("step 'icc' needs inter-reader ICCs; the data have none (run the dual-reader agreement first)");
      const scores: Record<string, number> = {};
      const keep: number[] = [];
      let missing = 0;
      names.forEach((nm, j) => {
        const v = ctx.icc!.get(nm);
        if (v === undefined || Number.isNaN(v)) {
          missing++;
          return;
        }
        scores[nm] = v;
        if (v >= spec.min) keep.push(j);
      });
      if (missing > 0) notes.push(`${missing} feature(s) without an ICC were dropped`);
      return selection(spec, names, keep, ctx, scores, notes);
    }
    case 'univariate': {
      const alpha = spec.alpha ?? 0.05;
      const pv = cols().map((c) => {
        const { neg, pos } = classes(c, y);
        if (neg.length < 2 || pos.length < 2) return NaN;
        try {
          return spec.test === 'ttest' ? tTestTwoSample(pos, neg).pValue : mannWhitneyTest(pos, neg).pValue;
        } catch (e) {
          if (e instanceof StatsInputError) return NaN; // constant feature: no test
          throw e;
        }
      });
      const finite = pv.map((v) => (Number.isNaN(v) ? 1 : v));
      const adj = spec.fdr ? Array.from(pAdjust(Float64Array.from(finite), 'BH')) : finite;
      const scores: Record<string, number> = {};
      const keep: number[] = [];
      adj.forEach((v, j) => {
        scores[names[j] as string] = v;
        if (v < alpha) keep.push(j);
      });
      return selection(spec, names, keep, ctx, scores, notes);
    }
    case 'correlation': {
      const t = spec.threshold ?? 0.9;
      needComplete(X, names, 'correlation');
      let cs = cols();
      if ((spec.method ?? 'pearson') === 'spearman') cs = cs.map(rankColumn);
      const power = cols().map((c) => {
        const { neg, pos } = classes(c, y);
        return Math.abs(aucMannWhitney(neg, pos, '<') - 0.5);
      });
      // Forced features first, then by discriminative power (stable by column order).
      const order = names
        .map((_, j) => j)
        .sort(
          (a, b) =>
            Number(ctx.forced.has(names[b]!)) - Number(ctx.forced.has(names[a]!)) ||
            (power[b] as number) - (power[a] as number) ||
            a - b,
        );
      const keep: number[] = [];
      const scores: Record<string, number> = {};
      for (const j of order) {
        scores[names[j] as string] = power[j] as number;
        let worst = 0;
        let against = -1;
        for (const i of keep) {
          const r = Math.abs(pearsonR(cs[j] as Float64Array, cs[i] as Float64Array));
          if (r > worst) {
            worst = r;
            against = i;
          }
        }
        if (worst > t && !ctx.forced.has(names[j]!)) {
          notes.push(`'${names[j]}' dropped: |r| = ${worst.toFixed(3)} with '${names[against]}'`);
          continue;
        }
        keep.push(j);
      }
      return selection(spec, names, keep, ctx, scores, notes);
    }
    case 'f_classif':
    case 'mrmr': {
      const f = cols().map((c) => fStatistic(c, y));
      const scores: Record<string, number> = {};
      names.forEach((nm, j) => (scores[nm] = f[j] as number));
      const kk = Math.min(spec.k, p);
      if (spec.step === 'f_classif') {
        const order = names.map((_, j) => j).sort((a, b) => (f[b] as number) - (f[a] as number) || a - b);
        return selection(spec, names, order.slice(0, kk), ctx, scores, notes);
      }
      needComplete(X, names, 'mrmr');
      const cs = cols();
      const chosen: number[] = [];
      const redundancy = new Float64Array(p);
      const left = new Set(names.map((_, j) => j));
      while (chosen.length < kk && left.size > 0) {
        let best = -1;
        let bestScore = -Infinity;
        for (const j of left) {
          const red = chosen.length === 0 ? 1 : Math.max((redundancy[j] as number) / chosen.length, 1e-5);
          const score = (f[j] as number) / red;
          if (score > bestScore) {
            best = j;
            bestScore = score;
          }
        }
        chosen.push(best);
        left.delete(best);
        for (const j of left) redundancy[j] += Math.abs(pearsonR(cs[j] as Float64Array, cs[best] as Float64Array)) || 0;
      }
      return selection(spec, names, chosen, ctx, scores, notes);
    }
    case 'lasso': {
      needComplete(X, names, 'lasso');
      const folds = makeFolds(
        { groups: ctx.groups, y },
        { k: spec.folds ?? 10, seed: ctx.seed, stratify: true },
      )[0] as Int32Array;
      const cv = cvGlmnetBinomial({ data: colMajor(X), nrow: X.nrow }, y, folds, { alpha: spec.alpha ?? 1 });
      const at = spec.lambda === 'min' ? cv.indexMin : cv.index1se;
      const beta = cv.path.beta[at] as Float64Array;
      const scores: Record<string, number> = {};
      let keep: number[] = [];
      names.forEach((nm, j) => {
        scores[nm] = beta[j] as number;
        if ((beta[j] as number) !== 0) keep.push(j);
      });
      if (spec.maxFeatures && keep.length > spec.maxFeatures) {
        keep = keep.sort((a, b) => Math.abs(beta[b] as number) - Math.abs(beta[a] as number)).slice(0, spec.maxFeatures);
        notes.push(`kept the ${spec.maxFeatures} largest |coefficients| of ${keep.length}`);
      }
      notes.push(
        `λ.${spec.lambda === 'min' ? 'min' : '1se'} = ${(cv.path.lambda[at] as number).toPrecision(4)} (${spec.folds ?? 10}-fold CV deviance)`,
      );
      if (cv.path.stopped)
        notes.push(
          `the λ path stopped at λ = ${cv.path.stopped.at.toPrecision(4)} (coordinate descent did not converge within glmnet's pass budget; smaller λ were not fitted)`,
        );
      if (keep.length === 0) notes.push('LASSO kept no feature at this λ');
      const fitted = selection(spec, names, keep, ctx, scores, notes);
      const onPath = names.map((_, j) => j).filter((j) => cv.path.beta.some((b) => (b[j] as number) !== 0));
      fitted.state.lassoPath = {
        lambda: Array.from(cv.lambda),
        cvm: Array.from(cv.cvm),
        cvsd: Array.from(cv.cvsd),
        indexMin: cv.indexMin,
        index1se: cv.index1se,
        features: onPath.map((j) => names[j] as string),
        beta: onPath.map((j) => cv.path.beta.map((b) => b[j] as number)),
      };
      return fitted;
    }
    case 'stepwise': {
      needComplete(X, names, 'stepwise');
      const res = stepwiseLogistic(
        names.map((nm, j) => ({ name: nm, columns: [column(X, j)] })),
        y,
        {
          criterion: spec.criterion ?? 'aic',
          direction: spec.direction ?? 'both',
          keep: names.filter((nm) => ctx.forced.has(nm)),
          ...(spec.pEnter !== undefined ? { pEnter: spec.pEnter } : {}),
          ...(spec.pRemove !== undefined ? { pRemove: spec.pRemove } : {}),
        },
      );
      notes.push(...res.warnings);
      const chosen = new Set(res.selected);
      const scores: Record<string, number> = {};
      for (const c of res.fit.coefficients) if (c.name !== '(Intercept)') scores[c.name] = c.estimate;
      return selection(
        spec,
        names,
        names.map((_, j) => j).filter((j) => chosen.has(names[j]!)),
        ctx,
        scores,
        notes,
      );
    }
  }
}

function colMajor(X: DataMatrix): Float64Array {
  const out = new Float64Array(X.nrow * X.ncol);
  for (let i = 0; i < X.nrow; i++) for (let j = 0; j < X.ncol; j++) out[j * X.nrow + i] = X.data[i * X.ncol + j] as number;
  return out;
}

export function applyStep(fitted: FittedStep, X: DataMatrix, rows: RowContext = {}): DataMatrix {
  if (X.ncol !== fitted.input.length) {
    throw new StatsInputError(
      `step '${fitted.spec.step}': data have ${X.ncol} features, the step was fitted on ${fitted.input.length}`,
    );
  }
  const { values, center, scale, keep, combat } = fitted.state;
  if (combat) {
    if (!rows.batches) throw new StatsInputError("the pipeline's ComBat step needs each row's center");
    const spec = fitted.spec as Extract<StepSpec, { step: 'combat' }>;
    return applyCombat(combat, X, rows.batches, covariateMatrix(spec.covariates ?? [], rows, X.nrow));
  }
  if (keep) return takeColumns(X, keep);
  const out = Float64Array.from(X.data);
  const p = X.ncol;
  for (let i = 0; i < X.nrow; i++) {
    for (let j = 0; j < p; j++) {
      const v = out[i * p + j] as number;
      if (values) {
        if (Number.isNaN(v)) out[i * p + j] = values[j] as number;
      } else if (center && scale) {
        out[i * p + j] = (v - (center[j] as number)) / (scale[j] as number);
      }
    }
  }
  return { data: out, nrow: X.nrow, ncol: p };
}
