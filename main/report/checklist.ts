/**
 * TRIPOD and CLEAR reporting checklists prefilled from what the app knows about an analysis: its
 * spec, the split and counts, the pipeline, the validation done, the figures written, the software
 * versions. Each item says whether the report covers it (reported / partly / not reported / not
 * applicable) and where (report file, table, figure) — or what the authors still have to write.
 *
 * - TRIPOD: Collins GS, Reitsma JB, Altman DG, Moons KGM. Transparent reporting of a multivariable
 *   prediction model for individual prognosis or diagnosis (TRIPOD). BMJ 2015;350:g7594. All 37
 *   items (22 numbered, with letters) in the statement's order, for development and validation.
 * - CLEAR: Kocak B, Baessler B, Bakas S, et al. CheckList for EvaluAtion of Radiomics research
 *   (CLEAR): a step-by-step reporting guideline for authors and reviewers endorsed by ESR and
 *   EuSoMII. Insights Imaging 2023;14:75 (doi:10.1186/s13244-023-01415-8). CLEAR v1.0, 58 items,
 *   with the official numbers and sections (https://clearchecklist.github.io/clear_checklist/).
 *   The checklist is licensed CC BY 4.0; the item names below are our own short paraphrases, not
 *   the official wording, and the explanations are not reproduced.
 */
import type { AnalysisResult } from '../compute/ml/analysis.js';
import type { ChecklistItem, ChecklistStatus } from './charts/studyTypes.js';
import type { ReportTable } from './tables.js';
import { describeDiscretisation, describePreprocessing, describeResampling, type ExtractionFacts } from './extractionFacts.js';

export interface ChecklistContext {
  software: { name: string; version: string };
  /** The study's exclusion flow was available (the flow diagram has screening and exclusions). */
  cohortFlow: boolean;
  /** A Kaplan–Meier figure by risk group was made. */
  survival: boolean;
  /** The correlation heatmap was made. */
  correlation: boolean;
  /** The stored study extraction the analysis' feature table came from, when known. */
  extraction?: ExtractionFacts | null;
}

const AUTHORS = 'manuscript text (not known to the app)';

/** PyRadiomics image types as they appear in feature names (`<image type>_<class>_<feature>`). */
const IMAGE_TYPE =
  /^(original|wavelet-[HL]{1,3}|log-sigma-[\d-]+mm-[23]D|square|squareroot|logarithm|exponential|gradient|lbp-[23]D(-[a-z0-9]+)?)$/;
const FEATURE_CLASS = /^(shape|shape2D|firstorder|glcm|glrlm|glszm|gldm|ngtdm)$/;

export interface FeatureNameSummary {
  /** Image types seen in the names, e.g. original, wavelet-LLH, log-sigma-2-0-mm-3D. */
  imageTypes: string[];
  /** Feature classes with the number of candidate features in each. */
  classes: Record<string, number>;
  /** Candidate features whose name has no PyRadiomics image type (clinical or other columns). */
  nonRadiomic: string[];
}

/** What the candidate feature names tell about image types, feature classes and other predictors. */
export function summarizeFeatureNames(names: readonly string[]): FeatureNameSummary {
  const imageTypes = new Set<string>();
  const classes: Record<string, number> = {};
  const nonRadiomic: string[] = [];
  for (const name of names) {
    const parts = name.split('_');
    const k = parts.findIndex((p) => IMAGE_TYPE.test(p));
    if (k < 0) {
      nonRadiomic.push(name);
      continue;
    }
    imageTypes.add(parts[k]!);
    const cls = parts[k + 1];
    if (cls && FEATURE_CLASS.test(cls)) classes[cls] = (classes[cls] ?? 0) + 1;
  }
  return { imageTypes: [...imageTypes].sort(), classes, nonRadiomic };
}

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
  type Step = AnalysisResult['spec']['steps'][number];
  const stepOf = <K extends Step['step']>(k: K): Extract<Step, { step: K }> | undefined =>
    r.spec.steps.find((s): s is Extract<Step, { step: K }> => s.step === k);
  const impute = stepOf('impute');
  const scale = stepOf('scale');
  const icc = stepOf('icc');
  const combat = stepOf('combat');
  const selection = steps.filter((s) =>
    ['variance', 'icc', 'univariate', 'correlation', 'f_classif', 'mrmr', 'lasso', 'stepwise'].includes(s),
  );
  const explained = r.models.some((m) => m.explanation);
  const tuned = r.models.filter((m) => m.tuning);
  const several = r.models.length > 1;
  const kinds = [...new Set(r.models.map((m) => m.kind))].join(', ');
  const names = summarizeFeatureNames(r.features.names);
  const ex = ctx.extraction ?? null;
  const classList = Object.entries(names.classes)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const cv = r.spec.cv.method === 'loocv' ? 'leave-one-out CV' : `${r.spec.cv.k}-fold CV × ${r.spec.cv.repeats}`;
  const splitText =
    r.spec.split.method === 'center'
      ? `split by center (external: ${r.spec.split.external.join(', ')})`
      : r.spec.split.method === 'date'
        ? `temporal split at ${String(r.spec.split.cutoff)}`
        : r.spec.split.method === 'stored'
          ? `split "${r.spec.split.name}" stored in the study`
          : `random split, test fraction ${r.spec.split.testFraction}`;
  const setsText = `training ${events('train')}${test ? `; test ${events('test')}` : ''}${
    external ? `; external ${events('external')}` : ''
  }`;

  const item =
    (checklist: ChecklistItem['checklist']) =>
    (id: string, section: string, topic: string, status: ChecklistStatus, where: string, detail = ''): ChecklistItem => ({
      checklist,
      item: id,
      section,
      topic,
      status,
      where,
      detail,
    });
  const T = item('TRIPOD');
  const C = item('CLEAR');

  const tripod: ChecklistItem[] = [
    T('1', 'Title and abstract', 'Title: development/validation, population, outcome', 'not reported', AUTHORS),
    T(
      '2',
      'Title and abstract',
      'Abstract',
      'not reported',
      AUTHORS,
      'the numbers to quote are in the comparison table and Table 1',
    ),
    T('3a', 'Introduction', 'Background and rationale', 'not reported', AUTHORS),
    T('3b', 'Introduction', 'Objectives', 'not reported', AUTHORS, `outcome ${r.spec.outcome.column}`),
    T(
      '4a',
      'Methods — Source of data',
      'Study design and source of data',
      'partly',
      'methods.txt; reproducibility/manifest.json',
      'feature table with SHA-256; study design to be described',
    ),
    T(
      '4b',
      'Methods — Source of data',
      'Study dates',
      r.spec.columns.date ? 'partly' : 'not reported',
      r.spec.columns.date ? 'methods.txt (temporal split)' : AUTHORS,
      r.spec.columns.date ? `date column ${r.spec.columns.date}` : '',
    ),
    T(
      '5a',
      'Methods — Participants',
      'Setting and centres',
      r.spec.columns.center ? 'reported' : 'not reported',
      r.spec.columns.center ? 'Table 1 by split; methods.txt' : AUTHORS,
      splitText,
    ),
    T(
      '5b',
      'Methods — Participants',
      'Eligibility criteria',
      ctx.cohortFlow ? 'partly' : 'not reported',
      ctx.cohortFlow ? 'figures/flow.svg (exclusion reasons)' : AUTHORS,
      'inclusion criteria are to be written',
    ),
    T('5c', 'Methods — Participants', 'Treatments received', 'not reported', AUTHORS),
    T(
      '6a',
      'Methods — Outcome',
      'Outcome definition',
      'reported',
      'methods.txt',
      `${r.spec.outcome.column} = ${String(r.spec.outcome.positive)}`,
    ),
    T('6b', 'Methods — Outcome', 'Blinding of outcome assessment', 'not reported', AUTHORS),
    T(
      '7a',
      'Methods — Predictors',
      'Predictors',
      'reported',
      'methods.txt; coefficient table',
      `${r.features.candidates} candidate features`,
    ),
    T('7b', 'Methods — Predictors', 'Blinding of predictor assessment', 'not reported', AUTHORS),
    T(
      '8',
      'Methods — Sample size',
      'Sample size',
      'reported',
      'comparison table (n, events); figures/flow.svg',
      `${r.rows.n} rows; training ${events('train')}`,
    ),
    T(
      '9',
      'Methods — Missing data',
      'Missing data',
      impute ? 'reported' : 'partly',
      impute ? 'methods.txt (imputation fitted on training)' : 'figures/flow.svg',
      `${impute ? `${impute.strategy ?? 'median'} imputation; ` : ''}${dropped} rows left out`,
    ),
    T('10a', 'Methods — Statistical analysis', 'Handling of predictors', 'reported', 'methods.txt', steps.join(', ') || 'none'),
    T(
      '10b',
      'Methods — Statistical analysis',
      'Model type, predictor selection, internal validation',
      boot ? 'reported' : 'partly',
      'methods.txt; comparison table (cross-validated); bootstrap',
      `${kinds}; selection ${selection.join(', ') || 'none'}; ${cv}${boot ? ', bootstrap optimism correction' : ''}`,
    ),
    T(
      '10c',
      'Methods — Statistical analysis',
      'How predictions were calculated for validation',
      test || external ? 'reported' : 'not applicable',
      test || external ? 'methods.txt' : 'no test or external set',
      'the training-fitted pipeline applied unchanged to test / external rows',
    ),
    T(
      '10d',
      'Methods — Statistical analysis',
      'Performance measures and model comparison',
      calibrated ? 'reported' : 'partly',
      'comparison table; ROC, calibration and decision-curve figures',
      'AUC with DeLong CI, sensitivity, specificity, calibration, net benefit',
    ),
    T('10e', 'Methods — Statistical analysis', 'Model updating (recalibration)', 'not applicable', 'not done by this analysis'),
    T(
      '11',
      'Methods — Risk groups',
      'Risk groups',
      ctx.survival ? 'reported' : 'not reported',
      ctx.survival ? 'figures/km-*.svg (median cut of training predictions)' : 'make a Kaplan–Meier figure by risk group',
    ),
    T(
      '12',
      'Methods — Development vs. validation',
      'Development vs validation differences',
      r.balance ? 'reported' : 'not reported',
      r.balance ? 'Table 1 by split' : 'no balance table',
    ),
    T(
      '13a',
      'Results — Participants',
      'Flow of participants',
      ctx.cohortFlow ? 'reported' : 'partly',
      'figures/flow.svg',
      ctx.cohortFlow ? 'screened → excluded → included → sets' : 'analysis rows only (no study exclusions)',
    ),
    T(
      '13b',
      'Results — Participants',
      'Characteristics of participants',
      r.balance ? 'reported' : 'partly',
      'Table 1 by split; Table 1 by outcome',
    ),
    T(
      '13c',
      'Results — Participants',
      'Validation vs development: predictors and outcome',
      r.balance && (test || external) ? 'reported' : test || external ? 'partly' : 'not applicable',
      r.balance ? 'Table 1 by split (with tests)' : 'no balance table',
    ),
    T('14a', 'Results — Model development', 'Participants and events per analysis', 'reported', 'comparison table', setsText),
    T(
      '14b',
      'Results — Model development',
      'Unadjusted predictor–outcome associations',
      has('univariate') ? 'partly' : 'not reported',
      has('univariate') ? 'methods.txt (univariate filter on training)' : AUTHORS,
    ),
    T(
      '15a',
      'Results — Model specification',
      'Full prediction model',
      allLinear ? 'reported' : linear ? 'partly' : 'not reported',
      linear ? 'coefficient table; reproducibility/results.json' : 'reproducibility/results.json (fitted pipeline)',
      allLinear ? 'intercept and coefficients' : 'non-linear models have no closed formula',
    ),
    T(
      '15b',
      'Results — Model specification',
      'How to use the model',
      linear ? 'partly' : 'not reported',
      linear ? 'coefficient table (rad-score formula); nomogram' : AUTHORS,
    ),
    T('16', 'Results — Model performance', 'Model performance', 'reported', 'comparison table', 'with 95% CIs'),
    T('17', 'Results — Model updating', 'Results of model updating', 'not applicable', 'no updating done by this analysis'),
    T('18', 'Discussion', 'Limitations', 'not reported', AUTHORS, `${r.warnings.length} analysis warnings to consider`),
    T(
      '19a',
      'Discussion',
      'Validation results compared with development',
      test || external ? 'not reported' : 'not applicable',
      test || external ? AUTHORS : 'no test or external set',
    ),
    T('19b', 'Discussion', 'Overall interpretation', 'not reported', AUTHORS),
    T('20', 'Discussion', 'Implications', 'not reported', AUTHORS),
    T(
      '21',
      'Other information',
      'Supplementary information',
      'reported',
      'reproducibility/ (spec, input SHA-256, results); tables/',
    ),
    T('22', 'Other information', 'Funding', 'not reported', AUTHORS),
  ];

  const M = (sub: string): string => `Method — ${sub}`;
  const clear: ChecklistItem[] = [
    C('1', 'Title', 'Title naming the radiomic method', 'not reported', AUTHORS),
    C(
      '2',
      'Abstract',
      'Structured abstract',
      'not reported',
      AUTHORS,
      'the numbers to quote are in the comparison table and Table 1',
    ),
    C('3', 'Keywords', 'Radiomics keywords', 'not reported', AUTHORS),
    C('4', 'Introduction', 'Scientific or clinical background', 'not reported', AUTHORS),
    C('5', 'Introduction', 'Why a radiomic approach', 'not reported', AUTHORS),
    C('6', 'Introduction', 'Objectives', 'not reported', AUTHORS, `outcome ${r.spec.outcome.column}`),
    C(
      '7',
      M('Study design'),
      'Reporting guideline used',
      'partly',
      'tables/checklist (this prefilled list)',
      'say so in the text and attach the completed list',
    ),
    C('8', M('Study design'), 'Ethics approval, consent, data protection', 'not reported', AUTHORS),
    C(
      '9',
      M('Study design'),
      'Sample size justification',
      'partly',
      'comparison table (n, events)',
      `${r.rows.n} rows; ${setsText}; no power calculation by the app`,
    ),
    C('10', M('Study design'), 'Retrospective or prospective design', 'not reported', AUTHORS),
    C(
      '11',
      M('Study design'),
      'Inclusion and exclusion criteria',
      ctx.cohortFlow ? 'partly' : 'not reported',
      ctx.cohortFlow ? 'figures/flow.svg (exclusion reasons)' : AUTHORS,
      'inclusion criteria are to be written',
    ),
    C(
      '12',
      M('Study design'),
      'Flowchart of the technical pipeline',
      'partly',
      'methods.txt (pipeline steps in order)',
      `${steps.join(' → ') || 'no steps'} → ${kinds}; draw it as a figure`,
    ),
    C(
      '13',
      M('Data'),
      'Data source',
      'partly',
      'reproducibility/manifest.json (feature table SHA-256)',
      'state whether the data are private or public, per set',
    ),
    C('14', M('Data'), 'Overlap with earlier publications', 'not reported', AUTHORS),
    C(
      '15',
      M('Data'),
      'How the data were split',
      'reported',
      'methods.txt; Table 1 by split',
      `${splitText}; patients kept in one set and fold; ${cv}; every step fitted on training rows only`,
    ),
    ex
      ? C(
          '16',
          M('Data'),
          'Imaging protocol',
          'reported',
          'methods.txt',
          `sequences ${ex.sequences.join(', ') || '(not named in the features)'}; ${describeResampling(ex)}; add scanners and DCE timing`,
        )
      : C(
          '16',
          M('Data'),
          'Imaging protocol',
          'not reported',
          'not in the feature table; describe scanners, sequences, DCE timing and voxel size',
        ),
    C(
      '17',
      M('Data'),
      'Non-radiomic predictors',
      names.nonRadiomic.length ? 'partly' : 'not applicable',
      names.nonRadiomic.length ? 'methods.txt; coefficient table' : 'all candidate features are radiomic',
      names.nonRadiomic.length ? `${names.nonRadiomic.slice(0, 5).join(', ')}: define them` : '',
    ),
    C(
      '18',
      M('Data'),
      'Reference standard (outcome)',
      'partly',
      'methods.txt',
      `${r.spec.outcome.column} = ${String(r.spec.outcome.positive)}; say how it was established`,
    ),
    C(
      '19',
      M('Segmentation'),
      'Segmentation method and tool',
      r.spec.reader ? 'partly' : 'not reported',
      r.spec.reader ? `methods.txt (masks of reader ${r.spec.reader.keep})` : AUTHORS,
      'give the tool, manual / semi-automatic, and the contouring rules',
    ),
    C(
      '20',
      M('Segmentation'),
      'Who segmented',
      r.spec.reader || icc ? 'partly' : 'not reported',
      r.spec.reader || icc ? 'methods.txt' : AUTHORS,
      [
        r.spec.reader ? `model on reader ${r.spec.reader.keep}` : '',
        icc ? `ICC readers ${(icc.readers ?? ['R1', 'R2']).join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') + (r.spec.reader || icc ? '; give their experience' : ''),
    ),
    ex
      ? C('21', M('Pre-processing'), 'Image pre-processing', 'reported', 'methods.txt', describePreprocessing(ex))
      : C(
          '21',
          M('Pre-processing'),
          'Image pre-processing',
          'not reported',
          'not in the feature table; give normalisation, bias-field correction, registration',
        ),
    ex
      ? C('22', M('Pre-processing'), 'Resampling', 'reported', 'methods.txt', describeResampling(ex))
      : C('22', M('Pre-processing'), 'Resampling', 'not reported', 'not in the feature table; give the method and voxel size'),
    ex
      ? C('23', M('Pre-processing'), 'Grey-level discretisation', 'reported', 'methods.txt', describeDiscretisation(ex))
      : C(
          '23',
          M('Pre-processing'),
          'Grey-level discretisation',
          'not reported',
          'not in the feature table; give bin width or count',
        ),
    C(
      '24',
      M('Pre-processing'),
      'Image types (original, filtered)',
      names.imageTypes.length ? 'partly' : 'not reported',
      names.imageTypes.length ? 'feature names (coefficient table; reproducibility/results.json)' : AUTHORS,
      names.imageTypes.length ? `${names.imageTypes.join(', ')}; give the filter parameters` : '',
    ),
    ex
      ? C(
          '25',
          M('Feature extraction'),
          'Extraction software and method',
          'reported',
          'methods.txt',
          `${ex.engine}${ex.pyradiomicsCompatible ? ' (PyRadiomics-compatible mode)' : ''}; image types ${ex.imageTypes.join(', ')}`,
        )
      : C(
          '25',
          M('Feature extraction'),
          'Extraction software and method',
          'partly',
          'reproducibility/manifest.json',
          names.imageTypes.length
            ? 'feature names follow PyRadiomics; give the software version and 2D/3D'
            : 'give the software, version and 2D/3D',
        ),
    C(
      '26',
      M('Feature extraction'),
      'Feature classes',
      classList ? 'reported' : 'not reported',
      classList ? 'feature names (reproducibility/results.json)' : AUTHORS,
      classList,
    ),
    C(
      '27',
      M('Feature extraction'),
      'Number of features',
      'reported',
      'methods.txt',
      `${r.features.candidates} candidate features`,
    ),
    ex
      ? C(
          '28',
          M('Feature extraction'),
          'Other parameters left at defaults',
          'reported',
          'methods.txt',
          ex.changedSettings.length ? `changed: ${ex.changedSettings.join(', ')}; all others at defaults` : 'all at defaults',
        )
      : C('28', M('Feature extraction'), 'Other parameters left at defaults', 'not reported', AUTHORS),
    C(
      '29',
      M('Data preparation'),
      'Missing data',
      impute ? 'reported' : 'partly',
      impute ? 'methods.txt (imputation fitted on training)' : 'figures/flow.svg',
      `${impute ? `${impute.strategy ?? 'median'} imputation; ` : ''}${dropped} rows left out`,
    ),
    C(
      '30',
      M('Data preparation'),
      'Class balance and its handling',
      'partly',
      'comparison table (events per set)',
      `${setsText}; no over- or under-sampling in the pipeline`,
    ),
    C(
      '31',
      M('Data preparation'),
      'Segmentation reliability (ICC)',
      icc ? 'reported' : 'not reported',
      icc ? 'methods.txt (ICC filter on training rows)' : 'no ICC step in the pipeline',
      icc ? `${icc.form ?? 'ICC2'} between ${(icc.readers ?? ['R1', 'R2']).join(' and ')}, kept ≥ ${icc.min}` : '',
    ),
    C(
      '32',
      M('Data preparation'),
      'Feature scaling / harmonisation',
      scale || combat ? 'reported' : 'not applicable',
      scale || combat ? 'methods.txt (fitted on training rows)' : 'no scaling or ComBat step in the pipeline',
      [
        scale ? `${scale.method ?? 'zscore'} scaling` : '',
        combat ? `ComBat on center${combat.covariates?.length ? `, keeping ${combat.covariates.join(', ')}` : ''}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    ),
    C(
      '33',
      M('Data preparation'),
      'Dimension reduction / feature selection',
      selection.length ? 'reported' : 'not reported',
      'methods.txt',
      selection.length ? `${selection.join(', ')}, on training rows, refitted in each CV fold` : 'no selection step',
    ),
    C(
      '34',
      M('Modeling'),
      'Algorithms and software',
      'reported',
      'methods.txt; reproducibility/manifest.json',
      `${kinds}; ${ctx.software.name} ${ctx.software.version}, engine ${r.engine}`,
    ),
    C(
      '35',
      M('Modeling'),
      'Training and tuning',
      'reported',
      'methods.txt; reproducibility/spec.json',
      tuned.length
        ? `nested-CV grid search for ${tuned.map((m) => m.name).join(', ')} (inner ${tuned[0]!.tuning!.inner.k}-fold, ${tuned[0]!.tuning!.inner.metric})`
        : 'hyper-parameters fixed in the spec (no search)',
    ),
    C(
      '36',
      M('Modeling'),
      'Confounders',
      combat || r.balance ? 'partly' : 'not reported',
      combat ? 'methods.txt (ComBat on center)' : r.balance ? 'Table 1 by split' : AUTHORS,
      'say which confounders were considered and how',
    ),
    C(
      '37',
      M('Modeling'),
      'Choice of the final model',
      tuned.length ? 'reported' : several ? 'partly' : 'not applicable',
      tuned.length ? 'methods.txt (inner-CV score)' : several ? 'comparison table (cross-validated)' : 'a single model',
      several && !tuned.length ? 'say which model is final and why' : '',
    ),
    C(
      '38',
      M('Evaluation'),
      'Internal or external testing',
      external || test ? 'reported' : 'partly',
      'comparison table',
      external ? 'external (other centres)' : test ? 'internal hold-out' : 'cross-validation only, no unseen test set',
    ),
    C(
      '39',
      M('Evaluation'),
      'Performance metrics and why',
      'partly',
      'comparison table',
      'AUC, sensitivity, specificity at the training Youden threshold, Brier; give the rationale',
    ),
    C(
      '40',
      M('Evaluation'),
      'Uncertainty (CIs, calibration)',
      calibrated ? 'reported' : 'partly',
      'comparison table (95% CIs); calibration figures',
      boot ? `bootstrap B = ${r.spec.bootstrap?.B ?? ''}` : 'apparent calibration only',
    ),
    C(
      '41',
      M('Evaluation'),
      'Statistical comparison of models',
      several ? 'reported' : 'not applicable',
      several ? 'DeLong p-value figures' : 'a single model',
    ),
    C(
      '42',
      M('Evaluation'),
      'Comparison with non-radiomic / combined models; clinical utility',
      'partly',
      'decision-curve figures',
      'net benefit shown; add a clinical-only model to the spec to compare',
    ),
    C(
      '43',
      M('Evaluation'),
      'Interpretability and explainability',
      explained ? 'reported' : linear ? 'partly' : 'not reported',
      explained ? 'SHAP summary' : linear ? 'coefficient table' : 'no explanation in the spec',
    ),
    C('44', 'Results', 'Baseline characteristics', r.balance ? 'reported' : 'partly', 'Table 1 by split; Table 1 by outcome'),
    C(
      '45',
      'Results',
      'Eligibility flowchart',
      ctx.cohortFlow ? 'reported' : 'partly',
      'figures/flow.svg',
      ctx.cohortFlow ? 'screened → excluded → included → sets' : 'analysis rows only (no study exclusions)',
    ),
    C(
      '46',
      'Results',
      'Feature statistics (reproducibility, selection)',
      selection.length ? 'reported' : 'partly',
      `reproducibility/results.json (selection frequency per CV fold)${ctx.correlation ? '; figures/correlation.svg' : ''}`,
      r.models.map((m) => `${m.name}: ${m.features.length} features`).join('; '),
    ),
    C('47', 'Results', 'Model performance', 'reported', 'comparison table', `per set with 95% CIs; ${setsText}`),
    C(
      '48',
      'Results',
      'Comparison with non-radiomic / combined models',
      'partly',
      'comparison table; decision-curve figures',
      'no clinical-only model unless the spec has one',
    ),
    C('49', 'Discussion', 'Main findings', 'not reported', AUTHORS),
    C('50', 'Discussion', 'Earlier work and differences', 'not reported', AUTHORS),
    C('51', 'Discussion', 'Practical implications', 'not reported', AUTHORS),
    C(
      '52',
      'Discussion',
      'Strengths and limitations',
      'not reported',
      AUTHORS,
      `${r.warnings.length} analysis warnings to consider`,
    ),
    C(
      '53',
      'Open science — Data availability',
      'Images and segmentations shared',
      'not reported',
      AUTHORS,
      'recommended, not essential; say whether and where',
    ),
    C(
      '54',
      'Open science — Data availability',
      'Radiomic feature data shared',
      'partly',
      'reproducibility/manifest.json (file name and SHA-256 of the feature table)',
      'deposit the table itself or say why not',
    ),
    ex
      ? C(
          '55',
          'Open science — Code availability',
          'Pre-processing and extraction settings shared',
          'reported',
          'methods.txt',
          `extraction "${ex.name}" by ${ex.engine}, parameter file SHA-256 ${ex.paramsSha256}${ex.pyradiomicsCompatible ? ', PyRadiomics-compatible mode' : ''}; attach the parameter file`,
        )
      : C(
          '55',
          'Open science — Code availability',
          'Pre-processing and extraction settings shared',
          'not reported',
          'not in the bundle; attach the extraction parameter file',
        ),
    C(
      '56',
      'Open science — Code availability',
      'Modeling code shared',
      'reported',
      'reproducibility/ (spec.json; `radstudy analyze` re-runs it)',
      `${ctx.software.name} ${ctx.software.version}`,
    ),
    C(
      '57',
      'Open science — Model availability',
      'Final model files shared',
      'reported',
      'reproducibility/results.json (fitted pipelines)',
    ),
    C(
      '58',
      'Open science — Model availability',
      'Ready-to-use tool shared',
      'not reported',
      AUTHORS,
      'recommended, not essential',
    ),
  ];
  return [...tripod, ...clear];
}

export function checklistTable(items: readonly ChecklistItem[]): ReportTable {
  return {
    id: 'checklist',
    title: 'Reporting checklist (TRIPOD, CLEAR), prefilled by RadStudy',
    columns: ['Checklist', 'Item', 'Section', 'Topic', 'Status', 'Where', 'Detail'],
    rows: items.map((i) => [i.checklist, i.item, i.section, i.topic, i.status, i.where, i.detail]),
    notes: [
      'Status from what the analysis records; items about the manuscript text, design and funding are left "not reported" for the authors to complete.',
      'TRIPOD item numbers as in Collins GS et al., BMJ 2015;350:g7594. CLEAR v1.0 item numbers and sections as in Kocak B et al., Insights Imaging 2023;14:75 (CC BY 4.0); topics are short paraphrases — use the official checklist for the full wording.',
    ],
  };
}
