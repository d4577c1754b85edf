import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerImageCommands } from '../../../main/cli/images.js';
import { sameGeometry } from '../../../main/compute/imaging/geometry.js';
import { readNifti } from '../../../main/compute/imaging/nifti.js';
import { readNrrd } from '../../../main/compute/imaging/nrrd.js';
import { createStudy } from '../../../db/study-file.js';
import { tmpDir } from '../../helpers/tmp.js';
import { readReference, referencePath } from '../imaging/referenceData.js';
import { writeSyntheticExam } from './studyFixture.js';

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
  await program.parseAsync(['node', 'radstudy', ...args]);
}

describe('radstudy import images / convert', () => {
  it('imports a folder into a study and prints the series with kinds, failures and skipped files', async () => {
    const study = path.join(t.dir, 's.radstudy');
    createStudy(study, 'cli').close();
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder, { withBadInput: true });
    await run('import', 'images', '--study', study, '--folder', folder);
    expect(process.exitCode ?? 0).toBe(0);
    expect(out).toMatch(/Series {6}8 imported/);
    expect(out).toMatch(/DWI {3} b=800/);
    expect(out).toMatch(/DCE {3} phase 2/);
    expect(out).toMatch(/Failed {6}2 series/);
    expect(out).toMatch(/notes\/README\.txt: not a readable DICOM file/);
    expect(out).toMatch(/39 scanned, 35 DICOM images/);
  }, 60_000);

  it('a missing folder exits 1 with a message naming it', async () => {
    const study = path.join(t.dir, 's.radstudy');
    createStudy(study, 'cli').close();
    await run('import', 'images', '--study', study, '--folder', path.join(t.dir, 'nowhere'));
    expect(process.exitCode).toBe(1);
    expect(err).toMatch(/nowhere does not exist/);
  }, 30_000);

  // The CT phantom is CC BY-NC: read in place for this test only, never copied or shipped.
  it('converts the IBSI CT phantom DICOM folder to NIfTI equal to phantom.nii.gz (geometry ≤ 1e-3 mm, max |Δ| = 0)', async () => {
    const dst = path.join(t.dir, 'phantom.nii.gz');
    await run('convert', referencePath('ibsi', 'ibsi1_ct_phantom', 'dicom', 'image'), dst);
    expect(process.exitCode ?? 0).toBe(0);
    const mine = readNifti(new Uint8Array(readFileSync(dst))).volume;
    const ref = readNifti(readReference('ibsi', 'ibsi1_ct_phantom', 'nifti', 'image', 'phantom.nii.gz')).volume;
    expect(sameGeometry(mine, ref, 1e-3).same).toBe(true);
    let worst = 0;
    for (let i = 0; i < ref.data.length; i++) worst = Math.max(worst, Math.abs(mine.data[i]! - ref.data[i]!));
    expect(worst).toBe(0);
    // NIfTI → NRRD keeps the values and geometry.
    const nrrd = path.join(t.dir, 'phantom.nrrd');
    await run('convert', dst, nrrd);
    const back = readNrrd(new Uint8Array(readFileSync(nrrd))).volume;
    expect(sameGeometry(back, ref, 1e-3).same).toBe(true);
    expect(Array.from(back.data.subarray(0, 1000))).toEqual(Array.from(ref.data.subarray(0, 1000)));
  }, 30_000);

  it('convert refuses an unknown output format and a folder with several series, writing nothing', async () => {
    await run('convert', path.join(t.dir, 'in.nii'), path.join(t.dir, 'out.png'));
    expect(err).toMatch(/out\.png: cannot write this format/);
    const folder = path.join(t.dir, 'exam');
    writeSyntheticExam(folder);
    err = '';
    await run('convert', folder, path.join(t.dir, 'x.nii'));
    expect(process.exitCode).toBe(1);
    expect(err).toMatch(/holds 4 DICOM series .*choose one with --series UID/);
  });
});
