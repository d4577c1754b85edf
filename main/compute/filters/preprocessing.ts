/**
 * RadStudy's own preprocessing section of a parameter file (not PyRadiomics'): a top-level
 * `preprocessing` mapping, applied to the image before PyRadiomics' loadImage step, in this
 * order: N4 bias-field correction, then intensity normalisation.
 *
 *   preprocessing:
 *     n4:                       # or `n4: true` for every default (3D Slicer's)
 *       iterations: [50, 40, 30]
 *       convergenceThreshold: 0.0001
 *       shrinkFactor: 4
 *       initialMeshResolution: [1, 1, 1]
 *       splineDistanceMm: 0
 *       wienerNoise: 0.01
 *       fwhm: 0.15
 *       histogramBins: 200
 *       mask: otsu              # otsu | positive | roi
 *     intensityNormalization:
 *       method: zscore          # zscore | rescale | minmax | percentileClip
 *       region: all             # all | roi (voxels the statistics use)
 *       range: [0, 2000]        # rescale only
 *       percentiles: [1, 99]    # percentileClip only
 *
 * Every key is checked; an unknown key or a bad value is an error naming it (a study's feature
 * table always says how it was made: `preprocessingDiagnostics` gives the row entry). Without
 * the section nothing changes and PyRadiomics-mode outputs stay as they were.
 */
import type { Volume } from '../imaging/volume.js';
import { RadiomicsInputError } from '../radiomics/errors.js';
import { n4BiasFieldCorrection, N4_DEFAULTS } from './n4.js';
import { minMaxNormalize, percentileClip, rescaleIntensity, zScoreNormalize } from './normalize.js';

export interface N4Settings {
  iterations: number[];
  convergenceThreshold: number;
  shrinkFactor: number;
  initialMeshResolution: [number, number, number];
  splineDistanceMm: number;
  wienerNoise: number;
  fwhm: number;
  histogramBins: number;
  mask: 'otsu' | 'positive' | 'roi';
}

export interface NormalizationSettings {
  method: 'zscore' | 'rescale' | 'minmax' | 'percentileClip';
  region: 'all' | 'roi';
  range: [number, number];
  percentiles: [number, number];
}

export interface PreprocessingSettings {
  n4?: N4Settings;
  intensityNormalization?: NormalizationSettings;
}

const fail = (where: string, problem: string): never => {
  throw new RadiomicsInputError(where, problem);
};
const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function mapping(v: unknown, where: string): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) return fail(where, `expected a mapping, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function number(v: unknown, where: string, opts: { int?: boolean; min?: number; minEx?: number } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fail(where, `expected a number, got ${show(v)}`);
  if (opts.int && !Number.isInteger(v)) return fail(where, `expected an integer, got ${v}`);
  if (opts.min !== undefined && v < opts.min) return fail(where, `must be ≥ ${opts.min}, got ${v}`);
  if (opts.minEx !== undefined && v <= opts.minEx) return fail(where, `must be > ${opts.minEx}, got ${v}`);
  return v;
}

function list(v: unknown, where: string, len: number | null, opts: { int?: boolean; min?: number; minEx?: number }): number[] {
  if (!Array.isArray(v) || v.length === 0 || (len !== null && v.length !== len)) {
    return fail(where, `expected a list of ${len ?? 'one or more'} numbers, got ${show(v)}`);
  }
  return (v as unknown[]).map((x, i) => number(x, `${where}[${i}]`, opts));
}

function choice<T extends string>(v: unknown, where: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    return fail(where, `expected one of ${options.join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

function checkKeys(m: Record<string, unknown>, where: string, known: readonly string[]): void {
  for (const k of Object.keys(m)) {
    if (!known.includes(k)) fail(`${where}.${k}`, `unknown key "${k}" (expected ${known.join(', ')})`);
  }
}

export function parsePreprocessing(raw: unknown, where = 'preprocessing'): PreprocessingSettings {
  const top = mapping(raw, where);
  checkKeys(top, where, ['n4', 'intensityNormalization']);
  const out: PreprocessingSettings = {};
  if (top.n4 !== undefined && top.n4 !== false && top.n4 !== null) {
    const at = `${where}.n4`;
    const m = top.n4 === true ? {} : mapping(top.n4, at);
    checkKeys(m, at, [
      'iterations',
      'convergenceThreshold',
      'shrinkFactor',
      'initialMeshResolution',
      'splineDistanceMm',
      'wienerNoise',
      'fwhm',
      'histogramBins',
      'mask',
    ]);
    out.n4 = {
      iterations:
        m.iterations === undefined
          ? [...N4_DEFAULTS.iterations]
          : list(m.iterations, `${at}.iterations`, null, { int: true, min: 1 }),
      convergenceThreshold:
        m.convergenceThreshold === undefined
          ? N4_DEFAULTS.convergenceThreshold
          : number(m.convergenceThreshold, `${at}.convergenceThreshold`, { min: 0 }),
      shrinkFactor:
        m.shrinkFactor === undefined
          ? N4_DEFAULTS.shrinkFactor
          : number(m.shrinkFactor, `${at}.shrinkFactor`, { int: true, min: 1 }),
      initialMeshResolution:
        m.initialMeshResolution === undefined
          ? [...N4_DEFAULTS.initialMeshResolution]
          : (list(m.initialMeshResolution, `${at}.initialMeshResolution`, 3, { int: true, min: 1 }) as [number, number, number]),
      splineDistanceMm: m.splineDistanceMm === undefined ? 0 : number(m.splineDistanceMm, `${at}.splineDistanceMm`, { min: 0 }),
      wienerNoise: m.wienerNoise === undefined ? N4_DEFAULTS.wienerNoise : number(m.wienerNoise, `${at}.wienerNoise`, { min: 0 }),
      fwhm: m.fwhm === undefined ? N4_DEFAULTS.fwhm : number(m.fwhm, `${at}.fwhm`, { minEx: 0 }),
      histogramBins:
        m.histogramBins === undefined
          ? N4_DEFAULTS.histogramBins
          : number(m.histogramBins, `${at}.histogramBins`, { int: true, min: 4 }),
      mask: m.mask === undefined ? 'otsu' : choice(m.mask, `${at}.mask`, ['otsu', 'positive', 'roi'] as const),
    };
  }
  if (top.intensityNormalization !== undefined && top.intensityNormalization !== null) {
    const at = `${where}.intensityNormalization`;
    const m = mapping(top.intensityNormalization, at);
    checkKeys(m, at, ['method', 'region', 'range', 'percentiles']);
    if (m.method === undefined) fail(`${at}.method`, 'method is required (zscore, rescale, minmax, percentileClip)');
    const method = choice(m.method, `${at}.method`, ['zscore', 'rescale', 'minmax', 'percentileClip'] as const);
    const range = m.range === undefined ? [0, 2000] : list(m.range, `${at}.range`, 2, {});
    if (!(range[1]! > range[0]!)) fail(`${at}.range`, `needs max > min, got ${show(range)}`);
    const percentiles = m.percentiles === undefined ? [1, 99] : list(m.percentiles, `${at}.percentiles`, 2, { min: 0 });
    if (!(percentiles[1]! > percentiles[0]!) || percentiles[1]! > 100) {
      fail(`${at}.percentiles`, `needs 0 ≤ low < high ≤ 100, got ${show(percentiles)}`);
    }
    if (m.range !== undefined && method !== 'rescale') fail(`${at}.range`, `range applies to method rescale only, not ${method}`);
    if (m.percentiles !== undefined && method !== 'percentileClip') {
      fail(`${at}.percentiles`, `percentiles apply to method percentileClip only, not ${method}`);
    }
    out.intensityNormalization = {
      method,
      region: m.region === undefined ? 'all' : choice(m.region, `${at}.region`, ['all', 'roi'] as const),
      range: range as [number, number],
      percentiles: percentiles as [number, number],
    };
  }
  return out;
}

/** The row entry recording the preprocessing (nothing when there was none: PyRadiomics rows unchanged). */
export function preprocessingDiagnostics(p: PreprocessingSettings | undefined): Record<string, string> {
  if (!p || (!p.n4 && !p.intensityNormalization)) return {};
  return { diagnostics_Configuration_Preprocessing: JSON.stringify(p) };
}

/**
 * Applies the section to an image: N4 first (its mask: Otsu, positive voxels or the ROI), then
 * the normalisation (statistics over every voxel or the ROI). `notes` receives one line per step.
 */
export function applyPreprocessing(image: Volume, p: PreprocessingSettings, roi?: Uint8Array, notes: string[] = []): Volume {
  let out = image;
  const needRoi = (what: string): Uint8Array => roi ?? fail('preprocessing', `${what} uses the ROI but no ROI mask was given`);
  if (p.n4) {
    const { mask, ...rest } = p.n4;
    const r = n4BiasFieldCorrection(out, { ...rest, mask: mask === 'roi' ? needRoi('n4.mask') : mask });
    notes.push(
      `N4: ${r.iterationsRun.join(',')} iterations per level, convergence ${r.convergence.map((c) => c.toExponential(2)).join(',')}`,
    );
    out = r.corrected;
  }
  const n = p.intensityNormalization;
  if (n) {
    const mask = n.region === 'roi' ? needRoi('intensityNormalization.region') : undefined;
    out =
      n.method === 'zscore'
        ? zScoreNormalize(out, mask)
        : n.method === 'rescale'
          ? rescaleIntensity(out, n.range[0], n.range[1], mask)
          : n.method === 'minmax'
            ? minMaxNormalize(out, mask)
            : percentileClip(out, n.percentiles[0], n.percentiles[1], mask);
    notes.push(`intensity normalisation: ${n.method} over ${n.region === 'roi' ? 'the ROI' : 'every voxel'}`);
  }
  return out;
}
