/**
 * IBSI mode on the IBSI chapter 1 CT radiomics phantom, configurations A and B (2D / 2.5D texture).
 *
 * Reference: ../shared/reference/ibsi/ibsi1_reference_values.csv (`data_set = config A|B`);
 * settings from ../shared/reference/ibsi/config.md, written out in ibsiCtPhantom.ts. Tolerance:
 * the CSV's tolerance, or half a unit in the last printed digit where it has none.
 * Every reference row is compared, Moran's I and Geary's C included.
 */
import { describe } from 'vitest';
import { compareConfiguration } from './ibsiCtPhantom.js';

describe('IBSI CT phantom, configuration A (no interpolation)', () => compareConfiguration('A', 346));
describe('IBSI CT phantom, configuration B (bilinear in-plane 2 mm)', () => compareConfiguration('B', 346));
