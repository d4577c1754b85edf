/**
 * `radstudy segmentation copy` through the real CLI process (from the sources) on a demo study:
 * it lists the series of the exam, copies a reference segmentation onto the ADC map as a new
 * version exactly as the service does (the service test checks the voxels against hand-computed
 * ones; here the stored copy must equal transferMask of the stored source), and refuses a series
 * of another patient with exit code 1, writing nothing.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Segmentation, Series } from '../../../main/api/contract.js';
import { decodeMask } from '../../../main/compute/imaging/maskCodec.js';
import { transferMask } from '../../../main/compute/imaging/maskTransfer.js';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices } from '../../../main/services/index.js';
import { repoRoot, tmpDir } from '../../helpers/tmp.js';

const t = tmpDir('radstudy-cli-segcopy-');
const study = path.join(t.dir, 'demo.radstudy');
let source: Segmentation;
let series: Series[];

function radstudy(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'main/cli/index.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, RADSTUDY_CONFIG_DIR: t.dir },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await createDemoStudy(services, { out: study, patients: 2, seed: 5 });
    const segs = await services.router.call('segmentation.list', { reader: 'REF' });
    const all = await services.router.call('images.series.list', {});
    if (!segs.ok || !all.ok) throw new Error('demo study without segmentations or series');
    series = all.data as Series[];
    source = (segs.data as Segmentation[])[0]!;
  } finally {
    await services.shutdown();
  }
}, 120_000);
afterAll(() => t.cleanup());

const geometryOf = (s: Series): Geometry => ({
  size: s.geometry.size,
  spacingMm: s.geometry.spacingMm,
  originMm: s.geometry.originMm,
  direction: s.geometry.direction as Geometry['direction'],
});
const n = (g: Geometry): number => g.size[0] * g.size[1] * g.size[2];

describe('radstudy segmentation copy', () => {
  it('lists the targets, copies onto the ADC map as a new version, and refuses another patient', async () => {
    const from = series.find((s) => s.id === source.seriesId)!;
    const adc = series.find((s) => s.patientCode === source.patientCode && s.kind === 'ADC')!;
    const foreign = series.find((s) => s.patientCode !== source.patientCode)!;

    const list = await radstudy('segmentation', 'copy', '--study', study, '--id', String(source.id));
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain(`Segmentation #${source.id} can be copied to:`);
    expect(list.out).toContain(`#${adc.id}  ADC`);
    expect(list.out).not.toContain(`#${foreign.id} `);

    // The demo already has a REF segmentation on the ADC map: the copy becomes its next version and leaves it as it was.
    const prior = (() => {
      const d = new Database(study, { readonly: true });
      try {
        return d
          .prepare("SELECT id, version, mask FROM segmentation WHERE series_id = ? AND lesion_id = ? AND reader = 'REF'")
          .all(adc.id, source.lesionId) as { id: number; version: number; mask: Buffer }[];
      } finally {
        d.close();
      }
    })();
    const r = await radstudy('segmentation', 'copy', '--study', study, '--id', String(source.id), '--to', String(adc.id));
    expect(r.code, r.err).toBe(0);
    const db = new Database(study, { readonly: true });
    try {
      const src = db.prepare('SELECT mask FROM segmentation WHERE id = ?').pluck().get(source.id) as Buffer;
      const expected = transferMask(decodeMask(new Uint8Array(src), n(geometryOf(from))), geometryOf(from), geometryOf(adc));
      const copy = db
        .prepare(
          "SELECT id, reader, version, status, source_path, mask FROM segmentation WHERE series_id = ? AND lesion_id = ? AND reader = 'REF' ORDER BY version DESC",
        )
        .get(adc.id, source.lesionId) as {
        id: number;
        reader: string;
        version: number;
        status: string;
        source_path: string;
        mask: Buffer;
      };
      expect(r.out).toBe(
        `Copied segmentation #${source.id} to series #${adc.id} as #${copy.id} (reader REF, version ${copy.version}, needs review): ` +
          `${expected.targetVoxels.toLocaleString('en-US')} voxels, ${expected.targetVolumeMm3.toFixed(1)} mm³ (source ${expected.sourceVoxels.toLocaleString('en-US')} voxels, ${expected.sourceVolumeMm3.toFixed(1)} mm³)\n`,
      );
      expect(copy).toMatchObject({ reader: 'REF', status: 'needs_review', version: prior.length + 1 });
      for (const p of prior) expect(db.prepare('SELECT mask FROM segmentation WHERE id = ?').pluck().get(p.id)).toEqual(p.mask);
      expect(copy.source_path).toContain(`copied from segmentation #${source.id}`);
      expect(decodeMask(new Uint8Array(copy.mask), n(geometryOf(adc)))).toEqual(expected.mask);
    } finally {
      db.close();
    }

    const count = (): number => {
      const d = new Database(study, { readonly: true });
      try {
        return d.prepare('SELECT count(*) FROM segmentation').pluck().get() as number;
      } finally {
        d.close();
      }
    };
    const before = count();
    const bad = await radstudy('segmentation', 'copy', '--study', study, '--id', String(source.id), '--to', String(foreign.id));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`cannot be copied to series #${foreign.id}: it is not linked to the same patient`);
    expect(count()).toBe(before);
    const typo = await radstudy('segmentation', 'copy', '--study', study, '--id', 'x1');
    expect([typo.code, typo.err.trim()]).toEqual([
      1,
      'radstudy segmentation copy: --id must be a positive whole number, not "x1"',
    ]);
  }, 120_000);
});
