import { z } from 'zod';

/**
 * Errors cross every boundary (IPC, HTTP, compute process) as `{ code, message, details }`.
 * `message` is written for the user: what was wrong, where, and what to do.
 */
export const errorCodes = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'NO_STUDY_OPEN',
  'STUDY_EXISTS',
  'STUDY_NOT_FOUND',
  'NOT_A_STUDY',
  'STUDY_CORRUPT',
  'SCHEMA_TOO_NEW',
  'STUDY_LOCKED',
  'STUDY_READ_ONLY',
  'FOLDER_NOT_WRITABLE',
  'MIGRATION_FAILED',
  'JOB_NOT_FOUND',
  'JOB_STATE',
  'COMPUTE_CRASHED',
  'CANCELLED',
  'UNKNOWN_METHOD',
  'INTERNAL',
] as const;

export const ErrorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toJSON(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns anything thrown into the wire shape; unknown errors never leak a stack trace. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof AppError) return err.toJSON();
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const parsed = ApiErrorSchema.safeParse(err);
    if (parsed.success) return parsed.data;
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'INTERNAL',
    message: `Unexpected error: ${message.replace(/\.$/, '')}. The study was not changed; please report this.`,
  };
}

/** HTTP status for an error code (browser mode only; IPC carries the code itself). */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
    case 'STUDY_NOT_FOUND':
    case 'JOB_NOT_FOUND':
    case 'UNKNOWN_METHOD':
      return 404;
    case 'STUDY_EXISTS':
    case 'STUDY_LOCKED':
    case 'JOB_STATE':
    case 'NO_STUDY_OPEN':
    case 'STUDY_READ_ONLY':
      return 409;
    case 'NOT_A_STUDY':
    case 'STUDY_CORRUPT':
    case 'SCHEMA_TOO_NEW':
    case 'FOLDER_NOT_WRITABLE':
    case 'MIGRATION_FAILED':
      return 422;
    default:
      return 500;
  }
}
