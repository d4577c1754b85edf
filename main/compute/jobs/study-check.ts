import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { StudyCheckParamsSchema, type StudyCheckResult } from '../../api/jobs.js';
import type { JobContext } from './context.js';

const BLOCK_BYTES = 8 * 1024 * 1024;
const SLEEP_SLICE_MS = 20;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

function integrityOrThrow(db: Database.Database, what: string): void {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  const msgs = rows.map((r) => r.integrity_check);
  if (!(msgs.length === 1 && msgs[0] === 'ok')) {
    throw new AppError('STUDY_CORRUPT', `${what} failed the SQLite integrity check: ${msgs[0]}.`, {
      problems: msgs.slice(0, 20),
    });
  }
}

async function sha256File(file: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/**
 * Job `study.check`: verifies the study file (integrity and foreign keys), writes an online
 * backup copy while the study stays in use (SQLite backup API, optionally throttled), then
 * verifies the copy and records SHA-256 checksums (whole file and per 8 MiB block, hashed in
 * the worker pool) in a manifest beside it.
 */
export async function studyCheckJob(rawParams: unknown, ctx: JobContext): Promise<StudyCheckResult> {
  const params = StudyCheckParamsSchema.parse(rawParams ?? {});
  const study = ctx.studyPath;
  const backupDir = params.backupDir ?? path.join(path.dirname(study), 'backups');
  mkdirSync(backupDir, { recursive: true });
  const base = path.basename(study, '.radstudy');
  const finalPath = path.join(backupDir, `${base}.backup-${stamp()}.radstudy`);
  const partial = `${finalPath}.partial`;

  ctx.progress(0, 'Checking study integrity');
  const db = new Database(study, { readonly: true, fileMustExist: true });
  try {
    integrityOrThrow(db, path.basename(study));
    ctx.throwIfCancelled();
    const fkViolations = (db.pragma('foreign_key_check') as unknown[]).length;
    ctx.progress(0.05, 'Copying study (online backup)');

    const bytesPerSec = params.maxMBps ? params.maxMBps * 1024 * 1024 : Infinity;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pagesPerStep = Math.max(
      16,
      Math.min(1024, Math.floor(Number.isFinite(bytesPerSec) ? bytesPerSec / pageSize / 20 : 1024)),
    );
    const t0 = Date.now();
    let totalPages = 0;
    try {
      await db.backup(partial, {
        progress: ({ totalPages: total, remainingPages }) => {
          totalPages = total;
          if (ctx.signal.aborted) throw new AppError('CANCELLED', 'The job was cancelled.');
          const done = total - remainingPages;
          ctx.progress(0.05 + 0.75 * (total ? done / total : 1), `Copying study: page ${done} of ${total}`);
          if (Number.isFinite(bytesPerSec)) {
            const aheadMs = (done * pageSize * 1000) / bytesPerSec - (Date.now() - t0);
            if (aheadMs > 0) {
              // Ahead of the allowed rate: pause a slice and copy nothing this step, so
              // cancel and other messages are still handled between steps.
              sleepSync(Math.min(aheadMs, SLEEP_SLICE_MS));
              return 0;
            }
          }
          return pagesPerStep;
        },
      });
    } catch (err) {
      try {
        unlinkSync(partial);
      } catch {
        // nothing written yet
      }
      throw err;
    }
    ctx.throwIfCancelled();

    ctx.progress(0.82, 'Verifying the backup copy');
    const copy = new Database(partial, { readonly: true, fileMustExist: true });
    let pages: number;
    try {
      integrityOrThrow(copy, 'The backup copy');
      pages = copy.pragma('page_count', { simple: true }) as number;
    } finally {
      copy.close();
    }

    ctx.progress(0.88, 'Computing checksums');
    const size = statSync(partial).size;
    const blocks: Promise<string>[] = [];
    const fd = openSync(partial, 'r');
    try {
      for (let off = 0; off < size; off += BLOCK_BYTES) {
        const bytes = new Uint8Array(Math.min(BLOCK_BYTES, size - off));
        readSync(fd, bytes, 0, bytes.length, off);
        blocks.push(ctx.pool.run('sha256', { bytes }, { signal: ctx.signal, transfer: [bytes.buffer] }));
      }
    } finally {
      closeSync(fd);
    }
    const [blockSha256, sha256] = await Promise.all([Promise.all(blocks), sha256File(partial, ctx.signal)]);
    ctx.throwIfCancelled();

    renameSync(partial, finalPath);
    const result: StudyCheckResult = {
      integrity: 'ok',
      foreignKeyViolations: fkViolations,
      backupPath: finalPath,
      backupBytes: size,
      pages: pages || totalPages,
      sha256,
      blockSha256,
      verified: true,
    };
    writeFileSync(
      `${finalPath}.sha256.json`,
      JSON.stringify({ file: path.basename(finalPath), source: study, blockBytes: BLOCK_BYTES, ...result }, null, 2),
    );
    ctx.progress(1, 'Backup verified');
    return result;
  } catch (err) {
    try {
      unlinkSync(partial);
    } catch {
      // already gone or renamed
    }
    throw err;
  } finally {
    db.close();
  }
}
