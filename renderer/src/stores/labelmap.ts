import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { Vec3 } from '../../../main/compute/imaging/volume.js';
import { paintBrush, paintStroke } from '../viewer/tools/brush.js';
import { fillHoles, floodFill, removeIslands } from '../viewer/tools/fill.js';
import { countLabel, EditRecorder, type LabelGrid } from '../viewer/tools/grid.js';
import { EditHistory } from '../viewer/tools/history.js';
import { measureLabel, type LabelMeasurements } from '../viewer/tools/measure.js';
import { morphology } from '../viewer/tools/morphology.js';
import type { ViewId } from '../viewer/orientation.js';
import { useViewerStore } from './viewer.js';
import { useViewerToolsStore } from './viewerTools.js';

const LABEL = 1;

/**
 * The labelmap being edited on the series grid: the editing tools as undoable steps (diffs in
 * EditHistory), the labelled-voxel count, measurements, and how the overlay is shown. Where the
 * labelmap comes from and goes to (versions, drafts) is the session store's concern; it learns
 * of edits through `editCount`.
 */
export const useLabelmapStore = defineStore('labelmap', () => {
  const viewer = useViewerStore();
  const tools = useViewerToolsStore();

  const grid = shallowRef<LabelGrid | null>(null);
  /** Bumped on every change of the voxels: the views re-upload the labelmap slice. */
  const revision = ref(0);
  /** Bumped once per undoable step (and undo/redo): the session autosaves after it. */
  const editCount = ref(0);
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
  const measurements = ref<LabelMeasurements | null>(null);
  /** Labelled voxels, kept up to date from each edit's delta (never a recount of the volume per stroke). */
  const voxelCount = ref(0);

  let stroke: { rec: EditRecorder; last: Vec3; counted: number; view: ViewId } | null = null;

  function changed(): void {
    dirtyBox = null;
    revision.value++;
    canUndo.value = history.canUndo;
    canRedo.value = history.canRedo;
    measurements.value = null;
  }

  /** Starts editing `data` (on the open volume's grid) with an empty history; null clears. */
  function load(data: Uint8Array | null): void {
    const v = viewer.volume;
    history.clear();
    stroke = null;
    grid.value = data && v ? markRaw({ size: v.geometry.size, spacingMm: v.geometry.spacingMm, data }) : null;
    voxelCount.value = data ? countLabel(data) : 0;
    changed();
  }

  /** Replaces the whole labelmap by `mask` (0/1) as one undoable step (recovering a draft). */
  function replaceAll(mask: Uint8Array): void {
    runTool((rec) => {
      for (let v = 0; v < mask.length; v++) rec.set(v, mask[v]! ? LABEL : 0);
    });
  }

  function brushOptions(view: ViewId) {
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
  function needsRedraw(view: ViewId, axis: 0 | 1 | 2, slice: number): boolean {
    if (stroke) return stroke.view === view;
    return dirtyBox === null || (slice >= dirtyBox.lo[axis] && slice <= dirtyBox.hi[axis]);
  }

  /** The index box the last revision may have changed (see dirtyBox), null for anywhere. */
  function changedBox(): { lo: Vec3; hi: Vec3 } | null {
    return dirtyBox;
  }

  function beginStroke(view: ViewId, at: Vec3): void {
    const g = grid.value;
    if (!g || !viewer.volume) return;
    const rec = new EditRecorder(g);
    paintBrush(rec, { ...brushOptions(view), centre: at });
    stroke = { rec, last: at, counted: rec.labelledDelta, view };
    voxelCount.value += rec.labelledDelta;
    dirtyBox = brushBox(at, at);
    revision.value++;
  }

  function continueStroke(view: ViewId, at: Vec3): void {
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
    if (pushed) editCount.value++;
  }

  /** Runs one whole-labelmap tool as one undoable step; returns the voxels changed. */
  function runTool(f: (rec: EditRecorder) => void): number {
    const g = grid.value;
    if (!g) return 0;
    const rec = new EditRecorder(g);
    f(rec);
    const edit = rec.finish();
    voxelCount.value += rec.labelledDelta;
    if (history.push(edit)) editCount.value++;
    changed();
    return edit.indices.length;
  }

  function regionGrow(view: ViewId, at: Vec3): number {
    const v = viewer.volume;
    if (!v) return 0;
    const seed = at.map((x, a) => Math.min(v.geometry.size[a]! - 1, Math.max(0, Math.round(x)))) as Vec3;
    return runTool((rec) =>
      floodFill(rec, v.data, seed, { mode: tools.mode, axis: viewer.axisOf(view), value: LABEL, tolerance: tools.tolerance }),
    );
  }

  function scopeFor(view: ViewId) {
    return { mode: tools.mode, axis: viewer.axisOf(view), value: LABEL, slice: viewer.sliceOf(view) };
  }

  const fillHolesIn = (view: ViewId) => runTool((rec) => fillHoles(rec, scopeFor(view)));
  const keepLargest = (view: ViewId) => runTool((rec) => removeIslands(rec, { ...scopeFor(view), keepLargest: true }));
  const removeSmallIslands = (view: ViewId) =>
    runTool((rec) => removeIslands(rec, { ...scopeFor(view), minVoxels: tools.islandMinVoxels }));
  const grow = (view: ViewId, operation: 'dilate' | 'erode') =>
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
      editCount.value++;
    }
  }

  function redo(): void {
    if (!grid.value || stroke) return;
    const r = history.redo(grid.value.data);
    if (r) {
      voxelCount.value += r.labelledDelta;
      changed();
      editCount.value++;
    }
  }

  function measure(): void {
    if (grid.value) measurements.value = measureLabel(grid.value, LABEL, viewer.axisOf('axial'));
  }

  return {
    grid,
    revision,
    editCount,
    canUndo,
    canRedo,
    opacity,
    outline,
    visible,
    measurements,
    voxelCount,
    load,
    replaceAll,
    runTool,
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
    changedBox,
  };
});
