/**
 * Shared types of the modeling engine (main/compute/ml). A data matrix is row-major: row i is one
 * lesion, column j one feature. Outcomes are 0/1 in a Float64Array. Everything a fit produces is
 * plain JSON (numbers, arrays, strings), so a trained pipeline is saved in the study and applied
 * later to new cases or an external center.
 */

export interface DataMatrix {
  /** Row-major values, length nrow × ncol; NaN is missing. */
  data: Float64Array;
  nrow: number;
  ncol: number;
}

export type ClassifierKind =
  | 'logistic'
  | 'logistic_l1'
  | 'logistic_l2'
  | 'logistic_elasticnet'
  | 'svm_linear'
  | 'svm_rbf'
  | 'tree'
  | 'random_forest'
  | 'gradient_boosting'
  | 'knn'
  | 'mlp'
  | 'naive_bayes';

/** A model to fit: its kind and hyper-parameters (named as scikit-learn names them). */
export interface ClassifierSpec {
  kind: ClassifierKind;
  params?: Record<string, number | string | boolean | number[]>;
}

/** A fitted model: predicts P(y = 1) and serializes to JSON. */
export interface FittedClassifier {
  kind: ClassifierKind;
  /** Probability of class 1 for every row of X (X has the columns the model was fitted on). */
  predictProba(X: DataMatrix): Float64Array;
  /** Everything needed to predict again (restoreClassifier(toJSON()) predicts identically). */
  toJSON(): SavedClassifier;
  /** Feature importances when the model has them (|coefficients|, impurity decrease). */
  importance?(): Float64Array;
}

export interface SavedClassifier {
  kind: ClassifierKind;
  params: Record<string, unknown>;
  state: unknown;
}

/** Build a DataMatrix from columns (one array per feature). */
export function fromColumns(cols: readonly ArrayLike<number>[], nrow?: number): DataMatrix {
  const ncol = cols.length;
  const n = nrow ?? (ncol > 0 ? (cols[0] as ArrayLike<number>).length : 0);
  const data = new Float64Array(n * ncol);
  for (let j = 0; j < ncol; j++) {
    const c = cols[j] as ArrayLike<number>;
    if (c.length !== n) throw new RangeError(`column ${j + 1} has ${c.length} values, expected ${n}`);
    for (let i = 0; i < n; i++) data[i * ncol + j] = c[i] as number;
  }
  return { data, nrow: n, ncol };
}

/** Column j of X as a new array. */
export function column(X: DataMatrix, j: number): Float64Array {
  const out = new Float64Array(X.nrow);
  for (let i = 0; i < X.nrow; i++) out[i] = X.data[i * X.ncol + j] as number;
  return out;
}

/** The rows `rows` of X (repeats allowed), as a new matrix. */
export function takeRows(X: DataMatrix, rows: ArrayLike<number>): DataMatrix {
  const out = new Float64Array(rows.length * X.ncol);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    out.set(X.data.subarray(i * X.ncol, (i + 1) * X.ncol), r * X.ncol);
  }
  return { data: out, nrow: rows.length, ncol: X.ncol };
}

/** The columns `cols` of X, in that order, as a new matrix. */
export function takeColumns(X: DataMatrix, cols: readonly number[]): DataMatrix {
  const k = cols.length;
  const out = new Float64Array(X.nrow * k);
  for (let i = 0; i < X.nrow; i++) {
    for (let c = 0; c < k; c++) out[i * k + c] = X.data[i * X.ncol + (cols[c] as number)] as number;
  }
  return { data: out, nrow: X.nrow, ncol: k };
}
