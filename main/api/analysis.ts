import { z } from 'zod';
import { mutation, query } from './procedure.js';

/**
 * A split stored in the study (db/migrations/012_splits.sql) as an analysis receives it: set per
 * patient code, and the fold per repeat of each training patient (empty without folds).
 */
export const StoredSplitAssignmentSchema = z
  .object({
    name: z.string().min(1),
    roles: z.record(z.string(), z.enum(['train', 'test', 'external'])),
    folds: z.record(z.string(), z.array(z.number().int().min(1))),
  })
  .strict();
export type StoredSplitAssignment = z.infer<typeof StoredSplitAssignmentSchema>;

/** Parameters of the `analysis.run` job: a spec (validated by main/compute/ml/spec.ts) and its data. */
export const AnalysisRunParamsSchema = z
  .object({
    spec: z.record(z.string(), z.unknown()),
    /** Feature table (CSV): one row per lesion, the columns named in the spec. */
    dataFile: z.string().min(1),
    /** SHA-256 of the file when the run was asked for; the job refuses a file changed since. */
    dataSha256: z.string().length(64),
    /** Inter-reader ICC per feature column, computed from the study for the spec's `icc` step. */
    icc: z.record(z.string(), z.number()).optional(),
    /** The stored split a spec's `split: { method: 'stored' }` names, read from the study. */
    storedSplit: StoredSplitAssignmentSchema.optional(),
  })
  .strict();
export type AnalysisRunParams = z.infer<typeof AnalysisRunParamsSchema>;

/** What the compute process returns: the whole result (main/compute/ml/analysis.ts AnalysisResult). */
export const AnalysisRunResultSchema = z
  .object({
    format: z.literal('radstudy-analysis-result'),
    engine: z.string(),
    spec: z.record(z.string(), z.unknown()),
    models: z.array(z.record(z.string(), z.unknown())),
  })
  .passthrough();

/** What the job row keeps once the result is stored in the analysis table. */
export const AnalysisStoredSchema = z.object({ analysisId: z.number().int(), name: z.string() });

export const SetMetricSummarySchema = z.object({
  n: z.number().int(),
  events: z.number().int(),
  auc: z.number(),
  aucCi: z.tuple([z.number(), z.number()]).nullable(),
  sensitivity: z.number(),
  specificity: z.number(),
  accuracy: z.number(),
  brier: z.number(),
});
export const AnalysisModelSummarySchema = z.object({
  name: z.string(),
  kind: z.string(),
  features: z.array(z.string()),
  threshold: z.number(),
  /** The final pipeline's steps: features in → out and what each step noted. */
  steps: z.array(z.object({ step: z.string(), inputs: z.number().int(), outputs: z.number().int(), notes: z.array(z.string()) })),
  metrics: z.record(z.string(), SetMetricSummarySchema),
  /** Rad-score formula (linear models) and its nomogram axes (points 0…100 per predictor). */
  radScore: z
    .object({
      text: z.string(),
      rawScale: z.boolean(),
      notes: z.array(z.string()),
      intercept: z.number(),
      terms: z.array(
        z.object({
          feature: z.string(),
          coefficient: z.number(),
          standardized: z.number(),
          center: z.number(),
          scale: z.number(),
        }),
      ),
    })
    .nullable(),
  nomogram: z
    .object({
      predictors: z.array(z.object({ name: z.string(), at: z.array(z.number()), points: z.array(z.number()) })),
      totalPoints: z.tuple([z.number(), z.number()]),
      lp: z.object({ at: z.array(z.number()), points: z.array(z.number()) }),
      risk: z.object({ at: z.array(z.number()), points: z.array(z.number()) }),
    })
    .nullable(),
  /** Bootstrap internal validation on the training set (rms::validate-style), when run. */
  bootstrap: z
    .object({
      B: z.number().int(),
      failed: z.number().int(),
      apparentAuc: z.number(),
      correctedAuc: z.number(),
      auc632plus: z.number(),
      correctedSlope: z.number(),
      correctedIntercept: z.number(),
      correctedBrier: z.number(),
    })
    .nullable(),
  /** SHAP values and permutation importance on one set, when the spec asked for them. */
  explanation: z
    .object({
      set: z.string(),
      method: z.string(),
      /** What the values add up to: 'log-odds' or 'probability' (tree and forest TreeSHAP). */
      scale: z.string().default('log-odds'),
      features: z.array(z.string()),
      baseValue: z.number(),
      meanAbsShap: z.array(z.number()),
      /** rows × features: SHAP values, and the model inputs they explain. */
      shap: z.array(z.array(z.number())),
      values: z.array(z.array(z.number())),
      permutation: z
        .object({ baseline: z.number(), repeats: z.number().int(), mean: z.array(z.number()), sd: z.array(z.number()) })
        .nullable(),
    })
    .nullable()
    .default(null),
  /** Nested-CV hyper-parameter search (spec 1.1 grid): the final choice and the choice per outer fold. */
  tuning: z
    .object({
      metric: z.string(),
      chosen: z.record(z.string(), z.unknown()),
      scores: z.array(z.object({ params: z.record(z.string(), z.unknown()), score: z.number().nullable() })),
      folds: z.array(
        z.object({
          repeat: z.number().int(),
          fold: z.number().int(),
          params: z.record(z.string(), z.unknown()),
          innerScore: z.number().nullable(),
        }),
      ),
    })
    .nullable()
    .default(null),
  warnings: z.array(z.string()),
});
export const AnalysisSummarySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  createdAt: z.string(),
  dataSource: z.string(),
  dataSha256: z.string(),
  engine: z.string(),
  rows: z.object({ train: z.number().int(), test: z.number().int(), external: z.number().int() }),
  candidates: z.number().int(),
  models: z.array(AnalysisModelSummarySchema),
  /** DeLong p-values between models per set (models in the order above). */
  comparison: z.record(z.string(), z.array(z.array(z.number().nullable()))),
  /** Balance of the sets: one line per variable (or level), formatted cells per set. */
  balance: z
    .object({
      sets: z.array(z.object({ label: z.string(), n: z.number().int() })),
      rows: z.array(
        z.object({
          variable: z.string(),
          level: z.string().nullable(),
          cells: z.array(z.string()),
          test: z.string().nullable(),
          pValue: z.number().nullable(),
        }),
      ),
    })
    .nullable(),
});
export type AnalysisSummary = z.infer<typeof AnalysisSummarySchema>;

export const FeatureTableInfoSchema = z.object({
  path: z.string(),
  rows: z.number().int(),
  columns: z.array(
    z.object({
      name: z.string(),
      numeric: z.boolean(),
      missing: z.number().int(),
      /** Distinct values (up to 12) of a non-numeric column, for outcome/center choices. */
      levels: z.array(z.string()),
    }),
  ),
});
export type FeatureTableInfo = z.infer<typeof FeatureTableInfoSchema>;

const id = z.object({ id: z.number().int().positive() }).strict();

export const analysisApi = {
  'analysis.inspect': query(
    z.object({ dataFile: z.string().min(1) }).strict(),
    FeatureTableInfoSchema,
    'Columns of a feature table (numeric or not, missing counts, levels), to build a spec',
  ),
  'analysis.validate': query(
    z.object({ spec: z.unknown() }).strict(),
    z.object({ ok: z.boolean(), problems: z.array(z.string()) }),
    'Check a spec against the analysis-spec schema (version 1)',
  ),
  'analysis.run': mutation(
    z.object({ spec: z.record(z.string(), z.unknown()), dataFile: z.string().min(1) }).strict(),
    z.object({ jobId: z.number().int() }),
    'Run an analysis spec on a feature table as a compute job; the result is stored in the study',
  ),
  'analysis.list': query(z.object({}).strict(), z.array(AnalysisSummarySchema), 'Stored analyses, newest first'),
  'analysis.get': query(
    id,
    z.object({ summary: AnalysisSummarySchema, result: z.record(z.string(), z.unknown()) }),
    'One stored analysis with its whole result',
  ),
  'analysis.delete': mutation(id, z.object({ deleted: z.boolean() }), 'Delete a stored analysis'),
};
