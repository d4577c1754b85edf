import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImageFormatError } from '../../../main/compute/imaging/imageFormatError.js';
import { readNrrd, writeNrrd } from '../../../main/compute/imaging/nrrd.js';
import type { Volume, VoxelArray } from '../../../main/compute/imaging/volume.js';
import { allocateVoxels, VOXEL_TYPES } from '../../../main/compute/imaging/voxelTypes.js';
import { baselineRow, readReference } from './referenceData.js';

function sha1(data: VoxelArray): string {
  return createHash('sha1')
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest('hex');
}

function countEqual(data: VoxelArray, value: number): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === value) n++;
  return n;
}

function range(data: VoxelArray): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function expectClose(actual: readonly number[], expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(tol));
}

function header(lines: string[]): Uint8Array {
  return new TextEncoder().encode(['NRRD0004', ...lines].join('\n') + '\n\n');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// Reference: shared/reference/pyradiomics/README.md ("NRRD headers" table) for geometry, counts
// and ranges; baseline/baseline_firstorder.csv rows diagnostics_Image-original_Hash and
// diagnostics_Mask-original_Hash (SimpleITK Hash = SHA-1 of the voxel buffer; masks as uint32).
describe('readNrrd on the PyRadiomics reference files', () => {
  const imageHash = baselineRow('baseline_firstorder.csv', 'diagnostics_Image-original_Hash');
  const maskHash = baselineRow('baseline_firstorder.csv', 'diagnostics_Mask-original_Hash');

  it('brain1 image: geometry with negative y direction, int16 voxels, SHA-1 equal to the baseline hash', () => {
    const img = readNrrd(readReference('pyradiomics', 'brain1_image.nrrd'), 'brain1_image.nrrd');
    const v = img.volume;
    expect(img.voxelType).toBe('int16');
    expect(v.data).toBeInstanceOf(Int16Array);
    expect(v.size).toEqual([256, 256, 25]);
    // Tolerance 1e-12 mm: the header stores 0.78124999999999989 and 6.4999999999999982.
    expectClose(v.spacingMm, [0.78125, 0.78125, 6.5], 1e-12);
    expect(v.direction).toEqual([1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expectClose(v.originMm, [-99.609375, 99.609375, -78.0], 1e-9);
    expect(v.components).toBeUndefined();
    expect(sha1(v.data)).toBe(imageHash.brain1);
    expect(sha1(v.data)).toBe('5c9ce3ca174f0f8324aa4d277e0fef82dc5ac566');
    expect(range(v.data)).toEqual([0, 3057]);
    expect(img.keyValues).toEqual({});
    expect(img.segmentation).toBeUndefined();
    expect(img.warnings).toEqual([]);
  });

  it('brain1 label: int32 voxels, 4,137 voxels = 1, SHA-1 as uint32 equal to the baseline hash', () => {
    const img = readNrrd(readReference('pyradiomics', 'brain1_label.nrrd'), 'brain1_label.nrrd');
    expect(img.voxelType).toBe('int32');
    expect(img.volume.size).toEqual([256, 256, 25]);
    expect(img.volume.direction).toEqual([1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(countEqual(img.volume.data, 1)).toBe(4137);
    expect(sha1(Uint32Array.from(img.volume.data))).toBe(maskHash.brain1);
  });

  it('breast1 image and label: geometry, ranges, voxel counts and both hashes', () => {
    const img = readNrrd(readReference('pyradiomics', 'breast1_image.nrrd'), 'breast1_image.nrrd');
    const lab = readNrrd(readReference('pyradiomics', 'breast1_label.nrrd'), 'breast1_label.nrrd');
    for (const v of [img.volume, lab.volume]) {
      expect(v.size).toEqual([45, 120, 21]);
      expectClose(v.spacingMm, [0.664062, 0.664062, 2.1], 1e-12);
      expect(v.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      expectClose(v.originMm, [-116.54304, -48.144654, 9.45], 1e-9);
    }
    expect(range(img.volume.data)).toEqual([6, 248]);
    expect(sha1(img.volume.data)).toBe(imageHash.breast1);
    expect(countEqual(lab.volume.data, 1)).toBe(143);
    expect(sha1(Uint32Array.from(lab.volume.data))).toBe(maskHash.breast1);
  });

  it('round trip: write (gzip, raw, big endian, RAS) then read gives identical voxels and geometry', () => {
    const img = readNrrd(readReference('pyradiomics', 'breast1_image.nrrd'), 'breast1_image.nrrd');
    const variants = [
      {},
      { encoding: 'raw' as const },
      { encoding: 'raw' as const, endian: 'big' as const },
      { space: 'right-anterior-superior' as const },
    ];
    for (const options of variants) {
      const back = readNrrd(writeNrrd(img.volume, options), 'roundtrip.nrrd').volume;
      // Exact: numbers are written with round-trip precision and RAS flips only signs.
      expect(back.size).toEqual(img.volume.size);
      expect(back.spacingMm).toEqual(img.volume.spacingMm);
      expect(back.originMm).toEqual(img.volume.originMm);
      expect(back.direction).toEqual(img.volume.direction);
      expect(back.data).toBeInstanceOf(Int16Array);
      expect(sha1(back.data)).toBe(imageHash.breast1);
    }
    const brain = readNrrd(readReference('pyradiomics', 'brain1_image.nrrd')).volume;
    const brainBack = readNrrd(writeNrrd(brain, { gzipLevel: 1 })).volume;
    expect(brainBack.direction).toEqual([1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(sha1(brainBack.data)).toBe(imageHash.brain1);
  });
});

describe('readNrrd: types, endianness, spaces, 4D', () => {
  it('every voxel type round-trips exactly in raw little/big endian and gzip', () => {
    for (const type of VOXEL_TYPES) {
      const data = allocateVoxels(type, 2 * 3 * 4);
      for (let i = 0; i < data.length; i++)
        data[i] = type.startsWith('float') ? (i - 7) * 0.37 : type.startsWith('u') ? i * 5 : (i - 12) * 5;
      const vol: Volume = {
        size: [2, 3, 4],
        spacingMm: [0.5, 1.5, 3],
        originMm: [1, -2, 3],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        data,
      };
      for (const encoding of ['raw', 'gzip'] as const) {
        for (const endian of ['little', 'big'] as const) {
          const back = readNrrd(writeNrrd(vol, { encoding, endian }), `${type}.nrrd`);
          expect(back.voxelType).toBe(type);
          expect(Array.from(back.volume.data)).toEqual(Array.from(data));
        }
      }
    }
  });

  it('reads big-endian int16 and RAS space from a hand-written header', () => {
    // Voxels 1, 256, -2 as big-endian int16: 00 01, 01 00, FF FE.
    const head = header([
      'type: short',
      'dimension: 3',
      'space: right-anterior-superior',
      'sizes: 3 1 1',
      'space directions: (2,0,0) (0,3,0) (0,0,4)',
      'kinds: domain domain domain',
      'endian: big',
      'encoding: raw',
      'space origin: (10,20,30)',
    ]);
    const img = readNrrd(concat(head, new Uint8Array([0, 1, 1, 0, 0xff, 0xfe])), 'ras.nrrd');
    expect(Array.from(img.volume.data)).toEqual([1, 256, -2]);
    // RAS → LPS negates x and y of origin and directions (ITK NrrdImageIO convention).
    expect(img.volume.originMm).toEqual([-10, -20, 30]);
    expect(img.volume.direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(img.volume.spacingMm).toEqual([2, 3, 4]);
  });

  it('4D with the list axis last (planar) becomes interleaved components', () => {
    const head = header([
      'type: unsigned char',
      'dimension: 4',
      'space: left-posterior-superior',
      'sizes: 2 2 1 3',
      'space directions: (1,0,0) (0,1,0) (0,0,1) none',
      'kinds: domain domain domain list',
      'encoding: raw',
    ]);
    // frame f, voxel v holds 10·f + v.
    const raw = new Uint8Array([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
    const img = readNrrd(concat(head, raw), 'planar.nrrd');
    expect(img.componentAxis).toBe(3);
    expect(img.volume.components).toBe(3);
    expect(img.volume.size).toEqual([2, 2, 1]);
    expect(Array.from(img.volume.data)).toEqual([0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23]);
  });

  it('4D with the vector axis first is already interleaved; writing keeps it', () => {
    const head = header([
      'type: float',
      'dimension: 4',
      'space: left-posterior-superior',
      'sizes: 2 3 1 1',
      'space directions: none (0.5,0,0) (0,0.5,0) (0,0,2)',
      'kinds: vector domain domain domain',
      'endian: little',
      'encoding: gzip',
    ]);
    const values = new Float32Array([0.5, -1, 2, 3, 4.25, 5]);
    const img = readNrrd(concat(head, gzipSync(new Uint8Array(values.buffer))), 'vector.nrrd');
    expect(img.volume.components).toBe(2);
    expect(img.volume.size).toEqual([3, 1, 1]);
    expect(Array.from(img.volume.data)).toEqual(Array.from(values));
    const back = readNrrd(writeNrrd(img.volume, { componentKind: 'vector' }));
    expect(back.kinds).toEqual(['vector', 'domain', 'domain', 'domain']);
    expect(back.volume.components).toBe(2);
    expect(Array.from(back.volume.data)).toEqual(Array.from(values));
  });

  it('reads oblique (non-axis-aligned) space directions into unit columns and spacing', () => {
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const head = header([
      'type: uchar',
      'dimension: 3',
      'space: left-posterior-superior',
      'sizes: 1 1 1',
      `space directions: (${2 * c},${2 * s},0) (${-3 * s},${3 * c},0) (0,0,5)`,
      'encoding: ascii',
    ]);
    const img = readNrrd(concat(head, new TextEncoder().encode('7\n')), 'oblique.nrrd');
    expect(Array.from(img.volume.data)).toEqual([7]);
    // Tolerance 1e-12: norms and divisions of doubles.
    expectClose(img.volume.spacingMm, [2, 3, 5], 1e-12);
    expectClose(img.volume.direction, [c, -s, 0, s, c, 0, 0, 0, 1], 1e-12);
  });

  it('a 2D image in 3D space gets a right-handed third direction (normal of the two axes)', () => {
    const head = header([
      'type: uchar',
      'dimension: 2',
      'space: left-posterior-superior',
      'sizes: 2 1',
      'space directions: (0,0.5,0) (0,0,-2)',
      'space origin: (1,2,3)',
      'encoding: raw',
    ]);
    const img = readNrrd(concat(head, new Uint8Array([3, 4])), 'slice.nrrd');
    expect(img.volume.size).toEqual([2, 1, 1]);
    expect(img.volume.spacingMm).toEqual([0.5, 2, 1]);
    // Columns (0,1,0), (0,0,−1) and their cross product (−1,0,0).
    expect(img.volume.direction).toEqual([0, 0, -1, 1, 0, 0, 0, -1, 0]);
    expect(img.volume.originMm).toEqual([1, 2, 3]);
  });

  it('reads a detached header (.nhdr) through the caller-supplied reader, with byte skip', () => {
    const head = header([
      'type: short',
      'dimension: 3',
      'sizes: 2 1 1',
      'spacings: 0.5 0.5 2',
      'endian: little',
      'encoding: raw',
      'byte skip: 4',
      'data file: img.raw',
    ]);
    const data = new Uint8Array([9, 9, 9, 9, 5, 0, 0xfb, 0xff]);
    const img = readNrrd(head, 'img.nhdr', { readDetachedFile: (name) => (name === 'img.raw' ? data : new Uint8Array()) });
    expect(Array.from(img.volume.data)).toEqual([5, -5]);
    expect(img.volume.spacingMm).toEqual([0.5, 0.5, 2]);
    expect(() => readNrrd(head, 'img.nhdr')).toThrow(/img\.nhdr: .*detached file "img\.raw"/);
  });
});

describe('NRRD key/value pairs and 3D Slicer segmentations', () => {
  // Header as 3D Slicer 5 writes a two-layer .seg.nrrd (vtkMRMLSegmentationStorageNode).
  const segHeader = header([
    'type: unsigned char',
    'dimension: 4',
    'space: right-anterior-superior',
    'sizes: 2 3 2 1',
    'space directions: none (-1,0,0) (0,-1,0) (0,0,1)',
    'kinds: list domain domain domain',
    'encoding: raw',
    'space origin: (5,6,7)',
    'measurement frame: (1,0,0) (0,1,0) (0,0,1)',
    'Segment0_Color:=0.501961 0.682353 0.501961',
    'Segment0_ColorAutoGenerated:=1',
    'Segment0_Extent:=0 2 0 1 0 0',
    'Segment0_ID:=Segment_1',
    'Segment0_LabelValue:=1',
    'Segment0_Layer:=0',
    'Segment0_Name:=Lesion – index',
    'Segment0_NameAutoGenerated:=0',
    'Segment0_Tags:=Segmentation.Status:inprogress|TerminologyEntry:Segmentation category and type - 3D Slicer General Anatomy list~SCT^85756007^Tissue~SCT^85756007^Tissue~^^~Anatomic codes - DICOM master list~^^~^^|',
    'Segment1_Color:=0.945098 0.839216 0.568627',
    'Segment1_ID:=Segment_2',
    'Segment1_LabelValue:=2',
    'Segment1_Layer:=0',
    'Segment1_Name:=Satellite',
    'Segment2_Color:=0.1 0.2 0.3',
    'Segment2_ID:=Segment_3',
    'Segment2_LabelValue:=1',
    'Segment2_Layer:=1',
    'Segment2_Name:=Overlapping',
    'Segmentation_ContainedRepresentationNames:=Binary labelmap|Closed surface|',
    'Segmentation_ConversionParameters:=Smoothing factor|0.5|Smoothing factor.&',
    'Segmentation_MasterRepresentation:=Binary labelmap',
    'Segmentation_ReferenceImageExtentOffset:=10 20 0',
  ]);
  // (layer0, layer1) per voxel, x fastest over the 3×2 grid.
  const voxels = new Uint8Array([1, 0, 1, 1, 2, 0, 0, 1, 2, 0, 1, 1]);
  const bytes = concat(segHeader, voxels);

  it('parses segments, layers, label values, colours, tags and segmentation keys', () => {
    const img = readNrrd(bytes, 'lesion.seg.nrrd');
    const seg = img.segmentation!;
    expect(seg).toBeDefined();
    expect(img.volume.components).toBe(2);
    expect(img.volume.originMm).toEqual([-5, -6, 7]);
    expect(img.volume.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(seg.segments.map((s) => [s.id, s.name, s.labelValue, s.layer])).toEqual([
      ['Segment_1', 'Lesion – index', 1, 0],
      ['Segment_2', 'Satellite', 2, 0],
      ['Segment_3', 'Overlapping', 1, 1],
    ]);
    expect(seg.segments[0]!.color).toEqual([0.501961, 0.682353, 0.501961]);
    expect(seg.segments[0]!.extent).toEqual([0, 2, 0, 1, 0, 0]);
    expect(seg.segments[0]!.tags['Segmentation.Status']).toBe('inprogress');
    expect(seg.segments[0]!.tags.TerminologyEntry).toMatch(/^Segmentation category and type.*~\^\^$/);
    expect(seg.segments[0]!.nameAutoGenerated).toBe(false);
    expect(seg.segments[0]!.colorAutoGenerated).toBe(true);
    expect(seg.containedRepresentationNames).toEqual(['Binary labelmap', 'Closed surface']);
    expect(seg.masterRepresentation).toBe('Binary labelmap');
    expect(seg.referenceImageExtentOffset).toEqual([10, 20, 0]);
    expect(img.fields['measurement frame']).toBe('(1,0,0) (0,1,0) (0,0,1)');
  });

  it('segmentMask selects label value within the segment layer', async () => {
    const { segmentMask } = await import('../../../main/compute/imaging/slicerSegmentation.js');
    const img = readNrrd(bytes, 'lesion.seg.nrrd');
    const [s0, s1, s2] = img.segmentation!.segments;
    expect(Array.from(segmentMask(img.volume, s0!))).toEqual([1, 1, 0, 0, 0, 1]);
    expect(Array.from(segmentMask(img.volume, s1!))).toEqual([0, 0, 1, 0, 1, 0]);
    expect(Array.from(segmentMask(img.volume, s2!))).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('writes key/value pairs and segment metadata back so they read identically', () => {
    const img = readNrrd(bytes, 'lesion.seg.nrrd');
    const out = writeNrrd(img.volume, {
      keyValues: { ...img.keyValues, Note: 'two\nlines \\ ok' },
      segmentation: img.segmentation!,
    });
    const back = readNrrd(out, 'copy.seg.nrrd');
    expect(back.segmentation).toEqual(img.segmentation);
    expect(back.keyValues.Note).toBe('two\nlines \\ ok');
    expect(back.volume.originMm).toEqual(img.volume.originMm);
    expect(Array.from(back.volume.data)).toEqual(Array.from(voxels));
  });

  it('an old-style segmentation (no Layer/LabelValue) maps segment N to component N', () => {
    const head = header([
      'type: uchar',
      'dimension: 4',
      'space: left-posterior-superior',
      'sizes: 2 2 1 1',
      'space directions: none (1,0,0) (0,1,0) (0,0,1)',
      'kinds: list domain domain domain',
      'encoding: raw',
      'Segment0_ID:=a',
      'Segment1_ID:=b',
    ]);
    const img = readNrrd(concat(head, new Uint8Array([1, 0, 1, 1])), 'old.seg.nrrd');
    expect(img.segmentation!.segments.map((s) => [s.name, s.layer, s.labelValue])).toEqual([
      ['a', 0, 1],
      ['b', 1, 1],
    ]);
  });

  it('a bad segment key is an error naming the file and the key', () => {
    const head = header(['type: uchar', 'dimension: 3', 'sizes: 1 1 1', 'encoding: raw', 'Segment0_LabelValue:=one']);
    expect(() => readNrrd(concat(head, new Uint8Array([0])), 'bad.seg.nrrd')).toThrow(
      'bad.seg.nrrd: Segment0_LabelValue "one" is not an integer',
    );
  });
});

describe('readNrrd: corrupt and truncated input', () => {
  const good = readReference('pyradiomics', 'breast1_image.nrrd');

  it('truncated gzip data name the file and the problem', () => {
    const cut = good.subarray(0, good.length - 5000);
    expect(() => readNrrd(cut, 'breast1_image.nrrd')).toThrow(ImageFormatError);
    expect(() => readNrrd(cut, 'breast1_image.nrrd')).toThrow(
      /^breast1_image\.nrrd: gzip data cannot be decompressed .*truncated or corrupt/,
    );
  });

  it('truncated raw data state how many bytes are missing', () => {
    const raw = writeNrrd(readNrrd(good).volume, { encoding: 'raw' });
    expect(() => readNrrd(raw.subarray(0, raw.length - 2), 'cut.nrrd')).toThrow(
      'cut.nrrd: NRRD raw data are truncated: 226798 bytes for 113400 int16 voxels (226800 bytes)',
    );
  });

  it('not an NRRD, missing fields and unsupported values are named', () => {
    expect(() => readNrrd(new TextEncoder().encode('DICM and more bytes'), 'x.nrrd')).toThrow(/^x\.nrrd: not an NRRD file/);
    expect(() => readNrrd(header(['dimension: 3', 'sizes: 1 1 1', 'encoding: raw']), 'y.nrrd')).toThrow(
      'y.nrrd: NRRD header has no "type" field',
    );
    expect(() => readNrrd(header(['type: int64', 'dimension: 1', 'sizes: 1', 'encoding: raw']), 'z.nrrd')).toThrow(
      /z\.nrrd: .*64-bit integers are not supported/,
    );
    expect(() => readNrrd(header(['type: short', 'dimension: 3', 'sizes: 1 1', 'encoding: raw']), 'w.nrrd')).toThrow(
      '"sizes" lists 2 axes but "dimension" is 3',
    );
    expect(() =>
      readNrrd(header(['type: short', 'dimension: 1', 'sizes: 1', 'encoding: bzip2', 'endian: little']), 'b.nrrd'),
    ).toThrow('b.nrrd: NRRD encoding "bzip2" is not supported');
    expect(() => readNrrd(header(['type: short', 'dimension: 1', 'sizes: 1', 'encoding: raw']), 'e.nrrd')).toThrow(
      '"endian" must be "little" or "big"',
    );
    expect(() =>
      readNrrd(
        header([
          'type: short',
          'dimension: 1',
          'sizes: 1',
          'encoding: raw',
          'space: left-posterior-superior',
          'space directions: (1,0)',
        ]),
        'd.nrrd',
      ),
    ).toThrow('has 2 components, expected 3');
  });
});
