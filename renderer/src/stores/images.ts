import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ImagesImportResult, Job, SequenceKindName, Series, VerifyResult } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useJobsStore } from './jobs.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

/** Image series of the open study, the running DICOM import, and kind overrides. */
export const useImagesStore = defineStore('images', () => {
  const ui = useUiStore();
  const jobs = useJobsStore();
  const study = useStudyStore();

  const series = ref<Series[]>([]);
  const loading = ref(false);
  const importJobId = ref<number | null>(null);
  const saving = ref<Set<number>>(new Set());
  const verifying = ref(false);
  const verification = ref<VerifyResult | null>(null);

  const importJob = computed<Job | null>(() => jobs.jobs.find((j) => j.id === importJobId.value) ?? null);
  const lastResult = computed<ImagesImportResult | null>(() =>
    importJob.value?.status === 'succeeded' ? (importJob.value.result as ImagesImportResult) : null,
  );
  const importing = computed(() => importJob.value !== null && ['queued', 'running'].includes(importJob.value.status));

  async function load(): Promise<void> {
    if (!study.current) {
      series.value = [];
      return;
    }
    loading.value = true;
    try {
      const list = await ui.attempt('Could not list the image series', () => call('images.series.list', {}));
      if (list) series.value = list;
    } finally {
      loading.value = false;
    }
  }

  async function startImport(folder: string, patientCode: string): Promise<void> {
    const input: { folder: string; patientCode?: string } = { folder: folder.trim() };
    if (patientCode.trim()) input.patientCode = patientCode.trim();
    const started = await ui.attempt('Could not start the import', () => call('images.import', input));
    if (!started) return;
    importJobId.value = started.jobId;
    ui.jobsPanelOpen = true;
    await jobs.load();
  }

  async function setKind(id: number, kind: SequenceKindName): Promise<void> {
    saving.value = new Set(saving.value).add(id);
    try {
      const updated = await ui.attempt(`Could not change the kind of series ${id}`, () =>
        call('images.series.setKind', { id, kind }),
      );
      if (updated) series.value = series.value.map((s) => (s.id === id ? updated : s));
    } finally {
      const next = new Set(saving.value);
      next.delete(id);
      saving.value = next;
    }
  }

  /** Re-hashes the source files: moved (missing) and changed files are listed. */
  async function verify(): Promise<void> {
    verifying.value = true;
    try {
      const r = await ui.attempt('Could not check the image files', () => call('images.verify', {}));
      if (r) verification.value = r;
    } finally {
      verifying.value = false;
    }
  }

  /** Points the series of a moved folder at its new place (the files are checked first), then checks again. */
  async function relink(from: string, to: string): Promise<boolean> {
    const r = await ui.attempt('Could not relink the folder', () => call('images.relink', { from, to }));
    if (!r) return false;
    ui.notify(`Relinked ${r.series} series (${r.files.toLocaleString()} files checked) to ${to}.`);
    await load();
    await verify();
    return true;
  }

  // The series table follows the import: reload when it succeeds.
  watch(
    () => importJob.value?.status,
    (status) => {
      if (status === 'succeeded') void load();
    },
  );
  watch(
    () => study.current?.path ?? null,
    () => {
      importJobId.value = null;
      void load();
    },
  );

  return {
    series,
    loading,
    importJobId,
    importJob,
    importing,
    lastResult,
    saving,
    verifying,
    verification,
    load,
    startImport,
    setKind,
    verify,
    relink,
  };
});
