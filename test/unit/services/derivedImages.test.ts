/**
 * ADC maps from DWI (job images.adc) and lesion TIC types (job images.tic) on a small demo study.
 *
 * References:
 * - The demo's scanner ADC series (written by the generator from the same two b-value images,
 *   rounded to 10⁻⁶ mm²/s): the derived series must match it voxel for voxel within 1 unit
 *   wherever the scanner fitted a voxel (not background, not clamped), and sit on its grid.
 * - The demo cohort's reader TIC type (tic_type, the generator's truth for each lesion): the
 *   computed type from the REF masks agrees for ≥ 80 % of lesions (30 demo patients: 31/32).
 * - DCE subtraction: the stored SUB series equals post − pre computed from the two phases' own
 *   files, within half a stored unit (the rounding to 16 bits with the series' rescale slope).
 * - Bad input: a variable that cannot hold TIC types is refused before the job starts; values
 *   already in the variable are kept unless overwrite is asked; nothing else changes.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Series } from '../../../main/api/contract.js';
import type { ImagesAdcResult, ImagesSubtractionResult, ImagesTicResult } from '../../../main/api/images.js';
import { loadSeriesVolume } from '../../../main/compute/jobs/series-volume.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';
import type { Geometry } from '../../../main/compute/imaging/volume.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let studyPath: string;

const { call, fails, finished } = routerCalls(() => services, 120_000);

const stored = (s: Series) => {
  const db = new Database(studyPath, { readonly: true });
  try {
    return {
      id: s.id,
      name: `series #${s.id}`,
      sourceFolder: s.sourceFolder,
      files: db.prepare('SELECT path, sha256 FROM series_file WHERE series_id = ? ORDER BY position').all(s.id) as {
        path: string;
        sha256: string;
      }[],
      component: s.component,
      components: s.components,
      geometry: s.geometry as Geometry,
    };
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  studyPath = path.join(t.dir, 'demo.radstudy');
  await createDemoStudy(services, { out: studyPath, patients: 3, seed: 23 });
}, 180_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('ADC from DWI', () => {
  it('skips exams that already have an ADC series, and says so', async () => {
    const job = await finished((await call<{ jobId: number }>('images.adc', {})).jobId);
    expect(job.status).toBe('failed');
    expect(job.error!.message).toMatch(
      /^No DWI series needs an ADC map: DWI series .* of DEMO-\d+: the exam already has an ADC series/,
    );
  }, 60_000);

  it('computes the map of every DWI acquisition (forced), records it as an ADC series on the DWI grid, equal to the scanner map', async () => {
    const before = await call<Series[]>('images.series.list');
    const scannerAdc = before.filter((s) => s.kind === 'ADC');
    const job = await finished((await call<{ jobId: number }>('images.adc', { force: true })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const result = job.result as ImagesAdcResult;
    expect(result.computed.length).toBe(3);
    expect(result.computed.every((c) => c.bValues.length === 2)).toBe(true);
    const after = await call<Series[]>('images.series.list');
    const derived = after.filter((s) => s.kind === 'ADC' && !before.some((b) => b.id === s.id));
    expect(derived.length).toBe(3);
    for (const d of derived) {
      expect(d.description).toMatch(/^ADC \(RadStudy, b=\d+,\d+\)$/);
      const scanner = scannerAdc.find((s) => s.patientId === d.patientId)!;
      expect(scanner, `scanner ADC of patient ${d.patientCode}`).toBeDefined();
      expect(d.patientCode).toBe(scanner.patientCode);
      expect(d.geometry.size).toEqual(scanner.geometry.size);
      d.geometry.originMm.forEach((v, i) => expect(Math.abs(v - scanner.geometry.originMm[i]!)).toBeLessThan(1e-3));
      const [a, b] = await Promise.all([loadSeriesVolume(stored(d)), loadSeriesVolume(stored(scanner))]);
      let compared = 0;
      for (let v = 0; v < a.data.length; v++) {
        const s = b.data[v]!;
        if (s === 0 || s >= 4000) continue;
        expect(Math.abs(a.data[v]! - s)).toBeLessThanOrEqual(1);
        compared++;
      }
      expect(compared).toBeGreaterThan(a.data.length / 20);
    }
  }, 180_000);

  it('does not record the same derived series twice', async () => {
    const n = (await call<Series[]>('images.series.list')).length;
    const job = await finished((await call<{ jobId: number }>('images.adc', { force: true })).jobId);
    expect(job.status).toBe('succeeded');
    expect((job.result as ImagesAdcResult).alreadyImported.length).toBe(3);
    expect((await call<Series[]>('images.series.list')).length).toBe(n);
  }, 180_000);
});

describe('TIC type of lesions', () => {
  it('refuses a variable that cannot hold TIC types before starting', async () => {
    expect(await fails('images.tic', { variable: 'age' })).toMatch(/VALIDATION Variable "age" is a patient .* variable/);
  });

  it('computes the curve of every lesion with a REF DCE mask and fills the computed variable', async () => {
    const job = await finished((await call<{ jobId: number }>('images.tic', {})).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const r = job.result as ImagesTicResult;
    expect(r.failed).toEqual([]);
    expect(r.curves.length).toBeGreaterThanOrEqual(3);
    expect(r.written).toBe(r.curves.length);
    for (const c of r.curves) {
      expect(c.timing).toBe('trigger');
      expect(c.points.length).toBe(7);
      expect(c.points[0]!.enhancementPct).toBe(0);
    }
    const db = new Database(studyPath, { readonly: true });
    try {
      const rows = db
        .prepare(
          `SELECT l.id, a.txt AS auto, r.txt AS reader FROM lesion l
             JOIN lesion_value a ON a.lesion_id = l.id AND a.variable_id = (SELECT id FROM variable WHERE name = 'tic_type_auto')
             LEFT JOIN lesion_value r ON r.lesion_id = l.id AND r.variable_id = (SELECT id FROM variable WHERE name = 'tic_type')`,
        )
        .all() as { id: number; auto: string; reader: string | null }[];
      expect(rows.length).toBe(r.curves.length);
      const agree = rows.filter((x) => x.auto === x.reader).length;
      expect(agree / rows.length).toBeGreaterThanOrEqual(0.8);
      const audited = db
        .prepare(`SELECT count(*) FROM audit_log WHERE action = 'cohort.value.set' AND field = 'tic_type_auto'`)
        .pluck()
        .get();
      expect(audited).toBe(r.curves.length);
    } finally {
      db.close();
    }
  }, 180_000);

  it('keeps the values already there unless asked to overwrite', async () => {
    const again = await finished((await call<{ jobId: number }>('images.tic', { washoutPct: 99, persistentPct: 99 })).jobId);
    const r = again.result as ImagesTicResult;
    expect(r.written).toBe(0);
    expect(r.curves.every((c) => c.type === 'II')).toBe(true);
    expect(r.kept!.length).toBe(r.curves.filter((c) => c.delayedChangePct > 10 || c.delayedChangePct < -10).length);
    const forced = await finished(
      (await call<{ jobId: number }>('images.tic', { washoutPct: 99, persistentPct: 99, overwrite: true })).jobId,
    );
    expect((forced.result as ImagesTicResult).written).toBe(r.curves.length);
  }, 180_000);
});

describe('DCE subtraction', () => {
  it('writes SUB2 = phase 2 after contrast − pre-contrast for every acquisition, on its grid', async () => {
    const before = await call<Series[]>('images.series.list');
    const job = await finished((await call<{ jobId: number }>('images.subtraction', { phases: [2] })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const r = job.result as ImagesSubtractionResult;
    expect(r.computed.length).toBe(3);
    const after = await call<Series[]>('images.series.list');
    const subs = after.filter((s) => s.kind === 'SUB' && !before.some((b) => b.id === s.id));
    expect(subs.length).toBe(3);
    for (const c of r.computed) {
      const sub = subs.find((s) => s.seriesInstanceUid === c.seriesInstanceUid)!;
      expect(sub.phase).toBe(2);
      expect(sub.description).toBe('SUB2 (DCE3 - DCE1, RadStudy)');
      const pre = after.find((s) => s.id === c.preSeriesId)!;
      const post = after.find((s) => s.id === c.postSeriesId)!;
      expect([pre.phase, post.phase]).toEqual([0, 2]);
      expect(sub.patientCode).toBe(post.patientCode);
      const [a, b, d] = await Promise.all([
        loadSeriesVolume(stored(pre)),
        loadSeriesVolume(stored(post)),
        loadSeriesVolume(stored(sub)),
      ]);
      let worst = 0;
      for (let v = 0; v < d.data.length; v++) worst = Math.max(worst, Math.abs(d.data[v]! - (b.data[v]! - a.data[v]!)));
      expect(worst).toBeLessThanOrEqual(0.5 + 1e-9);
    }
  }, 180_000);

  it('refuses a phase the acquisitions do not have', async () => {
    const job = await finished((await call<{ jobId: number }>('images.subtraction', { phases: [40] })).jobId);
    expect(job.status).toBe('failed');
    expect(job.error!.message).toMatch(/^No subtraction could be computed: DCE series .* has no post-contrast phase 40/);
  }, 60_000);
});
