import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerDemoCommand } from '../../../main/cli/demo.js';
import { demoFolderFor } from '../../../main/services/demo.js';
import { createServices } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
const savedConfig = process.env.RADSTUDY_CONFIG_DIR;
beforeEach(() => {
  t = tmpDir();
  process.env.RADSTUDY_CONFIG_DIR = t.dir;
});
afterEach(() => {
  if (savedConfig === undefined) delete process.env.RADSTUDY_CONFIG_DIR;
  else process.env.RADSTUDY_CONFIG_DIR = savedConfig;
  process.exitCode = undefined;
  vi.restoreAllMocks();
  t.cleanup();
});

describe('radstudy demo', () => {
  it('creates the study with the clinical table, series and masks imported and the data folder beside it', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const program = new Command().exitOverride();
    registerDemoCommand(program);
    const file = path.join(t.dir, 'demo.radstudy');
    await program.parseAsync(['demo', '--out', file, '--patients', '2', '--seed', '9'], { from: 'user' });
    expect(process.exitCode ?? 0).toBe(0);
    expect(out.join('')).toMatch(/Patients\s+2 /);
    expect(out.join('')).toMatch(/Series\s+22 /);
    expect(out.join('')).toMatch(/Masks\s+\d+ segmentations \(readers REF, R1, R2/);
    expect(existsSync(path.join(demoFolderFor(file), 'clinical.csv'))).toBe(true);
    const s = createServices({ mode: 'test', configDir: t.dir });
    try {
      await s.study.open(file);
      const rows = s.cohort.table().rows;
      expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['DEMO-0001', 'DEMO-0002']));
    } finally {
      await s.shutdown();
    }
    // A second run refuses to overwrite the study.
    await program.parseAsync(['demo', '--out', file, '--patients', '2'], { from: 'user' });
    expect(process.exitCode).toBe(1);
  }, 60_000);
});
