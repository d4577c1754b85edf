import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { Segmentation, SegmentationDraft, SegmentationStatus } from '../../../main/api/contract.js';
import type { SegmentLabel } from '../../../main/api/segmentation.js';
import { call, fetchVoxels } from '../api/client.js';
import { labelRunsOf, maskOfLabelRuns } from '../viewer/tools/runs.js';
import { useLabelmapStore } from './labelmap.js';
import { useUiStore } from './ui.js';
import { useViewerStore } from './viewer.js';

export interface Slot {
  lesionId: number;
  seriesId: number;
  reader: string;
}

/** Autosave cadence: a draft is written this long after the last edit, and at least this often while editing. */
const DRAFT_DELAY_MS = 2_000;
const DRAFT_EVERY_MS = 30_000;
/** A draft due during a brush stroke waits this long and looks again. */
const DRAFT_RETRY_MS = 250;
/** Time spent stops counting after this long without input (a reader who walked away). */
const IDLE_MS = 120_000;

/**
 * One lesion × series × reader being segmented: which saved version it continues, status and
 * time spent, the autosaved draft (written seconds after each edit, offered back on reopening)
 * and saving a new version.
 */
export const useSegmentationSessionStore = defineStore('segmentationSession', () => {
  const ui = useUiStore();
  const viewer = useViewerStore();
  const labelmap = useLabelmapStore();

  const slot = ref<Slot | null>(null);
  /** The saved version being edited (parent of the next save); null when drawing from scratch. */
  const baseId = ref<number | null>(null);
  const baseVersion = ref<number | null>(null);
  const status = ref<SegmentationStatus>('in_progress');
  const timeSpentS = ref(0);
  const dirty = ref(false);
  const saving = ref(false);
  const lastDraftAt = ref<string | null>(null);
  /** A draft found when opening the slot, offered for recovery. */
  const pendingDraft = shallowRef<SegmentationDraft | null>(null);

  let draftTimer: number | null = null;
  let lastDraftMs = 0;
  let clock: number | null = null;
  let lastInputMs = Date.now();

  watch(
    () => labelmap.editCount,
    () => {
      if (!slot.value) return;
      lastInputMs = Date.now();
      dirty.value = true;
      scheduleDraft();
    },
  );

  function startClock(): void {
    stopClock();
    let last = Date.now();
    clock = window.setInterval(() => {
      const now = Date.now();
      if (document.visibilityState === 'visible' && now - lastInputMs < IDLE_MS) timeSpentS.value += (now - last) / 1000;
      last = now;
    }, 1000);
  }

  function stopClock(): void {
    if (clock !== null) window.clearInterval(clock);
    clock = null;
  }

  /** Opens a slot: the series volume, then the version to edit (or an empty labelmap), then any draft. */
  async function open(s: Slot, fromSegmentation: number | null): Promise<boolean> {
    await flushDraft();
    stopClock();
    slot.value = null;
    labelmap.load(null);
    pendingDraft.value = null;
    dirty.value = false;
    baseId.value = null;
    baseVersion.value = null;
    status.value = 'in_progress';
    timeSpentS.value = 0;
    if (!(await viewer.open(s.seriesId))) return false;
    const v = viewer.volume!;
    const n = v.geometry.size[0] * v.geometry.size[1] * v.geometry.size[2];
    let data = new Uint8Array(n);
    let labelTable: SegmentLabel[] = [];
    if (fromSegmentation !== null) {
      const loaded = await ui.attempt(`Could not load segmentation #${fromSegmentation}`, async () => {
        const [mask, rows, stored] = await Promise.all([
          fetchVoxels('mask', fromSegmentation),
          call('segmentation.list', { lesionId: s.lesionId, seriesId: s.seriesId, reader: s.reader, allVersions: true }),
          call('segmentation.mask', { id: fromSegmentation }),
        ]);
        if (mask.header.seriesId !== s.seriesId || mask.data.length !== n)
          throw new Error(
            `segmentation #${fromSegmentation} lies on series #${mask.header.seriesId}, not on the series opened (#${s.seriesId}).`,
          );
        return {
          mask: mask.data as Uint8Array,
          row: rows.find((r: Segmentation) => r.id === fromSegmentation) ?? null,
          labels: stored.labels ?? [],
        };
      });
      if (!loaded) return false;
      data = new Uint8Array(loaded.mask);
      labelTable = loaded.labels;
      baseId.value = fromSegmentation;
      baseVersion.value = loaded.row?.version ?? null;
      if (loaded.row) {
        status.value = loaded.row.status;
        timeSpentS.value = loaded.row.timeSpentS;
      }
    }
    labelmap.load(data, labelTable);
    slot.value = s;
    const draft = await ui.attempt('Could not look for an autosaved draft', () => call('segmentation.draft.get', s));
    if (draft) pendingDraft.value = draft;
    lastInputMs = Date.now();
    startClock();
    return true;
  }

  /** Replaces the labelmap by the autosaved draft (one undoable step). */
  function recoverDraft(): void {
    const d = pendingDraft.value;
    const g = labelmap.grid;
    if (!d || !g) return;
    let mask: Uint8Array;
    try {
      mask = maskOfLabelRuns(d.runs, d.values, g.data.length, 'The draft');
    } catch (err) {
      ui.reportError('Could not recover the draft', err);
      return;
    }
    labelmap.replaceAll(mask, d.labels);
    status.value = d.status;
    timeSpentS.value = Math.max(timeSpentS.value, d.timeSpentS);
    pendingDraft.value = null;
  }

  async function discardDraft(): Promise<void> {
    if (!slot.value) return;
    pendingDraft.value = null;
    await ui.attempt('Could not discard the draft', () => call('segmentation.draft.discard', slot.value!));
  }

  function scheduleDraft(): void {
    if (draftTimer !== null) window.clearTimeout(draftTimer);
    const wait = Date.now() - lastDraftMs > DRAFT_EVERY_MS ? 0 : DRAFT_DELAY_MS;
    draftTimer = window.setTimeout(draftWhenIdle, wait);
  }

  /**
   * The timer's write: not in the middle of a brush stroke (encoding and sending 40 M voxels
   * would stall the stroke's frames); it retries shortly, and the stroke's end schedules one anyway.
   */
  function draftWhenIdle(): void {
    if (labelmap.stroking()) draftTimer = window.setTimeout(draftWhenIdle, DRAFT_RETRY_MS);
    else void flushDraft();
  }

  /** Writes the draft now if there are unsaved edits (also called before leaving the editor). */
  async function flushDraft(): Promise<void> {
    if (draftTimer !== null) window.clearTimeout(draftTimer);
    draftTimer = null;
    const s = slot.value;
    const g = labelmap.grid;
    if (!s || !g || !dirty.value) return;
    lastDraftMs = Date.now();
    const r = await ui.attempt('Could not autosave the draft', () =>
      call('segmentation.draft.save', {
        ...s,
        baseId: baseId.value,
        status: status.value,
        timeSpentS: Math.round(timeSpentS.value * 10) / 10,
        ...labelRunsOf(g.data),
        labels: labelmap.labels,
      }),
    );
    if (r) lastDraftAt.value = r.updatedAt;
  }

  /** Saves the labelmap as a new version; the saved version becomes the base of further edits. */
  async function save(): Promise<Segmentation | null> {
    const s = slot.value;
    const g = labelmap.grid;
    if (!s || !g || saving.value) return null;
    saving.value = true;
    try {
      const saved = await ui.attempt('Could not save the segmentation', () =>
        call('segmentation.save', {
          ...s,
          parentId: baseId.value,
          status: status.value,
          timeSpentS: Math.round(timeSpentS.value * 10) / 10,
          ...labelRunsOf(g.data),
          labels: labelmap.labels,
        }),
      );
      if (!saved) return null;
      if (draftTimer !== null) window.clearTimeout(draftTimer);
      draftTimer = null;
      baseId.value = saved.id;
      baseVersion.value = saved.version;
      dirty.value = false;
      pendingDraft.value = null;
      ui.notify(`Saved version ${saved.version} (${saved.voxelCount.toLocaleString()} voxels).`, 'success');
      return saved;
    } finally {
      saving.value = false;
    }
  }

  async function close(): Promise<void> {
    await flushDraft();
    stopClock();
    slot.value = null;
    labelmap.load(null);
  }

  return {
    slot,
    baseId,
    baseVersion,
    status,
    timeSpentS,
    dirty,
    saving,
    lastDraftAt,
    pendingDraft,
    open,
    close,
    recoverDraft,
    discardDraft,
    flushDraft,
    save,
  };
});
