import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ExtractionSequence, ExtractionSummary, FeatureTable, Job, ParameterPreset } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useAnalysisStore } from './analysis.js';
import { useJobsStore } from './jobs.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

export const COLUMN_PAGE = 40;

/** Folder beside the study file where exports go by default: `<study>-exports/`. */
export function exportFolder(studyPath: string): string {
  return `${studyPath.replace(/\.radstudy$/i, '')}-exports`;
}

/** A file-name-safe form of an extraction name. */
export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'features'
  );
}

/** Extractions of the open study: the new-extraction form, the list, the feature table of one. */
export const useExtractionStore = defineStore('extraction', () => {
  const ui = useUiStore();
  const jobs = useJobsStore();
  const study = useStudyStore();

  const presets = ref<ParameterPreset[]>([]);
  const sequences = ref<ExtractionSequence[]>([]);
  const extractions = ref<ExtractionSummary[]>([]);
  const selectedId = ref<number | null>(null);
  const table = ref<FeatureTable | null>(null);
  const reader = ref('');
  const columnFilter = ref('');
  const columnOffset = ref(0);
  const lastExport = ref<{ path: string; rows: number; columns: number } | null>(null);

  const selected = computed(() => extractions.value.find((e) => e.id === selectedId.value) ?? null);
  const readers = computed(() => [...new Set(sequences.value.flatMap((s) => Object.keys(s.segmentations)))].sort());
  const jobOf = (e: ExtractionSummary): Job | null => jobs.jobs.find((j) => j.id === e.jobId) ?? null;

  async function load(): Promise<void> {
    if (!study.current) {
      extractions.value = [];
      sequences.value = [];
      return;
    }
    const [p, s, l] = await Promise.all([
      presets.value.length
        ? Promise.resolve(presets.value)
        : ui.attempt('Could not read the parameter presets', () => call('extraction.presets', {})),
      ui.attempt('Could not list the sequences', () => call('extraction.sequences', {})),
      ui.attempt('Could not list the extractions', () => call('extraction.list', {})),
    ]);
    if (p) presets.value = p;
    if (s) sequences.value = s;
    if (l) extractions.value = l;
  }

  async function create(name: string, paramsText: string, selReaders: string[], selSequences: string[]): Promise<boolean> {
    const r = await ui.attempt('Could not start the extraction', () =>
      call('extraction.create', { name, paramsText, selection: { readers: selReaders, sequences: selSequences } }),
    );
    if (!r) return false;
    await jobs.load();
    await load();
    selectedId.value = r.id;
    ui.notify(`Extraction "${name}" started: ${r.total.toLocaleString()} segmentations (job #${r.jobId}).`);
    return true;
  }

  async function run(id: number): Promise<void> {
    const r = await ui.attempt('Could not run the extraction', () => call('extraction.run', { id }));
    if (!r) return;
    await jobs.load();
    await load();
  }

  async function remove(id: number): Promise<void> {
    const r = await ui.attempt('Could not delete the extraction', () => call('extraction.delete', { id }));
    if (!r) return;
    if (selectedId.value === id) {
      selectedId.value = null;
      table.value = null;
    }
    await load();
  }

  async function loadTable(): Promise<void> {
    if (selectedId.value === null) {
      table.value = null;
      return;
    }
    const r = await ui.attempt('Could not read the feature table', () =>
      call('extraction.table', {
        id: selectedId.value!,
        ...(reader.value ? { reader: reader.value } : {}),
        ...(columnFilter.value.trim() ? { columns: columnFilter.value.trim() } : {}),
        columnOffset: columnOffset.value,
        columnLimit: COLUMN_PAGE,
      }),
    );
    if (r) table.value = r;
  }

  function select(id: number): void {
    selectedId.value = id;
    columnOffset.value = 0;
    void loadTable();
  }

  async function exportTable(format: 'csv' | 'xlsx', includeCohort = true): Promise<string | null> {
    const e = selected.value;
    if (!e || !study.current) return null;
    const file = `${exportFolder(study.current.path)}/${slug(e.name)}${reader.value ? `-${reader.value}` : ''}.${format}`;
    const r = await ui.attempt('Could not export the feature table', () =>
      call('extraction.export', { id: e.id, path: file, ...(reader.value ? { reader: reader.value } : {}), includeCohort }),
    );
    if (!r) return null;
    lastExport.value = r;
    ui.notify(`Wrote ${r.rows.toLocaleString()} rows × ${r.columns.toLocaleString()} columns to ${r.path}.`);
    return r.path;
  }

  /** Writes the table (with the cohort) as CSV and makes it the Analysis view's data file. */
  async function useInAnalysis(): Promise<boolean> {
    const file = await exportTable('csv', true);
    if (!file) return false;
    const analysis = useAnalysisStore();
    analysis.dataFile = file;
    return analysis.inspect();
  }

  // A running extraction's counts follow its job; a finished one refreshes list and table.
  watch(
    () => extractions.value.map((e) => jobOf(e)?.status ?? '').join(),
    async (now, before) => {
      if (now === before) return;
      await load();
      if (selectedId.value !== null) await loadTable();
    },
  );
  watch([reader, columnFilter], () => {
    columnOffset.value = 0;
    void loadTable();
  });
  watch(columnOffset, () => void loadTable());
  watch(
    () => study.current?.path,
    () => {
      selectedId.value = null;
      table.value = null;
      void load();
    },
  );

  return {
    presets,
    sequences,
    extractions,
    selectedId,
    selected,
    table,
    reader,
    readers,
    columnFilter,
    columnOffset,
    lastExport,
    jobOf,
    load,
    create,
    run,
    remove,
    select,
    loadTable,
    exportTable,
    useInAnalysis,
  };
});
