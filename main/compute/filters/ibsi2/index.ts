/**
 * IBSI chapter 2 convolutional filters as one entry point: a filter specification (the IBSI 2
 * parameters, validated with messages that name the offending key) and `ibsiResponseMap`, which
 * returns the response map on the image's grid. The IBSI 2 phase 1 configurations are in
 * phase1.ts. Each filter's definition and conventions are stated in its own module.
 */
import type { Volume } from '../../imaging/volume.js';
import { like } from '../simple.js';
import { paddingMode, type PaddingMode, type Size3 } from './convolution.js';
import { gaborFilter, type GaborResponse } from './gabor.js';
import { lawsFactors, lawsFilter } from './laws.js';
import { logFilter } from './log.js';
import { meanFilter } from './mean.js';
import { separableWavelet } from './separableWavelet.js';
import { rieszFilter, type RieszComponent } from './riesz.js';
import { simoncelliFilter } from './simoncelli.js';

export type { PaddingMode } from './convolution.js';

export type IbsiFilterSpec =
  | { filter: 'mean'; support: number; padding: PaddingMode; by2D: boolean }
  | { filter: 'log'; sigmaMm: number; truncate: number; padding: PaddingMode; by2D: boolean }
  | {
      filter: 'laws';
      kernel: string;
      padding: PaddingMode;
      rotationInvariant: boolean;
      pooling: 'max' | 'mean';
      energyDelta: number | null;
    }
  | {
      filter: 'gabor';
      sigmaMm: number;
      lambdaMm: number;
      gamma: number;
      thetaDeg: number;
      thetaStepDeg: number | null;
      orthogonalPlanes: boolean;
      response: GaborResponse;
      padding: PaddingMode;
      truncate: number;
    }
  | {
      filter: 'wavelet';
      wavelet: string;
      subband: string;
      level: number;
      padding: PaddingMode;
      rotationInvariant: boolean;
    }
  | { filter: 'simoncelli'; level: number; padding: PaddingMode; by2D: boolean }
  | { filter: 'riesz'; component: RieszComponent; level: number | null; padding: PaddingMode; by2D: boolean };

export type IbsiFilterName = IbsiFilterSpec['filter'];
export const IBSI_FILTERS: readonly IbsiFilterName[] = ['mean', 'log', 'laws', 'gabor', 'wavelet', 'simoncelli', 'riesz'];

/** A short, stable name for a response map, e.g. `ibsi2-laws-E5L5S5-energy7-max-invariant-mirror`. */
export function ibsiFilterName(spec: IbsiFilterSpec): string {
  return `${baseName(spec)}-${spec.padding}`;
}

function baseName(spec: IbsiFilterSpec): string {
  const num = (x: number): string => String(x).replace('.', '-');
  switch (spec.filter) {
    case 'mean':
      return `ibsi2-mean-${spec.support}-${spec.by2D ? '2D' : '3D'}`;
    case 'log':
      return `ibsi2-log-sigma-${num(spec.sigmaMm)}-mm-${spec.by2D ? '2D' : '3D'}`;
    case 'laws':
      return `ibsi2-laws-${spec.kernel}${spec.energyDelta !== null ? `-energy${spec.energyDelta}` : ''}${spec.rotationInvariant ? `-${spec.pooling}-invariant` : ''}`;
    case 'gabor':
      return `ibsi2-gabor-sigma-${num(spec.sigmaMm)}-lambda-${num(spec.lambdaMm)}-gamma-${num(spec.gamma)}${spec.thetaStepDeg !== null ? `-step-${num(spec.thetaStepDeg)}` : `-theta-${num(spec.thetaDeg)}`}${spec.orthogonalPlanes ? '-3D' : '-2D'}`;
    case 'wavelet':
      return `ibsi2-wavelet-${spec.wavelet}-${spec.subband}-level${spec.level}${spec.rotationInvariant ? '-invariant' : ''}`;
    case 'simoncelli':
      return `ibsi2-simoncelli-level${spec.level}-${spec.by2D ? '2D' : '3D'}`;
    case 'riesz':
      return `ibsi2-riesz-${spec.component}${spec.level !== null ? `-simoncelli${spec.level}` : ''}-${spec.by2D ? '2D' : '3D'}`;
  }
}

/** The response map of `spec` on `image` (float64, same grid). */
export function ibsiResponseMap(image: Volume, spec: IbsiFilterSpec): Volume<Float64Array> {
  if ((image.components ?? 1) !== 1) throw new Error('IBSI 2 filters need a scalar image');
  const src = Float64Array.from(image.data);
  const size = image.size as Size3;
  let out: Float64Array;
  switch (spec.filter) {
    case 'mean':
      out = meanFilter(src, size, spec);
      break;
    case 'log':
      out = logFilter(src, size, { ...spec, spacingMm: image.spacingMm });
      break;
    case 'laws':
      out = lawsFilter(src, size, spec);
      break;
    case 'gabor':
      out = gaborFilter(src, size, { ...spec, spacingMm: image.spacingMm });
      break;
    case 'wavelet':
      out = separableWavelet(src, size, spec);
      break;
    case 'simoncelli':
      out = simoncelliFilter(src, size, spec);
      break;
    case 'riesz':
      out = rieszFilter(src, size, spec);
      break;
  }
  return like(image, out);
}

type Raw = Record<string, unknown>;

/**
 * Reads an IBSI 2 filter specification from a plain object (a YAML mapping or JSON), with
 * defaults from IBSI 2 phase 1 where it fixes one (LoG truncation 4, Laws pooling max, Gabor
 * modulus, wavelet level 1). `where` prefixes every message (e.g. the parameter file and key).
 */
export function parseIbsiFilterSpec(raw: unknown, where: string): IbsiFilterSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${where}: expected a mapping with a "filter" key`);
  const r = raw as Raw;
  const fail = (key: string, msg: string): never => {
    throw new Error(`${where}.${key}: ${msg}`);
  };
  const known = new Set(['filter']);
  const numOf = (key: string, dflt?: number, check?: (v: number) => string | null): number => {
    known.add(key);
    const v = r[key] ?? dflt;
    if (v === undefined) return fail(key, 'is required');
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(key, `expected a number, got ${JSON.stringify(v)}`);
    const msg = check?.(v);
    if (msg) fail(key, msg);
    return v;
  };
  const boolOf = (key: string, dflt: boolean): boolean => {
    known.add(key);
    const v = r[key] ?? dflt;
    if (typeof v !== 'boolean') return fail(key, `expected true or false, got ${JSON.stringify(v)}`);
    return v;
  };
  const strOf = (key: string, dflt?: string): string => {
    known.add(key);
    const v = r[key] ?? dflt;
    if (v === undefined) return fail(key, 'is required');
    if (typeof v !== 'string') return fail(key, `expected a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const padding = (dflt: string): PaddingMode => {
    const name = strOf('padding', dflt);
    try {
      return paddingMode(name, `${where}.padding`);
    } catch (err) {
      throw new Error((err as Error).message);
    }
  };
  const positive = (v: number): string | null => (v > 0 ? null : `must be greater than 0, got ${v}`);
  const level = (v: number): string | null => (Number.isInteger(v) && v >= 1 ? null : `must be an integer ≥ 1, got ${v}`);
  const filter = strOf('filter');
  let spec: IbsiFilterSpec;
  switch (filter) {
    case 'mean':
      spec = {
        filter,
        support: numOf('support', 15, (v) =>
          Number.isInteger(v) && v >= 1 && v % 2 === 1 ? null : `must be an odd positive integer, got ${v}`,
        ),
        padding: padding('constant'),
        by2D: boolOf('by2D', false),
      };
      break;
    case 'log':
      spec = {
        filter,
        sigmaMm: numOf('sigmaMm', undefined, positive),
        truncate: numOf('truncate', 4, positive),
        padding: padding('constant'),
        by2D: boolOf('by2D', false),
      };
      break;
    case 'laws': {
      const kernel = strOf('kernel');
      try {
        lawsFactors(kernel);
      } catch (err) {
        fail('kernel', (err as Error).message);
      }
      known.add('energyDelta');
      const delta = r.energyDelta ?? null;
      if (delta !== null && (typeof delta !== 'number' || !Number.isInteger(delta) || delta < 0)) {
        fail(
          'energyDelta',
          `expected a non-negative integer (Chebyshev distance δ in voxels) or null, got ${JSON.stringify(delta)}`,
        );
      }
      const pooling = strOf('pooling', 'max');
      if (pooling !== 'max' && pooling !== 'mean') fail('pooling', `expected max or mean, got "${pooling}"`);
      spec = {
        filter,
        kernel,
        padding: padding('constant'),
        rotationInvariant: boolOf('rotationInvariant', false),
        pooling: pooling as 'max' | 'mean',
        energyDelta: delta as number | null,
      };
      break;
    }
    case 'gabor': {
      const response = strOf('response', 'modulus');
      if (!['modulus', 'real', 'imaginary', 'argument'].includes(response)) {
        fail('response', `expected modulus, real, imaginary or argument, got "${response}"`);
      }
      known.add('thetaStepDeg');
      const step = r.thetaStepDeg ?? null;
      if (step !== null && (typeof step !== 'number' || !(step > 0 && step <= 360))) {
        fail('thetaStepDeg', `expected a step in (0, 360] degrees or null, got ${JSON.stringify(step)}`);
      }
      spec = {
        filter,
        sigmaMm: numOf('sigmaMm', undefined, positive),
        lambdaMm: numOf('lambdaMm', undefined, positive),
        gamma: numOf('gamma', undefined, positive),
        thetaDeg: numOf('thetaDeg', 0),
        thetaStepDeg: step as number | null,
        orthogonalPlanes: boolOf('orthogonalPlanes', false),
        response: response as GaborResponse,
        padding: padding('constant'),
        truncate: numOf('truncate', 4, positive),
      };
      break;
    }
    case 'wavelet':
      spec = {
        filter,
        wavelet: strOf('wavelet'),
        subband: strOf('subband'),
        level: numOf('level', 1, level),
        padding: padding('constant'),
        rotationInvariant: boolOf('rotationInvariant', false),
      };
      if (!/^[LH]{2,3}$/.test(spec.subband))
        fail('subband', `must be 2 or 3 letters L/H, x first (e.g. LHL), got "${spec.subband}"`);
      break;
    case 'simoncelli':
      spec = { filter, level: numOf('level', 1, level), padding: padding('periodic'), by2D: boolOf('by2D', false) };
      if (spec.padding !== 'periodic')
        fail('padding', 'the Simoncelli wavelet is applied in the frequency domain: only periodic padding');
      break;
    case 'riesz': {
      const component = strOf('component');
      if (!['x', 'y', 'z', 'magnitude'].includes(component))
        fail('component', `expected x, y, z or magnitude, got "${component}"`);
      known.add('level');
      const lv = r.level ?? null;
      if (lv !== null && (typeof lv !== 'number' || !Number.isInteger(lv) || lv < 1))
        fail('level', `expected a Simoncelli level (integer ≥ 1) or null, got ${JSON.stringify(lv)}`);
      spec = {
        filter,
        component: component as RieszComponent,
        level: lv as number | null,
        padding: padding('periodic'),
        by2D: boolOf('by2D', false),
      };
      if (spec.padding !== 'periodic')
        fail('padding', 'the Riesz transform is applied in the frequency domain: only periodic padding');
      if (spec.by2D && spec.component === 'z') fail('component', 'z does not exist with by2D: true; use x, y or magnitude');
      break;
    }
    default:
      return fail('filter', `unknown IBSI 2 filter "${filter}" (expected ${IBSI_FILTERS.join(', ')})`);
  }
  for (const key of Object.keys(r)) if (!known.has(key)) fail(key, `unknown key for the ${filter} filter`);
  return spec;
}
