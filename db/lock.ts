import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import { AppError } from '../main/api/errors.js';

/**
 * One writer per study file. `<study>.lock` names the holder (pid, host, time). A lock left by
 * a process that no longer runs on this host is stale and taken over; a live holder, or any
 * holder on another host (a study on a network share), keeps the study read-only for others.
 */
export interface LockInfo {
  pid: number;
  host: string;
  since: string;
  token: string;
  app: 'RadStudy';
}

export interface StudyLock {
  path: string;
  info: LockInfo;
  release(): void;
}

const heldTokens = new Set<string>();

export function lockPathFor(studyPath: string): string {
  return `${studyPath}.lock`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(studyPath: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(lockPathFor(studyPath), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : null;
  } catch {
    return null;
  }
}

/** Is the lock held by a live RadStudy (another process, or another open of this one)? */
export function lockHolder(studyPath: string): LockInfo | null {
  const info = readLock(studyPath);
  if (!info) return null;
  if (heldTokens.has(info.token)) return info;
  if (info.host !== os.hostname()) return info;
  if (info.pid !== process.pid && pidAlive(info.pid)) return info;
  return null; // stale: the process that wrote it is gone
}

export function describeHolder(info: LockInfo): string {
  const where = info.host === os.hostname() ? `process ${info.pid}` : `process ${info.pid} on ${info.host}`;
  const self = heldTokens.has(info.token) ? ' (this RadStudy already has it open)' : '';
  return `${where} since ${info.since}${self}`;
}

export function acquireLock(studyPath: string): StudyLock {
  const file = lockPathFor(studyPath);
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    token: randomUUID(),
    app: 'RadStudy',
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        const holder = lockHolder(studyPath);
        if (holder) {
          throw new AppError(
            'STUDY_LOCKED',
            `The study is already open in RadStudy (${describeHolder(holder)}). Close it there, or open it read-only. If no RadStudy is using it, delete ${file}.`,
            { lockFile: file, holder },
          );
        }
        try {
          unlinkSync(file); // stale lock
        } catch {
          // another process may have just removed it; retry
        }
        continue;
      }
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new AppError(
          'FOLDER_NOT_WRITABLE',
          `RadStudy cannot write in the folder of ${studyPath} (${code}). Open the study read-only, or copy it to a folder you can write to.`,
          { path: studyPath, errno: code },
        );
      }
      throw err;
    }
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    heldTokens.add(info.token);
    return {
      path: file,
      info,
      release() {
        heldTokens.delete(info.token);
        const current = readLock(studyPath);
        if (current?.token === info.token) {
          try {
            unlinkSync(file);
          } catch {
            // already gone
          }
        }
      },
    };
  }
  throw new AppError('STUDY_LOCKED', `Could not take the lock ${file}; try again.`, { lockFile: file });
}
