/**
 * What the derived-image jobs (ADC maps, DCE subtractions) share: the identity and scanner tags
 * of a source series, one derived volume written as classic MR Image Storage slices beside the
 * study, the study's sequence rules, and the scan that turns the written folder into series the
 * main process records like an import.
 */
import type Database from 'better-sqlite3';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SequenceRuleSchema, type ImagesImportResult } from '../../api/images.js';
import { parseDicomFile } from '../imaging/dicom/dicomFile.js';
import { deterministicUid, writeMrSlice, type MrSliceSpec } from '../imaging/dicom/writer.js';
import { DEFAULT_SEQUENCE_RULES, type SequenceRule } from '../imaging/sequenceRules.js';
import type { Geometry } from '../imaging/volume.js';
import { indexToPhysical } from '../imaging/volume.js';
import type { JobContext } from './context.js';
import { scanDicomFolder } from './dicom-folder.js';
import { RULES_META_KEY } from './image-import.js';
import type { StoredSeries } from './series-volume.js';

/** `<dir>/<study name>-derived/<kind>` beside the study file. */
export function derivedFolder(studyPath: string, kind: string): string {
  const base = path.basename(studyPath).replace(/\.radstudy$/i, '');
  return path.join(path.dirname(path.resolve(studyPath)), `${base}-derived`, kind);
}

export type SourceTags = Awaited<ReturnType<typeof sourceTags>>;

/** Identity and scanner tags of the source series (its first file), copied into the derived one. */
export async function sourceTags(s: StoredSeries) {
  const file = path.resolve(s.sourceFolder, s.files[0]!.path);
  const { dataSet, header } = parseDicomFile(new Uint8Array(await readFile(file)), file);
  const str = (tag: string): string => (dataSet.string(tag) ?? '').trim();
  const num = (tag: string, fallback: number): number => {
    const v = Number(str(tag));
    return Number.isFinite(v) && str(tag) !== '' ? v : fallback;
  };
  const sex = str('x00100040').toUpperCase();
  return {
    patientName: str('x00100010'),
    patientId: str('x00100020'),
    patientBirthDate: str('x00100030'),
    patientSex: (sex === 'F' || sex === 'M' ? sex : 'O') as 'F' | 'M' | 'O',
    studyInstanceUid: header.studyInstanceUid ?? deterministicUid('radstudy-derived-study', s.sourceFolder),
    studyDate: str('x00080020'),
    studyTime: str('x00080030'),
    studyId: str('x00200010'),
    accessionNumber: str('x00080050'),
    frameOfReferenceUid: header.frameOfReferenceUid ?? deterministicUid('radstudy-derived-frame', s.sourceFolder),
    seriesNumber: header.seriesNumber ?? 0,
    manufacturer: str('x00080070'),
    manufacturerModelName: str('x00081090'),
    institutionName: str('x00080080'),
    magneticFieldStrengthT: num('x00180087', 0),
    repetitionTimeMs: num('x00180080', 0),
    echoTimeMs: num('x00180081', 0),
    acquisitionTime: header.acquisitionTime ?? str('x00080030'),
  };
}

export interface DerivedSeriesSpec {
  folder: string;
  grid: Geometry;
  /** Stored values, x fastest, slice by slice. */
  pixels: Uint16Array;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter: number;
  windowWidth: number;
  tags: SourceTags;
  seriesInstanceUid: string;
  seriesNumber: number;
  description: string;
  imageType: string[];
  scanningSequence: string;
  sequenceVariant: string;
  mrAcquisitionType: '2D' | '3D';
  filePrefix: string;
  extra?: Partial<MrSliceSpec>;
}

/** Writes the slices of one derived series into its (emptied) folder. */
export async function writeDerivedSeries(s: DerivedSeriesSpec): Promise<void> {
  await rm(s.folder, { recursive: true, force: true });
  await mkdir(s.folder, { recursive: true });
  const g = s.grid;
  const [nx, ny, nz] = g.size;
  const d = g.direction;
  for (let k = 0; k < nz; k++) {
    const pos = indexToPhysical(g, 0, 0, k);
    const bytes = writeMrSlice({
      ...s.tags,
      ...s.extra,
      seriesInstanceUid: s.seriesInstanceUid,
      seriesNumber: s.seriesNumber,
      seriesDescription: s.description,
      sopInstanceUid: deterministicUid('radstudy-derived', s.seriesInstanceUid, k),
      instanceNumber: k + 1,
      imageType: s.imageType,
      scanningSequence: s.scanningSequence,
      sequenceVariant: s.sequenceVariant,
      mrAcquisitionType: s.mrAcquisitionType,
      rows: ny,
      columns: nx,
      positionMm: pos,
      orientation: [d[0], d[3], d[6], d[1], d[4], d[7]],
      pixelSpacingMm: [g.spacingMm[1], g.spacingMm[0]],
      sliceThicknessMm: g.spacingMm[2],
      spacingBetweenSlicesMm: g.spacingMm[2],
      sliceLocationMm: pos[2],
      rescaleSlope: s.rescaleSlope,
      rescaleIntercept: s.rescaleIntercept,
      windowCenter: s.windowCenter,
      windowWidth: s.windowWidth,
      pixels: s.pixels.subarray(k * nx * ny, (k + 1) * nx * ny),
    });
    await writeFile(path.join(s.folder, `${s.filePrefix}${String(k + 1).padStart(4, '0')}.dcm`), bytes);
  }
}

/** The study's sequence rules and the series keys already recorded from `folder` (read-only). */
export function scanContext(db: Database.Database, folder: string): { rules: SequenceRule[]; existingKeys: Set<string> } {
  const raw = db.prepare('SELECT value FROM study_meta WHERE key = ?').pluck().get(RULES_META_KEY) as string | undefined;
  return {
    rules: raw ? SequenceRuleSchema.array().parse(JSON.parse(raw)) : [...DEFAULT_SEQUENCE_RULES],
    existingKeys: new Set(db.prepare('SELECT series_key FROM series WHERE source_folder = ?').pluck().all(folder) as string[]),
  };
}

/** Scans the derived folder and keeps the series this run wrote. */
export async function scanDerived(
  folder: string,
  context: { rules: SequenceRule[]; existingKeys: Set<string> },
  mine: ReadonlySet<string>,
  ctx: JobContext,
): Promise<ImagesImportResult> {
  const scan = await scanDicomFolder(folder, {
    rules: context.rules,
    patientCode: undefined,
    existingKeys: context.existingKeys,
    signal: ctx.signal,
    progress: () => undefined,
  });
  return { ...scan, series: scan.series.filter((s) => mine.has(s.seriesInstanceUid)) };
}
