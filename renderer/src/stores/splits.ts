import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Input, Output, SplitDetail, SplitSummary } from '../../../main/api/contract.js';
import { ApiCallError, call } from '../api/client.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

export type SplitCreateInput = Input<'splits.create'>;
type StoredVariable = Output<'cohort.dictionary'>[number];

/**
 * Named splits of the open study (training / test / external patients, CV folds, balance table):
 * the list, the split shown, and the dictionary variables the create form offers.
 */
export const useSplitsStore = defineStore('splits', () => {
  const ui = useUiStore();
  const study = useStudyStore();
  const splits = ref<SplitSummary[]>([]);
  const shown = ref<SplitDetail | null>(null);
  const variables = ref<StoredVariable[]>([]);
  const centers = ref<string[]>([]);
  const error = ref('');
  const busy = ref(false);

  async function load(): Promise<void> {
    if (!study.current) {
      splits.value = [];
      shown.value = null;
      return;
    }
    const [list, dict, table] = await Promise.all([
      ui.attempt('Could not list the splits', () => call('splits.list', {})),
      ui.attempt('Could not read the data dictionary', () => call('cohort.dictionary', {})),
      ui.attempt('Could not read the cohort', () => call('cohort.table', {})),
    ]);
    if (list) splits.value = list;
    if (dict) variables.value = dict;
    if (table) {
      const j = table.columns.findIndex((c) => c.key === 'center');
      centers.value = [...new Set(table.rows.map((r) => r[j] ?? ''))].filter(Boolean).sort();
    }
  }

  async function show(name: string): Promise<void> {
    const d = await ui.attempt(`Could not read the split ${name}`, () => call('splits.get', { name }));
    if (d) shown.value = d;
  }

  /** Creates and shows a split; on bad input `error` says what was wrong and nothing is stored. */
  async function create(input: SplitCreateInput): Promise<boolean> {
    busy.value = true;
    error.value = '';
    try {
      shown.value = await call('splits.create', input);
      ui.notify(`Stored the split "${input.name}".`, 'success');
      await load();
      return true;
    } catch (err) {
      error.value = err instanceof ApiCallError ? err.message : String(err);
      return false;
    } finally {
      busy.value = false;
    }
  }

  async function remove(name: string): Promise<void> {
    const r = await ui.attempt(`Could not delete the split ${name}`, () => call('splits.delete', { name }));
    if (r?.deleted && shown.value?.split.name === name) shown.value = null;
    await load();
  }

  return { splits, shown, variables, centers, error, busy, load, show, create, remove };
});
