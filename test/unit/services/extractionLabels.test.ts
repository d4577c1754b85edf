/**
 * Extraction with the PyRadiomics `label` setting on a mask with two labels: the ROI is the
 * voxels of the chosen value only. Reference: shape VoxelVolume = voxel count of that label ×
 * voxel volume (PyRadiomics' definition), relative tolerance 1e-9; a segmentation without that
 * label fails with its case named, the others are not affected.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureTable, Segmentation, SegmentationMask } from '../../../main/api/contract.js';
import { maskFromLabelRuns } from '../../../main/compute/imaging/maskCodec.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
const { call, finished } = routerCalls(() => services, 120_000);

const PARAMS = `setting:
  binWidth: 10
  label: 2
featureClass:
  shape: [VoxelVolume]
`;

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await createDemoStudy(services, { out: path.join(t.dir, 'demo.radstudy'), patients: 2, seed: 17 });
}, 120_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('extraction of one label of a multi-label mask', () => {
  it('uses only the voxels of the `label` value', async () => {
    const segs = await call<Segmentation[]>('segmentation.list', { reader: 'REF' });
    const series = await call<{ id: number; kind: string }[]>('images.series.list');
    const t2 = new Set(series.filter((s) => s.kind === 'T2_FS').map((s) => s.id));
    const seg = segs.find((g) => t2.has(g.seriesId))!;
    const m = await call<SegmentationMask>('segmentation.mask', { id: seg.id });
    const [nx, ny, nz] = m.geometry.size;
    const mask = maskFromLabelRuns(m.runs, m.values, nx * ny * nz, 'mask');
    // Label 2: the labelled voxels with i above the middle of the lesion's bounding box; label 1: the rest.
    const mid = (seg.bbox![0] + seg.bbox![1]) / 2;
    let count2 = 0;
    for (let v = 0; v < mask.length; v++)
      if (mask[v] !== 0 && v % nx > mid) {
        mask[v] = 2;
        count2++;
      }
    expect(count2).toBeGreaterThan(0);
    expect(count2).toBeLessThan(seg.voxelCount);
    const runs: number[] = [];
    const values: number[] = [];
    let cur = 0;
    let run = 0;
    for (let v = 0; v < mask.length; v++) {
      if (mask[v] === cur) run++;
      else {
        runs.push(run);
        if (cur !== 0 && mask[v] !== 0) runs.push(0);
        if (mask[v] !== 0) values.push(mask[v]!);
        cur = mask[v]!;
        run = 1;
      }
    }
    runs.push(run);
    const saved = await call<Segmentation>('segmentation.save', {
      lesionId: seg.lesionId,
      seriesId: seg.seriesId,
      reader: 'REF',
      parentId: seg.id,
      status: 'done',
      timeSpentS: 0,
      runs,
      values,
      labels: [
        { value: 1, name: 'rim', colour: '#ff0000' },
        { value: 2, name: 'core', colour: '#00ff00' },
      ],
    });
    expect(saved.voxelCount).toBe(seg.voxelCount);

    const r = await call<{ id: number; jobId: number; total: number }>('extraction.create', {
      name: 'label 2',
      paramsText: PARAMS,
      selection: { readers: ['REF'], sequences: ['T2FS'] },
    });
    const job = await finished(r.jobId);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const table = await call<FeatureTable>('extraction.table', { id: r.id, reader: 'REF' });
    const row = table.rows.find((x) => x.patientCode === seg.patientCode && x.lesionCode === seg.lesionCode)!;
    const col = table.columns.indexOf('T2FS_original_shape_VoxelVolume');
    const [sx, sy, sz] = m.geometry.spacingMm;
    const expected = count2 * sx * sy * sz;
    expect(Math.abs((row.values[col] as number) - expected) / expected).toBeLessThan(1e-9);
    // The other REF segmentations on T2FS are binary (label 1 only): each fails, named.
    const others = segs.filter((g) => t2.has(g.seriesId) && g.id !== seg.id).length;
    expect(table.failures.length).toBe(others);
  }, 180_000);
});
