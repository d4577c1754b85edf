/**
 * The bias-corrected calibration curve bootstrapValidate keeps (main/compute/ml/bootstrap.ts,
 * drawn in the report's training calibration figure) against rms 6.5 calibrate(lrm, method =
 * "boot"). Reference: test/fixtures/r/stepwise_calibrate.json (stepwise_calibrate.R) with R's
 * bootstrap indices replayed; tolerance 1e-6 absolute on the apparent and corrected curves (the
 * tolerance of the calibrateBootstrap test on the same fixture, glm vs lrm convergence), the
 * contributing-sample counts exactly. Its own cases only (not the fixed-grid ones).
 */
import { describe, expect, it } from 'vitest';
import { bootstrapValidate, type FitPredict } from '../../../main/compute/ml/bootstrap.js';
import { figureData } from '../../../main/report/figureData.js';
import type { AnalysisResult } from '../../../main/compute/ml/analysis.js';
import { logisticRegression, predictLogistic } from '../../../main/compute/stats/logistic.js';
import { loadFixture } from '../stats/fixtures.js';

interface CalCase {
  label: string;
  x: number[][];
  y: number[];
  samples: number[][];
  predy: number[];
  calibrated_orig: (number | null)[];
  calibrated_corrected: (number | null)[];
  count: number[];
}
const fx = loadFixture<{ calibrate: CalCase[] }>('stepwise_calibrate.json');

function fitPredict(x: number[][], y: number[]): FitPredict {
  return (train) => {
    const fit = logisticRegression(
      x.map((c) => Float64Array.from(train, (i) => c[i]!)),
      Float64Array.from(train, (i) => y[i]!),
    );
    return (rows) =>
      predictLogistic(
        fit,
        x.map((c) => Float64Array.from(rows, (i) => c[i]!)),
      );
  };
}

describe('bootstrapValidate calibration curve vs rms::calibrate', () => {
  const cases = fx.calibrate.filter((c) => !c.label.includes('grid'));
  it('has cases to compare', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(`${c.label}: grid, apparent and bias-corrected curves equal rms's within 1e-6`, () => {
      const v = bootstrapValidate(
        fitPredict(c.x, c.y),
        c.y,
        c.samples.map((s) => Int32Array.from(s)),
      );
      expect(v.failed).toBe(0);
      const cal = v.calibration!;
      expect(cal.predicted).toHaveLength(c.predy.length);
      let worst = 0;
      c.predy.forEach((p, k) => {
        worst = Math.max(worst, Math.abs(cal.predicted[k]! - p));
        const ref = [c.calibrated_orig[k], c.calibrated_corrected[k]];
        [cal.apparent[k]!, cal.corrected[k]!].forEach((mine, j) => {
          const r = ref[j];
          if (r === null || r === undefined) expect(Number.isNaN(mine)).toBe(true);
          else worst = Math.max(worst, Math.abs(mine - r));
        });
      });
      expect(worst).toBeLessThan(1e-6);
      expect(cal.count).toEqual(c.count);
    });
  }

  it('the figure draws that curve as the training bias-corrected series', () => {
    const c = cases[0]!;
    const v = bootstrapValidate(
      fitPredict(c.x, c.y),
      c.y,
      c.samples.map((s) => Int32Array.from(s)),
    );
    const p = fitPredict(c.x, c.y)(Int32Array.from(c.y, (_, i) => i))(Int32Array.from(c.y, (_, i) => i));
    const metrics = { hosmerLemeshowP: 0.5, calibrationSlope: 1, calibrationIntercept: 0, auc: 0.7, aucCi: null };
    const r = {
      spec: { name: 'cal', outcome: { column: 'y', positive: 1 } },
      rows: { n: c.y.length, ids: [], groups: [], y: c.y, dropped: [] },
      comparison: {},
      models: [
        {
          name: 'LR',
          bootstrap: v,
          metrics: { train: metrics },
          predictions: { train: Array.from(p) },
          threshold: 0.5,
          pipeline: { steps: [] },
        },
      ],
    } as unknown as AnalysisResult;
    const series = figureData(r).calibration.find((s) => s.set === 'train')!;
    const finite = v
      .calibration!.corrected.map((x, k) => [v.calibration!.predicted[k]!, x] as const)
      .filter(([, x]) => Number.isFinite(x));
    expect(series.corrected!.predicted).toEqual(finite.map(([g]) => Number(g.toFixed(5))));
    expect(series.corrected!.observed).toEqual(finite.map(([, x]) => Number(Math.min(1, Math.max(0, x)).toFixed(5))));
  });
});
