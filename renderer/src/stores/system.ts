import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Health } from '../../../main/api/contract.js';
import { call, getBridge } from '../api/client.js';

export interface ComputeState {
  running: boolean;
  pid: number | null;
  /** Why it exited, when it did (e.g. "killed by SIGKILL"). */
  detail: string | null;
}

/** Back-end facts for the status bar: version, mode, compute process. */
export const useSystemStore = defineStore('system', () => {
  const mode = getBridge().mode;
  const health = ref<Health | null>(null);
  const compute = ref<ComputeState | null>(null);
  const reachable = ref<boolean | null>(null);

  async function refresh(): Promise<void> {
    try {
      const h = await call('system.health', {});
      health.value = h;
      compute.value = { running: h.compute.running, pid: h.compute.pid, detail: null };
      reachable.value = true;
    } catch {
      // The study store already reports an unreachable back end to the user.
      reachable.value = false;
    }
  }

  function setCompute(state: 'started' | 'exited', pid: number | null, detail: string | null): void {
    compute.value = { running: state === 'started', pid, detail };
  }

  return { mode, health, compute, reachable, refresh, setCompute };
});
