import type { ApiError, Input, Method, Output } from '../../../main/api/contract.js';
import { detectBridge, type Bridge } from './bridge.js';

/** An API failure as the UI shows it: the message is written for the user. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  readonly details: unknown;
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.details = error.details;
  }
}

let bridge: Bridge | null = null;

export function getBridge(): Bridge {
  bridge ??= detectBridge();
  return bridge;
}

/** Typed call of one API method; resolves with its output or throws ApiCallError. */
export async function call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
  const result = await getBridge().invoke(method, input);
  if (!result.ok) throw new ApiCallError(result.error);
  return result.data as Output<M>;
}
