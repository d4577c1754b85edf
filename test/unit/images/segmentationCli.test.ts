import Database from 'better-sqlite3';
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerImageCommands } from '../../../main/cli/images.js';
import { registerSegmentationCommands } from '../../../main/cli/segmentation.js';
import { writeNifti } from '../../../main/compute/imaging/nifti.js';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
import { createStudy } from '../../../db/study-file.js';
import { tmpDir } from '../../helpers/tmp.js';
import { SERIES, writeSyntheticExam } from './studyFixture.js';

let t: ReturnType<typeof tmpDir>;
let out: string;
let err: string;
beforeEach(() => {
  t = tmpDir();
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  t.cleanup();
});

async function run(...args: string[]): Promise<void> {
  const program = new Command().exitOverride();
  program.command('import').description('import data into a study');
  registerImageCommands(program);
  registerSegmentationCommands(program);
  await program.parseAsync(['node', 'radstudy', ...args]);
}

describe('radstudy import seg', () => {
  it('imports a labelmap onto a series and prints voxels and volume; a repeat is refused', async () => {
    const study = path.join(t.dir, 's.radstudy');
    createStudy(study, 'cli').close();
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder, {});
    await run('import', 'images', '--study', study, '--folder', folder);
    expect(process.exitCode ?? 0).toBe(0);
    const db = new Database(study);
    const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'C1')").run().lastInsertRowid;
    const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
    const lesion = db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(patient).lastInsertRowid;
    const s = db.prepare('SELECT id, geometry FROM series WHERE series_instance_uid = ?').get(SERIES.t2fs) as {
      id: number;
      geometry: string;
    };
    db.close();
    const g = JSON.parse(s.geometry) as Geometry;
    // The synthetic T2 series is 3×2×4 voxels of 0.7×0.7×2 mm: 3 voxels of label 2 = 2.94 mm³.
    const data = new Uint8Array(g.size[0] * g.size[1] * g.size[2]);
    data[0] = 2;
    data[1] = 2;
    data[7] = 2;
    data[8] = 1;
    const file = path.join(t.dir, 'lesion.nii.gz');
    writeFileSync(file, writeNifti({ ...g, data }, { gzip: true }));
    const args = ['import', 'seg', '--study', study, '--file', file, '--series', String(s.id), '--lesion', String(lesion)];
    err = '';
    await run(...args, '--label', '2');
    expect(err).toBe('');
    expect(process.exitCode ?? 0).toBe(0);
    expect(out).toMatch(/reader R1, label 2/);
    expect(out).toMatch(/3 voxels, 0\.003 mL/);
    out = '';
    await run(...args, '--label', '1');
    expect(process.exitCode).toBe(1);
    expect(err).toMatch(/already has a segmentation by reader R1/);
  }, 60_000);

  it('imports every label of a labelmap when none is chosen and stores the label table', async () => {
    const study = path.join(t.dir, 's.radstudy');
    createStudy(study, 'cli').close();
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder, {});
    await run('import', 'images', '--study', study, '--folder', folder);
    const db = new Database(study);
    const center = db.prepare("INSERT INTO center(code, name) VALUES ('C1', 'C1')").run().lastInsertRowid;
    const patient = db.prepare("INSERT INTO patient(code, center_id) VALUES ('P001', ?)").run(center).lastInsertRowid;
    const lesion = db.prepare("INSERT INTO lesion(patient_id, code) VALUES (?, 'L1')").run(patient).lastInsertRowid;
    const s = db.prepare('SELECT id, geometry FROM series WHERE series_instance_uid = ?').get(SERIES.t2fs) as {
      id: number;
      geometry: string;
    };
    db.close();
    const g = JSON.parse(s.geometry) as Geometry;
    // Label 2 in voxels 0, 1, 7; label 1 in voxel 8 (3×2×4 grid of 0.7×0.7×2 mm = 0.98 mm³ voxels).
    const data = new Uint8Array(g.size[0] * g.size[1] * g.size[2]);
    data[0] = 2;
    data[1] = 2;
    data[7] = 2;
    data[8] = 1;
    const file = path.join(t.dir, 'two.nii.gz');
    writeFileSync(file, writeNifti({ ...g, data }, { gzip: true }));
    await run('import', 'seg', '--study', study, '--file', file, '--series', String(s.id), '--lesion', String(lesion));
    expect(err).toBe('');
    expect(process.exitCode ?? 0).toBe(0);
    expect(out).toMatch(/reader R1, labels 1, 2/);
    expect(out).toMatch(/4 voxels/);
    const check = new Database(study, { readonly: true });
    const row = check.prepare('SELECT labels, label FROM segmentation').get() as { labels: string; label: string };
    check.close();
    expect(JSON.parse(row.labels)).toEqual([
      { value: 1, name: 'Label 1', colour: '#ff4033' },
      { value: 2, name: 'Label 2', colour: '#40c85a' },
    ]);
    expect(row.label).toBe('labels 1, 2');
  }, 60_000);
});
