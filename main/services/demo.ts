/**
 * The demo study: a synthetic two-center breast-MRI cohort written as a folder of real files
 * (clinical CSV, DICOM series, NRRD masks, a manifest of the ground truth) and a `.radstudy`
 * study with the clinical table imported through the ordinary cohort import, so the demo
 * exercises the same paths as a user's data. Same seed → same bytes.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { DEMO_CENTERS } from '../compute/demo/centers.js';
import { generateCohort } from '../compute/demo/clinical.js';

import { clinicalCsv, clinicalMapping } from '../compute/demo/clinicalCsv.js';
import { seriesFolder, seriesToDicom, seriesUid, studyUid } from '../compute/demo/dicomExport.js';
import { dice } from '../compute/demo/masks.js';
import { generatePatientImages } from '../compute/demo/patientImages.js';
import { writeNrrd } from '../compute/imaging/nrrd.js';
import type { CohortService } from './cohort/service.js';
import type { StudyService } from './study.js';

export const DEMO_DEFAULT_PATIENTS = 120;
export const DEMO_DEFAULT_SEED = 20251;
export const DEMO_MAX_PATIENTS = 5000;

export interface DemoFolderOptions {
  patients?: number;
  seed?: number;
  /** Called after each patient (done of total). */
  onProgress?: (done: number, total: number) => void;
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
    for (const l of images.lesions) {
      for (const kind of ['reference', 'reader1', 'reader2'] as const) {
        const bytesNrrd = writeNrrd(
          { ...images.geometry, data: l.masks[kind] },
          { keyValues: { RadStudyDemo: `${patient.code} ${l.lesionCode} ${kind}` } },
        );
        write(path.join(folder, 'masks', `${patient.code}_${l.lesionCode}_${kind}.nrrd`), bytesNrrd);
      }
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
    options.onProgress?.(index + 1, cohort.length);
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
  return { folder, patients, lesions: diceReader1.length, files, bytes, diceReader1, diceReader2, clinicalCsv: csvPath };
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
}

/** The data folder that belongs to a demo study file. */
export function demoFolderFor(studyPath: string): string {
  const parsed = path.parse(path.resolve(studyPath));
  return path.join(parsed.dir, `${parsed.name}_data`);
}

/**
 * Generates the demo folder, creates the study and imports the clinical CSV into it. The
 * study is left open in `study`.
 */
export async function createDemoStudy(
  services: { study: StudyService; cohort: CohortService },
  options: DemoStudyOptions,
): Promise<DemoStudyResult> {
  const studyPath = path.resolve(options.out);
  if (existsSync(studyPath)) {
    throw new AppError('STUDY_EXISTS', `${studyPath} already exists; choose another --out file or remove it`);
  }
  checkOptions(options.patients ?? DEMO_DEFAULT_PATIENTS, options.seed ?? DEMO_DEFAULT_SEED);
  const folder = await writeDemoFolder(demoFolderFor(studyPath), options);
  await services.study.create(studyPath, 'RadStudy demo (synthetic breast MRI, two centers)');
  const { batchId, preview } = await services.cohort.commit(folder.clinicalCsv, clinicalMapping(), 'demo');
  if (!preview.ok) {
    throw new AppError(
      'INTERNAL',
      `the demo clinical table did not import cleanly (${preview.problemCount} problems)`,
      preview.problems,
    );
  }
  return { ...folder, studyPath, importBatchId: batchId };
}
