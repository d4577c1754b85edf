import type { ApiError, Input, Method, Output } from '../../../main/api/contract.js';
import { decodeVoxels, type DecodedVoxels } from '../../../main/api/voxels.js';
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

/**
 * A series volume or a segmentation mask as typed voxels, fetched as one ArrayBuffer
 * (asynchronous; the UI thread never waits on the files). Throws ApiCallError with the
 * back end's message (e.g. which series' files moved).
 */
export async function fetchVoxels(kind: 'volume' | 'mask', id: number): Promise<DecodedVoxels> {
  const result = await getBridge().voxels(kind, id);
  if (!result.ok) throw new ApiCallError(result.error);
  return decodeVoxels(result.data, kind === 'volume' ? `series #${id}` : `segmentation #${id}`);
}
