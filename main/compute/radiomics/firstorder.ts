/**
 * First-order (intensity) features, PyRadiomics definitions (radiomics/firstorder.py).
 *
 * X are the ROI intensities after preprocessing, N_p their count, c = voxelArrayShift.
 * Entropy and Uniformity use the histogram of X over PyRadiomics' bin edges (IBSI intensity
 * histogram features TLU2 and BJ5W); everything else uses X itself. Moments are population
 * moments; Kurtosis is not reduced by 3 (IBSI IPH6 is). Percentiles follow numpy's default
 * linear interpolation.
 */
import { roiVoxels, type CroppedRoi } from './preprocess.js';

/** numpy.spacing(1): the epsilon PyRadiomics adds inside logarithms. */
export const EPS = 2.220446049250313e-16;

/** numpy.percentile(sorted, q) with the default 'linear' method (including numpy's lerp). */
export function percentile(sorted: Float64Array, q: number): number {
  return percentileOf((k) => sorted[k]!, sorted.length, q);
}

/** Ranks (0-based, ascending order) that percentile(·, q) reads for n values. */
function percentileRanks(n: number, q: number): [number, number] {
  const lo = Math.floor((q / 100) * (n - 1));
  return [lo, Math.min(lo + 1, n - 1)];
}

/** numpy's linear percentile from the values at the ranks percentileRanks names. */
function percentileOf(at: (rank: number) => number, n: number, q: number): number {
  const idx = (q / 100) * (n - 1);
  const [lo, hi] = percentileRanks(n, q);
  const t = idx - lo;
  const a = at(lo);
  const b = at(hi);
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Order statistics of `x` at the given ranks: a counting sort when every value is an integer
 * within a range of 2¹⁶ (any integer image without normalisation); else quickselect for each rank
 * (ascending, each within the range the previous ones bound), O(n) instead of a full sort. The
 * value of rank k is the k-th smallest either way, so the percentiles do not change.
 */
function orderStatistics(x: Float64Array, ranks: readonly number[]): (rank: number) => number {
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let m = 0; m < x.length; m++) {
    const v = x[m]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== Math.floor(v)) integers = false;
  }
  if (integers && max - min <= 65536) {
    const counts = new Int32Array((max - min + 1) | 0);
    for (let m = 0; m < x.length; m++) counts[(x[m]! - min) | 0]!++;
    const out = new Float64Array(x.length);
    for (let v = 0, m = 0; v < counts.length; v++) for (let c = counts[v]!; c > 0; c--) out[m++] = v + min;
    return (k) => out[k]!;
  }
  const a = x.slice();
  const wanted = [...new Set(ranks)].sort((p, q) => p - q);
  let lo = 0;
  for (const k of wanted) {
    select(a, lo, a.length - 1, k);
    lo = k;
  }
  return (k) => a[k]!;
}

/** Rearranges a[lo…hi] so that a[k] holds its (k − lo)-th smallest, smaller values before it, larger after. */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    if (hi - lo < 16) {
      for (let i = lo + 1; i <= hi; i++) {
        const v = a[i]!;
        let j = i - 1;
        while (j >= lo && a[j]! > v) {
          a[j + 1] = a[j]!;
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    // Median of three as pivot, then Hoare partition.
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo…j] ≤ pivot ≤ a[i…hi], and j < i; values between are equal to the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

export interface FirstOrderInput {
  crop: CroppedRoi;
  /** Bin edges from discretisation (for Entropy and Uniformity). */
  binEdges: Float64Array;
  /** Grey levels 1…n of the ROI voxels, x-fastest like crop.mask (0 outside). */
  levels: Int32Array;
  voxelArrayShift: number;
}

export function firstOrderFeatures(input: FirstOrderInput): Record<string, number> {
  const { crop, binEdges, levels, voxelArrayShift: c } = input;
  const { values, voxelCount: n } = crop;
  const x = new Float64Array(n);
  const hist = new Float64Array(binEdges.length - 1);
  const voxels = roiVoxels(crop);
  for (let m = 0; m < n; m++) {
    const o = voxels[m]!;
    x[m] = values[o]!;
    hist[levels[o]! - 1]!++;
  }
  let sum = 0;
  let energy = 0;
  for (let m = 0; m < n; m++) {
    sum += x[m]!;
    const s = x[m]! + c;
    energy += s * s;
  }
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let mad = 0;
  for (let m = 0; m < n; m++) {
    const d = x[m]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    mad += Math.abs(d);
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  mad /= n;
  const ranks = [0, n - 1, (n - 1) >> 1, n >> 1];
  for (const q of [10, 25, 75, 90]) ranks.push(...percentileRanks(n, q));
  const at = orderStatistics(x, ranks);
  const p10 = percentileOf(at, n, 10);
  const p90 = percentileOf(at, n, 90);
  // Robust MAD (IBSI 1128): mean absolute deviation of the voxels with p10 ≤ X ≤ p90.
  let rSum = 0;
  let rCount = 0;
  for (let m = 0; m < n; m++) {
    if (x[m]! >= p10 && x[m]! <= p90) {
      rSum += x[m]!;
      rCount++;
    }
  }
  const rMean = rSum / rCount;
  let rmad = 0;
  for (let m = 0; m < n; m++) if (x[m]! >= p10 && x[m]! <= p90) rmad += Math.abs(x[m]! - rMean);
  rmad /= rCount;
  // Entropy: PyRadiomics adds eps to every bin count before normalising by N_p.
  let entropy = 0;
  let uniformity = 0;
  for (let b = 0; b < hist.length; b++) {
    const p = (hist[b]! + EPS) / n;
    entropy -= p * Math.log2(p);
    const u = hist[b]! / (n + EPS);
    uniformity += u * u;
  }
  const [sx, sy, sz] = crop.spacingMm;
  const std = Math.sqrt(m2);
  const median = n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
  return {
    '10Percentile': p10,
    '90Percentile': p90,
    Energy: energy,
    Entropy: entropy,
    InterquartileRange: percentileOf(at, n, 75) - percentileOf(at, n, 25),
    Kurtosis: m2 === 0 ? 0 : m4 / (m2 * m2),
    Maximum: at(n - 1),
    Mean: mean,
    MeanAbsoluteDeviation: mad,
    Median: median,
    Minimum: at(0),
    Range: at(n - 1) - at(0),
    RobustMeanAbsoluteDeviation: rmad,
    RootMeanSquared: Math.sqrt(energy / n),
    Skewness: m2 === 0 ? 0 : m3 / Math.pow(m2, 1.5),
    StandardDeviation: std,
    TotalEnergy: sx * sy * sz * energy,
    Uniformity: uniformity,
    Variance: std * std,
  };
}
