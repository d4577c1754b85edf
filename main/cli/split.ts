import type { Command } from 'commander';
import path from 'node:path';
import { appVersion } from '../../db/paths.js';
import type { SplitDetail, SplitSummary } from '../api/splits.js';
import { createServices } from '../services/index.js';

/** Where `radstudy split` writes and how it reports its exit code (tests pass their own). */
export interface SplitIo {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
  version: string;
}

const processIo = (): SplitIo => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  setExitCode: (code) => void (process.exitCode = code),
  version: appVersion(),
});

const pct = (a: number, b: number): string => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '–');

/** The split as text: counts per set, folds, then the balance table with its tests and p-values. */
export function splitText(d: SplitDetail): string {
  const s = d.split;
  const lines = [`Split "${s.name}": ${s.method}${s.seed !== null ? `, seed ${s.seed}` : ''}, created ${s.createdAt}`];
  lines.push(
    ['set'.padEnd(10), 'patients'.padStart(9), 'lesions'.padStart(8), 'events'.padStart(7), 'rate'.padStart(7)].join(' '),
  );
  for (const [key, label] of [
    ['train', 'Training'],
    ['test', 'Test'],
    ['external', 'External'],
  ] as const) {
    const c = s.counts[key];
    if (c.patients === 0) continue;
    lines.push(
      [
        label.padEnd(10),
        String(c.patients).padStart(9),
        String(c.lesions).padStart(8),
        String(c.events).padStart(7),
        pct(c.events, c.known).padStart(7),
      ].join(' '),
    );
  }
  if (s.folds)
    lines.push(
      `Folds: ${s.folds.method === 'loocv' ? 'leave one patient out' : `${s.folds.k}-fold`}${s.folds.repeats > 1 ? ` × ${s.folds.repeats} repeats` : ''} on the training patients`,
    );
  if (d.balance.length > 0) {
    lines.push('', ['variable'.padEnd(28), ...d.sets.map((x) => x.padStart(20)), 'test'.padStart(18), 'p'.padStart(7)].join(' '));
    for (const b of d.balance) {
      const name = b.level === null ? b.variable : `${b.variable}: ${b.level}`;
      lines.push(
        [
          `${name}${b.unit === 'lesions' ? ' (lesions)' : ''}`.slice(0, 28).padEnd(28),
          ...b.cells.map((c) => c.padStart(20)),
          (b.test ?? '').padStart(18),
          (b.pValue === null ? '' : b.pValue < 0.001 ? '<0.001' : b.pValue.toFixed(3)).padStart(7),
        ].join(' '),
      );
    }
  }
  return lines.join('\n') + '\n';
}

function fraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new Error(`--test ${v}: give the test share as a number between 0 and 1, e.g. 0.3`);
  return n;
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

async function withStudy<T>(
  io: SplitIo,
  study: string,
  readOnly: boolean,
  use: (call: (method: string, input: unknown) => Promise<unknown>) => Promise<T>,
): Promise<void> {
  const services = createServices({ mode: 'test' });
  try {
    const opened = await services.router.call('study.open', { path: path.resolve(study), readOnly });
    if (!opened.ok) throw new Error(opened.error.message);
    await use(async (method, input) => {
      const r = await services.router.call(method, input);
      if (!r.ok) throw new Error(r.error.message);
      return r.data;
    });
  } catch (e) {
    io.err(`radstudy split: ${(e as Error).message}\n`);
    io.setExitCode(1);
  } finally {
    await services.shutdown();
  }
}

export function registerSplitCommands(program: Command, io: SplitIo = processIo()): void {
  const split = program.command('split').description('named training / test / external splits stored in a study');
  split
    .command('create')
    .description(
      "split the study's patients (a patient's lesions stay together), store the split with its folds and balance table",
    )
    .requiredOption('--study <file>', 'study file')
    .requiredOption('--name <name>', 'name of the split (used by analysis specs: "split": {"method": "stored", "name": …})')
    .requiredOption('--method <method>', 'random | stratified | center | date')
    .option('--outcome <variable>', 'outcome variable to stratify on and report (needed by --method stratified)')
    .option('--positive <values>', 'comma-separated values of the outcome that mean the event')
    .option('--test <fraction>', 'share of patients in the internal test set, e.g. 0.3')
    .option('--external <centers>', 'comma-separated centers forming the external set (method center)')
    .option('--date <variable>', 'date variable (method date)')
    .option('--cutoff <date>', 'patients on or after this ISO date form the test set (method date)')
    .option('--seed <n>', 'random seed', '1')
    .option('--folds <k>', 'k-fold cross-validation folds of the training patients, or "loocv"')
    .option('--repeats <n>', 'repeats of the k-fold assignment', '1')
    .option('--balance <variables>', 'comma-separated clinical variables compared across the sets (default: age)')
    .action(
      async (o: {
        study: string;
        name: string;
        method: string;
        outcome?: string;
        positive?: string;
        test?: string;
        external?: string;
        date?: string;
        cutoff?: string;
        seed: string;
        folds?: string;
        repeats: string;
        balance?: string;
      }) => {
        let input: Record<string, unknown>;
        try {
          if ((o.outcome === undefined) !== (o.positive === undefined))
            throw new Error('give --outcome and --positive together (e.g. --outcome pcr --positive yes)');
          input = {
            name: o.name,
            method: o.method,
            seed: Number(o.seed),
            ...(o.outcome ? { outcome: { variable: o.outcome, positive: list(o.positive!) } } : {}),
            ...(o.test ? { testFraction: fraction(o.test) } : {}),
            ...(o.external ? { external: list(o.external) } : {}),
            ...(o.date ? { dateVariable: o.date } : {}),
            ...(o.cutoff ? { cutoff: o.cutoff } : {}),
            ...(o.folds
              ? {
                  folds:
                    o.folds === 'loocv'
                      ? { method: 'loocv' }
                      : { method: 'kfold', k: Number(o.folds), repeats: Number(o.repeats) },
                }
              : {}),
            ...(o.balance ? { variables: list(o.balance) } : {}),
          };
        } catch (e) {
          io.err(`radstudy split create: ${(e as Error).message}\n`);
          io.setExitCode(2);
          return;
        }
        await withStudy(io, o.study, false, async (call) => {
          const d = (await call('splits.create', input)) as SplitDetail;
          io.out(splitText(d));
        });
      },
    );
  split
    .command('show')
    .description('print a stored split: counts per set, folds and the balance table (or list the splits without --name)')
    .requiredOption('--study <file>', 'study file')
    .option('--name <name>', 'the split to show')
    .option('--patients', 'also list every patient with its set and folds')
    .action(async (o: { study: string; name?: string; patients?: boolean }) => {
      await withStudy(io, o.study, true, async (call) => {
        if (!o.name) {
          const all = (await call('splits.list', {})) as SplitSummary[];
          if (all.length === 0) io.out('No splits stored in this study.\n');
          for (const s of all)
            io.out(
              `${s.name}\t${s.method}\ttrain ${s.counts.train.patients}, test ${s.counts.test.patients}, external ${s.counts.external.patients} patients\t${s.createdAt}\n`,
            );
          return;
        }
        const d = (await call('splits.get', { name: o.name })) as SplitDetail;
        io.out(splitText(d));
        if (o.patients) {
          io.out('\npatient\tcenter\tset\tfolds\n');
          for (const p of d.patients) io.out(`${p.patient}\t${p.center}\t${p.set}\t${p.folds.join(',')}\n`);
        }
      });
    });
}
