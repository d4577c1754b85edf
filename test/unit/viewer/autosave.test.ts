import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
import { maskOfLabelRuns } from '../../../renderer/src/viewer/tools/runs.js';

// The session store's API calls, recorded instead of sent (the draft's routes are tested in the
// service tests; this is about when the page sends one).
const calls: { route: string; args: Record<string, unknown> }[] = [];
vi.mock('../../../renderer/src/api/client.js', () => ({
  call: async (route: string, args: Record<string, unknown>) => {
    calls.push({ route, args });
    return { updatedAt: '2026-12-07T00:00:00Z' };
  },
  fetchVoxels: async () => {
    throw new Error('not used here');
  },
}));

const { useLabelmapStore } = await import('../../../renderer/src/stores/labelmap.js');
const { useSegmentationSessionStore } = await import('../../../renderer/src/stores/segmentationSession.js');
const { useViewerStore } = await import('../../../renderer/src/stores/viewer.js');

const GEOMETRY: Geometry = {
  size: [10, 10, 3],
  spacingMm: [1, 1, 2],
  originMm: [0, 0, 0],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};

beforeEach(() => {
  vi.useFakeTimers();
  calls.length = 0;
  // The stores run in node: minimal window/localStorage/document stand-ins (see labels.test.ts),
  // the window's timers being the fake ones.
  vi.stubGlobal('window', { setTimeout, clearTimeout, setInterval, clearInterval });
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
  vi.stubGlobal('document', { documentElement: { dataset: {} }, visibilityState: 'visible' });
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function setUp() {
  const viewer = useViewerStore();
  viewer.volume = { header: {} as never, data: new Int16Array(300), geometry: GEOMETRY, sequence: 'T2' };
  const labelmap = useLabelmapStore();
  labelmap.load(new Uint8Array(300));
  const session = useSegmentationSessionStore();
  session.slot = { lesionId: 1, seriesId: 2, reader: 'R1' };
  return { labelmap, session };
}

const drafts = () => calls.filter((c) => c.route === 'segmentation.draft.save');

/** One brush dab at voxel `at` of the axial view, as one stroke, and the session's reaction to it. */
async function dab(labelmap: ReturnType<typeof useLabelmapStore>, at: [number, number, number]): Promise<void> {
  labelmap.beginStroke('axial', at);
  labelmap.endStroke();
  await nextTick();
}

/** The labelmap the last written draft's runs describe. */
function lastDraftMask(): Uint8Array {
  const d = drafts().at(-1)!.args as { runs: number[]; values: number[] };
  return maskOfLabelRuns(d.runs, d.values, 300, 'draft');
}

describe('autosave', () => {
  it('writes the first edit at once, then 2 s after the last edit, with the labelmap as runs', async () => {
    const { labelmap } = setUp();
    await dab(labelmap, [5, 5, 1]);
    await vi.advanceTimersByTimeAsync(0);
    // Nothing was written for more than 30 s (ever): at once.
    expect(drafts()).toHaveLength(1);
    await dab(labelmap, [2, 2, 1]);
    await vi.advanceTimersByTimeAsync(1_900);
    expect(drafts()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(drafts()).toHaveLength(2);
    expect(drafts()[1]!.args.lesionId).toBe(1);
    expect(lastDraftMask()).toEqual(labelmap.grid!.data);
  });

  it('does not write in the middle of a brush stroke: it waits for the stroke to end', async () => {
    const { labelmap } = setUp();
    await dab(labelmap, [5, 5, 1]);
    await vi.advanceTimersByTimeAsync(0);
    expect(drafts()).toHaveLength(1);
    await dab(labelmap, [8, 8, 1]);
    // The next stroke starts before that edit's draft is due (2 s) and lasts past it.
    await vi.advanceTimersByTimeAsync(1_000);
    labelmap.beginStroke('axial', [2, 2, 1]);
    labelmap.continueStroke('axial', [3, 2, 1]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(drafts()).toHaveLength(1);
    labelmap.endStroke();
    await nextTick();
    // Written after the stroke, once, with all three strokes.
    await vi.advanceTimersByTimeAsync(2_100);
    expect(drafts()).toHaveLength(2);
    expect(lastDraftMask()).toEqual(labelmap.grid!.data);
    expect(labelmap.grid!.data[1 * 100 + 2 * 10 + 3]).toBe(1);
  });
});
