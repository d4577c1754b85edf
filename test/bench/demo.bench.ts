import { statSync } from 'node:fs';
import path from 'node:path';
import { DEMO_DEFAULT_PATIENTS, createDemoStudy } from '../../main/services/demo.js';
import { createServices } from '../../main/services/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { time, type Benchmark } from './harness.js';

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
];
