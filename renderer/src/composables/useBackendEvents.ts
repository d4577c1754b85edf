import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';
import type { AppEvent } from '../../../main/api/contract.js';
import { getBridge } from '../api/client.js';
import { useJobsStore } from '../stores/jobs.js';
import { useStudyStore } from '../stores/study.js';
import { useSystemStore } from '../stores/system.js';

/**
 * Routes pushed events (IPC or SSE) to the stores for as long as the shell is mounted, and
 * tracks whether the back end is reachable; after a reconnection the stores reload, since
 * events sent meanwhile were missed.
 */
export function useBackendEvents(): { connected: Ref<boolean> } {
  const connected = ref(true);
  let stopConnection: (() => void) | null = null;
  const study = useStudyStore();
  const jobs = useJobsStore();
  const system = useSystemStore();
  let unsubscribe: (() => void) | null = null;

  function dispatch(event: AppEvent): void {
    switch (event.type) {
      case 'job':
        jobs.upsert(event.job);
        break;
      case 'study':
        study.setCurrent(event.study);
        break;
      case 'compute':
        system.setCompute(event.state, event.pid, event.detail);
        break;
    }
  }

  onMounted(() => {
    const bridge = getBridge();
    unsubscribe = bridge.subscribe(dispatch);
    stopConnection =
      bridge.onConnection?.((ok) => {
        const wasLost = !connected.value;
        connected.value = ok;
        if (ok && wasLost) {
          void study.init();
          void system.refresh();
        }
      }) ?? null;
  });
  onBeforeUnmount(() => {
    unsubscribe?.();
    unsubscribe = null;
    stopConnection?.();
    stopConnection = null;
  });
  return { connected };
}
