/**
 * Texture matrices against PyRadiomics' own matrix baselines (plain settings: binWidth 25,
 * distance 1, symmetric GLCM, gldm_a 0), element by element.
 *
 * Reference: ../shared/reference/pyradiomics/matrices/<case>_<class>.npy. Grey levels absent from
 * the ROI are removed there, and so are run-length / zone-size / dependence columns that are empty
 * for every grey level (and angle); we apply the same removal before comparing.
 * Tolerance: counts must be equal (they are integers); normalised GLCM probabilities within
 * 1e-15 absolute. PyRadiomics' own test allows 1e-3.
 */
import { describe, expect, it } from 'vitest';
import { cropRoi, roiOfLabel } from '../../../main/compute/radiomics/preprocess.js';
import { discretize } from '../../../main/compute/radiomics/discretize.js';
import type { DiscretizedRoi } from '../../../main/compute/radiomics/discretize.js';
import { computeGlcm } from '../../../main/compute/radiomics/glcm.js';
import { computeGlrlm } from '../../../main/compute/radiomics/glrlm.js';
import { computeGlszm } from '../../../main/compute/radiomics/glszm.js';
import { computeGldm } from '../../../main/compute/radiomics/gldm.js';
import { computeNgtdm } from '../../../main/compute/radiomics/ngtdm.js';
import { resolveSettings } from '../../../main/compute/radiomics/settings.js';
import { pyradiomicsVolume, readNpy, referencePath } from './reference.js';

const settings = resolveSettings({ binWidth: 25, distances: [1], minimumROIDimensions: 1 });

function plainRoi(caseName: string): DiscretizedRoi {
  const image = pyradiomicsVolume(`${caseName}_image`);
  const { roi, bbox } = roiOfLabel(pyradiomicsVolume(`${caseName}_label`), 1);
  return discretize(cropRoi(image, roi, bbox, settings), settings);
}

/** Keeps the columns (axis 1 of [g][col][a]) that are non-zero somewhere. */
function dropEmptyColumns(m: Float64Array, ng: number, cols: number, na: number): { data: Float64Array; cols: number } {
  const keep: number[] = [];
  for (let c = 0; c < cols; c++) {
    let any = false;
    for (let g = 0; g < ng && !any; g++) for (let a = 0; a < na; a++) if (m[(g * cols + c) * na + a] !== 0) any = true;
    if (any) keep.push(c);
  }
  const data = new Float64Array(ng * keep.length * na);
  for (let g = 0; g < ng; g++)
    keep.forEach((c, k) => {
      for (let a = 0; a < na; a++) data[(g * keep.length + k) * na + a] = m[(g * cols + c) * na + a]!;
    });
  return { data, cols: keep.length };
}

describe.each(['brain1', 'breast1'])('%s texture matrices equal PyRadiomics', (caseName) => {
  const roi = plainRoi(caseName);
  const npy = (cls: string) => readNpy(referencePath('pyradiomics', 'matrices', `${caseName}_${cls}.npy`));

  it('GLCM: 13 angles in PyRadiomics order, normalised per angle', () => {
    const ref = npy('glcm');
    const m = computeGlcm(roi, settings);
    expect([m.ngp, m.ngp, m.count]).toEqual(ref.shape);
    let maxDiff = 0;
    for (let i = 0; i < m.ngp; i++)
      for (let j = 0; j < m.ngp; j++)
        for (let a = 0; a < m.count; a++) {
          const d = Math.abs(m.p[(a * m.ngp + i) * m.ngp + j]! - ref.data[(i * m.ngp + j) * m.count + a]!);
          maxDiff = Math.max(maxDiff, d);
        }
    expect(maxDiff).toBeLessThanOrEqual(1e-15);
  });

  it('GLRLM: raw run counts per angle', () => {
    const ref = npy('glrlm');
    const m = computeGlrlm(roi, settings);
    // Reorder ours [a][g][r] to [g][r][a] like the .npy, then drop empty run lengths.
    const na = m.count;
    const reordered = new Float64Array(m.ngp * m.maxRun * na);
    for (let a = 0; a < na; a++)
      for (let g = 0; g < m.ngp; g++)
        for (let r = 0; r < m.maxRun; r++) reordered[(g * m.maxRun + r) * na + a] = m.counts[(a * m.ngp + g) * m.maxRun + r]!;
    const ours = dropEmptyColumns(reordered, m.ngp, m.maxRun, na);
    expect([m.ngp, ours.cols, na]).toEqual(ref.shape);
    expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
  });

  it('GLSZM: raw zone counts (26-connected)', () => {
    const ref = npy('glszm');
    const m = computeGlszm(roi, settings);
    const ours = dropEmptyColumns(m.counts, m.ngp, m.maxZone, 1);
    expect([m.ngp, ours.cols]).toEqual(ref.shape);
    expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
  });

  it('GLDM: raw dependence counts (α = 0)', () => {
    const ref = npy('gldm');
    const m = computeGldm(roi, settings);
    const ours = dropEmptyColumns(m.counts, m.ngp, m.nd, 1);
    expect([m.ngp, ours.cols]).toEqual(ref.shape);
    expect(Array.from(ours.data)).toEqual(Array.from(ref.data));
  });

  it('NGTDM: n_i, s_i and grey level per level present', () => {
    const ref = npy('ngtdm');
    const m = computeNgtdm(roi, settings);
    expect([m.n.length, 3]).toEqual(ref.shape);
    for (let g = 0; g < m.n.length; g++) {
      expect(m.n[g]).toBe(ref.data[g * 3]);
      expect(Math.abs(m.s[g]! - ref.data[g * 3 + 1]!)).toBeLessThanOrEqual(1e-12 * ref.data[g * 3 + 1]!);
      expect(roi.grayLevels[g]).toBe(ref.data[g * 3 + 2]);
    }
  });
});
