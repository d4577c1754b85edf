/**
 * k-sample location and scale tests: one-way ANOVA (R's `anova(lm(y ~ g))` /
 * `oneway.test(var.equal = TRUE)`), Welch's heteroscedastic one-way test (`oneway.test`),
 * Kruskal–Wallis (`kruskal.test`, tie-corrected), and Levene / Brown–Forsythe (as
 * `car::leveneTest` with center = mean / median: the ANOVA F of |y − centre of its group|).
 */
import { pchisq, pf } from './distributions/index.js';
import { type TestResult, StatsInputError, mean, midRanks, splitByGroup, variance } from './common.js';
import { median } from './descriptives.js';

export interface AnovaResult extends TestResult {
  df: [number, number];
  /** Between-group and within-group sums of squares (classical ANOVA and Levene only). */
  ssBetween?: number;
  ssWithin?: number;
  groups: (string | number)[];
  groupSizes: number[];
}

export interface KruskalResult extends TestResult {
  df: number;
  groups: (string | number)[];
  groupSizes: number[];
}

function checkGroups(groups: Float64Array[], labels: (string | number)[], what: string, minPerGroup: number): void {
  if (groups.length < 2) throw new StatsInputError(`${what}: needs at least 2 groups with data (found ${groups.length})`);
  groups.forEach((g, i) => {
    if (g.length < minPerGroup) {
      throw new StatsInputError(`${what}: group '${labels[i]}' has ${g.length} value(s); at least ${minPerGroup} needed`);
    }
  });
}

/** Classical one-way ANOVA F test on groups given as separate arrays. */
export function oneWayAnovaGroups(
  groups: Float64Array[],
  labels: (string | number)[],
  method = 'One-way analysis of means',
): AnovaResult {
  checkGroups(groups, labels, 'one-way ANOVA', 1);
  let N = 0;
  let total = 0;
  for (const g of groups) {
    N += g.length;
    for (let i = 0; i < g.length; i++) total += g[i] as number;
  }
  const k = groups.length;
  if (N - k < 1) throw new StatsInputError('one-way ANOVA: no within-group degrees of freedom (every group has one value)');
  const grand = total / N;
  let ssb = 0;
  let ssw = 0;
  for (const g of groups) {
    const m = mean(g);
    ssb += g.length * (m - grand) * (m - grand);
    for (let i = 0; i < g.length; i++) {
      const d = (g[i] as number) - m;
      ssw += d * d;
    }
  }
  const df1 = k - 1;
  const df2 = N - k;
  if (!(ssw > 0)) throw new StatsInputError('one-way ANOVA: no variation within groups');
  const F = ssb / df1 / (ssw / df2);
  return {
    statistic: F,
    statisticName: 'F',
    df: [df1, df2],
    pValue: pf(F, df1, df2, false),
    method,
    alternative: 'two.sided',
    ssBetween: ssb,
    ssWithin: ssw,
    groups: labels,
    groupSizes: groups.map((g) => g.length),
  };
}

/** One-way ANOVA of `values` by the parallel `groups` labels (NaN values dropped). */
export function oneWayAnova(values: ArrayLike<number>, groups: ArrayLike<string | number>): AnovaResult {
  const s = splitByGroup(values, groups);
  return { ...oneWayAnovaGroups(s.groups, s.labels), nMissing: [s.nMissing] };
}

/** Welch's one-way test for unequal variances (R: oneway.test(y ~ g, var.equal = FALSE)). */
export function welchAnova(values: ArrayLike<number>, groups: ArrayLike<string | number>): AnovaResult {
  const s = splitByGroup(values, groups);
  checkGroups(s.groups, s.labels, 'Welch ANOVA', 2);
  const k = s.groups.length;
  const n = s.groups.map((g) => g.length);
  const m = s.groups.map((g) => mean(g));
  const v = s.groups.map((g) => variance(g));
  v.forEach((vi, i) => {
    if (!(vi > 0)) throw new StatsInputError(`Welch ANOVA: group '${s.labels[i]}' has zero variance`);
  });
  const w = v.map((vi, i) => (n[i] as number) / vi);
  const sw = w.reduce((a, b) => a + b, 0);
  let tmp = 0;
  for (let i = 0; i < k; i++) tmp += (1 - (w[i] as number) / sw) ** 2 / ((n[i] as number) - 1);
  tmp /= k * k - 1;
  let mw = 0;
  for (let i = 0; i < k; i++) mw += (w[i] as number) * (m[i] as number);
  mw /= sw;
  let num = 0;
  for (let i = 0; i < k; i++) num += (w[i] as number) * ((m[i] as number) - mw) ** 2;
  const F = num / ((k - 1) * (1 + 2 * (k - 2) * tmp));
  const df2 = 1 / (3 * tmp);
  return {
    statistic: F,
    statisticName: 'F',
    df: [k - 1, df2],
    pValue: pf(F, k - 1, df2, false),
    method: 'One-way analysis of means (not assuming equal variances)',
    alternative: 'two.sided',
    groups: s.labels,
    groupSizes: n,
    nMissing: [s.nMissing],
  };
}

/** Kruskal–Wallis rank sum test with the tie correction of R's kruskal.test. */
export function kruskalWallis(values: ArrayLike<number>, groups: ArrayLike<string | number>): KruskalResult {
  const s = splitByGroup(values, groups);
  checkGroups(s.groups, s.labels, 'Kruskal–Wallis', 1);
  const N = s.groups.reduce((a, g) => a + g.length, 0);
  const all = new Float64Array(N);
  let off = 0;
  for (const g of s.groups) {
    all.set(g, off);
    off += g.length;
  }
  const { ranks, tieSizes } = midRanks(all);
  let stat = 0;
  off = 0;
  for (const g of s.groups) {
    let rs = 0;
    for (let i = 0; i < g.length; i++) rs += ranks[off + i] as number;
    stat += (rs * rs) / g.length;
    off += g.length;
  }
  let tieTerm = 0;
  for (const t of tieSizes) tieTerm += t * t * t - t;
  const denom = 1 - tieTerm / (N * N * N - N);
  if (!(denom > 0)) throw new StatsInputError('Kruskal–Wallis: all values are tied');
  const H = ((12 * stat) / (N * (N + 1)) - 3 * (N + 1)) / denom;
  const df = s.groups.length - 1;
  return {
    statistic: H,
    statisticName: 'Kruskal-Wallis chi-squared',
    df,
    pValue: pchisq(H, df, false),
    method: 'Kruskal-Wallis rank sum test',
    alternative: 'two.sided',
    groups: s.labels,
    groupSizes: s.groups.map((g) => g.length),
    nMissing: [s.nMissing],
  };
}

/**
 * Levene's test (center = 'mean') or the Brown–Forsythe variant (center = 'median', the default
 * of car::leveneTest): one-way ANOVA on absolute deviations from each group's centre.
 */
export function leveneTest(
  values: ArrayLike<number>,
  groups: ArrayLike<string | number>,
  center: 'mean' | 'median' = 'median',
): AnovaResult {
  const s = splitByGroup(values, groups);
  checkGroups(s.groups, s.labels, 'Levene test', 1);
  const dev = s.groups.map((g) => {
    const c = center === 'mean' ? mean(g) : median(g);
    const d = new Float64Array(g.length);
    for (let i = 0; i < g.length; i++) d[i] = Math.abs((g[i] as number) - c);
    return d;
  });
  const r = oneWayAnovaGroups(
    dev,
    s.labels,
    center === 'mean'
      ? "Levene's test for homogeneity of variance (center = mean)"
      : "Levene's test for homogeneity of variance (center = median; Brown-Forsythe)",
  );
  return { ...r, nMissing: [s.nMissing] };
}
