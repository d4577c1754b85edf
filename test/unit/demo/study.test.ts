/**
 * The demo study as created by createDemoStudy: the clinical table, every DICOM series linked
 * to its patient with the right sequence kind, and every lesion's three masks as segmentations
 * (REF, R1, R2) on each series of its patient, the same for the same seed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LesionRef, Segmentation, SegmentationMask, Series } from '../../../main/api/contract.js';
import { DEMO_CENTERS } from '../../../main/compute/demo/centers.js';
import { generateCohort } from '../../../main/compute/demo/clinical.js';
import { readNrrd } from '../../../main/compute/imaging/nrrd.js';
import { createDemoStudy, DEMO_READERS, type DemoProgress, type DemoStudyResult } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

const SEED = 31;
const N = 4;

let t: ReturnType<typeof tmpDir>;
let services: Services;
let demo: DemoStudyResult;
const progress: DemoProgress[] = [];

async function call<T>(s: Services, method: string, input: unknown = {}): Promise<T> {
  const r = await s.router.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

const label = (s: Series): string =>
  s.kind === 'DWI' ? `DWI b=${s.bValue}` : s.kind === 'DCE' ? `DCE phase ${s.phase}` : s.kind;

/** Everything the study holds, without paths or times that depend on where and when it was made. */
async function content(s: Services): Promise<unknown> {
  const db = s.study.requireHandle().db;
  const series = await call<Series[]>(s, 'images.series.list');
  const files = db
    .prepare('SELECT series_id, position, path, sha256, bytes FROM series_file ORDER BY series_id, position')
    .all() as { series_id: number; path: string; sha256: string }[];
  const segs = await call<Segmentation[]>(s, 'segmentation.list');
  const masks = await Promise.all(segs.map((g) => call<SegmentationMask>(s, 'segmentation.mask', { id: g.id })));
  return {
    cohort: s.cohort.table(true).rows,
    series: series.map((x) => ({
      patient: x.patientCode,
      key: x.key,
      kind: label(x),
      geometry: x.geometry,
      files: files.filter((f) => f.series_id === x.id).map((f) => `${f.path} ${f.sha256}`),
    })),
    segmentations: segs.map((g, k) => ({
      lesion: `${g.patientCode} ${g.lesionCode}`,
      series: series.find((x) => x.id === g.seriesId)!.key,
      reader: g.reader,
      voxels: g.voxelCount,
      volume: g.volumeMm3,
      bbox: g.bbox,
      sha256: g.sourceSha256,
      file: path.basename(g.sourcePath),
      mask: createHash('sha256').update(JSON.stringify(masks[k]!.runs)).digest('hex'),
    })),
  };
}

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  demo = await createDemoStudy(services, {
    out: path.join(t.dir, 'a', 'demo.radstudy'),
    patients: N,
    seed: SEED,
    onProgress: (p) => progress.push(p),
  });
}, 120_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('demo study', () => {
  it('leaves the study open with its own durability setting (synchronous FULL)', () => {
    expect(services.study.requireHandle().db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('reports its phases in order: files, clinical, images, masks', () => {
    const phases = progress.map((p) => p.phase).filter((p, i, a) => a[i - 1] !== p);
    expect(phases).toEqual(['files', 'clinical', 'images', 'masks']);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ phase: 'masks', done: demo.segmentations, total: demo.segmentations });
    for (const p of progress) expect(p.done).toBeLessThanOrEqual(p.total);
  });

  it('links every series to its cohort patient with the kind its sequence is', async () => {
    const cohort = generateCohort(SEED, N);
    const series = await call<Series[]>(services, 'images.series.list');
    expect(series).toHaveLength(demo.series);
    expect(series.every((s) => s.patientCode !== null && s.warnings.length === 0)).toBe(true);
    for (const p of cohort) {
      const own = series.filter((s) => s.patientCode === p.code);
      const center = DEMO_CENTERS[p.center]!;
      expect(own.map(label).sort()).toEqual(
        [
          'T2_FS',
          'ADC',
          `DWI b=${center.bValues[0]}`,
          `DWI b=${center.bValues[1]}`,
          ...Array.from({ length: 7 }, (_, k) => `DCE phase ${k}`),
        ].sort(),
      );
      expect(new Set(own.map((s) => s.dicomPatientId))).toEqual(new Set([p.code]));
    }
  });

  it('stores each lesion mask for REF, R1 and R2 on every series of its patient, voxel-exact on the mask grid', async () => {
    const series = await call<Series[]>(services, 'images.series.list');
    const lesions = await call<LesionRef[]>(services, 'segmentation.lesions');
    const segs = await call<Segmentation[]>(services, 'segmentation.list');
    expect(lesions).toHaveLength(demo.lesions);
    expect(segs).toHaveLength(demo.segmentations);
    let native = 0;
    for (const l of lesions) {
      const own = series.filter((s) => s.patientCode === l.patientCode);
      for (const [kind, reader] of Object.entries(DEMO_READERS)) {
        const file = path.join(demo.folder, 'masks', `${l.patientCode}_${l.lesionCode}_${kind}.nrrd`);
        const nrrd = readNrrd(new Uint8Array(readFileSync(file)), file).volume;
        let nonZero = 0;
        for (const v of nrrd.data) if (v !== 0) nonZero++;
        expect(nonZero).toBeGreaterThan(0);
        for (const s of own) {
          const g = segs.find((x) => x.lesionId === l.id && x.seriesId === s.id && x.reader === reader);
          const left = demo.skippedSegmentations.find(
            (x) =>
              x.patientCode === l.patientCode &&
              x.lesionCode === l.lesionCode &&
              x.reader === reader &&
              x.series.includes(label(s)),
          );
          if (left) {
            // Nothing of this small lesion is left on the coarser DWI/ADC grid: listed, not stored.
            expect(s.kind === 'DWI' || s.kind === 'ADC').toBe(true);
            expect(left.reason).toMatch(/does not overlap/);
            expect(g).toBeUndefined();
            continue;
          }
          expect(g, `${l.patientCode} ${l.lesionCode} ${reader} on ${label(s)}`).toBeDefined();
          expect(g!.sourcePath).toBe(file);
          const sameGrid = s.geometry.size.every((n, a) => n === nrrd.size[a]);
          if (s.kind === 'T2_FS' || s.kind === 'DCE') {
            // The masks were written on the T2WI/DCE grid: stored as they are.
            expect(sameGrid).toBe(true);
            expect(g!.voxelCount).toBe(nonZero);
            expect(g!.warnings).toEqual([]);
            native++;
          } else {
            // DWI and ADC are acquired on a coarser grid: nearest-neighbour resampling, with a warning.
            expect(sameGrid).toBe(false);
            expect(g!.warnings.join(' ')).toMatch(/resampl/i);
          }
        }
      }
    }
    expect(native).toBe(demo.lesions * 3 * 8);
    expect(demo.segmentations - demo.resampledSegmentations).toBe(native);
  });

  it('holds the same content when made again with the same seed', async () => {
    const other = createServices({ mode: 'test', configDir: t.dir });
    try {
      await createDemoStudy(other, { out: path.join(t.dir, 'b', 'demo.radstudy'), patients: N, seed: SEED });
      expect(await content(other)).toEqual(await content(services));
    } finally {
      await other.shutdown();
    }
  }, 120_000);
});
