/**
 * RadStudy's `preprocessing` section: parsed from a parameter file with every key checked, the
 * defaults filled in (3D Slicer's N4 defaults), PyRadiomics files unchanged without it, and the
 * steps applied in order (N4, then normalisation) with the diagnostics entry for the row.
 */
import { describe, expect, it } from 'vitest';
import { applyPreprocessing, parsePreprocessing, preprocessingDiagnostics } from '../../../main/compute/filters/preprocessing.js';
import type { Volume } from '../../../main/compute/imaging/volume.js';
import { IDENTITY_DIRECTION } from '../../../main/compute/imaging/volume.js';
import { parseParameterFile } from '../../../main/compute/radiomics/settings.js';

describe('preprocessing section', () => {
  it('is absent from PyRadiomics parameter files and adds no diagnostics', () => {
    const p = parseParameterFile('setting:\n  binWidth: 25\n');
    expect(p.preprocessing).toBeUndefined();
    expect(preprocessingDiagnostics(p.preprocessing)).toEqual({});
  });

  it('fills N4 defaults and reads the normalisation', () => {
    const p = parseParameterFile(
      'preprocessing:\n  n4: true\n  intensityNormalization:\n    method: rescale\n    range: [0, 2000]\n',
    );
    expect(p.preprocessing?.n4).toEqual({
      iterations: [50, 40, 30],
      convergenceThreshold: 1e-4,
      shrinkFactor: 4,
      initialMeshResolution: [1, 1, 1],
      splineDistanceMm: 0,
      wienerNoise: 0.01,
      fwhm: 0.15,
      histogramBins: 200,
      mask: 'otsu',
    });
    expect(p.preprocessing?.intensityNormalization).toEqual({
      method: 'rescale',
      region: 'all',
      range: [0, 2000],
      percentiles: [1, 99],
    });
    const d = preprocessingDiagnostics(p.preprocessing);
    expect(JSON.parse(d.diagnostics_Configuration_Preprocessing!)).toEqual(p.preprocessing);
  });

  it('rejects unknown keys and bad values, naming them', () => {
    expect(() => parsePreprocessing({ n4: { shrink: 2 } })).toThrow(/preprocessing\.n4\.shrink.*unknown key/);
    expect(() => parsePreprocessing({ bias: true })).toThrow(/unknown key "bias"/);
    expect(() => parsePreprocessing({ n4: { iterations: [50, 0] } })).toThrow(/iterations\[1\]/);
    expect(() => parsePreprocessing({ intensityNormalization: { method: 'zscore', range: [0, 1] } })).toThrow(
      /range applies to method rescale only/,
    );
    expect(() => parsePreprocessing({ intensityNormalization: {} })).toThrow(/method is required/);
    expect(() => parsePreprocessing({ intensityNormalization: { method: 'whiten' } })).toThrow(/expected one of/);
  });

  it('applies N4 then the normalisation', () => {
    const [nx, ny, nz] = [32, 32, 16];
    const data = new Float32Array(nx * ny * nz);
    for (let o = 0; o < data.length; o++) data[o] = 100 * Math.exp(0.1 * ((o % nx) / nx)) * (1 + 0.01 * Math.sin(o));
    const image: Volume = {
      size: [nx, ny, nz],
      spacingMm: [1, 1, 1],
      originMm: [0, 0, 0],
      direction: [...IDENTITY_DIRECTION],
      data,
    };
    const notes: string[] = [];
    const p = parsePreprocessing({
      n4: { shrinkFactor: 2, mask: 'positive', iterations: [20] },
      intensityNormalization: { method: 'minmax' },
    });
    const out = applyPreprocessing(image, p, undefined, notes);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of out.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeCloseTo(0, 12);
    expect(hi).toBeCloseTo(1, 12);
    expect(notes).toHaveLength(2);
    expect(() =>
      applyPreprocessing(image, parsePreprocessing({ intensityNormalization: { method: 'zscore', region: 'roi' } })),
    ).toThrow(/no ROI mask/);
  });
});
