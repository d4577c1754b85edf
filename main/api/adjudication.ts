import { z } from 'zod';
import { mutation, query } from './procedure.js';
import { ReaderCodeSchema } from './readers.js';

const ReaderPairSchema = z
  .tuple([ReaderCodeSchema, ReaderCodeSchema])
  .refine((r) => r[0] !== r[1], 'choose two different readers');

export const kappaWeightings = ['unweighted', 'linear', 'quadratic'] as const;
export const landisKochBands = ['poor', 'slight', 'fair', 'moderate', 'substantial', 'almost perfect'] as const;

/**
 * Categorical dual reads: a lesion variable read by each reader is stored as one dictionary
 * variable per reader, `<base>_<reader code in lower case>` (mass_shape_r1, mass_shape_r2), of type
 * categorical, ordinal or boolean with the same levels.
 */
export const CategoricalAgreementRequestSchema = z
  .object({ readers: ReaderPairSchema, confLevel: z.number().gt(0).lt(1).default(0.95) })
  .strict();
export type CategoricalAgreementRequest = z.infer<typeof CategoricalAgreementRequestSchema>;

export const CategoricalAgreementSchema = z.object({
  readers: z.tuple([z.string(), z.string()]),
  confLevel: z.number(),
  variables: z.array(
    z.object({
      variable: z.string(),
      label: z.string(),
      type: z.enum(['categorical', 'ordinal', 'boolean']),
      levels: z.array(z.string()),
      /** Lesions read by both readers, and lesions where one of the two reads is missing. */
      n: z.number().int(),
      nMissing: z.number().int(),
      percentAgreement: z.number().nullable(),
      /** Unweighted for nominal variables; unweighted, linear and quadratic for ordinal ones. */
      kappas: z.array(
        z.object({
          weights: z.enum(kappaWeightings),
          kappa: z.number(),
          se: z.number(),
          lower: z.number(),
          upper: z.number(),
          band: z.enum(landisKochBands),
        }),
      ),
      note: z.string().nullable(),
    }),
  ),
});
export type CategoricalAgreement = z.infer<typeof CategoricalAgreementSchema>;

export const AdjudicationQueueRequestSchema = z
  .object({ readers: ReaderPairSchema, diceThreshold: z.number().min(0).max(1).default(0.7) })
  .strict();
export type AdjudicationQueueRequest = z.infer<typeof AdjudicationQueueRequestSchema>;

export const AdjudicationDecisionSchema = z.object({
  chosenReader: z.string().nullable(),
  value: z.string().nullable(),
  decidedBy: z.string(),
  decidedAt: z.string(),
  note: z.string().nullable(),
});

export const AdjudicationItemSchema = z.object({
  lesionId: z.number().int(),
  patientCode: z.string(),
  lesionCode: z.string(),
  kind: z.enum(['mask', 'variable']),
  /** Sequence label (mask) or base variable name (variable). */
  target: z.string(),
  /** Why it is in the queue: "Dice 0.52 < 0.70" or "R1: oval, R2: irregular". */
  reason: z.string(),
  dice: z.number().nullable(),
  values: z.tuple([z.string().nullable(), z.string().nullable()]),
  decision: AdjudicationDecisionSchema.nullable(),
});
export type AdjudicationItem = z.infer<typeof AdjudicationItemSchema>;

export const AdjudicationQueueSchema = z.object({
  readers: z.tuple([z.string(), z.string()]),
  diceThreshold: z.number(),
  items: z.array(AdjudicationItemSchema),
  open: z.number().int(),
  decided: z.number().int(),
});
export type AdjudicationQueue = z.infer<typeof AdjudicationQueueSchema>;

export const AdjudicateRequestSchema = z
  .object({
    lesionId: z.number().int().positive(),
    kind: z.enum(['mask', 'variable']),
    target: z.string().trim().min(1).max(80),
    readers: ReaderPairSchema,
    /** Choose one reader's mask / read, or (variables only) record a consensus level. */
    chosenReader: ReaderCodeSchema.optional(),
    value: z.string().trim().min(1).max(80).optional(),
    /** An adjudicator's reader code, or 'consensus'. */
    by: ReaderCodeSchema,
    note: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine((r) => (r.chosenReader === undefined) !== (r.value === undefined), {
    message: 'give either chosenReader or a consensus value',
  });
export type AdjudicateRequest = z.infer<typeof AdjudicateRequestSchema>;

export const ratingSessions = ['unaided', 'aided'] as const;
export const ratingScales = ['probability', 'likert5'] as const;

export const RatingSchema = z.object({
  reader: z.string(),
  lesionId: z.number().int(),
  patientCode: z.string(),
  lesionCode: z.string(),
  session: z.enum(ratingSessions),
  scale: z.enum(ratingScales),
  score: z.number(),
  ratedAt: z.string(),
});
export type Rating = z.infer<typeof RatingSchema>;

export const RateRequestSchema = z
  .object({
    reader: ReaderCodeSchema,
    lesionId: z.number().int().positive(),
    session: z.enum(ratingSessions),
    scale: z.enum(ratingScales),
    score: z.number(),
  })
  .strict();
export type RateRequest = z.infer<typeof RateRequestSchema>;

export const ReaderStudyRequestSchema = z
  .object({
    /** Lesion- or patient-level outcome variable (boolean, or categorical with `positive` level). */
    outcome: z.string().min(1),
    positive: z.string().optional(),
    scale: z.enum(ratingScales),
    /** Called positive when score ≥ threshold (default 50 for probability, 4 for the 5-point scale). */
    threshold: z.number().optional(),
    confLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();
export type ReaderStudyRequest = z.infer<typeof ReaderStudyRequestSchema>;

const SessionStatsSchema = z.object({
  n: z.number().int(),
  cases: z.number().int(),
  controls: z.number().int(),
  auc: z.number(),
  aucLower: z.number(),
  aucUpper: z.number(),
  sensitivity: z.number(),
  specificity: z.number(),
  tp: z.number().int(),
  fp: z.number().int(),
  tn: z.number().int(),
  fn: z.number().int(),
});

export const ReaderStudyReportSchema = z.object({
  outcome: z.string(),
  scale: z.enum(ratingScales),
  threshold: z.number(),
  confLevel: z.number(),
  readers: z.array(
    z.object({
      reader: z.string(),
      unaided: SessionStatsSchema.nullable(),
      aided: SessionStatsSchema.nullable(),
      /** Paired DeLong test on the lesions rated in both sessions: aided − unaided. */
      change: z
        .object({
          n: z.number().int(),
          deltaAuc: z.number(),
          lower: z.number(),
          upper: z.number(),
          z: z.number(),
          p: z.number(),
          deltaSensitivity: z.number(),
          deltaSpecificity: z.number(),
        })
        .nullable(),
      note: z.string().nullable(),
    }),
  ),
});
export type ReaderStudyReport = z.infer<typeof ReaderStudyReportSchema>;

export const adjudicationApi = {
  'agreement.categorical': query(
    CategoricalAgreementRequestSchema,
    CategoricalAgreementSchema,
    "Cohen's kappa (unweighted; linear/quadratic weighted for ordinal) with CI, percent agreement and Landis–Koch band per dual-read variable",
  ),
  'agreement.categorical.export': mutation(
    CategoricalAgreementRequestSchema.extend({ path: z.string().min(1).optional() }).strict(),
    z.object({ path: z.string().nullable(), rows: z.number().int(), csv: z.string() }),
    'Write the kappa table (as `radstudy readers agreement --kind kappa`) as CSV to a path, or return it without one',
  ),
  'adjudication.queue': query(
    AdjudicationQueueRequestSchema,
    AdjudicationQueueSchema,
    'Lesions whose two readers disagree (mask Dice below a threshold, or different categorical reads), with decisions taken',
  ),
  'adjudication.decide': mutation(
    AdjudicateRequestSchema,
    AdjudicationItemSchema.shape.decision.unwrap(),
    "Record an adjudicator's or a consensus decision (audited)",
  ),
  'readerStudy.rate': mutation(RateRequestSchema, RatingSchema, 'Store a reader-study rating (unaided or aided)'),
  'readerStudy.ratings': query(
    z.object({ reader: ReaderCodeSchema.optional() }).strict(),
    z.array(RatingSchema),
    'Reader-study ratings, of one reader or all',
  ),
  'readerStudy.importRatings': mutation(
    z.object({ path: z.string().min(1), scale: z.enum(ratingScales) }).strict(),
    z.object({
      file: z.string(),
      rows: z.number().int(),
      unaided: z.number().int(),
      aided: z.number().int(),
      readers: z.array(z.string()),
    }),
    'Import reader-study ratings from a CSV (reader, patient, lesion, session, score); all rows or none',
  ),
  'readerStudy.report': query(
    ReaderStudyRequestSchema,
    ReaderStudyReportSchema,
    'Per reader AUC (DeLong CI), sensitivity and specificity unaided and aided, and the paired DeLong change',
  ),
};
