import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ChildMessageSchema, type ChildMessage, type ParentMessage } from '../compute/host/protocol.js';

/** A running compute process, whatever started it (Electron utilityProcess or Node fork). */
export interface ComputeChannel {
  readonly pid: number | null;
  send(msg: ParentMessage): void;
  onMessage(listener: (raw: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type ComputeLauncher = () => ComputeChannel;

/** The compute host's entry module: compiled JS in the app, the TS source under tsx/vitest. */
export function computeEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const isTs = here.endsWith('.ts');
  const file = path.join(path.dirname(here), '..', 'compute', 'host', `entry.${isTs ? 'ts' : 'js'}`);
  return { file, execArgv: isTs ? ['--import', 'tsx'] : [] };
}

/** Under Node (`radstudy serve`, tests): child_process.fork with structured-clone messages. */
export function nodeForkLauncher(): ComputeLauncher {
  return () => {
    const entry = computeEntry();
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return {
      get pid() {
        return child.pid ?? null;
      },
      send(msg) {
        if (child.connected) child.send(msg);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        child.on('exit', (code, signal) => listener(code, signal));
      },
      kill() {
        child.kill('SIGKILL');
      },
    };
  };
}

export interface ComputeState {
  running: boolean;
  pid: number | null;
  workers: number;
  restarts: number;
}

export interface ComputeHooks {
  onMessage(msg: ChildMessage): void;
  onExit(code: number | null, signal: string | null): void;
}

/**
 * Owns the compute process: starts it on first use, restarts it after a crash on the next
 * job, and validates everything it says.
 */
export class ComputeClient {
  private channel: ComputeChannel | null = null;
  private workers = 0;
  private starts = 0;

  constructor(
    private readonly launch: ComputeLauncher,
    private readonly hooks: ComputeHooks,
  ) {}

  state(): ComputeState {
    return {
      running: this.channel !== null,
      pid: this.channel?.pid ?? null,
      workers: this.workers,
      restarts: Math.max(0, this.starts - 1),
    };
  }

  send(msg: ParentMessage): void {
    this.ensure().send(msg);
  }

  private ensure(): ComputeChannel {
    if (this.channel) return this.channel;
    const ch = this.launch();
    this.channel = ch;
    this.starts++;
    ch.onMessage((raw) => {
      const parsed = ChildMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      if (parsed.data.type === 'ready') this.workers = parsed.data.workers;
      this.hooks.onMessage(parsed.data);
    });
    ch.onExit((code, signal) => {
      if (this.channel === ch) this.channel = null;
      this.hooks.onExit(code, signal);
    });
    return ch;
  }

  /** Kills the compute process now (used when a cancel is not honoured in time). */
  kill(): void {
    this.channel?.kill();
  }

  async stop(timeoutMs = 2000): Promise<void> {
    const ch = this.channel;
    if (!ch) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        ch.kill();
        resolve();
      }, timeoutMs);
      ch.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      ch.send({ type: 'shutdown' });
    });
    this.channel = null;
  }
}
