/**
 * Data of a SHAP dependence plot (Lundberg et al. 2018, §4; shap's dependence_plot): one point per
 * explained lesion at (value of feature j, SHAP value of j), coloured by a second feature. When
 * the user has not chosen the colour feature, the one that best explains the vertical spread is
 * proposed: the SHAP values of j are regressed on j's own value (least squares line) and the
 * feature whose values correlate most (|Pearson r|) with the residuals is taken, since a spread
 * at one value of j that follows another feature is what an interaction looks like.
 */

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Residuals of y after its least-squares line on x (y centred when x is constant). */
export function residualsOnLine(x: readonly number[], y: readonly number[]): number[] {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]! / n;
    my += y[i]! / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return x.map((xi, i) => y[i]! - my - slope * (xi - mx));
}

/**
 * The feature (index) proposed to colour feature j's dependence plot, or −1 when there is no
 * other feature. values and shap are rows × features.
 */
export function proposedColourFeature(
  values: readonly (readonly number[])[],
  shap: readonly (readonly number[])[],
  j: number,
): number {
  const M = values[0]?.length ?? 0;
  const x = values.map((r) => r[j]!);
  const res = residualsOnLine(
    x,
    shap.map((r) => r[j]!),
  );
  let best = -1;
  let bestR = -1;
  for (let k = 0; k < M; k++) {
    if (k === j) continue;
    const r = Math.abs(
      pearson(
        res,
        values.map((row) => row[k]!),
      ),
    );
    if (r > bestR) {
      bestR = r;
      best = k;
    }
  }
  return best;
}
