import { onBeforeUnmount, onMounted } from 'vue';
import type { AppEvent } from '../../../main/api/contract.js';
import { getBridge } from '../api/client.js';
import { useJobsStore } from '../stores/jobs.js';
import { useStudyStore } from '../stores/study.js';
import { useSystemStore } from '../stores/system.js';

/** Routes pushed events (IPC or SSE) to the stores for as long as the shell is mounted. */
export function useBackendEvents(): void {
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
    unsubscribe = getBridge().subscribe(dispatch);
  });
  onBeforeUnmount(() => {
    unsubscribe?.();
    unsubscribe = null;
  });
}
