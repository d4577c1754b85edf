/**
 * Calling the services' router from a test: `call` returns the data or throws with the error's
 * code and message, `fails` returns "CODE message" of a call that must fail, `finished` waits for
 * a job to end. `get` gives the current services, so a test can create them in beforeAll.
 */
import type { Job } from '../../main/api/contract.js';
import type { Services } from '../../main/services/index.js';
import { waitFor } from './tmp.js';

export function routerCalls(get: () => Services, jobTimeoutMs = 120_000) {
  async function call<T>(method: string, input: unknown = {}): Promise<T> {
    const r = await get().router.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  }
  async function fails(method: string, input: unknown): Promise<string> {
    const r = await get().router.call(method, input);
    if (r.ok) throw new Error(`${method} succeeded`);
    return `${r.error.code} ${r.error.message}`;
  }
  async function finished(id: number): Promise<Job> {
    let job: Job | null = null;
    const ok = await waitFor(async () => {
      job = await call<Job>('jobs.get', { id });
      return ['succeeded', 'failed', 'cancelled'].includes(job.status);
    }, jobTimeoutMs);
    if (!ok) throw new Error(`job ${id} stayed ${job!.status}`);
    return job!;
  }
  return { call, fails, finished };
}
