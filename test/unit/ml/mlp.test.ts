/**
 * MLP classifier (main/compute/ml/models/mlp.ts).
 *
 * References and tolerances:
 * - Backpropagation: the analytic gradient of the penalized log-loss equals central finite
 *   differences (h = 1e-6) within 1e-6 relative + 1e-9 absolute, for every activation.
 * - scikit-learn 1.2.1 MLPClassifier (test/fixtures/sklearn/make_mlp_fixture.py → mlp.json):
 *   sklearn's initial weights come from numpy's generator, so fits are compared in
 *   distribution: over seeds 0..9 the median test AUC lies within 0.04 of sklearn's median
 *   and the median final training loss (sklearn's loss_: log-loss + alpha/(2n)·Σ‖W‖²) within
 *   0.04 of sklearn's, for adam and lbfgs settings.
 * - XOR, which no linear model separates, is learned exactly (probabilities on the right side of
 *   0.5 for all four points).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryFitter, registryRestorer } from '../../../main/compute/ml/models/index.js';
import { layout, lossAndGradient, type Activation, type MlpNet } from '../../../main/compute/ml/models/mlp.js';
import type { DataMatrix } from '../../../main/compute/ml/types.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { aucMannWhitney } from '../../../main/compute/stats/roc/curve.js';

const rocAuc = (p: Float64Array, y: number[]) =>
  aucMannWhitney(
    Array.from(p).filter((_, i) => y[i] === 0),
    Array.from(p).filter((_, i) => y[i] === 1),
    '<',
  );

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

describe('backpropagation', () => {
  it.each(['relu', 'tanh', 'logistic', 'identity'] as Activation[])('gradient equals finite differences (%s)', (activation) => {
    const rng = new Rng(3);
    const sizes = [4, 5, 3, 1];
    const L = layout(sizes);
    const last = L[L.length - 1]!;
    const net: MlpNet = {
      sizes,
      activation,
      theta: Float64Array.from({ length: last.b + last.cols }, () => rng.nextDouble() - 0.5),
    };
    const rows = 7;
    const X = Float64Array.from({ length: rows * 4 }, () => 2 * rng.nextDouble() - 1);
    const y = Float64Array.from({ length: rows }, (_, i) => i % 2);
    const g = new Float64Array(net.theta.length);
    lossAndGradient(net, X, y, rows, 0.3, g);
    const scratch = new Float64Array(net.theta.length);
    for (let k = 0; k < net.theta.length; k++) {
      const t0 = net.theta[k]!;
      net.theta[k] = t0 + 1e-6;
      const up = lossAndGradient(net, X, y, rows, 0.3, scratch);
      net.theta[k] = t0 - 1e-6;
      const down = lossAndGradient(net, X, y, rows, 0.3, scratch);
      net.theta[k] = t0;
      const numeric = (up - down) / 2e-6;
      expect(Math.abs(g[k]! - numeric)).toBeLessThan(1e-6 * Math.abs(numeric) + 1e-8);
    }
  });
});

describe('MLP vs scikit-learn MLPClassifier', () => {
  interface Fx {
    mean: number[];
    sd: number[];
    settings: Record<string, { params: Record<string, unknown>; auc: number[]; loss: number[] }>;
  }
  const fx = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/sklearn/mlp.json'), 'utf8')) as Fx;
  const data = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/sklearn/classifiers.json'), 'utf8')) as {
    X_train: number[][];
    y_train: number[];
    X_test: number[][];
    y_test: number[];
  };
  const z = (rows: number[][]): DataMatrix => ({
    data: Float64Array.from(rows.flatMap((r) => r.map((v, j) => (v - fx.mean[j]!) / fx.sd[j]!))),
    nrow: rows.length,
    ncol: rows[0]!.length,
  });
  const Xtr = z(data.X_train);
  const Xte = z(data.X_test);
  const ytr = Float64Array.from(data.y_train);

  it.each(Object.keys(fx.settings))(
    '%s: AUC and training loss in sklearn’s range',
    (name) => {
      const s = fx.settings[name]!;
      const params = Object.fromEntries(Object.entries(s.params).map(([k, v]) => [k, v as number | string | number[]]));
      const aucs: number[] = [];
      const losses: number[] = [];
      for (let seed = 0; seed < 10; seed++) {
        const m = registryFitter({ kind: 'mlp', params }, Xtr, ytr, seed, []);
        aucs.push(rocAuc(m.predictProba(Xte), data.y_test));
        losses.push((m.toJSON().state as { loss: number }).loss);
        if (seed === 0)
          expect(Array.from(registryRestorer(m.toJSON()).predictProba(Xte))).toEqual(Array.from(m.predictProba(Xte)));
      }
      expect(Math.abs(median(aucs) - median(s.auc)), `AUC ${median(aucs)} vs ${median(s.auc)}`).toBeLessThan(0.04);
      expect(Math.abs(median(losses) - median(s.loss)), `loss ${median(losses)} vs ${median(s.loss)}`).toBeLessThan(0.04);
    },
    60_000,
  );
});

describe('MLP fits', () => {
  it('learns XOR', () => {
    const X: DataMatrix = { data: Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]), nrow: 4, ncol: 2 };
    const y = Float64Array.from([0, 1, 1, 0]);
    const m = registryFitter(
      {
        kind: 'mlp',
        params: { hidden_layer_sizes: [8], activation: 'tanh', solver: 'lbfgs', alpha: 1e-5, max_iter: 2000, tol: 1e-8 },
      },
      X,
      y,
      1,
      [],
    );
    const p = m.predictProba(X);
    expect(p[0]!).toBeLessThan(0.5);
    expect(p[1]!).toBeGreaterThan(0.5);
    expect(p[2]!).toBeGreaterThan(0.5);
    expect(p[3]!).toBeLessThan(0.5);
  });

  it('refuses bad parameters with the accepted form', () => {
    const X: DataMatrix = { data: new Float64Array(8), nrow: 4, ncol: 2 };
    const y = Float64Array.from([0, 1, 1, 0]);
    expect(() => registryFitter({ kind: 'mlp', params: { hidden_layer_sizes: [0] } }, X, y, 1, [])).toThrow(
      /hidden_layer_sizes must be a list/,
    );
    expect(() => registryFitter({ kind: 'mlp', params: { activation: 'softplus' } }, X, y, 1, [])).toThrow(
      /activation must be one of relu, tanh, logistic, identity/,
    );
    expect(() => registryFitter({ kind: 'mlp', params: { momentum: 0.9 } }, X, y, 1, [])).toThrow(/unknown parameter 'momentum'/);
  });
});
