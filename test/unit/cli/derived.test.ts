/**
 * `radstudy images adc`, `images subtraction` and `images tic` on a two-patient demo study, through the real
 * CLI process. Reference for the numbers: the service's jobs (test/unit/services/derivedImages
 * checks those against the demo scanner's ADC maps and the generator's TIC types); here the CLI
 * must report and write what the jobs computed, refuse with exit code 1 and a message, and leave
 * the cohort alone with --no-variable.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoStudy } from '../../../main/services/demo.js';
import { createServices } from '../../../main/services/index.js';
import { repoRoot, tmpDir } from '../../helpers/tmp.js';

const built = existsSync(path.join(repoRoot, 'dist/main/cli/index.js'));
const entry = built ? [path.join(repoRoot, 'bin/radstudy.js')] : ['--import', 'tsx', path.join(repoRoot, 'main/cli/index.ts')];
const t = tmpDir('radstudy-cli-derived-');
const study = path.join(t.dir, 'demo.radstudy');

function radstudy(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: repoRoot,
      env: { ...process.env, RADSTUDY_CONFIG_DIR: t.dir },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  const services = createServices({ mode: 'test', configDir: t.dir });
  try {
    await createDemoStudy(services, { out: study, patients: 2, seed: 5 });
  } finally {
    await services.shutdown();
  }
}, 120_000);
afterAll(() => t.cleanup());

describe('radstudy images', () => {
  it('tic --no-variable writes the curves as CSV and changes nothing in the cohort', async () => {
    const csv = path.join(t.dir, 'tic.csv');
    const r = await radstudy('images', 'tic', '--study', study, '--no-variable', '--csv', csv);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^TIC\s+\d+ lesions: type I \d+, II \d+, III \d+/);
    expect(r.out).toContain('Variable    none (compute only)');
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'patient,lesion,tic_type,initial_enhancement_pct,delayed_change_pct,voxels,timing,enh_pct_0s,enh_pct_60s,enh_pct_120s,enh_pct_180s,enh_pct_240s,enh_pct_300s,enh_pct_360s',
    );
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines.slice(1)) expect(l).toMatch(/^DEMO-\d+,L\d+,(I|II|III),/);
    const db = new Database(study, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM variable WHERE name = 'tic_type_auto'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  }, 120_000);

  it('adc refuses exams that have an ADC map (exit 1), computes them with --force', async () => {
    const refused = await radstudy('images', 'adc', '--study', study);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/radstudy images adc: No DWI series needs an ADC map: .*already has an ADC series/);
    const r = await radstudy('images', 'adc', '--study', study, '--force');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^ADC maps {4}2 computed into .*demo-derived[/\\]adc/);
    expect(r.out).toContain('Series      2 recorded');
    const db = new Database(study, { readonly: true });
    try {
      expect(
        db.prepare("SELECT count(*) FROM series WHERE kind = 'ADC' AND description LIKE 'ADC (RadStudy%'").pluck().get(),
      ).toBe(2);
    } finally {
      db.close();
    }
  }, 120_000);

  it('subtraction computes SUB1 per patient, refuses a bad phase list and a phase the demo lacks', async () => {
    const bad = await radstudy('images', 'subtraction', '--study', study, '--phases', '1,x');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('radstudy images subtraction: "x" is not a post-contrast phase (1, 2, …)');
    // The demo's DCE has phases 0..6: phase 40 exists nowhere, so nothing is computed or recorded.
    const none = await radstudy('images', 'subtraction', '--study', study, '--phases', '40');
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/No subtraction could be computed: .*has no post-contrast phase 40/);
    const r = await radstudy('images', 'subtraction', '--study', study, '--phases', '1');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Subtractions 2 computed/);
    expect(r.out).toMatch(/DEMO-\d+ +SUB1 = #\d+ − #\d+ +.*demo-derived[/\\]subtraction/);
    expect(r.out).toContain('Series       2 recorded');
    const db = new Database(study, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) FROM series WHERE description = 'SUB1 (DCE2 - DCE1, RadStudy)'").pluck().get()).toBe(2);
    } finally {
      db.close();
    }
  }, 120_000);

  it('cache reports the volume cache beside the study and clears it', async () => {
    const r = await radstudy('images', 'cache', '--study', study);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^0 volume\(s\), 0\.0 MB of 4096\.0 MB in .*demo-cache[/\\]volumes\n$/);
    const c = await radstudy('images', 'cache', '--study', study, '--clear');
    expect(c.code, c.err).toBe(0);
    expect(c.out).toMatch(/^Cleared; now 0 volume\(s\)/);
    const bad = await radstudy('images', 'cache', '--study', path.join(t.dir, 'nope.radstudy'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^radstudy images cache: /);
  }, 60_000);
});
