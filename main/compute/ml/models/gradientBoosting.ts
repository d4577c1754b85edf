/**
 * Gradient boosting with the binary log-loss as scikit-learn's GradientBoostingClassifier
 * (loss 'log_loss', subsample 1, criterion 'friedman_mse'): the raw score starts at the log-odds
 * of the event share (clipped to [ε, 1 − ε], ε the float32 machine epsilon); every stage grows a
 * regression tree on the residuals r = y − σ(raw), replaces each leaf's value by one Newton step
 * Σr / Σ(y − r)(1 − y + r) (0 when the denominator is below 1e-150) and adds learning_rate × that
 * value to the raw score. P(y = 1) = σ(raw). Importances are the mean over stages (trees with a
 * split) of the unnormalised impurity decreases, normalised to sum 1.
 */
import type { DataMatrix, FittedClassifier, SavedClassifier } from '../types.js';
import { growCart, leafOf, normalizeInPlace, rawImportances } from './cart.js';
import { checkParams, intParam, numberParam } from './params.js';
import type { Params } from './params.js';
import { TREE_PARAMS, allRows, checkTreeData, predictInput, readTreeParams, slimTree } from './treeCommon.js';
import type { SavedTree } from './treeCommon.js';

interface GbState {
  ncol: number;
  init: number;
  learningRate: number;
  trees: SavedTree[];
  importances: number[];
}

const FLOAT32_EPS = 1.1920928955078125e-7;
const expit = (x: number): number => 1 / (1 + Math.exp(-x));

function restore(state: GbState, params: Record<string, unknown>): FittedClassifier {
  const { ncol, init, learningRate, trees } = state;
  return {
    kind: 'gradient_boosting',
    predictProba(X: DataMatrix): Float64Array {
      const X32 = predictInput('gradient boosting', X, ncol);
      const out = new Float64Array(X.nrow);
      for (let i = 0; i < X.nrow; i++) {
        let raw = init;
        for (const t of trees) raw += learningRate * (t.value[leafOf(t, X32, ncol, i)] as number);
        out[i] = expit(raw);
      }
      return out;
    },
    importance(): Float64Array {
      return Float64Array.from(state.importances);
    },
    toJSON(): SavedClassifier {
      return { kind: 'gradient_boosting', params, state };
    },
  };
}

export function fitGradientBoosting(X: DataMatrix, y: Float64Array, params: Params = {}): FittedClassifier {
  const kind = 'gradient_boosting';
  checkParams(kind, params, ['n_estimators', 'learning_rate', ...TREE_PARAMS]);
  const nEstimators = intParam(kind, params, 'n_estimators', 100, 1, 100000);
  const learningRate = numberParam(kind, params, 'learning_rate', 0.1, Number.MIN_VALUE);
  const growth = readTreeParams(kind, params, 3);
  const X32 = checkTreeData(kind, X, y);
  const n = X.nrow;
  const ncol = X.ncol;
  let events = 0;
  for (const v of y) events += v;
  const p = Math.min(Math.max(events / n, FLOAT32_EPS), 1 - FLOAT32_EPS);
  const init = Math.log(p / (1 - p));
  const raw = new Float64Array(n).fill(init);
  const residual = new Float64Array(n);
  const rows = allRows(n);
  const trees: SavedTree[] = [];
  const importanceSum = new Float64Array(ncol);
  let relevant = 0;
  const leaf = new Int32Array(n);
  for (let m = 0; m < nEstimators; m++) {
    for (let i = 0; i < n; i++) residual[i] = (y[i] as number) - expit(raw[i] as number);
    const tree = growCart(X32, ncol, residual, null, rows, {
      criterion: 'friedman_mse',
      ...growth,
      maxFeatures: ncol,
    });
    if (tree.feature.length > 1) {
      const imp = rawImportances(tree, ncol);
      for (let j = 0; j < ncol; j++) importanceSum[j]! += imp[j] as number;
      relevant++;
    }
    // Newton step per leaf (sums in row order).
    const nodes = tree.feature.length;
    const num = new Float64Array(nodes);
    const den = new Float64Array(nodes);
    for (let i = 0; i < n; i++) {
      const l = leafOf(tree, X32, ncol, i);
      leaf[i] = l;
      const r = residual[i] as number;
      const yi = y[i] as number;
      num[l]! += r;
      den[l]! += (yi - r) * (1 - yi + r);
    }
    const value = tree.value.slice();
    for (let k = 0; k < nodes; k++) {
      if ((tree.feature[k] as number) >= 0) continue;
      value[k] = Math.abs(den[k] as number) < 1e-150 ? 0 : (num[k] as number) / (den[k] as number);
    }
    for (let i = 0; i < n; i++) raw[i]! += learningRate * (value[leaf[i] as number] as number);
    trees.push({ ...slimTree(tree), value });
  }
  if (relevant > 0) for (let j = 0; j < ncol; j++) importanceSum[j]! /= relevant;
  const importances = Array.from(normalizeInPlace(importanceSum));
  return restore({ ncol, init, learningRate, trees, importances }, { ...params });
}

export function restoreGradientBoosting(saved: SavedClassifier): FittedClassifier {
  return restore(saved.state as GbState, saved.params);
}
