import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeMask, encodeMask, labelRuns } from '../../../main/compute/imaging/maskCodec.js';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
import { useLabelmapStore } from '../../../renderer/src/stores/labelmap.js';
import { useViewerStore } from '../../../renderer/src/stores/viewer.js';
import { useViewerToolsStore } from '../../../renderer/src/stores/viewerTools.js';
import { rasterizeLabelSlice } from '../../../renderer/src/viewer/labelOverlay.js';
import { colourOfHex, labelColourTable, nextLabel, validateLabels } from '../../../renderer/src/viewer/labels.js';
import { labelRunsOf, maskOfLabelRuns } from '../../../renderer/src/viewer/tools/runs.js';

/**
 * Several labels in the editor: the label table (add/rename/recolour/remove with validation),
 * the tools painting the active label, the eraser clearing only the active label or all, the
 * overlay's per-label colours and outline between labels, per-label measurements, and the
 * renderer's runs agreeing with the codec's. References are hand-counted voxels on small grids
 * (exact, tolerance 0); volumes are count × voxel volume (exact in binary floating point here).
 */

const GEOMETRY: Geometry = {
  size: [10, 10, 3],
  spacingMm: [1, 1, 2],
  originMm: [0, 0, 0],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};
const N = 300;

function setUp() {
  const viewer = useViewerStore();
  viewer.volume = {
    header: {} as never,
    data: new Int16Array(N),
    geometry: GEOMETRY,
    sequence: 'T2',
  };
  const labelmap = useLabelmapStore();
  labelmap.load(new Uint8Array(N));
  return { viewer, labelmap, tools: useViewerToolsStore() };
}

/** A 2D brush dab of radius r (mm) at voxel (i, j, k) of the axial view. */
function dab(labelmap: ReturnType<typeof useLabelmapStore>, at: [number, number, number]): void {
  labelmap.beginStroke('axial', at);
  labelmap.endStroke();
}

beforeEach(() => {
  // The stores run in node here: the ui store (pulled in by the viewer store) reads the theme
  // from window/localStorage/document, so minimal stand-ins are given.
  vi.stubGlobal('window', { setTimeout, clearTimeout });
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
  vi.stubGlobal('document', { documentElement: { dataset: {} } });
  setActivePinia(createPinia());
});

describe('label table', () => {
  it('adds labels with the next free value, renames, recolours, refuses duplicates and blanks', () => {
    const { labelmap } = setUp();
    expect(labelmap.labels.map((l) => l.value)).toEqual([1]);
    const l2 = labelmap.addLabel('Necrosis');
    expect(l2.value).toBe(2);
    expect(labelmap.activeLabel).toBe(2);
    labelmap.renameLabel(1, 'Enhancing');
    expect(() => labelmap.renameLabel(2, 'enhancing')).toThrow(/Two labels are named "enhancing"/);
    expect(() => labelmap.renameLabel(2, '  ')).toThrow(/Label 2: the name is blank/);
    expect(labelmap.labels.find((l) => l.value === 2)!.name).toBe('Necrosis');
    labelmap.recolourLabel(2, '#00FF00');
    expect(() => labelmap.recolourLabel(2, 'green')).toThrow(/not a colour/);
    expect(labelmap.labels.find((l) => l.value === 2)!.colour).toBe('#00ff00');
    expect(
      nextLabel([
        { value: 1, name: 'a', colour: '#000000' },
        { value: 3, name: 'b', colour: '#000000' },
      ]),
    ).toBe(2);
    expect(() => validateLabels([{ value: 256, name: 'x', colour: '#000000' }])).toThrow(/value 256/);
  });

  it('paints the active label, erases only the active label or all, removes a label with its voxels', () => {
    const { labelmap, tools } = setUp();
    tools.select('brush');
    tools.setRadius(0.5);
    tools.mode = '2d';
    // Radius 0.5 mm on 1 mm voxels: the dab is the single voxel at its centre.
    dab(labelmap, [2, 2, 1]);
    labelmap.addLabel();
    dab(labelmap, [3, 2, 1]);
    dab(labelmap, [4, 2, 1]);
    const g = labelmap.grid!;
    const at = (i: number, j: number, k: number) => g.data[i + 10 * (j + 10 * k)];
    expect([at(2, 2, 1), at(3, 2, 1), at(4, 2, 1)]).toEqual([1, 2, 2]);
    expect(labelmap.voxelCount).toBe(3);

    // Eraser on label 1's voxel with label 2 active and "active only": unchanged.
    tools.select('eraser');
    dab(labelmap, [2, 2, 1]);
    expect(at(2, 2, 1)).toBe(1);
    dab(labelmap, [3, 2, 1]);
    expect(at(3, 2, 1)).toBe(0);
    labelmap.eraseActiveOnly = false;
    dab(labelmap, [2, 2, 1]);
    expect(at(2, 2, 1)).toBe(0);
    labelmap.undo();
    expect(at(2, 2, 1)).toBe(1);

    // Removing label 2 clears its one remaining voxel (4, 2, 1); undo brings it back.
    expect(labelmap.removeLabel(2)).toBe(1);
    expect(at(4, 2, 1)).toBe(0);
    expect(labelmap.labels.map((l) => l.value)).toEqual([1]);
    expect(labelmap.activeLabel).toBe(1);
    expect(() => labelmap.removeLabel(1)).toThrow(/at least one label/);
    labelmap.undo();
    expect(at(4, 2, 1)).toBe(2);
  });

  it('measures every label: volume = voxels × 2 mm³, longest axial diameter between voxel centres', () => {
    const { labelmap, tools } = setUp();
    tools.setRadius(0.5);
    for (const i of [1, 2, 3, 4]) dab(labelmap, [i, 5, 0]);
    labelmap.addLabel();
    for (const j of [1, 2]) dab(labelmap, [7, j, 2]);
    labelmap.measure();
    const m = labelmap.labelMeasurements!;
    // Label 1: 4 voxels in a row → 8 mm³, diameter 3 mm (centres 1…4); label 2: 2 voxels → 4 mm³, 1 mm.
    expect(m.map((x) => [x.label.value, x.m.voxelCount, x.m.volumeMm3, x.m.longestDiameterMm])).toEqual([
      [1, 4, 8, 3],
      [2, 2, 4, 1],
    ]);
    expect(labelmap.measurements!.voxelCount).toBe(2);
  });

  it('loads a saved table, and adds default entries for values found without one', () => {
    const { labelmap } = setUp();
    const data = new Uint8Array(N);
    data[0] = 1;
    data[1] = 7;
    labelmap.load(data, [{ value: 1, name: 'Lesion', colour: '#112233' }]);
    expect(labelmap.labels.map((l) => [l.value, l.name])).toEqual([
      [1, 'Lesion'],
      [7, 'Label 7'],
    ]);
    expect(Array.from(labelmap.colourTable.slice(3, 6))).toEqual([0x11, 0x22, 0x33]);
  });
});

describe('overlay colours', () => {
  it('draws each label in its table colour and outlines the border between two labels', () => {
    // 3×1×1 slice: labels 1, 1, 2. Colours from the table; outline marks pixels whose neighbour differs.
    const g = {
      size: [3, 1, 1] as [number, number, number],
      spacingMm: [1, 1, 1] as [number, number, number],
      data: Uint8Array.from([1, 1, 2]),
    };
    const colours = labelColourTable([
      { value: 1, name: 'a', colour: '#010203' },
      { value: 2, name: 'b', colour: '#0a0b0c' },
    ]);
    const rgba = new Uint8ClampedArray(12);
    rasterizeLabelSlice(g, 2, 0, rgba, { opacity: 0.5, outline: true, colours });
    expect(Array.from(rgba)).toEqual([1, 2, 3, 255, 1, 2, 3, 255, 10, 11, 12, 255]);
    expect(colourOfHex('#0a0b0c')).toEqual([10, 11, 12]);
  });
});

describe('renderer runs', () => {
  it('agree with the codec for several labels and round-trip', () => {
    const mask = Uint8Array.from([0, 3, 3, 1, 0, 0, 2, 2, 1, 1]);
    const r = labelRunsOf(mask);
    expect(r).toEqual(labelRuns(mask));
    expect(maskOfLabelRuns(r.runs, r.values, mask.length, 'x')).toEqual(mask);
    expect(decodeMask(encodeMask(mask), mask.length)).toEqual(mask);
    expect(() => maskOfLabelRuns(r.runs, [1], mask.length, 'The draft')).toThrow(/The draft has 1 label values for 4/);
  });

  // Reference: the codec's voxel-by-voxel labelRuns (maskCodec.ts, itself checked against the
  // main process's decoder); the renderer's version skips background four voxels at a time, so
  // masks are drawn sparse, dense and at every byte offset of their buffer. Exact equality.
  it('skip background by words and still equal the codec for any mask and buffer offset', () => {
    // A fixed-seed generator (mulberry32): the same 500 masks every run.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let c = 0; c < 500; c++) {
      const density = random();
      const length = Math.floor(random() * 70);
      const values = Array.from({ length }, () =>
        random() > density ? 0 : random() < 0.8 ? 1 + Math.floor(random() * 3) : Math.floor(random() * 256),
      );
      // Sometimes a stretch of zeros longer than several words before the voxels.
      const body = c % 3 === 0 ? [...new Array(23).fill(0), ...values] : values;
      const offset = c % 4;
      const buffer = new Uint8Array(body.length + offset);
      buffer.set(body, offset);
      const mask = buffer.subarray(offset);
      const r = labelRunsOf(mask);
      expect(r, `mask ${body.join(',')} at offset ${offset}`).toEqual(labelRuns(mask));
      expect(maskOfLabelRuns(r.runs, r.values, mask.length, 'x')).toEqual(mask);
    }
    expect(labelRunsOf(new Uint8Array(0))).toEqual({ runs: [0], values: [] });
    expect(labelRunsOf(new Uint8Array(9))).toEqual({ runs: [9], values: [] });
  });
});
