import type { z } from 'zod';

/** One API method: what it takes, what it returns, and whether it changes the study. */
export interface Procedure<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** Writes change the study file; a study opened read-only refuses them. */
  writes: boolean;
  summary: string;
}

export function query<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): Procedure<I, O> {
  return { input, output, writes: false, summary };
}

export function mutation<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): Procedure<I, O> {
  return { input, output, writes: true, summary };
}
