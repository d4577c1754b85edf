/**
 * Offline exchange packages as single .zip files, beside the folder form (exchange.ts): a path
 * ending in .zip is written as a zip of the package folder, and read by unpacking it into a
 * private temporary folder that the folder code then checks as usual (manifest, SHA-256 of every
 * file, study id, earlier imports). The zip's own CRC-32 checks come first, so a damaged or
 * edited archive is refused before anything is read; messages name the .zip, not the temporary
 * folder, and the temporary folder is always removed.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { readZip, writeZip, ZipFormatError, type ZipEntry } from '../../compute/archive/zip.js';
import { ExchangeService, readAssignmentPackage } from './exchange.js';

export const isZipPath = (p: string): boolean => path.extname(p).toLowerCase() === '.zip';

function tempFolder(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'radstudy-package-'));
}

/** Every file under a folder, with paths relative to it (forward slashes, sorted). */
function filesOf(folder: string): ZipEntry[] {
  const walk = (dir: string, rel: string): ZipEntry[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((e) =>
        e.isDirectory()
          ? walk(path.join(dir, e.name), `${rel}${e.name}/`)
          : [{ path: `${rel}${e.name}`, data: readFileSync(path.join(dir, e.name)) }],
      );
  return walk(folder, '');
}

/** A new .zip file (refuses to overwrite one: a package is written once). */
function zipTarget(file: string, what: string): string {
  const out = path.resolve(file);
  if (existsSync(out)) throw new AppError('VALIDATION', `The ${what} ${out} exists already; choose a new file name.`);
  mkdirSync(path.dirname(out), { recursive: true });
  return out;
}

function packFolder(folder: string, zipFile: string): void {
  // The manifest first, so a reader listing the archive sees what it is.
  const entries = filesOf(folder).sort(
    (a, b) => Number(!/^(manifest|result)\.json$/.test(a.path)) - Number(!/^(manifest|result)\.json$/.test(b.path)),
  );
  writeFileSync(zipFile, writeZip(entries));
}

/** Unpacks a package zip into a temporary folder, runs `use` on it, removes the folder. */
export async function withUnpacked<T>(zipFile: string, what: string, use: (folder: string) => T | Promise<T>): Promise<T> {
  const file = path.resolve(zipFile);
  if (!existsSync(file) || !statSync(file).isFile()) throw new AppError('NOT_FOUND', `The ${what} ${file} does not exist.`);
  let entries: ZipEntry[];
  try {
    entries = readZip(readFileSync(file));
  } catch (e) {
    if (e instanceof ZipFormatError)
      throw new AppError(
        'VALIDATION',
        `The ${what} ${file} cannot be read: ${e.message}. Ask for the package again; nothing was imported.`,
      );
    throw e;
  }
  const dir = tempFolder();
  try {
    for (const e of entries) {
      const abs = path.join(dir, e.path);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, e.data);
    }
    return await use(dir);
  } catch (e) {
    // Say which zip was wrong, not which temporary folder.
    if (e instanceof AppError) throw new AppError(e.code, e.message.split(dir).join(file), e.details);
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The exchange API with .zip paths accepted wherever a package folder is. */
export class ZipExchange {
  constructor(private readonly exchange: ExchangeService) {}

  async exportAssignment(q: { reader: string; folder: string; startingMasksFrom?: string | undefined }) {
    if (!isZipPath(q.folder)) return this.exchange.exportAssignment(q);
    const out = zipTarget(q.folder, 'package file');
    const dir = tempFolder();
    try {
      const r = this.exchange.exportAssignment({ ...q, folder: dir });
      packFolder(dir, out);
      return { ...r, folder: out };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  inspectAssignment(q: { folder: string }) {
    if (!isZipPath(q.folder)) return readAssignmentPackage(q.folder);
    return withUnpacked(q.folder, 'assignment package', (dir) => readAssignmentPackage(dir));
  }

  async writeResult(q: {
    assignmentFolder: string;
    folder: string;
    masks: { lesionId: number; seriesId: number; file: string }[];
  }) {
    const write = (assignmentFolder: string) => {
      if (!isZipPath(q.folder)) return ExchangeService.writeResult({ ...q, assignmentFolder });
      const out = zipTarget(q.folder, 'result package file');
      const dir = tempFolder();
      try {
        const r = ExchangeService.writeResult({ ...q, assignmentFolder, folder: dir });
        packFolder(dir, out);
        return { ...r, folder: out };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    if (!isZipPath(q.assignmentFolder)) return write(q.assignmentFolder);
    return withUnpacked(q.assignmentFolder, 'assignment package', (dir) => write(dir));
  }

  importResult(q: { folder: string }) {
    if (!isZipPath(q.folder)) return this.exchange.importResult(q.folder);
    const file = path.resolve(q.folder);
    return withUnpacked(q.folder, 'result package', (dir) => this.exchange.importResult(dir, file));
  }
}
