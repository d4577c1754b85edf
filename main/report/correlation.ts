/**
 * Correlations between the features the models kept, on the training rows (what selection saw):
 * Pearson, or Spearman as the Pearson correlation of mid-ranks (R cor(method = "spearman")), each
 * pair on its complete cases (use = "pairwise.complete.obs"). Optional clustered order: average-
 * linkage hierarchical clustering on 1 − |r| (hclust method = "average"), features listed in
 * dendrogram leaf order so correlated blocks sit together.
 */
import type { AnalysisResult } from '../compute/ml/analysis.js';
import { StatsInputError } from '../compute/stats/common.js';
import { columnOf, type AnalysisTable } from './analysisTable.js';
import type { CorrelationFigure } from './charts/studyTypes.js';

/** Mid-ranks (ties get their average rank), 1-based. */
function ranks(x: readonly number[]): number[] {
  const order = x.map((_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Array<number>(x.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && x[order[j + 1]!] === x[order[i]!]) j++;
    for (let k = i; k <= j; k++) r[order[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Correlation matrix of the columns (NaN = missing), pairwise complete. */
export function correlationMatrix(columns: readonly Float64Array[], method: 'pearson' | 'spearman'): number[][] {
  const p = columns.length;
  const R = Array.from({ length: p }, () => new Array<number>(p).fill(1));
  for (let a = 0; a < p; a++)
    for (let b = a + 1; b < p; b++) {
      const x: number[] = [];
      const y: number[] = [];
      const ca = columns[a]!;
      const cb = columns[b]!;
      for (let i = 0; i < ca.length; i++)
        if (!Number.isNaN(ca[i]!) && !Number.isNaN(cb[i]!)) {
          x.push(ca[i]!);
          y.push(cb[i]!);
        }
      const r = x.length < 3 ? NaN : method === 'pearson' ? pearson(x, y) : pearson(ranks(x), ranks(y));
      R[a]![b] = r;
      R[b]![a] = r;
    }
  return R;
}

/** Leaf order of average-linkage clustering on d = 1 − |r| (NaN r counts as d = 1). */
export function clusterOrder(R: readonly (readonly number[])[]): number[] {
  const p = R.length;
  const d = (i: number, j: number): number => {
    const r = R[i]![j]!;
    return Number.isNaN(r) ? 1 : 1 - Math.abs(r);
  };
  let clusters = Array.from({ length: p }, (_, i) => [i]);
  while (clusters.length > 1) {
    let best = Infinity;
    let bi = 0;
    let bj = 1;
    for (let a = 0; a < clusters.length; a++)
      for (let b = a + 1; b < clusters.length; b++) {
        let s = 0;
        for (const i of clusters[a]!) for (const j of clusters[b]!) s += d(i, j);
        const avg = s / (clusters[a]!.length * clusters[b]!.length);
        if (avg < best - 1e-15) {
          best = avg;
          bi = a;
          bj = b;
        }
      }
    const merged = [...clusters[bi]!, ...clusters[bj]!];
    clusters = clusters.filter((_, k) => k !== bi && k !== bj);
    clusters.splice(bi, 0, merged);
  }
  return clusters[0] ?? [];
}

/** The features the models kept, in first-seen order (model order, then each model's order). */
export function modelFeatures(r: AnalysisResult): string[] {
  return [...new Set(r.models.flatMap((m) => m.features))];
}

export function correlationFigure(
  r: AnalysisResult,
  table: AnalysisTable,
  opts: { method: 'pearson' | 'spearman'; clustered: boolean; features?: string[] },
): CorrelationFigure {
  const features = opts.features?.length ? opts.features : modelFeatures(r);
  if (features.length < 2)
    throw new StatsInputError(
      `analysis '${r.spec.name}' kept ${features.length} feature(s); a correlation heatmap needs at least 2`,
    );
  if (features.length > 60)
    throw new StatsInputError(`${features.length} features are too many for a readable heatmap; pick at most 60`);
  const train = r.rows.ids.map((_, i) => i).filter((i) => r.split.role[i] === 'train');
  const columns = features.map((f) => {
    const j = columnOf(table, f, 'feature');
    return Float64Array.from(train, (i) => {
      const s = table.cells[i]![j]!;
      if (s === '' || /^(na|nan|null|none)$/i.test(s)) return NaN;
      const v = Number(s);
      if (!Number.isFinite(v))
        throw new StatsInputError(`${table.file}, data row ${table.line[i]}, feature '${f}': '${s}' is not a number`);
      return v;
    });
  });
  const R = correlationMatrix(columns, opts.method);
  const order = opts.clustered ? clusterOrder(R) : features.map((_, k) => k);
  return {
    analysis: r.spec.name,
    method: opts.method,
    clustered: opts.clustered,
    n: train.length,
    features: order.map((k) => features[k]!),
    r: order.map((a) => order.map((b) => R[a]![b]!)),
  };
}
