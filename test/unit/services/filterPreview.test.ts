/**
 * Filter preview (job extraction.preview, query extraction.preview.options) on a small demo study.
 *
 * Reference: the filter functions themselves (filters/log.ts laplacianOfGaussian, filters/simple.ts
 * squareImage) run on the WHOLE filter input (radiomics/imageTypes.ts filterInputs, the image the
 * extraction's filters see) of the same case, read directly from the series' files and the stored
 * mask, then cut to the box the job reports. The job sends float32, so the reference is rounded to
 * float32 (Math.fround) and must match exactly (tolerance 0); ROI mean/min/max are checked against
 * the float64 reference within 1e-9 relative (only the summation order may differ).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Segmentation, SegmentationMask, Series } from '../../../main/api/contract.js';
import { base64ToBytes, decodeFloat32, type FilterPreviewResult } from '../../../main/api/filterPreview.js';
import { laplacianOfGaussian, squareImage } from '../../../main/compute/filters/index.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { loadSeriesVolume } from '../../../main/compute/jobs/series-volume.js';
import { filterInputs } from '../../../main/compute/radiomics/imageTypes.js';
import { parseParameterFile } from '../../../main/compute/radiomics/settings.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
const { call, fails, finished } = routerCalls(() => services, 120_000);

const PARAMS = `setting:
  binWidth: 25
  normalize: true
imageType:
  Original: {}
  LoG:
    sigma: [3.0]
  Square: {}
featureClass:
  firstorder:
`;

let seg: Segmentation;
let image: Volume;
let mask: Volume;

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await createDemoStudy(services, { out: path.join(t.dir, 'demo.radstudy'), patients: 2, seed: 11 });
  const series = await call<Series[]>('images.series.list');
  const dce3 = series.filter((x) => x.kind === 'DCE' && x.phase === 2).map((x) => x.id);
  seg = (await call<Segmentation[]>('segmentation.list', { reader: 'REF' })).find((g) => dce3.includes(g.seriesId))!;
  const db = services.study.requireHandle().db;
  const sr = db.prepare('SELECT source_folder, component, components FROM series WHERE id = ?').get(seg.seriesId) as {
    source_folder: string;
    component: number;
    components: number;
  };
  image = await loadSeriesVolume({
    id: seg.seriesId,
    name: 'reference',
    sourceFolder: sr.source_folder,
    files: db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position').all(seg.seriesId) as {
      path: string;
      sha256: string;
    }[],
    component: sr.component,
    components: sr.components,
    geometry: series.find((x) => x.id === seg.seriesId)!.geometry as never,
  });
  const m = await call<SegmentationMask>('segmentation.mask', { id: seg.id });
  const data = new Uint8Array(image.data.length);
  let o = 0;
  m.runs.forEach((len, k) => {
    if (k % 2 === 1) data.fill(1, o, o + len);
    o += len;
  });
  mask = { ...image, data };
}, 120_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

async function preview(imageType: string): Promise<FilterPreviewResult> {
  const job = await call<Job>('jobs.start', {
    kind: 'extraction.preview',
    params: { segmentationId: seg.id, paramsText: PARAMS, imageType },
  });
  const done = await finished(job.id);
  expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
  return done.result as FilterPreviewResult;
}

/** `whole` (a volume on the filter input grid) cut to the job's box, x fastest. */
function cut(whole: ArrayLike<number>, size: readonly number[], r: FilterPreviewResult): number[] {
  const out: number[] = [];
  for (let k = r.lower[2]; k <= r.upper[2]; k++)
    for (let j = r.lower[1]; j <= r.upper[1]; j++)
      for (let i = r.lower[0]; i <= r.upper[0]; i++) out.push(whole[i + size[0]! * (j + size[1]! * k)]!);
  return out;
}

function roiStats(values: number[], m: Uint8Array): { min: number; max: number; mean: number; voxels: number } {
  const inside = values.filter((_, o) => m[o] === 1);
  return {
    min: Math.min(...inside),
    max: Math.max(...inside),
    mean: inside.reduce((a, b) => a + b, 0) / inside.length,
    voxels: inside.length,
  };
}

describe('filter preview', () => {
  it('lists the image types a parameter file enables, and names a bad file', async () => {
    expect(await call('extraction.preview.options', { paramsText: PARAMS })).toEqual({
      imageTypes: ['Original', 'LoG', 'Square'],
    });
    expect(await fails('extraction.preview.options', { paramsText: 'setting: {binWdth: 3}\n' })).toMatch(
      /VALIDATION filter preview parameter file.*unknown setting "binWdth"/,
    );
  });

  it('gives the LoG voxels of the case exactly as the LoG filter computes them on the filter input', async () => {
    const r = await preview('LoG');
    expect(r.name).toMatch(new RegExp(`^${seg.patientCode}/${seg.lesionCode}, reader REF, DCE3`));
    expect(r.images.map((i) => i.name)).toEqual(['log-sigma-3-0-mm-3D']);
    const p = parseParameterFile(PARAMS);
    const inputs = filterInputs(image, mask, { ...p.settings, label: 1, label_channel: 0 });
    // Only the ROI's slices, the whole ROI box in-plane plus the 6-voxel margin (clipped).
    expect(r.lower[2]).toBe(inputs.bbox.lower[2]);
    expect(r.upper[2]).toBe(inputs.bbox.upper[2]);
    expect(r.lower[0]).toBe(Math.max(0, inputs.bbox.lower[0] - 6));
    expect(r.size).toEqual([0, 1, 2].map((a) => r.upper[a]! - r.lower[a]! + 1));

    const ref = cut(laplacianOfGaussian(inputs.image, 3, true).data, inputs.image.size, r);
    const got = Array.from(decodeFloat32(r.images[0]!.dataBase64));
    expect(got.length).toBe(ref.length);
    expect(got).toEqual(ref.map(Math.fround));
    // Non-trivial: the LoG map is not the input and not constant.
    const original = Array.from(decodeFloat32(r.original.dataBase64));
    expect(original).toEqual(cut(inputs.image.data, inputs.image.size, r).map(Math.fround));
    expect(new Set(got).size).toBeGreaterThan(100);

    const m = base64ToBytes(r.maskBase64);
    expect(Array.from(m)).toEqual(cut(inputs.mask.data, inputs.mask.size, r));
    const s = roiStats(ref, m);
    expect(r.images[0]!.roi.voxels).toBe(s.voxels);
    expect(r.images[0]!.roi.min).toBe(s.min);
    expect(r.images[0]!.roi.max).toBe(s.max);
    expect(Math.abs(r.images[0]!.roi.mean - s.mean)).toBeLessThan(1e-9 * Math.max(1, Math.abs(s.mean)));
  });

  it('gives the Square image (computed on the whole input, then cut) exactly', async () => {
    const r = await preview('Square');
    const p = parseParameterFile(PARAMS);
    const inputs = filterInputs(image, mask, { ...p.settings, label: 1, label_channel: 0 });
    const ref = cut(squareImage(inputs.image).data, inputs.image.size, r);
    expect(Array.from(decodeFloat32(r.images[0]!.dataBase64))).toEqual(ref.map(Math.fround));
  });

  it('refuses an image type the file does not enable, and an unknown segmentation, naming them', async () => {
    const before = services.study.requireHandle().db.prepare('SELECT count(*) FROM job').pluck().get() as number;
    const j1 = await call<Job>('jobs.start', {
      kind: 'extraction.preview',
      params: { segmentationId: seg.id, paramsText: PARAMS, imageType: 'Wavelet' },
    });
    const f1 = await finished(j1.id);
    expect(f1.status).toBe('failed');
    expect(f1.error!.message).toMatch(
      /image type "Wavelet" is not enabled in the parameter file \(enabled: Original, LoG, Square\)/,
    );
    const j2 = await call<Job>('jobs.start', {
      kind: 'extraction.preview',
      params: { segmentationId: 99999, paramsText: PARAMS, imageType: 'LoG' },
    });
    const f2 = await finished(j2.id);
    expect(f2.status).toBe('failed');
    expect(f2.error!.message).toMatch(/no segmentation #99999/);
    // Nothing but the two job rows was written.
    const db = services.study.requireHandle().db;
    expect(db.prepare('SELECT count(*) FROM job').pluck().get()).toBe(before + 2);
  });
});
