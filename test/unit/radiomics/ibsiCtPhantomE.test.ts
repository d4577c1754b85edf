/**
 * IBSI mode on the IBSI chapter 1 CT radiomics phantom, configuration E (3D texture after cubic
 * B-spline interpolation to 2 mm, re-segmentation and outlier filtering, FBN 32, IVH with 1000 bins).
 *
 * Reference: ../shared/reference/ibsi/ibsi1_reference_values.csv (`data_set = config E`); settings
 * from ../shared/reference/ibsi/config.md, written out in ibsiCtPhantom.ts. Tolerance: the CSV's
 * tolerance, or half a unit in the last printed digit. Every reference row is compared.
 */
import { describe } from 'vitest';
import { compareConfiguration } from './ibsiCtPhantom.js';

describe('IBSI CT phantom, configuration E (cubic B-spline 2 mm, FBN 32)', () => compareConfiguration('E', 210));
