import { parentPort } from 'node:worker_threads';
import { kernels, type KernelName } from './kernels.js';

interface TaskMessage {
  id: number;
  kernel: KernelName;
  args: unknown;
}

if (!parentPort) throw new Error('worker.ts must run as a worker thread');
const port = parentPort;

port.on('message', (msg: TaskMessage) => {
  try {
    const fn = kernels[msg.kernel] as ((args: unknown) => unknown) | undefined;
    if (!fn) throw new Error(`Unknown compute kernel "${msg.kernel}"`);
    port.postMessage({ id: msg.id, ok: true, value: fn(msg.args) });
  } catch (err) {
    port.postMessage({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
