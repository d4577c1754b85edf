/**
 * The 3D view's vtk.js lifecycle: the three orthogonal image planes through the linked
 * crosshair (the same slices the 2D views show, same window/level) and the labelmap's surfaces,
 * one per label value in the label's colour (labelSurface.ts), rotated with the trackball (left drag), zoomed with the wheel, panned with
 * the middle button. The surface is rebuilt shortly after an edit step ends, never during a
 * stroke. Renders on demand only; a lost WebGL context is reported like in the slice views.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkImageMapper from '@kitware/vtk.js/Rendering/Core/ImageMapper';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import { useLabelmapStore } from '../stores/labelmap.js';
import { useViewerStore } from '../stores/viewer.js';
import { labelSurfaces } from './labelSurface.js';
import { volumeCentre } from './orientation.js';
import { imageDataOf } from './vtkScene.js';

/** Wait after the last edit step before re-meshing (typing a few strokes re-meshes once). */
const SURFACE_DELAY_MS = 250;

export function useVolume3D(container: Ref<HTMLElement | null>) {
  const viewer = useViewerStore();
  const labelmap = useLabelmapStore();
  const contextLost = ref(false);
  const triangles = ref(0);
  const frames = ref(0);

  const renderWindow = vtkRenderWindow.newInstance();
  const glWindow = vtkOpenGLRenderWindow.newInstance();
  renderWindow.addView(glWindow);
  const renderer = vtkRenderer.newInstance();
  renderer.setBackground(0.08, 0.09, 0.11);
  renderWindow.addRenderer(renderer);
  const interactor = vtkRenderWindowInteractor.newInstance();
  interactor.setView(glWindow);
  interactor.setInteractorStyle(vtkInteractorStyleTrackballCamera.newInstance());

  const planes = ([0, 1, 2] as const).map((axis) => {
    const mapper = vtkImageMapper.newInstance();
    mapper.setSlicingMode(axis);
    const actor = vtkImageSlice.newInstance();
    actor.setMapper(mapper);
    actor.getProperty().setInterpolationTypeToLinear();
    return { axis, mapper, actor };
  });
  // One actor per label value on screen, in the label's colour (the label table's, else the
  // default palette's); actors are reused across rebuilds and freed on unmount.
  type SurfaceActor = {
    label: number;
    mapper: ReturnType<typeof vtkMapper.newInstance>;
    actor: ReturnType<typeof vtkActor.newInstance>;
  };
  const surfaces: SurfaceActor[] = [];
  const spare: SurfaceActor[] = [];

  function colourSurface(s: SurfaceActor): void {
    const t = labelmap.colourTable;
    s.actor.getProperty().setColor(t[3 * s.label]! / 255, t[3 * s.label + 1]! / 255, t[3 * s.label + 2]! / 255);
  }

  function takeSurfaceActor(label: number): SurfaceActor {
    let s = spare.pop();
    if (!s) {
      const mapper = vtkMapper.newInstance();
      const actor = vtkActor.newInstance();
      actor.setMapper(mapper);
      actor.getProperty().setSpecular(0.2);
      s = { label, mapper, actor };
    }
    s.label = label;
    colourSurface(s);
    return s;
  }

  let frame: number | null = null;
  let surfaceTimer: number | null = null;
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

  function updatePlanes(): void {
    const v = viewer.volume;
    if (!v) return;
    const idx = viewer.crosshairIndex;
    for (const p of planes) p.mapper.setSlice(Math.min(v.geometry.size[p.axis] - 1, Math.max(0, Math.round(idx[p.axis]))));
    requestRender();
  }

  function updateWindowLevel(): void {
    for (const p of planes) {
      p.actor.getProperty().setColorWindow(viewer.windowLevel.window);
      p.actor.getProperty().setColorLevel(viewer.windowLevel.level);
    }
    requestRender();
  }

  function updateSurface(): void {
    surfaceTimer = null;
    const v = viewer.volume;
    const grid = labelmap.grid;
    for (const s of surfaces.splice(0)) {
      renderer.removeActor(s.actor);
      spare.push(s);
    }
    triangles.value = 0;
    if (!v || !grid) return requestRender();
    let n = 0;
    for (const { label, surface } of labelSurfaces(grid, v.geometry)) {
      const s = takeSurfaceActor(label);
      // labelSurface types the filter's vtkPolyData output structurally; it is the real thing.
      s.mapper.setInputData(surface.polyData as unknown as Parameters<typeof s.mapper.setInputData>[0]);
      s.actor.setVisibility(labelmap.visible);
      renderer.addActor(s.actor);
      surfaces.push(s);
      n += surface.triangles;
    }
    triangles.value = n;
    requestRender();
  }

  function scheduleSurface(): void {
    if (surfaceTimer !== null) window.clearTimeout(surfaceTimer);
    surfaceTimer = window.setTimeout(surfaceWhenIdle, SURFACE_DELAY_MS);
  }

  /**
   * The timer's rebuild: not during a brush stroke, whose frames would wait for the 3D view's
   * marching cubes and its render (the stroke's end schedules a rebuild anyway).
   */
  function surfaceWhenIdle(): void {
    if (labelmap.stroking()) surfaceTimer = window.setTimeout(surfaceWhenIdle, SURFACE_DELAY_MS);
    else updateSurface();
  }

  /** Anterior view of the volume, head up (LPS: looking along +y, up +z). */
  function resetCamera(): void {
    const v = viewer.volume;
    if (!v) return;
    const c = volumeCentre(v.geometry);
    const camera = renderer.getActiveCamera();
    camera.setFocalPoint(...c);
    camera.setPosition(c[0], c[1] - 1000, c[2]);
    camera.setViewUp(0, 0, 1);
    renderer.resetCamera();
    requestRender();
  }

  function attachVolume(): void {
    const v = viewer.volume;
    for (const p of planes) renderer.removeViewProp(p.actor);
    if (!v) return;
    const image = imageDataOf(v);
    for (const p of planes) {
      p.mapper.setInputData(image);
      renderer.addViewProp(p.actor);
    }
    updatePlanes();
    updateWindowLevel();
    resetCamera();
    updateSurface();
  }

  function resize(): void {
    const el = container.value;
    if (!el) return;
    const dpr = window.devicePixelRatio || 1;
    glWindow.setSize(Math.max(1, Math.floor(el.clientWidth * dpr)), Math.max(1, Math.floor(el.clientHeight * dpr)));
    requestRender();
  }

  onMounted(() => {
    const el = container.value!;
    glWindow.setContainer(el);
    const canvas = glWindow.getCanvas();
    if (canvas) {
      Object.assign(canvas.style, { width: '100%', height: '100%', display: 'block' });
      canvas.addEventListener('webglcontextlost', (e) => {
        e.preventDefault();
        contextLost.value = true;
      });
      canvas.addEventListener('webglcontextrestored', () => {
        contextLost.value = false;
        requestRender();
      });
    }
    interactor.initialize();
    interactor.bindEvents(el);
    observer = new ResizeObserver(resize);
    observer.observe(el);
    resize();
    attachVolume();
  });

  watch(() => viewer.volume, attachVolume);
  watch(() => viewer.crosshairIndex, updatePlanes);
  watch(() => viewer.windowLevel, updateWindowLevel);
  watch(() => labelmap.grid, updateSurface);
  // editCount moves once per finished step (stroke end, tool, undo/redo, draft recovery).
  watch(() => labelmap.editCount, scheduleSurface);
  watch(
    () => labelmap.visible,
    (on) => {
      for (const s of surfaces) s.actor.setVisibility(on);
      requestRender();
    },
  );
  // A recoloured label repaints its surface without re-meshing.
  watch(
    () => labelmap.colourTable,
    () => {
      for (const s of surfaces) colourSurface(s);
      requestRender();
    },
  );

  onBeforeUnmount(() => {
    if (frame !== null) cancelAnimationFrame(frame);
    if (surfaceTimer !== null) window.clearTimeout(surfaceTimer);
    observer?.disconnect();
    interactor.unbindEvents();
    interactor.delete();
    renderWindow.removeRenderer(renderer);
    for (const p of planes) {
      p.actor.delete();
      p.mapper.delete();
    }
    for (const s of [...surfaces, ...spare]) {
      s.actor.delete();
      s.mapper.delete();
    }
    renderer.delete();
    glWindow.setContainer(null as unknown as HTMLElement);
    glWindow.delete();
    renderWindow.delete();
  });

  return { contextLost, triangles, frames, resetCamera };
}
