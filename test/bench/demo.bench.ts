import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEMO_DEFAULT_PATIENTS, createDemoStudy } from '../../main/services/demo.js';
import { createServices } from '../../main/services/index.js';
import { tmpDir } from '../helpers/tmp.js';
import type { Job } from '../../main/api/contract.js';
import { time, type Benchmark } from './harness.js';

/** Peak resident memory (VmHWM) of a process in MB, from /proc (Linux); null elsewhere. */
function peakRssMb(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const STUDY_ROIS = 1000;

const GOAL_SECONDS = 60;
const GOAL_MB = 300;

const median = (x: number[]): number => [...x].sort((a, b) => a - b)[x.length >> 1] ?? NaN;

export const demoBenchmarks: Benchmark[] = [
  {
    name: 'demo-generate',
    description: `default demo study (${DEMO_DEFAULT_PATIENTS} patients: files written, clinical table, DICOM and every mask imported): time vs the ${GOAL_SECONDS} s goal and size (data folder + study file) vs the ${GOAL_MB} MB goal (ratios < 1 meet them)`,
    async run() {
      const t = tmpDir('radstudy-bench-demo-');
      const s = createServices({ mode: 'test', configDir: t.dir });
      try {
        const cpu0 = process.cpuUsage();
        const { ms, value } = await time(() => createDemoStudy(s, { out: path.join(t.dir, 'demo.radstudy') }));
        const cpu = process.cpuUsage(cpu0);
        const mb = value.bytes / 1048576;
        // The study file once closed (checkpointed out of its write-ahead log).
        await s.study.close();
        const study = statSync(value.studyPath).size;
        return {
          patients: value.patients,
          lesions: value.lesions,
          files: value.files,
          wall_s: ms / 1000,
          cpu_s: (cpu.user + cpu.system) / 1e6,
          ms_per_patient: ms / value.patients,
          size_MB: mb,
          study_MB: study / 1048576,
          total_MB: mb + study / 1048576,
          series: value.series,
          segmentations: value.segmentations,
          segmentations_resampled: value.resampledSegmentations,
          segmentations_left_out: value.skippedSegmentations.length,
          files_s: value.seconds.files,
          clinical_s: value.seconds.clinical,
          images_s: value.seconds.images,
          masks_s: value.seconds.masks,
          time_vs_goal_ratio: ms / 1000 / GOAL_SECONDS,
          size_vs_goal_ratio: (mb + study / 1048576) / GOAL_MB,
          dice_reader1_median: median(value.diceReader1),
          dice_reader2_median: median(value.diceReader2),
          dice_min: Math.min(...value.diceReader1, ...value.diceReader2),
        };
      } finally {
        await s.shutdown();
        t.cleanup();
      }
    },
  },
  {
    name: 'extraction-study',
    description: `study-wide extraction job: the sequences (in canonical order) holding the first ${STUDY_ROIS} segmentations of a demo study (REF/R1/R2 masks on every sequence), RadStudy's MRI default parameters (normalised, 107 features), worker pool on all cores: ROIs per second, ms per ROI and the compute process' peak RSS`,
    async run() {
      const t = tmpDir('radstudy-bench-extract-');
      const s = createServices({ mode: 'test', configDir: t.dir });
      try {
        const demo = await createDemoStudy(s, { out: path.join(t.dir, 'demo.radstudy'), patients: 40 });
        const call = async <T>(m: string, input: unknown): Promise<T> => {
          const r = await s.router.call(m, input);
          if (!r.ok) throw new Error(r.error.message);
          return r.data as T;
        };
        const presets = await call<{ file: string; text: string }[]>('extraction.presets', {});
        // Sequences in canonical order until the selection holds at least STUDY_ROIS segmentations.
        const seqs = await call<{ label: string; segmentations: Record<string, number> }[]>('extraction.sequences', {});
        const chosen: string[] = [];
        let n = 0;
        for (const q of seqs) {
          if (n >= STUDY_ROIS) break;
          chosen.push(q.label);
          n += Object.values(q.segmentations).reduce((a, b) => a + b, 0);
        }
        const { ms, value: job } = await time(async () => {
          const r = await call<{ jobId: number }>('extraction.create', {
            name: 'bench',
            paramsText: presets.find((p) => p.file === 'pyradiomics-default.yaml')!.text,
            selection: { readers: [], sequences: chosen },
          });
          for (;;) {
            const j = await call<Job>('jobs.get', { id: r.jobId });
            if (!['queued', 'running'].includes(j.status)) return j;
            await new Promise((res) => setTimeout(res, 100));
          }
        });
        if (job.status !== 'succeeded') throw new Error(job.error?.message ?? job.status);
        const rss = peakRssMb(s.jobs.computeState().pid);
        const r = job.result as { computed: number; failed: number; featureCount: number };
        return {
          demo_patients: demo.patients,
          sequences: chosen.length,
          rois: r.computed,
          failed: r.failed,
          features: r.featureCount,
          wall_s: ms / 1000,
          rois_per_s: (r.computed * 1000) / ms,
          ms_per_roi: ms / r.computed,
          compute_peak_rss_MB: rss ?? NaN,
          study_MB: statSync(demo.studyPath).size / 1048576,
        };
      } finally {
        await s.shutdown();
        t.cleanup();
      }
    },
  },
];
