/**
 * Table 1 builder: baseline characteristics by outcome group or by data split, as a typed
 * structure the dashboard and the exports format. Every row uses the test choice of table1.ts
 * (compareNumeric / compareCategorical: the seed studies' rule, overridable per variable):
 * - continuous: n, mean ± SD and median (Q1–Q3, R quantile type 7) per group and overall, with
 *   `display` saying which pair the chosen test goes with (t-test/ANOVA → mean ± SD, rank tests →
 *   median (IQR));
 * - categorical: n (%) per level, the percentage of the non-missing values in that column
 *   (what R's prop.table(table(v, g), 2) gives);
 * - missing values counted per group and overall, never silently dropped.
 * Rows whose group is missing are left out of the whole table and counted in `nGroupMissing`.
 * When a row's test cannot be computed, its p-value is null and `note` says why.
 */
import { StatsInputError } from './common.js';
import { summarizeNumeric } from './descriptives.js';
import { compareCategorical, compareNumeric, type NumericTestChoice } from './table1.js';

export type Table1Variable =
  | {
      name: string;
      type: 'continuous';
      values: ArrayLike<number>;
      test?: NumericTestChoice;
    }
  | {
      name: string;
      type: 'categorical';
      values: ArrayLike<string | number | null | undefined>;
      /** Level order (default: sorted distinct values). */
      levels?: readonly string[];
      test?: 'auto' | 'chisq' | 'fisher';
    };

export interface Table1Options {
  /** Group label per row (outcome or split); null, undefined, '' or NaN = missing. */
  groups: ArrayLike<string | number | null | undefined>;
  /** Column order (default: sorted labels). */
  groupLevels?: readonly string[];
  normality?: 'shapiro' | 'ks';
  alpha?: number;
  /** Student instead of Welch t-test. */
  varEqual?: boolean;
  /** Yates continuity correction for 2 × 2 chi-square (default true, as R). */
  correct?: boolean;
}

export interface Table1ContinuousCell {
  n: number;
  nMissing: number;
  mean: number;
  sd: number;
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
}

export interface Table1LevelCell {
  count: number;
  /** Percent of the column's non-missing values (0–100). */
  percent: number;
}

export interface Table1ContinuousRow {
  kind: 'continuous';
  name: string;
  display: 'mean-sd' | 'median-iqr';
  overall: Table1ContinuousCell;
  byGroup: (Table1ContinuousCell | null)[];
  test: string | null;
  statistic: number | null;
  pValue: number | null;
  /** Normality p per group (NaN where not testable), as used for the choice. */
  normalityP: number[];
  note?: string;
}

export interface Table1CategoricalRow {
  kind: 'categorical';
  name: string;
  levels: { level: string; overall: Table1LevelCell; byGroup: Table1LevelCell[] }[];
  missing: { overall: number; byGroup: number[] };
  test: string | null;
  statistic: number | null;
  pValue: number | null;
  note?: string;
}

export type Table1Row = Table1ContinuousRow | Table1CategoricalRow;

export interface Table1 {
  groups: { label: string; n: number }[];
  n: number;
  nGroupMissing: number;
  rows: Table1Row[];
}

const isMissing = (v: unknown): boolean =>
  v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

function continuousCell(values: ArrayLike<number>, name: string): Table1ContinuousCell | null {
  let present = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i] as number)) present++;
  if (present === 0) return null;
  const s = summarizeNumeric(values, name);
  return { n: s.n, nMissing: s.nMissing, mean: s.mean, sd: s.sd, median: s.median, q1: s.q1, q3: s.q3, min: s.min, max: s.max };
}

export function buildTable1(variables: readonly Table1Variable[], opts: Table1Options): Table1 {
  const g = opts.groups;
  const used: number[] = [];
  for (let i = 0; i < g.length; i++) if (!isMissing(g[i])) used.push(i);
  const labelsOf = used.map((i) => String(g[i]));
  const present = [...new Set(labelsOf)].sort();
  const groupLabels = opts.groupLevels ? [...opts.groupLevels] : present;
  for (const l of present) {
    if (!groupLabels.includes(l)) throw new StatsInputError(`Table 1: group '${l}' is not one of ${groupLabels.join(', ')}`);
  }
  if (present.length < 2) throw new StatsInputError(`Table 1: needs at least 2 groups with data (found ${present.length})`);
  const groupIndex = labelsOf.map((l) => groupLabels.indexOf(l));
  const rows: Table1Row[] = [];
  for (const v of variables) {
    if (v.values.length !== g.length) {
      throw new StatsInputError(`Table 1: variable '${v.name}' has ${v.values.length} values for ${g.length} rows`);
    }
    if (v.type === 'continuous') {
      const x = Float64Array.from(used, (i) => v.values[i] as number);
      const overall = continuousCell(x, v.name);
      if (!overall) throw new StatsInputError(`Table 1: variable '${v.name}' has no values`);
      const byGroup = groupLabels.map((_, k) => {
        const sub = x.filter((_v, r) => groupIndex[r] === k);
        return continuousCell(sub, `${v.name} in group '${groupLabels[k]}'`);
      });
      const row: Table1ContinuousRow = {
        kind: 'continuous',
        name: v.name,
        display: 'mean-sd',
        overall,
        byGroup,
        test: null,
        statistic: null,
        pValue: null,
        normalityP: [],
      };
      try {
        const c = compareNumeric(x, labelsOf, {
          test: v.test,
          normality: opts.normality,
          alpha: opts.alpha,
          varEqual: opts.varEqual,
        });
        row.display = c.display;
        row.test = c.test;
        row.statistic = c.statistic;
        row.pValue = c.pValue;
        // compareNumeric orders groups by sorted label; report in column order.
        row.normalityP = groupLabels.map((l) => {
          const j = c.groups.indexOf(l);
          return j >= 0 ? (c.normalityP[j] as number) : NaN;
        });
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        row.display = 'median-iqr';
        row.note = `no test: ${e.message}`;
      }
      rows.push(row);
    } else {
      const vals = used.map((i) => v.values[i]);
      const levels = v.levels ? [...v.levels] : [...new Set(vals.filter((t) => !isMissing(t)).map(String))].sort();
      const countsBy = groupLabels.map(() => new Array<number>(levels.length).fill(0));
      const missingBy = groupLabels.map(() => 0);
      vals.forEach((t, r) => {
        const k = groupIndex[r] as number;
        if (isMissing(t)) missingBy[k] = (missingBy[k] as number) + 1;
        else {
          const l = levels.indexOf(String(t));
          if (l < 0) throw new StatsInputError(`Table 1: '${v.name}' value '${String(t)}' is not one of ${levels.join(', ')}`);
          (countsBy[k] as number[])[l] = ((countsBy[k] as number[])[l] as number) + 1;
        }
      });
      const colTotal = countsBy.map((c) => c.reduce((a, b) => a + b, 0));
      const allTotal = colTotal.reduce((a, b) => a + b, 0);
      const cell = (count: number, total: number): Table1LevelCell => ({
        count,
        percent: total > 0 ? (100 * count) / total : NaN,
      });
      const row: Table1CategoricalRow = {
        kind: 'categorical',
        name: v.name,
        levels: levels.map((level, l) => {
          const byGroup = countsBy.map((c, k) => cell(c[l] as number, colTotal[k] as number));
          const total = byGroup.reduce((a, b) => a + b.count, 0);
          return { level, overall: cell(total, allTotal), byGroup };
        }),
        missing: { overall: missingBy.reduce((a, b) => a + b, 0), byGroup: missingBy },
        test: null,
        statistic: null,
        pValue: null,
      };
      try {
        const c = compareCategorical(vals, labelsOf, { test: v.test, correct: opts.correct, levels });
        row.test = c.test;
        row.statistic = Number.isNaN(c.statistic) ? null : c.statistic;
        row.pValue = c.pValue;
        if (c.note) row.note = c.note;
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        row.note = `no test: ${e.message}`;
      }
      rows.push(row);
    }
  }
  return {
    groups: groupLabels.map((label, k) => ({ label, n: groupIndex.filter((j) => j === k).length })),
    n: used.length,
    nGroupMissing: g.length - used.length,
    rows,
  };
}
