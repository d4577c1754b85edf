import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { SegmentLabel } from '../../../main/api/segmentation.js';
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
import { defaultLabel, hexOfColour, labelColourTable, nextLabel, validateLabels } from '../viewer/labels.js';

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
  /** The label table (value 1…255, name, colour); the tools paint the active label's value. */
  const labels = ref<SegmentLabel[]>([defaultLabel(1)]);
  const activeLabel = ref(1);
  /** Eraser clears only voxels of the active label (false: any label). */
  const eraseActiveOnly = ref(true);
  /** Measurements of every label of the table, after measure(). */
  const labelMeasurements = ref<{ label: SegmentLabel; m: LabelMeasurements }[] | null>(null);
  /** RGB of each voxel value for the overlay. */
  const colourTable = computed(() => labelColourTable(labels.value));
  const active = (): number => activeLabel.value;

  let stroke: { rec: EditRecorder; last: Vec3; counted: number; view: ViewId } | null = null;

  function changed(): void {
    dirtyBox = null;
    revision.value++;
    canUndo.value = history.canUndo;
    canRedo.value = history.canRedo;
    measurements.value = null;
    labelMeasurements.value = null;
  }

  /**
   * Starts editing `data` (on the open volume's grid) with an empty history; null clears.
   * `table` is the saved label table; values present in the voxels but missing from it (masks
   * saved before label tables) get a default entry.
   */
  function load(data: Uint8Array | null, table: readonly SegmentLabel[] = []): void {
    const present = new Set<number>();
    if (data) for (let v = 0; v < data.length; v++) if (data[v] !== 0) present.add(data[v]!);
    const list = table.map((l) => ({ ...l }));
    for (const value of [...present].sort((a, b) => a - b))
      if (!list.some((l) => l.value === value)) list.push(defaultLabel(value));
    if (list.length === 0) list.push(defaultLabel(1));
    list.sort((a, b) => a.value - b.value);
    labels.value = list;
    activeLabel.value = list[0]!.value;
    const v = viewer.volume;
    history.clear();
    stroke = null;
    grid.value = data && v ? markRaw({ size: v.geometry.size, spacingMm: v.geometry.spacingMm, data }) : null;
    voxelCount.value = data ? countLabel(data) : 0;
    changed();
  }

  /** Replaces the whole labelmap by `mask` (label values) as one undoable step (recovering a draft). */
  function replaceAll(mask: Uint8Array, table?: readonly SegmentLabel[]): void {
    if (table && table.length > 0) {
      const list = table.map((l) => ({ ...l }));
      for (let v = 0; v < mask.length; v++)
        if (mask[v] !== 0 && !list.some((l) => l.value === mask[v])) list.push(defaultLabel(mask[v]!));
      labels.value = list.sort((a, b) => a.value - b.value);
      if (!labels.value.some((l) => l.value === activeLabel.value)) activeLabel.value = labels.value[0]!.value;
    }
    runTool((rec) => {
      for (let v = 0; v < mask.length; v++) rec.set(v, mask[v]!);
    });
  }

  /** Adds a label with the next free value; returns it (it becomes the active label). */
  function addLabel(name?: string): SegmentLabel {
    const value = nextLabel(labels.value);
    const l = defaultLabel(value);
    if (name !== undefined) l.name = name.trim();
    const list = [...labels.value, l].sort((a, b) => a.value - b.value);
    validateLabels(list);
    labels.value = list;
    activeLabel.value = value;
    editCount.value++;
    return l;
  }

  function findLabel(value: number): SegmentLabel {
    const l = labels.value.find((x) => x.value === value);
    if (!l) throw new Error(`There is no label with value ${value}.`);
    return l;
  }

  /** Renames label `value`; a blank or duplicate name is refused (the table is unchanged). */
  function renameLabel(value: number, name: string): void {
    findLabel(value);
    const list = labels.value.map((l) => (l.value === value ? { ...l, name: name.trim() } : l));
    validateLabels(list);
    labels.value = list;
    editCount.value++;
  }

  /** Sets the colour (#rrggbb or an [r, g, b] triple) of label `value`. */
  function recolourLabel(value: number, colour: string | [number, number, number]): void {
    findLabel(value);
    const hex = typeof colour === 'string' ? colour.toLowerCase() : hexOfColour(colour);
    const list = labels.value.map((l) => (l.value === value ? { ...l, colour: hex } : l));
    validateLabels(list);
    labels.value = list;
    editCount.value++;
  }

  /** Removes label `value` and clears its voxels (one undoable step); the last label stays. */
  function removeLabel(value: number): number {
    findLabel(value);
    if (labels.value.length === 1) throw new Error('The labelmap keeps at least one label.');
    const g = grid.value;
    const cleared = g
      ? runTool((rec) => {
          for (let v = 0; v < g.data.length; v++) if (g.data[v] === value) rec.set(v, 0);
        })
      : 0;
    labels.value = labels.value.filter((l) => l.value !== value);
    if (activeLabel.value === value) activeLabel.value = labels.value[0]!.value;
    editCount.value++;
    return cleared;
  }

  function selectLabel(value: number): void {
    findLabel(value);
    activeLabel.value = value;
  }

  function brushOptions(view: ViewId) {
    const v = viewer.volume!;
    return {
      radiusMm: tools.radiusMm,
      mode: tools.mode,
      axis: viewer.axisOf(view),
      value: tools.tool === 'eraser' ? 0 : active(),
      eraseOnly: tools.tool === 'eraser' && eraseActiveOnly.value ? active() : undefined,
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

  /** Whether a brush stroke is in progress (between beginStroke and endStroke). */
  function stroking(): boolean {
    return stroke !== null;
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
      floodFill(rec, v.data, seed, { mode: tools.mode, axis: viewer.axisOf(view), value: active(), tolerance: tools.tolerance }),
    );
  }

  function scopeFor(view: ViewId) {
    return { mode: tools.mode, axis: viewer.axisOf(view), value: active(), slice: viewer.sliceOf(view) };
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
        value: active(),
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

  /** Measures the active label (measurements) and every label of the table (labelMeasurements). */
  function measure(): void {
    const g = grid.value;
    if (!g) return;
    const axis = viewer.axisOf('axial');
    labelMeasurements.value = labels.value.map((label) => ({ label, m: measureLabel(g, label.value, axis) }));
    measurements.value = labelMeasurements.value.find((x) => x.label.value === active())!.m;
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
    labels,
    activeLabel,
    eraseActiveOnly,
    labelMeasurements,
    colourTable,
    addLabel,
    renameLabel,
    recolourLabel,
    removeLabel,
    selectLabel,
    load,
    replaceAll,
    runTool,
    beginStroke,
    stroking,
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
