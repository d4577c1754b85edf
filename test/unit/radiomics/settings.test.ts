/**
 * PyRadiomics settings and YAML parameter files. References: PyRadiomics' parameter schema
 * (radiomics/schemas/paramSchema.yaml) and the defaults of `RadiomicsFeatureExtractor`
 * (binWidth 25, label 1, padDistance 5, distances [1], minimumROIDimensions 2, …).
 */
import { describe, expect, it } from 'vitest';
import { RadiomicsInputError } from '../../../main/compute/radiomics/errors.js';
import { DEFAULT_SETTINGS, parseParameterFile, resolveSettings } from '../../../main/compute/radiomics/settings.js';

const CT_EXAMPLE = `
# A parameter file in the style of PyRadiomics' examples/exampleSettings
imageType:
  Original: {}
  LoG:
    sigma: [1.0, 2.0, 3.0]
featureClass:
  shape:
  firstorder: []
  glcm:
    - Autocorrelation
    - JointAverage
setting:
  binWidth: 10
  label: 2
  resegmentRange: [-1000, 400]
  resegmentMode: absolute
  interpolator: 'sitkBSpline'
  resampledPixelSpacing: [1, 1, 1]
  voxelArrayShift: 1000
  weightingNorm: no_weighting
  normalize: true
  normalizeScale: 100
voxelSetting:
  kernelRadius: 2
`;

function errorOf(fn: () => unknown): RadiomicsInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RadiomicsInputError) return e;
    throw e;
  }
  throw new Error('expected a RadiomicsInputError');
}

describe('settings', () => {
  it('has PyRadiomics 3 defaults', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      binWidth: 25,
      binCount: null,
      label: 1,
      padDistance: 5,
      distances: [1],
      minimumROIDimensions: 2,
      minimumROISize: null,
      normalize: false,
      normalizeScale: 1,
      voxelArrayShift: 0,
      symmetricalGLCM: true,
      weightingNorm: null,
      gldm_a: 0,
      force2D: false,
      force2Ddimension: 0,
      resegmentRange: null,
      resegmentMode: 'absolute',
      interpolator: 'sitkBSpline',
      correctMask: false,
      geometryTolerance: null,
      preCrop: false,
    });
  });

  it('reads all sections of a parameter file', () => {
    const p = parseParameterFile(CT_EXAMPLE, 'ct.yaml');
    expect(p.settings).toMatchObject({
      binWidth: 10,
      label: 2,
      resegmentRange: [-1000, 400],
      voxelArrayShift: 1000,
      weightingNorm: 'no_weighting',
      normalize: true,
      normalizeScale: 100,
      resampledPixelSpacing: [1, 1, 1],
      padDistance: 5,
    });
    expect(p.imageTypes).toEqual({ Original: {}, LoG: { sigma: [1, 2, 3] } });
    expect(p.featureClasses).toEqual({ shape: [], firstorder: [], glcm: ['Autocorrelation', 'JointAverage'] });
    expect(p.voxelSettings).toEqual({ kernelRadius: 2 });
  });

  it('defaults to the Original image and every class when sections are left out', () => {
    const p = parseParameterFile('setting:\n  binCount: 32\n');
    expect(p.settings.binCount).toBe(32);
    expect(p.imageTypes).toEqual({ Original: {} });
    expect(Object.keys(p.featureClasses).sort()).toEqual(['firstorder', 'glcm', 'gldm', 'glrlm', 'glszm', 'ngtdm', 'shape']);
  });

  it('accepts a SimpleITK interpolator number and None', () => {
    expect(resolveSettings({ interpolator: 2 }).interpolator).toBe('sitkLinear');
    expect(resolveSettings({ interpolator: null }).interpolator).toBe('sitkBSpline');
  });

  it.each([
    ['setting:\n  binwidth: 25\n', 'ct.yaml: setting.binwidth', 'unknown setting "binwidth"'],
    ['setting:\n  binWidth: -5\n', 'ct.yaml: setting.binWidth', 'must be > 0'],
    ['setting:\n  binCount: 3.5\n', 'ct.yaml: setting.binCount', 'expected an integer'],
    ['setting:\n  force2D: yes please\n', 'ct.yaml: setting.force2D', 'expected true or false'],
    ['setting:\n  resegmentMode: percent\n', 'ct.yaml: setting.resegmentMode', '"absolute", "relative", "sigma"'],
    ['setting:\n  resegmentRange: [1, 2, 3]\n', 'ct.yaml: setting.resegmentRange', 'at most 2 values'],
    ['setting:\n  distances: [1, 0]\n', 'ct.yaml: setting.distances[1]', 'must be > 0'],
    ['setting:\n  weightingNorm: cosine\n', 'ct.yaml: setting.weightingNorm', '"manhattan"'],
    ['settings:\n  binWidth: 25\n', 'ct.yaml: settings', 'unknown section "settings"'],
    ['imageType:\n  Wavelett: {}\n', 'ct.yaml: imageType.Wavelett', 'unknown image type'],
    ['imageType:\n  LoG:\n    sigmas: [1]\n', 'ct.yaml: imageType.LoG.sigmas', 'unknown setting "sigmas"'],
    ['featureClass:\n  glcmm:\n', 'ct.yaml: featureClass.glcmm', 'unknown feature class'],
    ['featureClass:\n  glcm: [Contrast, Homogeneity]\n', 'ct.yaml: featureClass.glcm[1]', 'unknown glcm feature "Homogeneity"'],
    ['voxelSetting:\n  kernelSize: 3\n', 'ct.yaml: voxelSetting.kernelSize', 'unknown voxel setting'],
    ['setting: [1, 2]\n', 'ct.yaml: setting', 'expected a mapping'],
    ['setting:\n  binWidth: [25\n', 'ct.yaml', 'not valid YAML'],
  ])('rejects %j naming the key', (text, where, problem) => {
    const err = errorOf(() => parseParameterFile(text, 'ct.yaml'));
    expect(err.where).toBe(where);
    expect(err.message).toContain(problem);
  });
});
