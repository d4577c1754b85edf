import type { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { appVersion } from '../../db/paths.js';
import { runAnalysis } from '../compute/ml/analysis.js';
import type { AnalysisResult, SetName } from '../compute/ml/analysis.js';
import { datasetFromTable } from '../compute/ml/dataset.js';
import { AnalysisSpecError, analysisSpecJsonSchema, parseAnalysisSpec, type AnalysisSpec } from '../compute/ml/spec.js';
import { StatsInputError } from '../compute/stats/common.js';
import type { StoredSplitInput } from '../compute/ml/storedSplit.js';
import type { SplitDetail } from '../api/splits.js';
import { readCsv } from '../services/cohort/table-reader.js';
import { createServices } from '../services/index.js';

/**
 * The feature table of a study extraction joined with the cohort, as the Extraction view's
 * "Use in analysis" writes it (CSV in a temporary folder), read back as the analysis input.
 */
async function studyTable(
  study: string,
  extraction: string,
  reader: string | undefined,
  spec: AnalysisSpec,
): Promise<{ bytes: Buffer; name: string; icc?: Map<string, number>; storedSplit?: StoredSplitInput }> {
  const services = createServices({ mode: 'test' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'radstudy-analyze-'));
  try {
    const opened = await services.router.call('study.open', { path: path.resolve(study), readOnly: true });
    if (!opened.ok) throw new StatsInputError(opened.error.message);
    const list = await services.router.call('extraction.list', {});
    if (!list.ok) throw new StatsInputError(list.error.message);
    const all = list.data as { id: number; name: string }[];
    const found = all.find((e) => e.name === extraction);
    if (!found)
      throw new StatsInputError(
        `the study has no extraction named "${extraction}" (it has: ${all.map((e) => `"${e.name}"`).join(', ') || 'none'})`,
      );
    const file = path.join(dir, 'features.csv');
    const r = await services.router.call('extraction.export', {
      id: found.id,
      path: file,
      includeCohort: true,
      ...(reader ? { reader } : {}),
    });
    if (!r.ok) throw new StatsInputError(r.error.message);
    // An ICC step naming a stored extraction: the ICCs of its two readers, from this study.
    const step = spec.steps.find((st) => st.step === 'icc' && st.extraction !== undefined);
    let icc: Map<string, number> | undefined;
    if (step?.step === 'icc' && step.extraction !== undefined) {
      const ex = all.find((e) => (typeof step.extraction === 'number' ? e.id === step.extraction : e.name === step.extraction));
      if (!ex)
        throw new StatsInputError(
          `the ICC step names extraction ${JSON.stringify(step.extraction)}, which the study does not have`,
        );
      const a = await services.router.call('agreement.features', {
        extractionId: ex.id,
        readers: step.readers ?? ['R1', 'R2'],
        form: step.form ?? 'ICC2',
        threshold: step.min,
      });
      if (!a.ok) throw new StatsInputError(a.error.message);
      const features = (a.data as { features: { column: string; icc: number | null }[] }).features;
      icc = new Map(features.filter((f) => f.icc !== null).map((f) => [f.column, f.icc!]));
    }
    // A stored split: its patients' sets and folds, from this study.
    let storedSplit: StoredSplitInput | undefined;
    if (spec.split.method === 'stored') {
      const sp = await services.router.call('splits.get', { name: spec.split.name });
      if (!sp.ok) throw new StatsInputError(sp.error.message);
      const d = sp.data as SplitDetail;
      storedSplit = {
        name: spec.split.name,
        roles: Object.fromEntries(d.patients.map((p) => [p.patient, p.set])),
        folds: Object.fromEntries(d.patients.filter((p) => p.folds.length > 0).map((p) => [p.patient, p.folds])),
      };
    }
    return {
      ...(icc ? { icc } : {}),
      ...(storedSplit ? { storedSplit } : {}),
      bytes: readFileSync(file),
      name: `${path.basename(study)} extraction "${extraction}"${reader ? ` reader ${reader}` : ''}`,
    };
  } finally {
    await services.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where `radstudy analyze` writes and how it reports its exit code (tests pass their own). */
export interface AnalyzeIo {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
  version: string;
}

const processIo = (): AnalyzeIo => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  setExitCode: (code) => void (process.exitCode = code),
  version: appVersion(),
});

function fmt(v: number | undefined | null, digits = 3): string {
  return v === undefined || v === null || Number.isNaN(v) ? '—' : v.toFixed(digits);
}

/** The summary printed after a run: AUC (95% CI) per model and set. */
export function summaryTable(r: AnalysisResult): string {
  const sets: SetName[] = ['train', 'cv', 'test', 'external'];
  const used = sets.filter((s) => r.models.some((m) => m.metrics[s]));
  const lines = [
    `${r.spec.name}: ${r.rows.n} rows (${r.split.counts.train.rows} train, ${r.split.counts.test.rows} test, ${r.split.counts.external.rows} external), ${r.features.candidates} candidate features`,
    ['model'.padEnd(24), 'features'.padStart(8), ...used.map((s) => `AUC ${s}`.padStart(22))].join(' '),
  ];
  for (const m of r.models) {
    const cells = used.map((s) => {
      const x = m.metrics[s];
      return (x ? `${fmt(x.auc)} (${fmt(x.aucCi?.[0])}–${fmt(x.aucCi?.[1])})` : '—').padStart(22);
    });
    lines.push([m.name.slice(0, 24).padEnd(24), String(m.features.length).padStart(8), ...cells].join(' '));
  }
  for (const m of r.models) {
    const e = m.explanation;
    if (!e) continue;
    // The SHAP method the explain step chose for the model kind, and the five largest mean |SHAP|.
    const top = e.features
      .map((f, j) => ({ f, v: e.meanAbsShap[j]! }))
      .sort((a, b) => b.v - a.v)
      .slice(0, 5)
      .map((t) => `${t.f} ${fmt(t.v)}`);
    lines.push(`SHAP (${m.name}): ${e.method}, ${e.scale}, ${e.set} set of ${e.rows.length}; mean |SHAP|: ${top.join(', ')}`);
  }
  for (const m of r.models) for (const w of m.warnings) lines.push(`warning (${m.name}): ${w}`);
  return lines.join('\n') + '\n';
}

export function registerAnalyzeCommand(program: Command, io: AnalyzeIo = processIo()): void {
  program
    .command('analyze')
    .description('run an analysis spec (split, pipeline, models, metrics) on a feature table, headless')
    .argument('[spec]', 'analysis spec (JSON, version 1)')
    .option('--data <file>', 'feature table (CSV: one row per lesion, columns named in the spec)')
    .option('--study <file>', "instead of --data: a study's extraction joined with its cohort (with --extraction)")
    .option('--extraction <name>', 'name of the study extraction to analyse')
    .option('--reader <code>', "rows of one reader's segmentations (e.g. REF or R1)")
    .option('--out <file>', 'results (JSON) to write')
    .option('--schema', 'print the JSON Schema of the analysis spec and exit')
    .action(
      async (
        specFile: string | undefined,
        opts: { data?: string; study?: string; extraction?: string; reader?: string; out?: string; schema?: boolean },
      ) => {
        if (opts.schema) {
          io.out(JSON.stringify(analysisSpecJsonSchema(), null, 2) + '\n');
          return;
        }
        if (!specFile || !(opts.data || (opts.study && opts.extraction)) || (opts.data && opts.study) || !opts.out) {
          io.err(
            'radstudy analyze: give a spec, --data FILE.csv (or --study S --extraction NAME [--reader R]) and --out RESULTS.json (see --help)\n',
          );
          io.setExitCode(2);
          return;
        }
        let raw: unknown;
        try {
          raw = JSON.parse(readFileSync(specFile, 'utf8'));
        } catch (e) {
          io.err(`radstudy analyze: cannot read ${specFile}: ${(e as Error).message}\n`);
          io.setExitCode(2);
          return;
        }
        try {
          const spec = parseAnalysisSpec(raw, path.basename(specFile));
          if (opts.data && spec.steps.some((st) => st.step === 'icc' && st.extraction !== undefined))
            throw new StatsInputError(
              'the ICC step names a study extraction: give --study S --extraction NAME instead of --data',
            );
          if (opts.data && spec.split.method === 'stored')
            throw new StatsInputError(
              `the spec uses the split "${spec.split.name}" stored in a study: give --study S --extraction NAME instead of --data`,
            );
          const input: { bytes: Buffer; name: string; icc?: Map<string, number>; storedSplit?: StoredSplitInput } = opts.data
            ? { bytes: readFileSync(opts.data), name: path.basename(opts.data) }
            : await studyTable(opts.study!, opts.extraction!, opts.reader, spec);
          const table = readCsv(input.bytes, input.name);
          const ds = datasetFromTable(
            table.header,
            table.rows.map((r) => r.cells),
            spec,
            input.name,
          );
          if (input.icc) ds.icc = input.icc;
          const result = runAnalysis(spec, ds, input.storedSplit ? { storedSplit: input.storedSplit } : {});
          await writeFile(opts.out, JSON.stringify({ ...result, radstudy: io.version }, null, 1) + '\n');
          io.out(summaryTable(result));
          io.out(`Results written to ${opts.out}\n`);
        } catch (e) {
          if (e instanceof AnalysisSpecError || e instanceof StatsInputError) {
            io.err(`radstudy analyze: ${e.message}\n`);
            io.setExitCode(e instanceof AnalysisSpecError ? 2 : 1);
            return;
          }
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
            io.err(`radstudy analyze: ${(e as Error).message}\n`);
            io.setExitCode(2);
            return;
          }
          throw e;
        }
      },
    );
}
