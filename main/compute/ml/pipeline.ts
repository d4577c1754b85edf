/**
 * A fitted pipeline: the steps (each fitted on training rows only) and the model fitted on what
 * the steps left. Saved as JSON with the feature names it needs, so it can be applied later to
 * new cases or an external center; applying it checks the features by name and says which are
 * missing.
 */
import { StatsInputError } from '../stats/common.js';
import { applyStep, fitStep } from './steps.js';
import type { FittedStep, RowContext, StepContext, StepSpec } from './steps.js';
import type { ClassifierSpec, DataMatrix, FittedClassifier, SavedClassifier } from './types.js';
import { takeColumns } from './types.js';
import { fitLogistic, restoreLogistic } from './logisticModel.js';
import { registryFitter, registryRestorer } from './models/index.js';

/** Fits a classifier: the model registry (./models, the default) or the built-in logistic regression. */
export type ClassifierFitter = (
  spec: ClassifierSpec,
  X: DataMatrix,
  y: Float64Array,
  seed: number,
  names: readonly string[],
) => FittedClassifier;
export type ClassifierRestorer = (saved: SavedClassifier) => FittedClassifier;

export const builtinFitter: ClassifierFitter = (spec, X, y, _seed, names) => {
  if (spec.kind !== 'logistic') throw new StatsInputError(`model '${spec.kind}' is not available in this build`);
  return fitLogistic(X, y, names);
};
export const builtinRestorer: ClassifierRestorer = (saved) => {
  if (saved.kind !== 'logistic') throw new StatsInputError(`model '${saved.kind}' is not available in this build`);
  return restoreLogistic(saved);
};

export interface SavedPipeline {
  format: 'radstudy-pipeline';
  version: 1;
  /** Features the pipeline reads, in order. */
  inputs: string[];
  steps: FittedStep[];
  /** Features the model uses (after selection). */
  features: string[];
  model: SavedClassifier;
}

export interface FittedPipeline {
  saved: SavedPipeline;
  model: FittedClassifier;
}

export function fitPipeline(
  steps: readonly StepSpec[],
  modelSpec: ClassifierSpec,
  X: DataMatrix,
  y: Float64Array,
  names: readonly string[],
  ctx: StepContext,
  fitter: ClassifierFitter = registryFitter,
): FittedPipeline {
  let events = 0;
  for (let i = 0; i < y.length; i++) events += y[i] as number;
  if (events === 0 || events === y.length) {
    throw new StatsInputError(
      `the training rows have only one class (${events} events in ${y.length}); a model cannot be fitted`,
    );
  }
  const fitted: FittedStep[] = [];
  let cur = X;
  let curNames = [...names];
  for (const s of steps) {
    const f = fitStep(s, cur, y, curNames, ctx);
    fitted.push(f);
    cur = applyStep(f, cur, ctx);
    curNames = f.output;
    if (curNames.length === 0) {
      throw new StatsInputError(`step '${s.step}' left no feature; loosen its threshold or force a feature`);
    }
  }
  for (let j = 0; j < cur.ncol; j++) {
    for (let i = 0; i < cur.nrow; i++) {
      if (Number.isNaN(cur.data[i * cur.ncol + j] as number)) {
        throw new StatsInputError(`feature '${curNames[j]}' has missing values when the model is fitted; add an 'impute' step`);
      }
    }
  }
  const model = fitter(modelSpec, cur, y, ctx.seed, curNames);
  return {
    saved: {
      format: 'radstudy-pipeline',
      version: 1,
      inputs: [...names],
      steps: fitted,
      features: curNames,
      model: model.toJSON(),
    },
    model,
  };
}

/** Columns of `X` (named `names`) in the order the pipeline reads them; names every missing one. */
export function alignInputs(saved: SavedPipeline, X: DataMatrix, names: readonly string[]): DataMatrix {
  const at = new Map(names.map((n, j) => [n, j]));
  const missing = saved.inputs.filter((n) => !at.has(n));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ');
    throw new StatsInputError(
      `the model needs ${missing.length} feature(s) the data do not have: ${shown}${missing.length > 10 ? ', …' : ''}`,
    );
  }
  return takeColumns(
    X,
    saved.inputs.map((n) => at.get(n) as number),
  );
}

/** P(y = 1) for every row of X, whose columns are named `names` (any order, extra columns ignored). */
/** The model's own inputs for rows of X: the data after every fitted step (SHAP and permutation importance explain these). */
export function transformPipeline(
  p: FittedPipeline,
  X: DataMatrix,
  names: readonly string[] = p.saved.inputs,
  rows: RowContext = {},
): DataMatrix {
  let cur = alignInputs(p.saved, X, names);
  for (const s of p.saved.steps) cur = applyStep(s, cur, rows);
  return cur;
}

export function predictPipeline(
  p: FittedPipeline,
  X: DataMatrix,
  names: readonly string[] = p.saved.inputs,
  rows: RowContext = {},
): Float64Array {
  let cur = alignInputs(p.saved, X, names);
  for (const s of p.saved.steps) cur = applyStep(s, cur, rows);
  for (let i = 0; i < cur.data.length; i++) {
    if (Number.isNaN(cur.data[i] as number)) {
      const row = Math.floor(i / cur.ncol);
      throw new StatsInputError(
        `row ${row + 1}: feature '${p.saved.features[i % cur.ncol]}' is missing and the pipeline has no imputation`,
      );
    }
  }
  return p.model.predictProba(cur);
}

export function restorePipeline(saved: SavedPipeline, restorer: ClassifierRestorer = registryRestorer): FittedPipeline {
  if (saved.format !== 'radstudy-pipeline' || saved.version !== 1) {
    throw new StatsInputError('not a RadStudy pipeline (format radstudy-pipeline, version 1)');
  }
  return { saved, model: restorer(saved.model) };
}
