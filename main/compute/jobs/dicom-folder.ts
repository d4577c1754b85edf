/**
 * Scans a DICOM folder for the `images.import` job: every file is read once, hashed (SHA-256),
 * parsed and its pixel data decoded (so a truncated file or an unsupported transfer syntax is
 * found now, not when the series is first viewed); then images are grouped into series and
 * planned with the existing series code (ordering, spacing, warnings), stacked series are split
 * per component (DCE phase, b-value), and each volume gets a sequence kind.
 *
 * Nothing is written here: the result goes back to the main process, which records it in one
 * transaction. Bad files fail only their own series; files that are not DICOM images are
 * listed as skipped.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import type { ImagesImportResult, ImportedSeries } from '../../api/images.js';
import type { DicomHeader } from '../imaging/dicom/dicomFile.js';
import { parseDicomFile } from '../imaging/dicom/dicomFile.js';
import { decodeFrames } from '../imaging/dicom/pixelData.js';
import { groupSeries, planSeries } from '../imaging/dicom/series.js';
import type { DicomSliceRef } from '../imaging/dicom/series.js';
import { ImageFormatError } from '../imaging/imageFormatError.js';
import type { SeriesAttributes, SequenceRule } from '../imaging/sequenceRules.js';
import { assignPhases, dicomTimeSeconds, recognizeSequence } from '../imaging/sequenceRules.js';

export interface ScanOptions {
  rules: readonly SequenceRule[];
  patientCode?: string | undefined;
  /** Keys already in the study for this folder: reported, not imported again. */
  existingKeys?: ReadonlySet<string>;
  signal?: AbortSignal;
  progress?: (fraction: number, message: string) => void;
  /** Files read at once (I/O overlap). Default 8. */
  concurrency?: number;
}

/** Header attributes the readers do not keep but recognition and linking need. */
interface Extras {
  patientId: string | undefined;
  protocolName: string | undefined;
  sequenceName: string | undefined;
  scanningSequence: string | undefined;
  sequenceVariant: string | undefined;
  imageType: string | undefined;
  contrastAgent: string | undefined;
  /** Diffusion b-value of a single-frame file (see diffusionBValue). */
  bValue: number | undefined;
}

interface FileInfo {
  rel: string;
  sha256: string;
  bytes: number;
}

function extras(ds: DataSet): Extras {
  const s = (tag: string): string | undefined => {
    const v = ds.string(tag)?.trim();
    return v ? v : undefined;
  };
  return {
    patientId: s('x00100020'),
    protocolName: s('x00181030'),
    sequenceName: s('x00180024'),
    scanningSequence: s('x00180020'),
    sequenceVariant: s('x00180021'),
    imageType: s('x00080008'),
    contrastAgent: s('x00180010'),
    bValue: diffusionBValue(ds),
  };
}

/**
 * b-value (s/mm²) of a single-frame image: DiffusionBValue (0018,9087), VR FD (PS3.6), read as
 * binary here (as text it reads as "" and hence 0); else the vendors' private tags: GE
 * (0043,1039) first value, which may carry 10^9 as a flag; Siemens (0019,100C).
 */
function diffusionBValue(ds: DataSet): number | undefined {
  const std = ds.elements.x00189087;
  if (std && std.length === 8) return ds.double('x00189087');
  if (std && std.length > 0) {
    const v = Number(ds.string('x00189087'));
    if (Number.isFinite(v)) return v;
  }
  const ge = ds.string('x00431039');
  if (ge) {
    const v = Number(ge.split('\\')[0]);
    if (Number.isFinite(v)) return v % 1e9;
  }
  const siemens = ds.string('x0019100c');
  if (siemens) {
    const v = Number(siemens);
    if (Number.isFinite(v)) return v;
  }
  return undefined;
}

async function listFiles(root: string, out: string[]): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const abs = path.join(root, e.name);
    if (e.isDirectory()) await listFiles(abs, out);
    else if (e.isFile()) out.push(abs);
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

/** Identity of a file whose pixel data cannot be read: parse the header only. */
function seriesOfBrokenFile(bytes: Uint8Array): { uid: string; description: string | undefined } | undefined {
  try {
    const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
    const uid = ds.string('x0020000e');
    return uid ? { uid, description: ds.string('x0008103e') } : undefined;
  } catch {
    return undefined;
  }
}

export async function scanDicomFolder(folder: string, opts: ScanOptions): Promise<ImagesImportResult> {
  const t0 = Date.now();
  const root = path.resolve(folder);
  const progress = opts.progress ?? (() => undefined);
  progress(0, `Listing files in ${root}`);
  const all: string[] = [];
  try {
    await listFiles(root, all);
  } catch (e) {
    throw new ImageFormatError(root, `the folder cannot be read (${(e as Error).message})`, { cause: e });
  }
  if (all.length === 0) throw new ImageFormatError(root, 'the folder holds no files');

  const headers: DicomHeader[] = [];
  const fileInfo = new Map<string, FileInfo>();
  const extrasOf = new Map<DicomHeader, Extras>();
  const skipped: ImagesImportResult['skipped'] = [];
  const brokenSeries = new Map<string, { description: string | undefined; file: string; message: string }>();
  let bytesTotal = 0;
  let done = 0;

  const handle = async (abs: string): Promise<void> => {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const buf = await readFile(abs);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    bytesTotal += bytes.length;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    fileInfo.set(rel, { rel, sha256, bytes: bytes.length });
    let header: DicomHeader;
    try {
      const file = parseDicomFile(bytes, rel);
      header = file.header;
      if (!header.hasPixelData) {
        skipped.push({ path: rel, reason: `DICOM ${header.modality ?? ''} object without image data`.replace('  ', ' ') });
        return;
      }
      extrasOf.set(header, extras(file.dataSet));
      const decoded = await decodeFrames(file);
      const expected = header.rows * header.columns * header.samplesPerPixel;
      const short = decoded.frames.findIndex((f) => f.length !== expected);
      if (short >= 0)
        throw new ImageFormatError(
          rel,
          `frame ${short + 1} decodes to ${decoded.frames[short]!.length} values, expected ${expected}`,
        );
    } catch (e) {
      if (!(e instanceof ImageFormatError)) throw e;
      const owner = seriesOfBrokenFile(bytes);
      if (!owner) {
        skipped.push({ path: rel, reason: e.problem });
        return;
      }
      // Files are read concurrently: name the series' first broken file by path, so the
      // message does not depend on which read finished first.
      const known = brokenSeries.get(owner.uid);
      if (!known || rel < known.file)
        brokenSeries.set(owner.uid, { description: owner.description, file: rel, message: e.message });
      return;
    }
    headers.push(header);
  };

  const concurrency = Math.max(1, opts.concurrency ?? 8);
  let next = 0;
  let lastReport = 0;
  const worker = async (): Promise<void> => {
    while (next < all.length) {
      cancelled(opts.signal);
      const abs = all[next++]!;
      await handle(abs);
      done++;
      const now = Date.now();
      if (now - lastReport > 100 || done === all.length) {
        lastReport = now;
        progress(0.9 * (done / all.length), `${fmt(done)} of ${fmt(all.length)} files`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, all.length) }, worker));
  cancelled(opts.signal);
  progress(0.9, `Assembling series from ${fmt(headers.length)} images`);
  if (headers.length === 0 && brokenSeries.size === 0) {
    const first = skipped.sort((a, b) => (a.path < b.path ? -1 : 1))[0];
    throw new ImageFormatError(
      root,
      `holds no DICOM images: ${fmt(all.length)} file(s) skipped${first ? `, e.g. ${first.path}: ${first.reason}` : ''}`,
    );
  }

  const failed: ImagesImportResult['failed'] = [];
  for (const [uid, b] of brokenSeries)
    failed.push({
      seriesInstanceUid: uid,
      description: b.description ?? null,
      file: b.file,
      message: `series ${uid}${b.description ? ` "${b.description}"` : ''}: ${b.message}`,
    });

  const series: ImportedSeries[] = [];
  const dceCandidates: { index: number; group: string; tp?: number; trig?: number; acq?: number; num?: number; comp: number }[] =
    [];
  for (const stack of groupSeries(headers)) {
    if (brokenSeries.has(stack.seriesInstanceUid)) continue;
    const h0 = stack.slices[0]!.header;
    let plan;
    try {
      plan = planSeries(stack.slices, stack.seriesInstanceUid);
    } catch (e) {
      if (!(e instanceof ImageFormatError)) throw e;
      failed.push({
        seriesInstanceUid: stack.seriesInstanceUid,
        description: h0.seriesDescription ?? null,
        file: null,
        message: `${e.message}${h0.seriesDescription ? ` ("${h0.seriesDescription}")` : ''}`,
      });
      continue;
    }
    const m = plan.components;
    const ex = extrasOf.get(h0)!;
    const bOf = (s: DicomSliceRef): number | undefined =>
      s.header.frames.length === 1 ? (extrasOf.get(s.header)?.bValue ?? undefined) : s.header.frames[s.frame]!.bValue;
    const bValues = [...new Set(plan.slices.map(bOf).filter((b): b is number => b !== undefined))];
    const temporal = new Set(plan.slices.map((s) => s.header.frames[s.frame]!.temporalPosition).filter((t) => t !== undefined));
    const attributes: SeriesAttributes = {
      modality: h0.modality,
      description: h0.seriesDescription,
      protocolName: ex.protocolName,
      sequenceName: ex.sequenceName,
      scanningSequence: ex.scanningSequence,
      sequenceVariant: ex.sequenceVariant,
      imageType: ex.imageType,
      contrastAgent: ex.contrastAgent,
      bValues: bValues.sort((a, b) => a - b),
      temporalPositions: temporal.size,
    };
    const recognized = recognizeSequence(attributes, opts.rules);
    for (let c = 0; c < m; c++) {
      const slices: DicomSliceRef[] = plan.slices.filter((_, k) => k % m === c);
      const first = slices[0]!;
      const fi = first.header.frames[first.frame]!;
      const files = [...new Set(slices.map((s) => s.header.source))].map((rel) => {
        const f = fileInfo.get(rel)!;
        return { path: f.rel, sha256: f.sha256, bytes: f.bytes };
      });
      const key = `${stack.key}${m > 1 ? `@${c}` : ''}`;
      const cleaned = Object.fromEntries(
        Object.entries(attributes).filter(([, v]) => v !== undefined),
      ) as ImportedSeries['attributes'];
      const item: ImportedSeries = {
        key,
        seriesInstanceUid: stack.seriesInstanceUid,
        studyInstanceUid: h0.studyInstanceUid ?? null,
        dicomPatientId: ex.patientId ?? null,
        modality: h0.modality ?? null,
        seriesNumber: h0.seriesNumber ?? null,
        description: h0.seriesDescription ?? null,
        attributes: cleaned,
        kind: recognized.kind,
        rule: recognized.rule,
        bValue: recognized.kind === 'DWI' ? (bOf(first) ?? null) : null,
        phase: null,
        component: c,
        components: m,
        geometry: {
          size: [...plan.geometry.size],
          spacingMm: [...plan.geometry.spacingMm],
          originMm: [...plan.geometry.originMm],
          direction: [...plan.geometry.direction],
        },
        files,
        // The volume is split per component here, so the reader's stacking note does not apply.
        warnings: [...stack.warnings, ...plan.warnings.filter((w) => !w.includes('images per position were stacked'))],
      };
      if (recognized.kind === 'DCE' || recognized.kind === 'SUB') {
        dceCandidates.push({
          index: series.length,
          group: `${recognized.kind}|${h0.studyInstanceUid ?? ''}|${ex.patientId ?? ''}`,
          tp: fi.temporalPosition,
          trig: first.header.triggerTimeMs,
          acq: dicomTimeSeconds(first.header.acquisitionTime),
          num: h0.seriesNumber,
          comp: c,
        });
      }
      series.push(item);
    }
  }
  const phases = assignPhases(
    dceCandidates.map((d) => ({
      group: d.group,
      temporalPosition: d.tp,
      triggerTimeMs: d.trig,
      acquisitionTimeS: d.acq,
      seriesNumber: d.num,
      component: d.comp,
    })),
  );
  // Subtractions are numbered from 1: subtraction k is post-contrast phase k minus phase 0.
  dceCandidates.forEach((d, q) => (series[d.index]!.phase = phases[q]! + (series[d.index]!.kind === 'SUB' ? 1 : 0)));

  const existing = opts.existingKeys ?? new Set<string>();
  const alreadyImported = series.filter((s) => existing.has(s.key)).map((s) => s.key);
  const kept = series.filter((s) => !existing.has(s.key));
  skipped.sort((a, b) => (a.path < b.path ? -1 : 1));
  progress(1, `${fmt(all.length)} files: ${kept.length} series, ${failed.length} failed, ${skipped.length} skipped`);
  return {
    folder: root,
    patientCode: opts.patientCode ?? null,
    filesScanned: all.length,
    dicomImages: headers.length,
    bytes: bytesTotal,
    elapsedMs: Date.now() - t0,
    skipped,
    failed,
    alreadyImported,
    series: kept,
  };
}
