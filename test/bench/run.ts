// `npm run bench [-- filter]`: runs every benchmark (or those whose name contains the filter),
// prints measurements and ratios, and writes them with machine info to test/bench/results/.
import { cohortBenchmarks } from './cohort.bench.js';
import { demoBenchmarks } from './demo.bench.js';
import { filterBenchmarks } from './filters.bench.js';
import { imageBenchmarks } from './images.bench.js';
import { radiomicsBenchmarks } from './radiomics.bench.js';
import { foundationBenchmarks } from './foundation.bench.js';
import { lassoBenchmarks } from './lasso.bench.js';
import { statsBenchmarks } from './stats.bench.js';
import { viewerBenchmarks } from './viewer.bench.js';
import { runAll, type Benchmark } from './harness.js';

const all: Benchmark[] = [
  ...foundationBenchmarks,
  ...cohortBenchmarks,
  ...radiomicsBenchmarks,
  ...statsBenchmarks,
  ...filterBenchmarks,
  ...imageBenchmarks,
  ...demoBenchmarks,
  ...viewerBenchmarks,
  ...lassoBenchmarks,
];
await runAll(all, process.argv[2]);
process.exit(0);
