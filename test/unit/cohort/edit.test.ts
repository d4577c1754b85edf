import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';

let t: ReturnType<typeof tmpDir>;
let s: Services;

beforeEach(async () => {
  t = tmpDir();
  s = createServices({ mode: 'test', configDir: t.dir });
  await s.study.create(path.join(t.dir, 'e.radstudy'), 'Edit');
  const csv = path.join(t.dir, 'c.csv');
  // 6 patients, P1 bilateral (2 lesions); codes follow seed 000's exclusion reasons.
  writeFileSync(
    csv,
    'patient,center,lesion,age,ihc\nP1,A,L1,50,2+\nP1,A,L2,50,1+\nP2,A,L1,60,0\nP3,A,L1,45,3+\nP4,B,L1,70,1+\nP5,B,L1,66,0\nP6,B,L1,39,2+\n',
  );
  await s.cohort.commit(csv, {
    columns: { patient: 'patient.code', center: 'center.code', lesion: 'lesion.code', age: 'var:age', ihc: 'var:her2_ihc' },
    options: { decimalComma: false, dateOrder: 'DMY' },
  });
});
afterEach(async () => {
  await s.shutdown();
  t.cleanup();
});

describe('inline edit', () => {
  it('validates a cell like an import and audits old and new', async () => {
    expect(s.cohort.setValue({ patientCode: 'P2', lesionCode: 'L1', variable: 'her2_ish', value: 'neg' }).shown).toBe(
      'not_amplified',
    );
    expect(s.cohort.setValue({ patientCode: 'P2', variable: 'age', value: '61' }).shown).toBe('61');
    expect(() => s.cohort.setValue({ patientCode: 'P2', variable: 'age', value: '6l' })).toThrow(
      /"6l" is not a valid Age: not a number/,
    );
    expect(() => s.cohort.setValue({ patientCode: 'P2', variable: 'ki67_pct', value: '5' })).toThrow(/recorded per lesion/);
    expect(() => s.cohort.setValue({ patientCode: 'P2', lesionCode: 'L1', variable: 'her2_status', value: 'low' })).toThrow(
      /derived/,
    );
    expect(() => s.cohort.setValue({ patientCode: 'P404', variable: 'age', value: '1' })).toThrow(/no patient P404/);
    const [last] = s.cohort.audit(1);
    expect(last).toMatchObject({ action: 'cohort.value.set', entity: 'patient', field: 'age' });
    expect(JSON.parse(last!.before!)).toMatchObject({ num: 60 });
    expect(JSON.parse(last!.after!)).toMatchObject({ num: 61 });
    // an edit after an import blocks undoing that import (the edit would be lost)
    expect(() => s.cohort.undoLastImport()).toThrow(/changed 2 time\(s\) after the import/);
  });
});

describe('exclusions and the flow diagram', () => {
  it('counts each step of a CONSORT-style flow and writes it as SVG and 300-dpi PNG', async () => {
    s.cohort.exclude({
      patientCode: 'P2',
      reasonCode: 'INCOMPLETE_CLIN_PATH',
      reasonLabel: 'Incomplete clinical or pathology data',
    });
    s.cohort.exclude({
      patientCode: 'P3',
      reasonCode: 'MRI_ARTIFACT_OR_POOR_QUALITY',
      reasonLabel: 'MRI artifact or poor quality',
    });
    s.cohort.exclude({ patientCode: 'P4', reasonCode: 'MRI_ARTIFACT_OR_POOR_QUALITY' });
    // a patient excluded twice counts once, at the first reason
    s.cohort.exclude({ patientCode: 'P2', reasonCode: 'MRI_ARTIFACT_OR_POOR_QUALITY' });
    // a single lesion of a bilateral patient
    s.cohort.exclude({ patientCode: 'P1', lesionCode: 'L2', reasonCode: 'INCOMPLETE_CLIN_PATH' });
    const flow = s.cohort.flow();
    expect(flow.steps.map((x) => [x.label, x.remaining, x.excluded?.patients ?? null, x.excluded?.lesions ?? null])).toEqual([
      ['Patients assessed', 6, null, null],
      ['Incomplete clinical or pathology data', 5, 1, 1],
      ['MRI artifact or poor quality', 3, 2, 0],
    ]);
    expect(flow.analysedPatients).toBe(3);
    expect(flow.analysedLesions).toBe(3); // 7 lesions − P2, P3, P4 (3) − P1/L2
    expect(flow.svg).toContain('Analysed');
    expect(flow.svg).toContain('n = 6');
    const svg = path.join(t.dir, 'flow.svg');
    await s.cohort.exportFlow(svg);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /);
    const png = path.join(t.dir, 'flow.png');
    await s.cohort.exportFlow(png);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // width from the IHDR chunk: 640 CSS px at 300 dpi = 2000 px
    expect(bytes.readUInt32BE(16)).toBe(2000);
    expect(() => s.cohort.exclude({ patientCode: 'P1', reasonCode: 'bad code' })).toThrow(/upper case/);
    const ex = s.cohort.exclusions();
    expect(ex).toHaveLength(5);
    s.cohort.unexclude(ex[0]!.id);
    expect(s.cohort.exclusions()).toHaveLength(4);
  });
});

describe('audit log export', () => {
  it('writes every entry as CSV with old and new values', () => {
    const out = path.join(t.dir, 'audit.csv');
    const r = s.cohort.exportAudit(out);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFid,at,actor,action,entity,entity_id,field,before,after,batch_id');
    expect(r.rows).toBeGreaterThan(10);
    expect(text).toContain('cohort.patient.create');
  });
});

describe('data dictionary editing (through the API router)', () => {
  it('adds a variable, refuses changes that would invalidate stored values, deletes with a count', async () => {
    const call = (m: string, input: unknown) => s.router.call(m, input);
    const added = await call('cohort.variable.save', {
      variable: { name: 'lvi', label: 'Lymphovascular invasion', type: 'boolean', role: 'predictor', scope: 'lesion' },
    });
    expect(added.ok).toBe(true);
    const badName = await call('cohort.variable.save', {
      variable: { name: 'Ki 67', label: 'x', type: 'numeric', role: 'predictor', scope: 'lesion' },
    });
    expect(!badName.ok && badName.error.message).toMatch(/variable\.name/);
    const noLevels = await call('cohort.variable.save', {
      variable: { name: 'grade2', label: 'x', type: 'ordinal', role: 'predictor', scope: 'lesion' },
    });
    expect(!noLevels.ok && noLevels.error.message).toMatch(/levels/);
    // age has values 39–70: narrowing the range to ≤ 60 orphans 70 and 66
    const age = s.cohort.dictionary().find((v) => v.name === 'age')!;
    const { id: _id, builtin: _b, ...ageDef } = age;
    const narrowed = await call('cohort.variable.save', { variable: { ...ageDef, max: 60 } });
    expect(!narrowed.ok && narrowed.error.message).toMatch(/2 stored value\(s\) of Age fall outside the new range/);
    const retyped = await call('cohort.variable.save', { variable: { ...ageDef, type: 'text' } });
    expect(!retyped.ok && retyped.error.message).toMatch(/cannot change/);
    const relabeled = await call('cohort.variable.save', { variable: { ...ageDef, label: 'Age at diagnosis' } });
    expect(relabeled.ok && (relabeled.data as { label: string }).label).toBe('Age at diagnosis');
    const deleted = await call('cohort.variable.delete', { name: 'age' });
    expect(deleted).toEqual({ ok: true, data: { deleted: true, values: 6 } });
    const mapping = { columns: { PID: 'patient.code' }, options: { decimalComma: true, dateOrder: 'DMY' } };
    expect((await call('cohort.mapping.save', { name: 'Center B export', mapping })).ok).toBe(true);
    const saved = await call('cohort.mappings', {});
    expect(saved.ok && saved.data).toEqual([{ name: 'Center B export', mapping, updatedAt: expect.any(String) }]);
  });
});
