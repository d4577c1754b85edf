/**
 * Group comparisons for a "Table 1" (baseline characteristics by outcome or split), choosing
 * the test the way the seed studies describe it, with every choice overridable:
 * - numeric: normality checked in every group (Shapiro–Wilk by default; or Kolmogorov–Smirnov
 *   against a normal with the group's mean and SD, as some papers do); all normal at level
 *   alpha → t-test (2 groups; Welch unless varEqual) or one-way ANOVA (> 2 groups), otherwise
 *   Mann–Whitney U (2 groups) or Kruskal–Wallis (> 2). Summaries are mean ± SD or
 *   median [Q1, Q3] to match the test.
 * - categorical: Pearson chi-square (Yates for 2×2 as R), or Fisher's exact test when any
 *   expected count is < 5 (r×c by enumeration; if that is too large the chi-square is kept and
 *   a note says why).
 */
import { StatsInputError, splitByGroup } from './common.js';
import { type CategoryCount, countLevels, summarizeNumeric, type NumericSummary } from './descriptives.js';
import { shapiroWilk } from './shapiro.js';
import { ksTestOneSample } from './ks.js';
import { pnorm } from './distributions/index.js';
import { tTestTwoSample } from './ttest.js';
import { mannWhitneyTest } from './wilcoxon.js';
import { kruskalWallis, oneWayAnovaGroups } from './anova.js';
import { chiSquareTest, fisherTestRxC } from './contingency.js';

export type NumericTestChoice = 'auto' | 't' | 'mann-whitney' | 'anova' | 'kruskal';

export interface NumericComparison {
  groups: (string | number)[];
  summaries: NumericSummary[];
  /** Normality p-value per group (NaN where the group is too small to test). */
  normalityP: number[];
  normal: boolean;
  test: 'Welch t-test' | 'Student t-test' | 'Mann-Whitney U' | 'one-way ANOVA' | 'Kruskal-Wallis';
  statistic: number;
  pValue: number;
  /** How the row should be shown. */
  display: 'mean-sd' | 'median-iqr';
  nMissing: number;
}

export function compareNumeric(
  values: ArrayLike<number>,
  groups: ArrayLike<string | number>,
  opts: { test?: NumericTestChoice; normality?: 'shapiro' | 'ks'; alpha?: number; varEqual?: boolean } = {},
): NumericComparison {
  const alpha = opts.alpha ?? 0.05;
  const s = splitByGroup(values, groups);
  if (s.groups.length < 2) throw new StatsInputError(`Table 1: needs at least 2 groups with data (found ${s.groups.length})`);
  const summaries = s.groups.map((g, i) => summarizeNumeric(g, `group '${s.labels[i]}'`));
  const normalityP = s.groups.map((g) => {
    if (g.length < 3) return NaN;
    const sm = summarizeNumeric(g);
    if (!(sm.sd > 0)) return NaN;
    return (opts.normality ?? 'shapiro') === 'shapiro'
      ? shapiroWilk(g).pValue
      : ksTestOneSample(g, (q) => pnorm(q, sm.mean, sm.sd)).pValue;
  });
  // A group too small or constant cannot be shown to be normal: use the rank test.
  const normal = normalityP.every((p) => p > alpha);
  const two = s.groups.length === 2;
  let choice = opts.test ?? 'auto';
  if (choice === 'auto') choice = normal ? (two ? 't' : 'anova') : two ? 'mann-whitney' : 'kruskal';
  if (!two && (choice === 't' || choice === 'mann-whitney')) {
    throw new StatsInputError(`Table 1: the ${choice} test compares 2 groups; there are ${s.groups.length}`);
  }
  if (two && (choice === 'anova' || choice === 'kruskal')) {
    throw new StatsInputError(`Table 1: use 't' or 'mann-whitney' for 2 groups, not '${choice}'`);
  }
  let test: NumericComparison['test'];
  let statistic: number;
  let pValue: number;
  const g0 = s.groups[0] as Float64Array;
  const g1 = s.groups[1] as Float64Array;
  switch (choice) {
    case 't': {
      const r = tTestTwoSample(g0, g1, { varEqual: opts.varEqual ?? false });
      test = opts.varEqual ? 'Student t-test' : 'Welch t-test';
      ({ statistic, pValue } = r);
      break;
    }
    case 'mann-whitney': {
      const r = mannWhitneyTest(g0, g1);
      test = 'Mann-Whitney U';
      ({ statistic, pValue } = r);
      break;
    }
    case 'anova': {
      const r = oneWayAnovaGroups(s.groups, s.labels);
      test = 'one-way ANOVA';
      ({ statistic, pValue } = r);
      break;
    }
    default: {
      const labelArr: (string | number)[] = [];
      const valArr: number[] = [];
      s.groups.forEach((g, i) => g.forEach((v) => (valArr.push(v), labelArr.push(s.labels[i] as string | number))));
      const r = kruskalWallis(valArr, labelArr);
      test = 'Kruskal-Wallis';
      ({ statistic, pValue } = r);
    }
  }
  const parametric = test !== 'Mann-Whitney U' && test !== 'Kruskal-Wallis';
  return {
    groups: s.labels,
    summaries,
    normalityP,
    normal,
    test,
    statistic,
    pValue,
    display: parametric ? 'mean-sd' : 'median-iqr',
    nMissing: s.nMissing,
  };
}

export interface CategoricalComparison {
  groups: string[];
  levels: string[];
  /** counts[g] = level counts and % within group g. */
  counts: CategoryCount[][];
  test: 'chi-square' | "Fisher's exact";
  statistic: number;
  pValue: number;
  expectedBelow5: number;
  note?: string;
  nMissing: number;
}

export function compareCategorical(
  values: ArrayLike<string | number | null | undefined>,
  groups: ArrayLike<string | number | null | undefined>,
  opts: { test?: 'auto' | 'chisq' | 'fisher'; correct?: boolean; levels?: readonly string[] } = {},
): CategoricalComparison {
  if (values.length !== groups.length) {
    throw new StatsInputError(`Table 1: values and groups differ in length (${values.length} vs ${groups.length})`);
  }
  const missing = (v: unknown): boolean =>
    v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
  const vs: string[] = [];
  const gs: string[] = [];
  let nMissing = 0;
  for (let i = 0; i < values.length; i++) {
    if (missing(values[i]) || missing(groups[i])) nMissing++;
    else {
      vs.push(String(values[i]));
      gs.push(String(groups[i]));
    }
  }
  const levels = opts.levels ? [...opts.levels] : [...new Set(vs)].sort();
  const groupLabels = [...new Set(gs)].sort();
  if (groupLabels.length < 2)
    throw new StatsInputError(`Table 1: needs at least 2 groups with data (found ${groupLabels.length})`);
  if (levels.length < 2) throw new StatsInputError('Table 1: the variable has a single category; there is nothing to compare');
  const counts = groupLabels.map(
    (g) =>
      countLevels(
        vs.filter((_, i) => gs[i] === g),
        levels,
      ).counts,
  );
  // Rows = levels, columns = groups (R: table(variable, group)).
  // Levels nobody has (possible with explicit `levels`) are shown with 0 but left out of the test.
  const table = levels.map((_, l) => groupLabels.map((_, g) => counts[g]![l]!.count)).filter((row) => row.some((c) => c > 0));
  if (table.length < 2) throw new StatsInputError('Table 1: only one category occurs in the data; there is nothing to compare');
  const chi = chiSquareTest(table, { correct: opts.correct ?? true });
  let choice = opts.test ?? 'auto';
  if (choice === 'auto') choice = chi.expectedBelow5 > 0 ? 'fisher' : 'chisq';
  if (choice === 'fisher') {
    try {
      const f = fisherTestRxC(table);
      return {
        groups: groupLabels,
        levels,
        counts,
        test: "Fisher's exact",
        statistic: NaN,
        pValue: f.pValue,
        expectedBelow5: chi.expectedBelow5,
        nMissing,
      };
    } catch (e) {
      if (!(e instanceof StatsInputError) || opts.test === 'fisher') throw e;
      return {
        groups: groupLabels,
        levels,
        counts,
        test: 'chi-square',
        statistic: chi.statistic,
        pValue: chi.pValue,
        expectedBelow5: chi.expectedBelow5,
        note: `Fisher's exact test was too large to enumerate; chi-square used despite ${chi.expectedBelow5} expected count(s) < 5`,
        nMissing,
      };
    }
  }
  return {
    groups: groupLabels,
    levels,
    counts,
    test: 'chi-square',
    statistic: chi.statistic,
    pValue: chi.pValue,
    expectedBelow5: chi.expectedBelow5,
    nMissing,
  };
}
