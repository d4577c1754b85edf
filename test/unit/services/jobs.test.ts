import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent, Job, StudyCheckResult } from '../../../main/api/contract.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { createStudy } from '../../../db/study-file.js';
import { padStudy } from '../../helpers/study.js';
import { tmpDir, waitFor } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let events: AppEvent[];

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

const jobEvents = (id: number) =>
  events.filter((e): e is Extract<AppEvent, { type: 'job' }> => e.type === 'job' && e.job.id === id).map((e) => e.job);

async function waitForStatus(id: number, statuses: Job['status'][], timeoutMs = 30_000): Promise<Job> {
  let job: Job | null = null;
  const ok = await waitFor(async () => {
    job = await call<Job>('jobs.get', { id });
    return statuses.includes(job.status);
  }, timeoutMs);
  if (!ok) throw new Error(`job ${id} stayed ${job!.status}`);
  return job!;
}

beforeEach(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  events = [];
  services.events.subscribe((e) => events.push(e));
});
afterEach(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('study.check job (integrity + online backup in the compute process)', () => {
  it('writes a verified backup whose checksums match the copy, and records it', async () => {
    const file = path.join(t.dir, 'study.radstudy');
    await call('study.create', { path: file, name: 'Backup test' });
    const started = await call<Job>('jobs.start', { kind: 'study.check', params: {} });
    const done = await waitForStatus(started.id, ['succeeded', 'failed']);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const r = done.result as StudyCheckResult;
    expect(existsSync(r.backupPath)).toBe(true);
    // Reference: node:crypto SHA-256 of the backup file as written on disk.
    const bytes = readFileSync(r.backupPath);
    expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(r.backupBytes).toBe(bytes.length);
    const copy = new Database(r.backupPath, { readonly: true });
    expect(copy.prepare("SELECT value FROM study_meta WHERE key = 'name'").pluck().get()).toBe('Backup test');
    copy.close();
    expect(JSON.parse(readFileSync(`${r.backupPath}.sha256.json`, 'utf8')).sha256).toBe(r.sha256);
    const summary = await call<{ lastBackup: string | null }>('study.summary');
    expect(summary.lastBackup).not.toBeNull();
    // queued → running → … → succeeded, all pushed as events
    const statuses = jobEvents(started.id).map((j) => j.status);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('succeeded');
  });

  it('streams progress with an ETA, and cancel stops it within 1 s leaving no partial file', async () => {
    const file = path.join(t.dir, 'big.radstudy');
    createStudy(file, 'big').close();
    padStudy(file, 12);
    await call('study.open', { path: file });
    const job = await call<Job>('jobs.start', { kind: 'study.check', params: { maxMBps: 4 } });
    expect(await waitFor(() => jobEvents(job.id).some((j) => j.progress > 0.1 && j.etaSeconds !== null), 15_000)).toBe(true);
    const progress = jobEvents(job.id).map((j) => j.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const eta = jobEvents(job.id).find((j) => j.etaSeconds !== null)!.etaSeconds!;
    expect(eta).toBeGreaterThan(0);
    const t0 = Date.now();
    await call('jobs.cancel', { id: job.id });
    // Requirement of issue 3: a cancel takes effect within 1 s.
    expect(await waitFor(() => jobEvents(job.id).at(-1)?.status === 'cancelled', 1000, 10)).toBe(true);
    expect(Date.now() - t0).toBeLessThanOrEqual(1000);
    const backups = path.join(t.dir, 'backups');
    expect(existsSync(backups) ? readdirSync(backups).filter((f) => f.endsWith('.partial')) : []).toEqual([]);
    // the app keeps working: the same job can run again, to the end
    await call('jobs.resume', { id: job.id });
    const again = await waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect(again.status).toBe('succeeded');
    expect(again.attempt).toBe(2);
  });

  it('a killed compute process fails its job clearly and the next job runs in a new process', async () => {
    const file = path.join(t.dir, 'crash.radstudy');
    createStudy(file, 'crash').close();
    padStudy(file, 8);
    await call('study.open', { path: file });
    const job = await call<Job>('jobs.start', { kind: 'study.check', params: { maxMBps: 2 } });
    expect(await waitFor(() => jobEvents(job.id).some((j) => j.progress > 0.1), 15_000)).toBe(true);
    const pid = services.jobs.computeState().pid!;
    process.kill(pid, 'SIGKILL');
    const failed = await waitForStatus(job.id, ['failed'], 10_000);
    expect(failed.error?.code).toBe('COMPUTE_CRASHED');
    expect(failed.error?.message).toMatch(
      /compute process stopped unexpectedly \(signal SIGKILL\).*Nothing in the study was changed/,
    );
    const next = await call<Job>('jobs.start', { kind: 'study.check', params: {} });
    const ok = await waitForStatus(next.id, ['succeeded', 'failed']);
    expect(ok.status).toBe('succeeded');
    expect(services.jobs.computeState().pid).not.toBe(pid);
    expect(services.jobs.computeState().restarts).toBe(1);
  });

  it('jobs left unfinished by a previous run are marked interrupted and can be resumed', async () => {
    const file = path.join(t.dir, 'resume.radstudy');
    const h = createStudy(file, 'resume');
    h.db
      .prepare(
        "INSERT INTO job(kind, status, params, progress, created_at, started_at) VALUES ('study.check', 'running', '{}', 0.4, ?, ?)",
      )
      .run(new Date().toISOString(), new Date().toISOString());
    h.close();
    const info = await call<{ interruptedJobs: number }>('study.open', { path: file });
    expect(info.interruptedJobs).toBe(1);
    const [job] = await call<Job[]>('jobs.list', {});
    expect(job!.status).toBe('interrupted');
    await call('jobs.resume', { id: job!.id });
    expect((await waitForStatus(job!.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  });

  it('refuses bad parameters, unknown jobs, wrong states and read-only studies with clear errors', async () => {
    const file = path.join(t.dir, 'bad.radstudy');
    await call('study.create', { path: file, name: 'bad' });
    const bad = await services.router.call('jobs.start', { kind: 'study.check', params: { maxMBps: -1 } });
    expect(!bad.ok && bad.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('maxMBps') });
    const unknownKind = await services.router.call('jobs.start', { kind: 'rm -rf', params: {} });
    expect(!unknownKind.ok && unknownKind.error.code).toBe('VALIDATION');
    const missing = await services.router.call('jobs.cancel', { id: 999 });
    expect(!missing.ok && missing.error.code).toBe('JOB_NOT_FOUND');
    const done = await call<Job>('jobs.start', { kind: 'study.check', params: {} });
    await waitForStatus(done.id, ['succeeded']);
    const cancelDone = await services.router.call('jobs.cancel', { id: done.id });
    expect(!cancelDone.ok && cancelDone.error.code).toBe('JOB_STATE');
    await call('study.close');
    const noStudy = await services.router.call('jobs.list', {});
    expect(!noStudy.ok && noStudy.error.code).toBe('NO_STUDY_OPEN');
    await call('study.open', { path: file, readOnly: true });
    const ro = await services.router.call('jobs.start', { kind: 'study.check', params: {} });
    expect(!ro.ok && ro.error.code).toBe('STUDY_READ_ONLY');
  });
});

describe('recent studies', () => {
  it('remembers opened studies, newest first, and marks missing ones', async () => {
    await call('study.create', { path: path.join(t.dir, 'one.radstudy'), name: 'One' });
    await call('study.create', { path: path.join(t.dir, 'two.radstudy'), name: 'Two' });
    const recent = await call<{ name: string; exists: boolean }[]>('study.recent');
    expect(recent.map((r) => r.name)).toEqual(['Two', 'One']);
    expect(recent.every((r) => r.exists)).toBe(true);
  });
});
