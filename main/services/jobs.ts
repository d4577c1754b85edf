import type { ChildMessage } from '../compute/host/protocol.js';
import { AppError, type ApiError } from '../api/errors.js';
import { jobKinds, type Job, type JobKind } from '../api/jobs.js';
import { JobRepository } from '../../db/repositories/jobs.js';
import { appendAudit } from '../../db/repositories/audit.js';
import { writeMeta } from '../../db/repositories/meta.js';
import type { ImagesAdcResult, ImagesImportResult, ImagesSubtractionResult, ImagesTicResult } from '../api/images.js';
import { recordImport } from './images/repository.js';
import { recordAdc, recordSubtraction, recordTic } from './images/derived.js';
import { recordAnalysis } from './analysis/service.js';
import { recordSegmentation } from './segmentation/repository.js';
import { recordFeatureRows } from './extraction/repository.js';
import type { SegmentationImportResult } from '../api/segmentation.js';
import type { AnalysisResult } from '../compute/ml/analysis.js';
import type { AnalysisRunParams } from '../api/analysis.js';
import { ComputeClient, type ComputeLauncher, type ComputeState } from './compute.js';
import type { EventBus } from './events.js';
import type { StudyService } from './study.js';

const PERSIST_INTERVAL_MS = 250;
/** A cancel not confirmed by the compute process within this time kills the process. */
const CANCEL_DEADLINE_MS = 1000;

interface Active {
  jobId: number;
  kind: JobKind;
  params: unknown;
  startedAt: number;
  lastPersist: number;
  cancelTimer: NodeJS.Timeout | null;
  /** Set when partial results sent by the job could not be stored; the job then fails with it. */
  recordError?: string;
}

/**
 * Jobs of the open study: persisted in its `job` table, run one at a time in the compute
 * process, with progress and ETA pushed to the UI. A crash of the compute process fails the
 * running job with a clear message; the next job starts a fresh process.
 */
export class JobService {
  private readonly compute: ComputeClient;
  private active: Active | null = null;

  constructor(
    private readonly study: StudyService,
    private readonly events: EventBus,
    launcher: ComputeLauncher,
  ) {
    this.compute = new ComputeClient(launcher, {
      onMessage: (msg) => this.onChildMessage(msg),
      onExit: (code, signal) => this.onComputeExit(code, signal),
    });
  }

  computeState(): ComputeState {
    return this.compute.state();
  }

  private repo(): JobRepository {
    return new JobRepository(this.study.requireHandle().db);
  }

  private writableRepo(): JobRepository {
    const h = this.study.requireHandle();
    if (h.readOnly) {
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); jobs need write access to record their progress.`,
      );
    }
    return new JobRepository(h.db);
  }

  private publish(id: number): Job {
    const job = this.repo().get(id);
    if (!job) throw new AppError('JOB_NOT_FOUND', `There is no job #${id} in this study.`);
    this.events.emit({ type: 'job', job });
    return job;
  }

  list(limit?: number): Job[] {
    return this.repo().list(limit);
  }

  get(id: number): Job {
    const job = this.repo().get(id);
    if (!job) throw new AppError('JOB_NOT_FOUND', `There is no job #${id} in this study.`);
    return job;
  }

  start(kind: JobKind, params: unknown): Job {
    const parsed = jobKinds[kind].params.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'VALIDATION',
        `Invalid parameters for "${jobKinds[kind].label}"${issue ? ` at ${issue.path.join('.') || '(params)'}: ${issue.message}` : ''}.`,
        { issues: parsed.error.issues },
      );
    }
    const repo = this.writableRepo();
    const job = repo.create(kind, parsed.data);
    this.publish(job.id);
    this.dispatch();
    return this.get(job.id);
  }

  cancel(id: number): Job {
    const repo = this.writableRepo();
    const job = this.get(id);
    if (job.status === 'queued') {
      repo.cancel(id);
      return this.publish(id);
    }
    if (job.status !== 'running') {
      throw new AppError('JOB_STATE', `Job #${id} is ${job.status}; only queued or running jobs can be cancelled.`);
    }
    const active = this.active;
    if (active && active.jobId === id && !active.cancelTimer) {
      this.compute.send({ type: 'cancel', jobId: id });
      active.cancelTimer = setTimeout(() => {
        // The compute process did not stop in time: stop it, and the job with it.
        if (this.active?.jobId === id) this.compute.kill();
      }, CANCEL_DEADLINE_MS);
    }
    return job;
  }

  resume(id: number): Job {
    const repo = this.writableRepo();
    const job = this.get(id);
    if (!['interrupted', 'failed', 'cancelled'].includes(job.status)) {
      throw new AppError('JOB_STATE', `Job #${id} is ${job.status}; only interrupted, failed or cancelled jobs can run again.`);
    }
    repo.requeue(id);
    this.publish(id);
    this.dispatch();
    return this.get(id);
  }

  /** Called when a study has been opened: unfinished jobs from a previous run are offered for resume. */
  onStudyOpened(): number {
    const h = this.study.handle();
    if (!h || h.readOnly) return 0;
    return new JobRepository(h.db).markInterrupted();
  }

  /** Called before the study closes: a running job is cancelled, queued ones wait for next open. */
  async onStudyClosing(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.compute.send({ type: 'cancel', jobId: active.jobId });
    await new Promise<void>((resolve) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (this.active === null || Date.now() - t0 > CANCEL_DEADLINE_MS) {
          clearInterval(poll);
          if (this.active) {
            this.compute.kill();
            this.active = null;
          }
          resolve();
        }
      }, 20);
    });
  }

  async shutdown(): Promise<void> {
    await this.onStudyClosing();
    await this.compute.stop();
  }

  private dispatch(): void {
    if (this.active) return;
    const h = this.study.handle();
    if (!h || h.readOnly) return;
    const repo = new JobRepository(h.db);
    const next = h.db.prepare("SELECT id FROM job WHERE status = 'queued' ORDER BY id LIMIT 1").get() as
      { id: number } | undefined;
    if (!next) return;
    const job = repo.get(next.id)!;
    repo.markRunning(job.id);
    this.active = { jobId: job.id, kind: job.kind, params: job.params, startedAt: Date.now(), lastPersist: 0, cancelTimer: null };
    this.publish(job.id);
    this.compute.send({ type: 'start', jobId: job.id, kind: job.kind, params: job.params, studyPath: h.path });
  }

  private finish(apply: (repo: JobRepository, active: Active) => void): void {
    const active = this.active;
    if (!active) return;
    if (active.cancelTimer) clearTimeout(active.cancelTimer);
    this.active = null;
    const h = this.study.handle();
    if (h && !h.readOnly) {
      apply(new JobRepository(h.db), active);
      this.publish(active.jobId);
    }
    this.dispatch();
  }

  private onChildMessage(msg: ChildMessage): void {
    if (msg.type === 'ready') {
      this.events.emit({ type: 'compute', state: 'started', pid: msg.pid, detail: `${msg.workers} worker threads` });
      return;
    }
    const active = this.active;
    if (!active || active.jobId !== msg.jobId) return;
    switch (msg.type) {
      case 'progress': {
        const now = Date.now();
        if (now - active.lastPersist < PERSIST_INTERVAL_MS && msg.fraction < 1) return;
        active.lastPersist = now;
        const elapsed = (now - active.startedAt) / 1000;
        const eta = msg.fraction > 0.01 ? (elapsed * (1 - msg.fraction)) / msg.fraction : null;
        const h = this.study.handle();
        if (!h) return;
        new JobRepository(h.db).progress(active.jobId, msg.fraction, msg.message, eta);
        this.publish(active.jobId);
        return;
      }
      case 'records': {
        // Partial results (e.g. extraction cases) are stored as they come, so a stop keeps them.
        const h = this.study.handle();
        if (!h || h.readOnly) return;
        try {
          if (active.kind === 'extraction.run')
            recordFeatureRows(h.db, (active.params as { extractionId: number }).extractionId, msg.records);
        } catch (e) {
          // Storing failed: stop the job and fail it with the reason (what was stored stays).
          active.recordError = `Results of the job could not be stored (${e instanceof Error ? e.message : String(e)}); what was stored before is kept.`;
          this.compute.send({ type: 'cancel', jobId: active.jobId });
        }
        return;
      }
      case 'result':
        this.finish((repo, a) => {
          if (a.recordError) {
            repo.fail(a.jobId, { code: 'INTERNAL', message: a.recordError });
            return;
          }
          const checked = jobKinds[a.kind].result.safeParse(msg.result);
          if (!checked.success) {
            repo.fail(a.jobId, {
              code: 'INTERNAL',
              message: 'The compute process returned an invalid result; nothing was stored.',
            });
            return;
          }
          const db = this.study.requireHandle().db;
          try {
            db.transaction(() => {
              repo.succeed(a.jobId, checked.data);
              this.afterSuccess(a.kind, checked.data, a.jobId, a.params);
            })();
          } catch (e) {
            // Recording the result failed (e.g. a conflicting row written meanwhile): the
            // transaction rolled back, so the study is unchanged; say why.
            repo.fail(a.jobId, {
              code: e instanceof AppError ? e.code : 'INTERNAL',
              message: e instanceof Error ? e.message : String(e),
            });
          }
        });
        return;
      case 'error':
        this.finish((repo, a) => repo.fail(a.jobId, msg.error));
        return;
      case 'cancelled':
        this.finish((repo, a) =>
          a.recordError ? repo.fail(a.jobId, { code: 'INTERNAL', message: a.recordError }) : repo.cancel(a.jobId),
        );
        return;
    }
  }

  /** What a finished job records in the study beyond its own row (it may compact that row's result). */
  private afterSuccess(kind: JobKind, result: unknown, jobId: number, params: unknown): void {
    const db = this.study.requireHandle().db;
    if (kind === 'images.import') recordImport(db, result as ImagesImportResult, jobId);
    if (kind === 'images.adc') recordAdc(db, result as ImagesAdcResult, jobId);
    if (kind === 'images.subtraction') recordSubtraction(db, result as ImagesSubtractionResult, jobId);
    if (kind === 'images.tic') recordTic(db, result as ImagesTicResult, jobId);
    if (kind === 'segmentation.import') recordSegmentation(db, result as SegmentationImportResult, jobId);
    if (kind === 'analysis.run') recordAnalysis(db, result as unknown as AnalysisResult, params as AnalysisRunParams, jobId);
    if (kind === 'study.check') {
      const r = result as { backupPath: string; sha256: string };
      writeMeta(db, 'last_backup', JSON.stringify({ at: new Date().toISOString(), path: r.backupPath, sha256: r.sha256 }));
      appendAudit(db, { actor: 'system', action: 'study.backup', entity: 'job', entityId: jobId, after: r });
    }
  }

  private onComputeExit(code: number | null, signal: string | null): void {
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    this.events.emit({ type: 'compute', state: 'exited', pid: null, detail: how });
    const active = this.active;
    if (!active) return;
    const cancelled = active.cancelTimer !== null;
    const error: ApiError = {
      code: 'COMPUTE_CRASHED',
      message: `The compute process stopped unexpectedly (${how}) while running "${jobKinds[active.kind].label}". Nothing in the study was changed; run the job again.`,
      details: { code, signal },
    };
    this.finish((repo, a) => (cancelled ? repo.cancel(a.jobId) : repo.fail(a.jobId, error)));
  }
}
