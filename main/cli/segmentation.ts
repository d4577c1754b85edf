import type { Command, OptionValues } from 'commander';
import path from 'node:path';
import type { SegmentationImportResult } from '../api/contract.js';
import { createServices } from '../services/index.js';
import { waitForJob } from './images.js';

interface SegOptions extends OptionValues {
  study: string;
  file: string;
  series: string;
  lesion: string;
  reader: string;
  label?: string;
  segment?: string;
  roi?: string;
  json?: boolean;
}

function summary(r: SegmentationImportResult): string {
  const out = [
    `File          ${r.file} (${r.format}, SHA-256 ${r.sha256.slice(0, 12)}…)`,
    `Segmentation  #${r.segmentationId ?? '?'}: lesion #${r.lesionId}, series #${r.seriesId}, reader ${r.reader}, ${r.label}`,
    `Mask          ${r.voxelCount.toLocaleString('en-US')} voxels, ${(r.volumeMm3 / 1000).toFixed(3)} mL, bounding box i ${r.bbox[0]}–${r.bbox[1]}, j ${r.bbox[2]}–${r.bbox[3]}, k ${r.bbox[4]}–${r.bbox[5]}`,
  ];
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return out.join('\n') + '\n';
}

const positiveInt = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, not "${text}"`);
  return n;
};

/**
 * `radstudy import seg --study S --file F --series ID --lesion ID [--reader R1]
 * [--label N | --segment NAME | --roi NAME]`: runs the `segmentation.import` job as the app
 * does; exit code 0 when the segmentation was stored, 1 otherwise (nothing stored).
 */
export function registerSegmentationCommands(program: Command): void {
  const importCmd =
    program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('import data into a study');
  importCmd
    .command('seg')
    .description(
      'import a lesion segmentation (NIfTI/NRRD labelmap, Slicer .seg.nrrd, DICOM SEG, RTSTRUCT) onto a series grid, with all its labels',
    )
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('-f, --file <file>', 'segmentation file')
    .requiredOption('--series <id>', 'reference series id (its grid is the mask grid)')
    .requiredOption('--lesion <id>', 'lesion id')
    .option('--reader <code>', 'reader code', 'R1')
    .option('--label <n>', 'labelmap voxel value (or DICOM SEG segment number) to import alone as label 1 (default: every label)')
    .option('--segment <name>', 'Slicer or DICOM SEG segment name (or id / number) to import alone as label 1')
    .option('--roi <name>', 'RTSTRUCT ROI name or number')
    .option('--json', 'print the job result as JSON')
    .action(async (opts: SegOptions) => {
      const fail = (message: string): void => {
        process.stderr.write(`radstudy import seg: ${message}\n`);
        process.exitCode = 1;
      };
      let params: Record<string, unknown>;
      try {
        params = {
          file: path.resolve(opts.file),
          seriesId: positiveInt('--series', opts.series),
          lesionId: positiveInt('--lesion', opts.lesion),
          reader: opts.reader,
        };
        if (opts.label !== undefined) params.label = positiveInt('--label', opts.label);
        if (opts.segment !== undefined) params.segment = opts.segment;
        if (opts.roi !== undefined) params.roi = opts.roi;
      } catch (e) {
        fail((e as Error).message);
        return;
      }
      const services = createServices({ mode: 'test' });
      try {
        const opened = await services.router.call('study.open', { path: path.resolve(opts.study) });
        if (!opened.ok) return fail(opened.error.message);
        const started = await services.router.call('segmentation.import', params);
        if (!started.ok) return fail(started.error.message);
        const job = await waitForJob(services, (started.data as { jobId: number }).jobId, () => {});
        if (job.status !== 'succeeded') return fail(`${job.error?.message ?? `the job was ${job.status}`}; nothing was stored.`);
        const result = job.result as SegmentationImportResult;
        process.stdout.write(opts.json ? JSON.stringify(result, null, 2) + '\n' : summary(result));
      } finally {
        await services.shutdown();
      }
    });
}
