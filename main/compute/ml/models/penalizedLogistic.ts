/**
 * Penalized logistic regression as R's glmnet fits it (stats/glmnet.ts, which matches glmnet
 * 4.1 binomial: standardize = TRUE, coefficients reported on the original scale):
 *   min over (β₀, β)  −(1/n) Σ loglik + λ · [(1 − α)/2 · ‖β‖² + α · ‖β‖₁]
 * - logistic_l1: α = 1 (LASSO); logistic_l2: α = 0 (ridge); logistic_elasticnet: α from `alpha`
 *   (default 0.5).
 * - `lambda`: a number (glmnet's λ; fitted along glmnet's default path continued down to it, warm
 *   started) or 'min' / '1se' (default 'min'): chosen by cv.glmnet deviance over `folds`
 *   (default 10) stratified row folds drawn from the analysis seed — inside the training data of
 *   the fold or split being fitted, so the choice never sees its test rows.
 * The state is the intercept and coefficients; |β| is the importance.
 */
import { StatsInputError } from '../../stats/common.js';
import { cvGlmnetBinomial, glmnetBinomial } from '../../stats/glmnet.js';
import { makeFolds } from '../split.js';
import type { DataMatrix, FittedClassifier, SavedClassifier } from '../types.js';
import { checkParams, intParam, numberParam } from './params.js';
import type { Params } from './params.js';

export type PenalizedKind = 'logistic_l1' | 'logistic_l2' | 'logistic_elasticnet';

interface PenalizedState {
  names: string[];
  alpha: number;
  lambda: number;
  /** How λ was chosen: 'given', 'lambda.min' or 'lambda.1se' (with the fold count). */
  chosenBy: string;
  intercept: number;
  coefficients: number[];
}

function restore(kind: PenalizedKind, params: Record<string, unknown>, state: PenalizedState): FittedClassifier {
  return {
    kind,
    predictProba(X: DataMatrix): Float64Array {
      if (X.ncol !== state.coefficients.length)
        throw new StatsInputError(`${kind} model: ${X.ncol} features given, fitted on ${state.coefficients.length}`);
      const out = new Float64Array(X.nrow);
      for (let i = 0; i < X.nrow; i++) {
        let eta = state.intercept;
        for (let j = 0; j < X.ncol; j++) eta += (state.coefficients[j] as number) * (X.data[i * X.ncol + j] as number);
        out[i] = 1 / (1 + Math.exp(-eta));
      }
      return out;
    },
    toJSON(): SavedClassifier {
      return { kind, params, state };
    },
    importance(): Float64Array {
      return Float64Array.from(state.coefficients, Math.abs);
    },
  };
}

function colMajor(X: DataMatrix): Float64Array {
  const out = new Float64Array(X.nrow * X.ncol);
  for (let i = 0; i < X.nrow; i++) for (let j = 0; j < X.ncol; j++) out[j * X.nrow + i] = X.data[i * X.ncol + j] as number;
  return out;
}

export function fitPenalizedLogistic(
  kind: PenalizedKind,
  X: DataMatrix,
  y: Float64Array,
  params: Params,
  seed: number,
  names: readonly string[] = [],
): FittedClassifier {
  checkParams(kind, params, kind === 'logistic_elasticnet' ? ['alpha', 'lambda', 'folds'] : ['lambda', 'folds']);
  const alpha = kind === 'logistic_l1' ? 1 : kind === 'logistic_l2' ? 0 : numberParam(kind, params, 'alpha', 0.5, 0, 1);
  const rawLambda = params.lambda ?? 'min';
  if (!(
    rawLambda === 'min' ||
    rawLambda === '1se' ||
    (typeof rawLambda === 'number' && rawLambda > 0 && Number.isFinite(rawLambda))
  ))
    throw new StatsInputError(
      `model '${kind}': lambda must be 'min', '1se' or a positive number, not ${JSON.stringify(rawLambda)}`,
    );
  if (X.ncol === 0) throw new StatsInputError(`model '${kind}': no features to fit`);
  const x = { data: colMajor(X), nrow: X.nrow };
  let lambda: number;
  let intercept: number;
  let beta: Float64Array;
  let chosenBy: string;
  if (typeof rawLambda === 'number') {
    // glmnet's default path down to the requested λ, then λ itself (warm starts all the way).
    const path = glmnetBinomial(x, y, { alpha });
    const seq = [...path.lambda].filter((l) => l > rawLambda);
    const fit = glmnetBinomial(x, y, { alpha, lambda: [...seq, rawLambda] });
    const last = fit.lambda.length - 1;
    lambda = rawLambda;
    intercept = fit.intercept[last] as number;
    beta = fit.beta[last] as Float64Array;
    chosenBy = 'given';
  } else {
    const k = intParam(kind, params, 'folds', 10, 3, 50);
    const groups = Array.from({ length: X.nrow }, (_, i) => String(i));
    const folds = makeFolds({ groups, y }, { k, seed, stratify: true })[0] as Int32Array;
    const cv = cvGlmnetBinomial(x, y, folds, { alpha });
    const at = rawLambda === 'min' ? cv.indexMin : cv.index1se;
    lambda = cv.path.lambda[at] as number;
    intercept = cv.path.intercept[at] as number;
    beta = cv.path.beta[at] as Float64Array;
    chosenBy = `lambda.${rawLambda} (${k}-fold CV deviance)`;
  }
  return restore(
    kind,
    { ...params },
    {
      names: [...names],
      alpha,
      lambda,
      chosenBy,
      intercept,
      coefficients: Array.from(beta),
    },
  );
}

export function restorePenalizedLogistic(saved: SavedClassifier): FittedClassifier {
  return restore(saved.kind as PenalizedKind, saved.params, saved.state as PenalizedState);
}
