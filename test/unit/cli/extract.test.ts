/**
 * `radstudy extract` (main/cli/extract.ts), run in-process on a fresh commander program.
 *
 * References and tolerances: feature values against
 * ../shared/reference/pyradiomics/pyradiomics3_wavelet.json `original_*` (PyRadiomics 3, plain
 * settings binWidth 25, voxelArrayShift 2000), relative 1e-10; determinism: `--jobs 1` and
 * `--jobs 2` outputs compared byte for byte.
 */
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtractIo } from '../../../main/cli/extract.js';
import { registerExtractCommand } from '../../../main/cli/extract.js';
import { parseCsvRows } from '../../../main/compute/radiomics/batchCsv.js';
import { tmpDir } from '../../helpers/tmp.js';
import { referencePath, relativeError } from '../radiomics/reference.js';

const t = tmpDir('radstudy-extract-');
afterAll(() => t.cleanup());
const pyradiomics3 = JSON.parse(readFileSync(referencePath('pyradiomics', 'pyradiomics3_wavelet.json'), 'utf8')) as Record<
  string,
  Record<string, number>
>;

async function extract(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = { code: -1, out: '', err: '' };
  const io: ExtractIo = {
    out: (s) => void (r.out += s),
    err: (s) => void (r.err += s),
    progress: false,
    setExitCode: (c) => void (r.code = c),
    version: 'test',
  };
  const program = new Command().exitOverride();
  registerExtractCommand(program, io);
  await program.parseAsync(['extract', ...args], { from: 'user' });
  return r;
}

const write = (name: string, text: string): string => {
  const file = path.join(t.dir, name);
  writeFileSync(file, text);
  return file;
};
const plain = write('plain.yaml', 'setting:\n  binWidth: 25\n  voxelArrayShift: 2000\n  label: 1\n');
// Paths relative to the case list's folder (the temporary folder).
const rel = (name: string) => path.relative(t.dir, referencePath('pyradiomics', name));
const cases = write(
  'cases.csv',
  'Image,Mask,Reader\n' +
    `${rel('brain1_image.nrrd')},${rel('brain1_label.nrrd')},R1\n` +
    `${rel('breast1_image.nrrd')},${rel('breast1_label.nrrd')},R2\n` +
    `${rel('breast1_image.nrrd')},missing_label.nrrd,R3\n`,
);

describe('radstudy extract --batch', () => {
  it('extracts every good case, reports the bad row in diagnostics_Error and exits 1', async () => {
    const out = path.join(t.dir, 'jobs2.csv');
    const r = await extract('--params', plain, '--batch', cases, '--out', out, '--jobs', '2');
    expect(r.code).toBe(1);
    expect(r.err).toContain('3 case(s)');
    expect(r.err).toContain('2 succeeded, 1 failed');
    const missing = path.join(t.dir, 'missing_label.nrrd');
    expect(r.err).toContain(`case 3 (cases.csv line 4): mask ${missing}: file not found`);
    const [header, ...rows] = parseCsvRows(readFileSync(out, 'utf8')).map((x) => x.cells);
    expect(header!.slice(0, 4)).toEqual(['Image', 'Mask', 'Reader', 'diagnostics_Error']);
    expect(rows.map((x) => x[3])).toEqual(['', '', `case 3 (cases.csv line 4): mask ${missing}: file not found`]);
    for (const [i, name] of ['brain1', 'breast1'].entries()) {
      const expected = Object.entries(pyradiomics3[name]!).filter(([k]) => k.startsWith('original_'));
      expect(expected).toHaveLength(107);
      for (const [k, v] of expected) {
        const cell = rows[i]![header!.indexOf(k)]!;
        expect(relativeError(Number(cell), v), `${name} ${k}: ${cell} vs ${v}`).toBeLessThanOrEqual(1e-10);
      }
    }
  });

  it('writes the same bytes with --jobs 1 as with --jobs 2', async () => {
    const out = path.join(t.dir, 'jobs1.csv');
    expect((await extract('--params', plain, '--batch', cases, '--out', out, '--jobs', '1')).code).toBe(1);
    expect(readFileSync(out)).toEqual(readFileSync(path.join(t.dir, 'jobs2.csv')));
  });

  it('stops with exit code 2 and names an unknown parameter-file key', async () => {
    const bad = write('bad.yaml', 'setting:\n  binWidth: 25\n  binwidht: 5\n');
    const r = await extract('--params', bad, '--batch', cases, '--out', path.join(t.dir, 'never.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.yaml: setting\.binwidht: unknown setting "binwidht"/);
  });

  it('stops with exit code 2 for a case list without a Mask column or conflicting options', async () => {
    const noMask = write('nomask.csv', 'Image,Label\na.nrrd,1\n');
    const r = await extract('--params', plain, '--batch', noMask);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no "Mask" column');
    expect((await extract('--params', plain)).code).toBe(2);
  });
});

describe('radstudy extract --image --mask', () => {
  it('writes one case as JSON, with --label choosing the ROI', async () => {
    const out = path.join(t.dir, 'one.json');
    const image = referencePath('pyradiomics', 'breast1_image.nrrd');
    const mask = referencePath('pyradiomics', 'breast1_label.nrrd');
    const r = await extract('--params', plain, '--image', image, '--mask', mask, '--label', '1', '--out', out);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string | number>;
    expect(json.Image).toBe(image);
    expect(json.diagnostics_Error).toBe('');
    const ref = pyradiomics3.breast1!.original_glcm_Contrast!;
    expect(relativeError(json.original_glcm_Contrast as number, ref)).toBeLessThanOrEqual(1e-10);
    const absent = await extract('--params', plain, '--image', image, '--mask', mask, '--label', '2');
    expect(absent.code).toBe(1);
    expect(absent.out).toMatch(/diagnostics_Error: case 1 \(command line\), .*label 2 is not present in the mask/);
  });
});

describe('radstudy extract with filtered image types and preprocessing', () => {
  const image = referencePath('pyradiomics', 'breast1_image.nrrd');
  const mask = referencePath('pyradiomics', 'breast1_label.nrrd');

  it('extracts every wavelet sub-band of the parameter file, as PyRadiomics 3 (relative 1e-6)', async () => {
    const params = write(
      'wavelet.yaml',
      'setting:\n  binWidth: 25\n  voxelArrayShift: 2000\n  label: 1\nimageType:\n  Original: {}\n  Wavelet: {}\n',
    );
    const out = path.join(t.dir, 'wavelet.json');
    const r = await extract('--params', params, '--image', image, '--mask', mask, '--out', out);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string | number>;
    expect(json.diagnostics_Configuration_EnabledImageTypes).toBe("{'Original': {}, 'Wavelet': {}}");
    const ref = pyradiomics3.breast1!;
    const names = Object.keys(ref);
    expect(names.filter((n) => n.startsWith('wavelet-')).length).toBe(8 * 93);
    for (const n of names) expect(relativeError(json[n] as number, ref[n]!), n).toBeLessThanOrEqual(1e-6);
  });

  it('applies the preprocessing section and records it in the diagnostics', async () => {
    const params = write(
      'prep.yaml',
      'setting:\n  binWidth: 25\n  label: 1\npreprocessing:\n  intensityNormalization:\n    method: rescale\n    range: [0, 2000]\n',
    );
    const r = await extract('--params', params, '--image', image, '--mask', mask, '--out', path.join(t.dir, 'prep.json'));
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(path.join(t.dir, 'prep.json'), 'utf8')) as Record<string, string | number>;
    expect(JSON.parse(json.diagnostics_Configuration_Preprocessing as string)).toEqual({
      intensityNormalization: expect.objectContaining({ method: 'rescale', region: 'all', range: [0, 2000] }),
    });
    // Rescaled to [0, 2000] over the whole image: the ROI maximum cannot exceed 2000 and differs from the raw one.
    expect(json.original_firstorder_Maximum as number).toBeLessThanOrEqual(2000);
    expect(json.original_firstorder_Maximum).not.toBe(pyradiomics3.breast1!.original_firstorder_Maximum);
  });
});
