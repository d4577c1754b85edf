import { readFileSync } from 'node:fs';
import os from 'node:os';
import { WorkerPool } from '../../main/compute/host/pool.js';
import type { BatchCase, CaseRunner } from '../../main/compute/radiomics/batch.js';
import { decodeImage, extractCase, runBatch } from '../../main/compute/radiomics/batch.js';
import type { EnabledFeatures } from '../../main/compute/radiomics/index.js';
import { extractFeatures, parseParameterFile, resolveSettings } from '../../main/compute/radiomics/index.js';
import { extractImageTypes } from '../../main/compute/radiomics/imageTypes.js';
import { nativeStatus } from '../../main/compute/radiomics/native.js';
import { referencePath } from '../unit/radiomics/reference.js';
import { medianMs, type Benchmark } from './harness.js';

/**
 * PyRadiomics 3 anchors from issue 6 (C extensions, original image, all seven classes, median on
 * this kind of machine, ±30 %): feature classes / whole extraction from the NRRD files.
 */
const ANCHORS = {
  brain1: { featureClassesMs: 49, fromFilesMs: 280 },
  breast1: { featureClassesMs: 5.5, fromFilesMs: 19 },
} as const;
const GOAL_FACTOR = { featureClasses: 20, fromFiles: 10 } as const;

const ALL: EnabledFeatures = { shape: [], firstorder: [], glcm: [], gldm: [], glrlm: [], glszm: [], ngtdm: [] };
const PLAIN = resolveSettings({ binWidth: 25, voxelArrayShift: 2000, distances: [1], label: 1 });
const file = (name: string) => referencePath('pyradiomics', `${name}.nrrd`);
/** Runs before a median is taken: V8 needs a few dozen extractions before the loops are optimised. */
const WARM_UP_RUNS = 20;

/** Median of 5 (harness.medianMs) after WARM_UP_RUNS runs, i.e. the steady state of a batch. */
async function steadyMedianMs(fn: () => unknown): Promise<number> {
  for (let i = 0; i < WARM_UP_RUNS; i++) fn();
  return medianMs(5, fn);
}

/**
 * Median process CPU time (user + system, all threads of this process, so GC helpers included) of
 * one run, over `rounds` rounds of `perRound` runs. On a machine shared with other jobs, wall
 * time counts the time this process waits for a core; CPU time does not, so it is the figure to
 * compare between two runs of the bench.
 */
function cpuMedianMs(fn: () => unknown, rounds: number, perRound: number): number {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < perRound; i++) fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000 / perRound);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(rounds / 2)]!;
}

function perCase(name: keyof typeof ANCHORS): Benchmark {
  return {
    name: `radiomics-${name}`,
    description:
      `${name}, all 7 classes, plain settings, one thread, median of 5 after ${WARM_UP_RUNS} warm-up runs: feature classes on ` +
      `decoded volumes and whole extraction from the NRRD files; *Speedup = PyRadiomics anchor / ours ` +
      `(goals ≥ ${GOAL_FACTOR.featureClasses} and ≥ ${GOAL_FACTOR.fromFiles}); *CpuMs: median process CPU time per run (15 or 11 rounds), the figure to compare on a shared machine; ` +
      `native kernels ${nativeStatus}`,
    async run() {
      const image = decodeImage(new Uint8Array(readFileSync(file(`${name}_image`))), file(`${name}_image`));
      const mask = decodeImage(new Uint8Array(readFileSync(file(`${name}_label`))), file(`${name}_label`));
      const featureClassesMs = await steadyMedianMs(() => extractFeatures(image, mask, PLAIN, ALL));
      const featureClassesCpuMs = cpuMedianMs(() => extractFeatures(image, mask, PLAIN, ALL), 15, name === 'brain1' ? 10 : 100);
      const fromFilesMs = await steadyMedianMs(() => {
        const r = extractCase({
          image: { bytes: new Uint8Array(readFileSync(file(`${name}_image`))), name: file(`${name}_image`) },
          mask: { bytes: new Uint8Array(readFileSync(file(`${name}_label`))), name: file(`${name}_label`) },
          settings: PLAIN,
          enabled: ALL,
        });
        if (!r.ok) throw new Error(r.error);
      });
      const fromFilesCpuMs = cpuMedianMs(
        () =>
          extractCase({
            image: { bytes: new Uint8Array(readFileSync(file(`${name}_image`))), name: file(`${name}_image`) },
            mask: { bytes: new Uint8Array(readFileSync(file(`${name}_label`))), name: file(`${name}_label`) },
            settings: PLAIN,
            enabled: ALL,
          }),
        11,
        name === 'brain1' ? 3 : 20,
      );
      const decodeMs = await steadyMedianMs(() => {
        decodeImage(new Uint8Array(readFileSync(file(`${name}_image`))), name);
        decodeImage(new Uint8Array(readFileSync(file(`${name}_label`))), name);
      });
      const a = ANCHORS[name];
      return {
        featureClassesMs,
        featureClassesAnchorMs: a.featureClassesMs,
        featureClassesSpeedup: a.featureClassesMs / featureClassesMs,
        featureClassesCpuMs,
        fromFilesMs,
        fromFilesAnchorMs: a.fromFilesMs,
        fromFilesSpeedup: a.fromFilesMs / fromFilesMs,
        fromFilesCpuMs,
        readAndDecodeMs: decodeMs,
      };
    },
  };
}

const BATCH_CASES = 16;
const BATCH_WARM_UP_ROUNDS = 3;

function batchCases(): BatchCase[] {
  return Array.from({ length: BATCH_CASES }, (_, i) => {
    const name = i % 2 === 0 ? 'brain1' : 'breast1';
    return {
      number: i + 1,
      where: `bench case ${i + 1}`,
      input: {},
      imagePath: file(`${name}_image`),
      maskPath: file(`${name}_label`),
      settings: PLAIN,
    };
  });
}

async function batchMs(workers: number): Promise<number> {
  const pool = new WorkerPool(workers);
  try {
    const run: CaseRunner = (args, transfer) => pool.run('radiomicsExtract', args, { transfer });
    const cases = batchCases();
    const go = async () => {
      const results = await runBatch(cases, ALL, run, { concurrency: pool.size * 2 });
      const failed = results.find((r) => !r.ok);
      if (failed && !failed.ok) throw new Error(failed.error);
    };
    // Warm-up: starts the workers and lets V8 optimise the kernels in each of them.
    for (let i = 0; i < BATCH_WARM_UP_ROUNDS; i++) await go();
    return await medianMs(3, go);
  } finally {
    await pool.destroy();
  }
}

/** PyRadiomics 3 anchors for original + 8 wavelet sub-bands (issue 6); goal: at most 1/10. */
const WAVELET_ANCHOR_MS = { brain1: 820, breast1: 100 } as const;

function imageTypes(name: keyof typeof WAVELET_ANCHOR_MS): Benchmark {
  const plain = 'setting: {binWidth: 25, voxelArrayShift: 2000, distances: [1], label: 1}\n';
  return {
    name: `radiomics-imagetypes-${name}`,
    description:
      `${name}, all 7 classes, one thread, median of 3 after 2 warm-up runs: Original only; Original + Wavelet (8 sub-bands, ` +
      `vs the PyRadiomics anchor ${WAVELET_ANCHOR_MS[name]} ms, goal ≥ 10×); and the seed-000 image types (Original + LoG σ 1–5 mm + ` +
      'Wavelet) as a ratio to Original only (issue 7); originalWaveletCpuMs: median process CPU time per run (9 rounds)',
    async run() {
      const image = decodeImage(new Uint8Array(readFileSync(file(`${name}_image`))), file(`${name}_image`));
      const mask = decodeImage(new Uint8Array(readFileSync(file(`${name}_label`))), file(`${name}_label`));
      const run = async (yaml: string) => {
        const p = parseParameterFile(plain + yaml);
        for (let i = 0; i < 2; i++) extractImageTypes(image, mask, p);
        return medianMs(3, () => extractImageTypes(image, mask, p));
      };
      const originalMs = await run('imageType: {Original: {}}\n');
      const waveletMs = await run('imageType: {Original: {}, Wavelet: {}}\n');
      const waveletParams = parseParameterFile(plain + 'imageType: {Original: {}, Wavelet: {}}\n');
      const waveletCpuMs = cpuMedianMs(() => extractImageTypes(image, mask, waveletParams), 9, name === 'brain1' ? 1 : 10);
      const seedMs = await run('imageType: {Original: {}, LoG: {sigma: [1.0, 2.0, 3.0, 4.0, 5.0]}, Wavelet: {}}\n');
      return {
        originalMs,
        originalWaveletMs: waveletMs,
        waveletAnchorMs: WAVELET_ANCHOR_MS[name],
        waveletSpeedup: WAVELET_ANCHOR_MS[name] / waveletMs,
        originalWaveletCpuMs: waveletCpuMs,
        seed000ImageTypesMs: seedMs,
        seed000VsOriginalRatio: seedMs / originalMs,
      };
    },
  };
}

export const radiomicsBenchmarks: Benchmark[] = [
  imageTypes('brain1'),
  imageTypes('breast1'),
  perCase('brain1'),
  perCase('breast1'),
  {
    name: 'radiomics-batch',
    description: `PyRadiomics batch mode, ${BATCH_CASES} cases (brain1/breast1 alternating, files read per case) on the worker pool, median of 3 after ${BATCH_WARM_UP_ROUNDS} warm-up rounds: 1 worker vs all cores (ratio = speed-up)`,
    async run() {
      const cores = os.availableParallelism();
      const oneMs = await batchMs(1);
      const allMs = await batchMs(cores);
      return {
        cases: BATCH_CASES,
        workers: cores,
        oneWorkerMs: oneMs,
        oneWorkerCasesPerS: (BATCH_CASES * 1000) / oneMs,
        allWorkersMs: allMs,
        allWorkersCasesPerS: (BATCH_CASES * 1000) / allMs,
        allVsOneSpeedup: oneMs / allMs,
      };
    },
  },
];
