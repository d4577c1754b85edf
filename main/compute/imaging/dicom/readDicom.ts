/**
 * DICOM files → volumes: parse every file, group into series/stacks, order, decode and
 * assemble. Bad files are either fatal (the default: nothing half-imported) or skipped with a
 * reason, as the caller chooses.
 *
 * Everything stays in memory here; an import job over thousands of files can instead call
 * parseDicomFile / groupSeries / planSeries / decodeFrames / assembleSeries itself and
 * re-read each file's pixels in plan order.
 */
import { ImageFormatError } from '../imageFormatError.js';
import type { Volume, VoxelArray } from '../volume.js';
import type { DicomFile, DicomHeader } from './dicomFile.js';
import { parseDicomFile } from './dicomFile.js';
import { decodeFrames } from './pixelData.js';
import { assembleSeries, groupSeries, planSeries } from './series.js';

export interface DicomInput {
  name: string;
  bytes: Uint8Array;
}

export interface DicomSeriesVolume {
  /** SeriesInstanceUID, with `#n` appended when a series was split into stacks. */
  key: string;
  seriesInstanceUid: string;
  volume: Volume;
  /** Header of the first slice in volume order (modality, description, times…). */
  firstHeader: DicomHeader;
  /** Source files in volume order (a multi-frame file appears once). */
  files: string[];
  warnings: string[];
}

export interface ReadDicomOptions {
  /** Skip files that are not DICOM or cannot be decoded, instead of failing. Default false. */
  skipUnreadable?: boolean;
}

export interface ReadDicomResult {
  series: DicomSeriesVolume[];
  skipped: { name: string; reason: string }[];
}

export async function readDicomSeries(inputs: readonly DicomInput[], options: ReadDicomOptions = {}): Promise<ReadDicomResult> {
  const skipped: { name: string; reason: string }[] = [];
  const files = new Map<DicomHeader, DicomFile>();
  for (const input of inputs) {
    try {
      const file = parseDicomFile(input.bytes, input.name);
      files.set(file.header, file);
    } catch (e) {
      if (!options.skipUnreadable || !(e instanceof ImageFormatError)) throw e;
      skipped.push({ name: input.name, reason: e.problem });
    }
  }
  const series: DicomSeriesVolume[] = [];
  for (const stack of groupSeries([...files.keys()])) {
    const plan = planSeries(stack.slices, stack.seriesInstanceUid);
    const decoded = new Map<DicomHeader, VoxelArray[]>();
    const warnings = [...stack.warnings, ...plan.warnings];
    for (const s of plan.slices) {
      if (decoded.has(s.header)) continue;
      const d = await decodeFrames(files.get(s.header)!);
      for (const w of d.warnings) warnings.push(`${s.header.source}: ${w}`);
      decoded.set(s.header, d.frames);
    }
    const volume = assembleSeries(plan, (s) => decoded.get(s.header)![s.frame]!);
    series.push({
      key: stack.key,
      seriesInstanceUid: stack.seriesInstanceUid,
      volume,
      firstHeader: plan.slices[0]!.header,
      files: [...new Set(plan.slices.map((s) => s.header.source))],
      warnings,
    });
  }
  return { series, skipped };
}

/** One file as a volume (a single image is one slice; a multi-frame file is a stack). */
export async function readDicomImage(bytes: Uint8Array, name: string): Promise<DicomSeriesVolume> {
  const { series } = await readDicomSeries([{ name, bytes }]);
  if (series.length !== 1)
    throw new ImageFormatError(
      name,
      series.length === 0 ? 'DICOM file holds no image' : 'DICOM file holds images of different sizes or orientations',
    );
  return series[0]!;
}
