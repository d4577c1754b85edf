/**
 * `radstudy images adc|subtraction|tic --study S`: the derived-image jobs of the app (ADC maps
 * from DWI; DCE subtractions; lesion time–intensity curves and TIC types) from the shell.
 * Progress on stderr, a summary (or --json) on stdout; exit code 1 when the job failed.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Job } from '../api/contract.js';
import type { ImagesAdcResult, ImagesSubtractionResult, ImagesTicResult } from '../api/images.js';
import type { VolumeCacheStats } from '../compute/imaging/volumeCache.js';
import { createServices } from '../services/index.js';
import { waitForJob } from './images.js';

async function runJob(command: string, study: string, method: string, params: unknown): Promise<Job | null> {
  const services = createServices({ mode: 'test' });
  try {
    const opened = await services.router.call('study.open', { path: path.resolve(study) });
    if (!opened.ok) {
      process.stderr.write(`radstudy ${command}: ${opened.error.message}\n`);
      return null;
    }
    const started = await services.router.call(method, params);
    if (!started.ok) {
      process.stderr.write(`radstudy ${command}: ${started.error.message}\n`);
      return null;
    }
    let last = '';
    const job = await waitForJob(services, (started.data as { jobId: number }).jobId, (j) => {
      if (j.message && j.message !== last) process.stderr.write(`${(last = j.message)}\n`);
    });
    if (job.status !== 'succeeded') {
      process.stderr.write(
        `radstudy ${command}: ${job.error?.message ?? `the job was ${job.status}`}; the study was not changed.\n`,
      );
      return null;
    }
    return job;
  } finally {
    await services.shutdown();
  }
}

const ids = (text: string, what = 'a series or lesion id'): number[] =>
  text.split(',').map((x) => {
    const n = Number(x.trim());
    if (!Number.isInteger(n) || n <= 0) throw new Error(`"${x}" is not ${what}`);
    return n;
  });

function ticCsv(r: ImagesTicResult): string {
  const times = r.curves[0]?.points.map((p) => p.timeS) ?? [];
  const head = [
    'patient',
    'lesion',
    'tic_type',
    'initial_enhancement_pct',
    'delayed_change_pct',
    'voxels',
    'timing',
    ...times.map((t) => `enh_pct_${t}s`),
  ];
  const rows = r.curves.map((c) =>
    [
      c.patientCode,
      c.lesionCode,
      c.type,
      c.initialEnhancementPct.toFixed(2),
      c.delayedChangePct.toFixed(2),
      c.voxels,
      c.timing,
      ...c.points.map((p) => p.enhancementPct.toFixed(2)),
    ].join(','),
  );
  return [head.join(','), ...rows].join('\n') + '\n';
}

export function registerDerivedImageCommands(program: Command): void {
  const images = program
    .command('images')
    .description('derived images of a study: ADC maps, DCE subtractions, time–intensity curves');
  images
    .command('adc')
    .description('compute ADC maps from the DWI series of exams without one; recorded as derived DICOM series beside the study')
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .option('--series <ids>', 'DWI series ids (comma-separated; default: every DWI acquisition)')
    .option('--force', 'compute even where the exam has an ADC series')
    .option('--background <fraction>', 'background threshold, fraction of the low-b 99th percentile', '0.05')
    .option('--json', 'print the job result as JSON')
    .action(async (opts: { study: string; series?: string; force?: boolean; background: string; json?: boolean }) => {
      try {
        const params = {
          force: opts.force ?? false,
          backgroundFraction: Number(opts.background),
          ...(opts.series ? { seriesIds: ids(opts.series) } : {}),
        };
        const job = await runJob('images adc', opts.study, 'images.adc', params);
        if (!job) return void (process.exitCode = 1);
        const r = job.result as ImagesAdcResult;
        if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        const out = [`ADC maps    ${r.computed.length} computed into ${r.folder}`];
        for (const c of r.computed)
          out.push(`  ${(c.patientCode ?? '(unlinked)').padEnd(12)} b=${c.bValues.join(',')}  ${c.fittedVoxels} voxels fitted`);
        for (const s of r.adcSkipped) out.push(`  skipped: ${s}`);
        for (const f of r.adcFailed) out.push(`  failed: ${f.name}: ${f.message}`);
        out.push(
          `Series      ${r.series.length} recorded${r.alreadyImported.length ? `, ${r.alreadyImported.length} already in the study` : ''}`,
        );
        process.stdout.write(out.join('\n') + '\n');
      } catch (e) {
        process.stderr.write(`radstudy images adc: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
  images
    .command('cache')
    .description("size of the study's cache of converted volumes (decoded compressed series); --clear empties it")
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .option('--clear', 'delete every cached volume')
    .action(async (opts: { study: string; clear?: boolean }) => {
      const services = createServices({ mode: 'test' });
      try {
        const opened = await services.router.call('study.open', { path: path.resolve(opts.study) });
        if (!opened.ok) throw new Error(opened.error.message);
        const r = await services.router.call(opts.clear ? 'images.cache.clear' : 'images.cache.stats', {});
        if (!r.ok) throw new Error(r.error.message);
        const st = r.data as VolumeCacheStats;
        const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
        process.stdout.write(
          `${opts.clear ? 'Cleared; now ' : ''}${st.entries} volume(s), ${mb(st.bytes)} of ${mb(st.limitBytes)} in ${st.folder}${st.enabled ? '' : ' (cache off)'}\n`,
        );
      } catch (e) {
        process.stderr.write(`radstudy images cache: ${(e as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await services.shutdown();
      }
    });
  images
    .command('subtraction')
    .description(
      'DCE subtraction series (post-contrast phase − pre-contrast phase); recorded as derived DICOM series beside the study',
    )
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .option('-p, --phases <list>', 'post-contrast phases, comma-separated (1 = first after contrast, DCE2)', '1')
    .option('--series <ids>', 'DCE series ids, any phase of the acquisition (comma-separated; default: every DCE acquisition)')
    .option('--json', 'print the job result as JSON')
    .action(async (opts: { study: string; phases: string; series?: string; json?: boolean }) => {
      try {
        const params = {
          phases: [...new Set(ids(opts.phases, 'a post-contrast phase (1, 2, …)'))],
          ...(opts.series ? { seriesIds: ids(opts.series) } : {}),
        };
        const job = await runJob('images subtraction', opts.study, 'images.subtraction', params);
        if (!job) return void (process.exitCode = 1);
        const r = job.result as ImagesSubtractionResult;
        if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        const out = [`Subtractions ${r.computed.length} computed`];
        for (const c of r.computed)
          out.push(
            `  ${(c.patientCode ?? '(unlinked)').padEnd(12)} SUB${c.phase} = #${c.postSeriesId} − #${c.preSeriesId}  ${c.folder}`,
          );
        for (const f of r.subtractionFailed) out.push(`  failed: ${f.name}: ${f.message}`);
        out.push(
          `Series       ${r.series.length} recorded${r.alreadyImported.length ? `, ${r.alreadyImported.length} already in the study` : ''}`,
        );
        process.stdout.write(out.join('\n') + '\n');
      } catch (e) {
        process.stderr.write(`radstudy images subtraction: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    });
  images
    .command('tic')
    .description('time–intensity curve and TIC type (Kuhl I/II/III) of every lesion with a DCE segmentation')
    .requiredOption('-s, --study <file>', 'study file (*.radstudy)')
    .option('-r, --reader <code>', 'whose DCE masks are the ROI', 'REF')
    .option('--lesions <ids>', 'lesion ids (comma-separated; default: every lesion)')
    .option('--early-window <s>', 'early phase: peak within this many seconds of the pre-contrast phase', '120')
    .option('--persistent <pct>', 'type I above +pct % delayed change', '10')
    .option('--washout <pct>', 'type III below −pct % delayed change', '10')
    .option('--hotspot <fraction>', 'curve of the most enhancing fraction of the mask (1 = whole mask)', '1')
    .option('--variable <name>', 'lesion variable filled with the types', 'tic_type_auto')
    .option('--no-variable', 'compute only; change nothing in the cohort')
    .option('--overwrite', 'replace values already in the variable')
    .option('--csv <file>', 'write the curves as CSV')
    .option('--json', 'print the job result as JSON')
    .action(
      async (opts: {
        study: string;
        reader: string;
        lesions?: string;
        earlyWindow: string;
        persistent: string;
        washout: string;
        hotspot: string;
        variable: string | false;
        overwrite?: boolean;
        csv?: string;
        json?: boolean;
      }) => {
        try {
          const params = {
            reader: opts.reader,
            earlyWindowS: Number(opts.earlyWindow),
            persistentPct: Number(opts.persistent),
            washoutPct: Number(opts.washout),
            hotspotFraction: Number(opts.hotspot),
            variable: opts.variable === false ? null : opts.variable,
            overwrite: opts.overwrite ?? false,
            ...(opts.lesions ? { lesionIds: ids(opts.lesions) } : {}),
          };
          const job = await runJob('images tic', opts.study, 'images.tic', params);
          if (!job) return void (process.exitCode = 1);
          const r = job.result as ImagesTicResult;
          if (opts.csv) writeFileSync(path.resolve(opts.csv), ticCsv(r));
          if (opts.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
          const count = (t: string) => r.curves.filter((c) => c.type === t).length;
          const out = [
            `TIC         ${r.curves.length} lesions: type I ${count('I')}, II ${count('II')}, III ${count('III')}`,
            r.variable
              ? `Variable    ${r.variable}: ${r.written ?? 0} written${r.kept?.length ? `, ${r.kept.length} differing values kept` : ''}`
              : 'Variable    none (compute only)',
          ];
          for (const k of r.kept ?? []) out.push(`  kept: ${k}`);
          for (const f of r.failed) out.push(`  failed: ${f.name}: ${f.message}`);
          process.stdout.write(out.join('\n') + '\n');
        } catch (e) {
          process.stderr.write(`radstudy images tic: ${(e as Error).message}\n`);
          process.exitCode = 1;
        }
      },
    );
}
