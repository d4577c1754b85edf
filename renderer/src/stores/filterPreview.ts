import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { FilterPreviewResult, Job, Segmentation } from '../../../main/api/contract.js';
import { base64ToBytes, decodeFloat32 } from '../../../main/api/filterPreview.js';
import { call } from '../api/client.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

/** One image of a preview, decoded for drawing. */
export interface PreviewLayer {
  name: string;
  data: Float32Array;
  min: number;
  max: number;
  roi: { min: number; max: number; mean: number; voxels: number };
}

const POLL_MS = 250;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/**
 * The Extraction view's filter preview: a segmentation and an image type of the parameter file
 * the New extraction form holds (`paramsText`, kept in sync by that form), the job computing the
 * derived images in the ROI box, and the decoded result with the slice shown.
 */
export const useFilterPreviewStore = defineStore('filterPreview', () => {
  const ui = useUiStore();
  const study = useStudyStore();

  const paramsText = ref('');
  const segmentations = ref<Segmentation[]>([]);
  const segmentationId = ref<number | null>(null);
  const imageTypes = ref<string[]>([]);
  const optionsError = ref<string | null>(null);
  const imageType = ref('');
  const running = ref(false);
  /** Why the last preview failed (also raised as an alert). */
  const error = ref<string | null>(null);
  const result = ref<FilterPreviewResult | null>(null);
  const original = ref<PreviewLayer | null>(null);
  const layers = ref<PreviewLayer[]>([]);
  const mask = ref<Uint8Array | null>(null);
  const layerName = ref('');
  /** Slice index within the box (0 = the ROI's first slice). */
  const slice = ref(0);

  const layer = computed(() => layers.value.find((l) => l.name === layerName.value) ?? layers.value[0] ?? null);
  const slices = computed(() => result.value?.size[2] ?? 0);

  async function loadSegmentations(): Promise<void> {
    if (!study.current) {
      segmentations.value = [];
      return;
    }
    const list = await ui.attempt('Could not list the segmentations', () => call('segmentation.list', {}));
    if (!list) return;
    segmentations.value = [...list].sort(
      (a, b) => a.patientCode.localeCompare(b.patientCode) || a.lesionCode.localeCompare(b.lesionCode) || a.seriesId - b.seriesId,
    );
    if (segmentationId.value === null || !list.some((s) => s.id === segmentationId.value))
      segmentationId.value = segmentations.value[0]?.id ?? null;
  }

  let optionsSeq = 0;
  async function loadOptions(): Promise<void> {
    const seq = ++optionsSeq;
    if (!paramsText.value.trim()) {
      imageTypes.value = [];
      imageType.value = '';
      return;
    }
    try {
      const r = await call('extraction.preview.options', { paramsText: paramsText.value });
      if (seq !== optionsSeq) return;
      imageTypes.value = r.imageTypes;
      optionsError.value = null;
      if (!r.imageTypes.includes(imageType.value))
        imageType.value = r.imageTypes.find((t) => t !== 'Original') ?? r.imageTypes[0] ?? '';
    } catch (e) {
      if (seq !== optionsSeq) return;
      // A file that does not parse previews nothing until it is fixed.
      imageTypes.value = [];
      imageType.value = '';
      optionsError.value = (e as Error).message;
    }
  }

  async function waitForJob(id: number): Promise<Job> {
    for (;;) {
      const job = await call('jobs.get', { id });
      if (TERMINAL.has(job.status)) return job;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  const decode = (i: FilterPreviewResult['original']): PreviewLayer => ({
    name: i.name,
    data: decodeFloat32(i.dataBase64),
    min: i.min,
    max: i.max,
    roi: i.roi,
  });

  async function run(): Promise<void> {
    if (segmentationId.value === null || !imageType.value) return;
    running.value = true;
    error.value = null;
    try {
      const job = await ui.attempt('Could not start the filter preview', () =>
        call('jobs.start', {
          kind: 'extraction.preview',
          params: { segmentationId: segmentationId.value, paramsText: paramsText.value, imageType: imageType.value },
        }),
      );
      if (!job) return;
      const done = await ui.attempt('Could not follow the filter preview', () => waitForJob(job.id));
      if (!done) return;
      if (done.status !== 'succeeded') {
        error.value = done.error?.message ?? `The preview job was ${done.status}.`;
        ui.reportError('The filter preview failed', new Error(error.value));
        return;
      }
      const r = done.result as FilterPreviewResult;
      result.value = r;
      original.value = decode(r.original);
      layers.value = r.images.map(decode);
      mask.value = base64ToBytes(r.maskBase64);
      if (!layers.value.some((l) => l.name === layerName.value)) layerName.value = layers.value[0]?.name ?? '';
      slice.value = Math.floor(r.size[2] / 2);
    } finally {
      running.value = false;
    }
  }

  watch(paramsText, () => void loadOptions());
  watch(
    () => study.current?.path,
    () => {
      result.value = null;
      layers.value = [];
      original.value = null;
      mask.value = null;
      void loadSegmentations();
    },
  );

  return {
    paramsText,
    segmentations,
    segmentationId,
    imageTypes,
    optionsError,
    imageType,
    running,
    error,
    result,
    original,
    layers,
    layer,
    layerName,
    mask,
    slice,
    slices,
    loadSegmentations,
    loadOptions,
    run,
  };
});
