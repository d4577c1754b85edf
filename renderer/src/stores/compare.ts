import { defineStore } from 'pinia';
import { computed, markRaw, reactive, ref, watch } from 'vue';
import type { Series } from '../../../main/api/contract.js';
import { sequenceLabel } from '../../../main/api/extraction.js';
import { physicalToIndex, type Geometry, type Vec3 } from '../../../main/compute/imaging/volume.js';
import { call, fetchVoxels } from '../api/client.js';
import { linkStatus, scrollPoint, type LinkIdentity, type LinkStatus } from '../viewer/linking.js';
import { halfExtentMm, sliceAxis, VIEW_IDS, volumeCentre, type ViewId } from '../viewer/orientation.js';
import type { SliceSource } from '../viewer/sliceSource.js';
import { intensitySample, presetsFor, windowOf, type WindowLevel, type WindowPreset } from '../viewer/windowLevel.js';
import { useUiStore } from './ui.js';
import { useViewerStore, type LoadedVolume, type ViewCamera } from './viewer.js';

/** At most this many series side by side, the one being segmented included (issue 10: 2–4). */
export const MAX_COMPARE = 4;

/** One series shown beside the series being segmented: its own volume, window/level and, when not linked, its own crosshair and camera. */
export interface ComparePane extends SliceSource {
  readonly series: Series;
  readonly label: string;
  volume: LoadedVolume | null;
  loading: boolean;
  error: string | null;
  /** LPS mm; equals the viewer store's crosshair while linked. */
  crosshair: Vec3;
  cameras: Record<ViewId, ViewCamera>;
  windowLevel: WindowLevel;
  presetId: string | null;
  readonly presets: WindowPreset[];
  /** Whether the pane can follow the series being segmented by physical position (linking.ts). */
  status: LinkStatus;
  sliceCount(view: ViewId): number;
}

/** Display order of an exam's series: T2WI, DWI by b-value, ADC, DCE by phase, subtractions, the rest by number. */
const KIND_ORDER = ['T2_FS', 'T2', 'T1', 'DWI', 'ADC', 'DCE', 'SUB'];
function examOrder(a: Series, b: Series): number {
  const rank = (s: Series) => (KIND_ORDER.includes(s.kind) ? KIND_ORDER.indexOf(s.kind) : KIND_ORDER.length);
  return (
    rank(a) - rank(b) ||
    (a.bValue ?? 0) - (b.bValue ?? 0) ||
    (a.phase ?? 0) - (b.phase ?? 0) ||
    (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0) ||
    a.id - b.id
  );
}

/** The series table's geometry as volume.ts types it (the API validates nine direction values). */
function geometryOf(s: Series): Geometry {
  return { ...s.geometry, direction: s.geometry.direction as Geometry['direction'] };
}

const identity = (s: Series): LinkIdentity => ({
  id: s.id,
  patientId: s.patientId,
  studyInstanceUid: s.studyInstanceUid,
  geometry: geometryOf(s),
});

export function seriesLabel(s: Series): string {
  return `#${s.id} ${sequenceLabel(s.kind, s.bValue, s.phase)}${s.description ? ` (${s.description})` : ''}`;
}

function cameraOf(g: Geometry, view: ViewId): ViewCamera {
  const e = halfExtentMm(g, view);
  return { focal: volumeCentre(g), baseScaleMm: Math.max(e.up, e.right) * 1.05, zoom: 1 };
}

const copyCamera = (c: ViewCamera): ViewCamera => ({ focal: [...c.focal], baseScaleMm: c.baseScaleMm, zoom: c.zoom });

function createPane(series: Series, status: LinkStatus): ComparePane {
  const listed = geometryOf(series);
  // The volume's own header once loaded (the same grid as the series table records).
  const geom = (): Geometry => pane.volume?.geometry ?? listed;
  const pane: ComparePane = reactive({
    series,
    label: seriesLabel(series),
    volume: null,
    loading: true,
    error: null,
    crosshair: volumeCentre(listed),
    cameras: Object.fromEntries(VIEW_IDS.map((v) => [v, cameraOf(listed, v)])) as Record<ViewId, ViewCamera>,
    windowLevel: { window: 1, level: 0.5 },
    presetId: null,
    presets: presetsFor(sequenceLabel(series.kind, series.bValue, series.phase)),
    status,
    crosshairIndex: computed<Vec3>(() =>
      pane.volume ? physicalToIndex(pane.volume.geometry, ...pane.crosshair) : [0, 0, 0],
    ) as unknown as Vec3,
    axisOf: (view: ViewId) => sliceAxis(geom(), view),
    sliceOf(view: ViewId): number {
      const a = sliceAxis(geom(), view);
      return Math.min(geom().size[a] - 1, Math.max(0, Math.round(pane.crosshairIndex[a])));
    },
    sliceCount: (view: ViewId) => geom().size[sliceAxis(geom(), view)],
  }) as ComparePane;
  return pane;
}

/**
 * The compare layout (issue 10): 2–4 series of the exam side by side in one orientation, each
 * with its own window/level preset (remembered per sequence), linked by physical position to
 * the series being segmented (the viewer store, the "active" pane): a crosshair click, a
 * scroll, a zoom or a pan in any pane moves the others to the same LPS point and the same mm
 * per pixel and centre. Indices are never shared: each series shows its own slice nearest to
 * the point (linking.ts). Only the active series has the labelmap and the painting tools.
 */
export const useCompareStore = defineStore('compare', () => {
  const viewer = useViewerStore();
  const ui = useUiStore();
  /** Series of the open series' patient: its exam first (linkable), then other exams (shown unlinked). */
  const patientSeries = ref<Series[]>([]);
  const active = ref<Series | null>(null);
  const panes = ref<ComparePane[]>([]);
  const orientation = ref<ViewId>('axial');
  const linked = ref(true);
  /** The last window/level per sequence in the compare panes this session. */
  const perSequence = new Map<string, { wl: WindowLevel; presetId: string | null }>();
  let listed: number | null = null;

  const candidates = computed(() =>
    patientSeries.value
      .filter((s) => s.id !== active.value?.id && !panes.value.some((p) => p.series.id === s.id))
      .map((s) => ({
        series: s,
        label: seriesLabel(s),
        status: active.value ? linkStatus(identity(active.value), identity(s)) : null,
      })),
  );
  const full = computed(() => panes.value.length + 1 >= MAX_COMPARE);

  const follows = (p: ComparePane): boolean => linked.value && p.status.kind !== 'other-frame';

  /** Lists the series of the open series' patient (once per open series). */
  async function loadExam(): Promise<void> {
    const id = viewer.volume?.header.seriesId ?? null;
    if (id === null || listed === id) return;
    listed = id;
    const all = await ui.attempt('Could not list the series of the exam', () => call('images.series.list', {}));
    if (!all || listed !== id) return;
    const open = all.find((s) => s.id === id) ?? null;
    active.value = open;
    patientSeries.value =
      open && open.patientId !== null
        ? all
            .filter((s) => s.patientId === open.patientId)
            .sort((a, b) => {
              const other = (s: Series) => (linkStatus(identity(open), identity(s)).kind === 'other-frame' ? 1 : 0);
              return other(a) - other(b) || examOrder(a, b);
            })
        : [];
  }

  function sequenceOf(p: ComparePane): string {
    return p.volume?.sequence ?? sequenceLabel(p.series.kind, p.series.bValue, p.series.phase);
  }

  const samples = new WeakMap<ComparePane, Float64Array>();

  function applyPreset(p: ComparePane, id: string): void {
    const preset = p.presets.find((x) => x.id === id);
    const sample = samples.get(p);
    if (!preset || !sample) return;
    p.presetId = id;
    p.windowLevel = windowOf(preset, sample);
    perSequence.set(sequenceOf(p), { wl: p.windowLevel, presetId: id });
  }

  function setWindowLevel(p: ComparePane, wl: WindowLevel): void {
    p.windowLevel = { window: Math.max(1e-6, wl.window), level: wl.level };
    p.presetId = null;
    perSequence.set(sequenceOf(p), { wl: p.windowLevel, presetId: null });
  }

  /** Follows the active pane: its crosshair and, in the compare orientation, its camera. */
  function snap(p: ComparePane): void {
    if (!follows(p)) return;
    p.crosshair = [...viewer.crosshair];
    p.cameras[orientation.value] = copyCamera(viewer.cameras[orientation.value]);
  }

  /** Opens a series of the patient beside the active one (its voxels are fetched once, kept in their stored type). */
  async function add(seriesId: number): Promise<void> {
    const s = patientSeries.value.find((x) => x.id === seriesId);
    if (!s || !active.value || panes.value.some((p) => p.series.id === seriesId)) return;
    if (full.value) {
      ui.notify(`At most ${MAX_COMPARE} series side by side: remove one first.`, 'warning');
      return;
    }
    const pane = createPane(s, linkStatus(identity(active.value), identity(s)));
    panes.value.push(pane);
    const p = panes.value[panes.value.length - 1]!;
    try {
      const { header, data } = await fetchVoxels('volume', seriesId);
      const geometry: Geometry = {
        size: header.size,
        spacingMm: header.spacingMm,
        originMm: header.originMm,
        direction: header.direction as Geometry['direction'],
      };
      const sequence = /\(([^,)]+)/.exec(header.name)?.[1] ?? '';
      samples.set(p, intensitySample(data));
      p.volume = markRaw({ header, data, geometry, sequence });
      const remembered = perSequence.get(sequence);
      if (remembered) {
        p.windowLevel = remembered.wl;
        p.presetId = remembered.presetId;
      } else applyPreset(p, p.presets[0]!.id);
      snap(p);
    } catch (err) {
      p.error = err instanceof Error ? err.message : String(err);
      ui.reportError(`Could not load series #${seriesId}`, err);
    } finally {
      p.loading = false;
    }
  }

  function remove(seriesId: number): void {
    panes.value = panes.value.filter((p) => p.series.id !== seriesId);
  }

  function clear(): void {
    panes.value = [];
  }

  function setLinked(on: boolean): void {
    linked.value = on;
    for (const p of panes.value) snap(p);
  }

  function setOrientation(view: ViewId): void {
    orientation.value = view;
    for (const p of panes.value) snap(p);
  }

  /** A crosshair point set in a pane: linked, it is the active pane's (which the others follow). */
  function setCrosshair(p: ComparePane, point: Vec3): void {
    if (follows(p)) viewer.setCrosshair(point);
    else p.crosshair = [...point];
  }

  /** Scrolls a pane by whole slices of its own series; linked panes go to the same physical position. */
  function scroll(p: ComparePane, steps: number): void {
    if (!p.volume) return;
    setCrosshair(p, scrollPoint(p.volume.geometry, orientation.value, p.crosshair, steps));
  }

  function zoom(p: ComparePane, factor: number): void {
    if (follows(p)) viewer.zoom(orientation.value, factor);
    else {
      const c = p.cameras[orientation.value];
      c.zoom = Math.min(40, Math.max(0.2, c.zoom * factor));
    }
  }

  function pan(p: ComparePane, deltaMm: Vec3): void {
    if (follows(p)) viewer.pan(orientation.value, deltaMm);
    else {
      const c = p.cameras[orientation.value];
      c.focal = [c.focal[0] - deltaMm[0], c.focal[1] - deltaMm[1], c.focal[2] - deltaMm[2]];
    }
  }

  // The active pane moves (its own gestures, the keyboard, another pane's linked gesture): the linked panes follow.
  watch(
    () => viewer.crosshair,
    (point) => {
      for (const p of panes.value) if (follows(p)) p.crosshair = [...point];
    },
  );
  watch(
    () => viewer.cameras[orientation.value],
    (c) => {
      for (const p of panes.value) if (follows(p)) p.cameras[orientation.value] = copyCamera(c);
    },
    { deep: true },
  );
  // Another series opened for segmentation: the panes belonged to its exam.
  watch(
    () => viewer.volume?.header.seriesId ?? null,
    (id, before) => {
      if (id === before) return;
      clear();
      listed = null;
      active.value = null;
      patientSeries.value = [];
    },
  );

  return {
    patientSeries,
    active,
    panes,
    orientation,
    linked,
    candidates,
    full,
    follows,
    loadExam,
    add,
    remove,
    clear,
    setLinked,
    setOrientation,
    setCrosshair,
    scroll,
    zoom,
    pan,
    applyPreset,
    setWindowLevel,
  };
});
