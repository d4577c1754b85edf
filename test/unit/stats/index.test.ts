/**
 * The public entry point main/compute/stats/index.ts exposes every area of the statistics core
 * (reference: the list of areas in issue 8), and resolves at run time without cycles.
 */
import { describe, expect, it } from 'vitest';
import * as stats from '../../../main/compute/stats/index.js';

describe('stats public API', () => {
  it('re-exports each area', () => {
    const names = [
      'pnorm',
      'qt',
      'pchisq',
      'pf',
      'pbeta',
      'qgamma',
      'Rng',
      'summarizeNumeric',
      'quantile',
      'countLevels',
      'tTestTwoSample',
      'mannWhitneyTest',
      'chiSquareTest',
      'fisherTest2x2',
      'fisherTestRxC',
      'oneWayAnova',
      'kruskalWallis',
      'leveneTest',
      'shapiroWilk',
      'ksTestOneSample',
      'ksTestTwoSample',
      'pearsonTest',
      'spearmanTest',
      'pAdjust',
      'roc',
      'aucDelong',
      'delongPairedTest',
      'aucBootstrapCi',
      'youdenThreshold',
      'metricsAtThreshold',
      'reclassification',
      'icc',
      'cohenKappa',
      'blandAltman',
      'valProb',
      'hosmerLemeshow',
      'decisionCurve',
      'lowess',
      'compareNumeric',
      'logisticRegression',
      'likelihoodRatioTest',
      'predictLogistic',
      'logisticVif',
      'buildTable1',
      'segmentationAgreement',
      'squaredDistanceTransform',
      'glmnetBinomial',
      'cvGlmnetBinomial',
      'compareCategorical',
      'kaplanMeier',
      'kaplanMeierQuantile',
      'logRankTest',
      'coxPH',
      'StatsInputError',
    ];
    for (const n of names) expect(typeof (stats as Record<string, unknown>)[n], n).toBe('function');
    expect(stats.pnorm(0)).toBe(0.5);
    expect(() => stats.tTestTwoSample([1], [])).toThrow(stats.StatsInputError);
  });
});
