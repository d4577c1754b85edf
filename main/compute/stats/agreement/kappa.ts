/**
 * Cohen's kappa (Cohen 1960) and weighted kappa (Cohen 1968) with linear or quadratic
 * agreement weights, w_ij = 1 − |i−j|/(c−1) or 1 − (i−j)²/(c−1)², and the large-sample
 * variance of Fleiss, Cohen & Everitt (1969, Psychol. Bull. 72:323); the CI is
 * κ ± z_{1−α/2} √Var, clipped to [−1, 1].
 */
import { qnorm } from '../distributions/index.js';
import { StatsInputError } from '../common.js';

export type KappaWeights = 'unweighted' | 'linear' | 'quadratic';

export interface KappaResult {
  kappa: number;
  weights: KappaWeights;
  /** Observed and chance-expected (weighted) agreement. */
  observed: number;
  expected: number;
  variance: number;
  se: number;
  confInt: [number, number];
  n: number;
  /** Pairs dropped because a rating was missing. */
  nMissing: number;
  levels: string[];
}

function weightMatrix(c: number, weights: KappaWeights): Float64Array {
  const w = new Float64Array(c * c);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const d = Math.abs(i - j) / (c - 1);
      w[i * c + j] = weights === 'unweighted' ? (i === j ? 1 : 0) : weights === 'linear' ? 1 - d : 1 - d * d;
    }
  }
  return w;
}

/** Kappa from a c × c table of counts (rows: rater 1, columns: rater 2, same ordered levels). */
export function kappaFromTable(
  table: ReadonlyArray<ArrayLike<number>>,
  weights: KappaWeights = 'unweighted',
  confLevel = 0.95,
  levels?: string[],
): KappaResult {
  const c = table.length;
  if (c < 2) throw new StatsInputError(`kappa: needs at least 2 categories (got ${c})`);
  let N = 0;
  for (let i = 0; i < c; i++) {
    if (table[i]!.length !== c)
      throw new StatsInputError(`kappa: table must be square (row ${i + 1} has ${table[i]!.length} cells, expected ${c})`);
    for (let j = 0; j < c; j++) N += table[i]![j] as number;
  }
  if (!(N > 0)) throw new StatsInputError('kappa: the table is empty');
  const p = new Float64Array(c * c);
  const rs = new Float64Array(c);
  const cs = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const v = (table[i]![j] as number) / N;
      p[i * c + j] = v;
      rs[i] = (rs[i] as number) + v;
      cs[j] = (cs[j] as number) + v;
    }
  }
  const w = weightMatrix(c, weights);
  let po = 0;
  let pe = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      po += (w[i * c + j] as number) * (p[i * c + j] as number);
      pe += (w[i * c + j] as number) * (rs[i] as number) * (cs[j] as number);
    }
  }
  if (!(pe < 1))
    throw new StatsInputError('kappa: chance agreement is 1 (each rater used a single category); kappa is undefined');
  const kappa = (po - pe) / (1 - pe);
  // Fleiss–Cohen–Everitt: w̄_i. = Σ_j p_.j w_ij, w̄_.j = Σ_i p_i. w_ij.
  const wRow = new Float64Array(c);
  const wCol = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      wRow[i] = (wRow[i] as number) + (cs[j] as number) * (w[i * c + j] as number);
      wCol[j] = (wCol[j] as number) + (rs[i] as number) * (w[i * c + j] as number);
    }
  }
  let s = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const t = (w[i * c + j] as number) * (1 - pe) - ((wRow[i] as number) + (wCol[j] as number)) * (1 - po);
      s += (p[i * c + j] as number) * t * t;
    }
  }
  const variance = Math.max(0, (s - (po * pe - 2 * pe + po) ** 2) / (N * (1 - pe) ** 4));
  const se = Math.sqrt(variance);
  const z = qnorm(1 - (1 - confLevel) / 2);
  return {
    kappa,
    weights,
    observed: po,
    expected: pe,
    variance,
    se,
    confInt: [Math.max(-1, kappa - z * se), Math.min(1, kappa + z * se)],
    n: N,
    nMissing: 0,
    levels: levels ?? Array.from({ length: c }, (_, i) => String(i + 1)),
  };
}

/**
 * Kappa from two raters' labels. `levels` gives the ordered categories (needed for weighted
 * kappa); by default the sorted distinct labels of both raters. Missing labels (null,
 * undefined, '', NaN) drop the pair.
 */
export function cohenKappa(
  rater1: ArrayLike<string | number | null | undefined>,
  rater2: ArrayLike<string | number | null | undefined>,
  opts: { weights?: KappaWeights; levels?: readonly (string | number)[]; confLevel?: number } = {},
): KappaResult {
  if (rater1.length !== rater2.length) {
    throw new StatsInputError(`kappa: the raters have different numbers of ratings (${rater1.length} vs ${rater2.length})`);
  }
  const missing = (v: unknown): boolean =>
    v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
  const pairs: [string, string][] = [];
  let nMissing = 0;
  for (let i = 0; i < rater1.length; i++) {
    const a = rater1[i];
    const b = rater2[i];
    if (missing(a) || missing(b)) nMissing++;
    else pairs.push([String(a), String(b)]);
  }
  let levels = opts.levels?.map(String);
  if (!levels) {
    const set = new Set<string>();
    for (const [a, b] of pairs) {
      set.add(a);
      set.add(b);
    }
    const all = [...set];
    const numeric = all.every((s) => s.trim() !== '' && !Number.isNaN(Number(s)));
    levels = numeric ? all.sort((x, y) => Number(x) - Number(y)) : all.sort();
  }
  const index = new Map(levels.map((l, i) => [l, i]));
  const c = levels.length;
  const table = Array.from({ length: c }, () => new Float64Array(c));
  for (const [a, b] of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined)
      throw new StatsInputError(`kappa: label '${i === undefined ? a : b}' is not among the levels ${levels.join(', ')}`);
    table[i]![j] = (table[i]![j] as number) + 1;
  }
  return { ...kappaFromTable(table, opts.weights ?? 'unweighted', opts.confLevel ?? 0.95, levels), nMissing };
}
