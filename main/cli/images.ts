import type { Command } from 'commander';
import path from 'node:path';
import type { ImagesImportResult, Job } from '../api/contract.js';
import { createServices } from '../services/index.js';
import { convertImage } from '../services/images/convert.js';

type Services = ReturnType<typeof createServices>;

const fmt = (n: number): string => n.toLocaleString('en-US');

export async function waitForJob(services: Services, id: number, onProgress: (job: Job) => void): Promise<Job> {
  for (;;) {
    const r = await services.router.call('jobs.get', { id });
    if (!r.ok) throw new Error(r.error.message);
    const job = r.data as Job;
    if (!['queued', 'running'].includes(job.status)) return job;
    onProgress(job);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function summary(r: ImagesImportResult): string {
  const mbps = r.elapsedMs > 0 ? r.bytes / 1048576 / (r.elapsedMs / 1000) : 0;
  const out = [
    `Folder      ${r.folder}`,
    `Files       ${fmt(r.filesScanned)} scanned, ${fmt(r.dicomImages)} DICOM images, ${(r.bytes / 1048576).toFixed(1)} MB in ${(r.elapsedMs / 1000).toFixed(1)} s (${fmt(Math.round((r.filesScanned * 1000) / Math.max(1, r.elapsedMs)))} files/s, ${mbps.toFixed(1)} MB/s)`,
    `Series      ${r.series.length} imported${r.alreadyImported.length ? `, ${r.alreadyImported.length} already in the study` : ''}`,
  ];
  for (const s of r.series) {
    const extra = s.bValue !== null ? ` b=${s.bValue}` : s.phase !== null ? ` phase ${s.phase}` : '';
    out.push(
      `  ${s.kind.padEnd(6)}${extra.padEnd(10)} ${s.geometry.size.join('×').padEnd(12)} ${(s.description ?? '(no description)').slice(0, 40).padEnd(40)} ${s.key}`,
    );
    for (const w of s.warnings) out.push(`      warning: ${w}`);
  }
  if (r.failed.length) {
    out.push(`Failed      ${r.failed.length} series (not imported):`);
    for (const f of r.failed) out.push(`  ${f.message}`);
  }
  if (r.skipped.length) {
    out.push(`Skipped     ${r.skipped.length} file(s) that are not DICOM images:`);
    for (const s of r.skipped.slice(0, 20)) out.push(`  ${s.path}: ${s.reason}`);
    if (r.skipped.length > 20) out.push(`  … and ${r.skipped.length - 20} more`);
  }
  return out.join('\n') + '\n';
}

/**
 * `radstudy import images --study S --folder D` and `radstudy convert IN OUT`. The import runs
 * as the `images.import` job (as in the app): progress on stderr, a summary on stdout; exit
 * code 0 when the job succeeded (failed series are listed), 1 when it failed.
 */
export function registerImageCommands(program: Command): void {
  const importCmd =
    program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('import data into a study');
  importCmd
    .command('images')
    .description(
      'import a DICOM folder (recursive): series, sequence kinds, geometry, file checksums; images stay where they are',
    )
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('-f, --folder <dir>', 'folder with DICOM files (searched recursively)')
    .option('-p, --patient <code>', 'link every series to this cohort patient (default: by DICOM PatientID)')
    .option('--json', 'print the job result as JSON')
    .action(async (opts: { study: string; folder: string; patient?: string; json?: boolean }) => {
      const services = createServices({ mode: 'test' });
      try {
        const opened = await services.router.call('study.open', { path: path.resolve(opts.study) });
        if (!opened.ok) {
          process.stderr.write(`radstudy import images: ${opened.error.message}\n`);
          process.exitCode = 1;
          return;
        }
        const params: { folder: string; patientCode?: string } = { folder: path.resolve(opts.folder) };
        if (opts.patient) params.patientCode = opts.patient;
        const started = await services.router.call('images.import', params);
        if (!started.ok) {
          process.stderr.write(`radstudy import images: ${started.error.message}\n`);
          process.exitCode = 1;
          return;
        }
        const tty = process.stderr.isTTY;
        let last = '';
        const job = await waitForJob(services, (started.data as { jobId: number }).jobId, (j) => {
          if (j.message && j.message !== last) {
            last = j.message;
            process.stderr.write(tty ? `\r${j.message.padEnd(60)}` : `${j.message}\n`);
          }
        });
        if (tty && last) process.stderr.write('\n');
        if (job.status !== 'succeeded') {
          process.stderr.write(
            `radstudy import images: ${job.error?.message ?? `the job was ${job.status}`}; nothing was imported.\n`,
          );
          process.exitCode = 1;
          return;
        }
        const result = job.result as ImagesImportResult;
        process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : summary(result));
      } finally {
        await services.shutdown();
      }
    });

  program
    .command('convert')
    .description('convert an image: NIfTI, NRRD, a DICOM file or a DICOM series folder → .nii, .nii.gz or .nrrd')
    .argument('<in>', 'input file or DICOM folder')
    .argument('<out>', 'output file (.nii, .nii.gz, .nrrd)')
    .option('--series <uid>', 'SeriesInstanceUID to convert when the folder holds several series')
    .action(async (input: string, output: string, opts: { series?: string }) => {
      try {
        const r = await convertImage(input, output, opts.series);
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(
          `Wrote ${r.output}: ${r.size.join('×')}${r.components > 1 ? `×${r.components}` : ''} voxels, spacing ${r.spacingMm.map((x) => +x.toFixed(4)).join('×')} mm\n`,
        );
      } catch (e) {
        process.stderr.write(`radstudy convert: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
