import { createHash } from 'node:crypto';
import { extractCase, type ExtractCaseArgs, type ExtractCaseResult } from '../radiomics/batch.js';

/**
 * Kernels the worker threads can run, by name. A kernel is a pure function of its arguments
 * (typed arrays travel as transferables); numerical modules of main/compute register here.
 */
export const kernels = {
  /** SHA-256 of one block of bytes (hex). */
  sha256(args: { bytes: Uint8Array }): string {
    return createHash('sha256').update(args.bytes).digest('hex');
  },
  /** Sum of squares, used by tests and benchmarks of the pool itself. */
  sumOfSquares(args: { values: Float64Array }): number {
    let s = 0;
    const v = args.values;
    for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
    return s;
  },
  /**
   * PyRadiomics-mode extraction of one case: image + mask (decoded volumes, or NRRD/NIfTI file
   * bytes, transferred) + settings → ordered feature names/values + diagnostics, or the input
   * problem as `{ ok: false, error }` (see radiomics/batch.ts).
   */
  radiomicsExtract(args: ExtractCaseArgs): ExtractCaseResult {
    return extractCase(args);
  },
  /** Busy-waits for `ms` milliseconds (lets tests exercise cancel and crash of a busy worker). */
  spin(args: { ms: number }): number {
    const end = Date.now() + args.ms;
    let n = 0;
    while (Date.now() < end) n++;
    return n;
  },
} as const;

export type KernelName = keyof typeof kernels;
export type KernelArgs<K extends KernelName> = Parameters<(typeof kernels)[K]>[0];
export type KernelResult<K extends KernelName> = ReturnType<(typeof kernels)[K]>;
