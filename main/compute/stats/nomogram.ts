/**
 * Nomogram of a model with a linear predictor (logistic regression, a rad-score model), built
 * as rms::nomogram builds it:
 * - each predictor has axis values (numbers, or factor levels with their coefficient; the
 *   reference level contributes 0) and contributes Xβ at each value;
 * - per predictor, min_j and range_j of Xβ over its axis values; the scale factor
 *   sc = maxScale / max_j range_j, so the widest predictor spans 0…maxScale points;
 * - points of a value = (Xβ − min_j) · sc; total points T = Σ points;
 * - linear predictor lp = intercept + Σ_j min_j + T / sc; a risk axis maps lp through the
 *   inverse logit. Risk ticks outside a given linear-predictor axis are left out (as rms does);
 *   without one, those outside the reachable range (0 … maximum total points) are.
 */
import { StatsInputError } from './common.js';

export type NomogramPredictor =
  | { name: string; kind: 'continuous'; beta: number; at: readonly number[] }
  | { name: string; kind: 'factor'; levels: readonly string[]; beta: readonly number[] };

export interface NomogramAxis {
  name: string;
  /** Axis values (numbers or level names) and their points. */
  at: (number | string)[];
  points: number[];
}

export interface Nomogram {
  maxScale: number;
  scale: number;
  /** Intercept plus the sum of per-predictor minima: lp at 0 total points. */
  lpAtZero: number;
  predictors: NomogramAxis[];
  /** Total points axis range (0 … sum of each predictor's maximum points). */
  totalPoints: [number, number];
  lp: { at: number[]; points: number[] };
  risk: { at: number[]; points: number[] };
}

/** R's pretty() for a range: ~n "nice" ticks (1, 2, 5 × 10^k steps) covering [lo, hi]. */
export function prettyTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

export function buildNomogram(
  intercept: number,
  predictors: readonly NomogramPredictor[],
  opts: { maxScale?: number; lpAt?: readonly number[]; riskAt?: readonly number[] } = {},
): Nomogram {
  if (predictors.length === 0) throw new StatsInputError('a nomogram needs at least one predictor');
  const maxScale = opts.maxScale ?? 100;
  const xbeta = predictors.map((p) => {
    if (p.kind === 'continuous') {
      if (p.at.length < 2) throw new StatsInputError(`nomogram: predictor '${p.name}' needs at least two axis values`);
      return p.at.map((v) => p.beta * v);
    }
    if (p.levels.length !== p.beta.length) {
      throw new StatsInputError(`nomogram: factor '${p.name}' has ${p.levels.length} levels and ${p.beta.length} coefficients`);
    }
    return [...p.beta];
  });
  const mins = xbeta.map((xb) => Math.min(...xb));
  const ranges = xbeta.map((xb, j) => Math.max(...xb) - (mins[j] as number));
  const widest = Math.max(...ranges);
  if (!(widest > 0)) throw new StatsInputError('nomogram: every predictor has a zero coefficient');
  const scale = maxScale / widest;
  const lpAtZero = intercept + mins.reduce((s, v) => s + v, 0);
  const axes: NomogramAxis[] = predictors.map((p, j) => ({
    name: p.name,
    at: p.kind === 'continuous' ? [...p.at] : [...p.levels],
    points: (xbeta[j] as number[]).map((v) => (v - (mins[j] as number)) * scale),
  }));
  const maxTotal = ranges.reduce((s, r) => s + r * scale, 0);
  const toPoints = (lp: number): number => (lp - lpAtZero) * scale;
  const lpAt = opts.lpAt ? [...opts.lpAt] : prettyTicks(lpAtZero, lpAtZero + maxTotal / scale);
  // Risk ticks within the lp axis when it is given (as rms), else within the reachable range.
  const lpLo = opts.lpAt ? Math.min(...lpAt) : lpAtZero;
  const lpHi = opts.lpAt ? Math.max(...lpAt) : lpAtZero + maxTotal / scale;
  const logit = (p: number): number => Math.log(p / (1 - p));
  const riskAt = (opts.riskAt ?? [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]).filter((r) => {
    const l = logit(r);
    return r > 0 && r < 1 && l >= lpLo && l <= lpHi;
  });
  return {
    maxScale,
    scale,
    lpAtZero,
    predictors: axes,
    totalPoints: [0, maxTotal],
    lp: { at: lpAt, points: lpAt.map(toPoints) },
    risk: { at: riskAt, points: riskAt.map((r) => toPoints(logit(r))) },
  };
}
