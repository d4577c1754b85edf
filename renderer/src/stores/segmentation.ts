import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Job, LesionRef, Segmentation, SegmentationImportParams, Series } from '../../../main/api/contract.js';
import { call } from '../api/client.js';
import { useJobsStore } from './jobs.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

/** Lesion segmentations of the open study, the lesions and series to attach them to, and the running import. */
export const useSegmentationStore = defineStore('segmentation', () => {
  const ui = useUiStore();
  const jobs = useJobsStore();
  const study = useStudyStore();

  const segmentations = ref<Segmentation[]>([]);
  const lesions = ref<LesionRef[]>([]);
  const series = ref<Series[]>([]);
  const loading = ref(false);
  const importJobId = ref<number | null>(null);

  const importJob = computed<Job | null>(() => jobs.jobs.find((j) => j.id === importJobId.value) ?? null);
  const importing = computed(() => importJob.value !== null && ['queued', 'running'].includes(importJob.value.status));

  async function load(): Promise<void> {
    if (!study.current) {
      segmentations.value = [];
      lesions.value = [];
      series.value = [];
      return;
    }
    loading.value = true;
    try {
      const [segs, les, ser] = await Promise.all([
        ui.attempt('Could not list the segmentations', () => call('segmentation.list', {})),
        ui.attempt('Could not list the lesions', () => call('segmentation.lesions', {})),
        ui.attempt('Could not list the image series', () => call('images.series.list', {})),
      ]);
      if (segs) segmentations.value = segs;
      if (les) lesions.value = les;
      if (ser) series.value = ser;
    } finally {
      loading.value = false;
    }
  }

  async function startImport(params: SegmentationImportParams): Promise<void> {
    const started = await ui.attempt('Could not start the segmentation import', () => call('segmentation.import', params));
    if (!started) return;
    importJobId.value = started.jobId;
    await jobs.load();
  }

  async function remove(id: number): Promise<void> {
    const done = await ui.attempt(`Could not delete segmentation ${id}`, () => call('segmentation.delete', { id }));
    if (done) {
      segmentations.value = segmentations.value.filter((s) => s.id !== id);
      void study.refreshSummary();
    }
  }

  // The table follows the import: reload when it succeeds.
  watch(
    () => importJob.value?.status,
    (status) => {
      if (status === 'succeeded') {
        void load();
        void study.refreshSummary();
      }
    },
  );
  watch(
    () => study.current?.path,
    () => void load(),
  );

  return { segmentations, lesions, series, loading, importJob, importing, load, startImport, remove };
});
