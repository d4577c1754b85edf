/**
 * The cache of converted volumes (main/compute/imaging/volumeCache.ts). Reference: the volume
 * decoded from the source DICOM files by readDicomSeries (exact: the cache must give back the
 * same voxels bit for bit and the same geometry). A moved, deleted or rewritten source file and
 * a damaged cache entry must send the read back to the files, whose SHA-256 check names the file.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeriesFiles, loadSeriesVolume, type StoredSeries } from '../../../main/compute/jobs/series-volume.js';
import {
  shuffleBytes,
  unshuffleBytes,
  VolumeCache,
  volumeCacheFolder,
  type CachedSource,
} from '../../../main/compute/imaging/volumeCache.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { studyVolumeCache } from '../../../main/compute/imaging/volumeCache.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';
import charlsFactory from '@cornerstonejs/codec-charls/wasmjs';
import { mrSlice, mrSliceEncoded } from './dicomFixture.js';

const t = tmpDir('radstudy-volcache-');
afterAll(() => t.cleanup());

const charls = await charlsFactory({ print: () => undefined, printErr: () => undefined });
function jpegLs(pixels: Uint16Array, columns: number, rows: number): Uint8Array {
  const encoder = new charls.JpegLSEncoder();
  encoder
    .getDecodedBuffer({ width: columns, height: rows, bitsPerSample: 16, componentCount: 1 })
    .set(new Uint8Array(pixels.buffer));
  encoder.encode();
  const frame = new Uint8Array(encoder.getEncodedBuffer().slice());
  encoder.delete();
  return frame;
}

let folderCount = 0;
/**
 * A 4×3×5 synthetic MR series written as DICOM files, as the study records it after import:
 * JPEG-LS lossless (what the cache keeps) or explicit VR little endian (what it leaves alone).
 */
function writeSeries(encoding: 'jpeg-ls' | 'native' = 'jpeg-ls'): StoredSeries {
  const dir = path.join(t.dir, `series-${++folderCount}`);
  mkdirSync(dir, { recursive: true });
  const files: StoredSeries['files'] = [];
  const rows = 3;
  const columns = 4;
  for (let k = 0; k < 5; k++) {
    const pixels = Uint16Array.from({ length: rows * columns }, (_, i) => (i * 37 + k * 101) % 2000);
    const spec = {
      rows,
      columns,
      position: [0, 0, 2.5 * k] as [number, number, number],
      instance: k + 1,
      spacing: [0.7, 0.8] as [number, number],
      signed: false,
    };
    const bytes =
      encoding === 'native'
        ? mrSlice({ ...spec, pixels })
        : mrSliceEncoded(spec, '1.2.840.10008.1.2.4.80', jpegLs(pixels, columns, rows));
    const name = `IM${k}.dcm`;
    writeFileSync(path.join(dir, name), bytes);
    files.push({ path: name, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return {
    id: folderCount,
    name: `series #${folderCount} (T2WI)`,
    sourceFolder: dir,
    files,
    component: 0,
    components: 1,
    geometry: { size: [4, 3, 5], spacingMm: [0.8, 0.7, 2.5], originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  };
}

const freshSeries = writeSeries;

const same = (a: Volume, b: Volume) => {
  expect(a.size).toEqual(b.size);
  expect(a.spacingMm).toEqual(b.spacingMm);
  expect(a.originMm).toEqual(b.originMm);
  expect(a.direction).toEqual(b.direction);
  expect(a.components ?? 1).toBe(b.components ?? 1);
  expect(a.data.constructor).toBe(b.data.constructor);
  expect(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength)).toEqual(
    Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
  );
};

describe('volume cache', () => {
  it('shuffles bytes into planes and back for every element width', () => {
    const bytes = Uint8Array.from({ length: 48 }, (_, i) => (i * 53) % 256);
    for (const w of [1, 2, 4, 8]) {
      const planes = shuffleBytes(bytes, w);
      if (w === 2) expect(planes[1]).toBe(bytes[2]); // byte 0 of element 1
      expect(unshuffleBytes(planes, w)).toEqual(bytes);
    }
  });

  it('gives back the decoded volume bit for bit; the second read is a hit', async () => {
    const s = freshSeries();
    const cache = new VolumeCache(path.join(t.dir, 'cache-a'));
    const first = await loadSeriesFiles(s, cache);
    await cache.flush();
    expect(cache.counts).toMatchObject({ misses: 1, writes: 1, hits: 0 });
    const second = await loadSeriesFiles(s, cache);
    expect(cache.counts.hits).toBe(1);
    same(second, first);
    same(second, await loadSeriesFiles(s)); // the uncached read
    const stats = cache.stats();
    expect(stats.entries).toBe(1);
    expect(stats.bytes).toBeGreaterThan(0);
  });

  it('keeps every component of a stacked volume and its float type', async () => {
    const s: CachedSource = { sourceFolder: t.dir, files: [] };
    const cache = new VolumeCache(path.join(t.dir, 'cache-b'));
    const data = Float32Array.from({ length: 2 * 3 * 4 * 2 }, (_, i) => Math.sin(i) * 1e3);
    const v: Volume = {
      size: [2, 3, 4],
      spacingMm: [1, 1.5, 3],
      originMm: [-10, 5.5, 2],
      direction: [0, 0, 1, 1, 0, 0, 0, 1, 0],
      data,
      components: 2,
    };
    await cache.put(s, v);
    same((await cache.get(s))!, v);
  });

  it('misses when a source file is touched, rewritten or moved; the read then checks the SHA-256', async () => {
    const s = freshSeries();
    const cache = new VolumeCache(path.join(t.dir, 'cache-c'));
    await loadSeriesFiles(s, cache);
    await cache.flush();
    const f = path.join(s.sourceFolder, s.files[2]!.path);
    const later = new Date(Date.now() + 5000);
    utimesSync(f, later, later);
    expect(await cache.get(s)).toBeNull();
    // Re-cached with the new time, then the file grows: a miss, and the read names the file.
    await cache.put(s, await loadSeriesFiles(s));
    expect(await cache.get(s)).not.toBeNull();
    appendFileSync(f, Buffer.from([0]));
    expect(await cache.get(s)).toBeNull();
    await expect(loadSeriesVolume(s, cache)).rejects.toThrow(`${s.name}: ${f} changed since import (SHA-256 differs)`);
    rmSync(f);
    await expect(loadSeriesVolume(s, cache)).rejects.toThrow(`${f} is missing (moved or deleted since import)`);
  });

  it('drops a damaged entry (gzip CRC) and reads the files again', async () => {
    const s = freshSeries();
    const dir = path.join(t.dir, 'cache-d');
    const cache = new VolumeCache(dir);
    const first = await loadSeriesFiles(s, cache);
    await cache.flush();
    const [entry] = readdirSync(dir);
    const file = path.join(dir, entry!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 12] ^= 0xff; // inside the deflate stream / CRC trailer
    writeFileSync(file, bytes);
    same(await loadSeriesFiles(s, cache), first);
    expect(cache.counts.rejected).toBe(1);
    await cache.flush();
    expect(await cache.get(s)).not.toBeNull(); // rewritten by the fresh read
  });

  it('evicts the least recently used entries beyond its budget, and clears', async () => {
    const dir = path.join(t.dir, 'cache-e');
    const mk = (n: number): [CachedSource, Volume] => [
      { sourceFolder: path.join(t.dir, `virtual-${n}`), files: [] },
      {
        size: [64, 64, 4],
        spacingMm: [1, 1, 1],
        originMm: [0, 0, 0],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        data: Float64Array.from({ length: 64 * 64 * 4 }, (_, i) => Math.sin(i * n)),
      },
    ];
    const probe = new VolumeCache(dir);
    const [s0, v0] = mk(1);
    await probe.put(s0, v0);
    const one = probe.stats().bytes;
    probe.clear();
    // Room for two entries: the third write removes the least recently used one.
    const cache = new VolumeCache(dir, { limitBytes: Math.floor(one * 2.5) });
    const items = [mk(1), mk(2), mk(3)];
    await cache.put(...items[0]!);
    await new Promise((r) => setTimeout(r, 20));
    await cache.put(...items[1]!);
    await new Promise((r) => setTimeout(r, 20));
    expect(await cache.get(items[0]![0])).not.toBeNull(); // now the most recently used
    await new Promise((r) => setTimeout(r, 20));
    await cache.put(...items[2]!);
    expect(cache.stats().entries).toBe(2);
    expect(await cache.get(items[1]![0])).toBeNull();
    expect(await cache.get(items[0]![0])).not.toBeNull();
    expect(cache.clear().entries).toBe(0);
  });

  it('leaves uncompressed series to their files (no faster from the cache)', async () => {
    const s = writeSeries('native');
    const cache = new VolumeCache(path.join(t.dir, 'cache-g'));
    const a = await loadSeriesFiles(s, cache);
    await cache.flush();
    expect(cache.stats().entries).toBe(0);
    expect(Array.from(a.data.slice(0, 4))).toEqual([0, 37, 74, 111]);
  });

  it('can be turned off, and lives beside the study', async () => {
    const off = new VolumeCache(path.join(t.dir, 'cache-f'), { enabled: false });
    const s = freshSeries();
    await loadSeriesFiles(s, off);
    await off.flush();
    expect(off.stats().entries).toBe(0);
    expect(volumeCacheFolder('/data/trial.radstudy')).toBe(path.join('/data', 'trial-cache', 'volumes'));
  });
});

describe('volume cache through the services', () => {
  let services: Services;
  const { call, fails, finished } = routerCalls(() => services);
  afterAll(async () => services?.shutdown());

  it('the viewer caches a JPEG-LS series it reads; images.cache.stats and images.cache.clear (audited)', async () => {
    services = createServices({ mode: 'test', configDir: t.dir });
    expect(await fails('images.cache.stats', {})).toMatch(/^NO_STUDY_OPEN /);
    const studyPath = path.join(t.dir, 'cache.radstudy');
    await call('study.create', { path: studyPath, name: 'Cache' });
    const s = writeSeries();
    const job = await finished((await call<{ jobId: number }>('images.import', { folder: s.sourceFolder })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const [series] = await call<{ id: number }[]>('images.series.list', {});
    expect(await call('images.cache.stats', {})).toMatchObject({ entries: 0, bytes: 0, enabled: true });
    const framed = await services.viewer.volume(series!.id);
    await studyVolumeCache(studyPath).flush();
    const stats = await call<{ entries: number; bytes: number; folder: string }>('images.cache.stats', {});
    expect(stats.entries).toBe(1);
    expect(stats.folder).toBe(path.join(t.dir, 'cache-cache', 'volumes'));
    // A second viewer service (a new session) reads the same voxels from the cache.
    const hits = studyVolumeCache(studyPath).counts.hits;
    services.viewer.clear();
    expect(Buffer.from(await services.viewer.volume(series!.id))).toEqual(Buffer.from(framed));
    expect(studyVolumeCache(studyPath).counts.hits).toBe(hits + 1);
    expect(await call('images.cache.clear', {})).toMatchObject({ entries: 0, bytes: 0 });
    const audit = services.study
      .requireHandle()
      .db.prepare("SELECT before, after FROM audit_log WHERE action = 'images.cache.clear'")
      .all() as { before: string; after: string }[];
    expect(audit.length).toBe(1);
    expect(JSON.parse(audit[0]!.before)).toMatchObject({ entries: 1 });
  });
});
