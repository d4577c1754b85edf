import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appVersion } from '../../db/paths.js';
import type { AnalysisResult } from '../compute/ml/analysis.js';
import type { AnalysisSummary } from '../api/analysis.js';
import { createServices } from '../services/index.js';
import { writeReport } from '../report/writeReport.js';
import type { ReportSource } from '../report/writeReport.js';
import { StatsInputError } from '../compute/stats/common.js';
import type { SurvivalRequest } from '../report/charts/studyTypes.js';
import type { CohortFlowInput } from '../report/flow.js';
import { withCohortColumns, type CohortColumnsSource } from '../report/analysisTable.js';
import Database from 'better-sqlite3';
import type { ExtractionFacts } from '../report/extractionFacts.js';
import { analysisExtraction } from '../services/report/extractionSource.js';

/** Where `radstudy report` writes and how it reports its exit code (tests pass their own). */
export interface ReportIo {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
  version: string;
}

const processIo = (): ReportIo => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  setExitCode: (code) => void (process.exitCode = code),
  version: appVersion(),
});

class ReportInputError extends Error {}

/** A stored analysis of a study, by id or by name (the newest of that name). */
async function fromStudy(
  study: string,
  analysis: string,
): Promise<
  Omit<ReportSource, 'software'> & {
    cohortFlow: CohortFlowInput | null;
    cohort: CohortColumnsSource | null;
    extraction: ExtractionFacts | null;
  }
> {
  const services = createServices({ mode: 'test' });
  try {
    const opened = await services.router.call('study.open', { path: path.resolve(study), readOnly: true });
    if (!opened.ok) throw new ReportInputError(opened.error.message);
    const list = await services.router.call('analysis.list', {});
    if (!list.ok) throw new ReportInputError(list.error.message);
    const all = list.data as AnalysisSummary[];
    const found = /^\d+$/.test(analysis) ? all.find((a) => a.id === Number(analysis)) : all.find((a) => a.name === analysis);
    if (!found)
      throw new ReportInputError(
        `the study has no analysis "${analysis}" (it has: ${all.map((a) => `${a.id} "${a.name}"`).join(', ') || 'none'})`,
      );
    const got = await services.router.call('analysis.get', { id: found.id });
    if (!got.ok) throw new ReportInputError(got.error.message);
    const { summary, result } = got.data as { summary: AnalysisSummary; result: unknown };
    const flow = await services.router.call('cohort.flow', {});
    const cohort = await services.router.call('cohort.table', {});
    // The stored extraction the features came from (CLEAR pre-processing items, methods).
    const db = new Database(path.resolve(study), { readonly: true, fileMustExist: true });
    let extraction: ExtractionFacts | null;
    try {
      extraction = analysisExtraction(db, result as AnalysisResult);
    } finally {
      db.close();
    }
    return {
      extraction,
      result: result as AnalysisResult,
      dataSource: summary.dataSource,
      dataSha256: summary.dataSha256,
      cohortFlow: flow.ok ? (flow.data as CohortFlowInput) : null,
      cohort: cohort.ok ? (cohort.data as CohortColumnsSource) : null,
    };
  } finally {
    await services.shutdown();
  }
}

function fromFiles(resultFile: string, dataFile: string): Omit<ReportSource, 'software'> {
  let result: AnalysisResult;
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8')) as AnalysisResult;
  } catch (e) {
    throw new ReportInputError(`cannot read the results ${resultFile}: ${(e as Error).message}`);
  }
  if (result?.format !== 'radstudy-analysis-result')
    throw new ReportInputError(`${resultFile} is not a RadStudy analysis result (written by \`radstudy analyze --out\`)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(dataFile);
  } catch (e) {
    throw new ReportInputError(`cannot read the feature table ${dataFile}: ${(e as Error).message}`);
  }
  return { result, dataSource: path.resolve(dataFile), dataSha256: createHash('sha256').update(bytes).digest('hex') };
}

function dpiList(v: string): number[] {
  if (v === 'none') return [];
  return v.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 72 || n > 1200)
      throw new ReportInputError(`--dpi: "${s}" is not a resolution from 72 to 1200`);
    return n;
  });
}

const SETS = ['train', 'cv', 'test', 'external', 'all'] as const;

/** --km-time/--km-event/--km-group/--km-set as a Kaplan–Meier request (null without --km-time). */
function survivalRequest(
  r: AnalysisResult,
  o: { kmTime?: string; kmEvent?: string; kmGroup?: string; kmSet?: string },
): SurvivalRequest | null {
  if (!o.kmTime && !o.kmEvent && !o.kmGroup) return null;
  if (!o.kmTime || !o.kmEvent)
    throw new ReportInputError('--km-time and --km-event go together (e.g. --km-time pfs_months --km-event pfs_event)');
  const g = o.kmGroup ?? r.models.find((m) => m.radScore)?.name ?? r.models[0]?.name ?? '';
  const group: SurvivalRequest['group'] = g.startsWith('column:')
    ? { by: 'column', column: g.slice(7) }
    : { by: 'radscore', model: g };
  const present = (['external', 'test', 'train'] as const).find((s) => r.split.role.includes(s)) ?? 'train';
  const set = (o.kmSet ?? (group.by === 'column' ? 'all' : present)) as SurvivalRequest['set'];
  if (!SETS.includes(set)) throw new ReportInputError(`--km-set: "${o.kmSet}" is not one of ${SETS.join(', ')}`);
  return { time: o.kmTime, event: o.kmEvent, group, set };
}

export function registerReportCommand(program: Command, io: ReportIo = processIo()): void {
  program
    .command('report')
    .description(
      'write the tables (XLSX, CSV, DOCX), figures (SVG, PNG 300/600 dpi), methods and reproducibility bundle of an analysis',
    )
    .option('-s, --study <file>', 'study file whose stored analysis to report (with --analysis)')
    .option('-a, --analysis <idOrName>', 'stored analysis: its id or name (the newest of that name)')
    .option('--result <file>', 'instead of --study: results JSON written by `radstudy analyze --out` (with --data)')
    .option('--data <file>', 'the feature table the results came from (hashed; Table 1 by outcome)')
    .option('--dpi <list>', 'PNG resolutions, comma-separated, or "none"', '300,600')
    .option('--km-time <column>', 'Kaplan–Meier figure: follow-up time column of the feature table (e.g. pfs_months)')
    .option('--km-event <column>', 'Kaplan–Meier figure: event column (1/0, yes/no, event/censored)')
    .option(
      '--km-group <model|column:NAME>',
      'groups: a model (high/low at its training median risk; default the rad-score) or column:NAME',
    )
    .option('--km-set <set>', 'rows: train, cv, test, external or all (default external, else test; all for a column)')
    .option('--correlation <method>', 'correlation heatmap: pearson or spearman (clustered order)', 'pearson')
    .requiredOption('-o, --out <dir>', 'folder to write into')
    .action(
      async (opts: {
        study?: string;
        analysis?: string;
        result?: string;
        data?: string;
        dpi: string;
        out: string;
        kmTime?: string;
        kmEvent?: string;
        kmGroup?: string;
        kmSet?: string;
        correlation: string;
      }) => {
        const byStudy = !!(opts.study && opts.analysis);
        const byFile = !!(opts.result && opts.data);
        if (byStudy === byFile || (opts.study && opts.result)) {
          io.err('radstudy report: give --study S --analysis A, or --result RESULTS.json --data FEATURES.csv, and --out DIR\n');
          io.setExitCode(2);
          return;
        }
        try {
          const dpi = dpiList(opts.dpi);
          const src = byStudy ? await fromStudy(opts.study!, opts.analysis!) : fromFiles(opts.result!, opts.data!);
          if (opts.correlation !== 'pearson' && opts.correlation !== 'spearman')
            throw new ReportInputError(`--correlation: "${opts.correlation}" is not pearson or spearman`);
          const km = survivalRequest(src.result, opts);
          const written = await writeReport(
            opts.out,
            { ...src, software: { name: 'RadStudy', version: io.version } },
            {
              dpi,
              study: {
                ...(km ? { survival: [km] } : {}),
                correlation: { method: opts.correlation, clustered: true },
                cohortFlow: (src as { cohortFlow?: CohortFlowInput | null }).cohortFlow ?? null,
                extraction: (src as { extraction?: ExtractionFacts | null }).extraction ?? null,
                extendTable: (t) => {
                  const cohort = (src as { cohort?: CohortColumnsSource | null }).cohort;
                  return cohort ? withCohortColumns(t, cohort, src.result.rows.groups) : t;
                },
              },
            },
          );
          for (const w of written.warnings) io.err(`radstudy report: warning: ${w}\n`);
          const figures = written.files.filter((f) => f.endsWith('.svg')).length;
          io.out(
            `${src.result.spec.name}: ${figures} figures, ${written.files.filter((f) => f.endsWith('.csv')).length} tables\n`,
          );
          io.out(`Report written to ${written.dir} (${written.files.length} files)\n`);
        } catch (e) {
          if (e instanceof ReportInputError || e instanceof StatsInputError) {
            io.err(`radstudy report: ${e.message}\n`);
            io.setExitCode(1);
            return;
          }
          throw e;
        }
      },
    );
}
