/**
 * CART decision tree classifier as scikit-learn's DecisionTreeClassifier (splitter 'best', all
 * features at every node): criterion 'gini' or 'entropy', max_depth (absent: unlimited),
 * min_samples_split, min_samples_leaf, min_impurity_decrease. P(y = 1) is the event share of
 * the training rows in the leaf reached. Importances are the normalised mean decrease in
 * impurity. The grower (cart.ts) visits features in column order, so where sklearn's random
 * feature order decides between equally good splits the two may choose different ones.
 */
import type { DataMatrix, FittedClassifier, SavedClassifier } from '../types.js';
import { growCart, normalizeInPlace, rawImportances } from './cart.js';
import { checkParams } from './params.js';
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

interface TreeState {
  ncol: number;
  tree: SavedTree;
  importances: number[];
}

function restore(state: TreeState, params: Record<string, unknown>): FittedClassifier {
  const { ncol, tree } = state;
  return {
    kind: 'tree',
    predictProba(X: DataMatrix): Float64Array {
      return treeValues(tree, predictInput('decision tree', X, ncol), ncol, X.nrow);
    },
    importance(): Float64Array {
      return Float64Array.from(state.importances);
    },
    toJSON(): SavedClassifier {
      return { kind: 'tree', params, state };
    },
  };
}

export function fitTree(X: DataMatrix, y: Float64Array, params: Params = {}): FittedClassifier {
  checkParams('tree', params, ['criterion', ...TREE_PARAMS]);
  const criterion = readClassCriterion('tree', params);
  const growth = readTreeParams('tree', params, Infinity);
  const X32 = checkTreeData('tree', X, y);
  const tree = growCart(X32, X.ncol, y, null, allRows(X.nrow), { criterion, ...growth, maxFeatures: X.ncol });
  const importances = Array.from(normalizeInPlace(rawImportances(tree, X.ncol)));
  return restore({ ncol: X.ncol, tree: slimTree(tree), importances }, { ...params });
}

export function restoreTree(saved: SavedClassifier): FittedClassifier {
  return restore(saved.state as TreeState, saved.params);
}
