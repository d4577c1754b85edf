import { z } from 'zod';
import { mutation, query } from './procedure.js';

/** Reader code as segmentations carry it ('R1', 'R2', 'REF' …). */
export const ReaderCodeSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-" (e.g. R2)');

const SequenceSchema = z.string().regex(/^[A-Z][A-Z0-9]*$/, 'a sequence label such as T2FS, DWI800, ADC or DCE3');

export const readerRoles = ['reader', 'adjudicator', 'coordinator'] as const;
export const ReaderRoleSchema = z.enum(readerRoles);

export const ReaderSchema = z.object({
  code: z.string(),
  name: z.string(),
  role: ReaderRoleSchema,
  createdAt: z.string(),
  /** Segmentations stored under this code. */
  segmentations: z.number().int(),
});
export type Reader = z.infer<typeof ReaderSchema>;

export const ReaderListSchema = z.object({
  readers: z.array(ReaderSchema),
  /** Reader codes found on segmentations that no registered reader has (e.g. imported before). */
  unregistered: z.array(z.object({ code: z.string(), segmentations: z.number().int() })),
});
export type ReaderList = z.infer<typeof ReaderListSchema>;

export const assignmentStatuses = ['assigned', 'segmented', 'done'] as const;
export const AssignmentStatusSchema = z.enum(assignmentStatuses);
export type AssignmentStatus = z.infer<typeof AssignmentStatusSchema>;

export const AssignmentSchema = z.object({
  id: z.number().int(),
  reader: z.string(),
  lesionId: z.number().int(),
  patientCode: z.string(),
  lesionCode: z.string(),
  center: z.string(),
  sequence: z.string(),
  /** 'segmented' when the reader has a segmentation of the lesion on a series of the sequence. */
  status: AssignmentStatusSchema,
  origin: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type Assignment = z.infer<typeof AssignmentSchema>;

export const SubsetRequestSchema = z
  .object({
    reader: ReaderCodeSchema,
    sequences: z.array(SequenceSchema).min(1),
    /** How many lesions (count) or which share of the eligible ones (fraction); exactly one. */
    count: z.number().int().min(1).optional(),
    fraction: z.number().gt(0).max(1).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    /** Only lesions this reader segmented on every chosen sequence are eligible (e.g. 'R1'). */
    fromReader: ReaderCodeSchema.optional(),
    stratifyByCenter: z.boolean().default(true),
  })
  .strict()
  .refine((r) => (r.count === undefined) !== (r.fraction === undefined), { message: 'give either count or fraction' });
export type SubsetRequest = z.infer<typeof SubsetRequestSchema>;

export const SubsetResultSchema = z.object({
  reader: z.string(),
  seed: z.number().int(),
  eligible: z.number().int(),
  selected: z.number().int(),
  /** Assignment rows written now, and lesion × sequence pairs the reader had already. */
  created: z.number().int(),
  alreadyAssigned: z.number().int(),
  perCenter: z.array(z.object({ center: z.string(), eligible: z.number().int(), selected: z.number().int() })),
  lesions: z.array(z.object({ lesionId: z.number().int(), patientCode: z.string(), lesionCode: z.string(), center: z.string() })),
});
export type SubsetResult = z.infer<typeof SubsetResultSchema>;

export const ReaderProgressSchema = z.object({
  code: z.string(),
  name: z.string(),
  role: ReaderRoleSchema,
  assigned: z.number().int(),
  segmented: z.number().int(),
  done: z.number().int(),
});
export type ReaderProgress = z.infer<typeof ReaderProgressSchema>;

export const blindingItems = ['otherReadersMasks', 'outcome', 'pathology'] as const;
export const BlindingItemSchema = z.enum(blindingItems);
export type BlindingItem = z.infer<typeof BlindingItemSchema>;

export const BlindingSchema = z.object({
  items: z.array(
    z.object({
      item: BlindingItemSchema,
      hidden: z.boolean(),
      updatedBy: z.string().nullable(),
      updatedAt: z.string().nullable(),
    }),
  ),
});
export type Blinding = z.infer<typeof BlindingSchema>;

export const iccForms = ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'] as const;
export const IccFormSchema = z.enum(iccForms);

export const FeatureAgreementRequestSchema = z
  .object({
    extractionId: z.number().int().positive(),
    readers: z.tuple([ReaderCodeSchema, ReaderCodeSchema]).refine((r) => r[0] !== r[1], 'choose two different readers'),
    /** Shrout–Fleiss form: ICC2 = ICC(2,1) two-way absolute agreement, ICC3 = ICC(3,1) consistency. */
    form: IccFormSchema.default('ICC2'),
    /** Features with ICC ≥ threshold are kept (the pipeline's `icc` step uses the same rule). */
    threshold: z.number().min(-1).max(1).default(0.75),
    confLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();
export type FeatureAgreementRequest = z.infer<typeof FeatureAgreementRequestSchema>;

export const FeatureAgreementSchema = z.object({
  extractionId: z.number().int(),
  extractionName: z.string(),
  readers: z.tuple([z.string(), z.string()]),
  form: IccFormSchema,
  threshold: z.number(),
  confLevel: z.number(),
  features: z.array(
    z.object({
      /** Sequence-prefixed column name, as in the feature table: `DCE3_original_glcm_Contrast`. */
      column: z.string(),
      sequence: z.string(),
      feature: z.string(),
      /** Lesions with a value from both readers. */
      n: z.number().int(),
      icc: z.number().nullable(),
      lower: z.number().nullable(),
      upper: z.number().nullable(),
      kept: z.boolean(),
      /** Why no ICC could be computed (e.g. the feature does not vary between lesions). */
      note: z.string().nullable(),
    }),
  ),
  perSequence: z.array(
    z.object({ sequence: z.string(), lesions: z.number().int(), features: z.number().int(), kept: z.number().int() }),
  ),
});
export type FeatureAgreement = z.infer<typeof FeatureAgreementSchema>;

export const MaskAgreementRequestSchema = z
  .object({
    readers: z.tuple([ReaderCodeSchema, ReaderCodeSchema]).refine((r) => r[0] !== r[1], 'choose two different readers'),
    sequences: z.array(SequenceSchema).default([]),
  })
  .strict();
export type MaskAgreementRequest = z.infer<typeof MaskAgreementRequestSchema>;

export const MaskAgreementSchema = z.object({
  readers: z.tuple([z.string(), z.string()]),
  rows: z.array(
    z.object({
      lesionId: z.number().int(),
      patientCode: z.string(),
      lesionCode: z.string(),
      seriesId: z.number().int(),
      sequence: z.string(),
      /**
       * Label value the row compares (null = the whole mask, any label). Masks with several label
       * values get one row per value present in either reader's mask after the whole-mask row.
       */
      label: z.number().int().nullable(),
      /** Name of the label from either reader's label table (null: not stored, or whole mask). */
      labelName: z.string().nullable(),
      dice: z.number(),
      jaccard: z.number(),
      /** Null when one reader did not draw the label (surface distances are undefined). */
      hd95Mm: z.number().nullable(),
      meanSurfaceDistanceMm: z.number().nullable(),
      /** Volumes of readers[0] (reference) and readers[1]; difference = second − first. */
      volumeAMm3: z.number(),
      volumeBMm3: z.number(),
      volumeDifferenceMm3: z.number(),
      /** Null when the first reader did not draw the label (division by a zero volume). */
      volumeDifferenceRelative: z.number().nullable(),
    }),
  ),
  /** Bland–Altman of the two readers' volumes per sequence (at least 3 lesions). */
  blandAltman: z.array(
    z.object({
      sequence: z.string(),
      n: z.number().int(),
      biasMm3: z.number(),
      lowerLimitMm3: z.number(),
      upperLimitMm3: z.number(),
      means: z.array(z.number()),
      differences: z.array(z.number()),
    }),
  ),
});
export type MaskAgreement = z.infer<typeof MaskAgreementSchema>;

const readerCode = z.object({ code: ReaderCodeSchema }).strict();

export const readersApi = {
  'readers.list': query(z.object({}).strict(), ReaderListSchema, 'Registered readers and reader codes used by segmentations'),
  'readers.save': mutation(
    z.object({ code: ReaderCodeSchema, name: z.string().trim().min(1).max(120), role: ReaderRoleSchema }).strict(),
    ReaderSchema,
    'Register a reader (or rename one / change its role)',
  ),
  'readers.delete': mutation(readerCode, z.object({ deleted: z.number().int() }), 'Remove a reader and their assignments'),
  'readers.assign': mutation(
    z
      .object({
        reader: ReaderCodeSchema,
        lesionIds: z.array(z.number().int().positive()).min(1),
        sequences: z.array(SequenceSchema).min(1),
      })
      .strict(),
    z.object({ created: z.number().int(), alreadyAssigned: z.number().int() }),
    'Assign lesions × sequences to a reader',
  ),
  'readers.assignSubset': mutation(
    SubsetRequestSchema,
    SubsetResultSchema,
    'Assign a seeded random subset of lesions (by count or fraction, stratified by center) to a reader',
  ),
  'readers.assignments': query(
    z.object({ reader: ReaderCodeSchema.optional() }).strict(),
    z.array(AssignmentSchema),
    'Assignments, of one reader or all',
  ),
  'readers.assignment.setStatus': mutation(
    z.object({ id: z.number().int().positive(), status: z.enum(['assigned', 'done']) }).strict(),
    AssignmentSchema,
    'Mark an assignment done (it must be segmented) or open again',
  ),
  'readers.unassign': mutation(
    z.object({ ids: z.array(z.number().int().positive()).min(1) }).strict(),
    z.object({ deleted: z.number().int() }),
    'Remove assignments (segmentations are kept)',
  ),
  'readers.progress': query(z.object({}).strict(), z.array(ReaderProgressSchema), 'Assigned / segmented / done per reader'),
  'readers.blinding.get': query(z.object({}).strict(), BlindingSchema, 'What readers in reader mode must not see'),
  'readers.blinding.set': mutation(
    z
      .object({
        items: z.partialRecord(BlindingItemSchema, z.boolean()),
        by: z.string().trim().min(1).max(120),
      })
      .strict(),
    BlindingSchema,
    'Change what is hidden from readers (recorded with who and when in the audit log)',
  ),
  'agreement.features': query(
    FeatureAgreementRequestSchema,
    FeatureAgreementSchema,
    'Inter-reader ICC per feature of an extraction (with CI), and the count kept at a threshold per sequence',
  ),
  'agreement.masks': query(
    MaskAgreementRequestSchema,
    MaskAgreementSchema,
    'Per-lesion Dice, Jaccard, HD95, volume difference between two readers’ masks on the same series; Bland–Altman of volumes',
  ),
  'agreement.export': mutation(
    z
      .object({
        kind: z.enum(['features', 'masks']),
        path: z.string().min(1),
        features: FeatureAgreementRequestSchema.optional(),
        masks: MaskAgreementRequestSchema.optional(),
      })
      .strict(),
    z.object({ path: z.string(), rows: z.number().int() }),
    'Write the feature ICC table or the mask agreement table as CSV',
  ),
};
