/**
 * Rad-score export: a fitted linear pipeline (imputation, scaling, selection, then a logistic
 * model) written as one formula on the original feature values,
 *
 *   rad-score = b₀ + Σ b_j · x_j,   P(event) = 1 / (1 + e^(−rad-score)),
 *
 * by composing the steps' affine maps (scale: (x − c)/s) with the model's coefficients; the
 * standardised form (coefficients on the scaled features, with each feature's centre and scale)
 * is kept too, as papers report both. Imputation values are listed (a missing x_j is replaced by
 * its value first). A ComBat step makes the score depend on the center, so the formula is then
 * stated on the harmonised features and marked as not on the raw scale. The nomogram of the
 * rad-score model uses the same terms (stats/nomogram.ts).
 */
import { buildNomogram, prettyTicks } from '../stats/nomogram.js';
import type { Nomogram } from '../stats/nomogram.js';
import type { SavedPipeline } from './pipeline.js';
import type { DataMatrix } from './types.js';

export interface RadScoreTerm {
  feature: string;
  /** Coefficient on the original feature value. */
  coefficient: number;
  /** Coefficient on the standardised feature, with that feature's centre and scale. */
  standardized: { coefficient: number; center: number; scale: number };
  /** Value a missing x is replaced by (training median or mean), when the pipeline imputes. */
  imputeValue?: number;
}

export interface RadScoreFormula {
  intercept: number;
  terms: RadScoreTerm[];
  /** false when a ComBat step makes the score center-dependent (terms are then on harmonised values). */
  rawScale: boolean;
  text: string;
  notes: string[];
}

/** The formula of a pipeline whose model is linear (logistic family), or null for other models. */
export function radScoreFormula(saved: SavedPipeline): RadScoreFormula | null {
  const state = saved.model.state as { intercept?: unknown; coefficients?: unknown } | null;
  if (!saved.model.kind.startsWith('logistic') || typeof state?.intercept !== 'number' || !Array.isArray(state.coefficients)) {
    return null;
  }
  // Current feature k = a_k + b_k · x[src_k] (x: the pipeline inputs).
  let src = saved.inputs.map((_, j) => j);
  let a = saved.inputs.map(() => 0);
  let b = saved.inputs.map(() => 1);
  const impute = new Map<number, number>();
  let rawScale = true;
  const notes: string[] = [];
  for (const st of saved.steps) {
    const { values, center, scale, keep, combat } = st.state;
    if (values) values.forEach((v, k) => impute.set(src[k] as number, (v - (a[k] as number)) / (b[k] as number)));
    else if (center && scale) {
      a = a.map((ak, k) => (ak - (center[k] as number)) / (scale[k] as number));
      b = b.map((bk, k) => bk / (scale[k] as number));
    } else if (keep) {
      src = keep.map((k) => src[k] as number);
      a = keep.map((k) => a[k] as number);
      b = keep.map((k) => b[k] as number);
    } else if (combat) {
      rawScale = false;
      notes.push('ComBat harmonisation precedes the model: the formula applies to harmonised feature values');
    }
  }
  const beta = state.coefficients as number[];
  let intercept = state.intercept;
  const terms: RadScoreTerm[] = beta.map((bj, k) => {
    intercept += bj * (a[k] as number);
    const s = 1 / (b[k] as number);
    const iv = impute.get(src[k] as number);
    return {
      feature: saved.inputs[src[k] as number] as string,
      coefficient: bj * (b[k] as number),
      standardized: { coefficient: bj, center: -(a[k] as number) * s, scale: s },
      ...(iv !== undefined ? { imputeValue: iv } : {}),
    };
  });
  const num = (v: number): string => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(6) : v.toExponential(6));
  const text =
    `Rad-score = ${num(intercept)}` +
    terms.map((t) => ` ${t.coefficient < 0 ? '−' : '+'} ${num(Math.abs(t.coefficient))} × ${t.feature}`).join('');
  return { intercept, terms, rawScale, text, notes };
}

/** Rad-score of every row of X (columns named `names`), from the formula. */
export function applyRadScore(f: RadScoreFormula, X: DataMatrix, names: readonly string[]): Float64Array {
  const at = f.terms.map((t) => names.indexOf(t.feature));
  const out = new Float64Array(X.nrow);
  for (let i = 0; i < X.nrow; i++) {
    let s = f.intercept;
    f.terms.forEach((t, k) => {
      let v = X.data[i * X.ncol + (at[k] as number)] as number;
      if (Number.isNaN(v) && t.imputeValue !== undefined) v = t.imputeValue;
      s += t.coefficient * v;
    });
    out[i] = s;
  }
  return out;
}

/**
 * Nomogram of the rad-score model: one axis per term over its training 10th-smallest to
 * 10th-largest value (rms datadist's prediction limits) with pretty ticks, a linear-predictor
 * (rad-score) axis and a risk axis.
 */
export function radScoreNomogram(f: RadScoreFormula, X: DataMatrix, names: readonly string[]): Nomogram {
  const predictors = f.terms.map((t) => {
    const j = names.indexOf(t.feature);
    const v: number[] = [];
    for (let i = 0; i < X.nrow; i++) {
      const x = X.data[i * X.ncol + j] as number;
      if (!Number.isNaN(x)) v.push(x);
    }
    const sorted = Float64Array.from(v).sort();
    const n = sorted.length;
    const k = Math.min(9, Math.floor((n - 1) / 2));
    let lo = sorted[k] as number;
    let hi = sorted[n - 1 - k] as number;
    if (!(hi > lo)) [lo, hi] = [sorted[0] as number, sorted[n - 1] as number];
    let at = prettyTicks(lo, hi);
    if (at.length < 2) at = [lo, hi];
    return { name: t.feature, kind: 'continuous' as const, beta: t.coefficient, at };
  });
  return buildNomogram(f.intercept, predictors);
}
