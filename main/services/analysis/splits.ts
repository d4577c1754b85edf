import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors.js';
import { SplitCreateSchema, type SplitCreate, type SplitDetail, type SplitSummary } from '../../api/splits.js';
import type { StoredSplitAssignment } from '../../api/analysis.js';
import { StatsInputError } from '../../compute/stats/common.js';
import type { Table1 } from '../../compute/stats/table1Builder.js';
import { makeStudySplit, type CohortVariable, type StudySplitParams } from '../../compute/ml/studySplit.js';
import { appendAudit } from '../../../db/repositories/audit.js';
import { cohortTable } from '../cohort/table.js';
import type { StudyService } from '../study.js';

const fmt = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '–');

/** Table 1 rows as display lines: n (%) per level, mean ± SD or median (Q1–Q3) as the test chose. */
function balanceRows(t: Table1 | null, unit: 'patients' | 'lesions'): SplitDetail['balance'] {
  if (!t) return [];
  const out: SplitDetail['balance'] = [];
  const p = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v);
  for (const row of t.rows) {
    if (row.kind === 'continuous') {
      out.push({
        variable: row.name,
        level: null,
        unit,
        cells: row.byGroup.map((c) =>
          !c ? '–' : row.display === 'mean-sd' ? `${fmt(c.mean)} ± ${fmt(c.sd)}` : `${fmt(c.median)} (${fmt(c.q1)}–${fmt(c.q3)})`,
        ),
        test: row.test,
        pValue: p(row.pValue),
      });
    } else {
      row.levels.forEach((l, k) =>
        out.push({
          variable: row.name,
          level: l.level,
          unit,
          cells: l.byGroup.map((c) => `${c.count} (${fmt(c.percent)}%)`),
          test: k === 0 ? row.test : null,
          pValue: k === 0 ? p(row.pValue) : null,
        }),
      );
    }
  }
  return out;
}

interface SplitRow {
  id: number;
  name: string;
  method: SplitSummary['method'];
  seed: number | null;
  params: string;
  counts: string;
  created_at: string;
}

/** Named splits of the study's cohort: create (with folds and balance table), list, get, delete. */
export class SplitService {
  constructor(private readonly study: StudyService) {}

  private db(write = false): Database.Database {
    const h = this.study.requireHandle();
    if (write && h.readOnly) {
      throw new AppError(
        'STUDY_READ_ONLY',
        `The study is open read-only (${h.readOnlyReason ?? 'read-only'}); splits cannot be changed.`,
      );
    }
    return h.db;
  }

  create(raw: SplitCreate): SplitDetail {
    const input = SplitCreateSchema.parse(raw);
    const db = this.db(true);
    if (db.prepare('SELECT 1 FROM split WHERE name = ?').get(input.name))
      throw new AppError('VALIDATION', `A split named "${input.name}" already exists; choose another name or delete it first.`);
    const table = cohortTable(db);
    const col = (key: string): number => table.columns.findIndex((c) => c.key === key);
    const variableCol = (name: string, what: string): number => {
      const j = col(name);
      if (j < 0 || table.columns[j]!.kind !== 'variable') {
        const known = table.columns.filter((c) => c.kind === 'variable').map((c) => c.key);
        throw new AppError(
          'VALIDATION',
          `The ${what} "${name}" is not a variable of this study (variables: ${known.join(', ')}).`,
        );
      }
      return j;
    };
    // Excluded patients and lesions are not split: they are not in the analysed cohort.
    const exPatients = new Set(
      db.prepare('SELECT p.code FROM exclusion e JOIN patient p ON p.id = e.patient_id').pluck().all() as string[],
    );
    const exLesions = new Set(
      (
        db
          .prepare(
            'SELECT p.code AS p, l.code AS l FROM exclusion e JOIN lesion l ON l.id = e.lesion_id JOIN patient p ON p.id = l.patient_id',
          )
          .all() as { p: string; l: string }[]
      ).map((r) => `${r.p}\u0000${r.l}`),
    );
    const jp = col('patient');
    const jl = col('lesion');
    const jc = col('center');
    const rows = table.rows.filter((r) => !exPatients.has(r[jp]!) && !exLesions.has(`${r[jp]}\u0000${r[jl]}`));
    if (rows.length === 0)
      throw new AppError('VALIDATION', 'The study has no (non-excluded) lesions to split; import the cohort first.');

    // A stratified split without a named outcome: the study's one boolean outcome with data (e.g. pcr).
    if (input.method === 'stratified' && !input.outcome) {
      const candidates = table.columns
        .map((c, j) => ({ c, j }))
        .filter(({ c, j }) => c.variable?.role === 'outcome' && rows.some((r) => r[j] !== ''));
      const only = candidates.length === 1 ? candidates[0]! : undefined;
      if (!only || only.c.variable?.type !== 'boolean')
        throw new AppError(
          'VALIDATION',
          `A stratified split needs the outcome to stratify on: name it and its event value (outcome variables with data: ${
            candidates.map(({ c }) => c.key).join(', ') || 'none'
          }).`,
        );
      input.outcome = { variable: only.c.key, positive: ['yes'] };
    }
    let outcome: Float64Array | undefined;
    if (input.outcome) {
      const j = variableCol(input.outcome.variable, 'outcome variable');
      const seen = new Set(rows.map((r) => r[j]!).filter((v) => v !== ''));
      const pos = new Set(input.outcome.positive);
      for (const v of pos)
        if (!seen.has(v))
          throw new AppError(
            'VALIDATION',
            `No patient has ${input.outcome.variable} = "${v}" (values in the study: ${[...seen].sort().join(', ') || 'none'}).`,
          );
      outcome = Float64Array.from(rows, (r) => (r[j] === '' ? NaN : pos.has(r[j]!) ? 1 : 0));
    }
    let dates: string[] | undefined;
    if (input.method === 'date') {
      if (!input.dateVariable)
        throw new AppError('VALIDATION', 'A split by date needs the date variable (e.g. diagnosis_date) and a cut-off.');
      const j = variableCol(input.dateVariable, 'date variable');
      if (table.columns[j]!.variable?.type !== 'date')
        throw new AppError('VALIDATION', `The variable "${input.dateVariable}" is not a date.`);
      dates = rows.map((r) => r[j]!);
    }
    const hasValues = (j: number): boolean => rows.some((r) => r[j] !== '');
    const wanted = input.variables ?? (col('age') >= 0 && hasValues(col('age')) ? ['age'] : []);
    const variables: CohortVariable[] = wanted.map((name) => {
      const j = variableCol(name, 'balance variable');
      const v = table.columns[j]!.variable!;
      if (v.type === 'text' || v.type === 'date')
        throw new AppError(
          'VALIDATION',
          `The balance variable "${name}" is ${v.type}; choose a numeric or categorical variable.`,
        );
      if (!hasValues(j))
        throw new AppError('VALIDATION', `The balance variable "${name}" has no values in the patients to split.`);
      const continuous = v.type === 'numeric' || v.type === 'integer';
      return {
        name,
        scope: v.scope,
        kind: continuous ? 'continuous' : 'categorical',
        values: rows.map((r) => (r[j] === '' ? null : continuous ? Number(r[j]) : r[j]!)),
      };
    });
    const params: StudySplitParams = {
      method: input.method,
      seed: input.seed,
      ...(input.testFraction !== undefined ? { testFraction: input.testFraction } : {}),
      ...(input.external ? { external: input.external } : {}),
      ...(input.cutoff ? { cutoff: input.cutoff } : {}),
      ...(input.folds ? { folds: input.folds } : {}),
    };
    let made: ReturnType<typeof makeStudySplit>;
    try {
      made = makeStudySplit(
        {
          patients: rows.map((r) => r[jp]!),
          centers: rows.map((r) => r[jc]!),
          ...(outcome ? { outcome } : {}),
          ...(dates ? { dates } : {}),
          variables,
        },
        params,
      );
    } catch (e) {
      if (e instanceof StatsInputError) throw new AppError('VALIDATION', e.message);
      throw e;
    }
    const patientIds = new Map(
      (db.prepare('SELECT code, id FROM patient').all() as { code: string; id: number }[]).map((r) => [r.code, r.id]),
    );
    const balance = [...balanceRows(made.balance.patients, 'patients'), ...balanceRows(made.balance.lesions, 'lesions')];
    const stored = {
      ...(input.outcome ? { outcome: input.outcome } : {}),
      ...(input.testFraction !== undefined ? { testFraction: input.testFraction } : {}),
      ...(input.external ? { external: input.external } : {}),
      ...(input.dateVariable ? { dateVariable: input.dateVariable, cutoff: input.cutoff } : {}),
      ...(input.folds ? { folds: input.folds } : {}),
      variables: wanted,
      sets: (made.balance.patients?.groups ?? []).map((g) => g.label),
    };
    db.transaction(() => {
      const id = Number(
        db
          .prepare('INSERT INTO split(name, method, seed, params, counts, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(
            input.name,
            input.method,
            input.method === 'date' ? null : input.seed,
            JSON.stringify(stored),
            JSON.stringify(made.counts),
            new Date().toISOString(),
          ).lastInsertRowid,
      );
      const putSet = db.prepare('INSERT INTO split_assignment(split_id, patient_id, set_role) VALUES (?, ?, ?)');
      for (const [code, role] of made.roles) putSet.run(id, patientIds.get(code), role);
      const putFold = db.prepare('INSERT INTO split_fold(split_id, patient_id, repeat, fold) VALUES (?, ?, ?, ?)');
      for (const [code, fs] of made.folds) fs.forEach((f, r) => putFold.run(id, patientIds.get(code), r + 1, f));
      const putRow = db.prepare(
        'INSERT INTO split_balance(split_id, position, variable, level, unit, cells, test, p_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      balance.forEach((b, k) => putRow.run(id, k, b.variable, b.level, b.unit, JSON.stringify(b.cells), b.test, b.pValue));
      appendAudit(db, {
        actor: 'statistician',
        action: 'split.create',
        entity: 'split',
        entityId: id,
        after: { name: input.name, method: input.method, seed: input.seed, counts: made.counts },
      });
    })();
    return this.get(input.name);
  }

  private summary(r: SplitRow): SplitSummary {
    const params = JSON.parse(r.params) as Record<string, unknown>;
    const folds = this.db()
      .prepare('SELECT max(repeat) AS repeats, max(fold) AS k FROM split_fold WHERE split_id = ?')
      .get(r.id) as { repeats: number | null; k: number | null };
    const f = params.folds as { method: string } | undefined;
    return {
      id: r.id,
      name: r.name,
      method: r.method,
      seed: r.seed,
      params,
      counts: JSON.parse(r.counts) as SplitSummary['counts'],
      folds: f && folds.k !== null ? { method: f.method, k: folds.k, repeats: folds.repeats ?? 1 } : null,
      createdAt: r.created_at,
    };
  }

  private row(name: string): SplitRow {
    const r = this.db().prepare('SELECT * FROM split WHERE name = ?').get(name) as SplitRow | undefined;
    if (!r) {
      const names = this.db().prepare('SELECT name FROM split ORDER BY name').pluck().all() as string[];
      throw new AppError(
        'NOT_FOUND',
        `There is no split named "${name}" in this study (splits: ${names.map((n) => `"${n}"`).join(', ') || 'none'}).`,
      );
    }
    return r;
  }

  list(): SplitSummary[] {
    const rows = this.db().prepare('SELECT * FROM split ORDER BY created_at DESC, id DESC').all() as SplitRow[];
    return rows.map((r) => this.summary(r));
  }

  get(name: string): SplitDetail {
    const r = this.row(name);
    const db = this.db();
    const split = this.summary(r);
    const balance = (
      db.prepare('SELECT * FROM split_balance WHERE split_id = ? ORDER BY position').all(r.id) as {
        variable: string;
        level: string | null;
        unit: 'patients' | 'lesions';
        cells: string;
        test: string | null;
        p_value: number | null;
      }[]
    ).map((b) => ({
      variable: b.variable,
      level: b.level,
      unit: b.unit,
      cells: JSON.parse(b.cells) as string[],
      test: b.test,
      pValue: b.p_value,
    }));
    const folds = new Map<number, number[]>();
    for (const f of db
      .prepare('SELECT patient_id, repeat, fold FROM split_fold WHERE split_id = ? ORDER BY repeat')
      .all(r.id) as {
      patient_id: number;
      repeat: number;
      fold: number;
    }[]) {
      folds.set(f.patient_id, [...(folds.get(f.patient_id) ?? []), f.fold]);
    }
    const patients = (
      db
        .prepare(
          `SELECT p.id, p.code, c.code AS center, a.set_role FROM split_assignment a JOIN patient p ON p.id = a.patient_id
           JOIN center c ON c.id = p.center_id WHERE a.split_id = ? ORDER BY p.code`,
        )
        .all(r.id) as { id: number; code: string; center: string; set_role: 'train' | 'test' | 'external' }[]
    ).map((p) => ({ patient: p.code, center: p.center, set: p.set_role, folds: folds.get(p.id) ?? [] }));
    return { split, sets: (split.params.sets as string[] | undefined) ?? [], balance, patients };
  }

  delete(name: string): { deleted: boolean } {
    const db = this.db(true);
    const r = db.prepare('SELECT id FROM split WHERE name = ?').get(name) as { id: number } | undefined;
    if (!r) return { deleted: false };
    db.transaction(() => {
      db.prepare('DELETE FROM split WHERE id = ?').run(r.id);
      appendAudit(db, { actor: 'statistician', action: 'split.delete', entity: 'split', entityId: r.id, before: { name } });
    })();
    return { deleted: true };
  }

  /** The assignment an analysis spec's `split: { method: 'stored' }` runs on (patient code → set, folds). */
  assignment(name: string): StoredSplitAssignment {
    const d = this.get(name);
    return {
      name,
      roles: Object.fromEntries(d.patients.map((p) => [p.patient, p.set])),
      folds: Object.fromEntries(d.patients.filter((p) => p.folds.length > 0).map((p) => [p.patient, p.folds])),
    };
  }
}
