/**
 * `radstudy export images --study S --out DIR [--series ids] [--shift-dates]`: the study's
 * series as de-identified DICOM (PS3.15 basic profile) from the shell, through the same job
 * as the app. Progress on stderr, a summary (or --json) on stdout; exit code 1 on failure.
 */
import type { Command } from 'commander';
import path from 'node:path';
import type { ImagesDeidentifyResult } from '../api/deidentify.js';
import { createServices } from '../services/index.js';
import { waitForJob } from './images.js';

const ids = (text: string): number[] =>
  text.split(',').map((x) => {
    const n = Number(x.trim());
    if (!Number.isInteger(n) || n <= 0) throw new Error(`"${x}" is not a series id`);
    return n;
  });

export function registerDeidentifyExport(exportCmd: Command): void {
  exportCmd
    .command('images')
    .description(
      'export series as de-identified DICOM (PS3.15 basic profile; patient name/ID become the cohort code) into DIR/<patient>/<series>/ with manifest.csv',
    )
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('-o, --out <dir>', 'output folder (new or empty; nothing is overwritten)')
    .option('--series <ids>', 'series ids (comma-separated; default: every series linked to a patient)')
    .option('--shift-dates', 'shift dates by a per-patient offset and keep times (option 113107) instead of removing them')
    .option('--keep-patient-characteristics', 'keep PatientSex, age, size and weight (option 113108)')
    .option('--json', 'print the job result as JSON')
    .action(
      async (opts: {
        study: string;
        out: string;
        series?: string;
        shiftDates?: boolean;
        keepPatientCharacteristics?: boolean;
        json?: boolean;
      }) => {
        const fail = (message: string): void => {
          process.stderr.write(`radstudy export images: ${message}\n`);
          process.exitCode = 1;
        };
        let seriesIds: number[] | undefined;
        try {
          seriesIds = opts.series ? ids(opts.series) : undefined;
        } catch (e) {
          return fail((e as Error).message);
        }
        const services = createServices({ mode: 'test' });
        try {
          const opened = await services.router.call('study.open', { path: path.resolve(opts.study) });
          if (!opened.ok) return fail(opened.error.message);
          const started = await services.router.call('images.deidentify', {
            outDir: path.resolve(opts.out),
            seriesIds,
            shiftDates: opts.shiftDates ?? false,
            keepPatientCharacteristics: opts.keepPatientCharacteristics ?? false,
          });
          if (!started.ok) return fail(started.error.message);
          let last = '';
          const job = await waitForJob(services, (started.data as { jobId: number }).jobId, (j) => {
            if (j.message && j.message !== last) process.stderr.write(`${(last = j.message)}\n`);
          });
          if (job.status !== 'succeeded') return fail(job.error?.message ?? `the job was ${job.status}`);
          const r = job.result as ImagesDeidentifyResult;
          if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
          const out = [`Exported ${r.exported.length} series (${r.filesWritten} files) to ${r.outDir}`];
          for (const x of r.exported) out.push(`  ${x.patientCode}  ${path.relative(r.outDir, x.folder)}  ${x.files} files`);
          for (const s of r.skipped) out.push(`  skipped ${s.name}: ${s.message}`);
          out.push(`Manifest: ${r.manifestPath}`);
          process.stdout.write(out.join('\n') + '\n');
        } finally {
          await services.shutdown();
        }
      },
    );
}
