/**
 * Several labels through import (lesionMask.ts, labelTable.ts, dicomSeg.ts): NIfTI/NRRD labelmaps
 * with label values 1…n, binary masks stored as 0/255 or 0/1.0 (label 1), a Slicer .seg.nrrd with
 * names and colours, DICOM SEG objects built here with the test DICOM writer (dicomFixture.ts)
 * and the dcmqi SEG of ../shared/reference/dicom (liver_1frame.dcm). References: the voxel values
 * written by the test (compared exactly), the segment labels and pixel bits read straight from
 * the file with dicom-parser, and CIELab values of known sRGB colours (Lindbloom's calculator,
 * D50 white; tolerance one 8-bit step).
 */
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { hexOfDicomLab, paletteColour } from '../../../main/compute/imaging/labelTable.js';
import { lesionMask, type LesionMaskInput } from '../../../main/compute/imaging/lesionMask.js';
import { writeNifti } from '../../../main/compute/imaging/nifti.js';
import { writeNrrd } from '../../../main/compute/imaging/nrrd.js';
import type { SlicerSegment } from '../../../main/compute/imaging/slicerSegmentation.js';
import type { Geometry, Volume, VoxelArray } from '../../../main/compute/imaging/volume.js';
import { labelColour } from '../../../renderer/src/viewer/labelOverlay.js';
import { segFixture, type SegFixtureFrame } from './segFixture.js';
import { readReference } from './referenceData.js';

// 4 × 3 × 2 grid, x fastest; 1 × 1 × 2 mm voxels at the origin.
const grid: Geometry = { size: [4, 3, 2], spacingMm: [1, 1, 2], originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const n = 24;

function input(bytes: Uint8Array, select: LesionMaskInput['select'] = {}, g: Geometry = grid): LesionMaskInput {
  return { bytes, source: 'mask-file', grid: g, gridName: 'series #1', select };
}

function volume<T extends VoxelArray>(data: T): Volume<T> {
  return { ...grid, data };
}

/** Values 0…3: label 1 in voxels 0–3, label 2 in 8–11, label 3 in 14 and 20. */
function threeLabels(): Uint8Array {
  const d = new Uint8Array(n);
  d.fill(1, 0, 4);
  d.fill(2, 8, 12);
  d[14] = 3;
  d[20] = 3;
  return d;
}

describe('labelmaps with several labels', () => {
  it('imports a NIfTI with labels 1, 2, 3 as one mask with those values and default names/colours', async () => {
    const data = threeLabels();
    const m = await lesionMask(input(writeNifti(volume(data))));
    expect(m.format).toBe('nifti');
    expect([...m.mask]).toEqual([...data]);
    expect(m.label).toBe('labels 1, 2, 3');
    expect(m.labels).toEqual([
      { value: 1, name: 'Label 1', colour: paletteColour(1) },
      { value: 2, name: 'Label 2', colour: paletteColour(2) },
      { value: 3, name: 'Label 3', colour: paletteColour(3) },
    ]);
    expect(m.warnings).toEqual([]);
  });

  it('keeps non-consecutive small integer values (2 and 5) of an int16 NRRD', async () => {
    const data = new Int16Array(n);
    data[3] = 2;
    data[4] = 5;
    data[23] = 5;
    const m = await lesionMask(input(writeNrrd(volume(data))));
    expect(m.format).toBe('nrrd');
    expect(m.labels.map((l) => [l.value, l.name])).toEqual([
      [2, 'Label 2'],
      [5, 'Label 5'],
    ]);
    expect([...m.mask]).toEqual([...data]);
  });

  it('imports a binary mask stored as 0/255 as label 1 (not 255), and says so', async () => {
    const data = new Uint8Array(n);
    data.fill(255, 5, 9);
    const m = await lesionMask(input(writeNifti(volume(data))));
    expect(m.labels).toEqual([]);
    expect(m.label).toBe('all non-zero voxels');
    expect([...m.mask]).toEqual([...data].map((v) => (v ? 1 : 0)));
    expect(m.warnings).toEqual(["The mask's only non-zero value, 255, was imported as label 1."]);
  });

  it('imports a float 0/1.0 mask as label 1 without a warning', async () => {
    const data = new Float32Array(n);
    data.fill(1, 2, 7);
    const m = await lesionMask(input(writeNrrd(volume(data))));
    expect([...m.mask]).toEqual([...data].map((v) => (v ? 1 : 0)));
    expect(m.labels).toEqual([]);
    expect(m.warnings).toEqual([]);
  });

  it('takes one chosen label as label 1 only', async () => {
    const m = await lesionMask(input(writeNifti(volume(threeLabels())), { label: 2 }));
    expect(m.label).toBe('label 2');
    expect(m.labels).toEqual([]);
    const expected = new Uint8Array(n);
    expected.fill(1, 8, 12);
    expect([...m.mask]).toEqual([...expected]);
  });

  it('refuses a map whose values are not labels 1…255 (a probability map)', async () => {
    const data = new Float32Array(n);
    data[0] = 0.25;
    data[1] = 0.5;
    data[2] = 1;
    await expect(lesionMask(input(writeNifti(volume(data))))).rejects.toThrow(
      /mask-file: holds 3 distinct non-zero values, some of which \(0\.25, 0\.5\) are not label values 1…255/,
    );
    const big = new Int16Array(n);
    big[0] = 1;
    big[1] = 300;
    await expect(lesionMask(input(writeNifti(volume(big))))).rejects.toThrow(/\(300\) are not label values 1…255/);
  });

  it('keeps label values through nearest-neighbour resampling onto a finer series grid', async () => {
    // The series has twice the voxels along x (0.5 mm): file voxel i covers series voxels 2i, 2i + 1.
    const fine: Geometry = { ...grid, size: [8, 3, 2], spacingMm: [0.5, 1, 2], originMm: [-0.25, 0, 0] };
    const data = threeLabels();
    const m = await lesionMask(input(writeNifti(volume(data)), {}, fine));
    expect(m.resampled).toBe(true);
    let mismatches = 0;
    for (let v = 0; v < 48; v++) {
      const i = v % 8;
      const rest = Math.floor(v / 8);
      if (m.mask[v] !== data[Math.floor(i / 2) + 4 * rest]) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(m.labels.map((l) => l.value)).toEqual([1, 2, 3]);
  });

  it('uses the overlay palette of the viewer for default colours', () => {
    for (let v = 1; v <= 8; v++) {
      const [r, g, b] = labelColour(v);
      expect(paletteColour(v)).toBe(`#${[r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('')}`);
    }
  });
});

describe('Slicer .seg.nrrd with several segments', () => {
  const segment = (index: number, name: string, labelValue: number, color?: [number, number, number]): SlicerSegment => ({
    index,
    id: `Segment_${index + 1}`,
    name,
    labelValue,
    layer: 0,
    color,
    extent: undefined,
    tags: {},
    nameAutoGenerated: undefined,
    colorAutoGenerated: undefined,
    other: {},
  });
  const file = () =>
    writeNrrd(volume(threeLabels()), {
      segmentation: {
        segments: [segment(0, 'Tumor', 1, [1, 0, 0]), segment(1, 'Oedema', 2, [0, 0.5, 1]), segment(2, 'Necrosis', 3)],
        masterRepresentation: 'Binary labelmap',
        containedRepresentationNames: ['Binary labelmap'],
        conversionParameters: undefined,
        referenceImageExtentOffset: undefined,
        other: {},
      },
    });

  it('imports every segment with its label value, name and colour', async () => {
    const m = await lesionMask(input(file()));
    expect(m.format).toBe('seg.nrrd');
    expect([...m.mask]).toEqual([...threeLabels()]);
    // Colours: RGB 0…1 × 255, rounded (0.5 → 127.5 → 128 = 0x80); no colour → the palette.
    expect(m.labels).toEqual([
      { value: 1, name: 'Tumor', colour: '#ff0000' },
      { value: 2, name: 'Oedema', colour: '#0080ff' },
      { value: 3, name: 'Necrosis', colour: paletteColour(3) },
    ]);
    expect(m.label).toBe('segments "Tumor" (label 1), "Oedema" (label 2), "Necrosis" (label 3)');
  });

  it('numbers segments 1…n when each has its own layer with label value 1, and counts overlaps', async () => {
    // Two layers (components), both with LabelValue 1: "A" in voxels 0–5, "B" in voxels 4–9 (4, 5 in both).
    const data = new Uint8Array(2 * n);
    for (let v = 0; v <= 5; v++) data[2 * v] = 1;
    for (let v = 4; v <= 9; v++) data[2 * v + 1] = 1;
    const layered = (index: number, name: string): SlicerSegment => ({ ...segment(index, name, 1), layer: index });
    const bytes = writeNrrd(
      { ...grid, data, components: 2 },
      {
        segmentation: {
          segments: [layered(0, 'A'), layered(1, 'B')],
          masterRepresentation: 'Binary labelmap',
          containedRepresentationNames: [],
          conversionParameters: undefined,
          referenceImageExtentOffset: undefined,
          other: {},
        },
      },
    );
    const m = await lesionMask(input(bytes));
    const expected = new Uint8Array(n);
    expected.fill(1, 0, 4);
    expected.fill(2, 4, 10);
    expect([...m.mask]).toEqual([...expected]);
    expect(m.labels.map((l) => [l.value, l.name])).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
    expect(m.warnings).toContain(
      '2 voxels belong to two segments (segments on different layers overlap); each went to the later segment.',
    );
  });

  it('takes a chosen segment as label 1 only, keeping its name', async () => {
    const m = await lesionMask(input(file(), { segment: 'oedema' }));
    const expected = new Uint8Array(n);
    expected.fill(1, 8, 12);
    expect([...m.mask]).toEqual([...expected]);
    expect(m.labels).toEqual([{ value: 1, name: 'Oedema', colour: '#0080ff' }]);
  });
});

/**
 * sRGB red as CIELab (D50, Lindbloom's calculator: L* 54.2917, a* 80.8125, b* 69.8851) scaled as
 * PS3.3 C.10.7.1.1: L*·65535/100, (a* + 128)·65535/255, (b* + 128)·65535/255.
 */
const RED_LAB = [35580, 53665, 50856];

function near(hex: string, rgb: number[]): void {
  const got = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  got.forEach((x, k) => expect(Math.abs(x - rgb[k]!)).toBeLessThanOrEqual(1));
}

/** Segment 1 "Tumour" (sRGB red as CIELab), segment 2 "Cyst" (no colour), on `grid`. */
function segFile(frames: SegFixtureFrame[]): Uint8Array {
  return segFixture(
    grid,
    [
      { number: 1, label: 'Tumour', lab: RED_LAB },
      { number: 2, label: 'Cyst' },
    ],
    frames,
  );
}

describe('DICOM SEG', () => {
  // Segment 1 ("Tumour") on slice 0: pixels 0–2 and 5; segment 2 ("Cyst") on slice 1: pixels 7 and 11.
  const s1 = Uint8Array.from([1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const s2 = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  const expected = new Uint8Array(n);
  [0, 1, 2, 5].forEach((v) => (expected[v] = 1));
  [7, 11].forEach((v) => (expected[12 + v] = 2));
  const bytes = () =>
    segFile([
      { segment: 1, slice: 0, pixels: s1 },
      { segment: 2, slice: 1, pixels: s2 },
    ]);

  it('imports one label per segment: names from SegmentLabel, colour from CIELab, else the palette', async () => {
    const m = await lesionMask(input(bytes()));
    expect(m.format).toBe('dicom-seg');
    expect([...m.mask]).toEqual([...expected]);
    expect(m.labels.map((l) => [l.value, l.name])).toEqual([
      [1, 'Tumour'],
      [2, 'Cyst'],
    ]);
    // Segment 1 carries sRGB red's CIELab (RED_LAB): #ff0000 within one 8-bit step per channel.
    near(m.labels[0]!.colour, [255, 0, 0]);
    expect(m.labels[1]!.colour).toBe(paletteColour(2));
    expect(m.label).toBe('segments "Tumour" (label 1), "Cyst" (label 2)');
    expect(m.warnings).toEqual([]);
  });

  it('takes a chosen segment (by label or number) as label 1 only', async () => {
    const byName = await lesionMask(input(bytes(), { segment: 'cyst' }));
    expect([...byName.mask]).toEqual([...expected].map((v) => (v === 2 ? 1 : 0)));
    expect(byName.labels).toEqual([{ value: 1, name: 'Cyst', colour: paletteColour(1) }]);
    const byNumber = await lesionMask(input(bytes(), { label: 1 }));
    expect([...byNumber.mask]).toEqual([...expected].map((v) => (v === 1 ? 1 : 0)));
    await expect(lesionMask(input(bytes(), { segment: 'Liver' }))).rejects.toThrow(
      /has no segment "Liver"; choose one of "Tumour" \(segment 1\), "Cyst" \(segment 2\)/,
    );
  });

  it('refuses a SEG whose frames do not lie on the series grid, naming the frame', async () => {
    const shifted: Geometry = { ...grid, originMm: [0.5, 0, 0] };
    await expect(lesionMask(input(bytes(), {}, shifted))).rejects.toThrow(
      /frame 1 of the DICOM SEG \(position 0, 0, 0 mm\) does not lie on the voxel grid of series #1/,
    );
  });

  it('reads the dcmqi SEG of the reference data onto its own frame grid', async () => {
    const file = readReference('dicom', 'liver_1frame.dcm');
    const ds = dicomParser.parseDicom(file);
    const rows = ds.uint16('x00280010')!;
    const cols = ds.uint16('x00280011')!;
    const shared = ds.elements.x52009229?.items?.[0]?.dataSet;
    const frame = ds.elements.x52009230?.items?.[0]?.dataSet;
    const groupOf = (tag: string) => frame?.elements[tag]?.items?.[0]?.dataSet ?? shared?.elements[tag]?.items?.[0]?.dataSet;
    const pos = groupOf('x00209113')!.string('x00200032')!.split('\\').map(Number);
    const iop = groupOf('x00209116')!.string('x00200037')!.split('\\').map(Number);
    const px = groupOf('x00289110')!.string('x00280030')!.split('\\').map(Number);
    const normal = [
      iop[1]! * iop[5]! - iop[2]! * iop[4]!,
      iop[2]! * iop[3]! - iop[0]! * iop[5]!,
      iop[0]! * iop[4]! - iop[1]! * iop[3]!,
    ];
    const own: Geometry = {
      size: [cols, rows, 1],
      spacingMm: [px[1]!, px[0]!, 1],
      originMm: [pos[0]!, pos[1]!, pos[2]!],
      direction: [iop[0]!, iop[3]!, normal[0]!, iop[1]!, iop[4]!, normal[1]!, iop[2]!, iop[5]!, normal[2]!],
    };
    const m = await lesionMask(input(file, {}, own));
    // Reference: the set bits of the first rows × cols bits of the pixel data, counted here.
    const pixel = ds.elements.x7fe00010!;
    let bits = 0;
    const expectedMask = new Uint8Array(rows * cols);
    for (let b = 0; b < rows * cols; b++)
      if ((file[pixel.dataOffset + (b >> 3)]! >> (b & 7)) & 1) {
        bits++;
        expectedMask[b] = 1;
      }
    expect(bits).toBeGreaterThan(0);
    expect([...m.mask].filter((v) => v !== 0).length).toBe(bits);
    expect(m.mask.every((v, k) => (v !== 0 ? 1 : 0) === expectedMask[k])).toBe(true);
    const label = ds.elements.x00620002!.items![0]!.dataSet!.string('x00620005')!.trim();
    expect(m.labels.map((l) => l.name)).toEqual([label]);
    expect(m.format).toBe('dicom-seg');
  });
});

describe('CIELab colours of DICOM SEG segments', () => {
  const scale = (L: number, a: number, b: number) => [
    Math.round((L * 65535) / 100),
    Math.round(((a + 128) * 65535) / 255),
    Math.round(((b + 128) * 65535) / 255),
  ];
  it('maps the D50 CIELab of white, sRGB red and sRGB blue back to those colours (±1)', () => {
    // Lindbloom's CIE calculator, sRGB, reference white D50 (Bradford): red (255,0,0) → L* 54.2917,
    // a* 80.8125, b* 69.8851; blue (0,0,255) → L* 29.5676, a* 68.2986, b* −112.0294; white → 100, 0, 0.
    expect(hexOfDicomLab([65535, 32896, 32896])).toBe('#ffffff');
    near(hexOfDicomLab(scale(54.2917, 80.8125, 69.8851)), [255, 0, 0]);
    near(hexOfDicomLab(scale(29.5676, 68.2986, -112.0294)), [0, 0, 255]);
  });
});
