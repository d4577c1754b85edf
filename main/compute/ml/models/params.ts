/** Hyper-parameter reading shared by the models: unknown names and bad values are refused clearly. */
import { StatsInputError } from '../../stats/common.js';
import type { ClassifierSpec } from '../types.js';

export type Params = NonNullable<ClassifierSpec['params']>;

/** Refuses parameters the model does not know (named as scikit-learn names them). */
export function checkParams(kind: string, params: Params, known: readonly string[]): void {
  for (const k of Object.keys(params)) {
    if (!known.includes(k)) {
      throw new StatsInputError(`model '${kind}': unknown parameter '${k}' (known: ${known.join(', ') || 'none'})`);
    }
  }
}

export function numberParam(kind: string, params: Params, name: string, fallback: number, min: number, max = Infinity): number {
  const v = params[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new StatsInputError(`model '${kind}': ${name} must be a number from ${min} to ${max}, not ${JSON.stringify(v)}`);
  }
  return v;
}

export function choiceParam<T extends string>(kind: string, params: Params, name: string, fallback: T, choices: readonly T[]): T {
  const v = params[name] ?? fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new StatsInputError(`model '${kind}': ${name} must be one of ${choices.join(', ')}, not ${JSON.stringify(v)}`);
  }
  return v as T;
}

/** A whole number from min to max (fallback when absent). */
export function intParam(kind: string, params: Params, name: string, fallback: number, min: number, max = Infinity): number {
  const v = numberParam(kind, params, name, fallback, min, max);
  if (!Number.isInteger(v)) throw new StatsInputError(`model '${kind}': ${name} must be a whole number, not ${v}`);
  return v;
}

export function booleanParam(kind: string, params: Params, name: string, fallback: boolean): boolean {
  const v = params[name] ?? fallback;
  if (typeof v !== 'boolean')
    throw new StatsInputError(`model '${kind}': ${name} must be true or false, not ${JSON.stringify(v)}`);
  return v;
}
