/**
 * Kaplan–Meier figure data of an analysis: follow-up time and event read from the analysis's
 * table, groups from a model's predicted risk (high vs low at the median of the training
 * predictions, so the cut is fixed before the test or external rows are seen) or from a
 * categorical column; survfit curves with log CIs, the number at risk under the plot and the
 * log-rank (survdiff) p. Numbers are kept at full precision (the tests compare with R to 1e-8).
 */
import type { AnalysisResult, SetName } from '../compute/ml/analysis.js';
import { StatsInputError } from '../compute/stats/common.js';
import { quantileSorted } from '../compute/stats/descriptives.js';
import { kaplanMeier, kaplanMeierQuantile, logRankTest } from '../compute/stats/survival.js';
import { columnOf, type AnalysisTable } from './analysisTable.js';
import type { KaplanMeierFigure, KaplanMeierGroup, SurvivalRequest } from './charts/studyTypes.js';
import { SET_LABELS } from './charts/types.js';

const EVENT_WORDS: Record<string, 0 | 1> = {
  '1': 1,
  yes: 1,
  true: 1,
  event: 1,
  dead: 1,
  died: 1,
  relapse: 1,
  recurrence: 1,
  progression: 1,
  '0': 0,
  no: 0,
  false: 0,
  censored: 0,
  alive: 0,
};

const missing = (s: string): boolean => s === '' || /^(na|nan|null|none)$/i.test(s);

/** Event coding: 1/0, yes/no, true/false, event/censored…; '' and NA are missing (NaN). */
export function parseEvent(s: string, where: string): number {
  if (missing(s)) return NaN;
  const v = EVENT_WORDS[s.toLowerCase()];
  if (v === undefined) throw new StatsInputError(`${where}: event value '${s}' is not 1/0, yes/no, true/false or event/censored`);
  return v;
}

export function parseTime(s: string, where: string): number {
  if (missing(s)) return NaN;
  const v = Number(s);
  if (!Number.isFinite(v) || v < 0) throw new StatsInputError(`${where}: follow-up time '${s}' is not a number ≥ 0`);
  return v;
}

/**
 * Times of the number-at-risk table: 0 and round steps (the largest of 1, 2, 2.5, 5 × 10^k not
 * above a fifth of the follow-up), up to the first step at or past the longest follow-up.
 */
export function atRiskTimes(max: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [5, 2.5, 2, 1].find((m) => m * mag <= raw)! * mag;
  const end = Math.ceil(max / step - 1e-9) * step;
  const out: number[] = [];
  for (let k = 0; k * step <= end + 1e-9 * step; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

function rowsOfSet(r: AnalysisResult, set: SurvivalRequest['set']): number[] {
  const all = r.rows.ids.map((_, i) => i);
  if (set === 'all') return all;
  if (set === 'cv' || set === 'train') return all.filter((i) => r.split.role[i] === 'train');
  return all.filter((i) => r.split.role[i] === set);
}

export function kaplanMeierFigure(r: AnalysisResult, table: AnalysisTable, req: SurvivalRequest): KaplanMeierFigure {
  const jTime = columnOf(table, req.time, 'time');
  const jEvent = columnOf(table, req.event, 'event');
  if (jTime === jEvent) throw new StatsInputError(`the time and event columns are the same ('${req.time}')`);
  const rows = rowsOfSet(r, req.set);
  if (rows.length === 0) throw new StatsInputError(`analysis '${r.spec.name}' has no rows in the ${req.set} set`);
  const where = (i: number, col: string): string => `${table.file}, data row ${table.line[i]}, column '${col}'`;
  const time = rows.map((i) => parseTime(table.cells[i]![jTime]!, where(i, req.time)));
  const event = rows.map((i) => parseEvent(table.cells[i]![jEvent]!, where(i, req.event)));
  let group: string[];
  let groupLabel: string;
  let cut: number | null = null;
  if (req.group.by === 'radscore') {
    const name = req.group.model;
    const model = r.models.find((m) => m.name === name);
    if (!model)
      throw new StatsInputError(
        `analysis '${r.spec.name}' has no model '${name}' (models: ${r.models.map((m) => m.name).join(', ')})`,
      );
    if (req.set === 'all')
      throw new StatsInputError('a rad-score grouping needs one set (train, cv, test or external), not all rows');
    const train = Float64Array.from(model.predictions.train.filter((v) => v !== null && !Number.isNaN(v))).sort();
    if (train.length === 0) throw new StatsInputError(`model '${name}' has no training predictions`);
    cut = quantileSorted(train, [0.5])[0] as number;
    const preds = model.predictions[req.set as SetName];
    if (!preds) throw new StatsInputError(`model '${name}' has no predictions for the ${req.set} set`);
    group = rows.map((i) => {
      const p = preds[i];
      return p === null || p === undefined || Number.isNaN(p) ? '' : p >= cut! ? 'High risk' : 'Low risk';
    });
    groupLabel = `${name}: high vs low risk (cut at the training median of the predicted risk, ${cut.toFixed(3)})`;
  } else {
    const column = req.group.column;
    const jGroup = columnOf(table, column, 'group');
    if (jGroup === jTime || jGroup === jEvent)
      throw new StatsInputError(`the group column '${column}' is the time or event column`);
    group = rows.map((i) => (missing(table.cells[i]![jGroup]!) ? '' : table.cells[i]![jGroup]!));
    const levels = new Set(group.filter((g) => g !== ''));
    if (levels.size > 8)
      throw new StatsInputError(
        `the group column '${column}' has ${levels.size} values; pick a categorical column (at most 8 groups)`,
      );
    groupLabel = `by ${column}`;
  }
  const keep = rows.map((_, k) => k).filter((k) => !Number.isNaN(time[k]!) && !Number.isNaN(event[k]!) && group[k] !== '');
  const nMissing = rows.length - keep.length;
  if (keep.length === 0)
    throw new StatsInputError(`no row of the ${req.set} set has a time ('${req.time}'), an event ('${req.event}') and a group`);
  const labels = [...new Set(keep.map((k) => group[k]!))].sort((a, b) =>
    a === 'High risk' ? -1 : b === 'High risk' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const groups: KaplanMeierGroup[] = labels.map((label) => {
    const ks = keep.filter((k) => group[k] === label);
    const km = kaplanMeier(
      ks.map((k) => time[k]!),
      ks.map((k) => event[k]!),
    );
    const med = kaplanMeierQuantile(km.rows, 0.5).estimate;
    return {
      label,
      n: km.n,
      events: km.rows.reduce((s, x) => s + x.nEvent, 0),
      time: km.rows.map((x) => x.time),
      nRisk: km.rows.map((x) => x.nRisk),
      nEvent: km.rows.map((x) => x.nEvent),
      nCensor: km.rows.map((x) => x.nCensor),
      survival: km.rows.map((x) => x.survival),
      lower: km.rows.map((x) => x.lower),
      upper: km.rows.map((x) => x.upper),
      median: Number.isFinite(med) ? med : null,
    };
  });
  const maxTime = Math.max(...keep.map((k) => time[k]!));
  const times = atRiskTimes(maxTime);
  const counts = labels.map((label) => times.map((t) => keep.filter((k) => group[k] === label && time[k]! >= t).length));
  let logRank: KaplanMeierFigure['logRank'] = null;
  if (labels.length >= 2) {
    const lr = logRankTest(
      keep.map((k) => time[k]!),
      keep.map((k) => event[k]!),
      keep.map((k) => group[k]!),
    );
    logRank = { statistic: lr.statistic, df: lr.df, pValue: lr.pValue };
  }
  return {
    analysis: r.spec.name,
    timeColumn: req.time,
    eventColumn: req.event,
    set: req.set,
    groupLabel,
    cut,
    groups,
    atRisk: { times, counts },
    logRank,
    nMissing,
  };
}

export const survivalSetLabel = (set: SurvivalRequest['set']): string => (set === 'all' ? 'All rows' : SET_LABELS[set]);
