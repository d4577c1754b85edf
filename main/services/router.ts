import type { z } from 'zod';
import {
  api,
  AppError,
  isMethod,
  toApiError,
  type ApiError,
  type Method,
  type Output,
  type ParsedInput,
} from '../api/contract.js';

/** Who is calling: lets a handler refuse writes on a read-only study, or log the caller. */
export interface CallContext {
  transport: 'ipc' | 'http' | 'direct';
}

export type Handlers = {
  [M in Method]: (input: ParsedInput<M>, ctx: CallContext) => Promise<Output<M>> | Output<M>;
};

export type CallResult = { ok: true; data: unknown } | { ok: false; error: ApiError };

export interface Router {
  call(method: string, rawInput: unknown, ctx?: CallContext): Promise<CallResult>;
  methods(): Method[];
}

function describeIssues(method: string, error: z.ZodError): ApiError {
  const issues = error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(input)',
    message: i.message,
  }));
  const first = issues[0];
  const where = first ? ` at ${first.path}: ${first.message}` : '';
  return {
    code: 'VALIDATION',
    message: `Invalid request to ${method}${where}.`,
    details: { issues },
  };
}

/**
 * The single router both adapters (Electron IPC in main/app and loopback HTTP in main/server)
 * sit on. It validates every request against the contract, runs the handler, validates the
 * response (a broken response is our bug, reported as INTERNAL, never sent half-formed), and
 * turns every failure into `{ code, message, details }`.
 */
export function createRouter(handlers: Handlers): Router {
  return {
    methods: () => Object.keys(api) as Method[],
    async call(method, rawInput, ctx = { transport: 'direct' }) {
      if (!isMethod(method)) {
        return {
          ok: false,
          error: { code: 'UNKNOWN_METHOD', message: `There is no API method named "${method}".` },
        };
      }
      const proc = api[method];
      const parsed = proc.input.safeParse(rawInput ?? {});
      if (!parsed.success) return { ok: false, error: describeIssues(method, parsed.error) };
      try {
        const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown;
        const result = await handler(parsed.data, ctx);
        const checked = proc.output.safeParse(result);
        if (!checked.success) {
          throw new AppError(
            'INTERNAL',
            `RadStudy produced an invalid response for ${method}; nothing was changed. Please report this.`,
            { issues: checked.error.issues.slice(0, 5) },
          );
        }
        return { ok: true, data: checked.data };
      } catch (err) {
        return { ok: false, error: toApiError(err) };
      }
    },
  };
}
