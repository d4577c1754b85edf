/**
 * Exact SHAP values of tree models: the path-dependent TreeSHAP algorithm (Lundberg, Erion & Lee
 * 2018, "Consistent individualized feature attribution for tree ensembles", Algorithm 2).
 *
 * The game is the tree's own conditional expectation: v(S) = E[f(x) | x_S] where a feature
 * outside S is integrated out at every node that splits on it by following both children,
 * weighted by the training cover (sum of row weights) that went each way (Algorithm 1). The
 * Shapley values of that game are computed in O(L·D²) per row (L leaves, D depth) by carrying,
 * down each root-to-leaf path, the proportions of all subsets of the path's features that flow
 * through: for each distinct feature on the path its "zero fraction" z (the cover share of the
 * branch taken when the feature is absent) and "one fraction" o (1 if x goes that way, else 0),
 * and a weight per subset size w(k) (EXTEND adds a feature, UNWIND removes one; a feature met
 * twice on a path is unwound and re-extended with the product of its fractions).
 *
 * Ensembles are additive in the trees, so their SHAP values are the sums (random forest: the
 * mean, in probability; gradient boosting: learning rate × sum, in log-odds, the raw score whose
 * sigmoid is the probability). The expected value is the cover-weighted mean leaf value.
 * Thresholds compare float32-rounded features, as the models predict (cart.ts).
 */
import { StatsInputError } from '../stats/common.js';
import { toFloat32 } from './models/cart.js';
import type { SavedTree } from './models/treeCommon.js';
import type { DataMatrix, FittedClassifier } from './types.js';

/** A tree whose nodes carry their training cover (sum of row weights reaching the node). */
export type CoveredTree = SavedTree & { cover: number[] };

/** Cover-weighted mean leaf value: E[f] under the tree's own distribution. */
export function treeExpectedValue(tree: CoveredTree, node = 0): number {
  const f = tree.feature[node] as number;
  if (f < 0) return tree.value[node] as number;
  const l = tree.left[node] as number;
  const r = tree.right[node] as number;
  const c = tree.cover[node] as number;
  return (
    ((tree.cover[l] as number) / c) * treeExpectedValue(tree, l) + ((tree.cover[r] as number) / c) * treeExpectedValue(tree, r)
  );
}

/**
 * The paths of one recursion, one segment of `capacity` slots per depth level (a level copies
 * its parent's path and extends it, so no allocation happens per node): for each element the
 * feature d, zero fraction z, one fraction o and subset weight w.
 */
interface PathBuffer {
  d: Int32Array;
  z: Float64Array;
  o: Float64Array;
  w: Float64Array;
}

/** EXTEND: appends feature `f` with fractions (z, o) to the path at offset `at` of length l. */
function extend(p: PathBuffer, at: number, l: number, z: number, o: number, f: number): void {
  const w = p.w;
  p.d[at + l] = f;
  p.z[at + l] = z;
  p.o[at + l] = o;
  w[at + l] = l === 0 ? 1 : 0;
  for (let i = l - 1; i >= 0; i--) {
    w[at + i + 1]! += (o * (w[at + i] as number) * (i + 1)) / (l + 1);
    w[at + i] = (z * (w[at + i] as number) * (l - i)) / (l + 1);
  }
}

/** UNWIND: removes element i (undoing its EXTEND) from the path at `at` of length L, in place. */
function unwind(p: PathBuffer, at: number, L: number, i: number): void {
  const w = p.w;
  const o = p.o[at + i] as number;
  const z = p.z[at + i] as number;
  let n = w[at + L - 1] as number;
  for (let j = L - 2; j >= 0; j--) {
    if (o !== 0) {
      const t = w[at + j] as number;
      w[at + j] = (n * L) / ((j + 1) * o);
      n = t - ((w[at + j] as number) * z * (L - j - 1)) / L;
    } else {
      w[at + j] = ((w[at + j] as number) * L) / (z * (L - j - 1));
    }
  }
  for (let j = i; j < L - 1; j++) {
    p.d[at + j] = p.d[at + j + 1] as number;
    p.z[at + j] = p.z[at + j + 1] as number;
    p.o[at + j] = p.o[at + j + 1] as number;
  }
}

/** Σ of the subset weights the path at `at` (length L) would have with element i unwound. */
function unwoundSum(p: PathBuffer, at: number, L: number, i: number): number {
  const w = p.w;
  const o = p.o[at + i] as number;
  const z = p.z[at + i] as number;
  let n = w[at + L - 1] as number;
  let total = 0;
  for (let j = L - 2; j >= 0; j--) {
    if (o !== 0) {
      const t = (n * L) / ((j + 1) * o);
      total += t;
      n = (w[at + j] as number) - (t * z * (L - j - 1)) / L;
    } else {
      total += (w[at + j] as number) / ((z * (L - j - 1)) / L);
    }
  }
  return total;
}

function depthOf(tree: SavedTree, node = 0): number {
  if ((tree.feature[node] as number) < 0) return 0;
  return 1 + Math.max(depthOf(tree, tree.left[node] as number), depthOf(tree, tree.right[node] as number));
}

const buffers = new WeakMap<CoveredTree, { capacity: number; path: PathBuffer }>();

/** A path buffer sized for the tree (depth + 2 slots per level, depth + 2 levels), reused across rows. */
function bufferFor(tree: CoveredTree): { capacity: number; path: PathBuffer } {
  let b = buffers.get(tree);
  if (!b) {
    const capacity = depthOf(tree) + 2;
    const size = capacity * (capacity + 1);
    b = {
      capacity,
      path: { d: new Int32Array(size), z: new Float64Array(size), o: new Float64Array(size), w: new Float64Array(size) },
    };
    buffers.set(tree, b);
  }
  return b;
}

/**
 * Adds scale × the SHAP values of one tree for the row x (float32-rounded, length ncol) into phi.
 */
export function addTreeShap(tree: CoveredTree, x: ArrayLike<number>, phi: Float64Array, scale = 1): void {
  const { capacity, path: p } = bufferFor(tree);
  const { feature, threshold, left, right, value, cover } = tree;
  // parentAt/parentLength: the parent's path; the node's own path goes one segment further.
  const recurse = (node: number, parentAt: number, parentLength: number, z: number, o: number, f: number): void => {
    const at = parentAt + capacity;
    p.d.copyWithin(at, parentAt, parentAt + parentLength);
    p.z.copyWithin(at, parentAt, parentAt + parentLength);
    p.o.copyWithin(at, parentAt, parentAt + parentLength);
    p.w.copyWithin(at, parentAt, parentAt + parentLength);
    extend(p, at, parentLength, z, o, f);
    let length = parentLength + 1;
    const split = feature[node] as number;
    if (split < 0) {
      const v = (value[node] as number) * scale;
      for (let i = 1; i < length; i++) {
        phi[p.d[at + i] as number]! += unwoundSum(p, at, length, i) * ((p.o[at + i] as number) - (p.z[at + i] as number)) * v;
      }
      return;
    }
    const l = left[node] as number;
    const r = right[node] as number;
    const goesLeft = (x[split] as number) <= (threshold[node] as number);
    const hot = goesLeft ? l : r;
    const cold = goesLeft ? r : l;
    let iz = 1;
    let io = 1;
    for (let i = 1; i < length; i++) {
      if (p.d[at + i] === split) {
        iz = p.z[at + i] as number;
        io = p.o[at + i] as number;
        unwind(p, at, length, i);
        length--;
        break;
      }
    }
    const c = cover[node] as number;
    recurse(hot, at, length, (iz * (cover[hot] as number)) / c, io, split);
    recurse(cold, at, length, (iz * (cover[cold] as number)) / c, 0, split);
  };
  // The root's "parent" is an empty path one segment before the first.
  recurse(0, -capacity, 0, 1, 1, -1);
}

export interface TreeShapResult {
  method: 'tree-exact';
  /** 'probability' for a tree or forest (the mean of leaf event shares), 'log-odds' for boosting. */
  scale: 'probability' | 'log-odds';
  baseValue: number;
  /** rows × features. */
  values: number[][];
}

interface TreeModelState {
  ncol: number;
  tree?: Partial<CoveredTree>;
  trees?: Partial<CoveredTree>[];
  init?: number;
  learningRate?: number;
}

/** The model's trees with covers and how to combine them, or null for a model TreeSHAP cannot explain. */
function ensembleOf(
  model: FittedClassifier,
): { trees: CoveredTree[]; weight: number; offset: number; ncol: number; scale: TreeShapResult['scale'] } | null {
  if (model.kind !== 'tree' && model.kind !== 'random_forest' && model.kind !== 'gradient_boosting') return null;
  const state = model.toJSON().state as TreeModelState;
  const raw = model.kind === 'tree' ? (state.tree ? [state.tree] : []) : (state.trees ?? []);
  // Models saved before covers were recorded cannot be explained by TreeSHAP.
  if (raw.length === 0 || raw.some((t) => !Array.isArray(t.cover))) return null;
  const trees = raw as CoveredTree[];
  if (model.kind === 'gradient_boosting')
    return { trees, weight: state.learningRate as number, offset: state.init as number, ncol: state.ncol, scale: 'log-odds' };
  return { trees, weight: 1 / trees.length, offset: 0, ncol: state.ncol, scale: 'probability' };
}

/** Whether treeShap can explain this model (a tree model saved with its node covers). */
export function supportsTreeShap(model: FittedClassifier): boolean {
  return ensembleOf(model) !== null;
}

/** Exact path-dependent TreeSHAP values of a tree, random forest or gradient boosting model for the rows of X. */
export function treeShap(model: FittedClassifier, X: DataMatrix): TreeShapResult {
  const e = ensembleOf(model);
  if (!e) throw new StatsInputError(`TreeSHAP: model '${model.kind}' is not a tree model saved with node covers`);
  if (X.ncol !== e.ncol) throw new StatsInputError(`TreeSHAP: ${X.ncol} features given, the model was fitted on ${e.ncol}`);
  const M = X.ncol;
  let base = e.offset;
  for (const t of e.trees) base += e.weight * treeExpectedValue(t);
  const X32 = toFloat32(X.data);
  const values: number[][] = [];
  const phi = new Float64Array(M);
  for (let i = 0; i < X.nrow; i++) {
    phi.fill(0);
    const x = X32.subarray(i * M, (i + 1) * M);
    for (const t of e.trees) addTreeShap(t, x, phi, e.weight);
    values.push(Array.from(phi));
  }
  return { method: 'tree-exact', scale: e.scale, baseValue: base, values };
}
