import { z } from 'zod';
import { mutation, query } from './procedure.js';

/** What an export writes: figures (SVG, or PNG at the dpi given) or tables (XLSX, DOCX with methods), or everything. */
export const ReportExportFormatSchema = z.enum(['svg', 'png', 'xlsx', 'docx', 'all']);
export type ReportExportFormat = z.infer<typeof ReportExportFormatSchema>;

export const ReportExportParamsSchema = z
  .object({
    id: z.number().int().positive(),
    /** Folder to write into (created when missing). */
    dir: z.string().min(1),
    format: ReportExportFormatSchema,
    /** One figure by its catalogue id (e.g. 'roc-external'); default: every figure. */
    chart: z.string().min(1).optional(),
    dpi: z.number().int().min(72).max(1200).default(300),
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
  'report.export': mutation(
    ReportExportParamsSchema,
    ReportExportResultSchema,
    'Write figures (SVG/PNG) or tables (XLSX/DOCX) of a stored analysis into a folder',
  ),
};
