/**
 * A slice view's labelmap overlay lifecycle (labelOverlay.ts): a 2D canvas appended over the
 * image canvas (useSliceView.ts) in the view's container, refreshed from the labelmap store's revisions (only
 * the box a brush dab can reach during a stroke) and redrawn once per animation frame when the
 * slice, camera, size or display settings change. Both canvases draw with one transform (sliceToScreen), so image and labels stay registered.
 */
import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import { useLabelmapStore } from '../stores/labelmap.js';
import { useViewerStore } from '../stores/viewer.js';
import { LabelOverlay, placedRasterCanvas, type OverlayStyle } from './labelOverlay.js';
import type { ViewId } from './orientation.js';

export function useLabelOverlay(container: Ref<HTMLElement | null>, view: ViewId, size: Ref<[number, number]>) {
  const viewer = useViewerStore();
  const labelmap = useLabelmapStore();
  let overlay: LabelOverlay | null = null;
  let canvas: HTMLCanvasElement | null = null;
  let frame: number | null = null;

  const style = (): OverlayStyle => ({ opacity: labelmap.opacity, outline: labelmap.outline, colours: labelmap.colourTable });

  function draw(): void {
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      const v = viewer.volume;
      if (!overlay || !v) return;
      const c = viewer.cameras[view];
      const [width, height] = size.value;
      overlay.draw(
        v.geometry,
        view,
        { focal: c.focal, mmPerPx: (2 * (c.baseScaleMm / c.zoom)) / height, width, height },
        labelmap.visible,
      );
    });
  }

  function showSlice(force = false): void {
    if (!overlay) return;
    const v = viewer.volume;
    overlay.setSlice(v ? labelmap.grid : null, viewer.axisOf(view), viewer.sliceOf(view), style(), force);
    draw();
  }

  onMounted(() => {
    // Sized to the slice raster and placed by a CSS transform (LabelOverlay.draw); labels stay crisp.
    canvas = placedRasterCanvas('label-overlay', 'pixelated');
    container.value!.appendChild(canvas);
    overlay = new LabelOverlay(canvas);
    showSlice(true);
  });

  watch(
    () => [viewer.volume, labelmap.grid],
    () => showSlice(true),
  );
  watch(
    () => viewer.crosshairIndex,
    () => showSlice(),
  );
  watch(
    () => labelmap.revision,
    () => {
      if (!overlay) return;
      const box = labelmap.changedBox();
      if (box === null) showSlice(true);
      else if (
        labelmap.needsRedraw(view, viewer.axisOf(view), viewer.sliceOf(view)) &&
        overlay.refreshBox(box.lo, box.hi, style())
      )
        draw();
    },
  );
  watch(
    () => [labelmap.opacity, labelmap.outline, labelmap.colourTable],
    () => showSlice(true),
  );
  watch(() => labelmap.visible, draw);
  watch(() => viewer.cameras[view], draw, { deep: true });
  watch(size, draw);

  onBeforeUnmount(() => {
    if (frame !== null) cancelAnimationFrame(frame);
    canvas?.remove();
    overlay = null;
  });
}
