/**
 * PyRadiomics batch mode through the compute worker pool (main/compute/radiomics/batch.ts and the
 * `radiomicsExtract` kernel).
 *
 * References and tolerances:
 * - Feature values: the engine run in this thread (`extractFeatures`), relative 1e-10 (the CSV
 *   holds Python-repr shortest round-trip text, so the values are in fact bit-identical); and
 *   ../shared/reference/pyradiomics/pyradiomics3_wavelet.json `original_*` (PyRadiomics 3),
 *   relative 1e-10 (largest measured 2e-11, see extract.test.ts).
 * - Diagnostics: `diagnostics_Image-original_{Hash,Spacing}`, `diagnostics_Mask-original_`
 *   `{Hash,BoundingBox,VoxelNum,VolumeNum}` rows of
 *   ../shared/reference/pyradiomics/baseline/baseline_shape.csv (brain1, breast1), exact.
 * - Float text: CPython's `repr(float)` rules (shortest round-trip, exponent form below 1e-4
 *   and from 1e16), exact strings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../main/compute/host/pool.js';
import type { CaseRunner } from '../../../main/compute/radiomics/batch.js';
import { batchTable, extractCase, planCases, runBatch } from '../../../main/compute/radiomics/batch.js';
import { formatCsv, parseCaseList, parseCsvRows, pyFloat, pyRepr } from '../../../main/compute/radiomics/batchCsv.js';
import { countComponents } from '../../../main/compute/radiomics/caseDiagnostics.js';
import { extractFeatures } from '../../../main/compute/radiomics/extract.js';
import type { EnabledFeatures } from '../../../main/compute/radiomics/settings.js';
import { GRAY_LEVEL_WARNING_RANGE, parseParameterFile, resolveSettings } from '../../../main/compute/radiomics/index.js';
import { repoRoot } from '../../helpers/tmp.js';
import { baselineColumns, pyradiomicsVolume, referencePath, relativeError } from './reference.js';

const ALL: EnabledFeatures = { shape: [], firstorder: [], glcm: [], gldm: [], glrlm: [], glszm: [], ngtdm: [] };
const PLAIN = resolveSettings({ binWidth: 25, voxelArrayShift: 2000, distances: [1], label: 1 });
const CASES = ['brain1', 'breast1'] as const;
const pyradiomics3 = JSON.parse(readFileSync(referencePath('pyradiomics', 'pyradiomics3_wavelet.json'), 'utf8')) as Record<
  string,
  Record<string, number>
>;

// A case list as a user writes it: relative paths (from the list's folder), an extra column,
// and a third row whose mask does not exist.
const listFile = referencePath('pyradiomics', 'cases.csv'); // never written: only its folder matters
const listText =
  'Image,Mask,Patient\n' +
  CASES.map((c) => `${c}_image.nrrd,${c}_label.nrrd,"P ${c}, site A"`).join('\n') +
  '\nbreast1_image.nrrd,no_such_mask.nrrd,P3\n';

const pool = new WorkerPool(2);
afterAll(() => pool.destroy());
const onPool: CaseRunner = (args, transfer) => pool.run('radiomicsExtract', args, { transfer });

describe('batch extraction on the worker pool, plain settings', async () => {
  const table = parseCaseList(listText, listFile);
  const cases = planCases(table, listFile, PLAIN);
  const results = await runBatch(cases, ALL, onPool, { concurrency: 4 });
  const csv = formatCsv(batchTable(table.columns, cases, results, 'test'));
  const [header, ...rows] = parseCsvRows(csv).map((r) => r.cells);
  const col = (name: string) => header!.indexOf(name);

  it('lays out input columns, diagnostics, then the 107 PyRadiomics features', () => {
    expect(header!.slice(0, 4)).toEqual(['Image', 'Mask', 'Patient', 'diagnostics_Error']);
    const firstFeature = header!.findIndex((h) => h.startsWith('original_'));
    expect(header!.slice(3, firstFeature).every((h) => h.startsWith('diagnostics_'))).toBe(true);
    expect(header!.slice(firstFeature)).toHaveLength(107);
    expect(header![firstFeature]).toBe('original_shape_Elongation');
    expect(header!.at(-1)).toBe('original_ngtdm_Strength');
    expect(rows).toHaveLength(3);
    expect(rows[0]![col('Patient')]).toBe('P brain1, site A');
  });

  it.each(CASES.map((c, i) => [c, i] as const))('%s: values equal the in-process engine and PyRadiomics 3', (name, i) => {
    const inProcess = extractFeatures(pyradiomicsVolume(`${name}_image`), pyradiomicsVolume(`${name}_label`), PLAIN, ALL);
    const row = rows[i]!;
    expect(row[col('diagnostics_Error')]).toBe('');
    for (const f of inProcess.features) {
      const text = row[col(f.name)]!;
      expect(relativeError(Number(text), f.value), `${f.name}: ${text} vs ${f.value}`).toBeLessThanOrEqual(1e-10);
      const ref = pyradiomics3[name]![f.name]!;
      expect(relativeError(Number(text), ref), `${f.name}: ${text} vs PyRadiomics 3 ${ref}`).toBeLessThanOrEqual(1e-10);
    }
    expect(row[col('diagnostics_RadStudy_GrayLevelCount')]).toBe(String(inProcess.diagnostics.grayLevelCount));
  });

  it.each(CASES.map((c, i) => [c, i] as const))('%s: input diagnostics equal the PyRadiomics baseline', (name, i) => {
    const base = baselineColumns('shape').find((c) => c.column === name)!.diagnostics;
    for (const key of [
      'Image-original_Hash',
      'Image-original_Spacing',
      'Mask-original_Hash',
      'Mask-original_BoundingBox',
      'Mask-original_VoxelNum',
      'Mask-original_VolumeNum',
    ]) {
      expect(rows[i]![col(`diagnostics_${key}`)], key).toBe(base.get(`diagnostics_${key}`));
    }
    // The baseline has no mask spacing row; image and mask share their geometry in both cases.
    expect(rows[i]![col('diagnostics_Mask-original_Spacing')]).toBe(base.get('diagnostics_Image-original_Spacing'));
  });

  it('a missing mask fails only its own row, naming the case, the file and the reason', () => {
    const bad = rows[2]!;
    const missing = path.join(path.dirname(listFile), 'no_such_mask.nrrd');
    expect(bad[col('diagnostics_Error')]).toBe(`case 3 (cases.csv line 4): mask ${missing}: file not found`);
    expect(bad[col('Patient')]).toBe('P3');
    expect(bad[col('original_firstorder_Mean')]).toBe('');
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
  });
});

describe('per-case problems', () => {
  it('a Label column overrides the label; an absent label is reported by the engine', async () => {
    const text = `Image,Mask,Label\nbreast1_image.nrrd,breast1_label.nrrd,2\nbreast1_image.nrrd,breast1_label.nrrd,one\n`;
    const cases = planCases(parseCaseList(text, listFile), listFile, PLAIN);
    const run: CaseRunner = (args) => Promise.resolve(extractCase(args));
    const [absent, unreadable] = await runBatch(cases, { firstorder: ['Mean'] }, run, { concurrency: 1 });
    expect(absent).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^case 1 .*label 2 is not present in the mask/) as unknown,
    });
    expect(unreadable).toMatchObject({
      ok: false,
      error: 'case 2 (cases.csv line 3): the Label cell "one" is not a whole number ≥ 1',
    });
  });

  it('a geometry mismatch names what differs', () => {
    const image = pyradiomicsVolume('breast1_image');
    const mask = pyradiomicsVolume('brain1_label');
    const r = extractCase({ image: { volume: image }, mask: { volume: mask }, settings: PLAIN, enabled: { firstorder: [] } });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/geometry do not match: .*size differs/) as unknown });
  });

  it('an empty mask is an error of its case', () => {
    const image = pyradiomicsVolume('breast1_image');
    const mask = pyradiomicsVolume('breast1_label');
    const empty = { ...mask, data: new Int16Array(mask.data.length) };
    const r = extractCase({ image: { volume: image }, mask: { volume: empty }, settings: PLAIN, enabled: { firstorder: [] } });
    expect(r).toEqual({ ok: false, error: 'mask: the mask is empty: no voxel is segmented (all are 0)' });
  });

  it('rejects a case list without a Mask column', () => {
    expect(() => parseCaseList('Image,Segmentation\na,b\n', 'list.csv')).toThrow(/no "Mask" column/);
  });
});

describe('text formats', () => {
  it('writes floats as Python repr does', () => {
    // Expected strings: CPython 3 repr() of the same doubles.
    const cases: [number, string][] = [
      [632, '632.0'],
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1.5e16, '1.5e+16'],
      [1e16, '1e+16'],
      [123456789012345.6, '123456789012345.6'],
      [-2.5e-7, '-2.5e-07'],
      [33122817481, '33122817481.0'],
      [NaN, 'nan'],
    ];
    for (const [x, s] of cases) expect(pyFloat(x)).toBe(s);
    expect(pyRepr({ a: [1], b: null, c: true, d: 'x', e: 0.5 })).toBe("{'a': [1], 'b': None, 'c': True, 'd': 'x', 'e': 0.5}");
  });

  it('reads quoted cells, CRLF and a byte-order mark', () => {
    expect(parseCsvRows('\ufeffA,B\r\n"x, y","say ""hi"""\r\n').map((r) => r.cells)).toEqual([
      ['A', 'B'],
      ['x, y', 'say "hi"'],
    ]);
  });

  it('counts 26-connected components as SimpleITK with FullyConnected', () => {
    // 3×3×1 grid: two voxels touching at a corner form one component (26-connectivity).
    expect(countComponents(Uint8Array.of(1, 0, 0, 0, 1, 0, 0, 0, 0), [3, 3, 1])).toBe(1);
    expect(countComponents(Uint8Array.of(1, 0, 1, 0, 0, 0, 1, 0, 1), [3, 3, 1])).toBe(4);
  });
});

describe('assets/params/pyradiomics-default.yaml', () => {
  const params = parseParameterFile(readFileSync(path.join(repoRoot, 'assets/params/pyradiomics-default.yaml'), 'utf8'));

  it.each(CASES)('%s: gives a grey-level count inside the warning range', (name) => {
    // Range: GRAY_LEVEL_WARNING_RANGE (8…1000, issue 6); PLAIN's binWidth 25 gives breast1 only 3.
    const r = extractCase({
      image: { volume: pyradiomicsVolume(`${name}_image`) },
      mask: { volume: pyradiomicsVolume(`${name}_label`) },
      settings: params.settings,
      enabled: params.featureClasses,
    });
    if (!r.ok) throw new Error(r.error);
    const levels = Number(r.diagnostics['diagnostics_RadStudy_GrayLevelCount']);
    expect(levels).toBeGreaterThanOrEqual(GRAY_LEVEL_WARNING_RANGE.min);
    expect(levels).toBeLessThanOrEqual(GRAY_LEVEL_WARNING_RANGE.max);
    expect(r.names).toHaveLength(107);
  });
});
