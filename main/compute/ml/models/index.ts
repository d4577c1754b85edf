/**
 * The model registry: fits and restores every classifier kind available in this build. Kinds
 * not yet implemented are refused with a message naming the ones that are.
 */
import { StatsInputError } from '../../stats/common.js';
import type { ClassifierFitter, ClassifierRestorer } from '../pipeline.js';
import { fitLogistic, restoreLogistic } from '../logisticModel.js';
import { fitKnn, restoreKnn } from './knn.js';
import { fitNaiveBayes, restoreNaiveBayes } from './naiveBayes.js';
import { fitTree, restoreTree } from './tree.js';
import { fitGradientBoosting, restoreGradientBoosting } from './gradientBoosting.js';
import { fitRandomForest, restoreRandomForest } from './randomForest.js';
import { fitSvm, restoreSvm } from './svm.js';
import { fitMlp, restoreMlp } from './mlp.js';
import { fitPenalizedLogistic, restorePenalizedLogistic } from './penalizedLogistic.js';
import type { ClassifierKind } from '../types.js';

export const AVAILABLE_MODELS: readonly ClassifierKind[] = [
  'logistic',
  'logistic_l1',
  'logistic_l2',
  'logistic_elasticnet',
  'knn',
  'naive_bayes',
  'tree',
  'random_forest',
  'gradient_boosting',
  'svm_linear',
  'svm_rbf',
  'mlp',
];

function unavailable(kind: string): never {
  throw new StatsInputError(`model '${kind}' is not available in this build (available: ${AVAILABLE_MODELS.join(', ')})`);
}

export const registryFitter: ClassifierFitter = (spec, X, y, seed, names) => {
  switch (spec.kind) {
    case 'logistic':
      if (spec.params && Object.keys(spec.params).length > 0) {
        throw new StatsInputError(`model 'logistic' takes no parameters (got ${Object.keys(spec.params).join(', ')})`);
      }
      return fitLogistic(X, y, names);
    case 'logistic_l1':
    case 'logistic_l2':
    case 'logistic_elasticnet':
      return fitPenalizedLogistic(spec.kind, X, y, spec.params ?? {}, seed, names);
    case 'knn':
      return fitKnn(X, y, spec.params);
    case 'naive_bayes':
      return fitNaiveBayes(X, y, spec.params);
    case 'tree':
      return fitTree(X, y, spec.params);
    case 'random_forest':
      return fitRandomForest(X, y, spec.params, seed);
    case 'gradient_boosting':
      return fitGradientBoosting(X, y, spec.params);
    case 'svm_linear':
    case 'svm_rbf':
      return fitSvm(spec.kind, X, y, spec.params, seed);
    case 'mlp':
      return fitMlp(X, y, spec.params ?? {}, seed);
    default:
      return unavailable(spec.kind);
  }
};

export const registryRestorer: ClassifierRestorer = (saved) => {
  switch (saved.kind) {
    case 'logistic':
      return restoreLogistic(saved);
    case 'logistic_l1':
    case 'logistic_l2':
    case 'logistic_elasticnet':
      return restorePenalizedLogistic(saved);
    case 'knn':
      return restoreKnn(saved);
    case 'naive_bayes':
      return restoreNaiveBayes(saved);
    case 'tree':
      return restoreTree(saved);
    case 'random_forest':
      return restoreRandomForest(saved);
    case 'gradient_boosting':
      return restoreGradientBoosting(saved);
    case 'svm_linear':
    case 'svm_rbf':
      return restoreSvm(saved);
    case 'mlp':
      return restoreMlp(saved);
    default:
      return unavailable(saved.kind);
  }
};
