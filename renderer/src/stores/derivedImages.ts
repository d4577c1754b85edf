import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Job } from '../../../main/api/contract.js';
import type { ImagesAdcResult, ImagesTicParams, ImagesTicResult } from '../../../main/api/images.js';
import { call } from '../api/client.js';
import { useImagesStore } from './images.js';
import { useJobsStore } from './jobs.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

export type TicSettings = Pick<
  ImagesTicParams,
  'reader' | 'earlyWindowS' | 'persistentPct' | 'washoutPct' | 'hotspotFraction' | 'overwrite'
> & {
  variable: string;
  writeVariable: boolean;
};

/**
 * Derived images of the open study: ADC maps computed from DWI (job images.adc) and the lesions'
 * time–intensity curves and TIC types (job images.tic). The newest job of each kind is shown.
 */
export const useDerivedImagesStore = defineStore('derivedImages', () => {
  const ui = useUiStore();
  const jobs = useJobsStore();
  const study = useStudyStore();
  const images = useImagesStore();

  const newest = (kind: string) =>
    computed<Job | null>(() => jobs.jobs.filter((j) => j.kind === kind).sort((a, b) => b.id - a.id)[0] ?? null);
  const adcJob = newest('images.adc');
  const ticJob = newest('images.tic');
  const running = (j: Job | null) => j !== null && (j.status === 'queued' || j.status === 'running');
  const adcRunning = computed(() => running(adcJob.value));
  const ticRunning = computed(() => running(ticJob.value));
  const adcResult = computed(() => (adcJob.value?.status === 'succeeded' ? (adcJob.value.result as ImagesAdcResult) : null));
  const ticResult = computed(() => (ticJob.value?.status === 'succeeded' ? (ticJob.value.result as ImagesTicResult) : null));

  const force = ref(false);
  const tic = ref<TicSettings>({
    reader: 'REF',
    earlyWindowS: 120,
    persistentPct: 10,
    washoutPct: 10,
    hotspotFraction: 1,
    overwrite: false,
    variable: 'tic_type_auto',
    writeVariable: true,
  });
  const selectedLesion = ref<number | null>(null);
  const selectedCurve = computed(
    () => ticResult.value?.curves.find((c) => c.lesionId === selectedLesion.value) ?? ticResult.value?.curves[0] ?? null,
  );

  async function computeAdc(): Promise<void> {
    const started = await ui.attempt('Could not start the ADC computation', () => call('images.adc', { force: force.value }));
    if (!started) return;
    await jobs.load();
  }

  async function computeTic(): Promise<void> {
    const s = tic.value;
    const started = await ui.attempt('Could not start the time–intensity curves', () =>
      call('images.tic', {
        reader: s.reader.trim() || 'REF',
        earlyWindowS: Number(s.earlyWindowS),
        persistentPct: Number(s.persistentPct),
        washoutPct: Number(s.washoutPct),
        hotspotFraction: Number(s.hotspotFraction),
        overwrite: s.overwrite,
        variable: s.writeVariable ? s.variable.trim() : null,
      }),
    );
    if (!started) return;
    selectedLesion.value = null;
    await jobs.load();
  }

  watch(
    () => adcJob.value?.status,
    (status, before) => {
      if (status === 'succeeded' && before && before !== 'succeeded') void images.load();
    },
  );
  watch(
    () => study.current?.path ?? null,
    () => {
      selectedLesion.value = null;
    },
  );

  return {
    adcJob,
    ticJob,
    adcRunning,
    ticRunning,
    adcResult,
    ticResult,
    force,
    tic,
    selectedLesion,
    selectedCurve,
    computeAdc,
    computeTic,
  };
});
