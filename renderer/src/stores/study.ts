import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { RecentStudy, StudyInfo, StudySummary } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useUiStore } from './ui.js';

export type StudyAction = 'create' | 'open' | 'close';

/** The open study, the recent list, and the row counts every domain view shows. */
export const useStudyStore = defineStore('study', () => {
  const ui = useUiStore();

  const current = ref<StudyInfo | null>(null);
  const recent = ref<RecentStudy[]>([]);
  const summary = ref<StudySummary | null>(null);
  const busy = ref<StudyAction | null>(null);
  /** False until the first `study.current` answer, so views do not flash "no study". */
  const loaded = ref(false);

  const isOpen = computed(() => current.value !== null);
  const readOnly = computed(() => current.value?.readOnly ?? false);

  /**
   * Rows of the first table in the summary whose name is in `names` (schemas name some
   * tables differently across versions). Null when the study has none of these tables.
   */
  function rowsOf(names: readonly string[]): number | null {
    const tables = summary.value?.tables ?? [];
    for (const name of names) {
      const table = tables.find((t) => t.name === name);
      if (table) return table.rows;
    }
    return null;
  }

  async function refreshRecent(): Promise<void> {
    const list = await ui.attempt('Could not read the recent studies', () => call('study.recent', {}));
    if (list) recent.value = list;
  }

  async function refreshSummary(): Promise<void> {
    if (!current.value) {
      summary.value = null;
      return;
    }
    const result = await ui.attempt('Could not read the study summary', () => call('study.summary', {}));
    if (result) summary.value = result;
  }

  /** Adopts a study pushed by the back end (opened or closed elsewhere, e.g. from the CLI). */
  function setCurrent(info: StudyInfo | null): void {
    const changed = info?.path !== current.value?.path;
    current.value = info;
    loaded.value = true;
    if (!info) summary.value = null;
    else if (changed || !summary.value) void refreshSummary();
    void refreshRecent();
  }

  async function init(): Promise<void> {
    const info = await ui.attempt('Could not reach the RadStudy back end', () => call('study.current', {}));
    loaded.value = true;
    if (info !== undefined) current.value = info;
    await Promise.all([refreshRecent(), refreshSummary()]);
  }

  async function run(action: StudyAction, title: string, work: () => Promise<StudyInfo>): Promise<boolean> {
    if (busy.value) return false;
    busy.value = action;
    try {
      const info = await ui.attempt(title, work);
      if (!info) return false;
      current.value = info;
      await Promise.all([refreshSummary(), refreshRecent()]);
      return true;
    } finally {
      busy.value = null;
    }
  }

  async function create(path: string, name: string): Promise<boolean> {
    const ok = await run('create', 'Could not create the study', () => call('study.create', { path, name }));
    if (ok) ui.notify(`Created study “${current.value?.name ?? name}”.`, 'success');
    return ok;
  }

  async function open(path: string, readOnlyRequested: boolean): Promise<boolean> {
    const ok = await run('open', 'Could not open the study', () =>
      call('study.open', readOnlyRequested ? { path, readOnly: true } : { path }),
    );
    const info = current.value;
    if (ok && info) {
      if (info.backupPath && info.migratedFrom !== null) {
        ui.notify(
          `Study updated from schema ${info.migratedFrom} to ${info.schemaVersion}; a backup was saved to ${info.backupPath}.`,
          'info',
        );
      } else {
        ui.notify(`Opened “${info.name}”${info.readOnly ? ' (read-only)' : ''}.`, 'success');
      }
    }
    return ok;
  }

  async function close(): Promise<boolean> {
    if (busy.value || !current.value) return false;
    busy.value = 'close';
    try {
      const result = await ui.attempt('Could not close the study', () => call('study.close', {}));
      if (!result) return false;
      current.value = null;
      summary.value = null;
      await refreshRecent();
      return true;
    } finally {
      busy.value = null;
    }
  }

  return {
    current,
    recent,
    summary,
    busy,
    loaded,
    isOpen,
    readOnly,
    rowsOf,
    init,
    setCurrent,
    refreshRecent,
    refreshSummary,
    create,
    open,
    close,
  };
});
