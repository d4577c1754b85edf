import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Job, JobKind, JobStatus, StudyCheckParams } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

const terminal: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);
const resumable: ReadonlySet<JobStatus> = new Set(['interrupted', 'failed', 'cancelled']);
const LIST_LIMIT = 200;
/** Safety net while jobs are active, in case a pushed event was missed (e.g. SSE reconnect). */
const POLL_MS = 3000;

export function isActive(job: Job): boolean {
  return job.status === 'queued' || job.status === 'running';
}

export function canCancel(job: Job): boolean {
  return isActive(job);
}

export function canResume(job: Job): boolean {
  return resumable.has(job.status);
}

/**
 * Whether `incoming` is at least as new as `known`. Events and list answers can cross, so an
 * older snapshot must not undo a newer one: a job only moves forward within one attempt.
 */
function isNewer(incoming: Job, known: Job): boolean {
  if (incoming.attempt !== known.attempt) return incoming.attempt > known.attempt;
  if (terminal.has(known.status)) return terminal.has(incoming.status);
  if (known.status === 'running' && incoming.status === 'queued') return false;
  if (known.status === incoming.status) return incoming.progress >= known.progress;
  return true;
}

/** Jobs of the open study, kept live from pushed `job` events. */
export const useJobsStore = defineStore('jobs', () => {
  const ui = useUiStore();
  const study = useStudyStore();

  const jobs = ref<Job[]>([]);
  const loading = ref(false);
  /** Job ids with a cancel/resume request in flight, so their buttons can be disabled. */
  const pending = ref<Set<number>>(new Set());
  const starting = ref<JobKind | null>(null);

  const active = computed(() => jobs.value.filter(isActive));
  const running = computed(() => jobs.value.filter((j) => j.status === 'running'));
  const interrupted = computed(() => jobs.value.filter((j) => j.status === 'interrupted'));
  /** Mean progress of active jobs (0..1), for the compact indicator. */
  const activeProgress = computed(() => {
    const list = active.value;
    if (list.length === 0) return 0;
    return list.reduce((sum, j) => sum + j.progress, 0) / list.length;
  });

  function upsert(job: Job, announce = true): void {
    const index = jobs.value.findIndex((j) => j.id === job.id);
    if (index === -1) {
      jobs.value = [job, ...jobs.value].sort((a, b) => b.id - a.id);
      return;
    }
    const known = jobs.value[index];
    if (!known || !isNewer(job, known)) return;
    jobs.value.splice(index, 1, job);
    if (announce && !terminal.has(known.status) && terminal.has(job.status)) announceEnd(job);
  }

  function announceEnd(job: Job): void {
    if (job.status === 'succeeded') {
      ui.notify(`${job.label}: finished.`, 'success');
      void study.refreshSummary();
    } else if (job.status === 'failed') {
      ui.notify(`${job.label}: failed. ${job.error?.message ?? ''}`.trim(), 'warning');
    } else if (job.status === 'cancelled') {
      ui.notify(`${job.label}: cancelled.`, 'info');
    }
  }

  async function load(): Promise<void> {
    if (!study.current) {
      jobs.value = [];
      return;
    }
    loading.value = true;
    try {
      const list = await ui.attempt('Could not list the jobs', () => call('jobs.list', { limit: LIST_LIMIT }));
      if (list) {
        const fresh = new Map(list.map((j) => [j.id, j]));
        // Keep a known job when the answer is older than an event already received.
        jobs.value = list
          .map((j) => {
            const known = jobs.value.find((k) => k.id === j.id);
            return known && !isNewer(j, known) ? known : j;
          })
          .concat(jobs.value.filter((k) => !fresh.has(k.id) && isActive(k)))
          .sort((a, b) => b.id - a.id);
      }
    } finally {
      loading.value = false;
    }
  }

  async function start(kind: JobKind, params: Record<string, unknown> = {}): Promise<Job | undefined> {
    if (starting.value) return undefined;
    starting.value = kind;
    try {
      const job = await ui.attempt('Could not start the job', () => call('jobs.start', { kind, params }));
      if (job) upsert(job, false);
      return job;
    } finally {
      starting.value = null;
    }
  }

  function startCheck(params: StudyCheckParams = {}): Promise<Job | undefined> {
    return start('study.check', params);
  }

  async function withPending(id: number, title: string, work: () => Promise<Job>): Promise<void> {
    if (pending.value.has(id)) return;
    pending.value = new Set(pending.value).add(id);
    try {
      const job = await ui.attempt(title, work);
      if (job) upsert(job);
    } finally {
      const next = new Set(pending.value);
      next.delete(id);
      pending.value = next;
    }
  }

  function cancel(id: number): Promise<void> {
    return withPending(id, `Could not cancel job ${id}`, () => call('jobs.cancel', { id }));
  }

  function resume(id: number): Promise<void> {
    return withPending(id, `Could not run job ${id} again`, () => call('jobs.resume', { id }));
  }

  async function resumeAllInterrupted(): Promise<void> {
    for (const job of interrupted.value) await resume(job.id);
  }

  // Reload whenever another study is opened (or the study is closed).
  watch(
    () => study.current?.path ?? null,
    () => {
      jobs.value = [];
      void load();
    },
  );

  let pollTimer: number | null = null;
  watch(
    () => active.value.length > 0,
    (hasActive) => {
      if (hasActive && pollTimer === null) {
        pollTimer = window.setInterval(() => void poll(), POLL_MS);
      } else if (!hasActive && pollTimer !== null) {
        window.clearInterval(pollTimer);
        pollTimer = null;
      }
    },
  );

  async function poll(): Promise<void> {
    if (!study.current) return;
    try {
      const list = await call('jobs.list', { limit: LIST_LIMIT });
      for (const job of list) upsert(job);
    } catch {
      // Silent: a real failure shows up on the next user action, not as a flood of alerts.
    }
  }

  return {
    jobs,
    loading,
    pending,
    starting,
    active,
    running,
    interrupted,
    activeProgress,
    upsert,
    load,
    start,
    startCheck,
    cancel,
    resume,
    resumeAllInterrupted,
  };
});
