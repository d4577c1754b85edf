/**
 * IBSI 2 phase 1 (response maps) configurations, as the IBSI 2 reference manual numbers them
 * (1.a.1 … 8.a.3; the settings as MIRP's test suite, oncoray/mirp test/ibsi_2_response_map_test.py,
 * encodes them): the phantom each runs on and the filter specification. The reference response maps
 * themselves are not in ../shared/reference (docs/ibsi2-filters.md).
 */
import type { IbsiFilterSpec } from './index.js';

export interface Phase1Config {
  id: string;
  phantom: 'checkerboard' | 'impulse' | 'sphere';
  spec: IbsiFilterSpec;
}

const laws = (kernel: string, padding: 'constant' | 'mirror', rot: boolean, energy: boolean): IbsiFilterSpec => ({
  filter: 'laws',
  kernel,
  padding,
  rotationInvariant: rot,
  pooling: 'max',
  energyDelta: energy ? 7 : null,
});

const gabor = (
  sigmaMm: number,
  lambdaMm: number,
  gamma: number,
  theta: number,
  step: number | null,
  padding: 'constant' | 'mirror',
): IbsiFilterSpec => ({
  filter: 'gabor',
  sigmaMm,
  lambdaMm,
  gamma,
  thetaDeg: theta,
  thetaStepDeg: step,
  orthogonalPlanes: step !== null,
  response: 'modulus',
  padding,
  truncate: 4,
});

const wavelet = (
  name: string,
  subband: string,
  level: number,
  padding: 'constant' | 'periodic' | 'mirror',
  rot: boolean,
): IbsiFilterSpec => ({ filter: 'wavelet', wavelet: name, subband, level, padding, rotationInvariant: rot });

export const PHASE1_CONFIGS: readonly Phase1Config[] = [
  { id: '1.a.1', phantom: 'checkerboard', spec: { filter: 'mean', support: 15, padding: 'constant', by2D: false } },
  { id: '1.a.2', phantom: 'checkerboard', spec: { filter: 'mean', support: 15, padding: 'nearest', by2D: false } },
  { id: '1.a.3', phantom: 'checkerboard', spec: { filter: 'mean', support: 15, padding: 'periodic', by2D: false } },
  { id: '1.a.4', phantom: 'checkerboard', spec: { filter: 'mean', support: 15, padding: 'mirror', by2D: false } },
  { id: '1.b.1', phantom: 'impulse', spec: { filter: 'mean', support: 15, padding: 'constant', by2D: true } },
  { id: '2.a', phantom: 'impulse', spec: { filter: 'log', sigmaMm: 3, truncate: 4, padding: 'constant', by2D: false } },
  { id: '2.b', phantom: 'checkerboard', spec: { filter: 'log', sigmaMm: 5, truncate: 4, padding: 'mirror', by2D: false } },
  { id: '2.c', phantom: 'checkerboard', spec: { filter: 'log', sigmaMm: 5, truncate: 4, padding: 'mirror', by2D: true } },
  { id: '3.a.1', phantom: 'impulse', spec: laws('E5L5S5', 'constant', false, false) },
  { id: '3.a.2', phantom: 'impulse', spec: laws('E5L5S5', 'constant', true, false) },
  { id: '3.a.3', phantom: 'impulse', spec: laws('E5L5S5', 'constant', true, true) },
  { id: '3.b.1', phantom: 'checkerboard', spec: laws('E3W5R5', 'mirror', false, false) },
  { id: '3.b.2', phantom: 'checkerboard', spec: laws('E3W5R5', 'mirror', true, false) },
  { id: '3.b.3', phantom: 'checkerboard', spec: laws('E3W5R5', 'mirror', true, true) },
  { id: '3.c.1', phantom: 'checkerboard', spec: laws('L5S5', 'mirror', false, false) },
  { id: '3.c.2', phantom: 'checkerboard', spec: laws('L5S5', 'mirror', true, false) },
  { id: '3.c.3', phantom: 'checkerboard', spec: laws('L5S5', 'mirror', true, true) },
  { id: '4.a.1', phantom: 'impulse', spec: gabor(10, 4, 0.5, 60, null, 'constant') },
  { id: '4.a.2', phantom: 'impulse', spec: gabor(10, 4, 0.5, 0, 45, 'constant') },
  { id: '4.b.1', phantom: 'sphere', spec: gabor(20, 8, 2.5, 225, null, 'mirror') },
  { id: '4.b.2', phantom: 'sphere', spec: gabor(20, 8, 2.5, 0, 22.5, 'mirror') },
  { id: '5.a.1', phantom: 'impulse', spec: wavelet('db2', 'LHL', 1, 'constant', false) },
  { id: '5.a.2', phantom: 'impulse', spec: wavelet('db2', 'LHL', 1, 'constant', true) },
  { id: '6.a.1', phantom: 'sphere', spec: wavelet('coif1', 'HHL', 1, 'periodic', false) },
  { id: '6.a.2', phantom: 'sphere', spec: wavelet('coif1', 'HHL', 1, 'periodic', true) },
  { id: '7.a.1', phantom: 'checkerboard', spec: wavelet('haar', 'LLL', 2, 'mirror', true) },
  { id: '7.a.2', phantom: 'checkerboard', spec: wavelet('haar', 'HHH', 2, 'mirror', true) },
  { id: '8.a.1', phantom: 'checkerboard', spec: { filter: 'simoncelli', level: 1, padding: 'periodic', by2D: false } },
  { id: '8.a.2', phantom: 'checkerboard', spec: { filter: 'simoncelli', level: 2, padding: 'periodic', by2D: false } },
  { id: '8.a.3', phantom: 'checkerboard', spec: { filter: 'simoncelli', level: 3, padding: 'periodic', by2D: false } },
];
