/**
 * CLEAR items 16, 21–23, 25, 28 and 55 prefilled from the stored study extraction an analysis'
 * features came from (main/services/report/extractionSource.ts, main/report/extractionFacts.ts),
 * through the report service (report.study, report.export). Reference: the extraction's own
 * parameter file written below — every value the checklist and methods.txt give (bin width,
 * spacing, interpolator, N4 iterations, rescale range, engine, SHA-256) must equal it exactly
 * (text values, tolerance 0). Without a matching extraction the items stay "not reported".
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registerReportCommand, type ReportIo } from '../../../main/cli/report.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';
import { runFixture, storeInStudy } from './fixture.js';

const PARAMS = `setting:
  binWidth: 12
  resampledPixelSpacing: [1, 1, 1]
  interpolator: sitkLinear
  normalize: true
  normalizeScale: 100
imageType:
  Original: {}
preprocessing:
  n4:
    iterations: [20, 10]
    mask: otsu
  intensityNormalization:
    method: rescale
    range: [0, 1000]
`;
const SHA = createHash('sha256').update(PARAMS).digest('hex');

const t = tmpDir('radstudy-checklist-extraction-');
let services: Services;
let id: number;
let study: string;
type Item = { checklist: string; item: string; status: string; where: string; detail: string };

const checklist = async (): Promise<Item[]> => {
  const r = await services.router.call('report.study', { id });
  expect(r.ok).toBe(true);
  return (r as { data: { checklist: Item[] } }).data.checklist;
};
const clear = (items: Item[], n: string): Item => items.find((i) => i.checklist === 'CLEAR' && i.item === n)!;

function insertExtraction(name: string, names: string[]): void {
  const db = new Database(study);
  try {
    db.prepare(
      `INSERT INTO extraction(name, params_text, params_sha256, selection, engine, feature_names, created_at)
       VALUES (?, ?, ?, '{"readers":[],"sequences":[]}', 'radstudy 9.8.7', ?, '2026-01-01T00:00:00Z')`,
    ).run(name, PARAMS, SHA, JSON.stringify(names));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const f = runFixture(t.dir);
  study = path.join(t.dir, 'ex.radstudy');
  id = storeInStudy(study, f.result, f.dataFile);
  services = createServices({ mode: 'test', configDir: t.dir });
}, 120_000);
afterAll(async () => {
  await services?.shutdown();
  t.cleanup();
});

describe('checklist from the study extraction', () => {
  it('leaves the extraction items "not reported" while no extraction matches the features', async () => {
    // An extraction of other features (the fixture's candidates are DCE2_original_f0…f11).
    insertExtraction('other', ['original_firstorder_Mean']);
    expect((await services.router.call('study.open', { path: study })).ok).toBe(true);
    const items = await checklist();
    for (const n of ['16', '21', '22', '23', '28', '55']) expect(clear(items, n).status).toBe('not reported');
    await services.router.call('study.close', {});
  });

  it('prefills CLEAR 16, 21–23, 25, 28, 55 and the methods paragraph from the matching extraction', async () => {
    insertExtraction(
      'DCE features',
      Array.from({ length: 12 }, (_, j) => `original_f${j}`),
    );
    expect((await services.router.call('study.open', { path: study })).ok).toBe(true);
    const items = await checklist();
    for (const n of ['16', '21', '22', '23', '25', '28', '55']) {
      expect(clear(items, n).status, `CLEAR ${n}`).toBe('reported');
      expect(clear(items, n).where).toBe('methods.txt');
    }
    expect(clear(items, '16').detail).toContain('sequences DCE2');
    expect(clear(items, '21').detail).toBe(
      'N4 bias-field correction (20/10 iterations, shrink factor 4, otsu mask); intensity rescaling to [0, 1000] over the whole image; PyRadiomics normalisation (z-score × 100)',
    );
    expect(clear(items, '22').detail).toBe('resampled to 1 × 1 × 1 mm (sitkLinear)');
    expect(clear(items, '23').detail).toBe('fixed bin width 12');
    expect(clear(items, '25').detail).toBe('radstudy 9.8.7; image types Original');
    expect(clear(items, '28').detail).toContain('binWidth=12');
    expect(clear(items, '28').detail).toContain('interpolator="sitkLinear"');
    expect(clear(items, '55').detail).toContain(`extraction "DCE features" by radstudy 9.8.7, parameter file SHA-256 ${SHA}`);

    const dir = path.join(t.dir, 'report');
    const out = await services.router.call('report.export', { id, dir, format: 'all' });
    expect(out.ok).toBe(true);
    const methods = readFileSync(path.join(dir, 'methods.txt'), 'utf8');
    expect(methods).toContain('Radiomic features of the DCE2 series were extracted with radstudy 9.8.7');
    expect(methods).toContain('grey levels discretised with a fixed bin width 12');
    expect(methods).toContain('resampled to 1 × 1 × 1 mm (sitkLinear)');
    expect(methods).toContain('N4 bias-field correction (20/10 iterations');
    expect(methods).toContain(`SHA-256 ${SHA.slice(0, 12)}`);
  }, 120_000);

  it('writes the same items and methods from the CLI (radstudy report --study)', async () => {
    await services.router.call('study.close', {});
    const out = path.join(t.dir, 'cli');
    const r = { code: 0, err: '' };
    const io: ReportIo = {
      out: () => undefined,
      err: (x) => void (r.err += x),
      setExitCode: (c) => void (r.code = c),
      version: '9.9.9-test',
    };
    const program = new Command().exitOverride();
    registerReportCommand(program, io);
    await program.parseAsync(['report', '--study', study, '--analysis', String(id), '--out', out, '--dpi', 'none'], {
      from: 'user',
    });
    expect(r).toEqual({ code: 0, err: expect.any(String) as string });
    expect(readFileSync(path.join(out, 'methods.txt'), 'utf8')).toContain('grey levels discretised with a fixed bin width 12');
    const checklistCsv = readFileSync(path.join(out, 'tables', 'checklist.csv'), 'utf8');
    expect(checklistCsv).toMatch(/CLEAR,23,[^\n]*reported,methods\.txt,fixed bin width 12/);
  }, 120_000);
});
