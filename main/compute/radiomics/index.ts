/**
 * The radiomics engine's public surface: PyRadiomics-mode extraction with PyRadiomics settings and
 * parameter files, and IBSI mode. Services and job handlers import from here.
 */
export { extractFeatures, GRAY_LEVEL_WARNING_RANGE } from './extract.js';
export type { ExtractionDiagnostics, ExtractionResult, FeatureValue } from './extract.js';
export { RadiomicsInputError } from './errors.js';
export { DEFAULT_SETTINGS, FEATURE_CLASSES, FEATURE_NAMES, parseParameterFile, resolveSettings } from './settings.js';
export type { EnabledFeatures, FeatureClassName, ParameterFile, RadiomicsSettings } from './settings.js';
export { describeGeometryMismatch } from './geometry.js';
export { extractIbsiFeatures } from './ibsi/extract.js';
export type { IbsiConfig, IbsiDiscretisation, IbsiFeature } from './ibsi/extract.js';
