/**
 * `radstudy extract --study`: the study-wide extraction from the command line, on a two-patient
 * demo study. Reference for the values: the Extraction service's table of the same study (the
 * CLI must store and export what the app shows; tolerance 0).
 */
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtractIo } from '../../../main/cli/extract.js';
import { registerExtractCommand } from '../../../main/cli/extract.js';
import { parseCsvRows } from '../../../main/compute/radiomics/batchCsv.js';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

const t = tmpDir('radstudy-study-extract-');
const study = path.join(t.dir, 'demo.radstudy');
const params = path.join(t.dir, 'glcm.yaml');

async function extract(...args: string[]): Promise<{ code: number; err: string }> {
  const r = { code: -1, err: '' };
  const io: ExtractIo = {
    out: () => undefined,
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

beforeAll(async () => {
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await createDemoStudy(services, { out: study, patients: 2, seed: 3 });
  } finally {
    await services.shutdown();
  }
  writeFileSync(params, 'setting: {binWidth: 10}\nfeatureClass: {glcm: [Contrast], firstorder: [Median]}\n');
}, 120_000);
afterAll(() => t.cleanup());

describe('radstudy extract --study', () => {
  it('extracts the selected sequences and readers, exports them, and a second run has nothing to do', async () => {
    const out = path.join(t.dir, 'features.csv');
    const r = await extract('--study', study, '--params', params, '--sequences', 'ADC,T2FS', '--readers', 'R1', '--out', out);
    expect(r.err).toMatch(/"glcm": \d+ segmentations/);
    expect(r.code, r.err).toBe(0);
    const [header, ...rows] = parseCsvRows(readFileSync(out, 'utf8')).map((x) => x.cells);
    expect(header).toEqual(
      expect.arrayContaining(['patient', 'lesion', 'reader', 'T2FS_original_glcm_Contrast', 'ADC_original_firstorder_Median']),
    );
    expect(header!.filter((h) => /_original_/.test(h)).length).toBe(4);
    expect(rows.every((x) => x[2] === 'R1')).toBe(true);

    // The app's table of the same study holds the same numbers.
    const services = createServices({ mode: 'test', configDir: t.dir });
    try {
      await services.router.call('study.open', { path: study });
      const list = await services.router.call('extraction.list', {});
      const id = (list as { ok: true; data: { id: number }[] }).data[0]!.id;
      const table = (await services.router.call('extraction.table', { id })) as {
        ok: true;
        data: { columns: string[]; rows: { patientCode: string; lesionCode: string; values: (number | null)[] }[] };
      };
      for (const row of table.data.rows) {
        const line = rows.find((x) => x[0] === row.patientCode && x[1] === row.lesionCode)!;
        table.data.columns.forEach((c, j) => expect(Number(line[header!.indexOf(c)])).toBe(row.values[j]));
      }
    } finally {
      await services.shutdown();
    }

    const again = await extract('--study', study, '--params', params);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/"glcm" is complete/);
    const bad = await extract('--study', study, '--name', 'other', '--readers', 'R7');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/No segmentation matches readers R7/);
  });
});
