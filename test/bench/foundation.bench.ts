import { copyFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createStudy, openStudy } from '../../db/study-file.js';
import { WorkerPool } from '../../main/compute/host/pool.js';
import type { Job } from '../../main/api/contract.js';
import { startHttpBridge } from '../../main/server/http.js';
import { createServices } from '../../main/services/index.js';
import { padStudy } from '../helpers/study.js';
import { tmpDir, waitFor } from '../helpers/tmp.js';
import { medianMs, time, type Benchmark } from './harness.js';

const STUDY_MB = 200;

export const foundationBenchmarks: Benchmark[] = [
  {
    name: 'study-open',
    description: `open (lock + integrity_check) of a ${STUDY_MB} MB study; integrity MB/s`,
    async run() {
      const t = tmpDir();
      try {
        const file = path.join(t.dir, 'open.radstudy');
        createStudy(file, 'bench').close();
        padStudy(file, STUDY_MB);
        const ms = await medianMs(3, () => openStudy(file).close());
        return { studyMB: statSync(file).size / 2 ** 20, openMs: ms, integrityMBps: statSync(file).size / 2 ** 20 / (ms / 1000) };
      } finally {
        t.cleanup();
      }
    },
  },
  {
    name: 'backup-job',
    description:
      'study.check job (integrity, online backup, verify, checksums) vs a plain file copy: ratio = job time / copy time',
    async run() {
      const t = tmpDir();
      const services = createServices({ mode: 'test', configDir: t.dir });
      try {
        const file = path.join(t.dir, 'backup.radstudy');
        createStudy(file, 'bench').close();
        padStudy(file, STUDY_MB);
        const copyMs = (await time(() => copyFileSync(file, path.join(t.dir, 'plain-copy.bin')))).ms;
        const opened = await services.router.call('study.open', { path: file });
        if (!opened.ok) throw new Error(opened.error.message);
        // warm the compute process
        const warm = await services.router.call('jobs.start', { kind: 'study.check', params: {} });
        const warmId = (warm as { data: Job }).data.id;
        await waitFor(
          () => services.jobs.get(warmId).status !== 'running' && services.jobs.get(warmId).status !== 'queued',
          120_000,
        );
        const { ms } = await time(async () => {
          const r = await services.router.call('jobs.start', { kind: 'study.check', params: {} });
          const id = (r as { data: Job }).data.id;
          await waitFor(() => ['succeeded', 'failed'].includes(services.jobs.get(id).status), 120_000, 5);
        });
        const mb = statSync(file).size / 2 ** 20;
        return { studyMB: mb, jobMs: ms, jobMBps: mb / (ms / 1000), fileCopyMs: copyMs, ratioJobToCopy: ms / copyMs };
      } finally {
        await services.shutdown();
        t.cleanup();
      }
    },
  },
  {
    name: 'worker-pool',
    description: 'sum of squares over 64 × 1M doubles: pool of all cores vs one worker (ratio = speed-up)',
    async run() {
      const chunks = () => Array.from({ length: 64 }, () => new Float64Array(1_000_000).fill(1.5));
      const measure = async (size: number) => {
        const pool = new WorkerPool(size);
        try {
          await Promise.all(Array.from({ length: size }, () => pool.run('sumOfSquares', { values: Float64Array.of(1) })));
          return await medianMs(3, () =>
            Promise.all(chunks().map((values) => pool.run('sumOfSquares', { values }, { transfer: [values.buffer] }))),
          );
        } finally {
          await pool.destroy();
        }
      };
      const one = await measure(1);
      const all = await measure(new WorkerPool().size);
      return { workers: new WorkerPool().size, oneWorkerMs: one, allWorkersMs: all, speedup: one / all };
    },
  },
  {
    name: 'http-rpc',
    description: 'round trip of system.health over the loopback bridge (token checked, zod-validated)',
    async run() {
      const t = tmpDir();
      const services = createServices({ mode: 'browser', configDir: t.dir });
      const bridge = await startHttpBridge({ router: services.router, events: services.events, staticDir: t.dir });
      try {
        const n = 500;
        const { ms } = await time(async () => {
          for (let i = 0; i < n; i++) {
            const r = await fetch(`http://127.0.0.1:${bridge.port}/api/rpc/system.health`, {
              method: 'POST',
              headers: { 'x-radstudy-token': bridge.token, 'content-type': 'application/json' },
              body: '{}',
            });
            await r.json();
          }
        });
        return { calls: n, meanMs: ms / n, callsPerSecond: n / (ms / 1000) };
      } finally {
        await bridge.close();
        await services.shutdown();
        t.cleanup();
      }
    },
  },
];
