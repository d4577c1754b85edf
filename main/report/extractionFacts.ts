/**
 * What a stored study extraction says about how the analysis' features were made: image types,
 * pre-processing (RadStudy's N4 / intensity normalisation, PyRadiomics' normalize), resampling,
 * grey-level discretisation, the engine and its version, and the sequences the features came
 * from. The checklist (CLEAR 16, 21–23, 28, 55) and the methods paragraph are written from it.
 */
import { DEFAULT_SETTINGS, parseParameterFile } from '../compute/radiomics/settings.js';

export interface ExtractionFacts {
  /** Name and id of the stored extraction. */
  name: string;
  id: number;
  /** `radstudy <version>` as stored when the extraction was created. */
  engine: string;
  paramsSha256: string;
  /** Sequence labels (feature-name prefixes) of the analysis' features, e.g. DCE2, T2. */
  sequences: string[];
  imageTypes: string[];
  binWidth: number;
  binCount: number | null;
  resampledPixelSpacing: number[] | null;
  interpolator: string;
  normalize: boolean;
  normalizeScale: number;
  /** RadStudy pre-processing applied before PyRadiomics' own steps, in words (empty: none). */
  preprocessing: string[];
  /** True when the file has no RadStudy `preprocessing` section: outputs follow PyRadiomics. */
  pyradiomicsCompatible: boolean;
  /** Settings the parameter file sets to something other than PyRadiomics' defaults. */
  changedSettings: string[];
}

/** Facts of one stored extraction row; null when its parameter file no longer parses. */
export function extractionFacts(
  row: { id: number; name: string; engine: string; paramsText: string; paramsSha256: string },
  sequences: readonly string[],
): ExtractionFacts | null {
  let p: ReturnType<typeof parseParameterFile>;
  try {
    p = parseParameterFile(row.paramsText, `extraction "${row.name}"`);
  } catch {
    return null;
  }
  const s = p.settings;
  const pre: string[] = [];
  if (p.preprocessing?.n4) {
    const n4 = p.preprocessing.n4;
    pre.push(
      `N4 bias-field correction (${n4.iterations.join('/')} iterations, shrink factor ${n4.shrinkFactor}, ${n4.mask} mask)`,
    );
  }
  const norm = p.preprocessing?.intensityNormalization;
  if (norm) {
    const how =
      norm.method === 'rescale'
        ? `rescaling to [${norm.range.join(', ')}]`
        : norm.method === 'percentileClip'
          ? `clipping at the ${norm.percentiles.join('th and ')}th percentiles`
          : norm.method === 'minmax'
            ? 'min–max normalisation'
            : 'z-score normalisation';
    pre.push(`intensity ${how} over the ${norm.region === 'roi' ? 'ROI' : 'whole image'}`);
  }
  const defaults = DEFAULT_SETTINGS as unknown as Record<string, unknown>;
  const changed = Object.entries(s as unknown as Record<string, unknown>)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(defaults[k]))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return {
    name: row.name,
    id: row.id,
    engine: row.engine,
    paramsSha256: row.paramsSha256,
    sequences: [...sequences],
    imageTypes: Object.keys(p.imageTypes),
    binWidth: s.binWidth,
    binCount: s.binCount,
    resampledPixelSpacing: s.resampledPixelSpacing,
    interpolator: s.interpolator,
    normalize: s.normalize,
    normalizeScale: s.normalizeScale,
    preprocessing: pre,
    pyradiomicsCompatible: !p.preprocessing,
    changedSettings: changed,
  };
}

export const describeDiscretisation = (f: ExtractionFacts): string =>
  f.binCount !== null ? `fixed bin count ${f.binCount}` : `fixed bin width ${f.binWidth}`;

export const describeResampling = (f: ExtractionFacts): string =>
  f.resampledPixelSpacing
    ? `resampled to ${f.resampledPixelSpacing.join(' × ')} mm (${f.interpolator})`
    : 'no resampling (native voxel spacing)';

export function describePreprocessing(f: ExtractionFacts): string {
  const steps = [...f.preprocessing];
  if (f.normalize) steps.push(`PyRadiomics normalisation (z-score × ${f.normalizeScale})`);
  return steps.length ? steps.join('; ') : 'no intensity pre-processing';
}

/** The methods sentences about the feature extraction. */
export function extractionMethods(f: ExtractionFacts): string {
  const seq = f.sequences.length ? ` of the ${f.sequences.join(', ')} series` : '';
  return [
    `Radiomic features${seq} were extracted with ${f.engine} (stored extraction "${f.name}", parameter file SHA-256 ${f.paramsSha256.slice(0, 12)}…; ${f.pyradiomicsCompatible ? 'PyRadiomics-compatible mode' : 'RadStudy pre-processing before PyRadiomics-compatible feature computation'}).`,
    `Pre-processing: ${describePreprocessing(f)}; ${describeResampling(f)}; grey levels discretised with a ${describeDiscretisation(f)}; image types ${f.imageTypes.join(', ')}.`,
    f.changedSettings.length
      ? `Settings other than PyRadiomics defaults: ${f.changedSettings.join(', ')}; all others at defaults.`
      : 'All other settings were left at PyRadiomics defaults.',
  ].join(' ');
}
