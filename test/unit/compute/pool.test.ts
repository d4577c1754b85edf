import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPoolSize, WorkerPool } from '../../../main/compute/host/pool.js';

let pool: WorkerPool | null = null;
afterEach(async () => {
  await pool?.destroy();
  pool = null;
});

describe('worker_threads pool of the compute process', () => {
  it('is sized to the cores and never starts more threads than that', async () => {
    expect(defaultPoolSize()).toBe(os.availableParallelism());
    pool = new WorkerPool(2);
    // Reference: sum of i² for i < n is (n-1)n(2n-1)/6, exact in float64 for these n.
    const jobs = [1000, 2000, 3000, 4000, 5000].map((n) => {
      const values = Float64Array.from({ length: n }, (_, i) => i);
      return pool!.run('sumOfSquares', { values }, { transfer: [values.buffer] }).then((s) => [n, s] as const);
    });
    for (const [n, s] of await Promise.all(jobs)) expect(s).toBe(((n - 1) * n * (2 * n - 1)) / 6);
    expect(pool.threads).toBeLessThanOrEqual(2);
  });

  it('cancelling a busy task rejects it at once and the pool keeps working', async () => {
    pool = new WorkerPool(1);
    const ac = new AbortController();
    const busy = pool.run('spin', { ms: 20_000 }, { signal: ac.signal });
    const queued = pool.run('spin', { ms: 20_000 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    await expect(busy).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
    const values = Float64Array.of(3, 4);
    expect(await pool.run('sumOfSquares', { values })).toBe(25);
  });

  it('a failing kernel rejects with its message', async () => {
    pool = new WorkerPool(1);
    await expect(pool.run('sumOfSquares', { values: null as unknown as Float64Array })).rejects.toThrow(/sumOfSquares failed/);
  });
});
