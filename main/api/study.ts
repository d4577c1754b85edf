import { z } from 'zod';
import { mutation, query } from './procedure.js';

export const StudyInfoSchema = z.object({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  readOnly: z.boolean(),
  /** Why the study is read-only, when it is (e.g. open in another RadStudy). */
  readOnlyReason: z.string().nullable(),
  createdAt: z.string(),
  /** Backup written before migrations were applied on this open, if any. */
  migratedFrom: z.number().int().nullable(),
  backupPath: z.string().nullable(),
  interruptedJobs: z.number().int(),
});
export type StudyInfo = z.infer<typeof StudyInfoSchema>;

export const RecentStudySchema = z.object({
  path: z.string(),
  name: z.string(),
  openedAt: z.string(),
  exists: z.boolean(),
});
export type RecentStudy = z.infer<typeof RecentStudySchema>;

export const StudySummarySchema = z.object({
  tables: z.array(z.object({ name: z.string(), label: z.string(), rows: z.number().int() })),
  fileBytes: z.number().int(),
  lastBackup: z.string().nullable(),
});
export type StudySummary = z.infer<typeof StudySummarySchema>;

const pathField = z.string().trim().min(1, 'Give the path of a study file').max(4096, 'Path is too long');

export const studyApi = {
  'study.current': query(z.object({}).strict(), StudyInfoSchema.nullable(), 'The open study, if any'),
  'study.create': mutation(
    z
      .object({
        path: pathField,
        name: z.string().trim().min(1, 'Give the study a name').max(200),
      })
      .strict(),
    StudyInfoSchema,
    'Create a new study file and open it',
  ),
  'study.open': mutation(
    z.object({ path: pathField, readOnly: z.boolean().optional() }).strict(),
    StudyInfoSchema,
    'Open an existing study file (migrating it after a backup if needed)',
  ),
  'study.close': mutation(z.object({}).strict(), z.object({ closed: z.boolean() }), 'Close the open study'),
  'study.recent': query(z.object({}).strict(), z.array(RecentStudySchema), 'Recently opened studies'),
  'study.summary': query(z.object({}).strict(), StudySummarySchema, 'Row counts and file size of the open study'),
};
