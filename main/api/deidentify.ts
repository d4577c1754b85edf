import { z } from 'zod';

/** Parameters of the `images.deidentify` job: series exported as de-identified DICOM (PS3.15 E.1-1). */
export const ImagesDeidentifyParamsSchema = z
  .object({
    /** Series to export (any component of a stacked DICOM series exports the whole series); default: every linked series. */
    seriesIds: z.array(z.number().int().positive()).min(1).optional(),
    /** Output folder; it must not exist or be empty. */
    outDir: z.string().min(1),
    /** Shift dates by a per-patient offset and keep times (option 113107) instead of removing them. */
    shiftDates: z.boolean().default(false),
    /** Keep PatientSex, age, size and weight (Retain Patient Characteristics, 113108). */
    keepPatientCharacteristics: z.boolean().default(false),
  })
  .strict();
export type ImagesDeidentifyParams = z.infer<typeof ImagesDeidentifyParamsSchema>;

export const ImagesDeidentifyResultSchema = z.object({
  outDir: z.string(),
  manifestPath: z.string(),
  exported: z.array(
    z.object({
      seriesIds: z.array(z.number().int()),
      patientCode: z.string(),
      /** HMAC-SHA-256 of the original SeriesInstanceUID under the study's secret (hex), never the UID. */
      originalSeriesUidHash: z.string(),
      seriesInstanceUid: z.string(),
      folder: z.string(),
      files: z.number().int(),
    }),
  ),
  /** Series left out, with the reason (not linked to a patient, changed source files, …). */
  skipped: z.array(z.object({ name: z.string(), message: z.string() })),
  filesWritten: z.number().int(),
  dateShift: z.boolean(),
});
export type ImagesDeidentifyResult = z.infer<typeof ImagesDeidentifyResultSchema>;

/** study_meta key of the per-study secret the pseudonymous UIDs and date offsets derive from. */
export const DEID_SECRET_META_KEY = 'deid.secret';
