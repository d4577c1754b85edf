/**
 * PyRadiomics batch mode (`pyradiomics cases.csv -o out.csv -f csv -j N`): one extraction per row
 * of a case list, each case independent, one output row per case.
 *
 * Layout of the output, as PyRadiomics writes it: the input columns first (unchanged, in their
 * order), then the `diagnostics_*` entries, then the features named as PyRadiomics names them
 * (`original_firstorder_Mean` …). RadStudy adds `diagnostics_Error` (empty when the case
 * succeeded; otherwise which case, which file and what was wrong), `diagnostics_Versions_RadStudy`
 * and `diagnostics_RadStudy_*` (the grid features were computed on, grey levels after
 * discretisation, warnings). A failing case keeps its row and does not stop the others.
 *
 * Per-case label: a `Label` (and `Label_channel`) column overrides the setting, as in PyRadiomics.
 * Relative `Image`/`Mask` paths are taken from the case list's folder.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ImageFormatError } from '../imaging/imageFormatError.js';
import { detectImageFormat } from '../imaging/imageIo.js';
import { readNifti } from '../imaging/nifti.js';
import { readNrrd } from '../imaging/nrrd.js';
import type { Volume } from '../imaging/volume.js';
import type { CsvTable } from './batchCsv.js';
import { pyRepr, pyTuple } from './batchCsv.js';
import { imageDiagnostics, maskDiagnostics } from './caseDiagnostics.js';
import { RadiomicsInputError } from './errors.js';
import { applyPreprocessing, preprocessingDiagnostics, type PreprocessingSettings } from '../filters/preprocessing.js';
import { extractFeatures } from './extract.js';
import { extractImageTypes } from './imageTypes.js';
import type { EnabledFeatures, ParameterFile, RadiomicsSettings } from './settings.js';
import { SETTING_NAMES } from './settings.js';

/** An image given as decoded voxels, or as the bytes of an NRRD/NIfTI file to decode. */
export type ImageSource = { volume: Volume } | { bytes: Uint8Array; name: string };

export interface ExtractCaseArgs {
  image: ImageSource;
  mask: ImageSource;
  settings: RadiomicsSettings;
  enabled: EnabledFeatures;
  /** Enabled image types with their own settings; absent: Original only. */
  imageTypes?: ParameterFile['imageTypes'];
  /** RadStudy's preprocessing section (N4, intensity normalisation), applied to the image first. */
  preprocessing?: PreprocessingSettings;
}

export type ExtractCaseResult =
  { ok: true; names: string[]; values: number[]; diagnostics: Record<string, string> } | { ok: false; error: string };

/** Decodes NRRD or NIfTI bytes (the format is recognised from the bytes, not the file name). */
export function decodeImage(bytes: Uint8Array, name: string): Volume {
  switch (detectImageFormat(bytes)) {
    case 'nrrd':
      return readNrrd(bytes, name).volume;
    case 'nifti':
      return readNifti(bytes, name).volume;
    case 'dicom':
      throw new ImageFormatError(name, 'is a single DICOM file; convert the series to NRRD or NIfTI for extraction');
    default:
      throw new ImageFormatError(name, 'is not an NRRD or NIfTI image');
  }
}

const volumeOf = (s: ImageSource): Volume => ('volume' in s ? s.volume : decodeImage(s.bytes, s.name));

/**
 * One case: decode, PyRadiomics diagnostics of the inputs, extraction. Input problems (unreadable
 * file, absent label, geometry mismatch, ROI too small) come back as `{ ok: false }` with the
 * message, so a batch goes on; this is the body of the `radiomicsExtract` compute kernel.
 */
export function extractCase(args: ExtractCaseArgs): ExtractCaseResult {
  try {
    let image = volumeOf(args.image);
    const mask = volumeOf(args.mask);
    const { settings } = args;
    const notes: string[] = [];
    if (args.preprocessing) {
      const sameGrid = image.size.every((s, a) => s === mask.size[a]);
      const roi = sameGrid ? Uint8Array.from(mask.data, (v) => (v === settings.label ? 1 : 0)) : undefined;
      image = applyPreprocessing(image, args.preprocessing, roi, notes);
    }
    // PyRadiomics' `additionalInfo: false` leaves out the image and mask diagnostics.
    const diagnostics: Record<string, string> = {};
    if (settings.additionalInfo) {
      Object.assign(diagnostics, imageDiagnostics(image));
      Object.assign(diagnostics, maskDiagnostics(mask, settings.label, settings.label_channel).entries);
    }
    // With image types, `settings` are the global ones and each type (Original too) adds its own.
    const r = args.imageTypes
      ? extractImageTypes(image, mask, { settings, imageTypes: args.imageTypes, featureClasses: args.enabled })
      : extractFeatures(image, mask, settings, args.enabled);
    if (args.preprocessing) Object.assign(diagnostics, preprocessingDiagnostics(args.preprocessing));
    const d = r.diagnostics;
    const bb = d.boundingBox;
    Object.assign(diagnostics, {
      diagnostics_RadStudy_MaskCorrected: pyRepr(d.maskCorrected),
      diagnostics_RadStudy_Size: pyTuple(d.imageSize, true),
      diagnostics_RadStudy_Spacing: pyTuple(d.spacingMm),
      diagnostics_RadStudy_MaskVoxelNum: String(d.maskVoxelCount),
      diagnostics_RadStudy_VoxelNum: String(d.voxelCount),
      diagnostics_RadStudy_BoundingBox: pyTuple([...bb.lower, ...bb.upper.map((u, i) => u - bb.lower[i]! + 1)], true),
      diagnostics_RadStudy_GrayLevelCount: String(d.grayLevelCount),
      diagnostics_RadStudy_MaxGrayLevel: String(d.maxGrayLevel),
      diagnostics_RadStudy_Warnings: [...notes, ...d.warnings].join(' | '),
    });
    return { ok: true, names: r.features.map((f) => f.name), values: r.features.map((f) => f.value), diagnostics };
  } catch (err) {
    if (err instanceof RadiomicsInputError || err instanceof ImageFormatError) return { ok: false, error: err.message };
    return { ok: false, error: `internal error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** One row of the case list, resolved. */
export interface BatchCase {
  /** 1-based case number, as PyRadiomics counts them in its log. */
  number: number;
  /** Where the row is, for messages: `cases.csv line 3`. */
  where: string;
  /** The row's cells, written back unchanged. */
  input: Record<string, string>;
  imagePath: string;
  maskPath: string;
  settings: RadiomicsSettings;
  /** A problem found before extraction (e.g. an unreadable Label cell). */
  problem?: string;
}

function positiveInt(text: string, min: number): number | null {
  const t = text.trim();
  if (!/^\d+(\.0*)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isInteger(n) && n >= min ? n : null;
}

/** Resolves the case list's rows into cases (paths, per-row label), in file order. */
export function planCases(table: CsvTable, listFile: string, settings: RadiomicsSettings): BatchCase[] {
  const dir = path.dirname(path.resolve(listFile));
  const name = path.basename(listFile);
  return table.rows.map((row, i) => {
    const where = `${name} line ${row.line}`;
    const c: BatchCase = {
      number: i + 1,
      where,
      input: row.cells,
      imagePath: row.cells.Image!.trim() ? path.resolve(dir, row.cells.Image!.trim()) : '',
      maskPath: row.cells.Mask!.trim() ? path.resolve(dir, row.cells.Mask!.trim()) : '',
      settings,
    };
    const problems: string[] = [];
    if (!c.imagePath) problems.push('the Image cell is empty');
    if (!c.maskPath) problems.push('the Mask cell is empty');
    for (const [column, key, min] of [
      ['Label', 'label', 1],
      ['Label_channel', 'label_channel', 0],
    ] as const) {
      const cell = row.cells[column]?.trim();
      if (!cell) continue;
      const v = positiveInt(cell, min);
      if (v === null) problems.push(`the ${column} cell "${cell}" is not a whole number ≥ ${min}`);
      else c.settings = { ...c.settings, [key]: v };
    }
    if (problems.length) c.problem = problems.join('; ');
    return c;
  });
}

/** Extraction of one case, wherever it runs (a worker pool or this thread). */
export type CaseRunner = (args: ExtractCaseArgs, transfer: ArrayBuffer[]) => Promise<ExtractCaseResult>;

async function readCaseFile(file: string, what: 'image' | 'mask'): Promise<Uint8Array> {
  try {
    const buf = await readFile(file);
    // A Buffer may share a pooled ArrayBuffer; give the worker a buffer of its own to take.
    return buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength
      ? new Uint8Array(buf.buffer, 0, buf.byteLength)
      : new Uint8Array(buf);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message;
    throw new RadiomicsInputError(`${what} ${file}`, reason);
  }
}

/** Runs one planned case; never throws (failures come back as `{ ok: false }` naming the case). */
/** What every case of a batch shares besides its settings: image types and preprocessing. */
export type CaseExtras = Pick<ExtractCaseArgs, 'imageTypes' | 'preprocessing'>;

export async function runCase(
  c: BatchCase,
  enabled: EnabledFeatures,
  run: CaseRunner,
  extras: CaseExtras = {},
): Promise<ExtractCaseResult> {
  const label = `case ${c.number} (${c.where})`;
  if (c.problem) return { ok: false, error: `${label}: ${c.problem}` };
  let image: Uint8Array;
  let mask: Uint8Array;
  try {
    [image, mask] = await Promise.all([readCaseFile(c.imagePath, 'image'), readCaseFile(c.maskPath, 'mask')]);
  } catch (err) {
    return { ok: false, error: `${label}: ${(err as Error).message}` };
  }
  let result: ExtractCaseResult;
  try {
    const transfer = image.buffer === mask.buffer ? [image.buffer] : [image.buffer, mask.buffer];
    result = await run(
      {
        image: { bytes: image, name: c.imagePath },
        mask: { bytes: mask, name: c.maskPath },
        settings: c.settings,
        enabled,
        ...extras,
      },
      transfer as ArrayBuffer[],
    );
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (result.ok) return result;
  return { ok: false, error: `${label}, image ${c.imagePath}, mask ${c.maskPath}: ${result.error}` };
}

/**
 * Runs the cases with at most `concurrency` in flight (files are read only shortly before a case
 * runs, so a long list does not sit in memory). Results are in case order whatever the timing.
 */
export async function runBatch(
  cases: readonly BatchCase[],
  enabled: EnabledFeatures,
  run: CaseRunner,
  opts: {
    concurrency: number;
    extras?: CaseExtras;
    onCaseDone?: (done: number, total: number, c: BatchCase, r: ExtractCaseResult) => void;
  },
): Promise<ExtractCaseResult[]> {
  const results: ExtractCaseResult[] = new Array<ExtractCaseResult>(cases.length);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await runCase(cases[i]!, enabled, run, opts.extras);
      done++;
      opts.onCaseDone?.(done, cases.length, cases[i]!, results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, cases.length)) }, lane));
  return results;
}

/** Entries every row carries, whether its case succeeded or not. */
export function configurationDiagnostics(
  settings: RadiomicsSettings,
  version: string,
  imageTypes: ParameterFile['imageTypes'] = { Original: {} },
): Record<string, string> {
  const s = settings as unknown as Record<string, unknown>;
  return {
    diagnostics_Versions_RadStudy: version,
    diagnostics_Configuration_Settings: pyRepr(Object.fromEntries(SETTING_NAMES.map((k) => [k, s[k]]))),
    diagnostics_Configuration_EnabledImageTypes: pyRepr(imageTypes),
  };
}

/**
 * The output table (header first): input columns, `diagnostics_*`, then features. Columns are
 * the union over the cases in case order, so a failed first case does not lose columns; cells a
 * case has no value for stay empty. Feature values are written as Python prints floats.
 */
export function batchTable(
  inputColumns: readonly string[],
  cases: readonly { input: Record<string, string>; settings: RadiomicsSettings }[],
  results: readonly ExtractCaseResult[],
  version: string,
  imageTypes?: ParameterFile['imageTypes'],
): string[][] {
  const diagColumns = new Set<string>(['diagnostics_Error']);
  const featureColumns = new Set<string>();
  const rows: Map<string, string>[] = results.map((r, i) => {
    const cells = new Map<string, string>();
    cells.set('diagnostics_Error', r.ok ? '' : r.error);
    for (const [k, v] of Object.entries(configurationDiagnostics(cases[i]!.settings, version, imageTypes))) cells.set(k, v);
    if (r.ok) {
      for (const [k, v] of Object.entries(r.diagnostics)) cells.set(k, v);
      r.names.forEach((n, j) => cells.set(n, pyRepr(r.values[j]!)));
    }
    for (const k of cells.keys()) (k.startsWith('diagnostics_') ? diagColumns : featureColumns).add(k);
    return cells;
  });
  const header = [...inputColumns, ...diagColumns, ...featureColumns];
  const out = [header];
  rows.forEach((cells, i) => {
    const input = cases[i]!.input;
    out.push([...inputColumns.map((c) => input[c] ?? ''), ...header.slice(inputColumns.length).map((c) => cells.get(c) ?? '')]);
  });
  return out;
}
