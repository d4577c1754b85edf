/**
 * First-order (intensity) features, PyRadiomics definitions (radiomics/firstorder.py).
 *
 * X are the ROI intensities after preprocessing, N_p their count, c = voxelArrayShift.
 * Entropy and Uniformity use the histogram of X over PyRadiomics' bin edges (IBSI intensity
 * histogram features TLU2 and BJ5W); everything else uses X itself. Moments are population
 * moments; Kurtosis is not reduced by 3 (IBSI IPH6 is). Percentiles follow numpy's default
 * linear interpolation.
 */
import type { CroppedRoi } from './preprocess.js';

/** numpy.spacing(1): the epsilon PyRadiomics adds inside logarithms. */
export const EPS = 2.220446049250313e-16;

/** numpy.percentile(sorted, q) with the default 'linear' method (including numpy's lerp). */
export function percentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const idx = (q / 100) * (n - 1);
  const lo = Math.floor(idx);
  const hi = Math.min(lo + 1, n - 1);
  const t = idx - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Ascending copy of `x`: a counting sort when every value is an integer within a range of 2¹⁶
 * (any integer image without normalisation), else the typed-array sort.
 */
function sortedCopy(x: Float64Array): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let m = 0; m < x.length; m++) {
    const v = x[m]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== Math.floor(v)) integers = false;
  }
  if (!integers || !(max - min <= 65536)) return x.slice().sort();
  const counts = new Int32Array((max - min + 1) | 0);
  for (let m = 0; m < x.length; m++) counts[(x[m]! - min) | 0]!++;
  const out = new Float64Array(x.length);
  for (let v = 0, m = 0; v < counts.length; v++) for (let c = counts[v]!; c > 0; c--) out[m++] = v + min;
  return out;
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
  const { values, mask, voxelCount: n } = crop;
  const x = new Float64Array(n);
  const hist = new Float64Array(binEdges.length - 1);
  for (let o = 0, m = 0; o < mask.length; o++) {
    if (!mask[o]) continue;
    x[m++] = values[o]!;
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
  const sorted = sortedCopy(x);
  const p10 = percentile(sorted, 10);
  const p90 = percentile(sorted, 90);
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
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return {
    '10Percentile': p10,
    '90Percentile': p90,
    Energy: energy,
    Entropy: entropy,
    InterquartileRange: percentile(sorted, 75) - percentile(sorted, 25),
    Kurtosis: m2 === 0 ? 0 : m4 / (m2 * m2),
    Maximum: sorted[n - 1]!,
    Mean: mean,
    MeanAbsoluteDeviation: mad,
    Median: median,
    Minimum: sorted[0]!,
    Range: sorted[n - 1]! - sorted[0]!,
    RobustMeanAbsoluteDeviation: rmad,
    RootMeanSquared: Math.sqrt(energy / n),
    Skewness: m2 === 0 ? 0 : m3 / Math.pow(m2, 1.5),
    StandardDeviation: std,
    TotalEnergy: sx * sy * sz * energy,
    Uniformity: uniformity,
    Variance: std * std,
  };
}
