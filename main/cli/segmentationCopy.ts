import type { Command, OptionValues } from 'commander';
import path from 'node:path';
import type { CopyTarget, SegmentationCopyResult } from '../api/contract.js';
import { createServices } from '../services/index.js';

interface CopyOptions extends OptionValues {
  study: string;
  id: string;
  to?: string;
  reader?: string;
  json?: boolean;
}

const positiveInt = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, not "${text}"`);
  return n;
};

function targetLine(x: CopyTarget): string {
  const extra = x.phase !== null ? ` phase ${x.phase}` : x.bValue !== null ? ` b=${x.bValue}` : '';
  return `  #${x.seriesId}  ${x.kind}${extra}  ${x.description ?? ''}  ${x.size.join('×')} voxels of ${x.spacingMm.map((s) => +s.toFixed(3)).join('×')} mm`;
}

/**
 * `radstudy segmentation copy --study S --id N --to SERIES [--reader R]`: copies a saved
 * segmentation onto another series of the same exam (segmentation.copyToSeries), as a new
 * version marked needs review; without --to it lists the series it can be copied to. Exit code
 * 0 on success, 1 with a message otherwise (nothing written).
 */
export function registerSegmentationCopyCommand(program: Command): void {
  const seg =
    program.commands.find((c) => c.name() === 'segmentation') ??
    program.command('segmentation').description('work with the segmentations of a study');
  seg
    .command('copy')
    .description('copy a segmentation to another sequence of the same exam (nearest neighbour in physical coordinates)')
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .requiredOption('--id <n>', 'segmentation id (a saved version)')
    .option('--to <series>', 'target series id (omit to list the series of the exam)')
    .option('--reader <code>', 'reader of the copy (default: the reader of the source)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: CopyOptions) => {
      const fail = (message: string): void => {
        process.stderr.write(`radstudy segmentation copy: ${message}\n`);
        process.exitCode = 1;
      };
      let id: number;
      let to: number | undefined;
      try {
        id = positiveInt('--id', opts.id);
        if (opts.to !== undefined) to = positiveInt('--to', opts.to);
      } catch (e) {
        fail((e as Error).message);
        return;
      }
      const services = createServices({ mode: 'test' });
      try {
        const opened = await services.router.call('study.open', { path: path.resolve(opts.study) });
        if (!opened.ok) return fail(opened.error.message);
        if (to === undefined) {
          const r = await services.router.call('segmentation.copyTargets', { id });
          if (!r.ok) return fail(r.error.message);
          const targets = r.data as CopyTarget[];
          process.stdout.write(
            opts.json
              ? JSON.stringify(targets, null, 2) + '\n'
              : targets.length
                ? `Segmentation #${id} can be copied to:\n${targets.map(targetLine).join('\n')}\n`
                : `Segmentation #${id}: no other series of its exam is linked to the patient.\n`,
          );
          return;
        }
        const r = await services.router.call('segmentation.copyToSeries', {
          id,
          targetSeriesId: to,
          ...(opts.reader !== undefined ? { reader: opts.reader } : {}),
        });
        if (!r.ok) return fail(r.error.message);
        const c = r.data as SegmentationCopyResult;
        const s = c.segmentation;
        process.stdout.write(
          opts.json
            ? JSON.stringify(c, null, 2) + '\n'
            : `Copied segmentation #${id} to series #${s.seriesId} as #${s.id} (reader ${s.reader}, version ${s.version}, needs review): ` +
                `${s.voxelCount.toLocaleString('en-US')} voxels, ${c.targetVolumeMm3.toFixed(1)} mm³ (source ${c.sourceVoxels.toLocaleString('en-US')} voxels, ${c.sourceVolumeMm3.toFixed(1)} mm³)\n`,
        );
      } finally {
        await services.shutdown();
      }
    });
}
