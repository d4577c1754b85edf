/**
 * Several labels through `segmentation.import` and extraction, on the IBSI-1 CT phantom series
 * (../shared/reference/ibsi/ibsi1_ct_phantom, CC BY-NC, read in place for tests only). The masks
 * are written by the test on the series grid: label 1 = IBSI's mask.nii.gz, label 2 = the voxels
 * of the slice below the mask's first slice (another structure). References: those voxel values
 * (compared exactly) and their counts; the extraction's ROI voxel count must equal the count of
 * the labels it was asked for (exact).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractionSummary, FeatureTable, Segmentation, SegmentationMask, Series } from '../../../main/api/contract.js';
import { maskFromLabelRuns } from '../../../main/compute/imaging/maskCodec.js';
import { readNifti, writeNifti } from '../../../main/compute/imaging/nifti.js';
import type { Geometry, Volume } from '../../../main/compute/imaging/volume.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';
import { readReference, referencePath } from '../imaging/referenceData.js';
import { segFixture } from '../imaging/segFixture.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let series: Series;
let grid: Geometry;
const lesions: number[] = [];
let twoLabels: Uint8Array;
let count1 = 0;
let count2 = 0;

const { call, finished } = routerCalls(() => services, 120_000);

async function importSeg(params: Record<string, unknown>) {
  const { jobId } = await call<{ jobId: number }>('segmentation.import', { seriesId: series.id, ...params });
  return finished(jobId);
}

async function stored(
  lesionId: number,
  reader: string,
): Promise<{ seg: Segmentation; mask: SegmentationMask; data: Uint8Array }> {
  const [seg] = await call<Segmentation[]>('segmentation.list', { lesionId, reader });
  const mask = await call<SegmentationMask>('segmentation.mask', { id: seg!.id });
  const n = mask.geometry.size[0] * mask.geometry.size[1] * mask.geometry.size[2];
  return { seg: seg!, mask, data: maskFromLabelRuns(mask.runs, mask.values, n, 'stored mask') };
}

function write(name: string, v: Volume): string {
  const file = path.join(t.dir, name);
  writeFileSync(file, writeNifti(v, { gzip: name.endsWith('.gz') }));
  return file;
}

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'labels.radstudy'), name: 'Labels' });
  const db = services.study.requireHandle().db;
  const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
  const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
  for (let k = 1; k <= 6; k++)
    lesions.push(Number(db.prepare('INSERT INTO lesion(patient_id, code) VALUES (?, ?)').run(patient, `L${k}`).lastInsertRowid));
  const { jobId } = await call<{ jobId: number }>('images.import', {
    folder: referencePath('ibsi', 'ibsi1_ct_phantom', 'dicom', 'image'),
  });
  expect((await finished(jobId)).status).toBe('succeeded');
  [series] = await call<Series[]>('images.series.list', {});
  grid = { ...series.geometry, direction: series.geometry.direction as Geometry['direction'] };
  const reference = readNifti(readReference('ibsi', 'ibsi1_ct_phantom', 'nifti', 'mask', 'mask.nii.gz')).volume;
  // Label 1: the IBSI mask; label 2: voxels of the slice k0 − 1 below its first slice k0, under its footprint.
  const slice = reference.size[0] * reference.size[1];
  twoLabels = new Uint8Array(reference.data.length);
  let k0 = -1;
  for (let v = 0; v < twoLabels.length; v++)
    if (reference.data[v] !== 0) {
      twoLabels[v] = 1;
      if (k0 < 0) k0 = Math.floor(v / slice);
    }
  expect(k0).toBeGreaterThan(0);
  for (let p = 0; p < slice; p++) if (reference.data[k0 * slice + p] !== 0) twoLabels[(k0 - 1) * slice + p] = 2;
  for (const v of twoLabels) {
    if (v === 1) count1++;
    if (v === 2) count2++;
  }
  expect(count1).toBeGreaterThan(0);
  expect(count2).toBeGreaterThan(0);
}, 120_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('segmentation.import keeps several labels', () => {
  it('stores a two-label NIfTI as one segmentation with label values and the label table', async () => {
    const job = await importSeg({ file: write('two.nii.gz', { ...grid, data: twoLabels }), lesionId: lesions[0], reader: 'ML' });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const { seg, mask, data } = await stored(lesions[0]!, 'ML');
    expect(seg.label).toBe('labels 1, 2');
    expect(seg.voxelCount).toBe(count1 + count2);
    expect(mask.labels!.map((l) => [l.value, l.name])).toEqual([
      [1, 'Label 1'],
      [2, 'Label 2'],
    ]);
    let mismatches = 0;
    for (let v = 0; v < data.length; v++) if (data[v] !== twoLabels[v]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('takes a chosen label as label 1 only', async () => {
    const job = await importSeg({ file: path.join(t.dir, 'two.nii.gz'), lesionId: lesions[1], reader: 'L2', label: 2 });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const { seg, mask, data } = await stored(lesions[1]!, 'L2');
    expect(seg.label).toBe('label 2');
    expect(mask.labels).toEqual([]);
    expect(seg.voxelCount).toBe(count2);
    expect(data.every((v, k) => v === (twoLabels[k] === 2 ? 1 : 0))).toBe(true);
  });

  it('stores a 0/255 mask as label 1 with a warning', async () => {
    const bin = twoLabels.map((v) => (v === 1 ? 255 : 0));
    const job = await importSeg({ file: write('bin255.nii', { ...grid, data: bin }), lesionId: lesions[2], reader: 'B' });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const { seg, mask, data } = await stored(lesions[2]!, 'B');
    expect(mask.values ?? []).toEqual((mask.values ?? []).map(() => 1));
    expect(mask.labels).toEqual([]);
    expect(seg.voxelCount).toBe(count1);
    expect(data.every((v, k) => v === (twoLabels[k] === 1 ? 1 : 0))).toBe(true);
    expect(seg.warnings).toEqual(["The mask's only non-zero value, 255, was imported as label 1."]);
  });

  it('stores a DICOM SEG with two segments as one segmentation with their names', async () => {
    const slice = grid.size[0] * grid.size[1];
    const frames: { segment: number; slice: number; pixels: Uint8Array }[] = [];
    for (let k = 0; k < grid.size[2]; k++)
      for (const segment of [1, 2]) {
        const pixels = twoLabels.subarray(k * slice, (k + 1) * slice).map((v) => (v === segment ? 1 : 0));
        if (pixels.some((v) => v !== 0)) frames.push({ segment, slice: k, pixels });
      }
    const file = path.join(t.dir, 'two.seg.dcm');
    writeFileSync(
      file,
      segFixture(
        grid,
        [
          { number: 1, label: 'GTV' },
          { number: 2, label: 'Below' },
        ],
        frames,
      ),
    );
    const job = await importSeg({ file, lesionId: lesions[3], reader: 'SEG' });
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const { seg, mask, data } = await stored(lesions[3]!, 'SEG');
    expect(seg.sourceFormat).toBe('dicom-seg');
    expect(mask.labels!.map((l) => [l.value, l.name])).toEqual([
      [1, 'GTV'],
      [2, 'Below'],
    ]);
    let mismatches = 0;
    for (let v = 0; v < data.length; v++) if (data[v] !== twoLabels[v]) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('extraction on a multi-label mask', () => {
  const params = (label: string) => `setting:
  binWidth: 25
${label}featureClass:
  firstorder: [Mean]
`;
  async function roiVoxels(name: string, text: string): Promise<number | null> {
    const r = await call<{ id: number; jobId: number }>('extraction.create', {
      name,
      paramsText: text,
      selection: { readers: ['ML'], sequences: [] },
    });
    const job = await finished(r.jobId);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect((await call<ExtractionSummary[]>('extraction.list')).find((e) => e.id === r.id)!.failed).toBe(0);
    const table = await call<FeatureTable>('extraction.table', { id: r.id, reader: 'ML' });
    return table.diagnostics[0]!.voxels;
  }

  it('takes every non-zero voxel when the parameter file names no label, and only label N with `label: N`', async () => {
    expect(await roiVoxels('all labels', params(''))).toBe(count1 + count2);
    expect(await roiVoxels('label 2', params('  label: 2\n'))).toBe(count2);
    expect(await roiVoxels('label 1', params('  label: 1\n'))).toBe(count1);
  });
});
