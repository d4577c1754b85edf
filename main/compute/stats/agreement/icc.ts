/**
 * Intraclass correlation in the six Shrout & Fleiss (1979) forms, which are the McGraw & Wong
 * (1996) forms of Psychol. Methods 1:30–46:
 *   ICC1  = one-way random, single       ICC(1)        ICC1k = one-way random, average  ICC(k)
 *   ICC2  = two-way, absolute agreement  ICC(A,1)      ICC2k = ICC(A,k)
 *   ICC3  = two-way, consistency         ICC(C,1)      ICC3k = ICC(C,k)
 * (two-way random and two-way mixed give the same point estimates and intervals; only the
 * interpretation differs). Mean squares from the two-way ANOVA without interaction; F tests and
 * F-based confidence intervals as psych::ICC (McGraw & Wong Table 7; Satterthwaite df for the
 * absolute-agreement forms; average-measure agreement bounds by Spearman–Brown of the single).
 */
import { pf, qf } from '../distributions/index.js';
import { StatsInputError } from '../common.js';

export type IccForm = 'ICC1' | 'ICC2' | 'ICC3' | 'ICC1k' | 'ICC2k' | 'ICC3k';

export interface IccEstimate {
  form: IccForm;
  model: 'oneway' | 'twoway';
  type: 'agreement' | 'consistency';
  unit: 'single' | 'average';
  icc: number;
  F: number;
  df1: number;
  df2: number;
  pValue: number;
  confInt: [number, number];
}

export interface IccResult {
  forms: Record<IccForm, IccEstimate>;
  nSubjects: number;
  nRaters: number;
  /** Subjects dropped because a rating was missing (NaN). */
  nMissing: number;
  meanSquares: { rows: number; columns: number; error: number; within: number };
}

/**
 * ICCs of a subjects × raters table (`ratings[i][j]` = rater j on subject i). Subjects with
 * any missing rating are dropped (complete-case analysis, as psych::ICC(lmer = FALSE)).
 */
export function icc(ratings: ReadonlyArray<ArrayLike<number>>, confLevel = 0.95): IccResult {
  const k = ratings[0]?.length ?? 0;
  if (k < 2) throw new StatsInputError(`ICC: needs at least 2 raters (columns); got ${k}`);
  const rows: ArrayLike<number>[] = [];
  let nMissing = 0;
  ratings.forEach((r, i) => {
    if (r.length !== k) throw new StatsInputError(`ICC: subject ${i + 1} has ${r.length} ratings, expected ${k}`);
    for (let j = 0; j < k; j++) {
      if (Number.isNaN(r[j] as number)) {
        nMissing++;
        return;
      }
    }
    rows.push(r);
  });
  const n = rows.length;
  if (n < 2) throw new StatsInputError(`ICC: needs at least 2 subjects with complete ratings; got ${n}`);
  const rowMean = new Float64Array(n);
  const colMean = new Float64Array(k);
  let grand = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const v = rows[i]![j] as number;
      rowMean[i] = (rowMean[i] as number) + v / k;
      colMean[j] = (colMean[j] as number) + v / n;
      grand += v;
    }
  }
  grand /= n * k;
  let ssr = 0;
  let ssc = 0;
  let sse = 0;
  for (let i = 0; i < n; i++) ssr += k * ((rowMean[i] as number) - grand) ** 2;
  for (let j = 0; j < k; j++) ssc += n * ((colMean[j] as number) - grand) ** 2;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) sse += ((rows[i]![j] as number) - (rowMean[i] as number) - (colMean[j] as number) + grand) ** 2;
  }
  const MSR = ssr / (n - 1);
  const MSC = ssc / (k - 1);
  const MSE = sse / ((n - 1) * (k - 1));
  const MSW = (ssc + sse) / (n * (k - 1));
  if (!(MSR > 0)) throw new StatsInputError('ICC: subjects do not vary (between-subject mean square is 0)');
  if (!(MSE > 0))
    throw new StatsInputError('ICC: no residual variation (raters agree perfectly up to a shift); the F-based CI is undefined');
  const alpha = 1 - confLevel;

  // One-way.
  const F1 = MSR / MSW;
  const d1n = n - 1;
  const d1d = n * (k - 1);
  const p1 = pf(F1, d1n, d1d, false);
  const F1L = F1 / qf(1 - alpha / 2, d1n, d1d);
  const F1U = F1 * qf(1 - alpha / 2, d1d, d1n);
  // Two-way.
  const F2 = MSR / MSE;
  const d2n = n - 1;
  const d2d = (n - 1) * (k - 1);
  const p2 = pf(F2, d2n, d2d, false);
  const F3L = F2 / qf(1 - alpha / 2, d2n, d2d);
  const F3U = F2 * qf(1 - alpha / 2, d2d, d2n);

  const icc1 = (MSR - MSW) / (MSR + (k - 1) * MSW);
  const icc2 = (MSR - MSE) / (MSR + (k - 1) * MSE + (k * (MSC - MSE)) / n);
  const icc3 = (MSR - MSE) / (MSR + (k - 1) * MSE);
  const icc1k = (MSR - MSW) / MSR;
  const icc2k = (MSR - MSE) / (MSR + (MSC - MSE) / n);
  const icc3k = (MSR - MSE) / MSR;

  // Absolute agreement: Satterthwaite df for the combined variance (McGraw & Wong eq. in Table 7).
  const Fj = MSC / MSE;
  const vn = (k - 1) * (n - 1) * (k * icc2 * Fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const vd = (n - 1) * k * k * icc2 * icc2 * Fj * Fj + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const v = vn / vd;
  const FaU = qf(1 - alpha / 2, n - 1, v);
  const FaL = qf(1 - alpha / 2, v, n - 1);
  const L2 = (n * (MSR - FaU * MSE)) / (FaU * (k * MSC + (k * n - k - n) * MSE) + n * MSR);
  const U2 = (n * (FaL * MSR - MSE)) / (k * MSC + (k * n - k - n) * MSE + n * FaL * MSR);
  const sb = (x: number): number => (x * k) / (1 + x * (k - 1));

  const mk = (
    form: IccForm,
    model: 'oneway' | 'twoway',
    type: 'agreement' | 'consistency',
    unit: 'single' | 'average',
    value: number,
    oneway: boolean,
    ci: [number, number],
  ): IccEstimate => ({
    form,
    model,
    type,
    unit,
    icc: value,
    F: oneway ? F1 : F2,
    df1: oneway ? d1n : d2n,
    df2: oneway ? d1d : d2d,
    pValue: oneway ? p1 : p2,
    confInt: ci,
  });
  return {
    forms: {
      ICC1: mk('ICC1', 'oneway', 'agreement', 'single', icc1, true, [(F1L - 1) / (F1L + k - 1), (F1U - 1) / (F1U + k - 1)]),
      ICC2: mk('ICC2', 'twoway', 'agreement', 'single', icc2, false, [L2, U2]),
      ICC3: mk('ICC3', 'twoway', 'consistency', 'single', icc3, false, [(F3L - 1) / (F3L + k - 1), (F3U - 1) / (F3U + k - 1)]),
      ICC1k: mk('ICC1k', 'oneway', 'agreement', 'average', icc1k, true, [1 - 1 / F1L, 1 - 1 / F1U]),
      ICC2k: mk('ICC2k', 'twoway', 'agreement', 'average', icc2k, false, [sb(L2), sb(U2)]),
      ICC3k: mk('ICC3k', 'twoway', 'consistency', 'average', icc3k, false, [1 - 1 / F3L, 1 - 1 / F3U]),
    },
    nSubjects: n,
    nRaters: k,
    nMissing,
    meanSquares: { rows: MSR, columns: MSC, error: MSE, within: MSW },
  };
}
