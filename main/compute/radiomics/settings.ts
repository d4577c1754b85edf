/**
 * Extraction settings under PyRadiomics' names, with PyRadiomics 3 defaults, and the reader of
 * PyRadiomics YAML parameter files (`setting`, `imageType`, `featureClass`, `voxelSetting`).
 *
 * Definitions: PyRadiomics documentation, "Customizing the extraction" and its parameter schema
 * (radiomics/schemas/paramSchema.yaml); defaults from `RadiomicsFeatureExtractor._getDefaultSettings`
 * and the per-class `kwargs.get(..., default)` calls. A parameter file fully determines the output,
 * so every key is checked: an unknown key, a wrong type or an out-of-range value is an error naming
 * the key, never silently ignored.
 */
import { parse as parseYaml } from 'yaml';
import { parseIbsiFilterSpec, type IbsiFilterSpec } from '../filters/ibsi2/index.js';
import { parsePreprocessing, type PreprocessingSettings } from '../filters/preprocessing.js';
import { RadiomicsInputError } from './errors.js';
import { FEATURE_CLASSES, FEATURE_NAMES } from './featureNames.js';
import type { FeatureClassName } from './featureNames.js';

export { FEATURE_CLASSES, FEATURE_NAMES };
export type { FeatureClassName };

export type ResegmentMode = 'absolute' | 'relative' | 'sigma';
export type WeightingNorm = 'manhattan' | 'euclidean' | 'infinity' | 'no_weighting';
export const INTERPOLATORS = [
  'sitkNearestNeighbor',
  'sitkLinear',
  'sitkBSpline',
  'sitkGaussian',
  'sitkLabelGaussian',
  'sitkHammingWindowedSinc',
  'sitkCosineWindowedSinc',
  'sitkWelchWindowedSinc',
  'sitkLanczosWindowedSinc',
  'sitkBlackmanWindowedSinc',
] as const;
export type Interpolator = (typeof INTERPOLATORS)[number];

export interface RadiomicsSettings {
  // --- ROI checks (imageoperations.checkMask) ---
  minimumROIDimensions: number;
  minimumROISize: number | null;
  geometryTolerance: number | null;
  correctMask: boolean;
  label: number;
  label_channel: number;
  additionalInfo: boolean;
  // --- image preprocessing ---
  normalize: boolean;
  normalizeScale: number;
  removeOutliers: number | null;
  resampledPixelSpacing: number[] | null;
  interpolator: Interpolator;
  padDistance: number;
  preCrop: boolean;
  resegmentRange: number[] | null;
  resegmentMode: ResegmentMode;
  resegmentShape: boolean;
  // --- discretisation (imageoperations.getBinEdges) ---
  binWidth: number;
  binCount: number | null;
  // --- feature classes ---
  distances: number[];
  force2D: boolean;
  force2Ddimension: number;
  voxelArrayShift: number;
  symmetricalGLCM: boolean;
  weightingNorm: WeightingNorm | null;
  gldm_a: number;
  // --- filter settings (accepted so PyRadiomics files load; used by the filter image types) ---
  sigma: number[] | null;
  start_level: number;
  level: number;
  wavelet: string;
  gradientUseSpacing: boolean;
  lbp2DRadius: number;
  lbp2DSamples: number;
  lbp2DMethod: 'default' | 'ror' | 'uniform' | 'nri_uniform' | 'var';
  lbp3DLevels: number;
  lbp3DIcosphereRadius: number;
  lbp3DIcosphereSubdivision: number;
}

/** PyRadiomics 3 defaults (a key left out of a parameter file takes this value). */
export const DEFAULT_SETTINGS: Readonly<RadiomicsSettings> = Object.freeze({
  minimumROIDimensions: 2,
  minimumROISize: null,
  geometryTolerance: null,
  correctMask: false,
  label: 1,
  label_channel: 0,
  additionalInfo: true,
  normalize: false,
  normalizeScale: 1,
  removeOutliers: null,
  resampledPixelSpacing: null,
  interpolator: 'sitkBSpline',
  padDistance: 5,
  preCrop: false,
  resegmentRange: null,
  resegmentMode: 'absolute',
  resegmentShape: false,
  binWidth: 25,
  binCount: null,
  distances: [1],
  force2D: false,
  force2Ddimension: 0,
  voxelArrayShift: 0,
  symmetricalGLCM: true,
  weightingNorm: null,
  gldm_a: 0,
  sigma: null,
  start_level: 0,
  level: 1,
  wavelet: 'coif1',
  gradientUseSpacing: true,
  lbp2DRadius: 1,
  // PyRadiomics' code default (getLBP2DImage: kwargs.get('lbp2DSamples', 8)); its docs say 9.
  lbp2DSamples: 8,
  lbp2DMethod: 'uniform',
  lbp3DLevels: 2,
  lbp3DIcosphereRadius: 1,
  lbp3DIcosphereSubdivision: 1,
});

type Check = (value: unknown, where: string) => unknown;

const fail = (where: string, problem: string): never => {
  throw new RadiomicsInputError(where, problem);
};
const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function num(opts: { int?: boolean; min?: number; minEx?: number; max?: number; nullable?: boolean }): Check {
  return (v, where) => {
    if (v === null && opts.nullable) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(where, `expected a number, got ${show(v)}`);
    if (opts.int && !Number.isInteger(v)) return fail(where, `expected an integer, got ${v}`);
    if (opts.min !== undefined && v < opts.min) return fail(where, `must be ≥ ${opts.min}, got ${v}`);
    if (opts.minEx !== undefined && v <= opts.minEx) return fail(where, `must be > ${opts.minEx}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) return fail(where, `must be ≤ ${opts.max}, got ${v}`);
    return v;
  };
}
function numList(item: Check, opts: { nullable?: boolean; minLength?: number; maxLength?: number }): Check {
  return (v, where) => {
    if (v === null && opts.nullable) return null;
    if (!Array.isArray(v)) return fail(where, `expected a list, got ${show(v)}`);
    if (opts.minLength !== undefined && v.length < opts.minLength)
      return fail(where, `expected at least ${opts.minLength} values, got ${v.length}`);
    if (opts.maxLength !== undefined && v.length > opts.maxLength)
      return fail(where, `expected at most ${opts.maxLength} values, got ${v.length}`);
    return v.map((x, i) => item(x, `${where}[${i}]`));
  };
}
const bool: Check = (v, where) => (typeof v === 'boolean' ? v : fail(where, `expected true or false, got ${show(v)}`));
function oneOf(values: readonly string[], nullable = false): Check {
  return (v, where) => {
    if (v === null && nullable) return null;
    if (typeof v === 'string' && values.includes(v)) return v;
    return fail(where, `expected one of ${values.map((x) => `"${x}"`).join(', ')}, got ${show(v)}`);
  };
}

const SETTING_CHECKS: Record<keyof RadiomicsSettings, Check> = {
  minimumROIDimensions: num({ int: true, min: 1, max: 3 }),
  minimumROISize: num({ int: true, minEx: 0, nullable: true }),
  geometryTolerance: num({ minEx: 0, nullable: true }),
  correctMask: bool,
  label: num({ int: true, minEx: 0 }),
  label_channel: num({ int: true, min: 0 }),
  additionalInfo: bool,
  normalize: bool,
  normalizeScale: num({ minEx: 0 }),
  removeOutliers: num({ minEx: 0, nullable: true }),
  resampledPixelSpacing: numList(num({ min: 0 }), { nullable: true, minLength: 2, maxLength: 3 }),
  interpolator: oneOf(INTERPOLATORS),
  padDistance: num({ int: true, min: 0 }),
  preCrop: bool,
  resegmentRange: numList(num({}), { nullable: true, minLength: 1, maxLength: 2 }),
  resegmentMode: oneOf(['absolute', 'relative', 'sigma']),
  resegmentShape: bool,
  binWidth: num({ minEx: 0 }),
  binCount: num({ int: true, minEx: 0, nullable: true }),
  distances: numList(num({ int: true, minEx: 0 }), { minLength: 1 }),
  force2D: bool,
  force2Ddimension: num({ int: true, min: 0, max: 2 }),
  voxelArrayShift: num({ int: true }),
  symmetricalGLCM: bool,
  weightingNorm: oneOf(['manhattan', 'euclidean', 'infinity', 'no_weighting'], true),
  gldm_a: num({ int: true, min: 0 }),
  sigma: numList(num({ minEx: 0 }), { nullable: true }),
  start_level: num({ int: true, min: 0 }),
  level: num({ int: true, minEx: 0 }),
  wavelet: (v, where) => (typeof v === 'string' ? v : fail(where, `expected a wavelet name, got ${show(v)}`)),
  gradientUseSpacing: bool,
  lbp2DRadius: num({ minEx: 0 }),
  lbp2DSamples: num({ int: true, min: 1 }),
  lbp2DMethod: oneOf(['default', 'ror', 'uniform', 'nri_uniform', 'var']),
  lbp3DLevels: num({ int: true, min: 1 }),
  lbp3DIcosphereRadius: num({ minEx: 0 }),
  lbp3DIcosphereSubdivision: num({ int: true, min: 0 }),
};

export const SETTING_NAMES = Object.keys(SETTING_CHECKS) as (keyof RadiomicsSettings)[];

/**
 * Interpolator given as a SimpleITK enum number in old parameter files (sitk.sitkBSpline = 3 …).
 * Numbers follow SimpleITK's InterpolatorEnum.
 */
const INTERPOLATOR_BY_NUMBER: Record<number, Interpolator> = {
  1: 'sitkNearestNeighbor',
  2: 'sitkLinear',
  3: 'sitkBSpline',
  4: 'sitkGaussian',
  5: 'sitkLabelGaussian',
  6: 'sitkHammingWindowedSinc',
  7: 'sitkCosineWindowedSinc',
  8: 'sitkWelchWindowedSinc',
  9: 'sitkLanczosWindowedSinc',
  10: 'sitkBlackmanWindowedSinc',
};

/**
 * Checks a plain object of settings (as in a parameter file's `setting:` section or a
 * PyRadiomics `diagnostics_Configuration_Settings` dict) and returns the full settings with
 * defaults filled in. `where` prefixes key names in error messages.
 */
export function resolveSettings(
  input: Record<string, unknown> | null | undefined,
  where = 'setting',
  base: Readonly<RadiomicsSettings> = DEFAULT_SETTINGS,
): RadiomicsSettings {
  const out: RadiomicsSettings = { ...base, distances: [...base.distances] };
  if (input === null || input === undefined) return out;
  if (typeof input !== 'object' || Array.isArray(input)) fail(where, `expected a mapping of settings`);
  const target = out as unknown as Record<string, unknown>;
  for (const [key, raw] of Object.entries(input)) {
    const at = `${where}.${key}`;
    if (!(key in SETTING_CHECKS)) {
      fail(at, `unknown setting "${key}" (PyRadiomics settings are: ${SETTING_NAMES.join(', ')})`);
    }
    let value = raw;
    // PyRadiomics' `interpolator: None` means "no resampling requested"; keep the default name.
    if (key === 'interpolator' && (raw === null || raw === undefined)) continue;
    if (key === 'interpolator' && typeof raw === 'number') {
      value = INTERPOLATOR_BY_NUMBER[raw] ?? fail(at, `unknown SimpleITK interpolator number ${raw}`);
    }
    target[key] = SETTING_CHECKS[key as keyof RadiomicsSettings](value, at);
  }
  return out;
}

export const IMAGE_TYPES = [
  'Original',
  'Wavelet',
  'LoG',
  'Square',
  'SquareRoot',
  'Logarithm',
  'Exponential',
  'Gradient',
  'LBP2D',
  'LBP3D',
  // RadStudy's key (not PyRadiomics'): IBSI chapter 2 filters, `IBSI2: {filters: [{filter: laws, …}, …]}`.
  'IBSI2',
] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** An image type's own settings; `filters` only for IBSI2 (the IBSI 2 filter specifications). */
export type ImageTypeOverrides = Partial<RadiomicsSettings> & { filters?: IbsiFilterSpec[] };

/** Enabled features: class → feature names (an empty list means all non-deprecated features). */
export type EnabledFeatures = Partial<Record<FeatureClassName, string[]>>;

export interface ParameterFile {
  settings: RadiomicsSettings;
  /** Image type → settings that override `settings` for that image type only (raw, checked). */
  imageTypes: Partial<Record<ImageType, ImageTypeOverrides>>;
  featureClasses: EnabledFeatures;
  voxelSettings: Record<string, unknown>;
  /** RadStudy's `preprocessing` section (N4, intensity normalisation); absent when the file has none. */
  preprocessing?: PreprocessingSettings;
}

const VOXEL_SETTINGS: Record<string, Check> = {
  kernelRadius: num({ int: true, minEx: 0 }),
  maskedKernel: bool,
  initValue: num({}),
  voxelBatch: num({ int: true, minEx: 0 }),
};

/**
 * Reads a PyRadiomics YAML parameter file. Sections left out take PyRadiomics' defaults:
 * no `imageType` → Original only; no `featureClass` → every class with all features.
 */
export function parseParameterFile(text: string, source = 'parameter file'): ParameterFile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new RadiomicsInputError(source, `not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) fail(source, 'expected a mapping at the top level');
  const top = doc as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (!['setting', 'imageType', 'featureClass', 'voxelSetting', 'preprocessing'].includes(key)) {
      fail(
        `${source}: ${key}`,
        `unknown section "${key}" (expected setting, imageType, featureClass, voxelSetting, preprocessing)`,
      );
    }
  }
  const settings = resolveSettings(asMapping(top.setting, `${source}: setting`), `${source}: setting`);

  const imageTypes: ParameterFile['imageTypes'] = {};
  const rawTypes = top.imageType === undefined ? { Original: {} } : asMapping(top.imageType, `${source}: imageType`);
  for (const [name, custom] of Object.entries(rawTypes ?? {})) {
    const at = `${source}: imageType.${name}`;
    if (!(IMAGE_TYPES as readonly string[]).includes(name)) {
      fail(at, `unknown image type "${name}" (expected one of ${IMAGE_TYPES.join(', ')})`);
    }
    const overrides = { ...(asMapping(custom, at) ?? {}) };
    let filters: IbsiFilterSpec[] | undefined;
    if (name === 'IBSI2') {
      const list = overrides.filters;
      delete overrides.filters;
      if (!Array.isArray(list) || list.length === 0) {
        fail(`${at}.filters`, 'expected a non-empty list of IBSI 2 filter specifications (e.g. - {filter: mean, support: 15})');
      }
      filters = (list as unknown[]).map((raw, i) => {
        try {
          return parseIbsiFilterSpec(raw, `filters[${i}]`);
        } catch (err) {
          return fail(at, (err as Error).message);
        }
      });
    }
    // Check the overrides with the same rules, but keep only the keys that were given.
    resolveSettings(overrides, at);
    imageTypes[name as ImageType] = filters
      ? { ...(overrides as Partial<RadiomicsSettings>), filters }
      : (overrides as Partial<RadiomicsSettings>);
  }

  const featureClasses: EnabledFeatures = {};
  if (top.featureClass === undefined || top.featureClass === null) {
    for (const c of FEATURE_CLASSES) if (c !== 'shape2D') featureClasses[c] = [];
  } else {
    for (const [name, list] of Object.entries(asMapping(top.featureClass, `${source}: featureClass`) ?? {})) {
      const at = `${source}: featureClass.${name}`;
      if (!(FEATURE_CLASSES as readonly string[]).includes(name)) {
        fail(at, `unknown feature class "${name}" (expected one of ${FEATURE_CLASSES.join(', ')})`);
      }
      const cls = name as FeatureClassName;
      if (list === null || list === undefined) {
        featureClasses[cls] = [];
        continue;
      }
      if (!Array.isArray(list)) fail(at, `expected a list of feature names or nothing, got ${show(list)}`);
      const known = [...FEATURE_NAMES[cls].enabled, ...FEATURE_NAMES[cls].deprecated];
      featureClasses[cls] = (list as unknown[]).map((f, i) => {
        if (typeof f !== 'string' || !known.includes(f)) {
          return fail(`${at}[${i}]`, `unknown ${cls} feature ${show(f)} (expected one of ${known.join(', ')})`);
        }
        return f;
      });
    }
  }

  const voxelSettings: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(asMapping(top.voxelSetting, `${source}: voxelSetting`) ?? {})) {
    const check = VOXEL_SETTINGS[key];
    if (!check) fail(`${source}: voxelSetting.${key}`, `unknown voxel setting "${key}"`);
    else voxelSettings[key] = check(v, `${source}: voxelSetting.${key}`);
  }
  if (top.preprocessing !== undefined) {
    return {
      settings,
      imageTypes,
      featureClasses,
      voxelSettings,
      preprocessing: parsePreprocessing(top.preprocessing, `${source}: preprocessing`),
    };
  }
  return { settings, imageTypes, featureClasses, voxelSettings };
}

function asMapping(v: unknown, where: string): Record<string, unknown> | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return fail(where, `expected a mapping, got ${show(v)}`);
  return v as Record<string, unknown>;
}
