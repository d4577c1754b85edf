import { Command, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkStudyFile, type CheckReport } from '../../db/check.js';
import { appVersion, packageRoot } from '../../db/paths.js';
import type { ImportPreview } from '../api/cohort.js';
import { toApiError } from '../api/errors.js';
import { startHttpBridge } from '../server/http.js';
import { createServices } from '../services/index.js';
import { parseVoxelResource, voxelsOf } from '../services/viewer/service.js';
import { registerAnalyzeCommand } from './analyze.js';
import { registerReadersCommands } from './readers.js';
import { registerDemoCommand } from './demo.js';
import { registerExtractCommand } from './extract.js';
import { registerDerivedImageCommands } from './derived.js';
import { registerReportCommand } from './report.js';
import { registerImageCommands } from './images.js';
import { registerDeidentifyExport } from './deidentify.js';
import { registerSegmentationCommands } from './segmentation.js';
import { registerSegmentationCopyCommand } from './segmentationCopy.js';
import { registerSplitCommands } from './split.js';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

function printCheck(r: CheckReport): void {
  const lines = [`Study file   ${r.path}`];
  if (r.error) {
    lines.push(`Result       FAILED: ${r.error.message}`);
  } else {
    lines.push(`Name         ${r.name ?? '(unknown)'}`);
    lines.push(
      `Schema       ${r.schemaVersion} (this RadStudy: ${r.supportedSchema})${r.needsUpgrade ? ' — will be upgraded on the next open, after a backup' : ''}`,
    );
    if (r.fileBytes !== null) lines.push(`Size         ${(r.fileBytes / 1048576).toFixed(2)} MB`);
    lines.push('Integrity    ok');
    if (r.foreignKeyViolations !== null)
      lines.push(`Foreign keys ${r.foreignKeyViolations === 0 ? 'ok' : `${r.foreignKeyViolations} violation(s)`}`);
    if (r.openElsewhere) lines.push(`Open in      ${r.openElsewhere}`);
    for (const [t, n] of Object.entries(r.tables)) lines.push(`  ${t.padEnd(22)} ${n}`);
    lines.push(`Result       ${r.ok ? 'OK' : 'PROBLEMS FOUND'}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

export function buildCli(): Command {
  const program = new Command();
  program
    .name('radstudy')
    .description('RadStudy: multicenter breast-MRI radiomics studies from cohort to publication.')
    .version(appVersion(), '-v, --version', 'print the RadStudy version')
    .showHelpAfterError();

  program
    .command('serve')
    .description('serve the app in a browser on 127.0.0.1 (browser mode), with a per-run access token')
    .option('-s, --study <file>', 'study file to open (*.radstudy)')
    .option('--create', 'create the study file if it does not exist')
    .option('--name <name>', 'name of a study created with --create')
    .option('--read-only', 'open the study read-only')
    .option('-p, --port <n>', 'port on 127.0.0.1 (default: a free port)', portNumber, 0)
    .action(async (opts: { study?: string; create?: boolean; name?: string; readOnly?: boolean; port: number }) => {
      const staticDir = path.join(packageRoot(), 'dist', 'renderer');
      if (!existsSync(path.join(staticDir, 'index.html'))) {
        process.stderr.write('The renderer is not built yet: run `npm run build` first (or `npm start`).\n');
        process.exitCode = 1;
        return;
      }
      const services = createServices({ mode: 'browser' });
      if (opts.study) {
        const file = path.resolve(opts.study);
        const call =
          !existsSync(file) && opts.create
            ? await services.router.call('study.create', { path: file, name: opts.name ?? path.basename(file, '.radstudy') })
            : await services.router.call('study.open', { path: file, readOnly: opts.readOnly ?? false });
        if (!call.ok) {
          process.stderr.write(`radstudy serve: ${call.error.message}\n`);
          await services.shutdown();
          process.exitCode = 1;
          return;
        }
      }
      const bridge = await startHttpBridge({
        router: services.router,
        events: services.events,
        staticDir,
        port: opts.port,
        voxels: (kind, id) => voxelsOf(services.viewer, parseVoxelResource(kind, id)),
      });
      process.stdout.write(`RadStudy is running in browser mode. Open:\n${bridge.url}\n`);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await bridge.close();
        await services.shutdown();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
    });

  program
    .command('check')
    .description('check a study file: integrity, schema version, foreign keys, table sizes (read-only)')
    .argument('[file]', 'study file (*.radstudy)')
    .option('-s, --study <file>', 'study file (same as the argument)')
    .option('--json', 'print the report as JSON')
    .action((fileArg: string | undefined, opts: { study?: string; json?: boolean }) => {
      const file = fileArg ?? opts.study;
      if (!file) {
        process.stderr.write('radstudy check: name the study file, e.g. `radstudy check my.radstudy`.\n');
        process.exitCode = 2;
        return;
      }
      const report = checkStudyFile(path.resolve(file));
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else printCheck(report);
      process.exitCode = report.ok ? 0 : 1;
    });

  program
    .command('create')
    .description('create a new, empty study file')
    .argument('<file>', 'new study file (*.radstudy)')
    .option('--name <name>', 'study name (default: the file name)')
    .action(async (file: string, opts: { name?: string }) => {
      const services = createServices({ mode: 'test' });
      const abs = path.resolve(file);
      const r = await services.router.call('study.create', { path: abs, name: opts.name ?? path.basename(abs, '.radstudy') });
      await services.shutdown();
      if (!r.ok) {
        process.stderr.write(`radstudy create: ${r.error.message}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`Created ${abs}\n`);
    });

  const withStudy = async <T>(
    study: string,
    work: (services: ReturnType<typeof createServices>) => Promise<T>,
  ): Promise<T | undefined> => {
    const services = createServices({ mode: 'test' });
    try {
      const opened = await services.router.call('study.open', { path: path.resolve(study) });
      if (!opened.ok) {
        process.stderr.write(`radstudy: ${opened.error.message}\n`);
        process.exitCode = 1;
        return undefined;
      }
      return await work(services);
    } finally {
      await services.shutdown();
    }
  };

  const importCmd = program.command('import').description('import data into a study');
  importCmd
    .command('clinical')
    .description('import clinical/pathology data from CSV or XLSX (all or nothing; problems are listed by row and column)')
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('-f, --file <file>', 'CSV, TSV or XLSX file')
    .option('-m, --mapping <json>', 'column mapping (JSON); default: matched from the column names')
    .option('--dry-run', 'only validate and show what would change')
    .action(async (opts: { study: string; file: string; mapping?: string; dryRun?: boolean }) => {
      await withStudy(opts.study, async (services) => {
        const file = path.resolve(opts.file);
        let mapping: unknown;
        if (opts.mapping) {
          try {
            mapping = JSON.parse(readFileSync(opts.mapping, 'utf8'));
          } catch (err) {
            process.stderr.write(
              `radstudy import: the mapping ${opts.mapping} is not readable JSON (${(err as Error).message}).\n`,
            );
            process.exitCode = 1;
            return;
          }
        } else {
          const inspected = await services.router.call('cohort.import.inspect', { path: file });
          if (!inspected.ok) throw inspected.error;
          mapping = (inspected.data as { suggested: unknown }).suggested;
        }
        const preview = await services.router.call('cohort.import.preview', { path: file, mapping });
        if (!preview.ok) {
          process.stderr.write(`radstudy import: ${preview.error.message}\n`);
          process.exitCode = 1;
          return;
        }
        const p = preview.data as ImportPreview;
        const out: string[] = [
          `File        ${p.file} (${p.rows} rows; ${p.detected.encoding}${p.detected.delimiter ? `, delimiter ${p.detected.delimiter}` : ''})`,
        ];
        if (p.ignoredColumns.length) out.push(`Ignored     ${p.ignoredColumns.join(', ')}`);
        out.push(
          `Creates     ${p.creates.centers.length} center(s), ${p.creates.patients} patient(s), ${p.creates.lesions} lesion(s)`,
        );
        out.push(`Changes     ${p.changeCount} value(s) changed, ${p.unchanged} unchanged`);
        for (const c of p.changes.slice(0, 50)) out.push(`  ${c.entity} ${c.key} ${c.field}: ${c.old ?? '—'} → ${c.new ?? '—'}`);
        if (!p.ok) {
          out.push(`Problems    ${p.problemCount} (nothing imported):`);
          for (const pr of p.problems)
            out.push(
              `  row ${pr.row ?? '-'}, column ${pr.column ?? '-'}${pr.value !== null ? `, value "${pr.value}"` : ''}: ${pr.reason}`,
            );
          process.stdout.write(out.join('\n') + '\n');
          process.exitCode = 1;
          return;
        }
        if (opts.dryRun) {
          out.push('Dry run     nothing was imported');
        } else {
          const done = await services.router.call('cohort.import.commit', { path: file, mapping });
          if (!done.ok) {
            process.stderr.write(`radstudy import: ${done.error.message}\n`);
            process.exitCode = 1;
            return;
          }
          out.push(`Imported    batch ${(done.data as { batchId: number }).batchId}`);
        }
        process.stdout.write(out.join('\n') + '\n');
      });
    });

  const exportCmd = program.command('export').description('export data from a study');
  exportCmd
    .command('cohort')
    .description('export the cohort table (one row per lesion) to CSV or XLSX; identifier variables are left out')
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('-o, --out <file>', 'output .csv or .xlsx')
    .option('--include-identifiers', 'also export variables whose role is identifier')
    .action(async (opts: { study: string; out: string; includeIdentifiers?: boolean }) => {
      await withStudy(opts.study, async (services) => {
        const r = await services.router.call('cohort.export', {
          path: path.resolve(opts.out),
          includeIdentifiers: opts.includeIdentifiers ?? false,
        });
        if (!r.ok) {
          process.stderr.write(`radstudy export: ${r.error.message}\n`);
          process.exitCode = 1;
          return;
        }
        const d = r.data as { path: string; rows: number; columns: number };
        process.stdout.write(`Exported ${d.rows} lesion rows × ${d.columns} columns to ${d.path}\n`);
      });
    });

  registerDeidentifyExport(exportCmd);
  registerImageCommands(program);
  registerDerivedImageCommands(program);
  registerSegmentationCommands(program);
  registerSegmentationCopyCommand(program);
  registerSplitCommands(program);
  registerExtractCommand(program);
  registerAnalyzeCommand(program);
  registerReportCommand(program);
  registerDemoCommand(program);
  registerReadersCommands(program);

  return program;
}

export async function main(argv = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`radstudy: ${toApiError(err).message}\n`);
    process.exitCode = 1;
  }
}

// Run when started directly (`node --import tsx main/cli/index.ts …` from the sources);
// bin/radstudy.js imports this module and calls main() itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
