/**
 * CART trees as scikit-learn 1.2 grows them (sklearn/tree/_tree.pyx, _splitter.pyx,
 * _criterion.pyx), shared by the decision tree, random forest and gradient boosting models.
 *
 * Features are rounded to 32-bit floats first (sklearn fits and predicts on float32 copies of X).
 * At a node every feature (or, for forests, a random subset) is sorted and every split position
 * between two values more than 10⁻⁷ apart is tried; the threshold is the midpoint of the two
 * values (the lower value when the midpoint rounds to the upper one) and rows with x ≤ threshold
 * go left. The best split maximises the criterion's proxy improvement (first best kept):
 *   gini / entropy: −w_R·I_R − w_L·I_L (entropy in bits),
 *   friedman_mse:   (w_R·Σ_L − w_L·Σ_R)² / (w_L·w_R) (regression on a target, as in boosting).
 * A node is a leaf when depth ≥ max_depth, it has fewer than min_samples_split rows or fewer than
 * 2·min_samples_leaf, its impurity is ≤ machine ε, no split leaves min_samples_leaf rows on each
 * side, or the weighted impurity decrease (w/W)·(I − w_L/w·I_L − w_R/w·I_R) (Friedman's variant
 * for friedman_mse) plus ε is below min_impurity_decrease. Row weights (bootstrap counts) weight
 * the criterion; row counts (min_samples_*) count distinct rows, as in sklearn. Nodes are numbered
 * depth first, left child first. Importances are sklearn's mean decrease in impurity.
 */
import type { Rng } from '../../stats/random.js';

export type Criterion = 'gini' | 'entropy' | 'friedman_mse';

export interface CartOptions {
  criterion: Criterion;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  minImpurityDecrease: number;
  /** Features tried per node (all when ≥ ncol); a subset is drawn with rng. */
  maxFeatures: number;
  rng?: Rng;
}

/** A fitted tree as parallel arrays (JSON-ready). Leaves have feature −1. */
export interface CartTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** Leaf value: class-1 fraction (classification) or mean target (regression). */
  value: number[];
  impurity: number[];
  weight: number[];
}

const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;
const LN2 = Math.log(2);

/** X rounded to float32 values (as sklearn's DTYPE), row-major. */
export function toFloat32(data: Float64Array): Float64Array {
  return Float64Array.from(data, Math.fround);
}

interface NodeStats {
  w: number;
  /** Classification: weighted count of class 1; regression: Σ w·y. */
  s: number;
  /** Regression: Σ w·y². */
  sq: number;
}

function impurityOf(crit: Criterion, w: number, s: number, sq: number): number {
  if (crit === 'friedman_mse') {
    const m = s / w;
    return sq / w - m * m;
  }
  const c1 = s;
  const c0 = w - s;
  if (crit === 'gini') return 1.0 - (c0 * c0 + c1 * c1) / (w * w);
  let e = 0;
  for (const c of [c0, c1]) {
    if (c > 0) {
      const f = c / w;
      e -= f * (Math.log(f) / LN2); // sklearn's log() is ln(x) / ln(2)
    }
  }
  return e;
}

/**
 * Grows a tree on the rows `rows` (distinct row indices) of X32 (float32-rounded, row-major,
 * ncol columns) for target y (0/1 for gini/entropy), with row weights (null: all 1).
 */
export function growCart(
  X32: Float64Array,
  ncol: number,
  y: Float64Array,
  weights: Float64Array | null,
  rows: Int32Array,
  opts: CartOptions,
): CartTree {
  const tree: CartTree = { feature: [], threshold: [], left: [], right: [], value: [], impurity: [], weight: [] };
  const crit = opts.criterion;
  const wOf = (i: number): number => (weights ? (weights[i] as number) : 1);
  const stats = (idx: Int32Array): NodeStats => {
    let w = 0;
    let s = 0;
    let sq = 0;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k] as number;
      const wi = wOf(i);
      const yi = y[i] as number;
      w += wi;
      s += wi * yi;
      sq += wi * yi * yi;
    }
    return { w, s, sq };
  };
  const root = stats(rows);
  const wTotal = root.w;
  const minLeaf = opts.minSamplesLeaf;
  const minSplit = Math.max(opts.minSamplesSplit, 2 * minLeaf);
  const features = Array.from({ length: ncol }, (_, j) => j);

  const grow = (idx: Int32Array, depth: number, st: NodeStats, impurity: number): number => {
    const id = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(-2);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(st.s / st.w);
    tree.impurity.push(impurity);
    tree.weight.push(st.w);
    const n = idx.length;
    if (depth >= opts.maxDepth || n < minSplit || n < 2 * minLeaf || impurity <= EPSILON) return id;

    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestThreshold = 0;
    let bestOrder: Int32Array | null = null;
    let bestPos = -1;
    const order = new Int32Array(n);
    const xf = new Float64Array(n);
    let candidates = features;
    let budget = ncol;
    if (opts.maxFeatures < ncol) {
      if (!opts.rng) throw new Error('growCart: a random feature subset needs an rng');
      candidates = opts.rng.shuffle([...features]);
      budget = opts.maxFeatures;
    }
    let tried = 0;
    for (const j of candidates) {
      // As sklearn: constant features do not count towards max_features, and when the features
      // drawn give no valid split the node is a leaf (no further features are drawn).
      if (tried >= budget) break;
      order.set(idx);
      const sorted = Array.from(order).sort((a, b) => (X32[a * ncol + j] as number) - (X32[b * ncol + j] as number));
      for (let k = 0; k < n; k++) {
        order[k] = sorted[k] as number;
        xf[k] = X32[(sorted[k] as number) * ncol + j] as number;
      }
      if ((xf[n - 1] as number) <= (xf[0] as number) + FEATURE_THRESHOLD) continue; // constant here
      tried++;
      let wl = 0;
      let sl = 0;
      let pos = 0;
      let improved = false;
      for (let p = 1; p < n; p++) {
        if ((xf[p] as number) <= (xf[p - 1] as number) + FEATURE_THRESHOLD) continue;
        if (p < minLeaf || n - p < minLeaf) continue;
        // Criterion update as sklearn: forward from the last position, or back from the end.
        if (p - pos <= n - p) {
          for (let k = pos; k < p; k++) {
            const i = order[k] as number;
            const wi = wOf(i);
            wl += wi;
            sl += wi * (y[i] as number);
          }
        } else {
          wl = st.w;
          sl = st.s;
          for (let k = n - 1; k >= p; k--) {
            const i = order[k] as number;
            const wi = wOf(i);
            wl -= wi;
            sl -= wi * (y[i] as number);
          }
        }
        pos = p;
        const wr = st.w - wl;
        const sr = st.s - sl;
        let proxy: number;
        if (crit === 'friedman_mse') {
          const diff = wr * sl - wl * sr;
          proxy = (diff * diff) / (wl * wr);
        } else {
          proxy = -wr * impurityOf(crit, wr, sr, 0) - wl * impurityOf(crit, wl, sl, 0);
        }
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = j;
          bestPos = p;
          improved = true;
          let t = (xf[p - 1] as number) / 2.0 + (xf[p] as number) / 2.0;
          if (t === xf[p] || t === Infinity || t === -Infinity) t = xf[p - 1] as number;
          bestThreshold = t;
        }
      }
      if (improved) bestOrder = Int32Array.from(order);
    }
    if (bestFeature < 0 || !bestOrder) return id;
    const lIdx = bestOrder.subarray(0, bestPos);
    const rIdx = bestOrder.subarray(bestPos);
    const lst = stats(lIdx);
    // sklearn's right-side sums are the node's minus the left's.
    const rst: NodeStats = { w: st.w - lst.w, s: st.s - lst.s, sq: st.sq - lst.sq };
    const il = impurityOf(crit, lst.w, lst.s, lst.sq);
    const ir = impurityOf(crit, rst.w, rst.s, rst.sq);
    let improvement: number;
    if (crit === 'friedman_mse') {
      const diff = rst.w * lst.s - lst.w * rst.s;
      improvement = (diff * diff) / (lst.w * rst.w * st.w);
    } else {
      improvement = (st.w / wTotal) * (impurity - (rst.w / st.w) * ir - (lst.w / st.w) * il);
    }
    if (improvement + EPSILON < opts.minImpurityDecrease) return id;
    tree.feature[id] = bestFeature;
    tree.threshold[id] = bestThreshold;
    tree.left[id] = grow(Int32Array.from(lIdx), depth + 1, lst, il);
    tree.right[id] = grow(Int32Array.from(rIdx), depth + 1, rst, ir);
    return id;
  };
  grow(rows, 0, root, impurityOf(crit, root.w, root.s, root.sq));
  return tree;
}

/** The leaf reached by row i of X32 (float32-rounded, ncol columns). */
export function leafOf(
  tree: Pick<CartTree, 'feature' | 'threshold' | 'left' | 'right'>,
  X32: Float64Array,
  ncol: number,
  i: number,
): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    const f = tree.feature[node] as number;
    node =
      (X32[i * ncol + f] as number) <= (tree.threshold[node] as number)
        ? (tree.left[node] as number)
        : (tree.right[node] as number);
  }
  return node;
}

/** sklearn's compute_feature_importances(normalize=false): impurity decrease per feature / root weight. */
export function rawImportances(tree: CartTree, ncol: number): Float64Array {
  const imp = new Float64Array(ncol);
  for (let k = 0; k < tree.feature.length; k++) {
    const f = tree.feature[k] as number;
    if (f < 0) continue;
    const l = tree.left[k] as number;
    const r = tree.right[k] as number;
    imp[f]! +=
      (tree.weight[k] as number) * (tree.impurity[k] as number) -
      (tree.weight[l] as number) * (tree.impurity[l] as number) -
      (tree.weight[r] as number) * (tree.impurity[r] as number);
  }
  const w0 = tree.weight[0] as number;
  for (let j = 0; j < ncol; j++) imp[j]! /= w0;
  return imp;
}

/** Scales v to sum 1 in place (left as is when it sums to 0). */
export function normalizeInPlace(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x;
  if (s > 0) for (let j = 0; j < v.length; j++) v[j]! /= s;
  return v;
}
