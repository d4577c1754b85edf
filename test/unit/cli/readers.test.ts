/**
 * `radstudy readers export-package | write-result | import-package | agreement` on a two-patient
 * demo study: the round trip through .zip packages imports the R1 masks it carried (voxel counts
 * exact), a second import and a foreign study's package exit 1 with the reason, and the agreement
 * CSVs hold the API's values: Dice per lesion equal to agreement.masks (printed with String(),
 * parsed back exactly), and kappa equal to the statistics core's kappaFromTable on the table of
 * the reads written here (1e-12).
 */
import { Command } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssignmentManifest, LesionRef, MaskAgreement, Segmentation } from '../../../main/api/contract.js';
import { registerReadersCommands } from '../../../main/cli/readers.js';
import { readZip } from '../../../main/compute/archive/zip.js';
import { kappaFromTable } from '../../../main/compute/stats/agreement/kappa.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let study: string;
let lesions: LesionRef[];
let out = '';
let err = '';
let services: Services;
const { call } = routerCalls(() => services);
const SHAPES = ['oval', 'round', 'irregular'];
const r1 = (i: number) => SHAPES[i % 3]!;
const r2 = (i: number) => SHAPES[i === 1 ? 2 : i % 3]!;

beforeAll(async () => {
  t = tmpDir();
  study = path.join(t.dir, 'demo.radstudy');
  services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await createDemoStudy(services, { out: study, patients: 2, seed: 3 });
    lesions = await call<LesionRef[]>('segmentation.lesions');
    await call('readers.save', { code: 'R3', name: 'Offline Reader', role: 'reader' });
    await call('readers.assign', { reader: 'R3', lesionIds: lesions.map((l) => l.id), sequences: ['DCE3'] });
    await call('readers.blinding.set', { items: { otherReadersMasks: false }, by: 'Coordinator' });
    for (const r of ['r1', 'r2'])
      await call('cohort.variable.save', {
        variable: {
          name: `shape_${r}`,
          label: 'Shape',
          type: 'categorical',
          levels: SHAPES.map((c) => ({ code: c, label: c })),
          role: 'predictor',
          scope: 'lesion',
        },
      });
    for (const [i, l] of lesions.entries()) {
      await call('cohort.setValue', { patientCode: l.patientCode, lesionCode: l.lesionCode, variable: 'shape_r1', value: r1(i) });
      await call('cohort.setValue', { patientCode: l.patientCode, lesionCode: l.lesionCode, variable: 'shape_r2', value: r2(i) });
    }
  } finally {
    await services.shutdown();
  }
}, 180_000);
afterAll(() => t.cleanup());
beforeEach(() => {
  out = '';
  err = '';
  process.exitCode = undefined;
});

async function run(...args: string[]): Promise<number> {
  out = '';
  err = '';
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const program = new Command().exitOverride();
    registerReadersCommands(program);
    await program.parseAsync(['node', 'radstudy', 'readers', ...args]);
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return Number(code);
}

async function withServices<T>(work: () => Promise<T>): Promise<T> {
  services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await call('study.open', { path: study });
    return await work();
  } finally {
    await services.shutdown();
  }
}

describe('radstudy readers', () => {
  it('exports a zip package, packs the result on the reader side and imports it once', async () => {
    const pkg = path.join(t.dir, 'to-R3.zip');
    expect(await run('export-package', '--study', study, '--reader', 'R3', '--out', pkg, '--starting-masks', 'R1')).toBe(0);
    expect(out).toMatch(new RegExp(`${lesions.length} assignments, \\d+ files in .*to-R3\\.zip`));
    const entries = readZip(readFileSync(pkg));
    const m = JSON.parse(Buffer.from(entries.find((e) => e.path === 'manifest.json')!.data).toString()) as AssignmentManifest;
    const drawn = path.join(t.dir, 'drawn');
    mkdirSync(drawn);
    const maskArgs = m.items.flatMap((i) => {
      const f = path.join(drawn, `${i.lesionId}.nrrd`);
      writeFileSync(f, entries.find((e) => e.path === i.startingMask)!.data);
      return ['--mask', `${i.lesionId}:${i.seriesId}:${f}`];
    });
    const result = path.join(t.dir, 'from-R3.zip');
    expect(await run('write-result', '--package', pkg, '--out', result, ...maskArgs)).toBe(0);
    expect(out).toMatch(new RegExp(`${lesions.length} masks in .*from-R3\\.zip`));
    expect(await run('write-result', '--package', pkg, '--out', path.join(t.dir, 'x.zip'), '--mask', 'nonsense')).toBe(1);
    expect(err).toMatch(/--mask takes LESION:SERIES:FILE/);

    expect(await run('import-package', '--study', study, '--package', result)).toBe(0);
    expect(out).toBe(
      `Imported ${lesions.length} segmentations of R3 (package ${JSON.parse(Buffer.from(readZip(readFileSync(result)).find((e) => e.path === 'result.json')!.data).toString()).packageId})\n`,
    );
    expect(await run('import-package', '--study', study, '--package', result)).toBe(1);
    expect(err).toMatch(/radstudy readers import-package: The result package .* was already imported on/);

    await withServices(async () => {
      const mine = await call<Segmentation[]>('segmentation.list', { reader: 'R3' });
      expect(mine).toHaveLength(lesions.length);
      for (const s of mine) {
        const ref = (
          await call<Segmentation[]>('segmentation.list', { reader: 'R1', lesionId: s.lesionId, seriesId: s.seriesId })
        )[0]!;
        expect(s.voxelCount).toBe(ref.voxelCount);
      }
    });
  }, 120_000);

  it('refuses a package of another study', async () => {
    const other = path.join(t.dir, 'other.radstudy');
    const s = createServices({ mode: 'test', configDir: t.dir });
    try {
      await createDemoStudy(s, { out: other, patients: 1, seed: 4 });
    } finally {
      await s.shutdown();
    }
    // A result package written against this study, imported into the other one.
    expect(await run('import-package', '--study', other, '--package', path.join(t.dir, 'from-R3.zip'))).toBe(1);
    expect(err).toMatch(/from-R3\.zip belongs to another study/);
  }, 120_000);

  it('writes the mask and kappa agreement tables with the API’s and the statistics core’s numbers', async () => {
    const masksCsv = path.join(t.dir, 'masks.csv');
    expect(await run('agreement', '--study', study, '--out', masksCsv)).toBe(0);
    const api = await withServices(() => call<MaskAgreement>('agreement.masks', { readers: ['R1', 'R2'] }));
    const lines = readFileSync(masksCsv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(api.rows.length + 1);
    expect(lines[0]!.split(',')[4]).toBe('dice');
    lines.slice(1).forEach((l, i) => expect(Number(l.split(',')[4])).toBe(api.rows[i]!.dice));

    const kappaCsvFile = path.join(t.dir, 'kappa.csv');
    expect(await run('agreement', '--study', study, '--out', kappaCsvFile, '--kind', 'kappa')).toBe(0);
    const rows = readFileSync(kappaCsvFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows).toHaveLength(2);
    const table = SHAPES.map(() => SHAPES.map(() => 0));
    lesions.forEach((_, i) => table[SHAPES.indexOf(r1(i))]![SHAPES.indexOf(r2(i))]!++);
    const core = kappaFromTable(table, 'unweighted', 0.95);
    expect(rows[1]!.slice(0, 3)).toEqual(['shape', 'categorical', String(lesions.length)]);
    expect(Math.abs(Number(rows[1]![6]) - core.kappa)).toBeLessThan(1e-12);
    expect(Math.abs(Number(rows[1]![8]) - core.confInt[0])).toBeLessThan(1e-12);

    expect(await run('agreement', '--study', study, '--out', kappaCsvFile, '--readers', 'R1')).toBe(1);
    expect(err).toMatch(/--readers takes two reader codes/);
    expect(await run('agreement', '--study', study, '--out', path.join(t.dir, 'x.txt'))).toBe(1);
    expect(err).toMatch(/written as a \.csv file/);
    expect(await run('agreement', '--study', study, '--out', masksCsv, '--kind', 'features')).toBe(1);
    expect(err).toMatch(/--kind features needs --extraction/);
  }, 120_000);
});
