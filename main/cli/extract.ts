import { InvalidArgumentError, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { appVersion } from '../../db/paths.js';
import { defaultPoolSize, WorkerPool } from '../compute/host/pool.js';
import type { BatchCase, CaseExtras, CaseRunner, ExtractCaseResult } from '../compute/radiomics/batch.js';
import { batchTable, extractCase, planCases, runBatch } from '../compute/radiomics/batch.js';
import { formatCsv, parseCaseList } from '../compute/radiomics/batchCsv.js';
import type { ParameterFile, RadiomicsSettings } from '../compute/radiomics/index.js';
import { parseParameterFile, RadiomicsInputError } from '../compute/radiomics/index.js';

/** Where `radstudy extract` writes and how it reports its exit code (tests pass their own). */
export interface ExtractIo {
  out(text: string): void;
  err(text: string): void;
  /** Show a progress line on stderr (a terminal). */
  progress: boolean;
  setExitCode(code: number): void;
  version: string;
}

const processIo = (): ExtractIo => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  progress: process.stderr.isTTY === true,
  setExitCode: (code) => void (process.exitCode = code),
  version: appVersion(),
});

interface ExtractOptions {
  params?: string;
  study?: string;
  name?: string;
  sequences?: string;
  readers?: string;
  batch?: string;
  image?: string;
  mask?: string;
  out?: string;
  /** Default: one worker per core. */
  jobs?: number;
  label?: number;
}

function wholeNumber(min: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${what} is a whole number ≥ ${min}`);
    return n;
  };
}

/** Usage problems: bad parameter file, bad case list, wrong option combination (exit code 2). */
class UsageError extends Error {}

function loadParameters(
  file: string | undefined,
  label: number | undefined,
): { params: ParameterFile; settings: RadiomicsSettings } {
  let text = '';
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`the parameter file ${file} cannot be read (${(err as Error).message})`);
    }
  }
  const params = parseParameterFile(text, file ?? 'default parameters');
  // Global settings; each image type (Original too) adds its own keys in extractImageTypes.
  let settings = params.settings;
  if (label !== undefined) settings = { ...settings, label };
  return { params, settings };
}

const extrasOf = (params: ParameterFile): CaseExtras => ({ imageTypes: params.imageTypes, preprocessing: params.preprocessing });

/** Output cells → JSON objects; feature columns become numbers (NaN/∞ → null, as JSON has none). */
function tableAsJson(table: string[][], results: readonly ExtractCaseResult[]): Record<string, string | number | null>[] {
  const [header, ...rows] = table;
  return rows.map((row, i) => {
    const o: Record<string, string | number | null> = {};
    header!.forEach((c, j) => (o[c] = row[j]!));
    const r = results[i]!;
    if (r.ok) r.names.forEach((n, j) => (o[n] = Number.isFinite(r.values[j]!) ? r.values[j]! : null));
    return o;
  });
}

async function writeOutput(
  io: ExtractIo,
  out: string | undefined,
  table: string[][],
  results: readonly ExtractCaseResult[],
  single: boolean,
): Promise<void> {
  if (out && out.toLowerCase().endsWith('.json')) {
    const json = tableAsJson(table, results);
    await writeFile(out, JSON.stringify(single ? json[0] : json, null, 2) + '\n');
  } else if (out) {
    await writeFile(out, formatCsv(table));
  } else if (single) {
    // PyRadiomics' text output for one case: `name: value` per line.
    io.out(table[0]!.map((c, j) => `${c}: ${table[1]![j]}`).join('\n') + '\n');
  } else {
    io.out(formatCsv(table));
  }
}

function summarize(
  io: ExtractIo,
  cases: readonly BatchCase[],
  results: readonly ExtractCaseResult[],
  ms: number,
  out?: string,
): number {
  const failed = results.flatMap((r) => (r.ok ? [] : [r.error]));
  const where = out ? ` (written to ${out})` : '';
  io.err(
    `radstudy extract: ${cases.length} case(s) in ${(ms / 1000).toFixed(1)} s, ${cases.length - failed.length} succeeded, ${failed.length} failed${where}\n`,
  );
  if (failed.length) {
    for (const e of failed) io.err(`  ${e}\n`);
    io.err('  Each failed case has its message in the diagnostics_Error column; the other cases are complete.\n');
  }
  return failed.length ? 1 : 0;
}

/** The work of `radstudy extract`; returns the exit code. */
export async function runExtract(opts: ExtractOptions, io: ExtractIo): Promise<number> {
  const t0 = Date.now();
  try {
    if (!!opts.batch === !!(opts.image || opts.mask)) {
      throw new UsageError('give either --batch CASES.csv, or --image IMAGE with --mask MASK');
    }
    if (!opts.batch && !(opts.image && opts.mask)) throw new UsageError('--image and --mask go together');
    const { params, settings } = loadParameters(opts.params, opts.label);
    let cases: BatchCase[];
    let inputColumns: string[];
    if (opts.batch) {
      let text: string;
      try {
        text = readFileSync(opts.batch, 'utf8');
      } catch (err) {
        throw new UsageError(`the case list ${opts.batch} cannot be read (${(err as Error).message})`);
      }
      const table = parseCaseList(text, opts.batch);
      inputColumns = table.columns;
      cases = planCases(table, opts.batch, settings);
    } else {
      inputColumns = ['Image', 'Mask'];
      const table = { columns: inputColumns, rows: [{ line: 1, cells: { Image: opts.image!, Mask: opts.mask! } }] };
      cases = planCases(table, path.join(process.cwd(), 'command line'), settings);
      cases[0]!.where = 'command line';
    }

    let results: ExtractCaseResult[];
    if (!opts.batch) {
      // One case: this thread is as fast as a worker and needs no start-up.
      const run: CaseRunner = (args) => Promise.resolve(extractCase(args));
      results = await runBatch(cases, params.featureClasses, run, { concurrency: 1, extras: extrasOf(params) });
    } else {
      const pool = new WorkerPool(Math.min(opts.jobs ?? defaultPoolSize(), Math.max(1, cases.length)));
      try {
        const run: CaseRunner = (args, transfer) => pool.run('radiomicsExtract', args, { transfer });
        let failedSoFar = 0;
        results = await runBatch(cases, params.featureClasses, run, {
          // Two cases per worker: one computing, one read and waiting.
          concurrency: pool.size * 2,
          extras: extrasOf(params),
          onCaseDone(done, total, _c, r) {
            if (!r.ok) failedSoFar++;
            if (io.progress)
              io.err(`\rradstudy extract: ${done}/${total} cases${failedSoFar ? `, ${failedSoFar} failed` : ''}   `);
          },
        });
        if (io.progress) io.err('\n');
      } finally {
        await pool.destroy();
      }
    }
    const table = batchTable(inputColumns, cases, results, io.version, params.imageTypes);
    try {
      await writeOutput(io, opts.out, table, results, !opts.batch);
    } catch (err) {
      throw new UsageError(`cannot write ${opts.out} (${(err as Error).message}); no output was written`);
    }
    return summarize(io, cases, results, Date.now() - t0, opts.out);
  } catch (err) {
    if (err instanceof UsageError || err instanceof RadiomicsInputError) {
      io.err(`radstudy extract: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * `radstudy extract`: PyRadiomics-compatible feature extraction from the command line, one case
 * (`--image --mask`) or PyRadiomics batch mode (`--batch cases.csv`, cases in parallel on the
 * worker pool). Exit code 0 when every case succeeded, 1 when a case failed (its row carries the
 * message in diagnostics_Error), 2 for a bad parameter file, case list or option.
 */
export function registerExtractCommand(program: Command, io?: ExtractIo): Command {
  return program
    .command('extract')
    .description(
      'extract PyRadiomics features (every image type and feature class of the parameter file) for one image + mask, or a batch of cases listed in a CSV (Image,Mask[,Label] columns)',
    )
    .option('-p, --params <file>', 'PyRadiomics YAML parameter file (default: PyRadiomics defaults)')
    .option('-b, --batch <file>', 'case list CSV with Image and Mask columns (paths may be relative to the CSV)')
    .option('-i, --image <file>', 'image (NRRD or NIfTI) of a single case')
    .option('-m, --mask <file>', 'mask (NRRD or NIfTI) of a single case')
    .option('-o, --out <file>', 'output .csv or .json (default: CSV on stdout; name: value lines for one case)')
    .option('-j, --jobs <n>', 'cases extracted in parallel on the worker pool (default: one per core)', wholeNumber(1, '--jobs'))
    .option('-l, --label <n>', 'label value of the ROI in the masks (a Label column still wins)', wholeNumber(1, '--label'))
    .option('-s, --study <file>', "extract over a study's segmentations (as the Extraction view); the same --name again resumes")
    .option('--name <name>', 'name of the study extraction (default: the parameter file name)')
    .option('--sequences <list>', 'study mode: sequence labels, e.g. T2FS,DWI800,ADC,DCE3 (default: all)')
    .option('--readers <list>', 'study mode: reader codes, e.g. R1,R2 (default: all)')
    .action(async (opts: ExtractOptions) => {
      const use = io ?? processIo();
      if (opts.study) {
        if (opts.batch || opts.image || opts.mask) {
          use.err('radstudy extract: --study extracts from the study; it does not go with --batch, --image or --mask\n');
          use.setExitCode(2);
          return;
        }
        const { runStudyExtract } = await import('./studyExtract.js');
        use.setExitCode(await runStudyExtract({ ...opts, study: opts.study }, use));
        return;
      }
      use.setExitCode(await runExtract(opts, use));
    });
}
