import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Job } from '../../../main/api/contract.js';
import type { ImagesAdcResult, ImagesSubtractionResult, ImagesTicParams, ImagesTicResult } from '../../../main/api/images.js';
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
 * time–intensity curves and TIC types (job images.tic), DCE subtractions (job images.subtraction).
 * The newest job of each kind is shown.
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
  const subJob = newest('images.subtraction');
  const running = (j: Job | null) => j !== null && (j.status === 'queued' || j.status === 'running');
  const adcRunning = computed(() => running(adcJob.value));
  const ticRunning = computed(() => running(ticJob.value));
  const subRunning = computed(() => running(subJob.value));
  const adcResult = computed(() => (adcJob.value?.status === 'succeeded' ? (adcJob.value.result as ImagesAdcResult) : null));
  const subResult = computed(() =>
    subJob.value?.status === 'succeeded' ? (subJob.value.result as ImagesSubtractionResult) : null,
  );
  const ticResult = computed(() => (ticJob.value?.status === 'succeeded' ? (ticJob.value.result as ImagesTicResult) : null));

  const force = ref(false);
  /** Post-contrast phases to subtract the pre-contrast phase from, as typed ("1, 2"). */
  const subPhases = ref('1');
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

  async function computeSubtraction(): Promise<void> {
    const phases = subPhases.value
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number);
    const bad = phases.find((p) => !Number.isInteger(p) || p < 1);
    if (bad !== undefined || phases.length === 0) {
      ui.reportError(
        'Could not start the subtractions',
        new Error(`"${subPhases.value}" is not a list of post-contrast phases (1, 2, …).`),
      );
      return;
    }
    const started = await ui.attempt('Could not start the subtractions', () =>
      call('images.subtraction', { phases: [...new Set(phases)] }),
    );
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

  for (const job of [adcJob, subJob])
    watch(
      () => job.value?.status,
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
    subJob,
    subRunning,
    subResult,
    subPhases,
    computeSubtraction,
    force,
    tic,
    selectedLesion,
    selectedCurve,
    computeAdc,
    computeTic,
  };
});
