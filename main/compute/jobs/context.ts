import type { WorkerPool } from '../host/pool.js';

/** What a job handler gets from the compute host. */
export interface JobContext {
  jobId: number;
  studyPath: string;
  signal: AbortSignal;
  pool: WorkerPool;
  /** Reports progress (0..1) with a short message; the host forwards it, throttled. */
  progress(fraction: number, message?: string): void;
  /** Throws the CANCELLED error if the job was cancelled. */
  throwIfCancelled(): void;
}

export type JobHandler = (params: unknown, ctx: JobContext) => Promise<unknown>;
