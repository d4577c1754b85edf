import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
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

/** Dashboards and exports of stored analyses: figure data for the renderer, files for the paper. */
export class ReportService {
  constructor(
    private readonly analyses: AnalysisService,
    private readonly version: string,
  ) {}

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
  }): Promise<ReportExportResult> {
    const src = { ...this.load(p.id), software: { name: 'RadStudy', version: this.version } };
    const dir = path.resolve(p.dir);
    // Figures asked for, checked before anything is written.
    const all = p.format === 'svg' || p.format === 'png' ? chartCatalogue(figureData(src.result)) : [];
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
    if (p.format === 'all') return writeReport(dir, src, { dpi: [300, 600] });
    const files: string[] = [];
    const warnings: string[] = [];
    const put = (name: string, data: string | Buffer): void => {
      writeFileSync(path.join(dir, name), data);
      files.push(name);
    };
    if (p.format === 'svg' || p.format === 'png') {
      for (const c of charts) {
        const svg = renderSvg(c.option);
        if (p.format === 'svg') put(`${c.id}.svg`, svg);
        else put(`${c.id}_${p.dpi}dpi.png`, svgToPng(svg, p.dpi));
      }
      return { dir, files, warnings };
    }
    const { ds, warning } = reloadDataset(src);
    if (warning) warnings.push(warning);
    const tables = reportTables(src.result, ds);
    if (p.format === 'xlsx') put('tables.xlsx', await tablesToXlsx(tables));
    else put('tables.docx', await tablesToDocx(tables, methodsParagraph(src.result, src.software)));
    return { dir, files, warnings };
  }
}
