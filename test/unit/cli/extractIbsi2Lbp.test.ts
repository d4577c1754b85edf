/**
 * `radstudy extract` with the LBP2D/LBP3D image types and RadStudy's IBSI2 image type, on
 * PyRadiomics' breast1 case (../shared/reference/pyradiomics). No reference values exist for
 * these image types on breast1 (PyRadiomics' baselines do not enable LBP; IBSI 2 has no maps), so
 * the test checks what the user sees: the feature columns by name, finite values, the enabled
 * image types in the diagnostics, and a bound that holds by definition: lbp-2D uniform codes with
 * P = 8 lie in 0 … 9, so their mean does too (exact).
 */
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtractIo } from '../../../main/cli/extract.js';
import { registerExtractCommand } from '../../../main/cli/extract.js';
import { tmpDir } from '../../helpers/tmp.js';
import { referencePath } from '../radiomics/reference.js';

const t = tmpDir('radstudy-extract-ibsi2-');
afterAll(() => t.cleanup());

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

describe('radstudy extract with LBP and IBSI 2 image types', () => {
  it('writes lbp-2D_*, lbp-3D-*_*, ibsi2-*_* columns with finite values', async () => {
    const params = path.join(t.dir, 'filters.yaml');
    writeFileSync(
      params,
      [
        'setting:',
        '  binWidth: 25',
        '  label: 1',
        'imageType:',
        '  LBP2D: {binWidth: 1}',
        '  LBP3D: {binWidth: 0.5}',
        '  IBSI2:',
        '    filters:',
        '      - {filter: mean, support: 5, padding: mirror}',
        '      - {filter: wavelet, wavelet: coif1, subband: HHL, level: 1, padding: periodic}',
        'featureClass:',
        '  firstorder: [Mean, Maximum]',
      ].join('\n'),
    );
    const out = path.join(t.dir, 'filters.json');
    const image = referencePath('pyradiomics', 'breast1_image.nrrd');
    const mask = referencePath('pyradiomics', 'breast1_label.nrrd');
    const r = await extract('--params', params, '--image', image, '--mask', mask, '--out', out);
    expect(r.err).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string | number>;
    const names = [
      'lbp-2D_firstorder_Mean',
      'lbp-3D-m1_firstorder_Mean',
      'lbp-3D-m2_firstorder_Mean',
      'lbp-3D-k_firstorder_Mean',
      'ibsi2-mean-5-3D-mirror_firstorder_Mean',
      'ibsi2-wavelet-coif1-HHL-level1-periodic_firstorder_Mean',
    ];
    for (const n of names) expect(Number.isFinite(json[n] as number), `${n}: ${json[n]}`).toBe(true);
    expect(json['lbp-2D_firstorder_Maximum'] as number).toBeLessThanOrEqual(9);
    expect(json['lbp-2D_firstorder_Mean'] as number).toBeGreaterThanOrEqual(0);
    expect(String(json.diagnostics_Configuration_EnabledImageTypes)).toMatch(/IBSI2/);
  }, 60000);
});
