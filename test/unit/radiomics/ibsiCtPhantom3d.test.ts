/**
 * IBSI mode on the IBSI chapter 1 CT radiomics phantom, configurations C and D (3D texture after
 * trilinear interpolation to 2 mm); configuration E is in ibsiCtPhantomE.test.ts.
 *
 * Reference: ../shared/reference/ibsi/ibsi1_reference_values.csv (`data_set = config C|D`; config
 * C's Compactness 1 row has no value and is skipped); settings from ../shared/reference/ibsi/config.md,
 * written out in ibsiCtPhantom.ts. Tolerance: the CSV's tolerance, or half a unit in the last
 * printed digit. Every reference row is compared.
 */
import { describe } from 'vitest';
import { compareConfiguration } from './ibsiCtPhantom.js';

describe('IBSI CT phantom, configuration C (trilinear 2 mm, FBS 25)', () => compareConfiguration('C', 209));
describe('IBSI CT phantom, configuration D (trilinear 2 mm, outliers, FBN 32)', () => compareConfiguration('D', 210));
