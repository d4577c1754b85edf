/**
 * Unpenalized logistic regression as a FittedClassifier (glm binomial by IRLS, see
 * stats/logistic.ts). The other model families live in ./models.
 */
import { logisticRegression } from '../stats/logistic.js';
import { StatsInputError } from '../stats/common.js';
import type { DataMatrix, FittedClassifier, SavedClassifier } from './types.js';
import { column } from './types.js';

interface LogisticState {
  names: string[];
  intercept: number;
  coefficients: number[];
}

function restore(state: LogisticState): FittedClassifier {
  return {
    kind: 'logistic',
    predictProba(X: DataMatrix): Float64Array {
      if (X.ncol !== state.coefficients.length) {
        throw new StatsInputError(`logistic model: ${X.ncol} features given, fitted on ${state.coefficients.length}`);
      }
      const out = new Float64Array(X.nrow);
      for (let i = 0; i < X.nrow; i++) {
        let eta = state.intercept;
        for (let j = 0; j < X.ncol; j++) eta += (state.coefficients[j] as number) * (X.data[i * X.ncol + j] as number);
        out[i] = 1 / (1 + Math.exp(-eta));
      }
      return out;
    },
    toJSON(): SavedClassifier {
      return { kind: 'logistic', params: {}, state };
    },
    importance(): Float64Array {
      return Float64Array.from(state.coefficients, Math.abs);
    },
  };
}

export function fitLogistic(X: DataMatrix, y: Float64Array, names: readonly string[] = []): FittedClassifier {
  const cols = Array.from({ length: X.ncol }, (_, j) => column(X, j));
  const fit = logisticRegression(cols, y, { names: names.length === X.ncol ? names : undefined });
  const b = fit.coefficients.map((c) => c.estimate);
  return restore({ names: [...names], intercept: b[0] as number, coefficients: b.slice(1) });
}

export function restoreLogistic(saved: SavedClassifier): FittedClassifier {
  return restore(saved.state as LogisticState);
}
