import { z } from 'zod';
import { JobSchema } from './jobs.js';
import { StudyInfoSchema } from './study.js';

/** Everything the back end pushes to the renderer (IPC in Electron, SSE in browser mode). */
export const AppEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: JobSchema }),
  z.object({ type: z.literal('study'), study: StudyInfoSchema.nullable() }),
  z.object({
    type: z.literal('compute'),
    state: z.enum(['started', 'exited']),
    pid: z.number().int().nullable(),
    detail: z.string().nullable(),
  }),
]);
export type AppEvent = z.infer<typeof AppEventSchema>;
