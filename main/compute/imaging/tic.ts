/**
 * Time–intensity curve (TIC) of a lesion on a dynamic contrast-enhanced series and its type
 * after Kuhl et al. (Radiology 1999;211:101–110), as breast radiologists read it:
 * - the initial (early) enhancement is the signal at the peak of the post-contrast phases
 *   acquired within `earlyWindowS` (default 120 s) of the pre-contrast phase — if none is that
 *   early, the first post-contrast phase;
 * - the delayed change is (S_last − S_early) / S_early;
 * - type I (persistent) when it rises by more than `persistentPct` (default 10 %), type III
 *   (washout) when it falls by more than `washoutPct` (default 10 %), type II (plateau) between.
 *
 * The curve is the mean signal of the mask's voxels in each phase, or of the `hotspotFraction`
 * of them that enhance most at the early phase (radiologists place the ROI on the most
 * enhancing part; hotspotFraction 1 is the whole mask).
 */
export type TicType = 'I' | 'II' | 'III';

export interface DcePhase {
  /** Seconds since the pre-contrast phase (or any common clock). */
  timeS: number;
  data: ArrayLike<number>;
}

export interface TicOptions {
  earlyWindowS?: number;
  persistentPct?: number;
  washoutPct?: number;
  /** Fraction of mask voxels, the most enhancing at the early phase, that make the curve (0 < f ≤ 1; default 1). */
  hotspotFraction?: number;
}

export interface TicPoint {
  timeS: number;
  meanSignal: number;
  /** (S_t − S_0) / S_0 × 100. */
  enhancementPct: number;
}

export interface TicResult {
  points: TicPoint[];
  /** Index into points of the early phase. */
  earlyIndex: number;
  /** (S_early − S_0) / S_0 × 100. */
  initialEnhancementPct: number;
  /** (S_last − S_early) / S_early × 100. */
  delayedChangePct: number;
  type: TicType;
  voxels: number;
}

export function classifyTic(delayedChangePct: number, persistentPct = 10, washoutPct = 10): TicType {
  if (delayedChangePct > persistentPct) return 'I';
  if (delayedChangePct < -washoutPct) return 'III';
  return 'II';
}

/**
 * Index of the early phase among phases sorted by time (phase 0 pre-contrast); never the last
 * phase, which is the delayed one.
 */
export function earlyPhaseIndex(timesS: readonly number[], meanSignal: readonly number[], earlyWindowS: number): number {
  let best = -1;
  for (let p = 1; p < timesS.length - 1; p++)
    if (timesS[p]! - timesS[0]! <= earlyWindowS + 1e-9 && (best < 0 || meanSignal[p]! > meanSignal[best]!)) best = p;
  return best < 0 ? 1 : best;
}

export function timeIntensityCurve(phases: readonly DcePhase[], mask: ArrayLike<number>, opts: TicOptions = {}): TicResult {
  if (phases.length < 3)
    throw new Error(`a time–intensity curve needs a pre-contrast and at least two post-contrast phases; got ${phases.length}`);
  const sorted = [...phases].sort((a, b) => a.timeS - b.timeS);
  for (let p = 1; p < sorted.length; p++)
    if (sorted[p]!.timeS === sorted[p - 1]!.timeS) throw new Error(`two phases are at the same time (${sorted[p]!.timeS} s)`);
  const n = mask.length;
  const wrong = sorted.find((p) => p.data.length !== n);
  if (wrong) throw new Error(`the phase at ${wrong.timeS} s has ${wrong.data.length} voxels, the mask ${n}`);
  const fraction = opts.hotspotFraction ?? 1;
  if (!(fraction > 0 && fraction <= 1)) throw new Error('hotspotFraction must be in (0, 1]');
  const earlyWindowS = opts.earlyWindowS ?? 120;
  const voxels: number[] = [];
  for (let v = 0; v < n; v++) if (mask[v]) voxels.push(v);
  if (voxels.length === 0) throw new Error('the mask is empty');

  const means = (vs: readonly number[]): number[] =>
    sorted.map((p) => {
      let s = 0;
      for (const v of vs) s += p.data[v]!;
      return s / vs.length;
    });
  const times = sorted.map((p) => p.timeS);
  let used = voxels;
  let mean = means(used);
  let early = earlyPhaseIndex(times, mean, earlyWindowS);
  if (fraction < 1) {
    // Most enhancing voxels at the early phase (relative enhancement; ties by index).
    const pre = sorted[0]!.data;
    const post = sorted[early]!.data;
    const rel = (v: number): number => (pre[v]! > 0 ? (post[v]! - pre[v]!) / pre[v]! : -Infinity);
    const keep = Math.max(1, Math.round(voxels.length * fraction));
    used = [...voxels].sort((a, b) => rel(b) - rel(a) || a - b).slice(0, keep);
    mean = means(used);
    early = earlyPhaseIndex(times, mean, earlyWindowS);
  }
  const s0 = mean[0]!;
  if (!(s0 > 0)) throw new Error(`the pre-contrast mean signal is ${s0}; a relative enhancement needs a positive baseline`);
  const points = sorted.map((p, i) => ({ timeS: p.timeS, meanSignal: mean[i]!, enhancementPct: ((mean[i]! - s0) / s0) * 100 }));
  const sEarly = mean[early]!;
  const delayedChangePct = ((mean[mean.length - 1]! - sEarly) / sEarly) * 100;
  return {
    points,
    earlyIndex: early,
    initialEnhancementPct: ((sEarly - s0) / s0) * 100,
    delayedChangePct,
    type: classifyTic(delayedChangePct, opts.persistentPct, opts.washoutPct),
    voxels: used.length,
  };
}
