import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { Vec3 } from '../../../main/compute/imaging/volume.js';
import type { ViewId } from '../viewer/orientation.js';
import { fillContour, thinPath, type Point2 } from '../viewer/tools/contour.js';
import { interpolateSlices } from '../viewer/tools/interpolate.js';
import { planeOf } from '../viewer/tools/plane.js';
import { useLabelmapStore } from './labelmap.js';
import { useUiStore } from './ui.js';
import { useViewerStore } from './viewer.js';
import { useViewerToolsStore } from './viewerTools.js';

/**
 * The slice-based tools added to the editor: polygon (click vertices, close on the first
 * vertex, a double click or Enter; Escape cancels), freehand contour (drag, closed on release)
 * and fill between slices. Each finished contour or interpolation is one undoable step of the
 * labelmap store. The contour being drawn is kept as continuous voxel indices of the slice it
 * was started on, so the views can draw it whatever the zoom.
 */
export const useContourToolStore = defineStore('contourTool', () => {
  const labelmap = useLabelmapStore();
  const viewer = useViewerStore();
  const tools = useViewerToolsStore();
  const ui = useUiStore();

  /** Vertices (continuous voxel index) of the contour in progress, or empty. */
  const points = shallowRef<Vec3[]>([]);
  const view = ref<ViewId | null>(null);
  let freehand = false;

  function reset(): void {
    points.value = [];
    view.value = null;
    freehand = false;
  }

  // A contour half drawn is dropped when another case opens or another tool is chosen.
  watch(() => labelmap.grid, reset);
  watch(
    () => tools.tool,
    (t) => {
      if (t !== 'polygon' && t !== 'freehand') reset();
    },
  );

  /** Polygon: adds a vertex (starting a contour in `v` if none is in progress there). */
  function addPoint(v: ViewId, at: Vec3): void {
    if (view.value !== v || points.value.length === 0 || at[viewer.axisOf(v)] !== points.value[0]![viewer.axisOf(v)]) {
      points.value = [at];
      view.value = v;
      return;
    }
    points.value = [...points.value, at];
  }

  function beginFreehand(v: ViewId, at: Vec3): void {
    points.value = [at];
    view.value = v;
    freehand = true;
  }

  function extend(at: Vec3): void {
    if (freehand) points.value = [...points.value, at];
  }

  /** Rasterises the contour in progress on its slice (one undoable step) and clears it. */
  function close(): number {
    const v = view.value;
    const g = labelmap.grid;
    const pts = points.value;
    const isFreehand = freehand;
    reset();
    if (!v || !g || pts.length === 0) return 0;
    const axis = viewer.axisOf(v);
    const plane = planeOf(g.size, g.spacingMm, axis);
    let contour: Point2[] = pts.map((p) => [p[plane.uAxis], p[plane.wAxis]]);
    if (isFreehand) contour = thinPath(contour);
    if (contour.length < 3) {
      if (!isFreehand || contour.length > 1)
        ui.notify('A contour needs at least 3 points: click the vertices, then click the first one again (or press Enter).');
      return 0;
    }
    const slice = Math.round(pts[0]![axis]);
    let inside = 0;
    labelmap.runTool((rec) => {
      inside = fillContour(rec, { axis, slice, points: contour, value: labelmap.activeLabel });
    });
    return inside;
  }

  /** Fill between slices across the view's slice axis (one undoable step). */
  function interpolate(v: ViewId): void {
    if (!labelmap.grid) return;
    let keys: number[] = [];
    let filled: number[] = [];
    const changed = labelmap.runTool((rec) => {
      const r = interpolateSlices(rec, { axis: viewer.axisOf(v), value: labelmap.activeLabel });
      keys = r.keySlices;
      filled = r.filledSlices;
    });
    if (keys.length < 2)
      ui.notify('Paint the lesion on at least two slices, with unpainted slices between them, then fill between them.');
    else if (filled.length === 0)
      ui.notify(
        'No slice was filled: the painted slices are adjacent, or their contours do not overlap (paint more key slices closer together).',
      );
    else
      ui.notify(
        `Filled ${filled.length} slice${filled.length === 1 ? '' : 's'} between the ${keys.length} painted ones (${changed.toLocaleString()} voxels); Ctrl+Z undoes it.`,
        'success',
      );
  }

  return { points, view, addPoint, beginFreehand, extend, close, cancel: reset, interpolate };
});
