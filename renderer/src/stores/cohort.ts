import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { CohortTableDto, ImportMapping, ImportPreview, Input, Output } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { plural } from '../format.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

export type CohortAction = 'inspect' | 'preview' | 'commit' | 'undo' | 'export' | 'save-mapping';
/** An inspected file; `asDetected` is what detection found, before any delimiter/encoding choice. */
export type Inspection = Output<'cohort.import.inspect'> & {
  path: string;
  asDetected: Output<'cohort.import.inspect'>['detected'];
};
export type DerivationRules = Output<'cohort.rules'>;
export type DictionaryVariable = Output<'cohort.dictionary'>[number];
export type SavedMapping = Output<'cohort.mappings'>[number];
export type ImportOptions = ImportMapping['options'];
export type Delimiter = NonNullable<ImportMapping['delimiter']>;
export type Encoding = NonNullable<ImportMapping['encoding']>;

/** What the import panel is editing: the file, where each column goes, and how to read it. */
export interface ImportDraft {
  path: string;
  columns: Record<string, string>;
  options: ImportOptions;
  /** Overrides of what was detected; null = as detected. */
  delimiter: Delimiter | null;
  encoding: Encoding | null;
  sheet: string;
}

function emptyDraft(): ImportDraft {
  return {
    path: '',
    columns: {},
    options: { decimalComma: false, dateOrder: 'DMY' },
    delimiter: null,
    encoding: null,
    sheet: '',
  };
}

/** The mapping the API receives for a draft. */
export function mappingOf(draft: ImportDraft): Input<'cohort.import.preview'>['mapping'] {
  return {
    columns: { ...draft.columns },
    options: { ...draft.options },
    ...(draft.delimiter ? { delimiter: draft.delimiter } : {}),
    ...(draft.encoding ? { encoding: draft.encoding } : {}),
    ...(draft.sheet.trim() ? { sheet: draft.sheet.trim() } : {}),
  };
}

/** Identity of a draft: a preview only stands for the exact file and mapping it was made from. */
function draftKey(draft: ImportDraft): string {
  return JSON.stringify([draft.path.trim(), mappingOf(draft)]);
}

/**
 * The cohort of the open study (one row per lesion), its data dictionary and derivation rules,
 * and the clinical import in progress. The table is held shallowly: 10,000 × 150 strings must
 * not become reactive proxies.
 */
export const useCohortStore = defineStore('cohort', () => {
  const ui = useUiStore();
  const study = useStudyStore();

  const table = shallowRef<CohortTableDto | null>(null);
  const dictionary = shallowRef<DictionaryVariable[]>([]);
  const rules = shallowRef<DerivationRules | null>(null);
  const loading = ref(false);
  const busy = ref<CohortAction | null>(null);

  const draft = ref<ImportDraft>(emptyDraft());
  const inspection = shallowRef<Inspection | null>(null);
  const preview = shallowRef<{ key: string; result: ImportPreview } | null>(null);
  const lastExport = shallowRef<Output<'cohort.export'> | null>(null);
  const savedMappings = shallowRef<SavedMapping[]>([]);

  const lesionCount = computed(() => table.value?.rows.length ?? 0);
  /** The preview of exactly what is in the draft now, or null when it changed since. */
  const currentPreview = computed(() =>
    preview.value && preview.value.key === draftKey(draft.value) ? preview.value.result : null,
  );
  const canCommit = computed(() => !study.readOnly && busy.value === null && currentPreview.value?.ok === true);

  let loadSeq = 0;
  async function load(): Promise<void> {
    if (!study.current) {
      table.value = null;
      return;
    }
    const seq = ++loadSeq;
    loading.value = true;
    try {
      const [t, d, r] = await Promise.all([
        ui.attempt('Could not read the cohort', () => call('cohort.table', {})),
        ui.attempt('Could not read the data dictionary', () => call('cohort.dictionary', {})),
        rules.value
          ? Promise.resolve(rules.value)
          : ui.attempt('Could not read the derivation rules', () => call('cohort.rules', {})),
      ]);
      if (seq !== loadSeq) return; // a newer load (another study) won
      if (d) dictionary.value = d;
      if (r) rules.value = r;
      if (t) table.value = t;
    } finally {
      if (seq === loadSeq) loading.value = false;
    }
  }

  async function reloadTable(): Promise<void> {
    const t = await ui.attempt('Could not read the cohort', () => call('cohort.table', {}));
    if (t) table.value = t;
  }

  async function withBusy<T>(action: CohortAction, work: () => Promise<T | undefined>): Promise<T | undefined> {
    if (busy.value) return undefined;
    busy.value = action;
    try {
      return await work();
    } finally {
      busy.value = null;
    }
  }

  /** Reads the file's header and a sample; the suggested mapping replaces the draft's. */
  async function inspect(): Promise<boolean> {
    const path = draft.value.path.trim();
    const result = await withBusy('inspect', () =>
      ui.attempt('Could not read the file', () => call('cohort.import.inspect', { path })),
    );
    if (!result) return false;
    inspection.value = { ...result, path, asDetected: result.detected };
    void loadMappings();
    preview.value = null;
    draft.value = {
      ...draft.value,
      columns: { ...result.suggested.columns },
      options: { ...result.suggested.options },
      delimiter: null,
      encoding: null,
      sheet: result.detected.sheet ?? '',
    };
    return true;
  }

  /**
   * Reads the inspected file again with the draft's delimiter and encoding, so the header, the
   * sample and the column list show what the import will read. Columns still present keep the
   * targets chosen for them; new column names get the suggestion. On failure (e.g. the file is
   * not valid UTF-8) the previous choice is restored and the reason shown.
   */
  async function reread(previous: Pick<ImportDraft, 'delimiter' | 'encoding'>): Promise<boolean> {
    const ins = inspection.value;
    if (!ins) return false;
    const snapshot = draft.value;
    const result = await withBusy('inspect', () =>
      ui.attempt('Could not read the file with this delimiter and encoding', () =>
        call('cohort.import.inspect', {
          path: ins.path,
          ...(snapshot.delimiter ? { delimiter: snapshot.delimiter } : {}),
          ...(snapshot.encoding ? { encoding: snapshot.encoding } : {}),
        }),
      ),
    );
    if (!result) {
      draft.value = { ...draft.value, ...previous };
      return false;
    }
    inspection.value = { ...result, path: ins.path, asDetected: ins.asDetected };
    const columns: Record<string, string> = {};
    for (const h of result.header) columns[h] = snapshot.columns[h] ?? result.suggested.columns[h] ?? 'ignore';
    draft.value = { ...draft.value, columns };
    preview.value = null;
    return true;
  }

  async function previewImport(): Promise<ImportPreview | undefined> {
    const snapshot = draft.value;
    const key = draftKey(snapshot);
    const result = await withBusy('preview', () =>
      ui.attempt('Could not check the file', () =>
        call('cohort.import.preview', { path: snapshot.path.trim(), mapping: mappingOf(snapshot) }),
      ),
    );
    if (result) preview.value = { key, result };
    return result;
  }

  async function commitImport(): Promise<boolean> {
    if (!canCommit.value) return false;
    const snapshot = draft.value;
    const result = await withBusy('commit', () =>
      ui.attempt('Could not import the file', () =>
        call('cohort.import.commit', { path: snapshot.path.trim(), mapping: mappingOf(snapshot) }),
      ),
    );
    if (!result) return false;
    const c = result.preview.creates;
    ui.notify(
      `Imported ${result.preview.file}: ${plural(c.patients, 'new patient')}, ${plural(c.lesions, 'new lesion')}, ${plural(result.preview.changeCount, 'changed value')}.`,
      'success',
    );
    preview.value = null;
    await Promise.all([reloadTable(), study.refreshSummary()]);
    return true;
  }

  async function undoImport(): Promise<boolean> {
    const result = await withBusy('undo', () =>
      ui.attempt('Could not undo the last import', () => call('cohort.import.undo', {})),
    );
    if (!result) return false;
    ui.notify(`Undid the import of ${result.file} (${plural(result.reverted, 'change')} reverted).`, 'success');
    preview.value = null;
    await Promise.all([reloadTable(), study.refreshSummary()]);
    return true;
  }

  async function exportCohort(path: string, includeIdentifiers: boolean): Promise<boolean> {
    const result = await withBusy('export', () =>
      ui.attempt('Could not export the cohort', () =>
        call('cohort.export', includeIdentifiers ? { path: path.trim(), includeIdentifiers: true } : { path: path.trim() }),
      ),
    );
    if (!result) return false;
    lastExport.value = result;
    ui.notify(`Exported ${plural(result.rows, 'lesion')} × ${plural(result.columns, 'column')} to ${result.path}.`, 'success');
    return true;
  }

  /**
   * Changes one entered value of a lesion's row, validated by the back end like an imported
   * cell; the table is read again so derived values (HER2 status, subtype) follow.
   */
  async function setValue(rowIndex: number, variable: string, value: string): Promise<boolean> {
    const t = table.value;
    const row = t?.rows[rowIndex];
    const pi = t?.columns.findIndex((c) => c.key === 'patient') ?? -1;
    const li = t?.columns.findIndex((c) => c.key === 'lesion') ?? -1;
    if (!row || pi < 0 || li < 0) return false;
    const patientCode = row[pi] ?? '';
    const lesionCode = row[li] ?? '';
    const result = await ui.attempt(`Could not change ${variable} of ${patientCode} / ${lesionCode}`, () =>
      call('cohort.setValue', { patientCode, lesionCode, variable, value }),
    );
    if (!result) return false;
    await reloadTable();
    return true;
  }

  async function loadMappings(): Promise<void> {
    const list = await ui.attempt('Could not read the saved mappings', () => call('cohort.mappings', {}));
    if (list) savedMappings.value = list;
  }

  /** Saves the draft's mapping under `name` (replacing one of the same name) for the next file. */
  async function saveMapping(name: string): Promise<boolean> {
    const mapping = mappingOf(draft.value);
    const result = await withBusy('save-mapping', () =>
      ui.attempt('Could not save the mapping', () => call('cohort.mapping.save', { name: name.trim(), mapping })),
    );
    if (!result) return false;
    ui.notify(`Saved the column mapping “${result.name}”.`, 'success');
    await loadMappings();
    return true;
  }

  /**
   * Applies a saved mapping to the inspected file: columns it names get its targets, columns
   * it does not know are left out (the file may have more columns than the one it was made for).
   * Returns how many of the file's columns the saved mapping named.
   */
  function applyMapping(name: string): number {
    const saved = savedMappings.value.find((m) => m.name === name);
    const header = inspection.value?.header;
    if (!saved || !header) return 0;
    let matched = 0;
    const columns: Record<string, string> = {};
    for (const h of header) {
      const target = saved.mapping.columns[h];
      if (target !== undefined) matched++;
      columns[h] = target ?? 'ignore';
    }
    draft.value = {
      ...draft.value,
      columns,
      options: { ...saved.mapping.options },
      delimiter: saved.mapping.delimiter ?? null,
      encoding: saved.mapping.encoding ?? null,
      sheet: saved.mapping.sheet ?? draft.value.sheet,
    };
    return matched;
  }

  function setTarget(column: string, target: string): void {
    draft.value = { ...draft.value, columns: { ...draft.value.columns, [column]: target } };
  }

  function resetImport(): void {
    draft.value = emptyDraft();
    inspection.value = null;
    preview.value = null;
  }

  // Another study (or none): nothing of the previous one may linger.
  watch(
    () => study.current?.path ?? null,
    () => {
      table.value = null;
      lastExport.value = null;
      savedMappings.value = [];
      resetImport();
      void load();
    },
  );

  return {
    table,
    dictionary,
    rules,
    loading,
    busy,
    draft,
    inspection,
    preview,
    currentPreview,
    canCommit,
    lastExport,
    savedMappings,
    lesionCount,
    load,
    reloadTable,
    inspect,
    reread,
    previewImport,
    commitImport,
    undoImport,
    exportCohort,
    setTarget,
    setValue,
    loadMappings,
    saveMapping,
    applyMapping,
    resetImport,
  };
});
