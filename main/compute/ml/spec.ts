/**
 * The analysis spec, version 1 (1.1 adds stored splits and hyper-parameter grids; a 1.0 spec
 * stays valid and means what it meant): what data, which outcome, how to split, which pipeline steps and
 * models, which seeds. The UI builds specs, `radstudy analyze` runs them, and the results repeat
 * the spec they came from. `analysisSpecJsonSchema()` is the published JSON Schema
 * (docs/analysis-spec.schema.json is generated from it by `radstudy analyze --schema`).
 */
import { z } from 'zod';
import { AVAILABLE_MODELS } from './models/index.js';

const Seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const Fraction = z.number().gt(0).lt(1);

export const SplitSpecSchema = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('random'),
      testFraction: Fraction.describe('share of patients in the internal test set, e.g. 0.3 for 7:3'),
      stratify: z.boolean().default(true).describe('keep the outcome ratio in both sets'),
      seed: Seed.optional(),
    })
    .strict(),
  z
    .object({
      method: z.literal('center'),
      external: z.array(z.string().min(1)).min(1).describe('centers whose patients form the external validation set'),
      testFraction: z.number().min(0).lt(1).default(0).describe('also hold out this share of the other centers'),
      stratify: z.boolean().default(true),
      seed: Seed.optional(),
    })
    .strict(),
  z
    .object({
      method: z.literal('date'),
      cutoff: z.union([z.string().min(1), z.number()]).describe('rows on or after this date form the temporal test set'),
    })
    .strict(),
  z
    .object({
      method: z.literal('stored'),
      name: z
        .string()
        .min(1)
        .describe("a split stored in the study (radstudy split create): its patients' sets are used as they are"),
      folds: z
        .boolean()
        .default(true)
        .describe("use the split's stored cross-validation folds (when it has them) instead of the cv settings"),
    })
    .strict()
    .describe('spec version 1.1'),
]);

export const StepSpecSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('impute'), strategy: z.enum(['median', 'mean']).default('median') }).strict(),
  z.object({ step: z.literal('scale'), method: z.enum(['zscore', 'minmax', 'robust']).default('zscore') }).strict(),
  z.object({ step: z.literal('variance'), threshold: z.number().min(0).default(0) }).strict(),
  z
    .object({
      step: z.literal('icc'),
      min: z.number().min(-1).max(1).describe('e.g. 0.75 for good reliability'),
      extraction: z
        .union([z.string().min(1), z.number().int().positive()])
        .optional()
        .describe('the stored extraction (name or id) whose two readers give the ICCs; run from the study'),
      readers: z
        .tuple([z.string().min(1), z.string().min(1)])
        .optional()
        .describe('the reader pair (default R1, R2)'),
      form: z
        .enum(['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'])
        .optional()
        .describe('Shrout–Fleiss form (default ICC2 = ICC(2,1); ICC3 = ICC(3,1))'),
    })
    .strict(),
  z
    .object({
      step: z.literal('univariate'),
      test: z.enum(['mannwhitney', 'ttest']).default('mannwhitney'),
      alpha: Fraction.default(0.05),
      fdr: z.boolean().default(false).describe('Benjamini–Hochberg adjusted p-values'),
    })
    .strict(),
  z
    .object({
      step: z.literal('correlation'),
      threshold: z.number().gt(0).lt(1).default(0.9),
      method: z.enum(['pearson', 'spearman']).default('pearson'),
    })
    .strict(),
  z.object({ step: z.literal('f_classif'), k: z.number().int().min(1) }).strict(),
  z.object({ step: z.literal('mrmr'), k: z.number().int().min(1) }).strict(),
  z
    .object({
      step: z.literal('lasso'),
      alpha: z.number().gt(0).max(1).default(1).describe('1 = LASSO, between 0 and 1 = elastic net'),
      lambda: z.enum(['min', '1se']).default('1se'),
      folds: z.number().int().min(3).max(20).default(10),
      maxFeatures: z.number().int().min(1).optional(),
    })
    .strict(),
  z
    .object({
      step: z.literal('combat'),
      parametric: z.boolean().default(true).describe('parametric (true) or non-parametric empirical Bayes priors'),
      meanOnly: z.boolean().default(false).describe('adjust the location only'),
      covariates: z
        .array(z.string().min(1))
        .default([])
        .describe('numeric columns whose effect is kept (e.g. age); never the outcome, which new cases do not have'),
    })
    .strict()
    .describe('ComBat harmonisation across columns.center (sva::ComBat), fitted on training rows'),
  z
    .object({
      step: z.literal('stepwise'),
      criterion: z.enum(['aic', 'bic', 'p']).default('aic'),
      direction: z.enum(['both', 'backward', 'forward']).default('both'),
      pEnter: Fraction.optional(),
      pRemove: Fraction.optional(),
    })
    .strict(),
]);

export const classifierKinds = [
  'logistic',
  'logistic_l1',
  'logistic_l2',
  'logistic_elasticnet',
  'svm_linear',
  'svm_rbf',
  'tree',
  'random_forest',
  'gradient_boosting',
  'knn',
  'mlp',
  'naive_bayes',
] as const;

export const ModelSpecSchema = z
  .object({
    name: z.string().min(1).max(60).describe('shown in tables and figures, e.g. "Rad-score (LR)"'),
    kind: z.enum(classifierKinds),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.array(z.number())])).default({}),
    grid: z
      .record(z.string(), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1))
      .optional()
      .describe(
        'spec version 1.1: hyper-parameter values to search, e.g. {"C": [0.1, 1, 10], "gamma": [0.01, 0.1]}; every combination is scored by an inner cross-validation on training rows only (nested CV)',
      ),
    inner: z
      .object({
        k: z.number().int().min(2).max(10).default(3),
        metric: z.enum(['auc', 'brier']).default('auc'),
      })
      .strict()
      .optional()
      .describe('the inner cross-validation of a grid search (default 3 folds, best AUC)'),
  })
  .strict();

/** Most combinations a grid may have: each one is refitted k_inner × (outer folds + 1) times. */
export const MAX_GRID = 200;

export const AnalysisSpecSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.union([z.literal(1), z.literal(1.1)]).describe('1, or 1.1 for stored splits and hyper-parameter grids'),
    name: z.string().min(1),
    description: z.string().optional(),
    columns: z
      .object({
        patient: z.string().min(1).describe('patient id: a patient’s lesions always stay in one set and fold'),
        id: z.string().min(1).optional().describe('row (lesion) id; default: the patient id'),
        center: z.string().min(1).optional(),
        date: z.string().min(1).optional(),
      })
      .strict(),
    outcome: z
      .object({
        column: z.string().min(1),
        positive: z
          .union([z.string().min(1), z.number(), z.array(z.union([z.string().min(1), z.number()])).min(1)])
          .describe('the value (or values) that mean the event, coded 1'),
        negative: z
          .array(z.union([z.string().min(1), z.number()]))
          .min(1)
          .optional()
          .describe(
            'values coded 0 when the column has more than two (e.g. HER2-low vs zero: positive "low", negative ["zero"]); rows with other values are left out and listed',
          ),
      })
      .strict(),
    features: z
      .object({
        include: z.array(z.string().min(1)).default(['*']).describe('names or * patterns, e.g. "DCE2_original_*"'),
        exclude: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ include: ['*'], exclude: [] }),
    forced: z.array(z.string().min(1)).default([]).describe('features no selection step may drop'),
    reader: z
      .object({
        column: z.string().min(1).default('reader'),
        keep: z.string().min(1).describe("the reader whose masks feed the model, e.g. 'R1'"),
      })
      .strict()
      .optional()
      .describe('a dual-reader feature table has one row per lesion × reader: keep the rows of one reader'),
    balance: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'clinical columns compared across training / test / external sets (numeric: continuous), besides outcome and center',
      ),
    split: SplitSpecSchema,
    cv: z
      .object({
        method: z.enum(['kfold', 'loocv']).default('kfold'),
        k: z.number().int().min(2).max(50).default(5),
        repeats: z.number().int().min(1).max(100).default(1),
      })
      .strict()
      .default({ method: 'kfold', k: 5, repeats: 1 }),
    bootstrap: z
      .object({
        B: z.number().int().min(10).max(2000).default(200),
      })
      .strict()
      .optional()
      .describe(
        "bootstrap internal validation of each model's whole pipeline on the training set (patients resampled): optimism-corrected AUC, calibration slope and Brier (rms::validate), .632+ AUC",
      ),
    explain: z
      .object({
        set: z
          .enum(['test', 'external', 'train'])
          .optional()
          .describe('rows explained; default: test, else external, else training'),
        background: z.number().int().min(5).max(500).default(30).describe('training rows drawn as the SHAP background'),
        maxRows: z.number().int().min(1).max(5000).default(300),
        samples: z
          .number()
          .int()
          .min(16)
          .max(100_000)
          .default(2048)
          .describe('Kernel SHAP coalitions (all when 2^M − 2 is fewer)'),
        permutationRepeats: z.number().int().min(1).max(200).default(10),
      })
      .strict()
      .optional()
      .describe(
        'explanations of each final model on its own inputs: SHAP values (exact for linear models, exact TreeSHAP for tree models, Kernel SHAP otherwise) and permutation importance (AUC decrease)',
      ),
    steps: z.array(StepSpecSchema).default([]),
    models: z.array(ModelSpecSchema).min(1),
    seed: Seed.default(1),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    if (spec.split.method === 'stored' && spec.version < 1.1)
      ctx.addIssue({ code: 'custom', path: ['split'], message: 'a stored split needs spec version 1.1 ("version": 1.1)' });
    spec.models.forEach((m, i) => {
      if (m.grid) {
        if (spec.version < 1.1)
          ctx.addIssue({
            code: 'custom',
            path: ['models', i, 'grid'],
            message: 'a grid search needs spec version 1.1 ("version": 1.1)',
          });
        const size = Object.values(m.grid).reduce((s, v) => s * v.length, 1);
        if (Object.keys(m.grid).length === 0)
          ctx.addIssue({ code: 'custom', path: ['models', i, 'grid'], message: 'the grid names no parameter' });
        if (size > MAX_GRID)
          ctx.addIssue({
            code: 'custom',
            path: ['models', i, 'grid'],
            message: `the grid has ${size} combinations; at most ${MAX_GRID}`,
          });
        for (const k of Object.keys(m.grid))
          if (k in m.params)
            ctx.addIssue({
              code: 'custom',
              path: ['models', i, 'grid', k],
              message: `'${k}' is both a fixed parameter and a grid parameter; keep one`,
            });
      } else if (m.inner) {
        ctx.addIssue({ code: 'custom', path: ['models', i, 'inner'], message: 'inner cross-validation settings need a grid' });
      }
      if (!AVAILABLE_MODELS.includes(m.kind)) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'kind'],
          message: `model '${m.kind}' is not available in this build (available: ${AVAILABLE_MODELS.join(', ')})`,
        });
      }
      if (names.has(m.name))
        ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `model name '${m.name}' is used twice` });
      names.add(m.name);
    });
    if (spec.split.method === 'center' && !spec.columns.center) {
      ctx.addIssue({ code: 'custom', path: ['columns', 'center'], message: 'a split by center needs columns.center' });
    }
    spec.steps.forEach((st, i) => {
      if (st.step !== 'combat') return;
      if (!spec.columns.center) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i],
          message: 'ComBat harmonises across centers: it needs columns.center',
        });
      }
      if (spec.split.method === 'center') {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i],
          message:
            'ComBat is fitted on the training centers and cannot harmonise an external center it has not seen; use a random or date split, or drop the ComBat step',
        });
      }
      st.covariates.forEach((c, k) => {
        if (c === spec.outcome.column) {
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'covariates', k],
            message: `the outcome '${c}' cannot be a ComBat covariate: new cases have no outcome, and keeping it leaks the outcome into the features`,
          });
        }
      });
    });
    const sources = new Set(
      spec.steps.flatMap((st) =>
        st.step === 'icc' && st.extraction !== undefined
          ? [JSON.stringify([st.extraction, st.readers ?? ['R1', 'R2'], st.form ?? 'ICC2'])]
          : [],
      ),
    );
    if (sources.size > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'every ICC step must use the same extraction, readers and form (one set of ICCs per analysis)',
      });
    if (spec.split.method === 'date' && !spec.columns.date) {
      ctx.addIssue({ code: 'custom', path: ['columns', 'date'], message: 'a split by date needs columns.date' });
    }
  });

export type AnalysisSpec = z.infer<typeof AnalysisSpecSchema>;
export type AnalysisSpecInput = z.input<typeof AnalysisSpecSchema>;

/** Parse a spec; a spec that fails the schema throws with every problem and its path. */
export function parseAnalysisSpec(raw: unknown, source = 'analysis spec'): AnalysisSpec {
  const r = AnalysisSpecSchema.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
  throw new AnalysisSpecError(`${source} is not a valid analysis spec (version 1 / 1.1):\n  ${problems.join('\n  ')}`, problems);
}

export class AnalysisSpecError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'AnalysisSpecError';
  }
}

export function analysisSpecJsonSchema(): unknown {
  return {
    ...(z.toJSONSchema(AnalysisSpecSchema, { io: 'input', unrepresentable: 'any' }) as object),
    $id: 'urn:radstudy:analysis-spec:1',
    title: 'RadStudy analysis spec, version 1',
  };
}
