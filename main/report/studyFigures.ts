/**
 * The figures and checklist of an analysis that go beyond its stored result: Kaplan–Meier curves
 * and the correlation heatmap (they need the analysis's table again), the flow diagram (it needs
 * the study's exclusions) and the prefilled TRIPOD/CLEAR checklist. One place builds them for the
 * report folder, the export buttons and the CLI, so all three write the same files.
 */
import { StatsInputError } from '../compute/stats/common.js';
import { loadAnalysisTable, type AnalysisTable, type TableSource } from './analysisTable.js';
import type { ChartEntry } from './charts/index.js';
import { correlationOption, kaplanMeierOption } from './charts/study.js';
import type { ChecklistItem, SurvivalRequest } from './charts/studyTypes.js';
import { reportingChecklist } from './checklist.js';
import { correlationFigure } from './correlation.js';
import { flowDiagramSvg, studyFlow, type CohortFlowInput } from './flow.js';
import { kaplanMeierFigure } from './survival.js';
import type { ExtractionFacts } from './extractionFacts.js';

export interface StudyFigureOptions {
  survival?: SurvivalRequest[];
  correlation?: { method: 'pearson' | 'spearman'; clustered: boolean };
  cohortFlow?: CohortFlowInput | null;
  /** Adds columns to the analysis table (the study's cohort variables), e.g. withCohortColumns. */
  extendTable?: (t: AnalysisTable) => AnalysisTable;
  software: { name: string; version: string };
  /** The stored study extraction the analysis' features came from (prefills CLEAR 16, 21–23, 25, 28, 55). */
  extraction?: ExtractionFacts | null;
}

export interface StudyFigures {
  charts: ChartEntry[];
  flowSvg: string;
  checklist: ChecklistItem[];
  warnings: string[];
}

export const kmChartId = (req: SurvivalRequest): string =>
  `km-${req.event}-${req.group.by === 'radscore' ? 'risk' : req.group.column}-${req.set}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-$/, '');

export function studyFigures(src: TableSource, opts: StudyFigureOptions): StudyFigures {
  const warnings: string[] = [];
  const charts: StudyFigures['charts'] = [];
  let table: AnalysisTable | null = null;
  try {
    table = loadAnalysisTable(src);
    if (opts.extendTable) table = opts.extendTable(table);
  } catch (e) {
    if (!(e instanceof StatsInputError)) throw e;
    warnings.push(`Kaplan–Meier and correlation figures left out: ${e.message}`);
  }
  let survival = false;
  let correlation = false;
  if (table) {
    for (const req of opts.survival ?? []) {
      const fd = kaplanMeierFigure(src.result, table, req);
      survival ||= req.group.by === 'radscore';
      charts.push({
        id: kmChartId(req),
        group: 'km',
        title: `Kaplan–Meier — ${req.event}`,
        option: kaplanMeierOption(fd),
      });
    }
    try {
      const c = correlationFigure(src.result, table, opts.correlation ?? { method: 'pearson', clustered: true });
      charts.push({ id: 'correlation', group: 'correlation', title: 'Feature correlations', option: correlationOption(c) });
      correlation = true;
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      warnings.push(`Correlation heatmap left out: ${e.message}`);
    }
  }
  const flowSvg = flowDiagramSvg(studyFlow(src.result, opts.cohortFlow ?? null));
  const checklist = reportingChecklist(src.result, {
    software: opts.software,
    cohortFlow: !!opts.cohortFlow && (opts.cohortFlow.steps[0]?.remaining ?? 0) > 0,
    survival,
    correlation,
    extraction: opts.extraction ?? null,
  });
  return { charts, flowSvg, checklist, warnings };
}

/** Methods sentences for the study figures that were made (appended to the methods paragraph). */
export function studyMethods(opts: Pick<StudyFigureOptions, 'survival' | 'correlation'>, made: StudyFigures): string {
  const out: string[] = [];
  const km = opts.survival ?? [];
  if (km.length && made.charts.some((c) => c.group === 'km')) {
    out.push(
      'Survival was estimated with the Kaplan–Meier method (95% confidence intervals on the log scale, Greenwood variance) and compared between groups with the log-rank test.',
    );
    if (km.some((k) => k.group.by === 'radscore'))
      out.push(
        'Patients were divided into high- and low-risk groups at the median predicted risk of the training set, and the same cut-off was applied to the test and external sets.',
      );
  }
  if (made.charts.some((c) => c.group === 'correlation')) {
    const m = opts.correlation?.method ?? 'pearson';
    out.push(
      `Correlations between the selected features were computed on the training set (${m === 'pearson' ? 'Pearson' : 'Spearman'} coefficients) and ordered by average-linkage hierarchical clustering on 1 − |r|.`,
    );
  }
  return out.join(' ');
}
