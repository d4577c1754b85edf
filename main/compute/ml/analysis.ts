/**
 * Runs an analysis spec on a dataset, leak-free by construction: the split is made first, then
 * every pipeline step and model is fitted on training rows only. Cross-validation refits the
 * whole pipeline (imputation, scaling, selection, model) inside every fold, so no selection ever
 * sees the rows it is judged on; the final model is refitted on all training rows and applied
 * unchanged to the internal test and external sets.
 *
 * Results keep everything needed to audit or re-run: the spec, the split per row, the features
 * selected in every fold, the fitted pipeline (JSON), predictions per row and set, metrics with
 * CIs, and the DeLong matrix between models on each set.
 */
import { StatsInputError } from '../stats/common.js';
import { makeFolds, makeSplit, ROLE_CODE } from './split.js';
import type { Split } from './split.js';
import { applyStoredSplit, storedFolds, type StoredSplitInput } from './storedSplit.js';
import { gridSearch, type GridScore } from './tuning.js';
import type { Params } from './models/params.js';
import { fitPipeline, predictPipeline } from './pipeline.js';
import { explainModel, type ModelExplanation } from './explainAnalysis.js';
import { registryFitter } from './models/index.js';
import type { ClassifierFitter, SavedPipeline } from './pipeline.js';
import type { RowContext } from './steps.js';
import { radScoreFormula, radScoreNomogram } from './radscore.js';
import type { RadScoreFormula } from './radscore.js';
import type { Nomogram } from '../stats/nomogram.js';
import type { DataMatrix } from './types.js';
import { bootstrapValidate } from './bootstrap.js';
import type { BootstrapValidation, FitPredict } from './bootstrap.js';
import { Rng } from '../stats/random.js';
import { buildTable1 } from '../stats/table1Builder.js';
import type { Table1, Table1Variable } from '../stats/table1Builder.js';
import { delongMatrix, setMetrics, youdenOf } from './evaluate.js';
import type { SetMetrics } from './evaluate.js';
import type { AnalysisDataset } from './dataset.js';
import type { AnalysisSpec } from './spec.js';
import type { StepSpec } from './steps.js';
import type { ClassifierSpec } from './types.js';
import { takeRows } from './types.js';

export const ENGINE_VERSION = 'radstudy-ml 1';

export type SetName = 'train' | 'cv' | 'test' | 'external';

export type { ModelExplanation } from './explainAnalysis.js';

export interface ModelResult {
  name: string;
  kind: string;
  pipeline: SavedPipeline;
  /** Features of the final model. */
  features: string[];
  /** Features selected in each CV fold (repeat r, fold f), and the grid's choice there. */
  folds: { repeat: number; fold: number; features: string[]; params?: Params; innerScore?: number }[];
  /**
   * Nested-CV hyper-parameter search (spec 1.1 `grid`): the final model's choice and the inner-CV
   * score of every combination on the whole training set; the per-outer-fold choices are in `folds`.
   */
  tuning?: {
    grid: Record<string, (number | string | boolean)[]>;
    inner: { k: number; metric: 'auc' | 'brier' };
    chosen: Params;
    scores: GridScore[];
  };
  /** How often each feature was selected across the CV folds (0..1). */
  selectionFrequency: Record<string, number>;
  /** The model as a rad-score formula and its nomogram (linear models only). */
  radScore?: RadScoreFormula;
  nomogram?: Nomogram;
  /** Bootstrap internal validation on the training set, when the spec asks for it. */
  bootstrap?: BootstrapValidation;
  /** Youden threshold of the training predictions, used on every set. */
  threshold: number;
  metrics: Partial<Record<SetName, SetMetrics>>;
  /** Probability per row, NaN for rows outside the set ('cv' = out-of-fold, mean over repeats). */
  predictions: Record<SetName, number[]>;
  warnings: string[];
  explanation?: ModelExplanation;
}

export interface AnalysisResult {
  format: 'radstudy-analysis-result';
  engine: string;
  spec: AnalysisSpec;
  createdAt: string;
  rows: { n: number; ids: string[]; groups: string[]; y: number[]; dropped: AnalysisDataset['dropped'] };
  features: { candidates: number; names: string[] };
  split: { role: ('train' | 'test' | 'external')[]; counts: Split['counts'] };
  /**
   * Balance of the sets (one row per lesion): outcome, center and the spec's balance columns by
   * training / test / external set, with the Table 1 test rule (stats/table1Builder.ts).
   */
  balance: Table1 | null;
  models: ModelResult[];
  /** DeLong p-values between models, per set with at least two models. */
  comparison: Partial<Record<SetName, { models: string[]; pValues: number[][] }>>;
  warnings: string[];
}

export interface RunOptions {
  fitter?: ClassifierFitter;
  onProgress?: (done: number, total: number, what: string) => void;
  /** Fixed clock for reproducible output in tests. */
  now?: () => Date;
  /** The assignment of the stored split a `split: { method: 'stored' }` spec names (from the study). */
  storedSplit?: StoredSplitInput;
}

function rowsOf(role: Int8Array, code: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < role.length; i++) if (role[i] === code) out.push(i);
  return out;
}

function subsetY(y: Float64Array, rows: readonly number[]): Float64Array {
  return Float64Array.from(rows, (i) => y[i] as number);
}

function radScoreParts(
  saved: SavedPipeline,
  XTrain: DataMatrix,
  names: readonly string[],
  warnings: string[],
): { radScore?: RadScoreFormula; nomogram?: Nomogram } {
  const radScore = radScoreFormula(saved);
  if (!radScore) return {};
  if (!radScore.rawScale || radScore.terms.every((t) => t.coefficient === 0)) return { radScore };
  try {
    return { radScore, nomogram: radScoreNomogram(radScore, XTrain, names) };
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
    warnings.push(`nomogram: ${e.message}`);
    return { radScore };
  }
}

const SET_LABELS = ['Training', 'Test', 'External'] as const;

/** Table 1 of the outcome, center and balance columns by set; null when there is only one set. */
export function balanceTable(spec: AnalysisSpec, ds: AnalysisDataset, role: ArrayLike<number>): Table1 | null {
  const present = SET_LABELS.filter((_, k) => Array.prototype.some.call(role, (r: number) => r === k));
  if (present.length < 2) return null;
  const groups = Array.from(role, (r) => SET_LABELS[r] as string);
  const vars: Table1Variable[] = [
    {
      name: `${spec.outcome.column} = ${String(spec.outcome.positive)}`,
      type: 'categorical',
      values: Array.from(ds.y, (v) => (v === 1 ? 'yes' : 'no')),
      levels: ['yes', 'no'],
    },
  ];
  if (ds.centers && spec.columns.center) vars.push({ name: spec.columns.center, type: 'categorical', values: ds.centers });
  for (const [name, raw] of ds.balance ?? []) {
    const isGiven = (v: string): boolean => v !== '' && !/^(na|nan|null|none)$/i.test(v);
    const given = raw.filter(isGiven);
    const numeric = given.length > 0 && given.every((v) => Number.isFinite(Number(v)));
    vars.push(
      numeric
        ? { name, type: 'continuous', values: raw.map((v) => (isGiven(v) ? Number(v) : NaN)) }
        : { name, type: 'categorical', values: raw.map((v) => (isGiven(v) ? v : null)) },
    );
  }
  return buildTable1(vars, { groups, groupLevels: present });
}

export function runAnalysis(spec: AnalysisSpec, ds: AnalysisDataset, opts: RunOptions = {}): AnalysisResult {
  const fitter = opts.fitter ?? registryFitter;
  const n = ds.y.length;
  if (n === 0) throw new StatsInputError('the analysis has no rows with an outcome');
  const warnings: string[] = [];
  const s = spec.split;
  let stored: StoredSplitInput | undefined;
  let split: Pick<Split, 'role' | 'counts'>;
  if (s.method === 'stored') {
    stored = opts.storedSplit;
    if (!stored || stored.name !== s.name)
      throw new StatsInputError(`the spec uses the stored split "${s.name}": run it from the study that stores that split`);
    split = applyStoredSplit(stored, ds.groups, ds.y);
  } else {
    const splitSpec = s.method === 'date' ? s : { ...s, seed: s.seed ?? spec.seed };
    split = makeSplit({ groups: ds.groups, y: ds.y, centers: ds.centers, dates: ds.dates }, splitSpec);
  }
  const train = rowsOf(split.role, ROLE_CODE.train);
  const test = rowsOf(split.role, ROLE_CODE.test);
  const external = rowsOf(split.role, ROLE_CODE.external);
  const yTrain = subsetY(ds.y, train);
  const events = yTrain.reduce((s, v) => s + v, 0);
  if (events === 0 || events === yTrain.length) {
    throw new StatsInputError(`the training set has only one class (${events} events in ${yTrain.length} rows)`);
  }
  const groupsTrain = train.map((i) => ds.groups[i] as string);
  const fixedFolds = stored && s.method === 'stored' && s.folds ? storedFolds(stored, groupsTrain) : null;
  const minClass = Math.min(events, yTrain.length - events);
  if (!fixedFolds && spec.cv.method === 'kfold' && minClass < spec.cv.k) {
    throw new StatsInputError(
      `${spec.cv.k}-fold cross-validation needs at least ${spec.cv.k} rows of each class in training; the smaller class has ${minClass}`,
    );
  }
  const XTrain = takeRows(ds.X, train);
  // Centers and covariates of a subset of rows (for ComBat), indexed like ds.
  const rowContext = (rows: readonly number[]): RowContext => ({
    ...(ds.centers ? { batches: rows.map((i) => ds.centers![i] as string) } : {}),
    ...(ds.covariates
      ? { covariates: new Map([...ds.covariates].map(([k, v]) => [k, Float64Array.from(rows, (i) => v[i] as number)])) }
      : {}),
  });
  const forced = new Set(spec.forced);
  const steps = spec.steps as StepSpec[];
  const folds =
    fixedFolds ??
    makeFolds(
      { groups: groupsTrain, y: yTrain },
      { method: spec.cv.method, k: spec.cv.k, repeats: spec.cv.repeats, seed: spec.seed, stratify: true },
    );
  const nFolds = folds.reduce((s, f) => s + Math.max(...f), 0);
  const B = spec.bootstrap?.B ?? 0;
  const total = spec.models.length * (nFolds + 1 + B);
  // Patient-level (cluster) bootstrap samples of the training rows, shared by all models.
  const bootSamples: Int32Array[] = [];
  if (B > 0) {
    const rng = new Rng(spec.seed + 7919);
    const byPatient = new Map<string, number[]>();
    groupsTrain.forEach((g, i) => byPatient.set(g, [...(byPatient.get(g) ?? []), i]));
    const patients = [...byPatient.values()];
    for (let b = 0; b < B; b++) {
      const rows: number[] = [];
      for (let k = 0; k < patients.length; k++) rows.push(...(patients[rng.nextInt(patients.length)] as number[]));
      bootSamples.push(Int32Array.from(rows));
    }
  }
  let done = 0;
  const models: ModelResult[] = [];
  for (const m of spec.models) {
    const modelSpec: ClassifierSpec = { kind: m.kind, params: m.params };
    const ctx = (groups: readonly string[], rows: readonly number[]) => ({
      groups,
      forced,
      icc: ds.icc,
      seed: spec.seed,
      ...rowContext(rows),
    });
    const mWarnings: string[] = [];
    // The whole pipeline on training rows `rows` (indices into the training set).
    const fitOn = (sp: ClassifierSpec, rows: readonly number[]) =>
      fitPipeline(
        steps,
        sp,
        takeRows(XTrain, rows),
        subsetY(yTrain, rows),
        ds.features,
        ctx(
          rows.map((i) => groupsTrain[i] as string),
          rows.map((i) => train[i] as number),
        ),
        fitter,
      );
    const predictOn = (fp: ReturnType<typeof fitPipeline>, rows: readonly number[]) =>
      predictPipeline(fp, takeRows(XTrain, rows), ds.features, rowContext(rows.map((i) => train[i] as number)));
    const grid = m.grid;
    const inner = { k: m.inner?.k ?? 3, metric: m.inner?.metric ?? ('auc' as const) };
    // Nested CV: the grid is searched by an inner CV of the rows given, then refitted on them all.
    const tuned = (rows: readonly number[], seed: number) => {
      if (!grid) return { spec: modelSpec };
      const search = gridSearch(
        (params, fitRows) => {
          const fp = fitOn({ ...modelSpec, params: { ...m.params, ...params } }, fitRows);
          return (predictRows) => predictOn(fp, predictRows);
        },
        rows,
        yTrain,
        groupsTrain,
        grid,
        inner,
        seed,
      );
      return { spec: { ...modelSpec, params: { ...m.params, ...search.best } }, search };
    };
    // Cross-validation inside the training set: the whole pipeline per fold.
    const cvSum = new Float64Array(train.length);
    const cvCount = new Int32Array(train.length);
    const foldFeatures: ModelResult['folds'] = [];
    const freq = new Map<string, number>();
    folds.forEach((f, r) => {
      const k = Math.max(...f);
      for (let fold = 1; fold <= k; fold++) {
        const inner: number[] = [];
        const held: number[] = [];
        for (let i = 0; i < f.length; i++) (f[i] === fold ? held : inner).push(i);
        try {
          const t = tuned(inner, spec.seed + 1000 * (r + 1) + fold);
          const fp = fitOn(t.spec, inner);
          const p = predictOn(fp, held);
          held.forEach((i, h) => {
            cvSum[i] += p[h] as number;
            cvCount[i]++;
          });
          foldFeatures.push({
            repeat: r + 1,
            fold,
            features: fp.saved.features,
            ...(t.search ? { params: t.search.best, innerScore: t.search.bestScore } : {}),
          });
          for (const name of fp.saved.features) freq.set(name, (freq.get(name) ?? 0) + 1);
        } catch (e) {
          if (!(e instanceof StatsInputError)) throw e;
          mWarnings.push(`CV repeat ${r + 1} fold ${fold}: ${e.message}`);
        }
        opts.onProgress?.(++done, total, `${m.name}: CV fold ${fold}/${k}${folds.length > 1 ? ` (repeat ${r + 1})` : ''}`);
      }
    });
    // The final model's hyper-parameters: the grid searched on the whole training set.
    const allTrain = train.map((_, t) => t);
    const finalTuned = tuned(allTrain, spec.seed);
    let bootstrap: BootstrapValidation | undefined;
    if (B > 0) {
      if (grid)
        mWarnings.push(
          `bootstrap: the replicates refit the pipeline with the chosen hyper-parameters (${JSON.stringify(finalTuned.search?.best)}) without searching the grid again, so the optimism of the search itself is not included`,
        );
      const fitPredict: FitPredict = (rows) => {
        const orig = Array.from(rows, (i) => train[i] as number);
        const fp = fitPipeline(
          steps,
          finalTuned.spec,
          takeRows(XTrain, rows),
          subsetY(yTrain, Array.from(rows)),
          ds.features,
          ctx(
            Array.from(rows, (i) => groupsTrain[i] as string),
            orig,
          ),
          fitter,
        );
        return (pred) =>
          predictPipeline(fp, takeRows(XTrain, pred), ds.features, rowContext(Array.from(pred, (i) => train[i] as number)));
      };
      bootstrap = bootstrapValidate(fitPredict, yTrain, bootSamples, (r) =>
        opts.onProgress?.(++done, total, `${m.name}: bootstrap ${r}/${B}`),
      );
      if (bootstrap.failed > 0)
        mWarnings.push(
          `bootstrap: ${bootstrap.failed} of ${B} replicates could not be fitted and were skipped (${bootstrap.failureReasons.join('; ')})`,
        );
    }
    const final = fitPipeline(steps, finalTuned.spec, XTrain, yTrain, ds.features, ctx(groupsTrain, train), fitter);
    const tuning: ModelResult['tuning'] =
      grid && finalTuned.search
        ? {
            grid: Object.fromEntries(Object.entries(grid).map(([k, v]) => [k, [...v]])),
            inner,
            chosen: finalTuned.search.best,
            scores: finalTuned.search.scores,
          }
        : undefined;
    opts.onProgress?.(++done, total, `${m.name}: final model`);
    const all = predictPipeline(final, ds.X, ds.features, rowContext(Array.from({ length: n }, (_, i) => i)));
    const pTrain = Float64Array.from(train, (i) => all[i] as number);
    const threshold = youdenOf(yTrain, pTrain);
    const predictions: Record<SetName, number[]> = {
      train: new Array<number>(n).fill(NaN),
      cv: new Array<number>(n).fill(NaN),
      test: new Array<number>(n).fill(NaN),
      external: new Array<number>(n).fill(NaN),
    };
    train.forEach((i, t) => {
      predictions.train[i] = all[i] as number;
      if ((cvCount[t] as number) > 0) predictions.cv[i] = (cvSum[t] as number) / (cvCount[t] as number);
    });
    for (const i of test) predictions.test[i] = all[i] as number;
    for (const i of external) predictions.external[i] = all[i] as number;
    const metrics: ModelResult['metrics'] = {};
    const measure = (set: SetName, rows: readonly number[]): void => {
      const have = rows.filter((i) => !Number.isNaN(predictions[set][i] as number));
      if (have.length === 0) return;
      try {
        metrics[set] = setMetrics(
          subsetY(ds.y, have),
          Float64Array.from(have, (i) => predictions[set][i] as number),
          threshold,
        );
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        mWarnings.push(`${set} set: ${e.message}`);
      }
    };
    let explanation: ModelExplanation | undefined;
    if (spec.explain && final.saved.features.length > 0) {
      try {
        explanation = explainModel(spec, final, ds, { train, test, external }, rowContext);
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        mWarnings.push(`explanations: ${e.message}`);
      }
    }
    measure('train', train);
    measure('cv', train);
    measure('test', test);
    measure('external', external);
    const nFoldsRun = foldFeatures.length;
    models.push({
      name: m.name,
      kind: m.kind,
      pipeline: final.saved,
      features: final.saved.features,
      folds: foldFeatures,
      ...(tuning ? { tuning } : {}),
      ...(bootstrap ? { bootstrap } : {}),
      ...radScoreParts(final.saved, XTrain, ds.features, mWarnings),
      selectionFrequency: Object.fromEntries([...freq].map(([k, v]) => [k, nFoldsRun ? v / nFoldsRun : 0])),
      threshold,
      metrics,
      predictions,
      warnings: mWarnings,
      ...(explanation ? { explanation } : {}),
    });
  }
  const comparison: AnalysisResult['comparison'] = {};
  if (models.length >= 2) {
    const sets: [SetName, number[]][] = [
      ['train', train],
      ['cv', train],
      ['test', test],
      ['external', external],
    ];
    for (const [set, rows] of sets) {
      const have = rows.filter((i) => models.every((mr) => !Number.isNaN(mr.predictions[set][i] as number)));
      if (have.length === 0) continue;
      const yy = subsetY(ds.y, have);
      const ev = yy.reduce((s, v) => s + v, 0);
      if (ev < 2 || yy.length - ev < 2) continue;
      comparison[set] = {
        models: models.map((mr) => mr.name),
        pValues: delongMatrix(
          yy,
          models.map((mr) => Float64Array.from(have, (i) => mr.predictions[set][i] as number)),
        ),
      };
    }
  }
  const names: ('train' | 'test' | 'external')[] = ['train', 'test', 'external'];
  return {
    format: 'radstudy-analysis-result',
    engine: ENGINE_VERSION,
    spec,
    createdAt: (opts.now?.() ?? new Date()).toISOString(),
    rows: { n, ids: ds.ids, groups: ds.groups, y: Array.from(ds.y), dropped: ds.dropped },
    features: { candidates: ds.features.length, names: ds.features },
    split: { role: Array.from(split.role, (r) => names[r] as 'train' | 'test' | 'external'), counts: split.counts },
    balance: balanceTable(spec, ds, split.role),
    models,
    comparison,
    warnings,
  };
}
