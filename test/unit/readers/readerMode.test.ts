/**
 * Reader mode enforced by the API (services/readers/readerMode.ts), through the router as the
 * Electron and HTTP adapters call it: while R2's session is on, R1's masks, the outcome and the
 * pathology variables do not leave the study (filtered or refused with FORBIDDEN), coordinator
 * work is refused, what is hidden follows the blinding settings, and entering / leaving is in the
 * audit log with the hidden items. Outside reader mode every call answers in full.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, CohortTableDto, ReaderMode, Segmentation } from '../../../main/api/contract.js';
import { api, type Method } from '../../../main/api/contract.js';
import { guardedInReaderMode, OPEN_IN_READER_MODE } from '../../../main/services/readers/readerMode.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { voxelsOf } from '../../../main/services/viewer/service.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';
import { addSegmentation, boxMask, seedCohort, type SeededLesion } from './seed.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let lesions: SeededLesion[];
let r1Mask = 0;
let r2Mask = 0;
const { call, fails } = routerCalls(() => services);

const columnKeys = async () => (await call<CohortTableDto>('cohort.table', {})).columns.map((c) => c.key);

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'mode.radstudy'), name: 'Reader mode' });
  const db = services.study.requireHandle().db;
  lesions = seedCohort(db, { A: 3 });
  r1Mask = addSegmentation(db, lesions[0]!, 'R1', boxMask([4, 9, 4, 9, 1, 3]));
  r2Mask = addSegmentation(db, lesions[0]!, 'R2', boxMask([5, 9, 4, 9, 1, 3]));
  addSegmentation(db, lesions[1]!, 'R1', boxMask([4, 9, 4, 9, 1, 3]));
  await call('readers.save', { code: 'R1', name: 'Dr. First', role: 'reader' });
  await call('readers.save', { code: 'R2', name: 'Dr. Second', role: 'reader' });
  await call('readers.save', { code: 'COORD', name: 'Coordinator', role: 'coordinator' });
  // Builtin dictionary: pcr is an outcome, t_stage is in group Pathology, mass_shape in MRI.
  for (const l of lesions) {
    await call('cohort.setValue', { patientCode: l.patientCode, variable: 'pcr', value: 'yes' });
    await call('cohort.setValue', { patientCode: l.patientCode, lesionCode: 'L1', variable: 't_stage', value: 'T2' });
    await call('cohort.setValue', { patientCode: l.patientCode, lesionCode: 'L1', variable: 'mass_shape', value: 'oval' });
  }
}, 60_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('reader mode', () => {
  it('shows everything to the coordinator (no session)', async () => {
    expect(await call<ReaderMode>('readers.mode.get', {})).toEqual({ reader: null, hidden: [], startedAt: null });
    expect(await call<Segmentation[]>('segmentation.list', {})).toHaveLength(3);
    expect(await columnKeys()).toEqual(expect.arrayContaining(['pcr', 't_stage', 'mass_shape']));
  });

  it('refuses a coordinator or an unknown reader', async () => {
    expect(await fails('readers.mode.enter', { reader: 'COORD' })).toMatch(/VALIDATION "COORD" is a coordinator/);
    expect(await fails('readers.mode.enter', { reader: 'R9' })).toMatch(/NOT_FOUND There is no reader "R9"/);
  });

  it("hides other readers' masks, the outcome and pathology while R2 reads (default blinding)", async () => {
    const m = await call<ReaderMode>('readers.mode.enter', { reader: 'R2' });
    expect(m.reader).toBe('R2');
    expect(m.hidden).toEqual(['otherReadersMasks', 'outcome', 'pathology']);
    expect(await fails('readers.mode.enter', { reader: 'R1' })).toMatch(/already on for R2/);

    const segs = await call<Segmentation[]>('segmentation.list', {});
    expect(segs.map((s) => s.id)).toEqual([r2Mask]);
    expect(await fails('segmentation.list', { reader: 'R1' })).toMatch(/^FORBIDDEN Reader mode \(R2\): other readers' masks/);
    expect(await fails('segmentation.mask', { id: r1Mask })).toMatch(/FORBIDDEN .*segmentation #\d+ is R1's/);
    expect((await call<{ id: number }>('segmentation.mask', { id: r2Mask })).id).toBe(r2Mask);
    expect(await fails('segmentation.delete', { id: r1Mask })).toMatch(/FORBIDDEN/);
    // The voxel channel the viewer uses (HTTP bridge / IPC, outside the router) refuses it too.
    await expect(voxelsOf(services.viewer, { kind: 'mask', id: r1Mask })).rejects.toThrow(/segmentation #\d+ is R1's/);
    expect((await voxelsOf(services.viewer, { kind: 'mask', id: r2Mask })).length).toBeGreaterThan(0);
    expect(await fails('agreement.masks', { readers: ['R1', 'R2'] })).toMatch(/FORBIDDEN .*inter-reader agreement/);
    expect(await fails('adjudication.queue', { readers: ['R1', 'R2'] })).toMatch(/FORBIDDEN/);
    const kappaFile = path.join(t.dir, 'kappa-blinded.csv');
    expect(await fails('agreement.categorical.export', { readers: ['R1', 'R2'], path: kappaFile })).toMatch(
      /^FORBIDDEN .*the other reader's categorical reads/,
    );
    expect(existsSync(kappaFile)).toBe(false);

    const keys = await columnKeys();
    expect(keys).toContain('mass_shape');
    expect(keys).not.toContain('pcr');
    expect(keys).not.toContain('t_stage');
    const table = await call<CohortTableDto>('cohort.table', {});
    for (const r of table.rows) expect(r).toHaveLength(table.columns.length);
    expect(await fails('cohort.setValue', { patientCode: lesions[0]!.patientCode, variable: 'pcr', value: 'no' })).toMatch(
      /FORBIDDEN .*"pcr" is blinded/,
    );
    expect(await fails('cohort.export', { path: path.join(t.dir, 'c.csv') })).toMatch(/FORBIDDEN/);
    expect(await fails('analysis.list', {})).toMatch(/FORBIDDEN .*outcome is blinded/);

    // Coordinator work and acting as another reader.
    expect(await fails('readers.blinding.set', { items: { outcome: false }, by: 'R2' })).toMatch(
      /FORBIDDEN .*changing the blinding is coordinator work/,
    );
    expect(await fails('audit.list', {})).toMatch(/FORBIDDEN/);
    expect(
      await fails('readerStudy.rate', {
        reader: 'R1',
        lesionId: lesions[0]!.lesionId,
        session: 'unaided',
        scale: 'likert5',
        score: 3,
      }),
    ).toMatch(/FORBIDDEN .*own reader code R2 \(got R1\)/);
    await call('readerStudy.rate', {
      reader: 'R2',
      lesionId: lesions[0]!.lesionId,
      session: 'unaided',
      scale: 'likert5',
      score: 3,
    });

    expect(await call<ReaderMode>('readers.mode.exit', {})).toMatchObject({ reader: null });
    expect(await call<Segmentation[]>('segmentation.list', {})).toHaveLength(3);
    expect(await columnKeys()).toEqual(expect.arrayContaining(['pcr', 't_stage']));
  });

  it('hides only what the blinding settings say, and records each session in the audit log', async () => {
    await call('readers.blinding.set', { items: { outcome: false, otherReadersMasks: false }, by: 'Coordinator' });
    const m = await call<ReaderMode>('readers.mode.enter', { reader: 'R1' });
    expect(m.hidden).toEqual(['pathology']);
    expect(await call<Segmentation[]>('segmentation.list', {})).toHaveLength(3);
    const keys = await columnKeys();
    expect(keys).toContain('pcr');
    expect(keys).not.toContain('t_stage');
    await call('readers.mode.exit', {});

    const audit = await call<AuditEntry[]>('audit.list', { entity: 'reader' });
    const sessions = audit.filter((a) => a.action.startsWith('readerMode.')).reverse();
    expect(sessions.map((a) => [a.action, a.actor])).toEqual([
      ['readerMode.enter', 'R2'],
      ['readerMode.exit', 'R2'],
      ['readerMode.enter', 'R1'],
      ['readerMode.exit', 'R1'],
    ]);
    expect(JSON.parse(sessions[0]!.after!)).toEqual({ hidden: ['otherReadersMasks', 'outcome', 'pathology'], shown: [] });
    expect(JSON.parse(sessions[2]!.after!)).toEqual({ hidden: ['pathology'], shown: ['otherReadersMasks', 'outcome'] });
  });

  it('ends the session with the study', async () => {
    await call('readers.mode.enter', { reader: 'R2' });
    const file = services.study.requireHandle().path;
    await call('study.close', {});
    await call('study.open', { path: file });
    expect((await call<ReaderMode>('readers.mode.get', {})).reader).toBeNull();
  });

  it('classifies every API method: guarded, or declared open; anything else is refused in a session', async () => {
    const unclassified = (Object.keys(api) as Method[]).filter(
      (m) => !guardedInReaderMode(m) && !OPEN_IN_READER_MODE.includes(m),
    );
    expect(unclassified).toEqual([]);
    const both = OPEN_IN_READER_MODE.filter((m) => guardedInReaderMode(m));
    expect(both).toEqual([]);
    // Methods added after the reader-mode work: another reader's mask cannot be copied, the
    // outcome-bearing split tables and study figures are refused, coordinator work is refused.
    await call('readers.blinding.set', { items: { outcome: true, otherReadersMasks: true }, by: 'Coordinator' });
    await call('readers.mode.enter', { reader: 'R2' });
    try {
      expect(await fails('splits.list', {})).toMatch(/^FORBIDDEN .*the outcome is blinded, so stored splits/);
      expect(await fails('images.cache.clear', {})).toMatch(/^FORBIDDEN .*clearing the volume cache is coordinator work/);
    } finally {
      await call('readers.mode.exit', {});
    }
    const r1 = services.study
      .requireHandle()
      .db.prepare("SELECT id FROM segmentation WHERE reader = 'R1' LIMIT 1")
      .pluck()
      .get() as number;
    await call('readers.mode.enter', { reader: 'R2' });
    try {
      expect(await fails('segmentation.copyToSeries', { id: r1, targetSeriesId: 1 })).toMatch(
        new RegExp(`^FORBIDDEN .*segmentation #${r1} is R1's, not yours`),
      );
    } finally {
      await call('readers.mode.exit', {});
    }
  });
});
