import { z } from 'zod';
import { mutation, query } from './procedure.js';

/** What an export writes: figures (SVG, or PNG at the dpi given) or tables (XLSX, DOCX with methods), or everything. */
export const ReportExportFormatSchema = z.enum(['svg', 'png', 'xlsx', 'docx', 'all']);
export type ReportExportFormat = z.infer<typeof ReportExportFormatSchema>;

const SetSchema = z.enum(['train', 'cv', 'test', 'external']);

/** main/report/charts/studyTypes.ts SurvivalRequest. */
export const SurvivalRequestSchema = z
  .object({
    time: z.string().min(1).describe('follow-up time column, e.g. pfs_months'),
    event: z.string().min(1).describe('event column: 1/0, yes/no, true/false or event/censored'),
    group: z.discriminatedUnion('by', [
      z.object({ by: z.literal('radscore'), model: z.string().min(1) }).strict(),
      z.object({ by: z.literal('column'), column: z.string().min(1) }).strict(),
    ]),
    set: z.union([SetSchema, z.literal('all')]),
  })
  .strict();

export const CorrelationRequestSchema = z
  .object({ method: z.enum(['pearson', 'spearman']).default('pearson'), clustered: z.boolean().default(true) })
  .strict();

export const ReportStudyParamsSchema = z
  .object({
    id: z.number().int().positive(),
    survival: SurvivalRequestSchema.optional(),
    correlation: CorrelationRequestSchema.optional(),
  })
  .strict();

export const ReportStudyResultSchema = z.object({
  /** Columns of the analysis table (for the time / event / group pickers); [] when the table is gone. */
  columns: z.array(z.object({ name: z.string(), numeric: z.boolean(), levels: z.array(z.string()).nullable() })),
  /** charts/studyTypes.ts KaplanMeierFigure, CorrelationFigure, StudyFlow, ChecklistItem[]. */
  km: z.record(z.string(), z.unknown()).nullable(),
  correlation: z.record(z.string(), z.unknown()).nullable(),
  flow: z.record(z.string(), z.unknown()),
  flowSvg: z.string(),
  checklist: z.array(z.record(z.string(), z.unknown())),
  warnings: z.array(z.string()),
});

export const ReportExportParamsSchema = z
  .object({
    id: z.number().int().positive(),
    /** Folder to write into (created when missing). */
    dir: z.string().min(1),
    format: ReportExportFormatSchema,
    /** One figure by its catalogue id (e.g. 'roc-external'); default: every figure. */
    chart: z.string().min(1).optional(),
    dpi: z.number().int().min(72).max(1200).default(300),
    /** Also write this Kaplan–Meier figure (with the figures, or in 'all'). */
    survival: SurvivalRequestSchema.optional(),
    correlation: CorrelationRequestSchema.optional(),
  })
  .strict();

export const ReportExportResultSchema = z.object({
  dir: z.string(),
  files: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type ReportExportResult = z.infer<typeof ReportExportResultSchema>;

export const reportApi = {
  'report.figures': query(
    z.object({ id: z.number().int().positive() }).strict(),
    // main/report/charts/types.ts FigureData: the numbers every chart of the analysis draws.
    z.record(z.string(), z.unknown()),
    'The figure data of a stored analysis (ROC, DeLong, calibration, decision curves, scores, coefficients, LASSO)',
  ),
  'report.study': query(
    ReportStudyParamsSchema,
    ReportStudyResultSchema,
    'Study figures of a stored analysis: Kaplan–Meier by group, feature correlations, flow diagram, TRIPOD/CLEAR checklist',
  ),
  'report.export': mutation(
    ReportExportParamsSchema,
    ReportExportResultSchema,
    'Write figures (SVG/PNG) or tables (XLSX/DOCX) of a stored analysis into a folder',
  ),
};
