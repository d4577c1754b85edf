import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CategoricalAgreement } from '../api/contract.js';
import { formatCsv } from '../compute/radiomics/batchCsv.js';
import { createServices, type Services } from '../services/index.js';
import { kappaCsvCells } from '../services/readers/kappaCsv.js';

/**
 * `radstudy readers …`: the dual-reader workflow's offline steps from a terminal, through the same
 * API as the Readers view.
 * - `export-package --study S --reader R --out P.zip|FOLDER [--starting-masks R1]`
 * - `import-package --study S --package P.zip|FOLDER`
 * - `write-result --package P.zip|FOLDER --out R.zip|FOLDER --mask LESION:SERIES:FILE …` (the
 *   reader's workstation: no study needed)
 * - `agreement --study S --out F.csv [--readers R1,R2] [--kind masks|features|kappa] [--extraction ID]`
 * Exit code 0 on success, 1 with the API's message on stderr otherwise (nothing changed).
 */

function fail(cmd: string, message: string): void {
  process.stderr.write(`radstudy readers ${cmd}: ${message}\n`);
  process.exitCode = 1;
}

async function withStudy(cmd: string, study: string, work: (s: Services) => Promise<void>): Promise<void> {
  const services = createServices({ mode: 'test' });
  try {
    const opened = await services.router.call('study.open', { path: path.resolve(study) });
    if (!opened.ok) return fail(cmd, opened.error.message);
    await work(services);
  } finally {
    await services.shutdown();
  }
}

function readerPair(text: string): [string, string] {
  const p = text.split(',').map((s) => s.trim());
  if (p.length !== 2 || !p[0] || !p[1])
    throw new Error(`--readers takes two reader codes separated by a comma (e.g. R1,R2), not "${text}"`);
  return [p[0], p[1]];
}

/** The kappa table as CSV: one row per variable × weighting (shared with agreement.categorical.export). */
export const kappaCsv = kappaCsvCells;

export function registerReadersCommands(program: Command): void {
  const readers = program.command('readers').description('dual-reader workflow: offline packages and agreement tables');

  readers
    .command('export-package')
    .description("write a reader's open assignments as an offline package (a .zip file, or a new folder)")
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('-r, --reader <code>', 'reader code (e.g. R2)')
    .requiredOption('-o, --out <path>', 'package file (.zip) or new folder')
    .option('--starting-masks <code>', "put this reader's masks in as starting points")
    .action(async (opts: { study: string; reader: string; out: string; startingMasks?: string }) => {
      await withStudy('export-package', opts.study, async (services) => {
        const r = await services.router.call('exchange.exportAssignment', {
          reader: opts.reader,
          folder: path.resolve(opts.out),
          ...(opts.startingMasks ? { startingMasksFrom: opts.startingMasks } : {}),
        });
        if (!r.ok) return fail('export-package', r.error.message);
        const d = r.data as { folder: string; packageId: string; items: number; files: number };
        process.stdout.write(
          `Package ${d.packageId} for ${opts.reader}: ${d.items} assignments, ${d.files} files in ${d.folder}\n`,
        );
      });
    });

  readers
    .command('import-package')
    .description('import a result package (.zip or folder): checks study, checksums and earlier imports')
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('-p, --package <path>', 'result package (.zip or folder)')
    .action(async (opts: { study: string; package: string }) => {
      await withStudy('import-package', opts.study, async (services) => {
        const r = await services.router.call('exchange.importResult', { folder: path.resolve(opts.package) });
        if (!r.ok) return fail('import-package', r.error.message);
        const d = r.data as { packageId: string; reader: string; imported: number };
        process.stdout.write(`Imported ${d.imported} segmentations of ${d.reader} (package ${d.packageId})\n`);
      });
    });

  readers
    .command('write-result')
    .description("on the reader's workstation: pack the masks drawn for an assignment package as a result package")
    .requiredOption('-p, --package <path>', 'assignment package (.zip or folder)')
    .requiredOption('-o, --out <path>', 'result package file (.zip) or new folder')
    .requiredOption('-m, --mask <lesion:series:file...>', 'mask of a lesion on a series, e.g. 12:3:lesion12.nrrd (repeatable)')
    .action(async (opts: { package: string; out: string; mask: string[] }) => {
      const masks: { lesionId: number; seriesId: number; file: string }[] = [];
      for (const m of opts.mask) {
        const x = /^(\d+):(\d+):(.+)$/.exec(m);
        if (!x) return fail('write-result', `--mask takes LESION:SERIES:FILE (e.g. 12:3:lesion12.nrrd), not "${m}"`);
        masks.push({ lesionId: Number(x[1]), seriesId: Number(x[2]), file: path.resolve(x[3]!) });
      }
      const services = createServices({ mode: 'test' });
      try {
        const r = await services.router.call('exchange.writeResult', {
          assignmentFolder: path.resolve(opts.package),
          folder: path.resolve(opts.out),
          masks,
        });
        if (!r.ok) return fail('write-result', r.error.message);
        const d = r.data as { folder: string; packageId: string; segmentations: number };
        process.stdout.write(`Result package ${d.packageId}: ${d.segmentations} masks in ${d.folder}\n`);
      } finally {
        await services.shutdown();
      }
    });

  readers
    .command('agreement')
    .description('write an inter-reader agreement table as CSV: masks (Dice, HD95, volumes), features (ICC) or kappa')
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('-o, --out <file>', 'output .csv')
    .option('--readers <a,b>', 'the two reader codes', 'R1,R2')
    .option('--kind <kind>', 'masks, features or kappa', 'masks')
    .option('--extraction <id>', 'extraction id (for --kind features)')
    .option('--form <icc>', 'ICC form for features (ICC1, ICC2, ICC3, …)', 'ICC2')
    .action(async (opts: { study: string; out: string; readers: string; kind: string; extraction?: string; form: string }) => {
      let pair: [string, string];
      try {
        pair = readerPair(opts.readers);
      } catch (e) {
        return fail('agreement', (e as Error).message);
      }
      if (!['masks', 'features', 'kappa'].includes(opts.kind))
        return fail('agreement', `--kind is masks, features or kappa, not "${opts.kind}"`);
      const out = path.resolve(opts.out);
      if (path.extname(out).toLowerCase() !== '.csv')
        return fail('agreement', `the table is written as a .csv file (got ${opts.out})`);
      await withStudy('agreement', opts.study, async (services) => {
        if (opts.kind === 'kappa') {
          const r = await services.router.call('agreement.categorical', { readers: pair });
          if (!r.ok) return fail('agreement', r.error.message);
          const rows = kappaCsv(r.data as CategoricalAgreement);
          writeFileSync(out, formatCsv(rows), 'utf8');
          process.stdout.write(`Wrote ${rows.length - 1} kappa rows (${pair.join(' vs ')}) to ${out}\n`);
          return;
        }
        let features: Record<string, unknown> | undefined;
        if (opts.kind === 'features') {
          const id = Number(opts.extraction);
          if (!Number.isInteger(id) || id <= 0)
            return fail('agreement', '--kind features needs --extraction <id> (see the Extraction view or `radstudy extract`)');
          features = { extractionId: id, readers: pair, form: opts.form };
        }
        const r = await services.router.call('agreement.export', {
          kind: opts.kind,
          path: out,
          ...(features ? { features } : { masks: { readers: pair } }),
        });
        if (!r.ok) return fail('agreement', r.error.message);
        const d = r.data as { path: string; rows: number };
        process.stdout.write(`Wrote ${d.rows} ${opts.kind} rows (${pair.join(' vs ')}) to ${d.path}\n`);
      });
    });
}
