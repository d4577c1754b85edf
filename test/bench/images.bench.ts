import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSeriesFiles, type StoredSeries } from '../../main/compute/jobs/series-volume.js';
import { VolumeCache } from '../../main/compute/imaging/volumeCache.js';
import charlsFactory from '@cornerstonejs/codec-charls/wasmjs';
import { mrSlice, mrSliceEncoded } from '../unit/imaging/dicomFixture.js';
import { tmpDir } from '../helpers/tmp.js';
import { medianMs, type Benchmark } from './harness.js';

const N = 512;
const SLICES = 160;

type Encoder = (pixels: Uint16Array) => Uint8Array;

async function jpegLsEncoder(): Promise<Encoder> {
  const charls = await charlsFactory({ print: () => undefined, printErr: () => undefined });
  return (pixels) => {
    const e = new charls.JpegLSEncoder();
    e.getDecodedBuffer({ width: N, height: N, bitsPerSample: 16, componentCount: 1 }).set(new Uint8Array(pixels.buffer));
    e.encode();
    const frame = new Uint8Array(e.getEncodedBuffer().slice());
    e.delete();
    return frame;
  };
}

/**
 * A breast-DCE-sized series (512×512×160, 16-bit): smooth anatomy plus scanner-like noise, as
 * explicit VR little endian or JPEG-LS lossless files.
 */
function writeSeries(dir: string, jpegLs: Encoder | null): StoredSeries {
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 40;
  const files: StoredSeries['files'] = [];
  for (let k = 0; k < SLICES; k++) {
    const pixels = new Uint16Array(N * N);
    for (let j = 0; j < N; j++)
      for (let i = 0; i < N; i++) {
        const r = Math.hypot(i - N / 2, (j - N / 2) * 1.6, (k - SLICES / 2) * 2);
        pixels[j * N + i] = Math.round((r < 220 ? 600 + 300 * Math.cos(i / 17) * Math.sin(j / 23 + k / 9) : 20) + noise());
      }
    const spec = { rows: N, columns: N, position: [0, 0, 1.5 * k] as [number, number, number], instance: k + 1 };
    const slice = { ...spec, spacing: [0.7, 0.7] as [number, number], signed: false };
    const bytes = jpegLs ? mrSliceEncoded(slice, '1.2.840.10008.1.2.4.80', jpegLs(pixels)) : mrSlice({ ...slice, pixels });
    const name = `IM${String(k).padStart(4, '0')}.dcm`;
    writeFileSync(path.join(dir, name), bytes);
    files.push({ path: name, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return {
    id: 1,
    name: 'series #1 (bench DCE)',
    sourceFolder: dir,
    files,
    component: 0,
    components: 1,
    geometry: { size: [N, N, SLICES], spacingMm: [0.7, 0.7, 1.5], originMm: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  };
}

/**
 * The cache of converted volumes: reading a series again from the cache against decoding its
 * DICOM files (SHA-256 check, parsing, slice ordering), on a 512×512×160 int16 series; and the
 * cache entry's size against the raw voxels.
 */
async function measure(jpegLs: Encoder | null): Promise<Record<string, number>> {
  const t = tmpDir('radstudy-bench-volcache-');
  try {
    const series = writeSeries(t.dir, jpegLs);
    const cache = new VolumeCache(path.join(t.dir, 'cache'), { enabled: true });
    const decodedMs = await medianMs(3, () => loadSeriesFiles(series));
    const v = await loadSeriesFiles(series);
    await cache.put(series, v);
    const cachedMs = await medianMs(3, () => cache.get(series));
    const entry = cache.stats().bytes;
    return {
      decode_ms: decodedMs,
      cached_ms: cachedMs,
      cached_vs_decode_ratio: cachedMs / decodedMs,
      raw_MB: v.data.byteLength / 1048576,
      entry_MB: entry / 1048576,
      entry_vs_raw_ratio: entry / v.data.byteLength,
    };
  } finally {
    t.cleanup();
  }
}

export const imageBenchmarks: Benchmark[] = [
  {
    name: 'volume-cache',
    description:
      'a 512×512×160 16-bit series read from the volume cache vs decoded from its DICOM files, JPEG-LS lossless (cached by the app) and uncompressed (not cached); ratio < 1: the cache is faster; entry size vs raw voxels',
    async run() {
      const out: Record<string, number> = { slices: SLICES, voxels: N * N * SLICES };
      for (const [k, v] of Object.entries(await measure(await jpegLsEncoder()))) out[`jpegls_${k}`] = v;
      for (const [k, v] of Object.entries(await measure(null))) out[`native_${k}`] = v;
      return out;
    },
  },
];
