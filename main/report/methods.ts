/**
 * The statistical-methods paragraph of a paper, written from the analysis spec that produced the
 * results (so it cannot drift from what was run): software and version, split, cross-validation,
 * every preprocessing and selection step with its settings, the models, and how they were judged.
 */
import type { AnalysisResult } from '../compute/ml/analysis.js';
import type { AnalysisSpec } from '../compute/ml/spec.js';
import { extractionMethods, type ExtractionFacts } from './extractionFacts.js';

const MODEL_NAMES: Record<string, string> = {
  logistic: 'logistic regression',
  logistic_l1: 'L1-penalised logistic regression',
  logistic_l2: 'L2-penalised logistic regression',
  logistic_elasticnet: 'elastic-net logistic regression',
  svm_linear: 'a linear support vector machine (Platt-scaled probabilities)',
  svm_rbf: 'an RBF-kernel support vector machine (Platt-scaled probabilities)',
  tree: 'a decision tree',
  random_forest: 'a random forest',
  gradient_boosting: 'gradient boosting',
  knn: 'k-nearest neighbours',
  mlp: 'a multilayer perceptron',
  naive_bayes: 'Gaussian naive Bayes',
};

type Step = AnalysisSpec['steps'][number];

export function describeStep(s: Step): string {
  switch (s.step) {
    case 'impute':
      return `missing values imputed with the training ${s.strategy}`;
    case 'scale':
      return s.method === 'zscore'
        ? 'z-score standardisation'
        : s.method === 'minmax'
          ? 'min–max scaling'
          : 'robust (median/IQR) scaling';
    case 'variance':
      return `removal of features with variance ≤ ${s.threshold}`;
    case 'icc':
      return `retention of features with inter-reader ICC ≥ ${s.min}`;
    case 'univariate':
      return `univariate ${s.test === 'ttest' ? 't-test' : 'Mann–Whitney U test'} filtering (p < ${s.alpha}${s.fdr ? ', Benjamini–Hochberg adjusted' : ''})`;
    case 'correlation':
      return `removal of one of each pair of features with |${s.method === 'spearman' ? 'Spearman ρ' : 'Pearson r'}| > ${s.threshold}`;
    case 'f_classif':
      return `the ${s.k} features with the highest ANOVA F`;
    case 'mrmr':
      return `minimum-redundancy maximum-relevance selection of ${s.k} features`;
    case 'lasso':
      return `${s.alpha === 1 ? 'LASSO' : `elastic-net (α = ${s.alpha})`} logistic regression with ${s.folds}-fold cross-validated binomial deviance, keeping the non-zero coefficients at λ.${s.lambda}${s.maxFeatures ? ` (at most ${s.maxFeatures})` : ''}`;
    case 'combat':
      return `ComBat harmonisation across centers (${s.parametric ? 'parametric' : 'non-parametric'} empirical Bayes${s.meanOnly ? ', location only' : ''}${s.covariates.length ? `, preserving ${s.covariates.join(', ')}` : ''})`;
    case 'stepwise':
      return `${s.direction} stepwise logistic regression by ${s.criterion === 'p' ? 'p-value' : s.criterion.toUpperCase()}`;
  }
}

function describeSplit(spec: AnalysisSpec, r: AnalysisResult): string {
  const c = r.split.counts;
  const counts = `${c.train.rows} training, ${c.test.rows} internal test and ${c.external.rows} external rows`;
  const s = spec.split;
  if (s.method === 'random')
    return `Patients were randomly assigned (${s.stratify ? 'stratified by outcome, ' : ''}${Math.round((1 - s.testFraction) * 100)}:${Math.round(s.testFraction * 100)}, seed ${s.seed ?? spec.seed}) to training and internal test sets (${counts}); all lesions of a patient stayed in one set.`;
  if (s.method === 'center')
    return `Patients from ${s.external.join(', ')} formed the external validation set${s.testFraction > 0 ? `, and ${Math.round(s.testFraction * 100)}% of the remaining patients an internal test set` : ''} (${counts}); all lesions of a patient stayed in one set.`;
  if (s.method === 'stored')
    return `Patients were assigned by the split "${s.name}" stored in the study (${counts}); all lesions of a patient stayed in one set.`;
  return `Rows dated on or after ${String(s.cutoff)} formed a temporal validation set (${counts}).`;
}

export function methodsParagraph(
  r: AnalysisResult,
  software: { name: string; version: string },
  /** The stored study extraction the feature table came from: its settings open the paragraph. */
  extraction?: ExtractionFacts | null,
): string {
  const spec = r.spec;
  const pos = spec.outcome.positive;
  const parts: string[] = [];
  parts.push(
    `Analyses were performed in ${software.name} ${software.version} (modelling engine ${r.engine}). The outcome was ${spec.outcome.column} = ${Array.isArray(pos) ? pos.join(' or ') : String(pos)}${spec.outcome.negative ? ` versus ${spec.outcome.negative.join(' or ')}` : ''}; ${r.features.candidates} candidate radiomic features were considered.`,
  );
  if (extraction) parts.push(extractionMethods(extraction));
  parts.push(describeSplit(spec, r));
  const steps = spec.steps.map(describeStep);
  parts.push(
    steps.length
      ? `On the training set only, the pipeline applied ${steps.join('; then ')}${spec.forced.length ? `; ${spec.forced.join(', ')} were always kept` : ''}.`
      : 'No feature preprocessing or selection step was applied.',
  );
  const models = spec.models.map((m) => `${MODEL_NAMES[m.kind] ?? m.kind} ("${m.name}")`);
  parts.push(
    `Models: ${models.join(', ')}. ${spec.cv.method === 'loocv' ? 'Leave-one-out' : `${spec.cv.k}-fold${spec.cv.repeats > 1 ? ` (${spec.cv.repeats} repeats)` : ''}`} cross-validation on the training set refitted the whole pipeline inside every fold, so no selection saw the rows it was judged on; the final model was refitted on all training rows and applied unchanged to the test sets.`,
  );
  const tuned = spec.models.filter((m) => m.grid);
  if (tuned.length > 0)
    parts.push(
      `Hyper-parameters were chosen by nested cross-validation: for ${tuned
        .map(
          (m) =>
            `"${m.name}" (${Object.entries(m.grid!)
              .map(([k, v]) => `${k} ∈ {${v.join(', ')}}`)
              .join(' × ')})`,
        )
        .join(
          ', ',
        )}, every combination was scored by the ${(tuned[0]!.inner?.metric ?? 'auc') === 'auc' ? 'AUC' : 'Brier score'} of a ${tuned[0]!.inner?.k ?? 3}-fold inner cross-validation of the training rows of each outer fold only, and the final model by the same search on the whole training set.`,
    );
  if (spec.bootstrap)
    parts.push(
      `Internal validation used ${spec.bootstrap.B} bootstrap resamples of patients refitting the whole pipeline (optimism-corrected AUC, calibration slope and intercept, and the .632+ AUC).`,
    );
  parts.push(
    'Discrimination was summarised by the area under the ROC curve with DeLong 95% confidence intervals and compared between models with the paired DeLong test; sensitivity, specificity, accuracy, PPV and NPV (Wilson 95% CIs) were computed at the Youden threshold of the training set. Calibration was assessed with calibration curves, the calibration intercept and slope and the Hosmer–Lemeshow test (10 groups), and clinical utility with decision-curve analysis (net benefit against treat-all and treat-none).',
  );
  parts.push(
    `Random seed ${spec.seed}. Two-sided p < 0.05 was considered significant; p-values below 0.001 are reported as <0.001.`,
  );
  return parts.join(' ');
}
