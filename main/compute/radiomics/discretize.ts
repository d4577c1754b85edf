/**
 * Grey-level discretisation as PyRadiomics does it (imageoperations.getBinEdges + binImage).
 *
 * Fixed bin width w (IBSI "fixed bin size", but PyRadiomics' edge convention): edges are
 * multiples of w starting at floor(min/w)·w (`min − (min mod w)` with Python's modulo),
 * generated like numpy.arange, so X_b = floor(X/w) − floor(min/w) + 1. This differs from IBSI,
 * whose bins start at the minimum (or the re-segmentation lower bound) itself.
 * Fixed bin count N_b (IBSI "fixed bin number"): numpy.histogram's N_b + 1 equally spaced edges
 * from min to max (numpy.linspace), the last edge raised by 1 so the maximum falls in bin N_b.
 * Voxels are then binned with numpy.digitize semantics: bin b holds edge[b−1] ≤ x < edge[b].
 */
import type { Vec3 } from '../imaging/volume.js';
import { roiVoxels, type CroppedRoi } from './preprocess.js';

export interface DiscretizedRoi {
  size: Vec3;
  spacingMm: Vec3;
  /** Grey level 1…ng inside the ROI, 0 outside; x-fastest over the crop. */
  levels: Int32Array;
  mask: Uint8Array;
  voxelCount: number;
  /** Highest grey level in the ROI (PyRadiomics' `Ng`). */
  ng: number;
  /** Grey levels present in the ROI, ascending. */
  grayLevels: Int32Array;
  binEdges: Float64Array;
}

export interface BinningSettings {
  binWidth: number;
  binCount: number | null;
}

/** Python's float modulo: the result has the sign of the divisor. */
function pyMod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

/** PyRadiomics `getBinEdges` on the ROI values' minimum and maximum. */
export function binEdges(min: number, max: number, s: BinningSettings): Float64Array {
  if (s.binCount !== null) {
    let first = min;
    let last = max;
    if (first === last) {
      first -= 0.5;
      last += 0.5;
    }
    const n = s.binCount;
    const edges = new Float64Array(n + 1);
    const step = (last - first) / n;
    for (let i = 0; i <= n; i++) edges[i] = i * step + first;
    edges[n] = last + 1;
    return edges;
  }
  const w = s.binWidth;
  const low = min - pyMod(min, w);
  const high = max + 2 * w;
  const len = Math.ceil((high - low) / w);
  if (len === 1) return Float64Array.of(low - 0.5, low + 0.5);
  const delta = low + w - low;
  const edges = new Float64Array(len);
  edges[0] = low;
  for (let i = 1; i < len; i++) edges[i] = low + i * delta;
  return edges;
}

/** numpy.digitize(x, edges) for ascending edges: the number of edges ≤ x. */
export function digitize(x: number, edges: Float64Array): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function discretize(crop: CroppedRoi, s: BinningSettings): DiscretizedRoi {
  const { values, mask } = crop;
  const voxels = roiVoxels(crop);
  let min = Infinity;
  let max = -Infinity;
  for (let v0 = 0; v0 < voxels.length; v0++) {
    const v = values[voxels[v0]!]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const edges = binEdges(min, max, s);
  const levels = new Int32Array(mask.length);
  const present = new Uint8Array(edges.length + 1);
  let ng = 0;
  // Fixed bin width: the edges are (nearly) evenly spaced, so guess the bin from the width and
  // correct it against the edges themselves (numpy.digitize semantics, whatever the rounding).
  const width = s.binCount === null && edges.length > 2 ? edges[1]! - edges[0]! : 0;
  const last = edges.length;
  for (let v0 = 0; v0 < voxels.length; v0++) {
    const o = voxels[v0]!;
    const x = values[o]!;
    let b: number;
    if (width > 0) {
      b = Math.floor((x - edges[0]!) / width) + 1;
      if (!(b >= 0)) b = 0;
      else if (b > last) b = last;
      while (b > 0 && edges[b - 1]! > x) b--;
      while (b < last && edges[b]! <= x) b++;
    } else b = digitize(x, edges);
    levels[o] = b;
    present[b] = 1;
    if (b > ng) ng = b;
  }
  let count = 0;
  for (let b = 0; b < present.length; b++) count += present[b]!;
  const grayLevels = new Int32Array(count);
  for (let b = 0, c = 0; b < present.length; b++) if (present[b]) grayLevels[c++] = b;
  return {
    size: crop.size,
    spacingMm: crop.spacingMm,
    levels,
    mask,
    voxelCount: crop.voxelCount,
    ng,
    grayLevels,
    binEdges: edges,
  };
}
