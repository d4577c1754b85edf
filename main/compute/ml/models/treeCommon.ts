/**
 * What the tree models share: reading the CART hyper-parameters (named as scikit-learn names
 * them), checking the data, and predicting with a saved tree on float32-rounded features.
 */
import { StatsInputError } from '../../stats/common.js';
import type { DataMatrix } from '../types.js';
import { choiceParam, intParam, numberParam } from './params.js';
import type { Params } from './params.js';
import { leafOf, toFloat32 } from './cart.js';
import type { CartOptions, CartTree } from './cart.js';

/** The tree-growing parameters every tree model takes. */
export const TREE_PARAMS = ['max_depth', 'min_samples_split', 'min_samples_leaf', 'min_impurity_decrease'] as const;

/**
 * max_depth (absent: unlimited, as sklearn's None, unless a default is given), min_samples_split
 * (≥ 2), min_samples_leaf (≥ 1), min_impurity_decrease (≥ 0).
 */
export function readTreeParams(
  kind: string,
  params: Params,
  defaultDepth: number,
): Pick<CartOptions, 'maxDepth' | 'minSamplesSplit' | 'minSamplesLeaf' | 'minImpurityDecrease'> {
  const maxDepth = params.max_depth === undefined ? defaultDepth : intParam(kind, params, 'max_depth', 0, 1);
  return {
    maxDepth,
    minSamplesSplit: intParam(kind, params, 'min_samples_split', 2, 2),
    minSamplesLeaf: intParam(kind, params, 'min_samples_leaf', 1, 1),
    minImpurityDecrease: numberParam(kind, params, 'min_impurity_decrease', 0, 0),
  };
}

export function readClassCriterion(kind: string, params: Params): 'gini' | 'entropy' {
  return choiceParam(kind, params, 'criterion', 'gini', ['gini', 'entropy'] as const);
}

/** Refuses missing values and non-0/1 outcomes; returns X rounded to float32 (as sklearn fits). */
export function checkTreeData(kind: string, X: DataMatrix, y: Float64Array): Float64Array {
  if (X.nrow < 2) throw new StatsInputError(`model '${kind}' needs at least 2 training rows (got ${X.nrow})`);
  if (y.length !== X.nrow) throw new StatsInputError(`model '${kind}': ${y.length} outcomes for ${X.nrow} rows`);
  for (const v of X.data) {
    if (Number.isNaN(v)) throw new StatsInputError(`model '${kind}': missing feature values (impute first)`);
  }
  for (const v of y) {
    if (v !== 0 && v !== 1) throw new StatsInputError(`model '${kind}': outcomes must be 0 or 1 (got ${v})`);
  }
  return toFloat32(X.data);
}

export function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** X rounded to float32 after checking its feature count. */
export function predictInput(label: string, X: DataMatrix, ncol: number): Float64Array {
  if (X.ncol !== ncol) throw new StatsInputError(`${label} model: ${X.ncol} features given, fitted on ${ncol}`);
  return toFloat32(X.data);
}

/** A tree's leaf values for every row of X32. */
export function treeValues(tree: SavedTree, X32: Float64Array, ncol: number, nrow: number): Float64Array {
  const out = new Float64Array(nrow);
  for (let i = 0; i < nrow; i++) out[i] = tree.value[leafOf(tree, X32, ncol, i)] as number;
  return out;
}

/**
 * The saved form of a tree: its structure and leaf values (impurities are not needed to predict),
 * and each node's cover (training weight reaching it), which TreeSHAP needs; models saved before
 * covers were kept have none.
 */
export type SavedTree = Pick<CartTree, 'feature' | 'threshold' | 'left' | 'right' | 'value'> & { cover?: number[] };

export function slimTree(t: CartTree): SavedTree {
  return { feature: t.feature, threshold: t.threshold, left: t.left, right: t.right, value: t.value, cover: t.weight };
}
