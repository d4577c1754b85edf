import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { AnalysisSummary, FeatureTableInfo, Job } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useJobsStore } from './jobs.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

/** The choices of the spec builder; `buildSpec` turns them into an analysis spec (version 1). */
export interface SpecChoices {
  name: string;
  patient: string;
  center: string;
  outcome: string;
  positive: string;
  /** With more than two outcome values: those coded 0 (the rest are left out). */
  negative: string[];
  include: string;
  split: 'random' | 'center' | 'date' | 'stored';
  /** The split stored in the study that a 'stored' split names (spec 1.1). */
  storedSplit?: string;
  /** Search each model's default grid (DEFAULT_GRIDS) by nested CV (spec 1.1). */
  tune?: boolean;
  testFraction: number;
  external: string[];
  date: string;
  cutoff: string;
  k: number;
  repeats: number;
  impute: boolean;
  /** ComBat across the center column (after imputation), keeping these numeric covariates. */
  combat: boolean;
  combatCovariates: string[];
  /** Clinical columns compared across the sets (balance table). */
  balance: string[];
  /** Bootstrap replicates for internal validation (0 = none). */
  bootstrap: number;
  /** SHAP values and permutation importance of each final model. */
  explain: boolean;
  scale: boolean;
  variance: boolean;
  univariate: boolean;
  univariateAlpha: number;
  fdr: boolean;
  correlation: boolean;
  correlationThreshold: number;
  lasso: boolean;
  lassoLambda: 'min' | '1se';
  stepwise: boolean;
  models: string[];
  seed: number;
}

export const MODEL_LABELS: Record<string, string> = {
  logistic: 'Logistic regression',
  logistic_l1: 'LASSO logistic (L1, λ by CV)',
  logistic_l2: 'Ridge logistic (L2, λ by CV)',
  logistic_elasticnet: 'Elastic-net logistic (α 0.5, λ by CV)',
  knn: 'k-nearest neighbours',
  naive_bayes: 'Gaussian naive Bayes',
  tree: 'Decision tree (CART)',
  random_forest: 'Random forest',
  gradient_boosting: 'Gradient boosting',
  svm_linear: 'SVM (linear kernel)',
  svm_rbf: 'SVM (RBF kernel)',
  mlp: 'Neural network (MLP)',
};

/** Hyper-parameter grids searched by nested CV when the builder's "search hyper-parameters" is on. */
export const DEFAULT_GRIDS: Record<string, Record<string, (number | string)[]>> = {
  logistic_l1: { lambda: [0.001, 0.01, 0.1] },
  logistic_l2: { lambda: [0.01, 0.1, 1] },
  svm_linear: { C: [0.01, 0.1, 1, 10] },
  svm_rbf: { C: [0.1, 1, 10], gamma: [0.01, 0.1, 1] },
  knn: { n_neighbors: [3, 5, 9, 15] },
  random_forest: { max_features: ['sqrt', 'log2', 'all'] },
  gradient_boosting: { learning_rate: [0.05, 0.1], n_estimators: [50, 100] },
};

export function buildSpec(c: SpecChoices): Record<string, unknown> {
  const steps: Record<string, unknown>[] = [];
  if (c.impute) steps.push({ step: 'impute', strategy: 'median' });
  if (c.combat) steps.push({ step: 'combat', parametric: true, meanOnly: false, covariates: c.combatCovariates });
  if (c.scale) steps.push({ step: 'scale', method: 'zscore' });
  if (c.variance) steps.push({ step: 'variance', threshold: 0 });
  if (c.univariate) steps.push({ step: 'univariate', test: 'mannwhitney', alpha: c.univariateAlpha, fdr: c.fdr });
  if (c.correlation) steps.push({ step: 'correlation', threshold: c.correlationThreshold, method: 'pearson' });
  if (c.lasso) steps.push({ step: 'lasso', lambda: c.lassoLambda, folds: 10 });
  if (c.stepwise) steps.push({ step: 'stepwise', criterion: 'aic', direction: 'both' });
  const split =
    c.split === 'stored'
      ? { method: 'stored', name: c.storedSplit ?? '', folds: true }
      : c.split === 'random'
        ? { method: 'random', testFraction: c.testFraction, stratify: true }
        : c.split === 'center'
          ? { method: 'center', external: c.external, testFraction: 0 }
          : { method: 'date', cutoff: c.cutoff };
  const columns: Record<string, string> = { patient: c.patient };
  // A covariate is a column, not a feature: leave it out of the feature patterns' matches.
  const exclude = c.combat ? c.combatCovariates : [];
  if (c.center) columns.center = c.center;
  if (c.split === 'date' && c.date) columns.date = c.date;
  const tuned = (kind: string) => (c.tune && DEFAULT_GRIDS[kind] ? { grid: DEFAULT_GRIDS[kind], inner: { k: 3 } } : {});
  const v11 = c.split === 'stored' || c.models.some((kind) => Object.keys(tuned(kind)).length > 0);
  return {
    version: v11 ? 1.1 : 1,
    name: c.name,
    columns,
    outcome: {
      column: c.outcome,
      positive: c.positive,
      ...(c.negative.length > 0 ? { negative: c.negative.filter((l) => l !== c.positive) } : {}),
    },
    features: { include: c.include.split(/[\s,]+/).filter(Boolean), exclude },
    balance: c.balance,
    ...(c.bootstrap > 0 ? { bootstrap: { B: c.bootstrap } } : {}),
    ...(c.explain ? { explain: {} } : {}),
    split,
    cv: { method: 'kfold', k: c.k, repeats: c.repeats },
    steps,
    models: c.models.map((kind) => ({ name: MODEL_LABELS[kind] ?? kind, kind, ...tuned(kind) })),
    seed: c.seed,
  };
}

/** Analyses of the open study: the spec builder's data file, the running analysis, stored results. */
export const useAnalysisStore = defineStore('analysis', () => {
  const ui = useUiStore();
  const jobs = useJobsStore();
  const study = useStudyStore();

  const dataFile = ref('');
  const info = ref<FeatureTableInfo | null>(null);
  const specText = ref('');
  const problems = ref<string[]>([]);
  const analyses = ref<AnalysisSummary[]>([]);
  const selected = ref<AnalysisSummary | null>(null);
  const runJobId = ref<number | null>(null);

  const runJob = computed<Job | null>(() => jobs.jobs.find((j) => j.id === runJobId.value) ?? null);
  const running = computed(() => runJob.value !== null && ['queued', 'running'].includes(runJob.value.status));

  async function load(): Promise<void> {
    if (!study.current) {
      analyses.value = [];
      return;
    }
    const list = await ui.attempt('Could not list the analyses', () => call('analysis.list', {}));
    if (list) analyses.value = list;
  }

  async function inspect(): Promise<boolean> {
    const r = await ui.attempt('Could not read the feature table', () =>
      call('analysis.inspect', { dataFile: dataFile.value.trim() }),
    );
    if (r) info.value = r;
    return r !== undefined;
  }

  function parseSpec(): Record<string, unknown> | null {
    try {
      const v = JSON.parse(specText.value) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
      problems.value = ['(top level): the spec must be a JSON object'];
    } catch (e) {
      problems.value = [`the spec is not valid JSON: ${(e as Error).message}`];
    }
    return null;
  }

  async function validate(): Promise<boolean> {
    const spec = parseSpec();
    if (!spec) return false;
    const r = await ui.attempt('Could not check the spec', () => call('analysis.validate', { spec }));
    if (!r) return false;
    problems.value = r.problems;
    return r.ok;
  }

  async function run(): Promise<void> {
    if (!(await validate())) return;
    const spec = parseSpec() as Record<string, unknown>;
    const started = await ui.attempt('Could not start the analysis', () =>
      call('analysis.run', { spec, dataFile: dataFile.value.trim() }),
    );
    if (!started) return;
    runJobId.value = started.jobId;
    await jobs.load();
  }

  function select(id: number): void {
    selected.value = analyses.value.find((a) => a.id === id) ?? null;
  }

  async function remove(id: number): Promise<void> {
    const r = await ui.attempt('Could not delete the analysis', () => call('analysis.delete', { id }));
    if (!r) return;
    if (selected.value?.id === id) selected.value = null;
    await load();
  }

  // A finished run appears in the list and is shown.
  watch(
    () => runJob.value?.status,
    async (status) => {
      if (status !== 'succeeded') return;
      await load();
      const stored = runJob.value?.result as { analysisId?: number } | null;
      if (stored?.analysisId) select(stored.analysisId);
    },
  );
  watch(
    () => study.current?.path,
    () => {
      selected.value = null;
      info.value = null;
      void load();
    },
  );

  return {
    dataFile,
    info,
    specText,
    problems,
    analyses,
    selected,
    runJob,
    running,
    load,
    inspect,
    validate,
    run,
    select,
    remove,
  };
});
