/**
 * The colour feature proposed for a SHAP dependence plot (renderer/src/components/analysis/
 * dependencePlot.ts). Reference: constructed data where the answer is known by design —
 * feature 0's SHAP values are a line in x0 plus 0.5·x2 (x0, x1, x2 independent uniforms), so
 * after removing the line the spread follows x2, not the independent x1; the residuals satisfy
 * the least-squares normal equations within 1e-12 (rounding only).
 */
import { describe, expect, it } from 'vitest';
import { proposedColourFeature, residualsOnLine } from '../../../renderer/src/components/analysis/dependencePlot.js';
import { Rng } from '../../../main/compute/stats/random.js';

describe('SHAP dependence colour feature', () => {
  const rng = new Rng(3);
  const values = Array.from({ length: 80 }, () => [rng.nextDouble(), rng.nextDouble(), rng.nextDouble()]);
  const shap = values.map((r) => [2 * r[0]! - 1 + 0.5 * r[2]!, 0.1 * r[1]!, 0]);

  it('proposes the feature the vertical spread follows', () => {
    expect(proposedColourFeature(values, shap, 0)).toBe(2);
    expect(
      proposedColourFeature(
        values.map((r) => [r[0]!]),
        shap.map((r) => [r[0]!]),
        0,
      ),
    ).toBe(-1);
  });

  it('removes the least-squares line of the feature itself', () => {
    const x = [0, 1, 2, 3, 4];
    const y = x.map((v, i) => 3 + 2 * v + [0.1, -0.2, 0.3, -0.2, 0][i]!);
    const res = residualsOnLine(x, y);
    // Residual sum and its covariance with x are 0 (normal equations), within 1e-12.
    expect(Math.abs(res.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
    expect(Math.abs(res.reduce((a, r, i) => a + r * x[i]!, 0))).toBeLessThan(1e-12);
    // A constant x leaves y centred.
    expect(residualsOnLine([1, 1, 1], [1, 2, 6])).toEqual([-2, -1, 3]);
  });
});
