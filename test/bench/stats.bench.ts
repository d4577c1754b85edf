import { aucBootstrapCi, aucDelong, delongPairedTest, roc, Rng } from '../../main/compute/stats/index.js';
import { stepwiseLogistic } from '../../main/compute/stats/stepwise.js';
import { calibrateBootstrap, logisticCalibrationModel } from '../../main/compute/stats/calibrateBootstrap.js';
import { medianMs, type Benchmark } from './harness.js';

/** Standard normal by Box–Muller. */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
}

/** Outcome with ~30% events and two correlated scores (AUC ≈ 0.75 and 0.70), seeded. */
function scores(n: number, seed: number): { y: Float64Array; a: Float64Array; b: Float64Array } {
  const rng = new Rng(seed);
  const y = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.nextDouble() < 0.3 ? 1 : 0;
    const common = normal(rng);
    a[i] = (y[i] as number) * 0.95 + common + 0.5 * normal(rng);
    b[i] = (y[i] as number) * 0.75 + common + 0.6 * normal(rng);
  }
  return { y, a, b };
}

export const statsBenchmarks: Benchmark[] = [
  {
    name: 'stats-roc',
    description:
      'DeLong AUC CI and paired test on n = 10,000; 2,000 stratified bootstrap AUC resamples on n = 1,000 (goal < 1 s)',
    async run() {
      const big = scores(10_000, 11);
      const ra = roc(big.y, big.a);
      const rb = roc(big.y, big.b);
      const delongMs = await medianMs(5, () => aucDelong(ra));
      const delongPairedMs = await medianMs(5, () => delongPairedTest(ra, rb));
      const small = scores(1_000, 12);
      const rs = roc(small.y, small.a);
      const bootMs = await medianMs(3, () => aucBootstrapCi(rs, { replicates: 2000, seed: 5 }));
      return {
        delong_ci_n10000_ms: delongMs,
        delong_paired_n10000_ms: delongPairedMs,
        bootstrap_2000_n1000_ms: bootMs,
        'bootstrap_goal_ratio (goal/actual)': 1000 / bootMs,
      };
    },
  },
  {
    name: 'stats-models',
    description: 'stepwise logistic (AIC, both directions, 20 candidates, n = 500) and rms-style calibrate (B = 200, n = 500)',
    async run() {
      const rng = new Rng(21);
      const n = 500;
      const cols = Array.from({ length: 20 }, () => Float64Array.from({ length: n }, () => normal(rng)));
      const y = Float64Array.from({ length: n }, (_, i) => {
        const lp = -0.5 + (cols[0]![i] as number) - 0.6 * (cols[1]![i] as number) + 0.4 * (cols[2]![i] as number);
        return rng.nextDouble() < 1 / (1 + Math.exp(-lp)) ? 1 : 0;
      });
      const terms = cols.map((c, j) => ({ name: `f${j + 1}`, columns: [c] }));
      const stepMs = await medianMs(3, () => stepwiseLogistic(terms, y, { direction: 'both' }));
      const model = logisticCalibrationModel(cols.slice(0, 5), y);
      const calMs = await medianMs(3, () => calibrateBootstrap(model, y, { B: 200, seed: 3 }));
      return { stepwise_20_terms_n500_ms: stepMs, calibrate_B200_n500_ms: calMs };
    },
  },
];
