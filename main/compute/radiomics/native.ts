/**
 * The optional native twins of the radiomics hot loops (native/src/radiomics.c, Node-API). When
 * the addon is built (`npm run build` compiles it with node-gyp) the texture matrices and the
 * GLCM MCC use it; otherwise, or with RADSTUDY_NATIVE=off, every kernel runs its TypeScript twin,
 * which computes the same numbers (bit for bit: test/unit/radiomics/native.test.ts compares both).
 * RADSTUDY_NATIVE_ADDON names another build of the addon.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeKernels {
  /** computeGlcm's counting pass. */
  glcmCounts(compact: Int32Array, voxels: Int32Array, off: Int32Array, ngp: number, counts: Float64Array): void;
  /** computeGlcm after the counts, unweighted: symmetrise, drop empty angles, normalise; the number kept. */
  glcmFinish(counts: Float64Array, na: number, ngp: number, symmetric: number): number;
  /** computeGlrlm's pass of one angle: longest run, with bit 2³⁰ set when a run is longer than 1. */
  glrlmRuns(
    level: Int32Array,
    compact: Int32Array,
    voxels: Int32Array,
    step: number,
    maxRun: number,
    base: number,
    counts: Float64Array,
  ): number;
  /**
   * computeGlszm's zones (by union–find, level only read; any order): the number of zones, their
   * compact levels and sizes; stats[0] = the largest zone. `stack` is work space.
   */
  glszmZones(
    level: Int32Array,
    compact: Int32Array,
    voxels: Int32Array,
    off: Int32Array,
    stack: Int32Array,
    zoneLevel: Int32Array,
    zoneSize: Int32Array,
    stats: Int32Array,
  ): number;
  /** neighbourCounts' pass (GLDM α = 0 and NGTDM). */
  neighbourCounts(
    level: Int32Array,
    compact: Int32Array,
    voxels: Int32Array,
    off: Int32Array,
    nd: number,
    dependence: Float64Array,
    n: Float64Array,
    sums: Float64Array,
  ): void;
  /** glcm.ts symmetricMcc. */
  symmetricMcc(p: Float64Array, off: number, n: number, px: Float64Array): number;
  /** paddedRoi's fill of the zeroed padded arrays: the number of ROI voxels. */
  paddedFill(
    levels: Int32Array,
    mask: Uint8Array,
    nx: number,
    ny: number,
    nz: number,
    pad: number,
    idx: Int32Array,
    level: Int32Array,
    compact: Int32Array,
    voxels: Int32Array,
  ): number;
  /** caseDiagnostics.ts integerStats of a non-empty integer array: out = [min, max, sum]. */
  integerStats(data: ArrayBufferView, out: Float64Array): void;
  /** shape.ts diameters of the padded mask: out = [max 3D, slice, column, row] (mm). */
  shapeDiameters(
    mask: Uint8Array,
    nx: number,
    ny: number,
    nz: number,
    spacing: Float64Array,
    out: Float64Array,
    rowFirst: Int32Array,
    rowLast: Int32Array,
  ): void;
  /**
   * preprocess.ts cropRoi without normalisation: fills values, mask and voxels over the box;
   * returns the ROI voxel count, or −1 − o for the first ROI voxel o (crop offset) that is not finite.
   */
  cropRoi(
    data: ArrayBufferView,
    labels: ArrayBufferView,
    components: number,
    channel: number,
    label: number,
    nx: number,
    ny: number,
    lower: Int32Array,
    size: Int32Array,
    values: Float64Array,
    mask: Uint8Array,
    voxels: Int32Array,
  ): number;
}

/** Every function the TypeScript expects of the addon: an older build that lacks one is not used. */
const KERNEL_NAMES: readonly (keyof NativeKernels)[] = [
  'glcmCounts',
  'glrlmRuns',
  'glszmZones',
  'neighbourCounts',
  'symmetricMcc',
  'paddedFill',
  'integerStats',
  'shapeDiameters',
  'cropRoi',
  'glcmFinish',
];

const ADDON = path.join('native', 'build', 'Release', 'radstudy_native.node');

/** The addon's path: beside the sources (main/compute/radiomics) or the build (dist/main/…). */
export function nativeAddonPath(): string | null {
  const override = process.env.RADSTUDY_NATIVE_ADDON;
  if (override) return override;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = path.join(dir, ADDON);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}

function load(): { kernels: NativeKernels | null; why: string } {
  if (process.env.RADSTUDY_NATIVE === 'off') return { kernels: null, why: 'turned off (RADSTUDY_NATIVE=off)' };
  const file = nativeAddonPath();
  if (!file) return { kernels: null, why: `not built (no ${ADDON}; run npm run build)` };
  try {
    const k = createRequire(import.meta.url)(file) as Partial<NativeKernels>;
    const missing = KERNEL_NAMES.filter((name) => typeof k[name] !== 'function');
    if (missing.length > 0)
      return { kernels: null, why: `not used: ${file} is an older build without ${missing.join(', ')} (run npm run build)` };
    return { kernels: k as NativeKernels, why: `loaded from ${file}` };
  } catch (e) {
    return { kernels: null, why: `could not be loaded from ${file}: ${(e as Error).message}` };
  }
}

const loaded = load();

/** The native kernels, or null when the TypeScript twins run. */
export const native: NativeKernels | null = loaded.kernels;
/** Why the native kernels are or are not in use (printed by the radiomics bench). */
export const nativeStatus: string = loaded.why;

/** For the twin tests: the kernels, forced on or off for this call. */
let forced: NativeKernels | null | undefined;
export function kernels(): NativeKernels | null {
  return forced === undefined ? native : forced;
}
export function withKernels<T>(k: NativeKernels | null, fn: () => T): T {
  const before = forced;
  forced = k;
  try {
    return fn();
  } finally {
    forced = before;
  }
}
