import { z } from 'zod';
import { ApiErrorSchema } from '../../api/errors.js';
import { JobKindSchema } from '../../api/jobs.js';

/**
 * The job protocol between the main process (or `radstudy serve`) and the compute process.
 * Parent → child: start, cancel, shutdown. Child → parent: ready, progress, records (partial
 * results stored as they come), result, error,
 * cancelled. Both sides validate what they receive: a message crosses a process boundary.
 */
export const ParentMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    jobId: z.number().int(),
    kind: JobKindSchema,
    params: z.unknown(),
    studyPath: z.string(),
  }),
  z.object({ type: z.literal('cancel'), jobId: z.number().int() }),
  z.object({ type: z.literal('shutdown') }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;

export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int(), workers: z.number().int() }),
  z.object({
    type: z.literal('progress'),
    jobId: z.number().int(),
    fraction: z.number().min(0).max(1),
    message: z.string().nullable(),
  }),
  z.object({ type: z.literal('records'), jobId: z.number().int(), records: z.array(z.unknown()) }),
  z.object({ type: z.literal('result'), jobId: z.number().int(), result: z.unknown() }),
  z.object({ type: z.literal('error'), jobId: z.number().int(), error: ApiErrorSchema }),
  z.object({ type: z.literal('cancelled'), jobId: z.number().int() }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;
