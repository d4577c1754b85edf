/**
 * Random forest classifier in the manner of scikit-learn's RandomForestClassifier: n_estimators
 * CART trees (criterion 'gini' or 'entropy', the tree parameters of tree.ts), each grown on a
 * bootstrap sample (rows drawn with replacement, weighted by how often they were drawn; off with
 * bootstrap = false) and trying max_features randomly chosen features at every node ('sqrt', the
 * default, 'log2', 'all' or a count; constant features do not count). P(y = 1) is the mean of the
 * trees' leaf event shares; importances are the mean of the trees' normalised impurity
 * decreases, normalised. The draws come from the app's seeded generator (stats/random.ts), so a
 * forest is reproducible for a seed but does not repeat sklearn's numpy draws.
 */
import { StatsInputError } from '../../stats/common.js';
import { Rng } from '../../stats/random.js';
import type { DataMatrix, FittedClassifier, SavedClassifier } from '../types.js';
import { growCart, normalizeInPlace, rawImportances } from './cart.js';
import { booleanParam, checkParams, intParam } from './params.js';
import type { Params } from './params.js';
import {
  TREE_PARAMS,
  allRows,
  checkTreeData,
  predictInput,
  readClassCriterion,
  readTreeParams,
  slimTree,
  treeValues,
} from './treeCommon.js';
import type { SavedTree } from './treeCommon.js';

interface RfState {
  ncol: number;
  trees: SavedTree[];
  importances: number[];
}

function restore(state: RfState, params: Record<string, unknown>): FittedClassifier {
  const { ncol, trees } = state;
  return {
    kind: 'random_forest',
    predictProba(X: DataMatrix): Float64Array {
      const X32 = predictInput('random forest', X, ncol);
      const out = new Float64Array(X.nrow);
      for (const t of trees) {
        const v = treeValues(t, X32, ncol, X.nrow);
        for (let i = 0; i < X.nrow; i++) out[i]! += v[i] as number;
      }
      for (let i = 0; i < X.nrow; i++) out[i]! /= trees.length;
      return out;
    },
    importance(): Float64Array {
      return Float64Array.from(state.importances);
    },
    toJSON(): SavedClassifier {
      return { kind: 'random_forest', params, state };
    },
  };
}

function readMaxFeatures(params: Params, ncol: number): number {
  const v = params.max_features ?? 'sqrt';
  if (v === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(ncol)));
  if (v === 'log2') return Math.max(1, Math.floor(Math.log2(ncol)));
  if (v === 'all') return ncol;
  if (typeof v === 'number') return intParam('random_forest', params, 'max_features', 0, 1, ncol);
  throw new StatsInputError(
    `model 'random_forest': max_features must be 'sqrt', 'log2', 'all' or a whole number from 1 to ${ncol}, not ${JSON.stringify(v)}`,
  );
}

export function fitRandomForest(X: DataMatrix, y: Float64Array, params: Params = {}, seed = 1): FittedClassifier {
  const kind = 'random_forest';
  checkParams(kind, params, ['n_estimators', 'criterion', 'max_features', 'bootstrap', ...TREE_PARAMS]);
  const nEstimators = intParam(kind, params, 'n_estimators', 100, 1, 100000);
  const criterion = readClassCriterion(kind, params);
  const growth = readTreeParams(kind, params, Infinity);
  const bootstrap = booleanParam(kind, params, 'bootstrap', true);
  const maxFeatures = readMaxFeatures(params, X.ncol);
  const X32 = checkTreeData(kind, X, y);
  const n = X.nrow;
  const ncol = X.ncol;
  const rng = new Rng(seed);
  const trees: SavedTree[] = [];
  const importanceSum = new Float64Array(ncol);
  let relevant = 0;
  const counts = new Float64Array(n);
  for (let t = 0; t < nEstimators; t++) {
    let weights: Float64Array | null = null;
    let rows = allRows(n);
    if (bootstrap) {
      counts.fill(0);
      for (const i of rng.resampleIndices(n)) counts[i]! += 1;
      weights = counts;
      rows = Int32Array.from(rows.filter((i) => (counts[i] as number) > 0));
    }
    const tree = growCart(X32, ncol, y, weights, rows, { criterion, ...growth, maxFeatures, rng });
    if (tree.feature.length > 1) {
      const imp = normalizeInPlace(rawImportances(tree, ncol));
      for (let j = 0; j < ncol; j++) importanceSum[j]! += imp[j] as number;
      relevant++;
    }
    trees.push(slimTree(tree));
  }
  if (relevant > 0) for (let j = 0; j < ncol; j++) importanceSum[j]! /= relevant;
  const importances = Array.from(normalizeInPlace(importanceSum));
  return restore({ ncol, trees, importances }, { ...params });
}

export function restoreRandomForest(saved: SavedClassifier): FittedClassifier {
  return restore(saved.state as RfState, saved.params);
}
