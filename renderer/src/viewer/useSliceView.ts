/**
 * One slice view's vtk.js lifecycle: render window in the container, the image slice and the
 * labelmap overlay (its own layer, so it never z-fights with the image), the camera driven by
 * the viewer store (focal point, zoom, LPS orientation), window/level, and redraws coalesced to
 * one per animation frame. Everything is released when the component unmounts. A lost WebGL
 * context is reported; the labelmap lives in the store, so no painted work is lost with it.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkImageMapper from '@kitware/vtk.js/Rendering/Core/ImageMapper';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { useLabelmapStore } from '../stores/labelmap.js';
import { useViewerStore } from '../stores/viewer.js';
import { ORIENTATIONS, type ViewId } from './orientation.js';
import { imageDataOf, labelChanged, labelDataOf } from './vtkScene.js';

/** Label 1's overlay colour (RGB 0…1). */
const LABEL_COLOR: [number, number, number] = [1, 0.25, 0.2];

export function useSliceView(container: Ref<HTMLElement | null>, view: ViewId) {
  const viewer = useViewerStore();
  const labelmap = useLabelmapStore();
  const size = ref<[number, number]>([1, 1]);
  const contextLost = ref(false);
  const frames = ref(0);

  const renderWindow = vtkRenderWindow.newInstance();
  const glWindow = vtkOpenGLRenderWindow.newInstance();
  renderWindow.addView(glWindow);
  renderWindow.setNumberOfLayers(2);
  const renderer = vtkRenderer.newInstance();
  renderer.setBackground(0, 0, 0);
  const labelRenderer = vtkRenderer.newInstance();
  labelRenderer.setLayer(1);
  labelRenderer.setInteractive(false);
  renderWindow.addRenderer(renderer);
  renderWindow.addRenderer(labelRenderer);
  const camera = renderer.getActiveCamera();
  camera.setParallelProjection(true);
  labelRenderer.setActiveCamera(camera);

  const imageMapper = vtkImageMapper.newInstance();
  const imageActor = vtkImageSlice.newInstance();
  imageActor.setMapper(imageMapper);
  imageActor.getProperty().setInterpolationTypeToLinear();
  const labelMapper = vtkImageMapper.newInstance();
  const labelActor = vtkImageSlice.newInstance();
  labelActor.setMapper(labelMapper);
  const labelColors = vtkColorTransferFunction.newInstance();
  labelColors.addRGBPoint(0, 0, 0, 0);
  labelColors.addRGBPoint(1, ...LABEL_COLOR);
  const labelOpacity = vtkPiecewiseFunction.newInstance();
  const lp = labelActor.getProperty();
  lp.setRGBTransferFunction(0, labelColors);
  lp.setPiecewiseFunction(0, labelOpacity);
  lp.setInterpolationTypeToNearest();
  lp.setUseLookupTableScalarRange(true);
  lp.setLabelOutlineThickness(2);

  let frame: number | null = null;
  let observer: ResizeObserver | null = null;
  let shownLabel: ReturnType<typeof labelDataOf> | null = null;

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
    labelMapper.setSlicingMode(axis);
    labelMapper.setSlice(s);
    renderer.resetCameraClippingRange();
    requestRender();
  }

  function updateWindowLevel(): void {
    const p = imageActor.getProperty();
    p.setColorWindow(viewer.windowLevel.window);
    p.setColorLevel(viewer.windowLevel.level);
    requestRender();
  }

  function updateLabelDisplay(): void {
    labelOpacity.removeAllPoints();
    labelOpacity.addPoint(0, 0);
    labelOpacity.addPoint(1, labelmap.visible ? labelmap.opacity : 0);
    lp.setUseLabelOutline(labelmap.outline);
    // The outline mode draws the border at full strength and the inside at the fill opacity.
    lp.setLabelOutlineOpacity(labelmap.visible ? 1 : 0);
    labelActor.setVisibility(labelmap.visible);
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

  function attachLabel(): void {
    const v = viewer.volume;
    const g = labelmap.grid;
    labelRenderer.removeAllViewProps();
    shownLabel = null;
    if (!v || !g) return;
    shownLabel = labelDataOf(v, g);
    labelMapper.setInputData(shownLabel);
    labelRenderer.addViewProp(labelActor);
    updateLabelDisplay();
    updateSlice(true);
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
    attachLabel();
  });

  watch(
    () => viewer.volume,
    () => {
      attachVolume();
      attachLabel();
    },
  );
  watch(() => labelmap.grid, attachLabel);
  watch(
    () => labelmap.revision,
    () => {
      if (!shownLabel) return;
      // The shared labelmap is marked changed either way; a view redraws only if its slice can show the change.
      labelChanged(shownLabel);
      if (labelmap.needsRedraw(view, viewer.axisOf(view), viewer.sliceOf(view))) requestRender();
    },
  );
  watch(
    () => viewer.crosshairIndex,
    () => updateSlice(),
  );
  watch(() => viewer.cameras[view], updateCamera, { deep: true });
  watch(() => viewer.windowLevel, updateWindowLevel);
  watch(() => [labelmap.opacity, labelmap.outline, labelmap.visible], updateLabelDisplay);

  onBeforeUnmount(() => {
    if (frame !== null) cancelAnimationFrame(frame);
    observer?.disconnect();
    renderWindow.removeRenderer(renderer);
    renderWindow.removeRenderer(labelRenderer);
    for (const o of [imageActor, imageMapper, labelActor, labelMapper, labelColors, labelOpacity, renderer, labelRenderer])
      o.delete();
    glWindow.setContainer(null as unknown as HTMLElement);
    glWindow.delete();
    renderWindow.delete();
  });

  return { size, contextLost, frames, requestRender };
}
