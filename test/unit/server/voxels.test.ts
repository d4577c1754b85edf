import { renameSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Series } from '../../../main/api/contract.js';
import { decodeVoxels, encodeVoxels } from '../../../main/api/voxels.js';
import { encodeMask } from '../../../main/compute/imaging/maskCodec.js';
import { loadSeriesVolume } from '../../../main/compute/jobs/series-volume.js';
import { startHttpBridge, type HttpBridge } from '../../../main/server/http.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { parseVoxelResource, voxelsOf } from '../../../main/services/viewer/service.js';
import { tmpDir, waitFor } from '../../helpers/tmp.js';
import { SERIES, writeSyntheticExam } from '../images/studyFixture.js';

/**
 * Binary voxel transport: `GET /api/voxels/volume/<series>` and `/mask/<segmentation>` on the
 * browser-mode bridge answer the framed bytes of api/voxels.ts, only with the session token;
 * the voxels are exactly those loadSeriesVolume reads from the files.
 */

let t: ReturnType<typeof tmpDir>;
let services: Services;
let bridge: HttpBridge;
let t2: Series;
let folder: string;
let segmentationId: number;

function get(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: bridge.port, method: 'GET', path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const asArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  const created = await services.router.call('study.create', { path: path.join(t.dir, 'vox.radstudy'), name: 'Voxels' });
  if (!created.ok) throw new Error(created.error.message);
  const db = services.study.requireHandle().db;
  const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'Center 1')").run().lastInsertRowid;
  const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
  const lesion = Number(db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(patient).lastInsertRowid);
  folder = path.join(t.dir, 'exam');
  writeSyntheticExam(folder);
  const started = await services.router.call('images.import', { folder });
  if (!started.ok) throw new Error(started.error.message);
  const jobId = (started.data as { jobId: number }).jobId;
  await waitFor(async () => {
    const r = await services.router.call('jobs.get', { id: jobId });
    return r.ok && (r.data as Job).status === 'succeeded';
  }, 30_000);
  const list = await services.router.call('images.series.list', {});
  if (!list.ok) throw new Error(list.error.message);
  t2 = (list.data as Series[]).find((s) => s.seriesInstanceUid === SERIES.t2fs)!;
  // A mask of voxels 0, 1 and 7 on the 3×2×4 T2 grid, stored as the import job stores it.
  const mask = new Uint8Array(24);
  for (const v of [0, 1, 7]) mask[v] = 1;
  segmentationId = Number(
    db
      .prepare(
        `INSERT INTO segmentation(lesion_id, series_id, reader, source_format, source_path, source_sha256, mask, voxel_count,
           volume_mm3, bbox, created_at) VALUES (?, ?, 'R1', 'nifti', '/x.nii', ?, ?, 3, 2.94, '[0,1,0,1,0,1]', 'now')`,
      )
      .run(lesion, t2.id, 'a'.repeat(64), Buffer.from(encodeMask(mask))).lastInsertRowid,
  );
  bridge = await startHttpBridge({
    router: services.router,
    events: services.events,
    staticDir: t.dir,
    token: 'test-token',
    voxels: (kind, id) => voxelsOf(services.viewer, parseVoxelResource(kind, id)),
  });
}, 60_000);
afterAll(async () => {
  await bridge?.close();
  await services?.shutdown();
  t?.cleanup();
});

describe('voxel transport over the HTTP bridge', () => {
  it('refuses requests without the session token', async () => {
    const none = await get(`/api/voxels/volume/${t2.id}`);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body.toString()).error.code).toBe('UNAUTHORIZED');
    expect((await get(`/api/voxels/volume/${t2.id}`, { 'x-radstudy-token': 'wrong' })).status).toBe(401);
  });

  it('answers the series volume: header geometry and voxels equal to the loaded volume', async () => {
    const r = await get(`/api/voxels/volume/${t2.id}`, { 'x-radstudy-token': 'test-token' });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/octet-stream');
    const { header, data } = decodeVoxels(asArrayBuffer(r.body));
    const reference = await loadSeriesVolume(services.viewer.storedSeries(t2.id));
    expect(header).toMatchObject({ kind: 'volume', seriesId: t2.id, size: [3, 2, 4], dtype: 'int16' });
    expect(header.spacingMm).toEqual(reference.spacingMm);
    expect(header.originMm).toEqual(reference.originMm);
    expect(header.direction).toEqual([...reference.direction]);
    expect(Array.from(data)).toEqual(Array.from(reference.data));
    // The fixture writes pixel p of instance n as 10·n + p (studyFixture.ts): slice 0 is 10…15, slice 3 is 40…45.
    expect(Array.from(data.subarray(0, 6))).toEqual([10, 11, 12, 13, 14, 15]);
    expect(Array.from(data.subarray(18, 24))).toEqual([40, 41, 42, 43, 44, 45]);
    expect([header.min, header.max]).toEqual([10, 45]);
    expect(header.name).toBe(`series #${t2.id} (T2FS, "t2_tse_fs_tra")`);
  });

  it('answers a segmentation mask on its series grid', async () => {
    const r = await get(`/api/voxels/mask/${segmentationId}`, { authorization: 'Bearer test-token' });
    expect(r.status).toBe(200);
    const { header, data } = decodeVoxels(asArrayBuffer(r.body));
    expect(header).toMatchObject({ kind: 'mask', seriesId: t2.id, segmentationId, size: [3, 2, 4], dtype: 'uint8' });
    expect([...data.keys()].filter((v) => data[v] === 1)).toEqual([0, 1, 7]);
  });

  it('names what is wrong: unknown ids, bad paths, moved files', async () => {
    const auth = { 'x-radstudy-token': 'test-token' };
    const missing = await get('/api/voxels/volume/9999', auth);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString()).error.message).toContain('series #9999');
    const noMask = await get('/api/voxels/mask/9999', auth);
    expect(JSON.parse(noMask.body.toString()).error.message).toContain('segmentation #9999');
    expect((await get('/api/voxels/slices/1', auth)).status).toBe(400);

    // The T2 folder is moved away: a fresh read (cache cleared) says which series and which file.
    services.viewer.clear();
    renameSync(path.join(folder, 't2'), path.join(folder, 't2-moved'));
    try {
      const moved = await get(`/api/voxels/volume/${t2.id}`, auth);
      expect(moved.status).toBe(400);
      const message = JSON.parse(moved.body.toString()).error.message as string;
      expect(message).toContain(`series #${t2.id} (T2FS, "t2_tse_fs_tra")`);
      expect(message).toMatch(/is missing \(moved or deleted since import\)/);
    } finally {
      renameSync(path.join(folder, 't2-moved'), path.join(folder, 't2'));
    }
  });

  it('frames header and body so the body is 8-byte aligned and round-trips', () => {
    const header = {
      kind: 'volume' as const,
      seriesId: 1,
      segmentationId: null,
      name: 'x',
      size: [2, 1, 1] as [number, number, number],
      spacingMm: [1, 1, 1] as [number, number, number],
      originMm: [0, 0, 0] as [number, number, number],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      dtype: 'float64' as const,
      min: -1.5,
      max: 2.25,
    };
    const bytes = encodeVoxels(header, new Float64Array([-1.5, 2.25]));
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect((4 + headerLength) % 8).toBe(0);
    const back = decodeVoxels(bytes.buffer as ArrayBuffer);
    expect(Array.from(back.data)).toEqual([-1.5, 2.25]);
    expect(() => decodeVoxels(bytes.buffer.slice(0, bytes.length - 8) as ArrayBuffer, 'series #1')).toThrow(
      /series #1: 8 bytes of voxels for a 2×1×1 float64 grid \(16 expected\)/,
    );
  });
});
