/**
 * Reader-study ratings imported from a CSV (services/readers/ratingsImport.ts): the file is all or
 * nothing, a bad row is named by file and line, and imported ratings feed the report like entered
 * ones. Reference for the report: 6 lesions (3 cases, 3 controls) worked by hand — unaided scores
 * 80, 60, 30 vs 40, 20, 10: 8 of 9 case/control pairs concordant, AUC = 8/9; aided 90, 70, 60 vs
 * 40, 20, 10: AUC = 1 (exact to 1e-12). Sensitivity at ≥ 50: 2/3 unaided, 3/3 aided.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rating, ReaderStudyReport } from '../../../main/api/contract.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { routerCalls } from '../../helpers/routerCalls.js';
import { tmpDir } from '../../helpers/tmp.js';
import { seedCohort, type SeededLesion } from './seed.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let lesions: SeededLesion[];
const { call, fails } = routerCalls(() => services);

const csv = (name: string, lines: string[]) => {
  const p = path.join(t.dir, name);
  writeFileSync(p, ['reader,patient,lesion,session,score', ...lines].join('\n') + '\n');
  return p;
};

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'ratings.radstudy'), name: 'Ratings' });
  const db = services.study.requireHandle().db;
  lesions = seedCohort(db, { A: 6 });
  const mal = Number(
    db
      .prepare(
        "INSERT INTO variable(name, label, type, role, scope) VALUES ('malignant', 'Malignant', 'boolean', 'outcome', 'lesion')",
      )
      .run().lastInsertRowid,
  );
  const put = db.prepare('INSERT INTO lesion_value(lesion_id, variable_id, num) VALUES (?, ?, ?)');
  [1, 1, 1, 0, 0, 0].forEach((y, i) => put.run(lesions[i]!.lesionId, mal, y));
  await call('readers.save', { code: 'R1', name: 'Dr. First', role: 'reader' });
}, 60_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('readerStudy.importRatings', () => {
  it('refuses a file with a bad row, naming file and line, and stores nothing', async () => {
    const bad = csv('bad.csv', ['R1,P001,L1,unaided,80', 'R1,P002,L1,unaided,140']);
    expect(await fails('readerStudy.importRatings', { path: bad, scale: 'probability' })).toMatch(
      /VALIDATION bad\.csv line 3: Rating 140 .* off the probability scale/,
    );
    const unknown = csv('unknown.csv', ['R1,P001,L1,unaided,80', 'R1,P999,L1,unaided,20']);
    expect(await fails('readerStudy.importRatings', { path: unknown, scale: 'probability' })).toMatch(
      /unknown\.csv line 3: there is no lesion P999\/L1/,
    );
    const reader = csv('reader.csv', ['R9,P001,L1,unaided,80']);
    expect(await fails('readerStudy.importRatings', { path: reader, scale: 'probability' })).toMatch(
      /reader\.csv line 2: There is no reader "R9"/,
    );
    const aidedOnly = csv('aided.csv', ['R1,P001,L1,aided,80']);
    expect(await fails('readerStudy.importRatings', { path: aidedOnly, scale: 'probability' })).toMatch(
      /aided\.csv line 2: .*unaided before seeing the model output/,
    );
    const header = path.join(t.dir, 'header.csv');
    writeFileSync(header, 'reader,patient,score\nR1,P001,3\n');
    expect(await fails('readerStudy.importRatings', { path: header, scale: 'probability' })).toMatch(
      /header\.csv: the header lacks columns lesion, session/,
    );
    expect(await call<Rating[]>('readerStudy.ratings', {})).toEqual([]);
  });

  it('imports both sessions of a file (aided rows before unaided ones too) and the report uses them', async () => {
    const unaided = [80, 60, 30, 40, 20, 10];
    const aided = [90, 70, 60, 40, 20, 10];
    const lines = [
      ...aided.map((s, i) => `R1,${lesions[i]!.patientCode},L1,aided,${s}`),
      ...unaided.map((s, i) => `R1,${lesions[i]!.patientCode},L1,unaided,${s}`),
    ];
    const r = await call<{ rows: number; unaided: number; aided: number; readers: string[] }>('readerStudy.importRatings', {
      path: csv('good.csv', lines),
      scale: 'probability',
    });
    expect(r).toMatchObject({ rows: 12, unaided: 6, aided: 6, readers: ['R1'] });
    const rep = await call<ReaderStudyReport>('readerStudy.report', { outcome: 'malignant', scale: 'probability' });
    const r1 = rep.readers[0]!;
    expect(r1.unaided!.auc).toBeCloseTo(8 / 9, 12);
    expect(r1.aided!.auc).toBeCloseTo(1, 12);
    expect(r1.unaided!.sensitivity).toBeCloseTo(2 / 3, 12);
    expect(r1.aided!.sensitivity).toBe(1);
    expect(r1.change!.deltaAuc).toBeCloseTo(1 / 9, 12);
  });
});
