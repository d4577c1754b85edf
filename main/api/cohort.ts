import { z } from 'zod';
import { mutation, query } from './procedure.js';

export const variableTypes = ['numeric', 'integer', 'categorical', 'ordinal', 'boolean', 'date', 'text'] as const;
export const variableRoles = ['outcome', 'predictor', 'identifier', 'stratifier', 'other'] as const;

export const LevelSchema = z.object({
  code: z.string().min(1),
  label: z.string().min(1),
  /** Other spellings accepted on import (case-insensitive), e.g. "IDC" for "NST". */
  aliases: z.array(z.string()).optional(),
});
export type Level = z.infer<typeof LevelSchema>;

/** One variable of the data dictionary. */
export const VariableDefSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and _ (e.g. ki67_pct)'),
    label: z.string().min(1),
    type: z.enum(variableTypes),
    unit: z.string().nullable().default(null),
    /** Categorical/ordinal levels, in order for ordinal variables. */
    levels: z.array(LevelSchema).nullable().default(null),
    /** Values that mean "missing" (e.g. "NA", "-99", "unknown"); stored as missing with the code. */
    missingCodes: z.array(z.string()).default([]),
    role: z.enum(variableRoles),
    scope: z.enum(['patient', 'lesion']),
    min: z.number().nullable().default(null),
    max: z.number().nullable().default(null),
    required: z.boolean().default(false),
    /** Name of the rule that derives this variable (read-only in the table), e.g. "her2_status". */
    derived: z.string().nullable().default(null),
    group: z.string().nullable().default(null),
    description: z.string().nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if ((v.type === 'categorical' || v.type === 'ordinal') && !v.levels?.length) {
      ctx.addIssue({ code: 'custom', path: ['levels'], message: `${v.type} variables need their levels` });
    }
    if (v.min !== null && v.max !== null && v.min > v.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: 'min is greater than max' });
    }
  });
export type VariableDef = z.output<typeof VariableDefSchema>;
export type VariableDefInput = z.input<typeof VariableDefSchema>;

export const ParseOptionsSchema = z
  .object({
    decimalComma: z.boolean().default(false),
    dateOrder: z.enum(['DMY', 'MDY', 'YMD']).default('DMY'),
  })
  .strict();

/** Where a column goes: an entity field (`patient.code`, `lesion.side`, …), a variable (`var:ki67_pct`) or nowhere. */
export const entityTargets = [
  'center.code',
  'center.name',
  'center.scanner_vendor',
  'center.field_strength_t',
  'patient.code',
  'lesion.code',
  'lesion.side',
  'lesion.clock_position',
  'lesion.quadrant',
  'lesion.is_index',
  'lesion.multifocal_group',
] as const;
export type EntityTarget = (typeof entityTargets)[number];

export const ImportMappingSchema = z
  .object({
    /** Column header → target. Unlisted columns are ignored (and reported). */
    columns: z.record(
      z.string(),
      z.string().regex(/^(ignore|var:[a-z][a-z0-9_]*|center\.\w+|patient\.\w+|lesion\.\w+)$/, 'unknown target'),
    ),
    options: ParseOptionsSchema.default({ decimalComma: false, dateOrder: 'DMY' }),
    sheet: z.string().optional(),
    delimiter: z.enum([',', ';', '\t', '|']).optional(),
    encoding: z.enum(['utf-8', 'latin1']).optional(),
  })
  .strict();
export type ImportMapping = z.output<typeof ImportMappingSchema>;

export const ImportProblemSchema = z.object({
  row: z.number().int().nullable(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
});
export type ImportProblem = z.infer<typeof ImportProblemSchema>;

export const ImportChangeSchema = z.object({
  entity: z.enum(['center', 'patient', 'lesion']),
  key: z.string(),
  field: z.string(),
  old: z.string().nullable(),
  new: z.string().nullable(),
});
export type ImportChange = z.infer<typeof ImportChangeSchema>;

export const ImportPreviewSchema = z.object({
  file: z.string(),
  detected: z.object({ encoding: z.string(), delimiter: z.string().optional(), sheet: z.string().optional() }),
  rows: z.number().int(),
  ok: z.boolean(),
  problems: z.array(ImportProblemSchema),
  problemCount: z.number().int(),
  ignoredColumns: z.array(z.string()),
  creates: z.object({ centers: z.array(z.string()), patients: z.number().int(), lesions: z.number().int() }),
  changes: z.array(ImportChangeSchema),
  changeCount: z.number().int(),
  unchanged: z.number().int(),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

// ---- API procedures -------------------------------------------------------------------------

export const StoredVariableSchema = z.object({
  id: z.number().int(),
  builtin: z.boolean(),
  name: z.string(),
  label: z.string(),
  type: z.enum(variableTypes),
  unit: z.string().nullable(),
  levels: z.array(LevelSchema).nullable(),
  missingCodes: z.array(z.string()),
  role: z.enum(variableRoles),
  scope: z.enum(['patient', 'lesion']),
  min: z.number().nullable(),
  max: z.number().nullable(),
  required: z.boolean(),
  derived: z.string().nullable(),
  group: z.string().nullable(),
  description: z.string().nullable(),
});

const filePath = z.string().trim().min(1, 'Give the path of the file').max(4096);

export const CohortTableSchema = z.object({
  columns: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      kind: z.enum(['entity', 'variable']),
      type: z.enum(variableTypes).nullable(),
      unit: z.string().nullable(),
      group: z.string().nullable(),
      derived: z.boolean(),
      role: z.enum(variableRoles).nullable(),
    }),
  ),
  rows: z.array(z.array(z.string())),
});
export type CohortTableDto = z.infer<typeof CohortTableSchema>;

export const cohortApi = {
  'cohort.dictionary': query(z.object({}).strict(), z.array(StoredVariableSchema), 'The data dictionary of the open study'),
  'cohort.rules': query(
    z.object({}).strict(),
    z.object({ her2: z.array(z.string()), subtype: z.array(z.string()) }),
    'The rules behind the derived variables, as shown to users',
  ),
  'cohort.import.inspect': query(
    z
      .object({
        path: filePath,
        /** The user's choice over what is detected: the header and sample are read with it. */
        delimiter: z.enum([',', ';', '\t', '|']).optional(),
        encoding: z.enum(['utf-8', 'latin1']).optional(),
        sheet: z.string().optional(),
      })
      .strict(),
    z.object({
      header: z.array(z.string()),
      sample: z.array(z.array(z.string())),
      rows: z.number().int(),
      suggested: ImportMappingSchema,
      detected: z.object({ encoding: z.string(), delimiter: z.string().optional(), sheet: z.string().optional() }),
    }),
    'Read a CSV/XLSX file header and propose a column mapping',
  ),
  'cohort.import.preview': query(
    z.object({ path: filePath, mapping: ImportMappingSchema }).strict(),
    ImportPreviewSchema,
    'Validate a file against the dictionary and show what an import would change',
  ),
  'cohort.import.commit': mutation(
    z.object({ path: filePath, mapping: ImportMappingSchema }).strict(),
    z.object({ batchId: z.number().int(), preview: ImportPreviewSchema }),
    'Import a file, all or nothing',
  ),
  'cohort.import.undo': mutation(
    z.object({}).strict(),
    z.object({ batchId: z.number().int(), file: z.string(), reverted: z.number().int() }),
    'Undo the last import',
  ),
  'cohort.table': query(
    z.object({ includeIdentifiers: z.boolean().optional() }).strict(),
    CohortTableSchema,
    'The cohort, one row per lesion',
  ),
  'cohort.export': mutation(
    z.object({ path: filePath, includeIdentifiers: z.boolean().optional() }).strict(),
    z.object({ path: z.string(), rows: z.number().int(), columns: z.number().int() }),
    'Export the cohort to .csv or .xlsx',
  ),
};

export const FlowSchema = z.object({
  steps: z.array(
    z.object({
      label: z.string(),
      remaining: z.number().int(),
      excluded: z
        .object({ code: z.string(), label: z.string(), patients: z.number().int(), lesions: z.number().int() })
        .nullable(),
    }),
  ),
  analysedPatients: z.number().int(),
  analysedLesions: z.number().int(),
});

export const ExclusionSchema = z.object({
  id: z.number().int(),
  patientCode: z.string(),
  lesionCode: z.string().nullable(),
  reasonCode: z.string(),
  reasonLabel: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entity: z.string().nullable(),
  entityId: z.string().nullable(),
  field: z.string().nullable(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  batchId: z.number().int().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const code = z.string().trim().min(1).max(200);

export const cohortEditApi = {
  'cohort.setValue': mutation(
    z
      .object({ patientCode: code, lesionCode: code.optional(), variable: z.string().min(1), value: z.string().max(10_000) })
      .strict(),
    z.object({ shown: z.string() }),
    'Edit one cell of the cohort table (validated, audited)',
  ),
  'cohort.exclusions': query(z.object({}).strict(), z.array(ExclusionSchema), 'Exclusions with their reasons'),
  'cohort.exclude': mutation(
    z
      .object({
        patientCode: code,
        lesionCode: code.optional(),
        reasonCode: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'reason codes are upper case with _, e.g. MRI_ARTIFACT'),
        reasonLabel: z.string().max(200).optional(),
        note: z.string().max(2000).optional(),
      })
      .strict(),
    z.object({ id: z.number().int() }),
    'Exclude a patient or a lesion with a reason code',
  ),
  'cohort.unexclude': mutation(
    z.object({ id: z.number().int().positive() }).strict(),
    z.object({ removed: z.boolean() }),
    'Remove an exclusion',
  ),
  'cohort.flow': query(
    z.object({}).strict(),
    FlowSchema.extend({ svg: z.string() }),
    'CONSORT-style flow of the cohort with its SVG',
  ),
  'cohort.flow.export': mutation(
    z.object({ path: filePath }).strict(),
    z.object({ path: z.string() }),
    'Write the flow diagram as .svg or .png (300 dpi)',
  ),
  'audit.list': query(
    z.object({ limit: z.number().int().min(1).max(10_000).optional(), entity: z.string().optional() }).strict(),
    z.array(AuditEntrySchema),
    'The audit log, newest first',
  ),
  'audit.export': mutation(
    z.object({ path: filePath }).strict(),
    z.object({ path: z.string(), rows: z.number().int() }),
    'Export the audit log as CSV',
  ),
};

export const dictionaryApi = {
  'cohort.variable.save': mutation(
    z.object({ variable: VariableDefSchema }).strict(),
    StoredVariableSchema,
    'Add a variable to the data dictionary, or change one (matched by name)',
  ),
  'cohort.variable.delete': mutation(
    z.object({ name: z.string().min(1) }).strict(),
    z.object({ deleted: z.boolean(), values: z.number().int() }),
    'Delete a variable and its values from the data dictionary',
  ),
  'cohort.mappings': query(
    z.object({}).strict(),
    z.array(z.object({ name: z.string(), mapping: ImportMappingSchema, updatedAt: z.string() })),
    'Saved column mappings',
  ),
  'cohort.mapping.save': mutation(
    z.object({ name: z.string().trim().min(1).max(200), mapping: ImportMappingSchema }).strict(),
    z.object({ name: z.string() }),
    'Save a column mapping for re-use',
  ),
};
