/**
 * Reclassification measures comparing a new risk model with an old one on the same subjects
 * (Pencina et al. 2008, Stat. Med. 27:157; 2011, Stat. Med. 30:11), as Hmisc::improveProb:
 * the category-free (continuous) NRI with its event and non-event components, the integrated
 * discrimination improvement (IDI), each with standard error, z and two-sided p. With cut
 * points the categorical NRI uses the same formulas with "up"/"down" meaning a move to a higher
 * or lower risk category.
 */
import { pnorm } from '../distributions/index.js';
import { StatsInputError, variance } from '../common.js';

export interface ImprovementMeasure {
  estimate: number;
  se: number;
  z: number;
  pValue: number;
}

export interface ReclassificationResult {
  n: number;
  nEvents: number;
  nNonEvents: number;
  nMissing: number;
  nri: ImprovementMeasure;
  nriEvents: ImprovementMeasure;
  nriNonEvents: ImprovementMeasure;
  idi: ImprovementMeasure;
  /** Shares of events/non-events whose risk (or category) went up or down. */
  upEvents: number;
  downEvents: number;
  upNonEvents: number;
  downNonEvents: number;
}

const measure = (estimate: number, se: number): ImprovementMeasure => {
  const z = estimate / se;
  return { estimate, se, z, pValue: 2 * pnorm(-Math.abs(z)) };
};

/**
 * @param oldRisk predicted probabilities of the reference model
 * @param newRisk predicted probabilities of the new model
 * @param outcome 1 = event, 0 = non-event
 * @param cutPoints optional risk-category boundaries (increasing, inside (0, 1)) for the
 *   categorical NRI; omitted = category-free NRI. The IDI never uses categories.
 */
export function reclassification(
  oldRisk: ArrayLike<number>,
  newRisk: ArrayLike<number>,
  outcome: ArrayLike<number>,
  cutPoints?: readonly number[],
): ReclassificationResult {
  if (oldRisk.length !== newRisk.length || oldRisk.length !== outcome.length) {
    throw new StatsInputError(
      `reclassification: old risk, new risk and outcome differ in length (${oldRisk.length}, ${newRisk.length}, ${outcome.length})`,
    );
  }
  if (cutPoints) {
    for (let i = 0; i < cutPoints.length; i++) {
      const c = cutPoints[i] as number;
      if (!(c > 0 && c < 1) || (i > 0 && !(c > (cutPoints[i - 1] as number)))) {
        throw new StatsInputError(
          `reclassification: cut points must be increasing and inside (0, 1); got ${cutPoints.join(', ')}`,
        );
      }
    }
  }
  const category = (p: number): number => {
    let k = 0;
    // Category k = number of cut points ≤ p (a risk equal to a cut point belongs to the upper class).
    while (k < (cutPoints as readonly number[]).length && p >= (cutPoints as readonly number[])[k]!) k++;
    return k;
  };
  const dEv: number[] = [];
  const dNe: number[] = [];
  let upEv = 0;
  let downEv = 0;
  let upNe = 0;
  let downNe = 0;
  let nMissing = 0;
  for (let i = 0; i < outcome.length; i++) {
    const a = oldRisk[i] as number;
    const b = newRisk[i] as number;
    const y = outcome[i] as number;
    if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(y)) {
      nMissing++;
      continue;
    }
    if (!(a >= 0 && a <= 1 && b >= 0 && b <= 1))
      throw new StatsInputError(`reclassification: risks at row ${i + 1} are not in [0, 1]`);
    if (y !== 0 && y !== 1) throw new StatsInputError(`reclassification: outcome at row ${i + 1} is ${y}; expected 0 or 1`);
    const move = cutPoints ? category(b) - category(a) : b - a;
    if (y === 1) {
      dEv.push(b - a);
      if (move > 0) upEv++;
      else if (move < 0) downEv++;
    } else {
      dNe.push(b - a);
      if (move > 0) upNe++;
      else if (move < 0) downNe++;
    }
  }
  const na = dEv.length;
  const nb = dNe.length;
  if (na < 2 || nb < 2)
    throw new StatsInputError(`reclassification: needs at least 2 events and 2 non-events (has ${na} and ${nb})`);
  const vEv = (upEv + downEv) / (na * na) - (upEv - downEv) ** 2 / na ** 3;
  const vNe = (downNe + upNe) / (nb * nb) - (downNe - upNe) ** 2 / nb ** 3;
  const nriEv = (upEv - downEv) / na;
  const nriNe = (downNe - upNe) / nb;
  const meanEv = dEv.reduce((s, v) => s + v, 0) / na;
  const meanNe = dNe.reduce((s, v) => s + v, 0) / nb;
  const seIdi = Math.sqrt(variance(dEv) / na + variance(dNe) / nb);
  return {
    n: na + nb,
    nEvents: na,
    nNonEvents: nb,
    nMissing,
    nri: measure(nriEv + nriNe, Math.sqrt(vEv + vNe)),
    nriEvents: measure(nriEv, Math.sqrt(vEv)),
    nriNonEvents: measure(nriNe, Math.sqrt(vNe)),
    idi: measure(meanEv - meanNe, seIdi),
    upEvents: upEv / na,
    downEvents: downEv / na,
    upNonEvents: upNe / nb,
    downNonEvents: downNe / nb,
  };
}
