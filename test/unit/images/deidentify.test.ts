/**
 * De-identification on export (main/compute/imaging/dicom/deidentify.ts, job images.deidentify).
 *
 * Reference: DICOM PS3.15 2024 Annex E, Table E.1-1 (Basic Application Level Confidentiality
 * Profile) and the option codes of Table CID 7050 (113100 basic profile, 113107 modified dates).
 * Inputs: the real DICOM files in ../shared/reference/dicom (pydicom's test files, explicit and
 * implicit VR, RLE and JPEG 2000) and a demo study's series. Checked by parsing the output with
 * dicom-parser: identifying attributes gone or replaced by the pseudonymous code, private tags
 * gone, PatientIdentityRemoved = YES and the method codes present, the pixel data element byte
 * for byte and the geometry unchanged (exact), UIDs replaced consistently (same input UID → same
 * new UID; distinct SOP instance UIDs stay distinct), dates shifted by the per-patient offset
 * when asked. The job's output re-imports with the same series count; a non-empty output folder
 * is refused before anything is written.
 */
import dicomParser from 'dicom-parser';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Series } from '../../../main/api/contract.js';
import { deidentifyDicom, pseudonymousUid } from '../../../main/compute/imaging/dicom/deidentify.js';
import { readDicomImage } from '../../../main/compute/imaging/dicom/readDicom.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir, waitFor } from '../../helpers/tmp.js';
import { referencePath } from '../imaging/referenceData.js';

const SECRET = 'a'.repeat(64);
const parse = (b: Uint8Array) => dicomParser.parseDicom(b);
const pixelBytes = (b: Uint8Array): string => {
  const ds = parse(b);
  const el = ds.elements['x7fe00010']!;
  return Buffer.from(
    b.subarray(el.dataOffset, el.dataOffset + (el.length === 0xffffffff ? b.length - el.dataOffset : el.length)),
  ).toString('hex');
};
const IDENTIFYING = [
  'x00100030',
  'x00101000',
  'x00101040',
  'x00080080',
  'x00080081',
  'x00080090',
  'x00081050',
  'x00081070',
  'x00080050',
  'x00181000',
  'x00081010',
];

describe('deidentifyDicom on the reference files', () => {
  it.each(['MR_small.dcm', 'MR_small_implicit.dcm', 'MR_small_RLE.dcm', 'MR_small_jp2klossless.dcm', 'CT_small.dcm'])(
    '%s',
    async (file) => {
      const input = new Uint8Array(readFileSync(referencePath('dicom', file)));
      const before = parse(input);
      const out = deidentifyDicom(input, file, { patientCode: 'P-0042', secret: SECRET });
      const ds = parse(out.bytes);
      expect(ds.string('x00100010')).toBe('P-0042');
      expect(ds.string('x00100020')).toBe('P-0042');
      for (const tag of IDENTIFYING) expect(ds.string(tag) ?? '', tag).not.toBe(before.string(tag) || '\u0000');
      for (const tag of IDENTIFYING) if (before.string(tag)) expect(ds.string(tag) ?? '', tag).toBe('');
      expect(ds.string('x00080020') ?? '').toBe(''); // StudyDate removed or emptied without the dates option
      for (const key of Object.keys(ds.elements)) {
        const group = parseInt(key.slice(1, 5), 16);
        expect(group % 2 === 1 && group > 8, `private tag ${key}`).toBe(false);
      }
      expect(ds.string('x00120062')).toBe('YES');
      expect(Buffer.from(out.bytes).toString('latin1')).toContain('113100');
      // UIDs: replaced by the keyed pseudonym of the original.
      for (const tag of ['x0020000d', 'x0020000e', 'x00080018']) {
        const orig = before.string(tag);
        if (orig) expect(ds.string(tag)).toBe(pseudonymousUid(SECRET, orig));
      }
      expect(out.sopInstanceUid).toBe(ds.string('x00080018'));
      // Pixel data and geometry unchanged.
      expect(pixelBytes(out.bytes)).toBe(pixelBytes(input));
      const [a, b] = await Promise.all([readDicomImage(input, file), readDicomImage(out.bytes, file)]);
      expect(b.volume.size).toEqual(a.volume.size);
      expect(b.volume.spacingMm).toEqual(a.volume.spacingMm);
      expect(b.volume.originMm).toEqual(a.volume.originMm);
      expect(b.volume.direction).toEqual(a.volume.direction);
      expect(Array.from(b.volume.data)).toEqual(Array.from(a.volume.data));
    },
  );

  it('shifts dates by the given offset and keeps times with the modified-dates option', () => {
    const input = new Uint8Array(readFileSync(referencePath('dicom', 'MR_small.dcm')));
    const before = parse(input);
    const out = parse(deidentifyDicom(input, 'MR_small.dcm', { patientCode: 'P1', secret: SECRET, dateShiftDays: -10 }).bytes);
    const d0 = before.string('x00080020')!;
    const d = new Date(Date.UTC(+d0.slice(0, 4), +d0.slice(4, 6) - 1, +d0.slice(6, 8)) - 10 * 86400000);
    const want = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
    expect(out.string('x00080020')).toBe(want);
    if (before.string('x00080030')) expect(out.string('x00080030')).toBe(before.string('x00080030'));
  });

  it('refuses a big-endian file with a message naming it', () => {
    const input = new Uint8Array(readFileSync(referencePath('dicom', 'MR_small_bigendian.dcm')));
    expect(() => deidentifyDicom(input, 'MR_small_bigendian.dcm', { patientCode: 'P1', secret: SECRET })).toThrow(
      /MR_small_bigendian\.dcm/,
    );
  });
});

describe('images.deidentify job on a demo study', () => {
  let t: ReturnType<typeof tmpDir>;
  let services: Services;
  const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const r = await services.router.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
    return r.data as T;
  };
  const finished = async (id: number): Promise<Job> => {
    let job: Job | null = null;
    await waitFor(async () => {
      job = await call<Job>('jobs.get', { id });
      return ['succeeded', 'failed', 'cancelled'].includes(job.status);
    }, 120_000);
    return job!;
  };
  beforeAll(async () => {
    t = tmpDir();
    services = createServices({ mode: 'test', configDir: t.dir });
    await createDemoStudy(services, { out: path.join(t.dir, 'demo.radstudy'), patients: 2, seed: 13 });
  }, 120_000);
  afterAll(async () => {
    await services.shutdown();
    t.cleanup();
  });

  it('exports every series under its patient code, re-imports with the same series count, and refuses a non-empty folder', async () => {
    const series = await call<Series[]>('images.series.list');
    const out = path.join(t.dir, 'deid');
    const job = await finished((await call<{ jobId: number }>('images.deidentify', { outDir: out, shiftDates: true })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const r = job.result as {
      exported: { patientCode: string; folder: string; files: number }[];
      filesWritten: number;
      manifestPath: string;
    };
    expect(r.exported.length).toBeGreaterThan(0);
    expect(new Set(r.exported.map((e) => e.patientCode))).toEqual(new Set(series.map((s) => s.patientCode)));
    expect(readFileSync(r.manifestPath, 'utf8').trim().split('\n').length).toBe(r.exported.length + 1);
    const before = new Set(series.map((s) => s.key)).size;
    const imported = await finished((await call<{ jobId: number }>('images.import', { folder: out })).jobId);
    expect(imported.status, imported.error?.message).toBe('succeeded');
    const again = (imported.result as { series: unknown[] }).series.length;
    expect(again).toBe(before);
    const after = await call<Series[]>('images.series.list');
    const fresh = after.filter((s) => !series.some((o) => o.id === s.id));
    expect(fresh.every((s) => s.patientCode !== null && series.some((o) => o.patientCode === s.patientCode))).toBe(true);
    const busy = path.join(t.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'x.txt'), 'x');
    const refused = await services.router.call('images.deidentify', { outDir: busy });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.message).toMatch(/busy/);
  }, 180_000);
});
