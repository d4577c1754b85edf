import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { Segmentation, SegmentationDraft, SegmentationStatus } from '../../../main/api/contract.js';
import type { Vec3 } from '../../../main/compute/imaging/volume.js';
import { call, fetchVoxels } from '../api/client.js';
import { paintBrush, paintStroke } from '../viewer/tools/brush.js';
import { fillHoles, floodFill, removeIslands } from '../viewer/tools/fill.js';
import { countLabel, EditRecorder, type LabelGrid } from '../viewer/tools/grid.js';
import { EditHistory } from '../viewer/tools/history.js';
import { measureLabel, type LabelMeasurements } from '../viewer/tools/measure.js';
import { morphology } from '../viewer/tools/morphology.js';
import { maskOfRuns, runsOf } from '../viewer/tools/runs.js';
import { useUiStore } from './ui.js';
import { useViewerStore } from './viewer.js';
import { useViewerToolsStore } from './viewerTools.js';

export interface Slot {
  lesionId: number;
  seriesId: number;
  reader: string;
}

/** Autosave cadence: a draft is written this long after the last edit, and at least this often while editing. */
const DRAFT_DELAY_MS = 2_000;
const DRAFT_EVERY_MS = 30_000;
/** Time spent stops counting after this long without input (a reader who walked away). */
const IDLE_MS = 120_000;
const LABEL = 1;

/** The labelmap being edited: its slot, the edits and their undo history, overlay display, drafts and saving. */
export const useLabelmapStore = defineStore('labelmap', () => {
  const ui = useUiStore();
  const viewer = useViewerStore();
  const tools = useViewerToolsStore();

  const slot = ref<Slot | null>(null);
  /** The saved version being edited (parent of the next save); null when drawing from scratch. */
  const baseId = ref<number | null>(null);
  const baseVersion = ref<number | null>(null);
  const grid = shallowRef<LabelGrid | null>(null);
  /** Bumped on every change of the voxels: the views re-upload the labelmap slice. */
  const revision = ref(0);
  /**
   * Voxel index box that the last revision may have changed (inclusive), or null for "anywhere":
   * a view whose slice lies outside it need not redraw during a stroke.
   */
  let dirtyBox: { lo: Vec3; hi: Vec3 } | null = null;
  const history = markRaw(new EditHistory());
  const canUndo = ref(false);
  const canRedo = ref(false);
  const opacity = ref(0.5);
  const outline = ref(false);
  const visible = ref(true);
  const status = ref<SegmentationStatus>('in_progress');
  const timeSpentS = ref(0);
  const dirty = ref(false);
  const saving = ref(false);
  const lastDraftAt = ref<string | null>(null);
  /** A draft found when opening the slot, offered for recovery. */
  const pendingDraft = shallowRef<SegmentationDraft | null>(null);
  const measurements = ref<LabelMeasurements | null>(null);

  let stroke: { rec: EditRecorder; last: Vec3; counted: number; view: 'axial' | 'coronal' | 'sagittal' } | null = null;
  let draftTimer: number | null = null;
  let lastDraftMs = 0;
  let clock: number | null = null;
  let lastInputMs = Date.now();

  /** Labelled voxels, kept up to date from each edit's delta (never a recount of the volume per stroke). */
  const voxelCount = ref(0);

  function changed(): void {
    dirtyBox = null;
    revision.value++;
    canUndo.value = history.canUndo;
    canRedo.value = history.canRedo;
    measurements.value = null;
  }

  function touched(): void {
    lastInputMs = Date.now();
    dirty.value = true;
    scheduleDraft();
  }

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
    grid.value = null;
    voxelCount.value = 0;
    history.clear();
    stroke = null;
    pendingDraft.value = null;
    dirty.value = false;
    measurements.value = null;
    if (!(await viewer.open(s.seriesId))) return false;
    const v = viewer.volume!;
    const n = v.geometry.size[0] * v.geometry.size[1] * v.geometry.size[2];
    let data = new Uint8Array(n);
    baseId.value = null;
    baseVersion.value = null;
    status.value = 'in_progress';
    timeSpentS.value = 0;
    if (fromSegmentation !== null) {
      const loaded = await ui.attempt(`Could not load segmentation #${fromSegmentation}`, async () => {
        const [mask, rows] = await Promise.all([
          fetchVoxels('mask', fromSegmentation),
          call('segmentation.list', { lesionId: s.lesionId, seriesId: s.seriesId, reader: s.reader, allVersions: true }),
        ]);
        if (mask.header.seriesId !== s.seriesId || mask.data.length !== n)
          throw new Error(
            `segmentation #${fromSegmentation} lies on series #${mask.header.seriesId}, not on the series opened (#${s.seriesId}).`,
          );
        return { mask: mask.data as Uint8Array, row: rows.find((r: Segmentation) => r.id === fromSegmentation) ?? null };
      });
      if (!loaded) return false;
      data = new Uint8Array(loaded.mask);
      baseId.value = fromSegmentation;
      baseVersion.value = loaded.row?.version ?? null;
      if (loaded.row) {
        status.value = loaded.row.status;
        timeSpentS.value = loaded.row.timeSpentS;
      }
    }
    grid.value = markRaw({ size: v.geometry.size, spacingMm: v.geometry.spacingMm, data });
    voxelCount.value = countLabel(data);
    slot.value = s;
    const draft = await ui.attempt('Could not look for an autosaved draft', () => call('segmentation.draft.get', s));
    if (draft) pendingDraft.value = draft;
    changed();
    lastInputMs = Date.now();
    startClock();
    return true;
  }

  /** Replaces the labelmap by the autosaved draft (one undoable step). */
  function recoverDraft(): void {
    const d = pendingDraft.value;
    const g = grid.value;
    if (!d || !g) return;
    let mask: Uint8Array;
    try {
      mask = maskOfRuns(d.runs, g.data.length, 'The draft');
    } catch (err) {
      ui.reportError('Could not recover the draft', err);
      return;
    }
    const rec = new EditRecorder(g);
    for (let v = 0; v < mask.length; v++) rec.set(v, mask[v]! ? LABEL : 0);
    history.push(rec.finish());
    voxelCount.value += rec.labelledDelta;
    status.value = d.status;
    timeSpentS.value = Math.max(timeSpentS.value, d.timeSpentS);
    pendingDraft.value = null;
    changed();
    touched();
  }

  async function discardDraft(): Promise<void> {
    if (!slot.value) return;
    pendingDraft.value = null;
    await ui.attempt('Could not discard the draft', () => call('segmentation.draft.discard', slot.value!));
  }

  function brushOptions(view: 'axial' | 'coronal' | 'sagittal') {
    const v = viewer.volume!;
    return {
      radiusMm: tools.radiusMm,
      mode: tools.mode,
      axis: viewer.axisOf(view),
      value: tools.tool === 'eraser' ? 0 : LABEL,
      threshold: tools.thresholdEnabled ? { image: v.data, min: tools.thresholdMin, max: tools.thresholdMax } : undefined,
    };
  }

  function brushBox(from: Vec3, to: Vec3): { lo: Vec3; hi: Vec3 } {
    const g = grid.value!;
    const lo: Vec3 = [0, 0, 0];
    const hi: Vec3 = [0, 0, 0];
    for (let a = 0; a < 3; a++) {
      const reach = tools.radiusMm / g.spacingMm[a]! + 1;
      lo[a] = Math.floor(Math.min(from[a]!, to[a]!) - reach);
      hi[a] = Math.ceil(Math.max(from[a]!, to[a]!) + reach);
    }
    return { lo, hi };
  }

  /**
   * Whether a view must redraw for the last revision: during a stroke only the view being painted
   * does (the others catch up when the stroke ends); otherwise a view whose slice the change
   * can reach.
   */
  function needsRedraw(view: 'axial' | 'coronal' | 'sagittal', axis: 0 | 1 | 2, slice: number): boolean {
    if (stroke) return stroke.view === view;
    return dirtyBox === null || (slice >= dirtyBox.lo[axis] && slice <= dirtyBox.hi[axis]);
  }

  function beginStroke(view: 'axial' | 'coronal' | 'sagittal', at: Vec3): void {
    const g = grid.value;
    if (!g || !viewer.volume) return;
    const rec = new EditRecorder(g);
    paintBrush(rec, { ...brushOptions(view), centre: at });
    stroke = { rec, last: at, counted: rec.labelledDelta, view };
    voxelCount.value += rec.labelledDelta;
    dirtyBox = brushBox(at, at);
    revision.value++;
  }

  function continueStroke(view: 'axial' | 'coronal' | 'sagittal', at: Vec3): void {
    if (!stroke) return;
    paintStroke(stroke.rec, stroke.last, at, brushOptions(view));
    dirtyBox = brushBox(stroke.last, at);
    stroke.last = at;
    voxelCount.value += stroke.rec.labelledDelta - stroke.counted;
    stroke.counted = stroke.rec.labelledDelta;
    revision.value++;
  }

  function endStroke(): void {
    if (!stroke) return;
    const pushed = history.push(stroke.rec.finish());
    stroke = null;
    changed();
    if (pushed) touched();
  }

  /** Runs one whole-labelmap tool as one undoable step; returns the voxels changed. */
  function runTool(f: (rec: EditRecorder) => void): number {
    const g = grid.value;
    if (!g) return 0;
    const rec = new EditRecorder(g);
    f(rec);
    const edit = rec.finish();
    voxelCount.value += rec.labelledDelta;
    if (history.push(edit)) touched();
    changed();
    return edit.indices.length;
  }

  function regionGrow(view: 'axial' | 'coronal' | 'sagittal', at: Vec3): number {
    const v = viewer.volume;
    if (!v) return 0;
    const seed = at.map((x, a) => Math.min(v.geometry.size[a]! - 1, Math.max(0, Math.round(x)))) as Vec3;
    return runTool((rec) =>
      floodFill(rec, v.data, seed, { mode: tools.mode, axis: viewer.axisOf(view), value: LABEL, tolerance: tools.tolerance }),
    );
  }

  function scopeFor(view: 'axial' | 'coronal' | 'sagittal') {
    return { mode: tools.mode, axis: viewer.axisOf(view), value: LABEL, slice: viewer.sliceOf(view) };
  }

  const fillHolesIn = (view: 'axial' | 'coronal' | 'sagittal') => runTool((rec) => fillHoles(rec, scopeFor(view)));
  const keepLargest = (view: 'axial' | 'coronal' | 'sagittal') =>
    runTool((rec) => removeIslands(rec, { ...scopeFor(view), keepLargest: true }));
  const removeSmallIslands = (view: 'axial' | 'coronal' | 'sagittal') =>
    runTool((rec) => removeIslands(rec, { ...scopeFor(view), minVoxels: tools.islandMinVoxels }));
  const grow = (view: 'axial' | 'coronal' | 'sagittal', operation: 'dilate' | 'erode') =>
    runTool((rec) =>
      morphology(rec, {
        operation,
        radiusMm: tools.morphologyRadiusMm,
        mode: tools.mode,
        axis: viewer.axisOf(view),
        value: LABEL,
      }),
    );

  function undo(): void {
    if (!grid.value || stroke) return;
    const r = history.undo(grid.value.data);
    if (r) {
      voxelCount.value += r.labelledDelta;
      changed();
      touched();
    }
  }

  function redo(): void {
    if (!grid.value || stroke) return;
    const r = history.redo(grid.value.data);
    if (r) {
      voxelCount.value += r.labelledDelta;
      changed();
      touched();
    }
  }

  function measure(): void {
    if (grid.value) measurements.value = measureLabel(grid.value, LABEL, viewer.axisOf('axial'));
  }

  function scheduleDraft(): void {
    if (draftTimer !== null) window.clearTimeout(draftTimer);
    const wait = Date.now() - lastDraftMs > DRAFT_EVERY_MS ? 0 : DRAFT_DELAY_MS;
    draftTimer = window.setTimeout(() => void flushDraft(), wait);
  }

  /** Writes the draft now if there are unsaved edits (also called before leaving the editor). */
  async function flushDraft(): Promise<void> {
    if (draftTimer !== null) window.clearTimeout(draftTimer);
    draftTimer = null;
    const s = slot.value;
    const g = grid.value;
    if (!s || !g || !dirty.value) return;
    lastDraftMs = Date.now();
    const r = await ui.attempt('Could not autosave the draft', () =>
      call('segmentation.draft.save', {
        ...s,
        baseId: baseId.value,
        status: status.value,
        timeSpentS: Math.round(timeSpentS.value * 10) / 10,
        runs: runsOf(g.data),
      }),
    );
    if (r) lastDraftAt.value = r.updatedAt;
  }

  /** Saves the labelmap as a new version; the saved version becomes the base of further edits. */
  async function save(): Promise<Segmentation | null> {
    const s = slot.value;
    const g = grid.value;
    if (!s || !g || saving.value) return null;
    saving.value = true;
    try {
      const saved = await ui.attempt('Could not save the segmentation', () =>
        call('segmentation.save', {
          ...s,
          parentId: baseId.value,
          status: status.value,
          timeSpentS: Math.round(timeSpentS.value * 10) / 10,
          runs: runsOf(g.data),
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
    grid.value = null;
    history.clear();
  }

  return {
    slot,
    baseId,
    baseVersion,
    grid,
    revision,
    canUndo,
    canRedo,
    opacity,
    outline,
    visible,
    status,
    timeSpentS,
    dirty,
    saving,
    lastDraftAt,
    pendingDraft,
    measurements,
    voxelCount,
    open,
    close,
    recoverDraft,
    discardDraft,
    beginStroke,
    continueStroke,
    endStroke,
    regionGrow,
    fillHolesIn,
    keepLargest,
    removeSmallIslands,
    grow,
    undo,
    redo,
    measure,
    needsRedraw,
    flushDraft,
    save,
  };
});
