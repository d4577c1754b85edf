import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';

/**
 * Writes a user-facing export (CSV, XLSX, SVG, PNG) so that it appears whole or not at all: the
 * bytes go to a temporary file beside it, which is then renamed over the target. Another program
 * (or a user opening the file) never sees a half-written export, and a failed write leaves no
 * partial file behind. A failure is reported naming the target, not the temporary file.
 */
export function writeFileAtomic(out: string, data: string | Uint8Array, encoding?: BufferEncoding): void {
  const tmp = `${out}.${process.pid}.${Date.now()}.partial`;
  try {
    if (typeof data === 'string') writeFileSync(tmp, data, encoding ?? 'utf8');
    else writeFileSync(tmp, data);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `the folder ${path.dirname(out)} does not exist`
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : (e as Error).message;
    throw new AppError('VALIDATION', `Cannot write ${out}: ${why}; nothing was written.`, { path: out });
  }
}
