import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServices } from '../../main/services/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { time, type Benchmark } from './harness.js';

const ROWS = 10_000;

/** A deterministic clinical sheet: 10,000 lesions (some patients bilateral), 14 variables. */
function clinicalCsv(): string {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const lines = [
    'patient,center,lesion,side,age,menopausal_status,tumor_size_mm,er_pct,pr_pct,her2_ihc,her2_ish,ki67_pct,tic_type,histologic_grade,peritumoral_edema,adc_mean',
  ];
  let p = 0;
  for (let i = 0; i < ROWS; p++) {
    const lesions = rand() < 0.08 ? 2 : 1;
    const age = 28 + Math.floor(rand() * 55);
    const center = pick(['CQ', 'JS']);
    for (let l = 1; l <= lesions && i < ROWS; l++, i++) {
      const ihc = pick(['0', '1+', '2+', '3+']);
      lines.push(
        [
          `P${String(p).padStart(5, '0')}`,
          center,
          `L${l}`,
          l === 1 ? 'left' : 'right',
          age,
          age > 52 ? 'post' : 'pre',
          (5 + rand() * 60).toFixed(1),
          Math.floor(rand() * 100),
          Math.floor(rand() * 100),
          ihc,
          ihc === '2+' ? pick(['amplified', 'not_amplified']) : '',
          Math.floor(rand() * 90),
          pick(['I', 'II', 'III']),
          pick(['I', 'II', 'III']),
          pick(['yes', 'no']),
          (0.6 + rand() * 1.4).toFixed(3),
        ].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

export const cohortBenchmarks: Benchmark[] = [
  {
    name: 'cohort-import',
    description: `clinical CSV import of ${ROWS.toLocaleString('en')} lesion rows (goal < 5 s) and a filter over the cohort table (goal < 100 ms)`,
    async run() {
      const t = tmpDir();
      const s = createServices({ mode: 'test', configDir: t.dir });
      try {
        await s.study.create(path.join(t.dir, 'bench.radstudy'), 'bench');
        const file = path.join(t.dir, 'clinical.csv');
        writeFileSync(file, clinicalCsv());
        const mapping = (await s.cohort.inspect(file)).suggested;
        const preview = await time(() => s.cohort.preview(file, mapping));
        const commit = await time(() => s.cohort.commit(file, mapping));
        if (!commit.value.preview.ok) throw new Error('benchmark data has problems');
        const table = await time(() => s.cohort.table());
        const cols = table.value.columns.map((c) => c.key);
        const her2 = cols.indexOf('her2_status');
        const age = cols.indexOf('age');
        const filter = await time(() => table.value.rows.filter((r) => r[her2] === 'low' && Number(r[age]) >= 50).length);
        return {
          rows: ROWS,
          previewMs: preview.ms,
          importMs: commit.ms,
          importGoalRatio: commit.ms / 5000,
          tableBuildMs: table.ms,
          filterMs: filter.ms,
          filterGoalRatio: filter.ms / 100,
          matchingRows: filter.value,
        };
      } finally {
        await s.shutdown();
        t.cleanup();
      }
    },
  },
];
