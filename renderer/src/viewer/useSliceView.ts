/**
 * One slice view's vtk.js lifecycle: render window in the container, the image slice (the
 * labelmap overlay is a 2D canvas above it, useLabelOverlay.ts), the camera driven by
 * the viewer store (focal point, zoom, LPS orientation), window/level, and redraws coalesced to
 * one per animation frame. Everything is released when the component unmounts. A lost WebGL
 * context is reported; the labelmap lives in the store, so no painted work is lost with it.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import vtkImageMapper from '@kitware/vtk.js/Rendering/Core/ImageMapper';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { useViewerStore } from '../stores/viewer.js';
import { ORIENTATIONS, type ViewId } from './orientation.js';
import type { SliceViewOptions } from './sliceSource.js';
import { useLabelOverlay } from './useLabelOverlay.js';
import { imageDataOf } from './vtkScene.js';

export function useSliceView(container: Ref<HTMLElement | null>, view: ViewId, options: SliceViewOptions = {}) {
  const viewer = options.source ?? useViewerStore();
  const size = ref<[number, number]>([1, 1]);
  const contextLost = ref(false);
  const frames = ref(0);

  const renderWindow = vtkRenderWindow.newInstance();
  const glWindow = vtkOpenGLRenderWindow.newInstance();
  renderWindow.addView(glWindow);
  const renderer = vtkRenderer.newInstance();
  renderer.setBackground(0, 0, 0);
  renderWindow.addRenderer(renderer);
  const camera = renderer.getActiveCamera();
  camera.setParallelProjection(true);

  const imageMapper = vtkImageMapper.newInstance();
  const imageActor = vtkImageSlice.newInstance();
  imageActor.setMapper(imageMapper);
  imageActor.getProperty().setInterpolationTypeToLinear();

  let frame: number | null = null;
  let observer: ResizeObserver | null = null;

  function requestRender(): void {
    if (frame !== null || contextLost.value) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      if (!viewer.volume) return;
      renderWindow.render();
      frames.value++;
    });
  }

  function updateCamera(): void {
    const c = viewer.cameras[view];
    const o = ORIENTATIONS[view];
    const d = 1000;
    camera.setFocalPoint(...c.focal);
    camera.setPosition(c.focal[0] - o.direction[0] * d, c.focal[1] - o.direction[1] * d, c.focal[2] - o.direction[2] * d);
    camera.setViewUp(...o.viewUp);
    camera.setParallelScale(c.baseScaleMm / c.zoom);
    renderer.resetCameraClippingRange();
    requestRender();
  }

  let shownSlice: [number, number] | null = null;

  /** Sets the mappers to the view's slice; redraws only when it changed (scrolling another view moves only the crosshair). */
  function updateSlice(force = false): void {
    if (!viewer.volume) return;
    const axis = viewer.axisOf(view);
    const s = viewer.sliceOf(view);
    if (!force && shownSlice && shownSlice[0] === axis && shownSlice[1] === s) return;
    shownSlice = [axis, s];
    imageMapper.setSlicingMode(axis);
    imageMapper.setSlice(s);
    renderer.resetCameraClippingRange();
    requestRender();
  }

  function updateWindowLevel(): void {
    const p = imageActor.getProperty();
    p.setColorWindow(viewer.windowLevel.window);
    p.setColorLevel(viewer.windowLevel.level);
    requestRender();
  }

  function attachVolume(): void {
    const v = viewer.volume;
    renderer.removeAllViewProps();
    if (!v) return;
    imageMapper.setInputData(imageDataOf(v));
    renderer.addViewProp(imageActor);
    updateSlice(true);
    updateCamera();
    updateWindowLevel();
  }

  function resize(): void {
    const el = container.value;
    if (!el) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.floor(el.clientWidth));
    const h = Math.max(1, Math.floor(el.clientHeight));
    size.value = [w, h];
    glWindow.setSize(Math.floor(w * dpr), Math.floor(h * dpr));
    requestRender();
  }

  onMounted(() => {
    const el = container.value!;
    glWindow.setContainer(el);
    const canvas = glWindow.getCanvas();
    if (canvas) {
      canvas.style.width = '100%';
      canvas.style.height = '100%';
      canvas.style.display = 'block';
      canvas.addEventListener('webglcontextlost', (e) => {
        e.preventDefault();
        contextLost.value = true;
      });
      canvas.addEventListener('webglcontextrestored', () => {
        contextLost.value = false;
        requestRender();
      });
    }
    observer = new ResizeObserver(resize);
    observer.observe(el);
    resize();
    attachVolume();
  });
  if (options.labels !== false) useLabelOverlay(container, view, size);

  watch(() => viewer.volume, attachVolume);
  watch(
    () => viewer.crosshairIndex,
    () => updateSlice(),
  );
  watch(() => viewer.cameras[view], updateCamera, { deep: true });
  watch(() => viewer.windowLevel, updateWindowLevel);

  onBeforeUnmount(() => {
    if (frame !== null) cancelAnimationFrame(frame);
    observer?.disconnect();
    renderWindow.removeRenderer(renderer);
    for (const o of [imageActor, imageMapper, renderer]) o.delete();
    glWindow.setContainer(null as unknown as HTMLElement);
    glWindow.delete();
    renderWindow.delete();
  });

  return { size, contextLost, frames, requestRender };
}
