import { z } from 'zod';
import { query } from './procedure.js';

export const HealthSchema = z.object({
  ok: z.literal(true),
  app: z.literal('RadStudy'),
  version: z.string(),
  mode: z.enum(['electron', 'browser', 'test']),
  studyPath: z.string().nullable(),
  compute: z.object({
    running: z.boolean(),
    pid: z.number().int().nullable(),
    workers: z.number().int(),
    restarts: z.number().int(),
  }),
});
export type Health = z.infer<typeof HealthSchema>;

export const systemApi = {
  'system.health': query(z.object({}).strict(), HealthSchema, 'Liveness, version and compute process state'),
};
