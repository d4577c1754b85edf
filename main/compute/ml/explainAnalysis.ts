/** The `explain` part of an analysis: SHAP values and permutation importance of a final model (see explain.ts). */
import { StatsInputError } from '../stats/common.js';
import { Rng } from '../stats/random.js';
import type { AnalysisDataset } from './dataset.js';
import { permutationImportance, shapValues } from './explain.js';
import type { PermutationImportance, ShapResult } from './explain.js';
import { transformPipeline } from './pipeline.js';
import type { FittedPipeline } from './pipeline.js';
import type { AnalysisSpec } from './spec.js';
import type { RowContext } from './steps.js';
import { takeRows } from './types.js';

/** SHAP values and permutation importance of the final model on one set, on its own inputs. */
export interface ModelExplanation {
  set: 'train' | 'test' | 'external';
  features: string[];
  /** Row ids (lesions) explained, in order. */
  rows: string[];
  method: ShapResult['method'];
  /** The model output the SHAP values add up to (log-odds, or probability for a tree or forest). */
  scale: ShapResult['scale'];
  baseValue: number;
  /** rows × features, on `scale`. */
  shap: number[][];
  /** The model inputs of those rows (after scaling etc.), for colouring a beeswarm. */
  values: number[][];
  meanAbsShap: number[];
  permutation: PermutationImportance | null;
}

export function explainModel(
  spec: AnalysisSpec,
  final: FittedPipeline,
  ds: AnalysisDataset,
  sets: { train: number[]; test: number[]; external: number[] },
  rowContext: (rows: readonly number[]) => RowContext,
): ModelExplanation {
  const e = spec.explain!;
  const set = e.set ?? (sets.test.length > 0 ? 'test' : sets.external.length > 0 ? 'external' : 'train');
  const rng = new Rng(spec.seed + 104729);
  const draw = (rows: number[], k: number): number[] => {
    if (rows.length <= k) return rows;
    const copy = [...rows];
    for (let i = 0; i < k; i++) {
      const j = i + rng.nextInt(copy.length - i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, k).sort((a, b) => a - b);
  };
  const explained = draw(sets[set], e.maxRows);
  if (explained.length === 0) throw new StatsInputError(`the ${set} set is empty`);
  const bgRows = draw(sets.train, e.background);
  const inputs = (rows: number[]) => transformPipeline(final, takeRows(ds.X, rows), ds.features, rowContext(rows));
  const Xe = inputs(explained);
  const shap = shapValues(final.model, Xe, inputs(bgRows), { samples: e.samples, seed: spec.seed });
  const ye = Float64Array.from(explained, (i) => ds.y[i] as number);
  const bothClasses = ye.some((v) => v === 1) && ye.some((v) => v === 0);
  const M = Xe.ncol;
  return {
    set,
    features: final.saved.features,
    rows: explained.map((i) => ds.ids[i] as string),
    method: shap.method,
    scale: shap.scale,
    baseValue: shap.baseValue,
    shap: shap.values,
    values: Array.from({ length: Xe.nrow }, (_, i) => Array.from(Xe.data.subarray(i * M, (i + 1) * M))),
    meanAbsShap: Array.from({ length: M }, (_, j) => shap.values.reduce((a, r) => a + Math.abs(r[j]!), 0) / shap.values.length),
    permutation: bothClasses
      ? permutationImportance(final.model, Xe, ye, { repeats: e.permutationRepeats, seed: spec.seed })
      : null,
  };
}
