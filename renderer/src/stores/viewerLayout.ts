import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { ViewId } from '../viewer/orientation.js';

/** A pane of the segmentation workspace: a slice view or the 3D view. */
export type PaneId = ViewId | '3d';

export interface Layout {
  id: string;
  label: string;
  panes: PaneId[];
  /** CSS grid of the panes: columns, rows, and the pane spanning the first column (if any). */
  columns: string;
  rows: string;
  mainSpansRows: boolean;
}

export const LAYOUTS: readonly Layout[] = [
  {
    id: 'mpr',
    label: 'Axial + coronal + sagittal',
    panes: ['axial', 'coronal', 'sagittal'],
    columns: '2fr 1fr',
    rows: '1fr 1fr',
    mainSpansRows: true,
  },
  {
    id: 'quad',
    label: '2 × 2 with 3D',
    panes: ['axial', 'coronal', 'sagittal', '3d'],
    columns: '1fr 1fr',
    rows: '1fr 1fr',
    mainSpansRows: false,
  },
  { id: 'axial-3d', label: 'Axial + 3D', panes: ['axial', '3d'], columns: '1fr 1fr', rows: '1fr', mainSpansRows: false },
  { id: 'axial', label: 'Axial only', panes: ['axial'], columns: '1fr', rows: '1fr', mainSpansRows: false },
  { id: '3d', label: '3D only', panes: ['3d'], columns: '1fr', rows: '1fr', mainSpansRows: false },
  // Its panes are the series chosen to compare (components/viewer/CompareLayout.vue, stores/compare.ts).
  { id: 'compare', label: 'Compare series side by side', panes: [], columns: '1fr', rows: '1fr', mainSpansRows: false },
];

const STORAGE_KEY = 'radstudy.viewer.layout';

/** Which panes the segmentation workspace shows, and whether zoom is linked between slice views (remembered per browser). */
export const useViewerLayoutStore = defineStore('viewerLayout', () => {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  const layoutId = ref<string>(LAYOUTS.some((l) => l.id === saved) ? saved! : 'mpr');
  const linkZoom = ref(true);

  watch(layoutId, (id) => localStorage.setItem(STORAGE_KEY, id));

  function layout(): Layout {
    return LAYOUTS.find((l) => l.id === layoutId.value) ?? LAYOUTS[0]!;
  }

  function select(id: string): void {
    if (LAYOUTS.some((l) => l.id === id)) layoutId.value = id;
  }

  return { layoutId, linkZoom, layout, select };
});
