import type { WorkerPool } from '../host/pool.js';

/** What a job handler gets from the compute host. */
export interface JobContext {
  jobId: number;
  studyPath: string;
  signal: AbortSignal;
  pool: WorkerPool;
  /** Reports progress (0..1) with a short message; the host forwards it, throttled. */
  progress(fraction: number, message?: string): void;
  /**
   * Hands finished pieces of work to the main process, which stores them at once (so they
   * survive a cancel or crash of this process); only job kinds with a recorder use it.
   */
  record(records: unknown[]): void;
  /** Throws the CANCELLED error if the job was cancelled. */
  throwIfCancelled(): void;
}

export type JobHandler = (params: unknown, ctx: JobContext) => Promise<unknown>;
