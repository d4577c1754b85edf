/**
 * A named split of a study's cohort: whole patients to training / test / external, optional
 * cross-validation folds of the training patients, and the balance of the sets. Pure: it takes
 * one row per lesion (patient code, center, outcome, date, clinical values) and returns patient
 * assignments; the service stores them (db/migrations/012_splits.sql).
 *
 * The assignment itself is split.ts's (makeSplit, makeFolds), so a stored split and a split made
 * inside an analysis follow the same rules: groups = patients, stratification on the patient's
 * outcome (positive when any lesion is), round(fraction × stratum) patients of each stratum to
 * the test set.
 *
 * Balance: the Table 1 builder (stats/table1Builder.ts) with its test rule — continuous: Welch t
 * when every set passes Shapiro–Wilk, else Mann–Whitney / Kruskal–Wallis; categorical:
 * chi-square, Fisher when an expected count is below 5. Patient-level variables (and the
 * outcome, center) are compared one row per patient so a patient with two lesions is not
 * counted twice; lesion-level variables one row per lesion.
 */
import { StatsInputError } from '../stats/common.js';
import { buildTable1 } from '../stats/table1Builder.js';
import type { Table1, Table1Variable } from '../stats/table1Builder.js';
import { makeFolds, makeSplit, type SetRole, type SplitSpec } from './split.js';

export type StudySplitMethod = 'random' | 'stratified' | 'center' | 'date';

export interface StudySplitParams {
  method: StudySplitMethod;
  /** Share of patients in the internal test set (random, stratified; optional for center). */
  testFraction?: number;
  /** Centers whose patients form the external set (center). */
  external?: readonly string[];
  /** Patients whose date is on or after this ISO date form the test set (date). */
  cutoff?: string;
  seed: number;
  /** Folds of the training patients; none when absent. */
  folds?: { method: 'kfold' | 'loocv'; k?: number; repeats?: number };
}

export interface CohortVariable {
  name: string;
  scope: 'patient' | 'lesion';
  kind: 'continuous' | 'categorical';
  /** One value per row; null (or NaN) missing. */
  values: readonly (number | string | null)[];
}

export interface CohortRows {
  /** Patient code per row (one row per lesion). */
  patients: readonly string[];
  centers: readonly string[];
  /** 1 event, 0 no event, NaN missing; needed to stratify. */
  outcome?: ArrayLike<number>;
  /** ISO date per row ('' missing); needed for a split by date. */
  dates?: readonly string[];
  variables: readonly CohortVariable[];
}

export interface SetCounts {
  patients: number;
  lesions: number;
  /** Patients with the event (any lesion positive) and with a known outcome. */
  events: number;
  known: number;
}

export interface StudySplit {
  /** Set per patient code, in first-seen order. */
  roles: Map<string, SetRole>;
  /** Fold per training patient, one entry per repeat. */
  folds: Map<string, number[]>;
  counts: Record<SetRole, SetCounts>;
  /** Table 1 of the sets: patient-level rows, then lesion-level rows (null when none). */
  balance: { patients: Table1 | null; lesions: Table1 | null };
}

const LABELS: Record<SetRole, string> = { train: 'Training', test: 'Test', external: 'External' };
const ROLES: SetRole[] = ['train', 'test', 'external'];

function toSplitSpec(p: StudySplitParams, hasOutcome: boolean): SplitSpec {
  switch (p.method) {
    case 'random':
    case 'stratified':
      if (p.testFraction === undefined || !(p.testFraction > 0 && p.testFraction < 1))
        throw new StatsInputError(`split: a ${p.method} split needs a test fraction between 0 and 1 (e.g. 0.3)`);
      if (p.method === 'stratified' && !hasOutcome)
        throw new StatsInputError('split: a stratified split needs an outcome variable to stratify on');
      return { method: 'random', testFraction: p.testFraction, stratify: p.method === 'stratified', seed: p.seed };
    case 'center':
      if (!p.external || p.external.length === 0)
        throw new StatsInputError('split by center: name the center(s) whose patients form the external set');
      return { method: 'center', external: p.external, testFraction: p.testFraction ?? 0, stratify: hasOutcome, seed: p.seed };
    case 'date':
      if (!p.cutoff) throw new StatsInputError('split by date: give the cut-off date (patients on or after it are the test set)');
      return { method: 'date', cutoff: p.cutoff };
  }
}

export function makeStudySplit(rows: CohortRows, params: StudySplitParams): StudySplit {
  const n = rows.patients.length;
  if (n === 0) throw new StatsInputError('split: the cohort has no lesions to split');
  if (params.method === 'stratified' && rows.outcome) {
    const missing = new Set<string>();
    for (let i = 0; i < n; i++) if (Number.isNaN(rows.outcome[i] as number)) missing.add(rows.patients[i] as string);
    if (missing.size > 0) {
      const list = [...missing];
      throw new StatsInputError(
        `split: ${list.length} patient(s) have no outcome value (${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}); enter it, exclude them, or use a random split`,
      );
    }
  }
  if (params.method === 'date' && rows.dates) {
    const i = rows.dates.findIndex((d) => d === '');
    if (i >= 0) throw new StatsInputError(`split by date: patient '${rows.patients[i]}' has no date`);
  }
  const split = makeSplit(
    { groups: rows.patients, y: rows.outcome, centers: rows.centers, dates: rows.dates },
    toSplitSpec(params, rows.outcome !== undefined),
  );
  const roles = new Map<string, SetRole>();
  const firstRow = new Map<string, number>();
  rows.patients.forEach((p, i) => {
    if (!roles.has(p)) {
      roles.set(p, ROLES[split.role[i] as number] as SetRole);
      firstRow.set(p, i);
    }
  });
  const positive = new Map<string, number>();
  if (rows.outcome) {
    rows.patients.forEach((p, i) => {
      const v = rows.outcome![i] as number;
      const was = positive.get(p);
      if (v === 1) positive.set(p, 1);
      else if (v === 0) {
        if (was !== 1) positive.set(p, 0);
      } else if (was === undefined) positive.set(p, NaN);
    });
  }
  const counts = Object.fromEntries(ROLES.map((r) => [r, { patients: 0, lesions: 0, events: 0, known: 0 }])) as Record<
    SetRole,
    SetCounts
  >;
  for (const [p, r] of roles) {
    counts[r].patients++;
    const y = positive.get(p);
    if (y !== undefined && !Number.isNaN(y)) {
      counts[r].known++;
      if (y === 1) counts[r].events++;
    }
  }
  for (let i = 0; i < n; i++) counts[roles.get(rows.patients[i] as string) as SetRole].lesions++;

  const folds = new Map<string, number[]>();
  if (params.folds) {
    const trainRows: number[] = [];
    for (let i = 0; i < n; i++) if (roles.get(rows.patients[i] as string) === 'train') trainRows.push(i);
    const groups = trainRows.map((i) => rows.patients[i] as string);
    const y = rows.outcome ? Float64Array.from(trainRows, (i) => rows.outcome![i] as number) : undefined;
    const assigned = makeFolds(
      { groups, ...(y ? { y } : {}) },
      {
        method: params.folds.method,
        k: params.folds.k ?? 5,
        repeats: params.folds.repeats ?? 1,
        stratify: y !== undefined,
        seed: params.seed,
      },
    );
    groups.forEach((g, t) => {
      if (!folds.has(g))
        folds.set(
          g,
          assigned.map((f) => f[t] as number),
        );
    });
  }

  const present = ROLES.filter((r) => counts[r].patients > 0);
  let balance: StudySplit['balance'] = { patients: null, lesions: null };
  if (present.length >= 2) {
    const levels = present.map((r) => LABELS[r]);
    const patientList = [...roles.keys()];
    const pGroups = patientList.map((p) => LABELS[roles.get(p) as SetRole]);
    const pVars: Table1Variable[] = [];
    if (rows.outcome) {
      pVars.push({
        name: 'Outcome (event)',
        type: 'categorical',
        values: patientList.map((p) => {
          const y = positive.get(p);
          return y === undefined || Number.isNaN(y) ? null : y === 1 ? 'yes' : 'no';
        }),
        levels: ['yes', 'no'],
      });
    }
    pVars.push({ name: 'Center', type: 'categorical', values: patientList.map((p) => rows.centers[firstRow.get(p)!] ?? null) });
    const lVars: Table1Variable[] = [];
    for (const v of rows.variables) {
      const target = v.scope === 'patient' ? pVars : lVars;
      const pick = v.scope === 'patient' ? patientList.map((p) => v.values[firstRow.get(p)!] ?? null) : v.values;
      target.push(
        v.kind === 'continuous'
          ? { name: v.name, type: 'continuous', values: pick.map((x) => (x === null || x === '' ? NaN : Number(x))) }
          : { name: v.name, type: 'categorical', values: pick.map((x) => (x === null || x === '' ? null : String(x))) },
      );
    }
    balance = {
      patients: buildTable1(pVars, { groups: pGroups, groupLevels: levels }),
      lesions:
        lVars.length > 0
          ? buildTable1(lVars, {
              groups: rows.patients.map((p) => LABELS[roles.get(p) as SetRole]),
              groupLevels: levels,
            })
          : null,
    };
  }
  return { roles, folds, counts, balance };
}
