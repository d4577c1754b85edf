/**
 * Exchange packages as single .zip files (compute/archive/zip.ts, services/readers/zipPackages.ts).
 * References:
 * - CRC-32 check value of "123456789" is 0xCBF43926 (the standard check of the IEEE polynomial).
 * - An archive written by CPython 3 zipfile (one stored, one deflated entry, embedded below) reads
 *   back byte for byte; our archives are listed by Info-ZIP `unzip -Z1` when it is installed
 *   (the round trip through our own reader is checked either way).
 * - Package round trip on a two-patient demo study: the masks imported from the zip have the
 *   voxel counts of the R1 masks they came from (exact), as for folder packages (exchange.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssignmentManifest, LesionRef, ResultManifest, Segmentation } from '../../../main/api/contract.js';
import { crc32, readZip, writeZip, ZipFormatError } from '../../../main/compute/archive/zip.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';

const PYTHON_ZIP =
  'UEsDBBQAAAAAAIMYIlDWSmRWDwAAAA8AAAAMAAAAYS9zdG9yZWQudHh0aGVsbG8gcmFkc3R1ZHkKUEsDBBQAAAAIAIMYIlBt3zXKCwAAAFgCAAAMAAAAZGVmbGF0ZWQudHh0S0xKThxFo4jaCABQSwECFAMUAAAAAACDGCJQ1kpkVg8AAAAPAAAADAAAAAAAAAAAAAAAgAEAAAAAYS9zdG9yZWQudHh0UEsBAhQDFAAAAAgAgxgiUG3fNcoLAAAAWAIAAAwAAAAAAAAAAAAAAIABOQAAAGRlZmxhdGVkLnR4dFBLBQYAAAAAAgACAHQAAABuAAAAAAA=';
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('zip writer and reader', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('reads an archive written by Python’s zipfile', () => {
    const e = readZip(Buffer.from(PYTHON_ZIP, 'base64'));
    expect(e.map((x) => x.path)).toEqual(['a/stored.txt', 'deflated.txt']);
    expect(text(e[0]!.data)).toBe('hello radstudy\n');
    expect(text(e[1]!.data)).toBe('abc'.repeat(200));
  });

  it('round-trips stored and deflated entries, and unzip lists them', () => {
    const t = tmpDir();
    try {
      const entries = [
        { path: 'manifest.json', data: Buffer.from('{"a":1}') },
        { path: 'images/série-1/0001.dcm', data: Buffer.alloc(5000, 7) },
        { path: 'empty.bin', data: new Uint8Array(0) },
      ];
      const zip = writeZip(entries);
      // 5000 equal bytes deflate to a few bytes: the archive is much smaller than the data.
      expect(zip.length).toBeLessThan(600);
      const back = readZip(zip);
      expect(back.map((e) => [e.path, Buffer.from(e.data).toString('hex')])).toEqual(
        entries.map((e) => [e.path, Buffer.from(e.data).toString('hex')]),
      );
      const f = path.join(t.dir, 'x.zip');
      writeFileSync(f, zip);
      if (existsSync('/usr/bin/unzip'))
        expect(
          execFileSync('/usr/bin/unzip', ['-Z1', f], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } })
            .trim()
            .split('\n'),
        ).toEqual(entries.map((e) => e.path));
    } finally {
      t.cleanup();
    }
  });

  it('refuses damaged archives, unsafe names and non-zips', () => {
    const zip = writeZip([{ path: 'a.txt', data: Buffer.from('hello hello hello') }], { deflate: false });
    const bad = Buffer.from(zip);
    bad[30 + 'a.txt'.length + 2] ^= 0x01; // a byte of the stored data
    expect(() => readZip(bad)).toThrow(/entry "a.txt" fails its CRC-32 check/);
    expect(() => readZip(Buffer.from('not a zip at all, just some text bytes'))).toThrow(ZipFormatError);
    expect(() => writeZip([{ path: '../evil', data: new Uint8Array(1) }])).toThrow(/not a relative path/);
    expect(() =>
      writeZip([
        { path: 'a', data: new Uint8Array(1) },
        { path: 'a', data: new Uint8Array(1) },
      ]),
    ).toThrow(/twice/);
    // An archive whose entry name climbs out of the folder (written by hand: our writer refuses it).
    const evil = Buffer.from(writeZip([{ path: 'xx/evil', data: Buffer.from('x') }]));
    for (let i = 0; i + 7 <= evil.length; i++)
      if (evil.toString('latin1', i, i + 7) === 'xx/evil') evil.write('../evil', i, 'latin1');
    expect(() => readZip(evil)).toThrow(/would be written outside the extraction folder/);
  });
});

let t: ReturnType<typeof tmpDir>;
let services: Services;
let lesions: LesionRef[];
const { call, fails } = routerCalls(() => services);

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await createDemoStudy(services, { out: path.join(t.dir, 'demo.radstudy'), patients: 2, seed: 3 });
  lesions = await call<LesionRef[]>('segmentation.lesions');
  await call('readers.save', { code: 'R3', name: 'Offline Reader', role: 'reader' });
  await call('readers.assign', { reader: 'R3', lesionIds: lesions.map((l) => l.id), sequences: ['DCE3'] });
  await call('readers.blinding.set', { items: { otherReadersMasks: false }, by: 'Coordinator' });
}, 180_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('exchange packages as .zip files', () => {
  const pkg = () => path.join(t.dir, 'to-R3.zip');
  const result = () => path.join(t.dir, 'from-R3.zip');
  const segCount = async () => (await call<Segmentation[]>('segmentation.list', {})).length;
  /** Rewrites one entry of a package zip (a consistent archive whose content no longer matches the manifest). */
  const rezip = (from: string, to: string, change: (p: string, d: Buffer) => Buffer) =>
    writeFileSync(
      to,
      writeZip(readZip(readFileSync(from)).map((e) => ({ path: e.path, data: change(e.path, Buffer.from(e.data)) }))),
    );

  it('exports, inspects, answers and imports a package as single zip files', async () => {
    const r = await call<{ folder: string; items: number; files: number }>('exchange.exportAssignment', {
      reader: 'R3',
      folder: pkg(),
      startingMasksFrom: 'R1',
    });
    expect(r.folder).toBe(pkg());
    const entries = readZip(readFileSync(pkg()));
    expect(entries[0]!.path).toBe('manifest.json');
    expect(entries).toHaveLength(r.files + 1);
    expect(await fails('exchange.exportAssignment', { reader: 'R3', folder: pkg() })).toMatch(/exists already/);

    const m = await call<AssignmentManifest>('exchange.inspectAssignment', { folder: pkg() });
    expect(m.items).toHaveLength(lesions.length);
    // The reader's workstation: masks taken from the zip (the starting masks, unchanged).
    const maskDir = path.join(t.dir, 'drawn');
    const masks = m.items.map((i) => {
      const file = path.join(maskDir, path.basename(i.startingMask!));
      const data = entries.find((e) => e.path === i.startingMask)!.data;
      execFileSync('mkdir', ['-p', maskDir]);
      writeFileSync(file, data);
      return { lesionId: i.lesionId, seriesId: i.seriesId, file };
    });
    const w = await call<{ folder: string; segmentations: number }>('exchange.writeResult', {
      assignmentFolder: pkg(),
      folder: result(),
      masks,
    });
    expect(w).toMatchObject({ folder: result(), segmentations: lesions.length });

    const before = await segCount();
    // Damaged in transit: one byte of the archive flipped.
    const damaged = path.join(t.dir, 'damaged.zip');
    const bytes = readFileSync(result());
    const rm = JSON.parse(text(readZip(bytes).find((e) => e.path === 'result.json')!.data)) as ResultManifest;
    const at = bytes.indexOf(Buffer.from(rm.files[0]!.path)) + rm.files[0]!.path.length + 4;
    bytes[at] ^= 0xff;
    writeFileSync(damaged, bytes);
    expect(await fails('exchange.importResult', { folder: damaged })).toMatch(
      new RegExp(`The result package .*damaged\\.zip cannot be read: entry .* (fails its CRC-32 check|does not inflate)`),
    );
    // Edited and re-zipped: the zip is consistent, the manifest's SHA-256 is not.
    const edited = path.join(t.dir, 'edited.zip');
    rezip(result(), edited, (p, d) => {
      if (p === rm.files[0]!.path) d[d.length - 1] ^= 0xff;
      return d;
    });
    const msg = await fails('exchange.importResult', { folder: edited });
    expect(msg).toMatch(/edited\.zip was changed after it was written: masks\/.* SHA-256/);
    expect(msg).not.toMatch(/radstudy-package-/);
    // From another study.
    const other = path.join(t.dir, 'other.zip');
    rezip(result(), other, (p, d) =>
      p === 'result.json' ? Buffer.from(JSON.stringify({ ...rm, studyId: 'another-study' })) : d,
    );
    expect(await fails('exchange.importResult', { folder: other })).toMatch(
      /other\.zip belongs to another study \(id another-study\)/,
    );
    expect(await segCount()).toBe(before);

    const ok = await call<{ imported: number }>('exchange.importResult', { folder: result() });
    expect(ok.imported).toBe(lesions.length);
    for (const s of await call<Segmentation[]>('segmentation.list', { reader: 'R3' })) {
      const r1 = (
        await call<Segmentation[]>('segmentation.list', { reader: 'R1', lesionId: s.lesionId, seriesId: s.seriesId })
      )[0]!;
      expect(s.voxelCount).toBe(r1.voxelCount);
    }
    // Imported again: refused with the zip named where it was first imported from.
    expect(await fails('exchange.importResult', { folder: result() })).toMatch(
      new RegExp(`already imported on .* \\(from ${result().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`),
    );
    expect(await segCount()).toBe(before + lesions.length);
    expect(await fails('exchange.importResult', { folder: path.join(t.dir, 'missing.zip') })).toMatch(
      /NOT_FOUND .*does not exist/,
    );
  });
});
