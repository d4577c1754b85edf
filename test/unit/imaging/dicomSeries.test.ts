import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDicomSeries } from '../../../main/compute/imaging/dicom/readDicom.js';
import type { DicomInput } from '../../../main/compute/imaging/dicom/readDicom.js';
import { sameGeometry } from '../../../main/compute/imaging/geometry.js';
import { readNifti } from '../../../main/compute/imaging/nifti.js';
import { dicomFile, mrSlice, nativePixels } from './dicomFixture.js';
import type { DicomElement } from './dicomFixture.js';
import type { SliceSpec } from './dicomFixture.js';
import { readReference, referencePath } from './referenceData.js';

/** Deterministic Fisher–Yates shuffle (LCG, Numerical Recipes constants). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function slices(specs: SliceSpec[]): DicomInput[] {
  return specs.map((s, k) => ({ name: `s${k}.dcm`, bytes: mrSlice({ instance: k + 1, ...s }) }));
}

// The CT phantom is CC BY-NC: read in place for this test only, never copied or shipped.
describe('IBSI-1 CT phantom: DICOM series vs the NIfTI conversion', () => {
  const dir = referencePath('ibsi', 'ibsi1_ct_phantom', 'dicom', 'image');
  const inputs = readdirSync(dir)
    .filter((n) => n.endsWith('.dcm'))
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(`${dir}/${name}`)) }));

  it('60 shuffled files assemble to the NIfTI geometry (≤ 1e-3 mm) and identical voxel values (max |Δ| = 0)', async () => {
    expect(inputs.length).toBe(60);
    const nifti = readNifti(readReference('ibsi', 'ibsi1_ct_phantom', 'nifti', 'image', 'phantom.nii.gz')).volume;
    for (const order of [inputs, shuffled(inputs, 7)]) {
      const { series, skipped } = await readDicomSeries(order);
      expect(skipped).toEqual([]);
      expect(series.length).toBe(1);
      const s = series[0]!;
      expect(s.warnings).toEqual([]);
      const v = s.volume;
      expect(v.size).toEqual([204, 201, 60]);
      // Reference: ibsi/README.md — RescaleIntercept −1000, HU −1000..3065, 12-bit unsigned stored → int16.
      expect(v.data).toBeInstanceOf(Int16Array);
      const check = sameGeometry(v, nifti, 1e-3, { a: 'DICOM series', b: 'phantom.nii.gz' });
      expect(check.message).toBe('');
      expect(check.same).toBe(true);
      expect(check.maxDisplacementMm).toBeLessThan(1e-3);
      let worst = 0;
      for (let i = 0; i < v.data.length; i++) worst = Math.max(worst, Math.abs(v.data[i]! - nifti.data[i]!));
      expect(worst).toBe(0);
      expect(s.firstHeader.source).toBe('DCM_IMG_00059.dcm');
    }
  });
});

describe('DICOM series assembly (synthetic series)', () => {
  const px = (k: number): number[] => [k, k + 1, k + 2, k + 3, k + 4, k + 5];

  it('orders shuffled oblique slices along the normal; spacing from positions, not file order', async () => {
    // Row direction (cos a, sin a, 0), column direction (0, 0, −1): normal = row × col.
    const a = 0.5;
    const row = [Math.cos(a), Math.sin(a), 0];
    const col = [0, 0, -1];
    const n = [
      row[1]! * col[2]! - row[2]! * col[1]!,
      row[2]! * col[0]! - row[0]! * col[2]!,
      row[0]! * col[1]! - row[1]! * col[0]!,
    ];
    const specs: SliceSpec[] = [0, 1, 2, 3, 4].map((k) => ({
      position: [10 + 2.5 * k * n[0]!, -20 + 2.5 * k * n[1]!, 5 + 2.5 * k * n[2]!] as [number, number, number],
      orientation: [...row, ...col],
      pixels: px(10 * k),
    }));
    const { series } = await readDicomSeries(shuffled(slices(specs), 3));
    const v = series[0]!.volume;
    expect(v.size).toEqual([3, 2, 5]);
    expect(v.spacingMm[0]).toBe(0.75); // PixelSpacing[1]: between columns, along i
    expect(v.spacingMm[1]).toBe(0.5);
    expect(Math.abs(v.spacingMm[2] - 2.5)).toBeLessThan(1e-12);
    expect(v.originMm).toEqual([10, -20, 5]);
    const expectedDir = [row[0], col[0], n[0], row[1], col[1], n[1], row[2], col[2], n[2]];
    v.direction.forEach((x, k) => expect(Math.abs(x - expectedDir[k]!)).toBeLessThan(1e-12));
    expect(Array.from(v.data)).toEqual([0, 1, 2, 3, 4].flatMap((k) => px(10 * k)));
    expect(series[0]!.warnings).toEqual([]);
  });

  it('warns about a missing slice (gap = 2 steps) and about uneven spacing', async () => {
    const at = (zs: number[]): SliceSpec[] => zs.map((z, k) => ({ position: [0, 0, z], pixels: px(k) }));
    const missing = (await readDicomSeries(slices(at([0, 2, 4, 8, 10])))).series[0]!;
    expect(missing.warnings).toEqual([
      'missing slice(s): a gap of 4.000 mm (2 × 2.000 mm) after position 4.000 mm',
      '1 slice(s) missing; the mean spacing 2.5000 mm misplaces the slices after a gap',
    ]);
    const uneven = (await readDicomSeries(slices(at([0, 2, 4.5, 6])))).series[0]!;
    expect(uneven.warnings).toEqual(['uneven slice spacing: steps range from 1.5000 to 2.5000 mm; the mean 2.0000 mm was used']);
    expect(uneven.volume.spacingMm[2]).toBe(2);
  });

  it('two DCE phases in one series become two components ordered by TemporalPositionIdentifier', async () => {
    const specs: SliceSpec[] = [];
    for (const phase of [1, 2])
      for (const z of [0, 3, 6]) specs.push({ position: [0, 0, z], temporal: phase, pixels: px(100 * phase + z) });
    const { series } = await readDicomSeries(shuffled(slices(specs), 11));
    const v = series[0]!.volume;
    expect(v.components).toBe(2);
    expect(v.size).toEqual([3, 2, 3]);
    for (let k = 0; k < 3; k++) {
      for (let p = 0; p < 6; p++) {
        for (const phase of [1, 2]) expect(v.data[(k * 6 + p) * 2 + phase - 1]).toBe(100 * phase + 3 * k + p);
      }
    }
    expect(series[0]!.warnings).toEqual(['2 images per position were stacked as 2 components (phases, b-values or echoes)']);
  });

  it('an incomplete phase is an error naming the series', async () => {
    const specs: SliceSpec[] = [
      { position: [0, 0, 0], temporal: 1, pixels: px(0) },
      { position: [0, 0, 0], temporal: 2, pixels: px(0) },
      { position: [0, 0, 3], temporal: 1, pixels: px(0) },
    ];
    await expect(readDicomSeries(slices(specs))).rejects.toThrow(
      /^series 1\.2\.3\.9: position 3\.000 mm along the normal holds 1 image\(s\) but the first holds 2/,
    );
  });

  it('series are grouped by SeriesInstanceUID; a series mixing sizes is split with a warning', async () => {
    const specs: SliceSpec[] = [
      { series: '1.1', position: [0, 0, 0], pixels: px(0) },
      { series: '1.1', position: [0, 0, 1], pixels: px(1) },
      { series: '2.2', position: [0, 0, 0], pixels: px(0) },
      { series: '2.2', position: [0, 0, 1], rows: 1, columns: 2, pixels: [5, 6] },
    ];
    const { series } = await readDicomSeries(slices(specs));
    expect(series.map((s) => [s.key, s.volume.size.join('×')])).toEqual([
      ['1.1', '3×2×2'],
      ['2.2#1', '3×2×1'],
      ['2.2#2', '2×1×1'],
    ]);
    expect(series[1]!.warnings[0]).toBe('series 2.2 mixes 2 image sizes or orientations; it was split into 2 stacks');
  });

  it('orientation noise below 1e-3 keeps one stack; a different orientation is split off', async () => {
    const specs: SliceSpec[] = [
      { position: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0], pixels: px(0) },
      { position: [0, 0, 2], orientation: [1, 0, 0, 0, 0.99995, 0.0002], pixels: px(1) },
      { position: [0, 0, 4], orientation: [0, 1, 0, 0, 0, -1], pixels: px(2) },
    ];
    const { series } = await readDicomSeries(slices(specs));
    expect(series.map((s) => [s.key, s.volume.size.join('×')])).toEqual([
      ['1.2.3.9#1', '3×2×2'],
      ['1.2.3.9#2', '3×2×1'],
    ]);
  });

  it('rescale per slice: integer slope/intercept keep integers (int32 when the stored range needs it); a fractional slope gives float32', async () => {
    const ints = await readDicomSeries(
      slices([
        { position: [0, 0, 0], intercept: -1000, pixels: [0, 1, 2, 3, 4, 5], signed: false },
        { position: [0, 0, 1], intercept: -1024, pixels: [0, 1, 2, 3, 4, 5], signed: false },
      ]),
    );
    // 16-bit unsigned range 0..65535 − 1000 exceeds int16 → int32.
    expect(ints.series[0]!.volume.data).toBeInstanceOf(Int32Array);
    expect(Array.from(ints.series[0]!.volume.data.subarray(0, 7))).toEqual([-1000, -999, -998, -997, -996, -995, -1024]);
    const frac = await readDicomSeries(slices([{ position: [0, 0, 0], slope: 0.5, intercept: 1, pixels: [0, 1, 2, 3, -4, 5] }]));
    expect(frac.series[0]!.volume.data).toBeInstanceOf(Float32Array);
    expect(Array.from(frac.series[0]!.volume.data)).toEqual([1, 1.5, 2, 2.5, -1, 3.5]);
  });

  it('a slice without ImagePositionPatient is an error naming the file and the series', async () => {
    const good = mrSlice({ position: [0, 0, 0], pixels: px(0) });
    const noPosition = dicomFile(
      '1.2.840.10008.1.2.1',
      [
        [0x0020, 0x000e, { vr: 'UI', value: '1.2.3.9' }],
        [0x0020, 0x0037, { vr: 'DS', value: '1\\0\\0\\0\\1\\0' }],
        [0x0028, 0x0010, { vr: 'US', value: [2] }],
        [0x0028, 0x0011, { vr: 'US', value: [3] }],
        [0x0028, 0x0030, { vr: 'DS', value: '1\\1' }],
        [0x0028, 0x0100, { vr: 'US', value: [16] }],
      ],
      nativePixels(px(0)),
    );
    await expect(
      readDicomSeries([
        { name: 'a.dcm', bytes: good },
        { name: 'b.dcm', bytes: noPosition },
      ]),
    ).rejects.toThrow('series 1.2.3.9: b.dcm has no ImagePositionPatient; the slices cannot be placed in space');
  });

  it('an enhanced multi-frame file: per-frame positions, temporal indices and rescale; shared spacing and orientation', async () => {
    const frame = (x: number, phase: number): DicomElement[] => [
      [0x0020, 0x9111, { vr: 'SQ', items: [[[0x0020, 0x9128, { vr: 'UL', value: [phase] }]]] }],
      [0x0020, 0x9113, { vr: 'SQ', items: [[[0x0020, 0x0032, { vr: 'DS', value: `${x}\\7\\-5` }]]] }],
      [
        0x0028,
        0x9145,
        {
          vr: 'SQ',
          items: [
            [
              [0x0028, 0x1052, { vr: 'DS', value: String(10 * phase) }],
              [0x0028, 0x1053, { vr: 'DS', value: '1' }],
            ],
          ],
        },
      ],
    ];
    // Sagittal: rows (0,1,0), columns (0,0,−1) → normal (−1,0,0); d = −x, so x = −2 comes first.
    // Frames stored phase-major, farthest slice first, to test the ordering.
    const order: [number, number][] = [
      [-4, 1],
      [-2, 1],
      [-4, 2],
      [-2, 2],
    ];
    const pixels = order.flatMap((_, f) => [0, 1, 2, 3, 4, 5].map((p) => 10 * f + p));
    const el: DicomElement[] = [
      [0x0008, 0x0060, { vr: 'CS', value: 'MR' }],
      [0x0020, 0x000e, { vr: 'UI', value: '1.2.3.77' }],
      [0x0028, 0x0002, { vr: 'US', value: [1] }],
      [0x0028, 0x0004, { vr: 'CS', value: 'MONOCHROME2' }],
      [0x0028, 0x0008, { vr: 'IS', value: '4' }],
      [0x0028, 0x0010, { vr: 'US', value: [2] }],
      [0x0028, 0x0011, { vr: 'US', value: [3] }],
      [0x0028, 0x0100, { vr: 'US', value: [16] }],
      [0x0028, 0x0101, { vr: 'US', value: [16] }],
      [0x0028, 0x0103, { vr: 'US', value: [1] }],
      [
        0x5200,
        0x9229,
        {
          vr: 'SQ',
          items: [
            [
              [0x0020, 0x9116, { vr: 'SQ', items: [[[0x0020, 0x0037, { vr: 'DS', value: '0\\1\\0\\0\\0\\-1' }]]] }],
              [
                0x0028,
                0x9110,
                {
                  vr: 'SQ',
                  items: [
                    [
                      [0x0028, 0x0030, { vr: 'DS', value: '0.8\\0.6' }],
                      [0x0018, 0x0050, { vr: 'DS', value: '2' }],
                    ],
                  ],
                },
              ],
            ],
          ],
        },
      ],
      [0x5200, 0x9230, { vr: 'SQ', items: order.map(([x, phase]) => frame(x, phase)) }],
    ];
    const bytes = dicomFile('1.2.840.10008.1.2.1', el, nativePixels(pixels));
    const { series } = await readDicomSeries([{ name: 'enhanced.dcm', bytes }]);
    const v = series[0]!.volume;
    expect(v.direction).toEqual([0, 0, -1, 1, 0, 0, 0, -1, 0]);
    expect(v.size).toEqual([3, 2, 2]);
    expect(v.spacingMm).toEqual([0.6, 0.8, 2]);
    expect(v.originMm).toEqual([-2, 7, -5]);
    expect(v.components).toBe(2);
    // Slice k, phase c comes from frame f with value 10·f + p + 10·phase (per-frame intercept).
    const frameOf = [
      [1, 3],
      [0, 2],
    ];
    for (let k = 0; k < 2; k++) {
      for (let p = 0; p < 6; p++) {
        for (let c = 0; c < 2; c++) expect(v.data[(k * 6 + p) * 2 + c]).toBe(10 * frameOf[k]![c]! + p + 10 * (c + 1));
      }
    }
  });
});
