/**
 * The IBSI chapter 1 reference configurations of the CT radiomics phantom (A–E, IBSI 1 Table 5.1
 * and ../shared/reference/ibsi/config.md) as IBSI-mode settings, and the digital phantom's. IBSI
 * mode reproduces the IBSI reference values with these (test/unit/radiomics/ibsiCtPhantom*.test.ts;
 * pass counts in docs/ibsi-conformance.md).
 */
import type { IbsiConfig } from './extract.js';

/** The digital phantom: no interpolation, re-segmentation or discretisation. */
export const DIGITAL_PHANTOM_CONFIG: IbsiConfig = { discretisation: { method: 'none' } };

export const CT_CONFIGS: Record<'A' | 'B' | 'C' | 'D' | 'E', IbsiConfig> = {
  // 2D, no interpolation, range [−500, 400], FBS 25; IVH discrete HU over the range.
  A: { discretisation: { method: 'FBS', binWidth: 25 }, resegmentRange: [-500, 400], roundIntensities: true, dimensions: ['2D'] },
  // 2D, bilinear in-plane to 2 × 2 mm, range [−500, 400], FBN 32; IVH discrete HU over the range.
  B: {
    interpolation: { spacingMm: [2, 2, null] },
    discretisation: { method: 'FBN', bins: 32 },
    resegmentRange: [-500, 400],
    roundIntensities: true,
    dimensions: ['2D'],
  },
  // 3D, trilinear to 2 mm, range [−1000, 400], FBS 25; IVH FBS 2.5 HU with bin centres.
  C: {
    interpolation: { spacingMm: [2, 2, 2] },
    discretisation: { method: 'FBS', binWidth: 25 },
    resegmentRange: [-1000, 400],
    roundIntensities: true,
    dimensions: ['3D'],
    ivh: { method: 'binWidth', binWidth: 2.5 },
  },
  // 3D, trilinear to 2 mm, outlier filtering (mean ± 3σ), FBN 32; IVH discrete HU over the ROI range.
  D: {
    interpolation: { spacingMm: [2, 2, 2] },
    discretisation: { method: 'FBN', bins: 32 },
    outlierFiltering: true,
    roundIntensities: true,
    dimensions: ['3D'],
  },
  // 3D, tricubic (cubic B-spline) to 2 mm, range [−1000, 400] and outlier filtering, FBN 32;
  // IVH with 1000 bins between the ROI minimum and maximum.
  E: {
    interpolation: { spacingMm: [2, 2, 2], image: 'bspline' },
    discretisation: { method: 'FBN', bins: 32 },
    resegmentRange: [-1000, 400],
    outlierFiltering: true,
    roundIntensities: true,
    dimensions: ['3D'],
    ivh: { method: 'binCount', bins: 1000 },
  },
};
