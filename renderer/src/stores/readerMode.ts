import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ReaderMode } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

/** How the banners name what a reader-mode session hides. */
export const HIDDEN_LABELS: Record<string, string> = {
  otherReadersMasks: "other readers' masks",
  outcome: 'outcome variables',
  pathology: 'pathology variables',
};

/** The reader-mode session (the API enforces it; the views only follow what it reports). */
export const useReaderModeStore = defineStore('readerMode', () => {
  const ui = useUiStore();
  const study = useStudyStore();
  const mode = ref<ReaderMode>({ reader: null, hidden: [], startedAt: null });
  const active = computed(() => mode.value.reader !== null);
  const hides = (item: ReaderMode['hidden'][number]) => mode.value.hidden.includes(item);

  async function load(): Promise<void> {
    if (!study.current) return;
    const r = await ui.attempt('Could not read the reader mode', () => call('readers.mode.get', {}));
    if (r) mode.value = r;
  }

  async function enter(reader: string): Promise<boolean> {
    const r = await ui.attempt('Could not start reader mode', () => call('readers.mode.enter', { reader }));
    if (!r) return false;
    mode.value = r;
    ui.notify(`Reader mode for ${r.reader}: ${r.hidden.length ? `hiding ${r.hidden.join(', ')}` : 'nothing hidden'}.`);
    return true;
  }

  async function exit(): Promise<void> {
    const r = await ui.attempt('Could not end reader mode', () => call('readers.mode.exit', {}));
    if (r) mode.value = r;
  }

  watch(
    () => study.current?.path,
    () => void load(),
    { immediate: true },
  );

  return { mode, active, hides, load, enter, exit };
});
