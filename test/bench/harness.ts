import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/tmp.js';

/** One benchmark: returns named measurements (numbers with their unit in the name). */
export interface Benchmark {
  name: string;
  /** What a ratio in the results compares, in words. */
  description: string;
  run(): Promise<Record<string, number>>;
}

export function machineInfo(): Record<string, unknown> {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout
  }
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    commit,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

/** Median of `n` runs (after one warm-up) in milliseconds. */
export async function medianMs(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await time(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function runAll(benchmarks: Benchmark[], filter?: string): Promise<string> {
  const results: Record<string, { description: string; metrics: Record<string, number> }> = {};
  for (const b of benchmarks) {
    if (filter && !b.name.includes(filter)) continue;
    process.stdout.write(`\n▶ ${b.name} — ${b.description}\n`);
    const metrics = await b.run();
    for (const [k, v] of Object.entries(metrics))
      process.stdout.write(`    ${k.padEnd(38)} ${Number.isInteger(v) ? v : v.toFixed(3)}\n`);
    results[b.name] = { description: b.description, metrics };
  }
  const machine = machineInfo();
  const dir = path.join(repoRoot, 'test', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${String(machine.date).slice(0, 10)}-${machine.commit}.json`);
  writeFileSync(file, JSON.stringify({ machine, results }, null, 2) + '\n');
  process.stdout.write(`\nResults written to ${path.relative(repoRoot, file)}\n`);
  return file;
}
