import { defineStore } from 'pinia';
import { ref } from 'vue';

export type ToolId = 'navigate' | 'brush' | 'eraser' | 'fill' | 'polygon' | 'freehand';

/** The active editing tool and its settings (sizes in mm, on the physical grid). */
export const useViewerToolsStore = defineStore('viewerTools', () => {
  const tool = ref<ToolId>('brush');
  const radiusMm = ref(3);
  const mode = ref<'2d' | '3d'>('2d');
  const thresholdEnabled = ref(false);
  const thresholdMin = ref(0);
  const thresholdMax = ref(1000);
  /** Region growing: intensities within ± tolerance of the seed's. */
  const tolerance = ref(50);
  const islandMinVoxels = ref(10);
  const morphologyRadiusMm = ref(1);

  function select(id: ToolId): void {
    tool.value = id;
  }

  function setRadius(mm: number): void {
    if (Number.isFinite(mm)) radiusMm.value = Math.min(50, Math.max(0.1, mm));
  }

  return {
    tool,
    radiusMm,
    mode,
    thresholdEnabled,
    thresholdMin,
    thresholdMax,
    tolerance,
    islandMinVoxels,
    morphologyRadiusMm,
    select,
    setRadius,
  };
});
