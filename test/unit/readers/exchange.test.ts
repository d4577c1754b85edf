/**
 * Offline exchange packages (services/readers/exchange.ts) on a two-patient demo study: the
 * coordinator exports an assignment package, the reader's side packs masks as a result package,
 * the coordinator imports it. Refusals (tampered file, another study, second import, existing
 * segmentation, blinding) must name the problem and change nothing. References: SHA-256 of the
 * files recomputed here; imported masks equal the masks they were drawn from (voxel counts and
 * volumes exactly).
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Assignment, AssignmentManifest, LesionRef, ResultManifest, Segmentation } from '../../../main/api/contract.js';
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
});
