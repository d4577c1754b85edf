/**
 * Segmentations in the study: the `segmentation.import` job, the segmentation table and its
 * API, against the IBSI-1 CT phantom (../shared/reference/ibsi/ibsi1_ct_phantom, CC BY-NC,
 * read in place for tests only): its DICOM series, its RTSTRUCT (ROI GTV-1) and its NIfTI
 * mask, which IBSI provides on the same grid as the image.
 */
import dicomParser from 'dicom-parser';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Segmentation, SegmentationMask, Series } from '../../../main/api/contract.js';
import { writeImage } from '../../../main/compute/imaging/imageIo.js';
import { readNifti, writeNifti } from '../../../main/compute/imaging/nifti.js';
import type { SlicerSegment } from '../../../main/compute/imaging/slicerSegmentation.js';
import { dice } from '../../../main/compute/imaging/rtstruct.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir, waitFor } from '../../helpers/tmp.js';
import { readReference, referencePath } from '../imaging/referenceData.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let series: Series;
const lesions: number[] = [];
let reference: Volume;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

async function finished(id: number): Promise<Job> {
  let job: Job | null = null;
  const ok = await waitFor(async () => {
    job = await call<Job>('jobs.get', { id });
    return ['succeeded', 'failed', 'cancelled'].includes(job.status);
  }, 60_000);
  if (!ok) throw new Error(`job ${id} stayed ${job!.status}`);
  return job!;
}

async function importSeg(params: Record<string, unknown>): Promise<Job> {
  const { jobId } = await call<{ jobId: number }>('segmentation.import', { seriesId: series.id, ...params });
  return finished(jobId);
}

const count = (): number =>
  services.study.requireHandle().db.prepare('SELECT count(*) FROM segmentation').pluck().get() as number;

function decodeRuns(m: SegmentationMask): Uint8Array {
  const out = new Uint8Array(m.geometry.size[0] * m.geometry.size[1] * m.geometry.size[2]);
  let v = 0;
  m.runs.forEach((run, r) => {
    if (r % 2 === 1) out.fill(1, v, v + run);
    v += run;
  });
  return out;
}

function writeMask(name: string, v: Volume): string {
  const file = path.join(t.dir, name);
  writeFileSync(file, writeNifti(v, { gzip: name.endsWith('.gz') }));
  return file;
}

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'seg.radstudy'), name: 'Segmentation' });
  const db = services.study.requireHandle().db;
  const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
  const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
  for (let k = 1; k <= 12; k++)
    lesions.push(Number(db.prepare('INSERT INTO lesion(patient_id, code) VALUES (?, ?)').run(patient, `L${k}`).lastInsertRowid));
  const { jobId } = await call<{ jobId: number }>('images.import', {
    folder: referencePath('ibsi', 'ibsi1_ct_phantom', 'dicom', 'image'),
  });
  expect((await finished(jobId)).status).toBe('succeeded');
  [series] = await call<Series[]>('images.series.list', {});
  reference = readNifti(readReference('ibsi', 'ibsi1_ct_phantom', 'nifti', 'mask', 'mask.nii.gz')).volume;
}, 120_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('segmentation.import onto the IBSI CT phantom series', () => {
  it('rasterizes the RTSTRUCT ROI GTV-1 onto the series grid: Dice ≥ 0.99 vs mask.nii.gz', async () => {
    const job = await importSeg({
      file: referencePath('ibsi', 'ibsi1_ct_phantom', 'dicom', 'mask', 'DCM_RS_00060.dcm'),
      lesionId: lesions[0],
      reader: 'R1',
      roi: 'GTV-1',
    });
    expect(job.error).toBeNull();
    const [seg] = await call<Segmentation[]>('segmentation.list', { lesionId: lesions[0] });
    expect(seg!.sourceFormat).toBe('rtstruct');
    expect(seg!.label).toBe('ROI "GTV-1"');
    const mask = decodeRuns(await call<SegmentationMask>('segmentation.mask', { id: seg!.id }));
    // Reference: IBSI's NIfTI mask of the phantom. Tolerance: Dice ≥ 0.99 (the bar).
    const d = dice(mask, reference.data);
    expect(d).toBeGreaterThanOrEqual(0.99);
    const spacing = series.geometry.spacingMm;
    expect(seg!.volumeMm3).toBeCloseTo(seg!.voxelCount * spacing[0] * spacing[1] * spacing[2], 6);
    // The job row keeps the summary, not a second copy of the mask.
    expect((job.result as Record<string, unknown>).maskBase64).toBeUndefined();
    console.info(
      `RTSTRUCT GTV-1 → series #${series.id}: Dice ${d.toFixed(6)}, ${seg!.voxelCount} voxels, ${seg!.volumeMm3.toFixed(1)} mm³`,
    );
  });

  it('imports the NIfTI mask as a labelmap voxel-exactly, without resampling', async () => {
    const job = await importSeg({
      file: referencePath('ibsi', 'ibsi1_ct_phantom', 'nifti', 'mask', 'mask.nii.gz'),
      lesionId: lesions[0],
      reader: 'R2',
    });
    expect(job.error).toBeNull();
    const [seg] = await call<Segmentation[]>('segmentation.list', { lesionId: lesions[0], reader: 'R2' });
    expect(seg!.sourceFormat).toBe('nifti');
    expect(seg!.warnings).toEqual([]);
    const mask = decodeRuns(await call<SegmentationMask>('segmentation.mask', { id: seg!.id }));
    let refCount = 0;
    let mismatches = 0;
    for (let v = 0; v < mask.length; v++) {
      const r = reference.data[v] !== 0 ? 1 : 0;
      refCount += r;
      if (mask[v] !== r) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(seg!.voxelCount).toBe(refCount);
    console.info(`NIfTI labelmap: ${seg!.voxelCount} voxels, identical to mask.nii.gz`);
  });

  it('resamples a mask on a grid shifted by one voxel, and says so', async () => {
    const d = reference.direction;
    const s = reference.spacingMm[0];
    const shifted: Volume = {
      ...reference,
      originMm: [reference.originMm[0] + d[0] * s, reference.originMm[1] + d[3] * s, reference.originMm[2] + d[6] * s],
    };
    const job = await importSeg({ file: writeMask('shifted.nii.gz', shifted), lesionId: lesions[1] });
    expect(job.error).toBeNull();
    const [seg] = await call<Segmentation[]>('segmentation.list', { lesionId: lesions[1] });
    expect(seg!.warnings).toHaveLength(1);
    expect(seg!.warnings[0]).toMatch(
      new RegExp(
        `^The mask grid differs from series #${series.id}: origin \\(.*\\) vs \\(.*\\) mm \\(shifted by 0\\.977\\d* mm\\)`,
      ),
    );
    expect(seg!.warnings[0]).not.toMatch(/size|spacing|direction/);
    expect(seg!.warnings[0]).toMatch(/resampled onto the series grid by nearest neighbour/);
    // Voxel (i, j, k) of the shifted file lies at series voxel (i + 1, j, k).
    const mask = decodeRuns(await call<SegmentationMask>('segmentation.mask', { id: seg!.id }));
    const [nx] = reference.size;
    let mismatches = 0;
    for (let v = 0; v < mask.length; v++) {
      const i = v % nx;
      const expected = i === 0 ? 0 : reference.data[v - 1] !== 0 ? 1 : 0;
      if (mask[v] !== expected) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('resamples a mask at half the spacing along i (twice the size), exactly', async () => {
    const [nx, ny, nz] = reference.size;
    const fine = new Uint8Array(2 * nx * ny * nz);
    for (let v = 0; v < fine.length; v++) {
      const m = v % (2 * nx);
      const rest = Math.floor(v / (2 * nx));
      fine[v] = reference.data[Math.floor(m / 2) + nx * rest] !== 0 ? 1 : 0;
    }
    const vol: Volume = {
      size: [2 * nx, ny, nz],
      spacingMm: [reference.spacingMm[0] / 2, reference.spacingMm[1], reference.spacingMm[2]],
      originMm: [...reference.originMm],
      direction: [...reference.direction],
      data: fine,
    };
    const job = await importSeg({ file: writeMask('fine.nii', vol), lesionId: lesions[2] });
    expect(job.error).toBeNull();
    const [seg] = await call<Segmentation[]>('segmentation.list', { lesionId: lesions[2] });
    expect(seg!.warnings[0]).toContain(`size ${2 * nx}×${ny}×${nz} vs ${nx}×${ny}×${nz} voxels`);
    expect(seg!.warnings[0]).toMatch(
      /spacing \(0\.488\d*, 0\.977\d*, 3\) vs \(0\.977\d*, 0\.977\d*, 3\) mm \(up to 0\.488\d* mm apart\)/,
    );
    expect(seg!.warnings[0]).not.toMatch(/origin|direction/);
    const mask = decodeRuns(await call<SegmentationMask>('segmentation.mask', { id: seg!.id }));
    expect(dice(mask, reference.data)).toBe(1);
  });
});

describe('segmentation.import of a Slicer .seg.nrrd', () => {
  const segment = (index: number, name: string, labelValue: number): SlicerSegment => ({
    index,
    id: `Segment_${index + 1}`,
    name,
    labelValue,
    layer: 0,
    color: undefined,
    extent: undefined,
    tags: {},
    nameAutoGenerated: undefined,
    colorAutoGenerated: undefined,
    other: {},
  });
  function writeSegNrrd(): string {
    // Label 1 = the IBSI mask, label 2 = the slice below it (another structure).
    const data = new Uint8Array(reference.data.length);
    const slice = reference.size[0] * reference.size[1];
    for (let v = 0; v < data.length; v++) if (reference.data[v] !== 0) data[v] = 1;
    for (let v = 0; v < slice; v++) if (data[v] === 0 && reference.data[v + slice] !== 0) data[v] = 2;
    const file = path.join(t.dir, 'lesion.seg.nrrd');
    const bytes = writeImage({ ...reference, data }, file, {
      segmentation: {
        segments: [segment(0, 'Tumor', 1), segment(1, 'Fat', 2)],
        masterRepresentation: 'Binary labelmap',
        containedRepresentationNames: ['Binary labelmap'],
        conversionParameters: undefined,
        referenceImageExtentOffset: undefined,
        other: {},
      },
    });
    writeFileSync(file, bytes);
    return file;
  }

  it('takes the segment chosen by name, voxel-exactly', async () => {
    const job = await importSeg({ file: writeSegNrrd(), lesionId: lesions[3], segment: 'tumor' });
    expect(job.error).toBeNull();
    const [seg] = await call<Segmentation[]>('segmentation.list', { lesionId: lesions[3] });
    expect(seg!.sourceFormat).toBe('seg.nrrd');
    expect(seg!.label).toBe('segment "Tumor" (label 1)');
    const mask = decodeRuns(await call<SegmentationMask>('segmentation.mask', { id: seg!.id }));
    expect(dice(mask, reference.data)).toBe(1);
  });

  it('names the segments it has when the one asked for is absent', async () => {
    const before = count();
    const job = await importSeg({ file: writeSegNrrd(), lesionId: lesions[4], segment: 'Liver' });
    expect(job.status).toBe('failed');
    expect(job.error!.message).toMatch(/has no segment "Liver"; choose one of "Tumor" \(label 1\), "Fat" \(label 2\)/);
    expect(count()).toBe(before);
  });
});

describe('segmentation.import: bad input fails with a message naming the file and series, and writes nothing', () => {
  async function expectFailure(params: Record<string, unknown>, pattern: RegExp): Promise<void> {
    const before = count();
    const job = await importSeg({ lesionId: lesions[5], reader: 'R9', ...params });
    expect(job.status).toBe('failed');
    expect(job.error!.message).toMatch(pattern);
    expect(job.error!.message).toContain(String(params.file));
    expect(job.error!.message).toContain(`series #${series.id}`);
    expect(count()).toBe(before);
  }

  it('an empty mask', async () => {
    const file = writeMask('empty.nii.gz', { ...reference, data: new Uint8Array(reference.data.length) });
    await expectFailure({ file }, /the mask is empty/);
  });

  it('a label that is absent', async () => {
    const file = referencePath('ibsi', 'ibsi1_ct_phantom', 'nifti', 'mask', 'mask.nii.gz');
    await expectFailure({ file, label: 7 }, /label 7 is absent/);
  });

  it('an unreadable file', async () => {
    const file = path.join(t.dir, 'broken.nii.gz');
    writeFileSync(file, Buffer.from('this is not an image at all, just some text in a file named like one'));
    await expectFailure({ file }, /not an image RadStudy can read/);
  });

  it('a mask that does not overlap the image', async () => {
    const far: Volume = { ...reference, originMm: [reference.originMm[0] + 1000, reference.originMm[1], reference.originMm[2]] };
    await expectFailure({ file: writeMask('far.nii.gz', far) }, /does not overlap series #/);
  });

  it('a DICOM image instead of a segmentation', async () => {
    const file = referencePath('ibsi', 'ibsi1_ct_phantom', 'dicom', 'image', 'DCM_IMG_00000.dcm');
    await expectFailure({ file }, /is a DICOM image, not a segmentation/);
  });

  it('an RTSTRUCT referencing another frame of reference', async () => {
    const bytes = readReference('ibsi', 'ibsi1_ct_phantom', 'dicom', 'mask', 'DCM_RS_00060.dcm');
    const ds = dicomParser.parseDicom(bytes);
    const uid = ds.elements.x30060010!.items![0]!.dataSet!.string('x00200052')!;
    // Same length, last digit changed: every reference to the frame moves to another frame.
    const other = uid.slice(0, -1) + (uid.endsWith('1') ? '2' : '1');
    const text = Buffer.from(bytes).toString('latin1').split(uid).join(other);
    const file = path.join(t.dir, 'other-frame.dcm');
    writeFileSync(file, Buffer.from(text, 'latin1'));
    await expectFailure({ file, roi: 'GTV-1' }, /references frame of reference .* but series #\d+ .*is in/);
  });

  it('an ROI that the RTSTRUCT does not have', async () => {
    const file = referencePath('ibsi', 'ibsi1_ct_phantom', 'dicom', 'mask', 'DCM_RS_00060.dcm');
    await expectFailure({ file, roi: 'Liver' }, /has no ROI "Liver"; it holds 1 "GTV-1"/);
  });

  it('a second segmentation of the same lesion, series and reader is refused before any job', async () => {
    const r = await services.router.call('segmentation.import', {
      seriesId: series.id,
      lesionId: lesions[0],
      reader: 'R1',
      file: referencePath('ibsi', 'ibsi1_ct_phantom', 'nifti', 'mask', 'mask.nii.gz'),
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/already has a segmentation by reader R1/);
  });
});

describe('segmentation.list / delete', () => {
  it('filters by series and reader, and deletes one row', async () => {
    const all = await call<Segmentation[]>('segmentation.list', { seriesId: series.id });
    expect(all.length).toBe(count());
    const r2 = await call<Segmentation[]>('segmentation.list', { reader: 'R2' });
    expect(r2.map((s) => s.reader)).toEqual(['R2']);
    await call('segmentation.delete', { id: r2[0]!.id });
    expect(await call<Segmentation[]>('segmentation.list', { reader: 'R2' })).toEqual([]);
    expect(count()).toBe(all.length - 1);
  });
});
