import { defineStore } from 'pinia';
import { computed, markRaw, reactive, ref, shallowRef } from 'vue';
import type { VoxelHeader, VoxelTypedArray } from '../../../main/api/voxels.js';
import { physicalToIndex, type Geometry, type Vec3 } from '../../../main/compute/imaging/volume.js';
import { fetchVoxels } from '../api/client.js';
import { axisVector, halfExtentMm, sliceAxis, VIEW_IDS, volumeCentre, type ViewId } from '../viewer/orientation.js';
import { intensitySample, presetsFor, windowOf, type WindowLevel, type WindowPreset } from '../viewer/windowLevel.js';
import { useStudyStore } from './study.js';
import { useUiStore } from './ui.js';

export interface LoadedVolume {
  header: VoxelHeader;
  data: VoxelTypedArray;
  geometry: Geometry;
  /** Sequence label from the header name: `series #12 (DCE3, "…")` → DCE3. */
  sequence: string;
}

export interface ViewCamera {
  /** Focal point (LPS mm): the centre of the view; panning moves it. */
  focal: Vec3;
  /** Half the view height in mm at zoom 1 (fits the volume). */
  baseScaleMm: number;
  zoom: number;
}

/** The series shown in the slice views: its voxels, the linked crosshair, cameras and window/level. */
export const useViewerStore = defineStore('viewer', () => {
  const ui = useUiStore();
  const study = useStudyStore();
  const volume = shallowRef<LoadedVolume | null>(null);
  /** The study the volume was read from: series ids are per study. */
  let volumeStudy: string | null = null;
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** The linked point of the three views (LPS mm). */
  const crosshair = ref<Vec3>([0, 0, 0]);
  const cameras = reactive<Record<ViewId, ViewCamera>>({
    axial: { focal: [0, 0, 0], baseScaleMm: 100, zoom: 1 },
    coronal: { focal: [0, 0, 0], baseScaleMm: 100, zoom: 1 },
    sagittal: { focal: [0, 0, 0], baseScaleMm: 100, zoom: 1 },
  });
  const windowLevel = ref<WindowLevel>({ window: 1, level: 0.5 });
  const presetId = ref<string | null>(null);
  /** The last window/level per sequence in this session, so the next lesion opens as the user left it. */
  const perSequence = new Map<string, WindowLevel>();
  const showCrosshair = ref(true);
  let sample: Float64Array = new Float64Array([0]);
  let loadSeq = 0;

  const presets = computed<WindowPreset[]>(() => (volume.value ? presetsFor(volume.value.sequence) : []));

  /** Continuous voxel index of the crosshair. */
  const crosshairIndex = computed<Vec3>(() => {
    const v = volume.value;
    if (!v) return [0, 0, 0];
    return physicalToIndex(v.geometry, ...crosshair.value);
  });

  function axisOf(view: ViewId): 0 | 1 | 2 {
    return volume.value ? sliceAxis(volume.value.geometry, view) : 2;
  }

  /** The slice index a view shows: the crosshair's index along the view's voxel axis. */
  function sliceOf(view: ViewId): number {
    const v = volume.value;
    if (!v) return 0;
    const a = axisOf(view);
    return Math.min(v.geometry.size[a] - 1, Math.max(0, Math.round(crosshairIndex.value[a])));
  }

  function sliceCount(view: ViewId): number {
    return volume.value ? volume.value.geometry.size[axisOf(view)] : 0;
  }

  function applyPreset(id: string): void {
    const p = presets.value.find((x) => x.id === id);
    if (!p || !volume.value) return;
    presetId.value = id;
    windowLevel.value = windowOf(p, sample);
    perSequence.set(volume.value.sequence, windowLevel.value);
  }

  function setWindowLevel(wl: WindowLevel): void {
    windowLevel.value = { window: Math.max(1e-6, wl.window), level: wl.level };
    presetId.value = null;
    if (volume.value) perSequence.set(volume.value.sequence, windowLevel.value);
  }

  function resetCameras(): void {
    const v = volume.value;
    if (!v) return;
    const c = volumeCentre(v.geometry);
    for (const id of VIEW_IDS) {
      const e = halfExtentMm(v.geometry, id);
      cameras[id] = { focal: [...c], baseScaleMm: Math.max(e.up, e.right) * 1.05, zoom: 1 };
    }
  }

  /** Loads the series volume (one binary fetch, off the UI thread's critical path). */
  async function open(seriesId: number): Promise<boolean> {
    const studyPath = study.current?.path ?? null;
    if (volume.value?.header.seriesId === seriesId && volumeStudy === studyPath) return true;
    const seq = ++loadSeq;
    loading.value = true;
    error.value = null;
    try {
      const { header, data } = await fetchVoxels('volume', seriesId);
      if (seq !== loadSeq) return false;
      const geometry: Geometry = {
        size: header.size,
        spacingMm: header.spacingMm,
        originMm: header.originMm,
        direction: header.direction as Geometry['direction'],
      };
      const sequence = /\(([^,)]+)/.exec(header.name)?.[1] ?? '';
      volume.value = markRaw({ header, data, geometry, sequence });
      volumeStudy = studyPath;
      sample = intensitySample(data);
      crosshair.value = volumeCentre(geometry);
      resetCameras();
      const remembered = perSequence.get(sequence);
      if (remembered) {
        windowLevel.value = remembered;
        presetId.value = null;
      } else applyPreset(presetsFor(sequence)[0]!.id);
      return true;
    } catch (err) {
      if (seq !== loadSeq) return false;
      volume.value = null;
      error.value = err instanceof Error ? err.message : String(err);
      ui.reportError(`Could not load series #${seriesId}`, err);
      return false;
    } finally {
      if (seq === loadSeq) loading.value = false;
    }
  }

  function close(): void {
    loadSeq++;
    volume.value = null;
    error.value = null;
  }

  /** Moves the crosshair by `steps` slices along a view's voxel axis (wheel, arrow keys). */
  function scroll(view: ViewId, steps: number): void {
    const v = volume.value;
    if (!v) return;
    const a = axisOf(view);
    const target = Math.min(v.geometry.size[a] - 1, Math.max(0, sliceOf(view) + steps));
    const delta = target - crosshairIndex.value[a];
    const dir = axisVector(v.geometry, a);
    const mm = delta * v.geometry.spacingMm[a];
    crosshair.value = [crosshair.value[0] + dir[0] * mm, crosshair.value[1] + dir[1] * mm, crosshair.value[2] + dir[2] * mm];
  }

  function setCrosshair(p: Vec3): void {
    crosshair.value = [...p];
  }

  function zoom(view: ViewId, factor: number): void {
    const c = cameras[view];
    c.zoom = Math.min(40, Math.max(0.2, c.zoom * factor));
  }

  function pan(view: ViewId, deltaMm: Vec3): void {
    const c = cameras[view];
    c.focal = [c.focal[0] - deltaMm[0], c.focal[1] - deltaMm[1], c.focal[2] - deltaMm[2]];
  }

  return {
    volume,
    loading,
    error,
    crosshair,
    crosshairIndex,
    cameras,
    windowLevel,
    presetId,
    presets,
    showCrosshair,
    axisOf,
    sliceOf,
    sliceCount,
    open,
    close,
    scroll,
    setCrosshair,
    zoom,
    pan,
    resetCameras,
    applyPreset,
    setWindowLevel,
  };
});
