import { z } from 'zod';
import { mutation, query } from './procedure.js';
import { BlindingItemSchema, ReaderCodeSchema } from './readers.js';

/**
 * Reader mode: a session of one reader in which the API itself hides what the study blinds
 * readers to (readers.blinding.*): other readers' masks, outcome variables (role 'outcome') and
 * pathology variables (dictionary group 'Pathology' or 'Receptors'). The session belongs to the
 * running app (one user at its screen) and ends when the study is closed or another is opened.
 */
export const ReaderModeSchema = z.object({
  /** null: no reader mode (coordinator view, nothing hidden). */
  reader: z.string().nullable(),
  hidden: z.array(BlindingItemSchema),
  startedAt: z.string().nullable(),
});
export type ReaderMode = z.infer<typeof ReaderModeSchema>;

export const readerModeApi = {
  'readers.mode.get': query(z.object({}).strict(), ReaderModeSchema, 'The reader-mode session, if one is active'),
  'readers.mode.enter': mutation(
    z.object({ reader: ReaderCodeSchema }).strict(),
    ReaderModeSchema,
    'Start a reader-mode session: the API hides what the blinding settings hide (recorded in the audit log)',
  ),
  'readers.mode.exit': mutation(
    z.object({}).strict(),
    ReaderModeSchema,
    'End the reader-mode session (recorded in the audit log)',
  ),
};
