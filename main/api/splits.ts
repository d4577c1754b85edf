import { z } from 'zod';
import { mutation, query } from './procedure.js';

/** How to split the study's cohort: the method and its parameters (main/compute/ml/studySplit.ts). */
export const SplitCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    method: z.enum(['random', 'stratified', 'center', 'date']),
    /** Outcome variable of the data dictionary and the value(s) that mean the event. */
    outcome: z
      .object({
        variable: z.string().min(1),
        positive: z.array(z.string().min(1)).min(1),
      })
      .strict()
      .optional(),
    testFraction: z.number().gt(0).lt(1).optional(),
    external: z.array(z.string().min(1)).min(1).optional(),
    /** Date variable and the ISO cut-off for a split by date. */
    dateVariable: z.string().min(1).optional(),
    cutoff: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'the cut-off is an ISO date, e.g. 2021-01-01')
      .optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    folds: z
      .object({
        method: z.enum(['kfold', 'loocv']).default('kfold'),
        k: z.number().int().min(2).max(50).default(5),
        repeats: z.number().int().min(1).max(100).default(1),
      })
      .strict()
      .optional(),
    /** Clinical variables compared across the sets besides outcome and center (default: age when present). */
    variables: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type SplitCreate = z.input<typeof SplitCreateSchema>;

const SetCountsSchema = z.object({
  patients: z.number().int(),
  lesions: z.number().int(),
  events: z.number().int(),
  known: z.number().int(),
});

export const SplitSummarySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  method: z.enum(['random', 'stratified', 'center', 'date']),
  seed: z.number().int().nullable(),
  params: z.record(z.string(), z.unknown()),
  counts: z.object({ train: SetCountsSchema, test: SetCountsSchema, external: SetCountsSchema }),
  /** Folds of the training patients: method, k (folds per repeat) and repeats; null without folds. */
  folds: z.object({ method: z.string(), k: z.number().int(), repeats: z.number().int() }).nullable(),
  createdAt: z.string(),
});
export type SplitSummary = z.infer<typeof SplitSummarySchema>;

export const SplitBalanceRowSchema = z.object({
  variable: z.string(),
  level: z.string().nullable(),
  unit: z.enum(['patients', 'lesions']),
  /** One formatted cell per set (n (%) or mean ± SD / median (Q1–Q3)). */
  cells: z.array(z.string()),
  test: z.string().nullable(),
  pValue: z.number().nullable(),
});

export const SplitDetailSchema = z.object({
  split: SplitSummarySchema,
  /** Set labels in column order (Training, Test, External as present). */
  sets: z.array(z.string()),
  balance: z.array(SplitBalanceRowSchema),
  /** Patient code → set, and fold per repeat for training patients. */
  patients: z.array(
    z.object({ patient: z.string(), center: z.string(), set: z.enum(['train', 'test', 'external']), folds: z.array(z.number()) }),
  ),
});
export type SplitDetail = z.infer<typeof SplitDetailSchema>;

const byName = z.object({ name: z.string().min(1) }).strict();

export const splitsApi = {
  'splits.create': mutation(
    SplitCreateSchema,
    SplitDetailSchema,
    "Split the study's patients into training / test / external sets (and CV folds) and store it by name",
  ),
  'splits.list': query(z.object({}).strict(), z.array(SplitSummarySchema), 'Stored splits, newest first'),
  'splits.get': query(byName, SplitDetailSchema, 'One stored split: counts, balance table and patient assignments'),
  'splits.delete': mutation(byName, z.object({ deleted: z.boolean() }), 'Delete a stored split'),
};
