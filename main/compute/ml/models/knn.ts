/**
 * k-nearest-neighbour classifier as scikit-learn's KNeighborsClassifier (Euclidean distance,
 * `n_neighbors`, `weights` 'uniform' or 'distance'): P(y = 1) is the (weighted) share of events
 * among the k training rows nearest to x. With 'distance' weights w = 1/d, and when some
 * neighbours are at distance 0 only those count (sklearn's rule). The training rows are the
 * model's state. Features should be scaled first (a 'scale' step), as in sklearn.
 */
import { StatsInputError } from '../../stats/common.js';
import type { DataMatrix, FittedClassifier, SavedClassifier } from '../types.js';
import { checkParams, choiceParam, numberParam } from './params.js';
import type { Params } from './params.js';

interface KnnState {
  k: number;
  weights: 'uniform' | 'distance';
  ncol: number;
  X: number[];
  y: number[];
}

function restore(state: KnnState): FittedClassifier {
  const { k, weights, ncol } = state;
  const X = Float64Array.from(state.X);
  const y = Float64Array.from(state.y);
  const n = y.length;
  return {
    kind: 'knn',
    predictProba(Q: DataMatrix): Float64Array {
      if (Q.ncol !== ncol) throw new StatsInputError(`kNN model: ${Q.ncol} features given, fitted on ${ncol}`);
      const out = new Float64Array(Q.nrow);
      const d2 = new Float64Array(n);
      const order = new Int32Array(n);
      for (let q = 0; q < Q.nrow; q++) {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < ncol; j++) {
            const diff = (Q.data[q * ncol + j] as number) - (X[i * ncol + j] as number);
            s += diff * diff;
          }
          d2[i] = s;
          order[i] = i;
        }
        // Partial selection of the k smallest (stable by index on equal distances).
        const idx = Array.from(order)
          .sort((a, b) => (d2[a] as number) - (d2[b] as number) || a - b)
          .slice(0, k);
        if (weights === 'uniform') {
          let ev = 0;
          for (const i of idx) ev += y[i] as number;
          out[q] = ev / k;
        } else {
          const zero = idx.filter((i) => d2[i] === 0);
          if (zero.length > 0) {
            out[q] = zero.reduce((s, i) => s + (y[i] as number), 0) / zero.length;
          } else {
            let w = 0;
            let ev = 0;
            for (const i of idx) {
              const wi = 1 / Math.sqrt(d2[i] as number);
              w += wi;
              ev += wi * (y[i] as number);
            }
            out[q] = ev / w;
          }
        }
      }
      return out;
    },
    toJSON(): SavedClassifier {
      return { kind: 'knn', params: { n_neighbors: k, weights }, state };
    },
  };
}

export function fitKnn(X: DataMatrix, y: Float64Array, params: Params = {}): FittedClassifier {
  checkParams('knn', params, ['n_neighbors', 'weights']);
  const k = numberParam('knn', params, 'n_neighbors', 5, 1);
  if (!Number.isInteger(k)) throw new StatsInputError(`model 'knn': n_neighbors must be a whole number, not ${k}`);
  if (k > X.nrow) throw new StatsInputError(`model 'knn': n_neighbors = ${k} exceeds the ${X.nrow} training rows`);
  const weights = choiceParam('knn', params, 'weights', 'uniform', ['uniform', 'distance'] as const);
  return restore({ k, weights, ncol: X.ncol, X: Array.from(X.data), y: Array.from(y) });
}

export function restoreKnn(saved: SavedClassifier): FittedClassifier {
  return restore(saved.state as KnnState);
}
