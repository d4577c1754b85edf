/**
 * `radstudy analyze SPEC --study S --extraction NAME --reader R`: the study's feature table
 * (joined with its cohort) as the analysis input. Reference: the same spec run with `--data` on
 * the table exported by `radstudy extract --study … --out` (the Extraction view's export); the
 * two results must be identical (tolerance 0), and a wrong extraction name is refused by name.
 */
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAnalyzeCommand, type AnalyzeIo } from '../../../main/cli/analyze.js';
import { registerExtractCommand, type ExtractIo } from '../../../main/cli/extract.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

const t = tmpDir('radstudy-analyze-study-');
const study = path.join(t.dir, 'demo.radstudy');

function io(): { r: { code: number; out: string; err: string }; io: AnalyzeIo & ExtractIo } {
  const r = { code: 0, out: '', err: '' };
  return {
    r,
    io: {
      out: (s) => void (r.out += s),
      err: (s) => void (r.err += s),
      progress: false,
      setExitCode: (c) => void (r.code = c),
      version: 'test',
    },
  };
}
async function cli(...args: string[]) {
  const x = io();
  const program = new Command().exitOverride();
  registerExtractCommand(program, x.io);
  registerAnalyzeCommand(program, x.io);
  await program.parseAsync(args, { from: 'user' });
  return x.r;
}

const spec = {
  version: 1,
  name: 'ADC model',
  columns: { patient: 'patient', center: 'center' },
  outcome: { column: 'aln_status', positive: 'metastatic' },
  features: { include: ['ADC_*'], exclude: [] },
  split: { method: 'random', testFraction: 0.3, stratify: true },
  cv: { method: 'kfold', k: 3, repeats: 1 },
  steps: [
    { step: 'impute', strategy: 'median' },
    { step: 'scale', method: 'zscore' },
  ],
  models: [{ name: 'LR', kind: 'logistic' }],
  seed: 4,
};

beforeAll(async () => {
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await createDemoStudy(services, { out: study, patients: 40, seed: 9 });
  } finally {
    await services.shutdown();
  }
  writeFileSync(path.join(t.dir, 'p.yaml'), 'setting: {binWidth: 10}\nfeatureClass: {firstorder: [Median, Entropy]}\n');
  writeFileSync(path.join(t.dir, 'spec.json'), JSON.stringify(spec));
}, 180_000);
afterAll(() => t.cleanup());

describe('radstudy analyze --study', () => {
  it('analyses a study extraction as its exported table would be analysed', async () => {
    const csv = path.join(t.dir, 'adc.csv');
    const e = await cli(
      'extract',
      '--study',
      study,
      '--params',
      path.join(t.dir, 'p.yaml'),
      '--name',
      'adc',
      '--sequences',
      'ADC',
      '--readers',
      'REF',
      '--out',
      csv,
    );
    // A lesion too small on the ADC grid fails alone, named (exit code 1); the table has the others.
    expect(e.err).toMatch(/wrote \d+ rows/);
    if (e.code !== 0) expect(e.err).toMatch(/ reader REF, ADC \(series #\d+\): mask: the ROI spans 1 dimension/);
    const fromStudy = path.join(t.dir, 'study.json');
    const a = await cli(
      'analyze',
      path.join(t.dir, 'spec.json'),
      '--study',
      study,
      '--extraction',
      'adc',
      '--reader',
      'REF',
      '--out',
      fromStudy,
    );
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/ADC model: \d+ rows/);
    const fromFile = path.join(t.dir, 'file.json');
    const b = await cli('analyze', path.join(t.dir, 'spec.json'), '--data', csv, '--out', fromFile);
    expect(b.code, b.err).toBe(0);
    const x = JSON.parse(readFileSync(fromStudy, 'utf8')) as { models: unknown[]; data?: unknown };
    const y = JSON.parse(readFileSync(fromFile, 'utf8')) as { models: unknown[] };
    expect(x.models).toEqual(y.models);

    const bad = await cli('analyze', path.join(t.dir, 'spec.json'), '--study', study, '--extraction', 'nope', '--out', fromStudy);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no extraction named "nope" \(it has: "adc"\)/);
  });
});
