/**
 * The demo study: a synthetic two-center breast-MRI cohort written as a folder of real files
 * (clinical CSV, DICOM series, NRRD masks, a manifest of the ground truth) and a `.radstudy`
 * study with the clinical table imported through the ordinary cohort import, so the demo
 * exercises the same paths as a user's data. Same seed → same bytes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { DCE_PHASES, DEMO_CENTERS } from '../compute/demo/centers.js';
import { generateCohort } from '../compute/demo/clinical.js';

import { clinicalCsv, clinicalMapping } from '../compute/demo/clinicalCsv.js';
import { seriesFolder, seriesToDicom, seriesUid, studyUid } from '../compute/demo/dicomExport.js';
import { dice, type MaskKind } from '../compute/demo/masks.js';
import { generatePatientImages } from '../compute/demo/patientImages.js';
import { writeNrrd } from '../compute/imaging/nrrd.js';
import { ImageFormatError } from '../compute/imaging/imageFormatError.js';
import { lesionMask } from '../compute/imaging/lesionMask.js';
import type { Geometry } from '../compute/imaging/volume.js';
import type { ImagesImportResult, Series } from '../api/images.js';
import type { Job } from '../api/jobs.js';
import type { LesionRef, SegmentationImportParams, SegmentationImportResult } from '../api/segmentation.js';
import type { Services } from './index.js';

export const DEMO_DEFAULT_PATIENTS = 120;
export const DEMO_DEFAULT_SEED = 20251;
export const DEMO_MAX_PATIENTS = 5000;

/** The steps of demo creation, in order. */
export type DemoPhase = 'files' | 'clinical' | 'images' | 'masks';

export interface DemoProgress {
  phase: DemoPhase;
  /** Units done of `total` in this phase (patients, files, masks); 0 of 1 and 1 of 1 for one-step phases. */
  done: number;
  total: number;
  message: string;
}

export interface DemoFolderOptions {
  patients?: number;
  seed?: number;
  /** Called as each phase advances (after each patient while the files are written). */
  onProgress?: (progress: DemoProgress) => void;
}

/** One lesion's mask files (absolute paths) and their non-zero voxel counts. */
export interface DemoLesionFiles {
  code: string;
  masks: Record<MaskKind, { file: string; voxels: number }>;
}

export interface DemoPatientFiles {
  code: string;
  /** Number of series volumes the DICOM holds for this patient (a stacked series counts once per component). */
  volumes: number;
  /** Diffusion b-values of the patient's center (s/mm²). */
  bValues: number[];
  /** The grid the masks were written on (the T2WI/DCE grid). */
  maskGeometry: Geometry;
  lesions: DemoLesionFiles[];
}

export interface DemoFolderResult {
  folder: string;
  patients: number;
  lesions: number;
  files: number;
  bytes: number;
  /** Dice of each reader's mask against the reference, one value per lesion. */
  diceReader1: number[];
  diceReader2: number[];
  clinicalCsv: string;
  /** dicom/ inside the folder. */
  dicomFolder: string;
  patientFiles: DemoPatientFiles[];
}

function checkOptions(patients: number, seed: number): void {
  if (!Number.isInteger(patients) || patients < 1 || patients > DEMO_MAX_PATIENTS) {
    throw new AppError(
      'VALIDATION',
      `the number of demo patients must be a whole number from 1 to ${DEMO_MAX_PATIENTS} (got ${patients})`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new AppError('VALIDATION', `the demo seed must be a whole number from 0 to 4294967295 (got ${seed})`);
  }
}

/** Writes the demo files into `folder` (created; it must be empty or absent). */
export async function writeDemoFolder(folder: string, options: DemoFolderOptions = {}): Promise<DemoFolderResult> {
  const patients = options.patients ?? DEMO_DEFAULT_PATIENTS;
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  checkOptions(patients, seed);
  if (existsSync(folder) && readdirSync(folder).length > 0) {
    throw new AppError(
      'VALIDATION',
      `the demo folder ${folder} already exists and is not empty; choose another output name or remove it`,
    );
  }
  try {
    mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw new AppError('FOLDER_NOT_WRITABLE', `cannot create the demo folder ${folder}: ${(e as Error).message}`);
  }
  const cohort = generateCohort(seed, patients);
  let files = 0;
  let bytes = 0;
  const write = (file: string, data: Uint8Array | string): void => {
    writeFileSync(file, data);
    files++;
    bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  };
  const csv = clinicalCsv(cohort);
  const csvPath = path.join(folder, 'clinical.csv');
  write(csvPath, csv);
  mkdirSync(path.join(folder, 'masks'));
  const diceReader1: number[] = [];
  const diceReader2: number[] = [];
  const manifestPatients: unknown[] = [];
  const patientFiles: DemoPatientFiles[] = [];
  for (let index = 0; index < cohort.length; index++) {
    const patient = cohort[index]!;
    const center = DEMO_CENTERS[patient.center]!;
    const images = generatePatientImages(seed, index, patient);
    const seriesInfo: unknown[] = [];
    for (const s of images.series) {
      const dir = path.join(folder, 'dicom', patient.code, seriesFolder(s));
      mkdirSync(dir, { recursive: true });
      for (const f of seriesToDicom(seed, index, patient, center, s)) write(path.join(dir, f.name), f.bytes);
      seriesInfo.push({
        kind: s.kind,
        description: s.description,
        folder: path.posix.join('dicom', patient.code, seriesFolder(s)),
        seriesInstanceUid: seriesUid(seed, index, s.kind),
        size: s.geometry.size,
        spacingMm: s.geometry.spacingMm,
        originMm: s.geometry.originMm,
        components: s.components,
        ...(s.bValues ? { bValues: s.bValues } : {}),
        ...(s.phaseSeconds ? { phaseSeconds: s.phaseSeconds } : {}),
      });
    }
    const lesionInfo: unknown[] = [];
    const lesionFiles: DemoLesionFiles[] = [];
    for (const l of images.lesions) {
      const masks = {} as DemoLesionFiles['masks'];
      for (const kind of MASK_KINDS) {
        const bytesNrrd = writeNrrd(
          { ...images.geometry, data: l.masks[kind] },
          { keyValues: { RadStudyDemo: `${patient.code} ${l.lesionCode} ${kind}` } },
        );
        const file = path.join(folder, 'masks', `${patient.code}_${l.lesionCode}_${kind}.nrrd`);
        write(file, bytesNrrd);
        masks[kind] = { file, voxels: nonZero(l.masks[kind]) };
      }
      lesionFiles.push({ code: l.lesionCode, masks });
      const d1 = dice(l.masks.reference, l.masks.reader1);
      const d2 = dice(l.masks.reference, l.masks.reader2);
      diceReader1.push(d1);
      diceReader2.push(d2);
      const truth = patient.lesions.find((x) => x.code === l.lesionCode)!;
      lesionInfo.push({
        code: l.lesionCode,
        centerMm: l.centerMm.map((x) => Math.round(x * 100) / 100),
        her2Class: truth.her2Class,
        ticType: truth.ticType,
        adcMean: truth.adcMean,
        phenotype: roundDeep(truth.phenotype),
        diceReader1: Math.round(d1 * 1000) / 1000,
        diceReader2: Math.round(d2 * 1000) / 1000,
      });
    }
    manifestPatients.push({
      code: patient.code,
      center: center.code,
      studyInstanceUid: studyUid(seed, index),
      series: seriesInfo,
      lesions: lesionInfo,
    });
    patientFiles.push({
      code: patient.code,
      volumes: images.series.reduce((n, x) => n + x.components, 0),
      bValues: [...center.bValues],
      maskGeometry: images.geometry,
      lesions: lesionFiles,
    });
    options.onProgress?.({
      phase: 'files',
      done: index + 1,
      total: cohort.length,
      message: `Writing the files of patient ${index + 1} of ${cohort.length}`,
    });
    // Let other work (progress events, IPC) run between patients.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const manifest = {
    generator: 'radstudy demo',
    version: 1,
    seed,
    patients,
    centers: DEMO_CENTERS.map((c) => ({
      code: c.code,
      vendor: c.vendor,
      model: c.model,
      fieldStrengthT: c.fieldStrengthT,
      spacingMm: c.spacingMm,
      size: c.size,
      bValues: c.bValues,
      series: c.series,
    })),
    readme:
      'Synthetic data generated by RadStudy; no real patient. clinical.csv: one row per lesion. dicom/<patient>/<series>/: MR Image Storage, explicit VR little endian. masks/: NRRD label maps (1 = lesion) on the T2WI/DCE grid: reference, reader1, reader2. License: CC0 1.0.',
    cohort: manifestPatients,
  };
  write(path.join(folder, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  return {
    folder,
    patients,
    lesions: diceReader1.length,
    files,
    bytes,
    diceReader1,
    diceReader2,
    clinicalCsv: csvPath,
    dicomFolder: path.join(folder, 'dicom'),
    patientFiles,
  };
}

const MASK_KINDS = ['reference', 'reader1', 'reader2'] as const satisfies readonly MaskKind[];

function nonZero(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

function roundDeep(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1000) / 1000;
  if (Array.isArray(value)) return value.map(roundDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)]));
  return value;
}

export interface DemoStudyOptions extends DemoFolderOptions {
  /** The study file to create (`*.radstudy`); the data folder is `<name>_data` beside it. */
  out: string;
}

export interface DemoStudyResult extends DemoFolderResult {
  studyPath: string;
  importBatchId: number;
  /** Series volumes imported from dicom/ (one per DCE phase and b-value). */
  series: number;
  /** Segmentations stored: every lesion × reader × series of its patient. */
  segmentations: number;
  /** Of those, put on a series grid other than the mask's (DWI, ADC: nearest neighbour). */
  resampledSegmentations: number;
  /** Masks left out because nothing of the lesion is left on a coarser grid (DWI, ADC). */
  skippedSegmentations: DemoSkippedSegmentation[];
  /** Seconds per phase. */
  seconds: Record<DemoPhase, number>;
}

export interface DemoSkippedSegmentation {
  patientCode: string;
  lesionCode: string;
  reader: string;
  /** The series the mask would have gone on ("DWI b=0", "ADC", …). */
  series: string[];
  reason: string;
}

/** Reader code of each demo mask in the study (the dual-reader workflow's codes). */
export const DEMO_READERS: Record<MaskKind, string> = { reference: 'REF', reader1: 'R1', reader2: 'R2' };

/** The data folder that belongs to a demo study file. */
export function demoFolderFor(studyPath: string): string {
  const parsed = path.parse(path.resolve(studyPath));
  return path.join(parsed.dir, `${parsed.name}_data`);
}

/** What demo creation needs from the services: the study, the cohort import and the API with its job events. */
export type DemoServices = Pick<Services, 'study' | 'cohort' | 'router' | 'events'>;

const TERMINAL: ReadonlySet<Job['status']> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/**
 * Runs API calls that start jobs (`{ jobId }`) and resolves with each finished job, in order.
 * Every job is queued before the first finishes so the compute process never waits; a job that
 * does not succeed stops the demo with its own message.
 */
async function runJobs(
  services: DemoServices,
  calls: { method: string; input: unknown; what: string }[],
  onJob?: (job: Job) => void,
): Promise<Job[]> {
  const waiting = new Map<number, { resolve: (job: Job) => void }>();
  const finished = new Map<number, Job>();
  const unsubscribe = services.events.subscribe((e) => {
    if (e.type !== 'job') return;
    if (!TERMINAL.has(e.job.status)) {
      onJob?.(e.job);
      return;
    }
    const w = waiting.get(e.job.id);
    if (w) w.resolve(e.job);
    else finished.set(e.job.id, e.job);
  });
  try {
    const pending: { id: number; what: string; done: Promise<Job> }[] = [];
    for (const c of calls) {
      const r = await services.router.call(c.method, c.input);
      if (!r.ok) throw new AppError('INTERNAL', `the demo could not start ${c.what}: ${r.error.message}`, r.error);
      const id = (r.data as { jobId: number }).jobId;
      const early = finished.get(id);
      const done = early ? Promise.resolve(early) : new Promise<Job>((resolve) => waiting.set(id, { resolve }));
      pending.push({ id, what: c.what, done });
    }
    const jobs: Job[] = [];
    for (const p of pending) {
      const job = await p.done;
      if (job.status !== 'succeeded')
        throw new AppError(
          'INTERNAL',
          `the demo's ${p.what} (job #${job.id}) ${job.status}: ${job.error?.message ?? 'no message'}`,
          job.error,
        );
      onJob?.(job);
      jobs.push(job);
    }
    return jobs;
  } finally {
    unsubscribe();
  }
}

function sameGrid(a: Geometry, b: Series['geometry']): boolean {
  const close = (x: readonly number[], y: readonly number[]): boolean =>
    x.length === y.length && x.every((v, i) => Math.abs(v - y[i]!) < 1e-3);
  return (
    close(a.size, b.size) && close(a.spacingMm, b.spacingMm) && close(a.originMm, b.originMm) && close(a.direction, b.direction)
  );
}

/** The series kinds the DICOM of one demo patient must be recognised as (phases 0..6, one DWI per b-value). */
function expectedKinds(p: DemoPatientFiles): string[] {
  const kinds = ['T2_FS', ...p.bValues.map((b) => `DWI b=${b}`), 'ADC'];
  for (let p = 0; p < DCE_PHASES; p++) kinds.push(`DCE phase ${p}`);
  return kinds.sort();
}

function kindLabel(s: Series): string {
  if (s.kind === 'DWI') return `DWI b=${s.bValue ?? '?'}`;
  if (s.kind === 'DCE') return `DCE phase ${s.phase ?? '?'}`;
  return s.kind;
}

/**
 * Generates the demo folder, creates the study and imports into it, through the API as a user
 * would: the clinical CSV (cohort import), the DICOM folder (one `images.import` job; series
 * linked to patients by DICOM PatientID) and every lesion's three masks (`segmentation.import`
 * jobs, readers REF, R1 and R2) on each series of its patient: natively on the T2WI and DCE
 * grid, resampled by nearest neighbour onto DWI and ADC (a mask of which nothing is left on
 * that coarser grid is left out and listed). Each step is checked against what was generated:
 * series kinds and patient links, voxel counts. The study is left open in `services.study`.
 */
export async function createDemoStudy(services: DemoServices, options: DemoStudyOptions): Promise<DemoStudyResult> {
  const studyPath = path.resolve(options.out);
  if (existsSync(studyPath)) {
    throw new AppError('STUDY_EXISTS', `${studyPath} already exists; choose another --out file or remove it`);
  }
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  checkOptions(options.patients ?? DEMO_DEFAULT_PATIENTS, seed);
  const progress = options.onProgress ?? (() => undefined);
  const seconds: Record<DemoPhase, number> = { files: 0, clinical: 0, images: 0, masks: 0 };
  let t0 = Date.now();
  const lap = (phase: DemoPhase): void => {
    const now = Date.now();
    seconds[phase] = (now - t0) / 1000;
    t0 = now;
  };

  const folder = await writeDemoFolder(demoFolderFor(studyPath), options);
  lap('files');

  progress({ phase: 'clinical', done: 0, total: 1, message: 'Importing the clinical table' });
  await services.study.create(studyPath, 'RadStudy demo (synthetic breast MRI, two centers)');
  const db = services.study.requireHandle().db;
  // Thousands of small jobs each commit a few rows. The demo study is new and can be made again,
  // so its commits need not wait for the disk (WAL stays consistent; a power cut loses only the
  // demo); the study's own setting (FULL) is back when creation ends.
  db.pragma('synchronous = NORMAL');
  try {
    const { batchId, preview } = await services.cohort.commit(folder.clinicalCsv, clinicalMapping(), 'demo');
    if (!preview.ok) {
      throw new AppError(
        'INTERNAL',
        `the demo clinical table did not import cleanly (${preview.problemCount} problems)`,
        preview.problems,
      );
    }
    progress({ phase: 'clinical', done: 1, total: 1, message: 'Imported the clinical table' });
    lap('clinical');

    progress({ phase: 'images', done: 0, total: 1, message: 'Importing the DICOM series' });
    const [imageJob] = await runJobs(
      services,
      [{ method: 'images.import', input: { folder: folder.dicomFolder }, what: 'DICOM import' }],
      (job) =>
        job.status === 'running' &&
        progress({ phase: 'images', done: job.progress ?? 0, total: 1, message: job.message ?? 'Importing the DICOM series' }),
    );
    const imported = imageJob!.result as ImagesImportResult;
    if (imported.failed.length > 0 || imported.skipped.length > 0)
      throw new AppError(
        'INTERNAL',
        `the demo DICOM did not import cleanly: ${imported.failed.length} series failed, ${imported.skipped.length} files skipped${imported.failed[0] ? ` (${imported.failed[0].message})` : ''}`,
      );
    const allSeries = await call<Series[]>(services, 'images.series.list', {});
    const byPatient = new Map<string, Series[]>();
    for (const s of allSeries) {
      if (s.patientCode === null)
        throw new AppError(
          'INTERNAL',
          `demo series ${s.description ?? s.key} (DICOM PatientID ${s.dicomPatientId ?? 'none'}) was not linked to a cohort patient`,
        );
      byPatient.set(s.patientCode, [...(byPatient.get(s.patientCode) ?? []), s]);
    }
    for (const p of folder.patientFiles) {
      const got = (byPatient.get(p.code) ?? []).map(kindLabel).sort();
      const want = expectedKinds(p);
      if (got.length !== p.volumes || got.join(', ') !== want.join(', '))
        throw new AppError(
          'INTERNAL',
          `the demo series of ${p.code} were recognised as [${got.join(', ')}], expected [${want.join(', ')}]`,
        );
    }
    progress({ phase: 'images', done: 1, total: 1, message: `Imported ${allSeries.length} series` });
    lap('images');

    const lesions = await call<LesionRef[]>(services, 'segmentation.lesions', {});
    const lesionId = new Map(lesions.map((l) => [`${l.patientCode}\u0000${l.lesionCode}`, l.id]));
    const calls: { method: string; input: SegmentationImportParams; what: string; voxels: number; native: boolean }[] = [];
    const skipped: DemoSkippedSegmentation[] = [];
    for (const p of folder.patientFiles) {
      const series = byPatient.get(p.code)!;
      // Series on another grid than the masks' (DWI, ADC) get the mask resampled by nearest
      // neighbour. A small lesion can vanish on the coarser grid, which the import refuses; such a
      // mask is tried here first, with the import's own code, and left out with the reason.
      const grids = new Map<string, Series[]>();
      for (const s of series) {
        if (sameGrid(p.maskGeometry, s.geometry)) continue;
        const key = JSON.stringify(s.geometry);
        grids.set(key, [...(grids.get(key) ?? []), s]);
      }
      for (const l of p.lesions) {
        const id = lesionId.get(`${p.code}\u0000${l.code}`);
        if (id === undefined)
          throw new AppError('INTERNAL', `demo lesion ${p.code} ${l.code} has masks but is not in the imported cohort`);
        for (const kind of MASK_KINDS) {
          const { file, voxels } = l.masks[kind];
          const onGrid = new Map<number, number>();
          if (grids.size > 0) {
            const bytes = new Uint8Array(readFileSync(file));
            for (const group of grids.values()) {
              const first = group[0]!;
              const grid = { ...first.geometry, direction: first.geometry.direction as Geometry['direction'] };
              try {
                const m = await lesionMask({ bytes, source: file, grid, gridName: first.description ?? first.key, select: {} });
                for (const s of group) onGrid.set(s.id, nonZero(m.mask));
              } catch (e) {
                if (!(e instanceof ImageFormatError)) throw e;
                skipped.push({
                  patientCode: p.code,
                  lesionCode: l.code,
                  reader: DEMO_READERS[kind],
                  series: group.map(kindLabel),
                  reason: e.problem,
                });
              }
            }
          }
          for (const s of series) {
            const native = sameGrid(p.maskGeometry, s.geometry);
            const expected = native ? voxels : onGrid.get(s.id);
            if (expected === undefined) continue;
            calls.push({
              method: 'segmentation.import',
              input: { file, seriesId: s.id, lesionId: id, reader: DEMO_READERS[kind] },
              what: `${kind} mask of ${p.code} ${l.code} on ${kindLabel(s)}`,
              voxels: expected,
              native,
            });
          }
        }
      }
    }
    if (!calls.some((c) => c.native)) throw new AppError('INTERNAL', 'no demo series is on the grid the masks were written on');
    let masksDone = 0;
    progress({ phase: 'masks', done: 0, total: calls.length, message: `Importing ${calls.length} lesion masks` });
    const segJobs = await runJobs(services, calls, (job) => {
      if (job.status !== 'succeeded') return;
      masksDone++;
      if (masksDone % 25 === 0 || masksDone === calls.length)
        progress({
          phase: 'masks',
          done: masksDone,
          total: calls.length,
          message: `Imported ${masksDone} of ${calls.length} lesion masks`,
        });
    });
    let resampled = 0;
    segJobs.forEach((job, k) => {
      const r = job.result as SegmentationImportResult;
      const c = calls[k]!;
      if (r.resampled) resampled++;
      if (r.resampled === c.native)
        throw new AppError(
          'INTERNAL',
          `the demo's ${c.what} was ${r.resampled ? '' : 'not '}resampled, but the series is ${c.native ? 'on' : 'off'} the masks' grid`,
        );
      if (r.voxelCount !== c.voxels)
        throw new AppError(
          'INTERNAL',
          `the demo's ${c.what} was stored with ${r.voxelCount} voxels; ${c.native ? 'the mask file has' : 'resampled, it has'} ${c.voxels}`,
        );
    });
    lap('masks');

    return {
      ...folder,
      studyPath,
      importBatchId: batchId,
      series: allSeries.length,
      segmentations: segJobs.length,
      resampledSegmentations: resampled,
      skippedSegmentations: skipped,
      seconds,
    };
  } finally {
    if (db.open) db.pragma('synchronous = FULL');
  }
}

async function call<T>(services: DemoServices, method: string, input: unknown): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new AppError('INTERNAL', `the demo could not call ${method}: ${r.error.message}`, r.error);
  return r.data as T;
}
