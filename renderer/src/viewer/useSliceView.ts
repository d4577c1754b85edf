/**
 * One slice view's image: a 2D canvas in the container (no WebGL; issue 10 and docs/viewer.md
 * "Viewer rendering"), the slice read from the volume's typed array for the view's axis and
 * mapped through a window/level lookup table (sliceImage.ts), drawn with the camera of the
 * viewer store (focal point, zoom, LPS orientation, voxel spacing) through the same affine
 * raster → screen transform as the labelmap overlay (labelOverlay.ts sliceToScreen), which
 * is a second 2D canvas above it (useLabelOverlay.ts). Redraws are coalesced to one per
 * animation frame and do only the work that changed: a new slice is read out and mapped, a new
 * window/level only re-mapped, a camera or size change only redrawn. A lost 2D context
 * (Chromium's contextlost, e.g. a GPU reset with accelerated canvas) is reported and the view
 * is redrawn when the context comes back; the labelmap lives in the store, so no painted work is lost.
 */
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import type { VoxelTypedArray } from '../../../main/api/voxels.js';
import { useViewerStore } from '../stores/viewer.js';
import { placedRasterCanvas, planeAxes, sliceToScreen } from './labelOverlay.js';
import { mmPerPixel } from './linking.js';
import type { ViewId } from './orientation.js';
import { applyWindow, cachedGreyLut, extractSlice, sliceBufferLike } from './sliceImage.js';
import type { SliceViewOptions } from './sliceSource.js';
import { useLabelOverlay } from './useLabelOverlay.js';

export function useSliceView(container: Ref<HTMLElement | null>, view: ViewId, options: SliceViewOptions = {}) {
  const viewer = options.source ?? useViewerStore();
  const smoothing = (options.interpolation ?? 'linear') === 'linear';
  const size = ref<[number, number]>([1, 1]);
  const contextLost = ref(false);
  const frames = ref(0);

  let canvas: HTMLCanvasElement | null = null;
  let ctx: CanvasRenderingContext2D | null = null;
  /** The shown slice: its values (the volume's type) and RGBA pixels (the canvas is the slice raster). */
  let values: VoxelTypedArray | null = null;
  let pixels: ImageData | null = null;
  let shown: { data: VoxelTypedArray; axis: 0 | 1 | 2; slice: number } | null = null;
  let sliceDirty = true;
  let windowDirty = true;
  let frame: number | null = null;
  let observer: ResizeObserver | null = null;

  function requestRender(): void {
    if (frame !== null || contextLost.value) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      render();
    });
  }

  /** Reads the slice out of the volume and sizes the buffers to it. */
  function readSlice(data: VoxelTypedArray, size3: readonly [number, number, number], axis: 0 | 1 | 2, slice: number): void {
    const [u, v] = planeAxes(axis);
    const w = size3[u];
    const h = size3[v];
    if (!values || values.length !== w * h || values.constructor !== data.constructor) values = sliceBufferLike(data, w * h);
    extractSlice(data, size3, axis, slice, values);
    if (!pixels || pixels.width !== w || pixels.height !== h) {
      pixels = new ImageData(w, h);
      canvas!.width = w;
      canvas!.height = h;
      canvas!.style.width = `${w}px`;
      canvas!.style.height = `${h}px`;
    }
    shown = { data, axis, slice };
  }

  /**
   * The canvas holds the slice raster at one pixel per voxel and the compositor places it: a CSS
   * matrix transform (the raster → view map of sliceToScreen, the one the label overlay uses)
   * does zoom, pan, orientation and anisotropic spacing. Scrolling uploads one slice of pixels,
   * window/level re-maps them, and zoom or pan changes only the transform: no view-sized raster is
   * redrawn per frame (measured in docs/viewer.md "Viewer rendering").
   */
  function render(): void {
    const v = viewer.volume;
    if (!ctx || !canvas) return;
    const [width, height] = size.value;
    if (!v) {
      canvas.style.visibility = 'hidden';
      return;
    }
    const axis = viewer.axisOf(view);
    const slice = viewer.sliceOf(view);
    if (sliceDirty || !shown || shown.data !== v.data || shown.axis !== axis || shown.slice !== slice) {
      readSlice(v.data, v.geometry.size, axis, slice);
      sliceDirty = false;
      windowDirty = true;
    }
    if (windowDirty) {
      const wl = viewer.windowLevel;
      applyWindow(values!, wl, cachedGreyLut(v.data, wl), new Uint32Array(pixels!.data.buffer));
      ctx.putImageData(pixels!, 0, 0);
      windowDirty = false;
    }
    const c = viewer.cameras[view];
    const m = sliceToScreen(v.geometry, view, axis, slice, { focal: c.focal, mmPerPx: mmPerPixel(c, height), width, height });
    canvas.style.transform = `matrix(${m.join(',')})`;
    canvas.style.visibility = 'visible';
    frames.value++;
  }

  function attachVolume(): void {
    sliceDirty = true;
    requestRender();
  }

  function resize(): void {
    const el = container.value;
    if (!el) return;
    const w = Math.max(1, Math.floor(el.clientWidth));
    const h = Math.max(1, Math.floor(el.clientHeight));
    size.value = [w, h];
    requestRender();
  }

  onMounted(() => {
    const el = container.value!;
    // Linear display: the compositor's bilinear filter; nearest: one block per voxel.
    canvas = placedRasterCanvas('slice-image', smoothing ? 'auto' : 'pixelated');
    el.appendChild(canvas);
    ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error(`This browser has no 2D canvas for the ${view} slice view.`);
    canvas.addEventListener('contextlost', () => {
      contextLost.value = true;
    });
    canvas.addEventListener('contextrestored', () => {
      contextLost.value = false;
      // The raster canvas may have lost its pixels with the context: read the slice again.
      sliceDirty = true;
      requestRender();
    });
    observer = new ResizeObserver(resize);
    observer.observe(el);
    resize();
    attachVolume();
  });
  if (options.labels !== false) useLabelOverlay(container, view, size);

  watch(() => viewer.volume, attachVolume);
  // Redraws only when the view's own slice changes (scrolling another view moves only the crosshair).
  watch([() => viewer.axisOf(view), () => viewer.sliceOf(view)], requestRender);
  watch(() => viewer.cameras[view], requestRender, { deep: true });
  watch(
    () => viewer.windowLevel,
    () => {
      windowDirty = true;
      requestRender();
    },
  );

  onBeforeUnmount(() => {
    if (frame !== null) cancelAnimationFrame(frame);
    observer?.disconnect();
    canvas?.remove();
    canvas = null;
    ctx = null;
    values = null;
    pixels = null;
    shown = null;
  });

  return { size, contextLost, frames, requestRender };
}
