/**
 * IBSI 2 Laplacian of Gaussian (reference manual, "Laplacian of Gaussian"):
 *   h(x) = −(1/σ²) · (1/(σ√(2π)))^d · (d − ‖x‖²/σ²) · exp(−‖x‖²/(2σ²)),
 * with σ converted from mm to voxel units on each axis (σ_a = σ / spacing_a) and the kernel
 * truncated at ⌊t·σ_a + 0.5⌋ voxels from the centre (t = 4 in IBSI 2 phase 1), d = 3 or 2 (in-plane).
 * Because ∇²G = Σ_a G_a''(x_a) Π_{b≠a} G_b(x_b), the kernel is a sum of d separable terms with
 * G(x) = exp(−x²/(2σ²))/(σ√(2π)) and G''(x) = G(x)·(x²/σ⁴ − 1/σ²), which is how it is applied.
 * Response units: intensity per voxel².
 */
import { convolveSeparable, type PaddingMode, type Size3 } from './convolution.js';

export interface LogFilterOptions {
  sigmaMm: number;
  spacingMm: readonly [number, number, number];
  /** Truncation in σ (IBSI 2: 4). */
  truncate: number;
  padding: PaddingMode;
  by2D: boolean;
}

/** Sampled G and G'' of one axis, centre in the middle (length 2R + 1). */
export function gaussianFactors(sigmaVoxels: number, truncate: number): { g: Float64Array; g2: Float64Array } {
  const r = Math.floor(truncate * sigmaVoxels + 0.5);
  const g = new Float64Array(2 * r + 1);
  const g2 = new Float64Array(2 * r + 1);
  const s2 = sigmaVoxels * sigmaVoxels;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp(-(i * i) / (2 * s2)) / (sigmaVoxels * Math.sqrt(2 * Math.PI));
    g[i + r] = v;
    g2[i + r] = v * ((i * i) / (s2 * s2) - 1 / s2);
  }
  return { g, g2 };
}

/** The smallest σ (mm) the filter accepts: half a voxel on the finest filtered axis. */
export function minimumLogSigmaMm(spacingMm: readonly number[], by2D: boolean): number {
  const axes = by2D ? spacingMm.slice(0, 2) : spacingMm;
  return 0.5 * Math.min(...axes);
}

export function logFilter(src: Float64Array, size: Size3, options: LogFilterOptions): Float64Array {
  const { sigmaMm, spacingMm, truncate, padding, by2D } = options;
  const minSigma = minimumLogSigmaMm(spacingMm, by2D);
  if (!(sigmaMm >= minSigma)) {
    throw new Error(
      `LoG sigma ${sigmaMm} mm is smaller than half the voxel spacing (${minSigma} mm): the sampled kernel would not resolve the Gaussian; use sigma ≥ ${minSigma} mm`,
    );
  }
  if (!(truncate > 0)) throw new Error(`LoG truncation must be greater than 0, got ${truncate}`);
  const dims = by2D ? 2 : 3;
  const factors = [0, 1, 2].map((a) => gaussianFactors(sigmaMm / spacingMm[a]!, truncate));
  const out = new Float64Array(src.length);
  for (let a = 0; a < dims; a++) {
    const kernels = [0, 1, 2].map((b) => (b >= dims ? null : b === a ? factors[b]!.g2 : factors[b]!.g));
    const term = convolveSeparable(src, size, kernels, padding);
    for (let o = 0; o < out.length; o++) out[o] = out[o]! + term[o]!;
  }
  return out;
}
