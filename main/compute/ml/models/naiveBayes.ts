/**
 * Gaussian naive Bayes as scikit-learn's GaussianNB: per class the feature means and population
 * variances, each variance increased by ε = var_smoothing × the largest population variance of
 * any feature over all training rows (default 1e-9); class priors are the class frequencies.
 * P(y = 1 | x) is the normalised product of prior and normal densities, computed in log space.
 */
import { StatsInputError } from '../../stats/common.js';
import type { DataMatrix, FittedClassifier, SavedClassifier } from '../types.js';
import { checkParams, numberParam } from './params.js';
import type { Params } from './params.js';

interface NbState {
  ncol: number;
  logPrior: [number, number];
  mean: [number[], number[]];
  variance: [number[], number[]];
  varSmoothing: number;
}

function restore(state: NbState): FittedClassifier {
  const { ncol, logPrior, mean, variance } = state;
  return {
    kind: 'naive_bayes',
    predictProba(X: DataMatrix): Float64Array {
      if (X.ncol !== ncol) throw new StatsInputError(`naive Bayes model: ${X.ncol} features given, fitted on ${ncol}`);
      const out = new Float64Array(X.nrow);
      for (let i = 0; i < X.nrow; i++) {
        const jll = [0, 1].map((c) => {
          let s = logPrior[c as 0 | 1];
          const m = mean[c as 0 | 1];
          const v = variance[c as 0 | 1];
          for (let j = 0; j < ncol; j++) {
            const vj = v[j] as number;
            const d = (X.data[i * ncol + j] as number) - (m[j] as number);
            s -= 0.5 * Math.log(2 * Math.PI * vj) + (0.5 * d * d) / vj;
          }
          return s;
        }) as [number, number];
        const top = Math.max(jll[0], jll[1]);
        const e0 = Math.exp(jll[0] - top);
        const e1 = Math.exp(jll[1] - top);
        out[i] = e1 / (e0 + e1);
      }
      return out;
    },
    toJSON(): SavedClassifier {
      return { kind: 'naive_bayes', params: { var_smoothing: state.varSmoothing }, state };
    },
  };
}

export function fitNaiveBayes(X: DataMatrix, y: Float64Array, params: Params = {}): FittedClassifier {
  checkParams('naive_bayes', params, ['var_smoothing']);
  const varSmoothing = numberParam('naive_bayes', params, 'var_smoothing', 1e-9, 0);
  const { nrow: n, ncol: p } = X;
  const moments = (rows: number[]) => {
    const m = new Array<number>(p).fill(0);
    const v = new Array<number>(p).fill(0);
    for (const i of rows) for (let j = 0; j < p; j++) m[j]! += X.data[i * p + j] as number;
    for (let j = 0; j < p; j++) m[j]! /= rows.length;
    for (const i of rows) for (let j = 0; j < p; j++) v[j]! += ((X.data[i * p + j] as number) - m[j]!) ** 2;
    for (let j = 0; j < p; j++) v[j]! /= rows.length;
    return { m, v };
  };
  const all = moments(Array.from({ length: n }, (_, i) => i));
  const eps = varSmoothing * Math.max(...all.v);
  const rowsOf = [0, 1].map((c) => Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === c));
  if (rowsOf.some((r) => r.length === 0)) throw new StatsInputError("model 'naive_bayes': the training rows have one class only");
  const per = rowsOf.map(moments);
  return restore({
    ncol: p,
    logPrior: [Math.log(rowsOf[0]!.length / n), Math.log(rowsOf[1]!.length / n)],
    mean: [per[0]!.m, per[1]!.m],
    variance: [per[0]!.v.map((v) => v + eps), per[1]!.v.map((v) => v + eps)],
    varSmoothing,
  });
}

export function restoreNaiveBayes(saved: SavedClassifier): FittedClassifier {
  return restore(saved.state as NbState);
}
