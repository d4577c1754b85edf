import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../writeAtomic.js';
import { AppError } from '../../api/errors.js';
import type { ReportExportFormat, ReportExportResult } from '../../api/report.js';
import type { AnalysisResult } from '../../compute/ml/analysis.js';
import { chartCatalogue } from '../../report/charts/index.js';
import type { FigureData } from '../../report/charts/types.js';
import { figureData } from '../../report/figureData.js';
import { methodsParagraph } from '../../report/methods.js';
import { renderSvg, svgToPng } from '../../report/render.js';
import { reportTables } from '../../report/tables.js';
import { reloadDataset, writeReport } from '../../report/writeReport.js';
import { tablesToDocx, tablesToXlsx } from '../../report/writeTables.js';
import type { AnalysisService } from '../analysis/service.js';
import { StatsInputError } from '../../compute/stats/common.js';
import {
  describeColumns,
  loadAnalysisTable,
  withCohortColumns,
  type AnalysisTable,
  type CohortColumnsSource,
} from '../../report/analysisTable.js';
import type { ChartEntry } from '../../report/charts/index.js';
import type { SurvivalRequest } from '../../report/charts/studyTypes.js';
import { checklistTable } from '../../report/checklist.js';
import { correlationFigure } from '../../report/correlation.js';
import { flowDiagramSvg, studyFlow, type CohortFlowInput } from '../../report/flow.js';
import { studyFigures, studyMethods } from '../../report/studyFigures.js';
import { kaplanMeierFigure } from '../../report/survival.js';
import type { ExtractionFacts } from '../../report/extractionFacts.js';

type CorrelationRequest = { method: 'pearson' | 'spearman'; clustered: boolean };

/** A statistics input error (bad column, bad value) as the user-facing validation error. */
function userError<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StatsInputError) throw new AppError('VALIDATION', `${what}: ${e.message}`);
    throw e;
  }
}

/** Dashboards and exports of stored analyses: figure data for the renderer, files for the paper. */
export class ReportService {
  constructor(
    private readonly analyses: AnalysisService,
    private readonly version: string,
    /** The open study's exclusion flow (cohort service), null when it cannot be read. */
    private readonly cohortFlow: () => CohortFlowInput | null = () => null,
    /** The open study's cohort table, whose patient-level variables KM and grouping may use. */
    private readonly cohortTable: () => CohortColumnsSource | null = () => null,
    /** The stored study extraction an analysis' features came from (extractionSource.ts), null if none. */
    private readonly extractionOf: (result: AnalysisResult) => ExtractionFacts | null = () => null,
  ) {}

  private extractionOrNull(result: AnalysisResult): ExtractionFacts | null {
    try {
      return this.extractionOf(result);
    } catch {
      return null;
    }
  }

  private extendTable(result: AnalysisResult): (t: AnalysisTable) => AnalysisTable {
    return (t) => {
      let cohort: CohortColumnsSource | null = null;
      try {
        cohort = this.cohortTable();
      } catch {
        cohort = null;
      }
      return cohort ? withCohortColumns(t, cohort, result.rows.groups) : t;
    };
  }

  private flowOrNull(): CohortFlowInput | null {
    try {
      return this.cohortFlow();
    } catch {
      return null;
    }
  }

  /** Kaplan–Meier, correlations, flow and checklist of one analysis, for the dashboard. */
  study(p: { id: number; survival?: SurvivalRequest; correlation?: CorrelationRequest }) {
    const src = this.load(p.id);
    const warnings: string[] = [];
    let table: ReturnType<typeof loadAnalysisTable> | null = null;
    try {
      table = this.extendTable(src.result)(loadAnalysisTable(src));
    } catch (e) {
      if (!(e instanceof StatsInputError)) throw e;
      warnings.push(e.message);
    }
    if (p.survival && !table) throw new AppError('VALIDATION', `Kaplan–Meier: ${warnings[0]}`);
    const km = p.survival && table ? userError('Kaplan–Meier', () => kaplanMeierFigure(src.result, table!, p.survival!)) : null;
    let correlation = null;
    if (table)
      try {
        correlation = correlationFigure(src.result, table, p.correlation ?? { method: 'pearson', clustered: true });
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        warnings.push(`Correlation heatmap: ${e.message}`);
      }
    const cohort = this.flowOrNull();
    const flow = studyFlow(src.result, cohort);
    const { checklist } = studyFigures(src, {
      ...(p.survival ? { survival: [p.survival] } : {}),
      ...(p.correlation ? { correlation: p.correlation } : {}),
      cohortFlow: cohort,
      extendTable: this.extendTable(src.result),
      extraction: this.extractionOrNull(src.result),
      software: { name: 'RadStudy', version: this.version },
    });
    return {
      columns: table ? describeColumns(table) : [],
      km: km as unknown as Record<string, unknown> | null,
      correlation: correlation as unknown as Record<string, unknown> | null,
      flow: flow as unknown as Record<string, unknown>,
      flowSvg: flowDiagramSvg(flow),
      checklist: checklist as unknown as Record<string, unknown>[],
      warnings,
    };
  }

  private load(id: number): { result: AnalysisResult; dataSource: string; dataSha256: string } {
    const { summary, result } = this.analyses.get(id);
    return { result: result as unknown as AnalysisResult, dataSource: summary.dataSource, dataSha256: summary.dataSha256 };
  }

  figures(id: number): FigureData {
    return figureData(this.load(id).result);
  }

  async export(p: {
    id: number;
    dir: string;
    format: ReportExportFormat;
    chart?: string;
    dpi: number;
    survival?: SurvivalRequest;
    correlation?: CorrelationRequest;
  }): Promise<ReportExportResult> {
    const src = { ...this.load(p.id), software: { name: 'RadStudy', version: this.version } };
    const dir = path.resolve(p.dir);
    const studyOpts = {
      ...(p.survival ? { survival: [p.survival] } : {}),
      ...(p.correlation ? { correlation: p.correlation } : {}),
      cohortFlow: this.flowOrNull(),
      extendTable: this.extendTable(src.result),
      extraction: this.extractionOrNull(src.result),
    };
    // Every figure, table and checklist is computed before anything is written: bad input writes nothing.
    const study = userError('Export', () => studyFigures(src, { ...studyOpts, software: src.software }));
    const flowEntry = { id: 'flow', group: 'flow', title: 'Flow diagram', option: {} } as unknown as ChartEntry;
    const all =
      p.format === 'svg' || p.format === 'png' ? [...chartCatalogue(figureData(src.result)), ...study.charts, flowEntry] : [];
    const charts = p.chart ? all.filter((c) => c.id === p.chart) : all;
    if ((p.format === 'svg' || p.format === 'png') && charts.length === 0)
      throw new AppError(
        'VALIDATION',
        `Analysis ${p.id} has no figure "${p.chart}" (it has: ${all.map((c) => c.id).join(', ')}).`,
      );
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new AppError('VALIDATION', `Cannot create the export folder ${dir}: ${(e as Error).message}`, { dir });
    }
    if (p.format === 'all') return writeReport(dir, src, { dpi: [300, 600], study: studyOpts });
    const files: string[] = [];
    const warnings: string[] = [];
    const put = (name: string, data: string | Buffer): void => {
      writeFileAtomic(path.join(dir, name), data);
      files.push(name);
    };
    if (p.format === 'svg' || p.format === 'png') {
      warnings.push(...study.warnings);
      for (const c of charts) {
        const svg = c === flowEntry ? study.flowSvg : renderSvg(c.option);
        const widthPx = Number(/width="(\d+)"/.exec(svg)?.[1]);
        if (p.format === 'svg') put(`${c.id}.svg`, svg);
        else put(`${c.id}_${p.dpi}dpi.png`, svgToPng(svg, p.dpi, Number.isFinite(widthPx) ? widthPx : undefined));
      }
      return { dir, files, warnings };
    }
    const { ds, warning } = reloadDataset(src);
    if (warning) warnings.push(warning);
    warnings.push(...study.warnings);
    const tables = [...reportTables(src.result, ds), checklistTable(study.checklist)];
    if (p.format === 'xlsx') put('tables.xlsx', await tablesToXlsx(tables));
    else {
      const extra = studyMethods(studyOpts, study);
      put(
        'tables.docx',
        await tablesToDocx(tables, methodsParagraph(src.result, src.software, studyOpts.extraction) + (extra ? ` ${extra}` : '')),
      );
    }
    return { dir, files, warnings };
  }
}
