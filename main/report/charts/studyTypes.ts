/**
 * Figure data of the study-level figures that need the analysis's table again (Kaplan–Meier by
 * group, feature correlations) or the study's cohort (flow diagram), and the reporting checklist.
 * Types only: the renderer imports this file.
 */
import type { SetKey } from './types.js';

/** How the Kaplan–Meier groups are formed. */
export type SurvivalGroupBy =
  /** High vs low predicted risk of one model, cut at the median of its training predictions. */
  | { by: 'radscore'; model: string }
  /** The levels of a categorical column of the table. */
  | { by: 'column'; column: string };

export interface SurvivalRequest {
  /** Follow-up time column (e.g. 'pfs_months') and event column (1/0, yes/no, event/censored). */
  time: string;
  event: string;
  group: SurvivalGroupBy;
  /** Rows of one set, or every analysis row ('all'; not with a rad-score grouping). */
  set: SetKey | 'all';
}

export interface KaplanMeierGroup {
  label: string;
  n: number;
  events: number;
  /** survfit rows: every distinct time (events and censorings), in order. */
  time: number[];
  nRisk: number[];
  nEvent: number[];
  nCensor: number[];
  survival: number[];
  lower: number[];
  upper: number[];
  /** Median survival time (first time S ≤ 0.5), null when not reached. */
  median: number | null;
}

export interface KaplanMeierFigure {
  analysis: string;
  timeColumn: string;
  eventColumn: string;
  set: SetKey | 'all';
  /** What the groups are, e.g. 'Rad-score (LR): high vs low (training median 0.412)'. */
  groupLabel: string;
  /** The median cut of the rad-score grouping (predicted probability scale). */
  cut: number | null;
  groups: KaplanMeierGroup[];
  /** Number at risk per group (rows) at `times`. */
  atRisk: { times: number[]; counts: number[][] };
  /** survdiff (rho = 0); null with a single group. */
  logRank: { statistic: number; df: number; pValue: number } | null;
  /** Rows left out for a missing time, event or group. */
  nMissing: number;
}

export interface CorrelationFigure {
  analysis: string;
  method: 'pearson' | 'spearman';
  clustered: boolean;
  /** Training rows the correlations are computed on (complete cases per pair). */
  n: number;
  features: string[];
  /** Symmetric matrix in `features` order (already clustered when asked). */
  r: number[][];
}

export interface FlowBox {
  label: string;
  patients: number;
  /** Rows (lesions) where they differ from patients. */
  rows?: number;
}

export interface StudyFlow {
  analysis: string;
  /** Main column, top to bottom. */
  main: FlowBox[];
  /** Exclusions beside the main column: after main[at], with the reason. */
  excluded: { at: number; label: string; patients: number; rows?: number }[];
  /** Split of the analysed set. */
  sets: FlowBox[];
}

export type ChecklistStatus = 'reported' | 'partly' | 'not reported' | 'not applicable';

export interface ChecklistItem {
  checklist: 'TRIPOD' | 'CLEAR';
  /** The official item number (TRIPOD 2015: '1'…'22' with letters; CLEAR v1.0: '1'…'58'). */
  item: string;
  /** The checklist's section, e.g. 'Methods' (TRIPOD) or 'Method — Segmentation' (CLEAR). */
  section: string;
  topic: string;
  status: ChecklistStatus;
  /** Where it is reported (report file / table / figure), or what is missing. */
  where: string;
  /** What the app knows, e.g. '160 patients, 2 centers'. */
  detail: string;
}
