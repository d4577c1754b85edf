import type { ComputeChannel, ComputeLauncher } from '../services/compute.js';
import { computeEntry } from '../services/compute.js';

interface UtilityProcessLike {
  pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): boolean;
}

export interface UtilityProcessModuleLike {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore' },
  ): UtilityProcessLike;
}

/** Inside Electron the compute process is a utilityProcess (a Node child managed by Electron). */
export function utilityProcessLauncher(utilityProcess: UtilityProcessModuleLike): ComputeLauncher {
  return (): ComputeChannel => {
    const child = utilityProcess.fork(computeEntry().file, [], { serviceName: 'RadStudy compute', stdio: 'inherit' });
    let exited = false;
    return {
      get pid() {
        return child.pid ?? null;
      },
      send(msg) {
        if (!exited) child.postMessage(msg);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        child.on('exit', (code) => {
          exited = true;
          listener(code, null);
        });
      },
      kill() {
        child.kill();
      },
    };
  };
}
