/**
 * TRIPOD (Collins et al., BMJ 2015;350:g7594, development and validation items) and CLEAR
 * (Kocak et al., Insights Imaging 2023;14:75, radiomics) checklists prefilled from what the app
 * knows about an analysis: its spec, the split and counts, the pipeline, the validation done, the
 * figures written, the software versions. Each item says whether the report covers it, partly or
 * not, and where (report file, table, figure) — or what the authors still have to write.
 */
import type { AnalysisResult } from '../compute/ml/analysis.js';
import type { ChecklistItem, ChecklistStatus } from './charts/studyTypes.js';
import type { ReportTable } from './tables.js';

export interface ChecklistContext {
  software: { name: string; version: string };
  /** The study's exclusion flow was available (the flow diagram has screening and exclusions). */
  cohortFlow: boolean;
  /** A Kaplan–Meier figure by risk group was made. */
  survival: boolean;
  /** The correlation heatmap was made. */
  correlation: boolean;
}

const AUTHORS = 'manuscript text (not known to the app)';

export function reportingChecklist(r: AnalysisResult, ctx: ChecklistContext): ChecklistItem[] {
  const steps = r.spec.steps.map((s) => s.step);
  const has = (s: string): boolean => steps.includes(s as (typeof steps)[number]);
  const c = r.split.counts;
  const events = (k: 'train' | 'test' | 'external'): string => `${c[k].groups} patients, ${c[k].events} events`;
  const external = c.external.rows > 0;
  const test = c.test.rows > 0;
  const boot = r.models.some((m) => m.bootstrap);
  const linear = r.models.some((m) => m.radScore);
  const allLinear = r.models.every((m) => m.radScore);
  const calibrated = r.models.some((m) => Object.values(m.metrics).some((x) => x && Number.isFinite(x.calibrationSlope ?? NaN)));
  const dropped = r.rows.dropped.length;
  const impute = r.spec.steps.find((s) => s.step === 'impute') as { strategy?: string } | undefined;
  const selection = steps.filter((s) =>
    ['variance', 'icc', 'univariate', 'correlation', 'f_classif', 'mrmr', 'lasso', 'stepwise'].includes(s),
  );
  const explained = r.models.some((m) => m.explanation);
  const item = (
    checklist: ChecklistItem['checklist'],
    id: string,
    topic: string,
    status: ChecklistStatus,
    where: string,
    detail = '',
  ): ChecklistItem => ({ checklist, item: id, topic, status, where, detail });
  const T = (id: string, topic: string, s: ChecklistStatus, where: string, detail = '') =>
    item('TRIPOD', id, topic, s, where, detail);
  const C = (id: string, topic: string, s: ChecklistStatus, where: string, detail = '') =>
    item('CLEAR', id, topic, s, where, detail);
  const splitText =
    r.spec.split.method === 'center'
      ? `split by center (external: ${r.spec.split.external.join(', ')})`
      : r.spec.split.method === 'date'
        ? `temporal split at ${String(r.spec.split.cutoff)}`
        : r.spec.split.method === 'stored'
          ? `split "${r.spec.split.name}" stored in the study`
          : `random split, test fraction ${r.spec.split.testFraction}`;
  return [
    T('1', 'Title: development/validation, population, outcome', 'not reported', AUTHORS),
    T(
      '4a',
      'Source of data',
      'partly',
      'methods.txt; reproducibility/manifest.json',
      `feature table with SHA-256; study design to be described`,
    ),
    T(
      '4b',
      'Study dates',
      r.spec.columns.date ? 'partly' : 'not reported',
      r.spec.columns.date ? 'methods.txt (temporal split)' : AUTHORS,
      r.spec.columns.date ? `date column ${r.spec.columns.date}` : '',
    ),
    T(
      '5a',
      'Setting and centres',
      r.spec.columns.center ? 'reported' : 'not reported',
      r.spec.columns.center ? 'Table 1 by split; methods.txt' : AUTHORS,
      splitText,
    ),
    T(
      '5b',
      'Eligibility criteria',
      ctx.cohortFlow ? 'partly' : 'not reported',
      ctx.cohortFlow ? 'figures/flow.svg (exclusion reasons)' : AUTHORS,
      'inclusion criteria are to be written',
    ),
    T('6a', 'Outcome definition', 'reported', 'methods.txt', `${r.spec.outcome.column} = ${String(r.spec.outcome.positive)}`),
    T('7a', 'Predictors', 'reported', 'methods.txt; coefficient table', `${r.features.candidates} candidate features`),
    T(
      '8',
      'Sample size',
      'reported',
      'comparison table (n, events); figures/flow.svg',
      `${r.rows.n} rows; training ${events('train')}`,
    ),
    T(
      '9',
      'Missing data',
      impute ? 'reported' : dropped ? 'partly' : 'partly',
      impute ? 'methods.txt (imputation fitted on training)' : 'figures/flow.svg',
      `${impute ? `${impute.strategy ?? 'median'} imputation; ` : ''}${dropped} rows left out`,
    ),
    T('10a', 'Handling of predictors', 'reported', 'methods.txt', steps.join(', ') || 'none'),
    T(
      '10b',
      'Model type, predictor selection',
      'reported',
      'methods.txt',
      `${r.models.map((m) => m.kind).join(', ')}; selection ${selection.join(', ') || 'none'}`,
    ),
    T(
      '10b',
      'Internal validation',
      boot ? 'reported' : 'partly',
      'comparison table (cross-validated); bootstrap',
      `${r.spec.cv.k}-fold CV${boot ? ', bootstrap optimism correction' : ''}`,
    ),
    T(
      '10c',
      'How predictions were calculated for validation',
      test || external ? 'reported' : 'not reported',
      'methods.txt',
      'the training-fitted pipeline applied unchanged to test / external rows',
    ),
    T(
      '10d',
      'Performance measures',
      calibrated ? 'reported' : 'partly',
      'comparison table; ROC, calibration and decision-curve figures',
      'AUC with DeLong CI, sensitivity, specificity, calibration, net benefit',
    ),
    T(
      '11',
      'Risk groups',
      ctx.survival ? 'reported' : 'not reported',
      ctx.survival ? 'figures/km-*.svg (median cut of training predictions)' : 'make a Kaplan–Meier figure by risk group',
    ),
    T(
      '12',
      'Development vs validation differences',
      r.balance ? 'reported' : 'not reported',
      r.balance ? 'Table 1 by split' : 'no balance table',
    ),
    T(
      '13a',
      'Flow of participants',
      ctx.cohortFlow ? 'reported' : 'partly',
      'figures/flow.svg',
      ctx.cohortFlow ? 'screened → excluded → included → sets' : 'analysis rows only (no study exclusions)',
    ),
    T('13b', 'Characteristics of participants', r.balance ? 'reported' : 'partly', 'Table 1 by split; Table 1 by outcome'),
    T(
      '14a',
      'Participants and events per analysis',
      'reported',
      'comparison table',
      `training ${events('train')}${test ? `; test ${events('test')}` : ''}${external ? `; external ${events('external')}` : ''}`,
    ),
    T(
      '15a',
      'Full prediction model',
      allLinear ? 'reported' : linear ? 'partly' : 'not reported',
      linear ? 'coefficient table; reproducibility/results.json' : 'reproducibility/results.json (fitted pipeline)',
      allLinear ? 'intercept and coefficients' : 'non-linear models have no closed formula',
    ),
    T('16', 'Model performance', 'reported', 'comparison table', 'with 95% CIs'),
    T('10e/17', 'Model updating / recalibration', 'not reported', 'not done by this analysis'),
    T('22', 'Funding', 'not reported', AUTHORS),
    C('C1', 'Study design and data source', 'partly', 'methods.txt', splitText),
    C('C2', 'Eligibility and exclusions', ctx.cohortFlow ? 'reported' : 'partly', 'figures/flow.svg'),
    C('C3', 'Image acquisition protocol', 'not reported', 'the feature table does not carry it; describe the MRI protocol'),
    C(
      'C4',
      'Segmentation and readers',
      r.spec.reader ? 'partly' : 'not reported',
      r.spec.reader ? `methods.txt (reader ${r.spec.reader.keep})` : AUTHORS,
    ),
    C(
      'C5',
      'Feature extraction software and parameters',
      'partly',
      'reproducibility/manifest.json',
      'feature names follow PyRadiomics; give the parameter file',
    ),
    C(
      'C6',
      'Feature robustness (ICC)',
      has('icc') ? 'reported' : 'not reported',
      has('icc') ? 'methods.txt (ICC filter)' : 'no ICC step in the pipeline',
    ),
    C(
      'C7',
      'Harmonization (batch effects)',
      has('combat') ? 'reported' : 'not reported',
      has('combat') ? 'methods.txt (ComBat fitted on training)' : 'no ComBat step',
    ),
    C(
      'C8',
      'Feature selection / dimensionality reduction',
      selection.length ? 'reported' : 'not reported',
      'methods.txt',
      selection.join(', '),
    ),
    C(
      'C9',
      'Feature correlation',
      ctx.correlation ? 'reported' : has('correlation') ? 'partly' : 'not reported',
      ctx.correlation ? 'figures/correlation.svg' : 'methods.txt',
    ),
    C(
      'C10',
      'Data leakage prevention',
      'reported',
      'methods.txt',
      'preprocessing and selection fitted on training rows only, refitted inside each CV fold',
    ),
    C(
      'C11',
      'Model and software versions',
      'reported',
      'reproducibility/manifest.json',
      `${ctx.software.name} ${ctx.software.version}, engine ${r.engine}`,
    ),
    C(
      'C12',
      'Validation type',
      external ? 'reported' : test ? 'partly' : 'not reported',
      'comparison table',
      external ? 'external (other centre)' : test ? 'internal hold-out only' : 'cross-validation only',
    ),
    C(
      'C13',
      'Calibration',
      calibrated ? 'reported' : 'not reported',
      'calibration figures (Hosmer–Lemeshow, slope); bias-corrected curve with bootstrap',
      boot ? `bootstrap B = ${r.spec.bootstrap?.B ?? ''}` : 'apparent only',
    ),
    C('C14', 'Clinical utility', 'reported', 'decision-curve figures'),
    C(
      'C15',
      'Comparison with other models',
      r.models.length > 1 ? 'reported' : 'not reported',
      r.models.length > 1 ? 'DeLong p-value figures' : 'a single model',
    ),
    C(
      'C16',
      'Explainability',
      explained ? 'reported' : linear ? 'partly' : 'not reported',
      explained ? 'SHAP summary' : linear ? 'coefficient table' : '',
    ),
    C(
      'C17',
      'Code and data availability',
      'reported',
      'reproducibility/ (spec, input SHA-256, results; `radstudy analyze` re-runs it)',
    ),
  ];
}

export function checklistTable(items: readonly ChecklistItem[]): ReportTable {
  return {
    id: 'checklist',
    title: 'Reporting checklist (TRIPOD, CLEAR), prefilled by RadStudy',
    columns: ['Checklist', 'Item', 'Topic', 'Status', 'Where', 'Detail'],
    rows: items.map((i) => [i.checklist, i.item, i.topic, i.status, i.where, i.detail]),
    notes: [
      'Status from what the analysis records; items about the manuscript text, design and funding are left "not reported" for the authors to complete.',
      'TRIPOD item numbers as in Collins GS et al., BMJ 2015;350:g7594. CLEAR (Kocak B et al., Insights Imaging 2023;14:75) items are listed by topic as C1–C17, not by the official CLEAR numbers; map them when submitting.',
    ],
  };
}
