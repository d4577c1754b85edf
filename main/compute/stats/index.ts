/**
 * RadStudy statistics core: pure TypeScript, validated against R (fixtures and the scripts
 * that produce them are in test/fixtures/r). Missing values are NaN in numeric inputs (null,
 * undefined or '' in label inputs); every function drops them like R's na.omit and reports how
 * many it dropped (`nMissing`). Input a test cannot use throws StatsInputError with a message
 * naming what was wrong.
 */
export * from './distributions/index.js';
export { Rng } from './random.js';
export { StatsInputError, midRanks } from './common.js';
export type { Alternative, TestResult } from './common.js';
export { summarizeNumeric, quantile, quantileSorted, median, countLevels } from './descriptives.js';
export type { NumericSummary, CategoryCount } from './descriptives.js';
export { tTestOneSample, tTestPaired, tTestTwoSample } from './ttest.js';
export type { TTestOptions, TTestResult } from './ttest.js';
export { mannWhitneyTest, pwilcox } from './wilcoxon.js';
export type { MannWhitneyOptions, MannWhitneyResult } from './wilcoxon.js';
export { chiSquareTest, fisherTest2x2, fisherTestRxC } from './contingency.js';
export type { ChiSquareResult, CountTable, FisherResult } from './contingency.js';
export { oneWayAnova, welchAnova, kruskalWallis, leveneTest } from './anova.js';
export type { AnovaResult, KruskalResult } from './anova.js';
export { shapiroWilk } from './shapiro.js';
export type { ShapiroResult } from './shapiro.js';
export { ksTestOneSample, ksTestTwoSample } from './ks.js';
export type { KsResult } from './ks.js';
export { pearsonR, pearsonTest, spearmanTest } from './correlation.js';
export type { CorrelationResult } from './correlation.js';
export { pAdjust } from './padjust.js';
export type { PAdjustMethod } from './padjust.js';
export { roc, rocFromGroups, aucMannWhitney } from './roc/curve.js';
export type { RocCurve, RocDirection, RocOptions } from './roc/curve.js';
export { aucDelong, delongPairedTest, delongUnpairedTest, delongPairwiseMatrix, delongPlacements } from './roc/delong.js';
export type { AucCi, RocTestResult, Placements } from './roc/delong.js';
export { aucBootstrapCi } from './roc/bootstrap.js';
export type { BootstrapAucCi } from './roc/bootstrap.js';
export { youdenThreshold, metricsAtThreshold, proportionCi } from './roc/threshold.js';
export type { YoudenPoint, ThresholdMetrics, Proportion, ProportionCiMethod } from './roc/threshold.js';
export { reclassification } from './roc/reclassification.js';
export type { ReclassificationResult, ImprovementMeasure } from './roc/reclassification.js';
export { icc } from './agreement/icc.js';
export type { IccForm, IccEstimate, IccResult } from './agreement/icc.js';
export { cohenKappa, kappaFromTable } from './agreement/kappa.js';
export type { KappaResult, KappaWeights } from './agreement/kappa.js';
export { blandAltman } from './agreement/blandAltman.js';
export type { BlandAltmanResult } from './agreement/blandAltman.js';
export { valProb, hosmerLemeshow } from './calibration.js';
export type { ValProbResult, HosmerLemeshowResult } from './calibration.js';
export { decisionCurve, decisionCurveBootstrap } from './decisionCurve.js';
export type { DecisionCurvePoint, NetBenefitBand } from './decisionCurve.js';
export { kaplanMeier, kaplanMeierQuantile, logRankTest } from './survival.js';
export type { KaplanMeierRow, LogRankResult } from './survival.js';
export { coxPH } from './cox.js';
export type { CoxResult, CoxCoefficient } from './cox.js';
export { lowess } from './lowess.js';
export { compareNumeric, compareCategorical } from './table1.js';
export type { NumericComparison, CategoricalComparison, NumericTestChoice } from './table1.js';
export { logisticRegression, predictLogistic, likelihoodRatioTest, logisticVif } from './logistic.js';
export type { DesignMatrix, LogisticOptions, LogisticCoefficient, LogisticFit, LikelihoodRatioTest } from './logistic.js';
export { buildTable1 } from './table1Builder.js';
export type {
  Table1,
  Table1Options,
  Table1Variable,
  Table1Row,
  Table1ContinuousRow,
  Table1CategoricalRow,
  Table1ContinuousCell,
  Table1LevelCell,
} from './table1Builder.js';
export { segmentationAgreement, surfaceVoxels } from './agreement/segmentation.js';
export type { BinaryMask, SegmentationAgreement } from './agreement/segmentation.js';
export { squaredDistanceTransform } from './agreement/distanceTransform.js';
export { glmnetBinomial, cvGlmnetBinomial } from './glmnet.js';
export type { GlmnetOptions, GlmnetPath, CvGlmnetResult } from './glmnet.js';
export { stepwiseLogistic } from './stepwise.js';
export type {
  StepwiseTerm,
  StepwiseOptions,
  StepwiseResult,
  StepwiseStep,
  StepwiseCandidate,
  StepwiseCriterion,
  StepwiseDirection,
} from './stepwise.js';
export { calibrateBootstrap, logisticCalibrationModel, binnedCalibration, smoothedCalibration } from './calibrateBootstrap.js';
export type {
  CalibrationModel,
  CalibrateBootstrapOptions,
  CalibrateBootstrapResult,
  BinnedCalibrationGroup,
} from './calibrateBootstrap.js';
