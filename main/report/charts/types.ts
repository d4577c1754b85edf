/**
 * Figure data: what the charts draw, computed once from an analysis result (main/report/figureData.ts)
 * and shipped as plain JSON to the renderer's dashboards and to the server-side exports, so the
 * screen and the paper show the same numbers. Types only: the renderer imports this file.
 */

export type SetKey = 'train' | 'cv' | 'test' | 'external';

export const SET_LABELS: Record<SetKey, string> = {
  train: 'Training (apparent)',
  cv: 'Training (cross-validated)',
  test: 'Internal test',
  external: 'External validation',
};

export interface RocSeries {
  model: string;
  set: SetKey;
  auc: number;
  /** DeLong 95% CI (pROC ci.auc). */
  ci: [number, number] | null;
  /** 1 − specificity and sensitivity along the thresholds, from (0, 0) to (1, 1). */
  fpr: number[];
  tpr: number[];
}

export interface CalibrationSeries {
  model: string;
  set: SetKey;
  /** Hosmer–Lemeshow p (g = 10). */
  hosmerLemeshowP: number | null;
  slope: number | null;
  intercept: number | null;
  /** Apparent curve: lowess (iter = 0) of the outcome on the predicted risk (rms val.prob / calibrate). */
  apparent: { predicted: number[]; observed: number[] };
  /**
   * Bias-corrected curve, training set only, when bootstrapped: rms::calibrate's overfitting-
   * corrected lowess curve (apparent minus mean bootstrap optimism on its grid of predicted risk);
   * for results stored before that curve was kept, the predicted risk recalibrated with the
   * optimism-corrected intercept and slope (rms::validate), expit(a + b·logit(p)).
   */
  corrected: { predicted: number[]; observed: number[]; B: number } | null;
  /** Observed proportion in the ten Hosmer–Lemeshow risk groups. */
  groups: { predicted: number; observed: number; n: number }[];
}

export interface DecisionCurveSeries {
  model: string;
  set: SetKey;
  prevalence: number;
  thresholds: number[];
  netBenefit: number[];
  treatAll: number[];
  /** Threshold ranges where the model's net benefit beats both treat-all and treat-none. */
  helps: [number, number][];
}

export interface BoxStats {
  n: number;
  /** Tukey box: lower whisker, Q1, median, Q3, upper whisker (1.5 IQR). */
  box: [number, number, number, number, number];
  outliers: number[];
}

export interface RadScoreByClass {
  model: string;
  set: SetKey;
  /** 'Rad-score' (linear predictor, logit scale) for linear models, else 'Predicted probability'. */
  scale: string;
  negative: BoxStats;
  positive: BoxStats;
  /** Wilcoxon rank-sum (Mann–Whitney) p between the classes. */
  pValue: number | null;
}

export interface CoefficientSet {
  model: string;
  intercept: number;
  terms: { feature: string; coefficient: number; standardized: number }[];
}

export interface ConfusionMatrix {
  model: string;
  set: SetKey;
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface LassoPath {
  model: string;
  lambda: number[];
  cvm: number[];
  cvsd: number[];
  indexMin: number;
  index1se: number;
  features: string[];
  beta: number[][];
}

export interface FigureData {
  analysis: string;
  /** Outcome as the spec names it, e.g. 'her2_status = low'. */
  outcome: string;
  models: string[];
  sets: SetKey[];
  roc: RocSeries[];
  delong: { set: SetKey; models: string[]; pValues: (number | null)[][] }[];
  calibration: CalibrationSeries[];
  decisionCurves: DecisionCurveSeries[];
  radScore: RadScoreByClass[];
  coefficients: CoefficientSet[];
  confusion: ConfusionMatrix[];
  lasso: LassoPath[];
}
