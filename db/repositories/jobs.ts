import type Database from 'better-sqlite3';
import type { ApiError, Job, JobKind, JobStatus } from '../../main/api/contract.js';
import { jobKinds } from '../../main/api/jobs.js';

interface JobRow {
  id: number;
  kind: string;
  status: JobStatus;
  params: string;
  progress: number;
  message: string | null;
  eta_seconds: number | null;
  result: string | null;
  error: string | null;
  attempt: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

function toJob(row: JobRow): Job {
  const kind = row.kind as JobKind;
  return {
    id: row.id,
    kind,
    label: jobKinds[kind]?.label ?? row.kind,
    status: row.status,
    params: JSON.parse(row.params) as unknown,
    progress: row.progress,
    message: row.message,
    etaSeconds: row.eta_seconds,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.error === null ? null : (JSON.parse(row.error) as ApiError),
    attempt: row.attempt,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

const now = () => new Date().toISOString();

/** Typed access to the `job` table. Every method is one statement, so each is atomic. */
export class JobRepository {
  constructor(private readonly db: Database.Database) {}

  get(id: number): Job | null {
    const row = this.db.prepare('SELECT * FROM job WHERE id = ?').get(id) as JobRow | undefined;
    return row ? toJob(row) : null;
  }

  list(limit = 200): Job[] {
    return (this.db.prepare('SELECT * FROM job ORDER BY id DESC LIMIT ?').all(limit) as JobRow[]).map(toJob);
  }

  create(kind: JobKind, params: unknown): Job {
    const info = this.db
      .prepare("INSERT INTO job(kind, status, params, created_at) VALUES (?, 'queued', ?, ?)")
      .run(kind, JSON.stringify(params ?? {}), now());
    return this.get(Number(info.lastInsertRowid))!;
  }

  markRunning(id: number): void {
    this.db
      .prepare("UPDATE job SET status = 'running', started_at = ?, progress = 0, message = NULL, eta_seconds = NULL WHERE id = ?")
      .run(now(), id);
  }

  progress(id: number, fraction: number, message: string | null, etaSeconds: number | null): void {
    this.db
      .prepare("UPDATE job SET progress = ?, message = ?, eta_seconds = ? WHERE id = ? AND status = 'running'")
      .run(Math.min(1, Math.max(0, fraction)), message, etaSeconds, id);
  }

  succeed(id: number, result: unknown): void {
    this.db
      .prepare(
        "UPDATE job SET status = 'succeeded', progress = 1, eta_seconds = 0, result = ?, error = NULL, finished_at = ? WHERE id = ?",
      )
      .run(JSON.stringify(result ?? null), now(), id);
  }

  fail(id: number, error: ApiError): void {
    this.db
      .prepare("UPDATE job SET status = 'failed', eta_seconds = NULL, error = ?, finished_at = ? WHERE id = ?")
      .run(JSON.stringify(error), now(), id);
  }

  cancel(id: number): void {
    this.db.prepare("UPDATE job SET status = 'cancelled', eta_seconds = NULL, finished_at = ? WHERE id = ?").run(now(), id);
  }

  /** Puts a finished or interrupted job back in the queue for another attempt. */
  requeue(id: number): void {
    this.db
      .prepare(
        "UPDATE job SET status = 'queued', attempt = attempt + 1, progress = 0, message = NULL, eta_seconds = NULL, result = NULL, error = NULL, started_at = NULL, finished_at = NULL WHERE id = ?",
      )
      .run(id);
  }

  /** At open: jobs that were queued or running when RadStudy stopped are marked interrupted. */
  markInterrupted(): number {
    return this.db
      .prepare(
        "UPDATE job SET status = 'interrupted', eta_seconds = NULL, message = 'Interrupted: RadStudy stopped while this job was unfinished.' WHERE status IN ('queued', 'running')",
      )
      .run().changes;
  }

  countByStatus(status: JobStatus): number {
    return (this.db.prepare('SELECT count(*) AS n FROM job WHERE status = ?').get(status) as { n: number }).n;
  }
}
