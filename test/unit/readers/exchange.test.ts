/**
 * Offline exchange packages (services/readers/exchange.ts) on a two-patient demo study: the
 * coordinator exports an assignment package, the reader's side packs masks as a result package,
 * the coordinator imports it. Refusals (tampered file, another study, second import, existing
 * segmentation, blinding) must name the problem and change nothing. References: SHA-256 of the
 * files recomputed here; imported masks equal the masks they were drawn from (voxel counts and
 * volumes exactly; a two-label mask voxel by voxel, with its label values, names and colours).
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Assignment,
  AssignmentManifest,
  LesionRef,
  ResultManifest,
  Segmentation,
  SegmentationMask,
} from '../../../main/api/contract.js';
import { readZip } from '../../../main/compute/archive/zip.js';
import { labelRuns, maskFromLabelRuns } from '../../../main/compute/imaging/maskCodec.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let lesions: LesionRef[];

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}
async function fails(method: string, input: unknown): Promise<string> {
  const r = await services.router.call(method, input);
  if (r.ok) throw new Error(`${method} succeeded`);
  return `${r.error.code} ${r.error.message}`;
}
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const segCount = async () => (await call<Segmentation[]>('segmentation.list', {})).length;

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await createDemoStudy(services, { out: path.join(t.dir, 'demo.radstudy'), patients: 2, seed: 3 });
  lesions = await call<LesionRef[]>('segmentation.lesions');
  await call('readers.save', { code: 'R3', name: 'Offline Reader', role: 'reader' });
  await call('readers.assign', { reader: 'R3', lesionIds: lesions.map((l) => l.id), sequences: ['DCE3'] });
}, 180_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('offline exchange packages', () => {
  const pkg = () => path.join(t.dir, 'to-R3');
  const result = () => path.join(t.dir, 'from-R3');

  it('refuses starting masks of another reader while their masks are blinded, writing nothing', async () => {
    expect(await fails('exchange.exportAssignment', { reader: 'R3', folder: pkg(), startingMasksFrom: 'R1' })).toMatch(
      /Blinding hides other readers' masks from R3/,
    );
    expect(existsSync(pkg())).toBe(false);
  });

  it('exports the assignment package with the SHA-256 of every file', async () => {
    await call('readers.blinding.set', { items: { otherReadersMasks: false }, by: 'Coordinator' });
    const r = await call<{ items: number; files: number }>('exchange.exportAssignment', {
      reader: 'R3',
      folder: pkg(),
      startingMasksFrom: 'R1',
    });
    expect(r.items).toBe(lesions.length);
    const m = JSON.parse(readFileSync(path.join(pkg(), 'manifest.json'), 'utf8')) as AssignmentManifest;
    expect(m.files.length).toBe(r.files);
    for (const f of m.files) expect(sha(path.join(pkg(), f.path))).toBe(f.sha256);
    expect(m.items.every((i) => i.images.length > 0 && i.startingMask !== null)).toBe(true);
    expect(m.hidden).toEqual(['outcome', 'pathology']);
    expect(await fails('exchange.exportAssignment', { reader: 'R3', folder: pkg() })).toMatch(/exists and is not empty/);
  });

  it('packs the reader’s masks and imports them once, never over existing rows', async () => {
    const m = JSON.parse(readFileSync(path.join(pkg(), 'manifest.json'), 'utf8')) as AssignmentManifest;
    // The reader returns the starting masks unchanged (as if accepted as drawn).
    const masks = m.items.map((i) => ({ lesionId: i.lesionId, seriesId: i.seriesId, file: path.join(pkg(), i.startingMask!) }));
    await call('exchange.writeResult', { assignmentFolder: pkg(), folder: result(), masks });
    const before = await segCount();

    // Tampered: one byte of one mask changed.
    const tampered = path.join(t.dir, 'tampered');
    cpSync(result(), tampered, { recursive: true });
    const rm = JSON.parse(readFileSync(path.join(tampered, 'result.json'), 'utf8')) as ResultManifest;
    const victim = path.join(tampered, rm.files[0]!.path);
    const bytes = readFileSync(victim);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(victim, bytes);
    expect(await fails('exchange.importResult', { folder: tampered })).toMatch(/changed after it was written: masks\/.* SHA-256/);

    // Another study's package.
    const other = path.join(t.dir, 'other-study');
    cpSync(result(), other, { recursive: true });
    writeFileSync(path.join(other, 'result.json'), JSON.stringify({ ...rm, studyId: 'another-study-id' }));
    expect(await fails('exchange.importResult', { folder: other })).toMatch(/belongs to another study \(id another-study-id\)/);
    expect(await segCount()).toBe(before);

    const ok = await call<{ imported: number }>('exchange.importResult', { folder: result() });
    expect(ok.imported).toBe(lesions.length);
    expect(await segCount()).toBe(before + lesions.length);
    const mine = await call<Segmentation[]>('segmentation.list', { reader: 'R3' });
    for (const s of mine) {
      const r1 = (
        await call<Segmentation[]>('segmentation.list', { reader: 'R1', lesionId: s.lesionId, seriesId: s.seriesId })
      )[0]!;
      expect(s.voxelCount).toBe(r1.voxelCount);
      expect(s.volumeMm3).toBe(r1.volumeMm3);
    }
    expect((await call<Assignment[]>('readers.assignments', { reader: 'R3' })).every((a) => a.status === 'segmented')).toBe(true);

    // Twice: refused, nothing added.
    expect(await fails('exchange.importResult', { folder: result() })).toMatch(/was already imported on/);
    // A new result package for the same lesions: refused, the existing rows are kept.
    const again = path.join(t.dir, 'from-R3-again');
    await call('exchange.writeResult', { assignmentFolder: pkg(), folder: again, masks });
    expect(await fails('exchange.importResult', { folder: again })).toMatch(/already has segmentations of .* never replaced/);
    expect(await segCount()).toBe(before + lesions.length);
    expect(await fails('exchange.importResult', { folder: t.dir })).toMatch(
      /not a RadStudy result package: result.json is missing/,
    );
  });

  it('keeps label values, names and colours of a two-label mask through export, result and import (.zip)', async () => {
    const m = JSON.parse(readFileSync(path.join(pkg(), 'manifest.json'), 'utf8')) as AssignmentManifest;
    const item = m.items[0]!;
    const [r1] = await call<Segmentation[]>('segmentation.list', {
      reader: 'R1',
      lesionId: item.lesionId,
      seriesId: item.seriesId,
    });
    const stored = await call<SegmentationMask>('segmentation.mask', { id: r1!.id });
    const n = stored.geometry.size[0] * stored.geometry.size[1] * stored.geometry.size[2];
    // Label 2 = the first half of R1's voxels (in voxel order), label 1 = the rest.
    const two = maskFromLabelRuns(stored.runs, stored.values, n, 'R1 mask');
    const inside = two.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0);
    for (let v = 0, seen = 0; v < n && seen < inside / 2; v++)
      if (two[v] !== 0) {
        two[v] = 2;
        seen++;
      }
    const labels = [
      { value: 1, name: 'Enhancing', colour: '#123456' },
      { value: 2, name: 'Non-enhancing', colour: '#abcdef' },
    ];
    const { runs, values } = labelRuns(two);
    await call('segmentation.save', {
      lesionId: item.lesionId,
      seriesId: item.seriesId,
      reader: 'R1',
      parentId: r1!.id,
      status: 'done',
      timeSpentS: 30,
      runs,
      values,
      labels,
    });
    await call('readers.save', { code: 'R4', name: 'Label Reader', role: 'reader' });
    await call('readers.assign', { reader: 'R4', lesionIds: [item.lesionId], sequences: ['DCE3'] });
    const to = path.join(t.dir, 'to-R4.zip');
    await call('exchange.exportAssignment', { reader: 'R4', folder: to, startingMasksFrom: 'R1' });
    const inspected = await call<AssignmentManifest>('exchange.inspectAssignment', { folder: to });
    const start = inspected.items.find((i) => i.lesionId === item.lesionId)!.startingMask!;
    expect(start).toMatch(/\.seg\.nrrd$/);
    // The reader's side returns the starting mask unchanged; unpack it from the zip to hand it over.
    const entry = readZip(readFileSync(to)).find((e) => e.path === start)!;
    const maskFile = path.join(t.dir, 'returned.seg.nrrd');
    writeFileSync(maskFile, entry.data);
    const from = path.join(t.dir, 'from-R4.zip');
    await call('exchange.writeResult', {
      assignmentFolder: to,
      folder: from,
      masks: [{ lesionId: item.lesionId, seriesId: item.seriesId, file: maskFile }],
    });
    expect((await call<{ imported: number }>('exchange.importResult', { folder: from })).imported).toBe(1);
    const [r4] = await call<Segmentation[]>('segmentation.list', {
      reader: 'R4',
      lesionId: item.lesionId,
      seriesId: item.seriesId,
    });
    expect(r4!.sourceFormat).toBe('seg.nrrd');
    const back = await call<SegmentationMask>('segmentation.mask', { id: r4!.id });
    expect(back.labels).toEqual(labels);
    const got = maskFromLabelRuns(back.runs, back.values, n, 'R4 mask');
    let mismatches = 0;
    for (let v = 0; v < n; v++) if (got[v] !== two[v]) mismatches++;
    expect(mismatches).toBe(0);
    expect(got.some((v) => v === 2) && got.some((v) => v === 1)).toBe(true);
  });
});
