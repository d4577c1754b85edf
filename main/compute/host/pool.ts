import os from 'node:os';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { AppError } from '../../api/errors.js';
import type { KernelArgs, KernelName, KernelResult } from './kernels.js';
import { siblingModule } from './module-path.js';

interface Pending {
  id: number;
  kernel: KernelName;
  args: unknown;
  transfer: TransferListItem[];
  resolve(value: unknown): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  task: Pending | null;
}

export interface RunOptions {
  signal?: AbortSignal;
  transfer?: TransferListItem[];
}

export function defaultPoolSize(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * A fixed-size pool of worker threads running named kernels. Cancelling a task terminates the
 * worker running it (a kernel is a tight loop that cannot poll), and a fresh worker takes its
 * place; a worker that dies fails only its own task.
 */
export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private destroyed = false;
  private readonly entry = siblingModule(import.meta.url, 'worker', 'worker');

  constructor(size = defaultPoolSize()) {
    this.size = Math.max(1, Math.floor(size));
  }

  run<K extends KernelName>(kernel: K, args: KernelArgs<K>, opts: RunOptions = {}): Promise<KernelResult<K>> {
    if (this.destroyed) return Promise.reject(new Error('The worker pool has been shut down.'));
    if (opts.signal?.aborted) return Promise.reject(cancelled());
    return new Promise((resolve, reject) => {
      const task: Pending = {
        id: this.nextId++,
        kernel,
        args,
        transfer: opts.transfer ?? [],
        resolve: resolve as (v: unknown) => void,
        reject,
        signal: opts.signal,
      };
      if (opts.signal) {
        task.onAbort = () => this.abort(task);
        opts.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.pump();
    });
  }

  /** Number of live worker threads (they start on demand). */
  get threads(): number {
    return this.slots.length;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error('The worker pool has been shut down.'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, kernel: task.kernel, args: task.args }, task.transfer);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry.evalCode ? new URL(this.entry.file) : this.entry.file, {
      execArgv: this.entry.execArgv,
    });
    const slot: Slot = { worker, task: null };
    worker.on('message', (msg: { id: number; ok: boolean; value?: unknown; message?: string }) => {
      const task = slot.task;
      if (!task || task.id !== msg.id) return;
      slot.task = null;
      this.settle(task);
      if (msg.ok) task.resolve(msg.value);
      else task.reject(new AppError('INTERNAL', `Compute kernel ${task.kernel} failed: ${msg.message}`));
      this.pump();
    });
    const onGone = (reason: string) => {
      const idx = this.slots.indexOf(slot);
      if (idx < 0) return;
      this.slots.splice(idx, 1);
      const task = slot.task;
      slot.task = null;
      if (task) {
        this.settle(task);
        task.reject(new AppError('INTERNAL', `A compute worker stopped while running ${task.kernel} (${reason})`));
      }
      if (!this.destroyed) this.pump();
    };
    worker.on('error', (err) => onGone(err.message));
    worker.on('exit', (code) => onGone(`exit code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private settle(task: Pending): void {
    if (task.signal && task.onAbort) task.signal.removeEventListener('abort', task.onAbort);
  }

  private abort(task: Pending): void {
    const qi = this.queue.indexOf(task);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      task.reject(cancelled());
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    if (!slot) return;
    slot.task = null;
    const idx = this.slots.indexOf(slot);
    if (idx >= 0) this.slots.splice(idx, 1);
    void slot.worker.terminate();
    task.reject(cancelled());
    this.pump();
  }
}

function cancelled(): AppError {
  return new AppError('CANCELLED', 'The job was cancelled.');
}
