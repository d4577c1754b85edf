import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../api/errors.js';
import { readDicomSeries } from '../../compute/imaging/dicom/readDicom.js';
import { ImageFormatError } from '../../compute/imaging/imageFormatError.js';
import { readImage, writeImage } from '../../compute/imaging/imageIo.js';
import type { Volume } from '../../compute/imaging/volume.js';

export interface ConvertResult {
  input: string;
  output: string;
  size: [number, number, number];
  components: number;
  spacingMm: [number, number, number];
  warnings: string[];
}

async function filesUnder(dir: string, out: string[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) await filesUnder(abs, out);
    else if (e.isFile()) out.push(abs);
  }
}

/**
 * `radstudy convert IN OUT`: IN is a NIfTI, NRRD or DICOM file, or a folder holding one DICOM
 * series (or several, with `series` naming the SeriesInstanceUID); OUT is .nii, .nii.gz or
 * .nrrd. The output is written only after the input was read completely.
 */
export async function convertImage(input: string, output: string, series?: string): Promise<ConvertResult> {
  const src = path.resolve(input);
  const dst = path.resolve(output);
  if (!/\.(nii|nii\.gz|nrrd)$/i.test(dst))
    throw new AppError('VALIDATION', `${dst}: cannot write this format; name the output .nii, .nii.gz or .nrrd.`);
  let volume: Volume;
  let warnings: string[];
  try {
    const info = await stat(src).catch(() => null);
    if (!info) throw new AppError('VALIDATION', `${src} does not exist.`);
    if (info.isDirectory()) {
      const files: string[] = [];
      await filesUnder(src, files);
      const inputs = await Promise.all(
        files.map(async (f) => ({ name: path.relative(src, f), bytes: new Uint8Array(await readFile(f)) })),
      );
      const read = await readDicomSeries(inputs, { skipUnreadable: true });
      const found = series ? read.series.filter((s) => s.seriesInstanceUid === series || s.key === series) : read.series;
      if (found.length !== 1) {
        const list = read.series.map((s) => `${s.key} "${s.firstHeader.seriesDescription ?? ''}"`).join(', ');
        throw new AppError(
          'VALIDATION',
          found.length === 0
            ? `${src}: ${series ? `no DICOM series ${series}` : 'no DICOM series'} found${list ? `; it holds ${list}` : ''}.`
            : `${src} holds ${found.length} DICOM series (${list}); choose one with --series UID.`,
        );
      }
      volume = found[0]!.volume;
      warnings = [...found[0]!.warnings, ...read.skipped.map((s) => `skipped ${s.name}: ${s.reason}`)];
    } else {
      const r = await readImage(new Uint8Array(await readFile(src)), src);
      volume = r.volume;
      warnings = r.warnings;
    }
    const bytes = writeImage(volume, dst);
    await writeFile(dst, bytes);
  } catch (e) {
    if (e instanceof ImageFormatError) throw new AppError('VALIDATION', e.message);
    throw e;
  }
  return {
    input: src,
    output: dst,
    size: [...volume.size],
    components: volume.components ?? 1,
    spacingMm: [...volume.spacingMm],
    warnings,
  };
}
