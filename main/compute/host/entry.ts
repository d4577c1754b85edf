/**
 * The compute process: started by the main process as an Electron utilityProcess, or by
 * `radstudy serve` (and tests) with child_process.fork. It runs jobs one message at a time
 * and hands heavy kernels to a worker_threads pool.
 */
import { setMaxListeners } from 'node:events';
import { AppError, toApiError } from '../../api/errors.js';
import { jobHandlers } from '../jobs/registry.js';
import { ChildMessageSchema, ParentMessageSchema, type ChildMessage, type ParentMessage } from './protocol.js';
import { WorkerPool } from './pool.js';

interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const electronPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

function send(msg: ChildMessage): void {
  ChildMessageSchema.parse(msg);
  if (electronPort) electronPort.postMessage(msg);
  else if (process.send) process.send(msg);
}

function onMessage(listener: (raw: unknown) => void): void {
  if (electronPort) electronPort.on('message', (e) => listener(e.data));
  else process.on('message', listener);
}

const PROGRESS_INTERVAL_MS = 100;
const pool = new WorkerPool(Number(process.env.RADSTUDY_WORKERS) || undefined);
const running = new Map<number, AbortController>();

async function runJob(msg: Extract<ParentMessage, { type: 'start' }>): Promise<void> {
  const controller = new AbortController();
  // One job may hand many pool tasks the same signal (e.g. one per 8 MiB block).
  setMaxListeners(0, controller.signal);
  running.set(msg.jobId, controller);
  let lastSent = 0;
  try {
    const handler = jobHandlers[msg.kind];
    const result = await handler(msg.params, {
      jobId: msg.jobId,
      studyPath: msg.studyPath,
      signal: controller.signal,
      pool,
      progress(fraction, message) {
        const now = Date.now();
        if (now - lastSent < PROGRESS_INTERVAL_MS && fraction < 1) return;
        lastSent = now;
        send({ type: 'progress', jobId: msg.jobId, fraction: Math.min(1, Math.max(0, fraction)), message: message ?? null });
      },
      record(records) {
        send({ type: 'records', jobId: msg.jobId, records });
      },
      throwIfCancelled() {
        if (controller.signal.aborted) throw new AppError('CANCELLED', 'The job was cancelled.');
      },
    });
    if (controller.signal.aborted) send({ type: 'cancelled', jobId: msg.jobId });
    else send({ type: 'result', jobId: msg.jobId, result });
  } catch (err) {
    const apiError = toApiError(err);
    if (controller.signal.aborted || apiError.code === 'CANCELLED') send({ type: 'cancelled', jobId: msg.jobId });
    else send({ type: 'error', jobId: msg.jobId, error: apiError });
  } finally {
    running.delete(msg.jobId);
  }
}

onMessage((raw) => {
  const parsed = ParentMessageSchema.safeParse(raw);
  if (!parsed.success) return; // not ours: ignore rather than crash the compute process
  const msg = parsed.data;
  switch (msg.type) {
    case 'start':
      void runJob(msg);
      break;
    case 'cancel':
      running.get(msg.jobId)?.abort();
      break;
    case 'shutdown':
      for (const c of running.values()) c.abort();
      void pool.destroy().finally(() => process.exit(0));
      break;
  }
});

// If the parent goes away (crash, kill -9), do not linger as an orphan.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', pid: process.pid, workers: pool.size });
