import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CENTERS } from '../../../main/compute/demo/centers.js';
import { generateCohort } from '../../../main/compute/demo/clinical.js';
import type { TicType } from '../../../main/compute/demo/clinical.js';
import { generatePatientImages } from '../../../main/compute/demo/patientImages.js';
import { readDicomSeries } from '../../../main/compute/imaging/dicom/readDicom.js';
import { readNrrd } from '../../../main/compute/imaging/nrrd.js';
import { writeDemoFolder, type DemoFolderResult } from '../../../main/services/demo.js';
import { tmpDir } from '../../helpers/tmp.js';

const SEED = 77;
const N = 4;

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    allFiles(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(path.join(dir, f)))
        .digest('hex'),
    ]),
  );
}

async function readSeries(dir: string): Promise<Awaited<ReturnType<typeof readDicomSeries>>> {
  const inputs = readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(dir, name))) }));
  return readDicomSeries(inputs);
}

interface ManifestSeries {
  kind: string;
  description: string;
  folder: string;
  size: number[];
  spacingMm: number[];
  originMm: number[];
  components: number;
  bValues?: number[];
}
interface Manifest {
  cohort: { code: string; center: string; series: ManifestSeries[]; lesions: { code: string; ticType: TicType }[] }[];
}

let t: ReturnType<typeof tmpDir>;
let first: DemoFolderResult;
let manifest: Manifest;

beforeAll(async () => {
  t = tmpDir();
  first = await writeDemoFolder(path.join(t.dir, 'a'), { patients: N, seed: SEED });
  manifest = JSON.parse(readFileSync(path.join(first.folder, 'manifest.json'), 'utf8')) as Manifest;
}, 120_000);
afterAll(() => t.cleanup());

describe('demo images', () => {
  it('are byte-identical for the same seed (SHA-256 of every file) and differ for another seed', async () => {
    const again = await writeDemoFolder(path.join(t.dir, 'b'), { patients: N, seed: SEED });
    const h1 = hashes(first.folder);
    expect(Object.keys(h1).length).toBe(first.files);
    expect(hashes(again.folder)).toEqual(h1);
    const other = await writeDemoFolder(path.join(t.dir, 'c'), { patients: 1, seed: SEED + 1 });
    const h3 = hashes(other.folder);
    const t2 = Object.keys(h3).find((f) => f.endsWith('IM0001.dcm'))!;
    expect(h3[t2]).not.toBe(h1[t2]);
  }, 120_000);

  it('read back with the DICOM reader into the intended geometry, DCE phases and b-values', async () => {
    for (const p of manifest.cohort) {
      const center = DEMO_CENTERS.find((c) => c.code === p.center)!;
      expect(p.series.map((s) => s.kind)).toEqual(['t2', 'dwi', 'adc', 'dce']);
      for (const s of p.series) {
        const dir = path.join(first.folder, s.folder);
        const { series, skipped } = await readSeries(dir);
        expect(skipped).toEqual([]);
        expect(series).toHaveLength(1);
        const v = series[0]!.volume;
        expect(v.size).toEqual(s.size);
        for (let a = 0; a < 3; a++) {
          expect(v.spacingMm[a]).toBeCloseTo(s.spacingMm[a]!, 6);
          expect(v.originMm[a]).toBeCloseTo(s.originMm[a]!, 6);
        }
        expect(v.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
        expect(v.components ?? 1).toBe(s.components);
        expect(series[0]!.firstHeader.seriesDescription).toBe(s.description);
        const files = readdirSync(dir).sort();
        const headers = files.map((f) => dicomParser.parseDicom(new Uint8Array(readFileSync(path.join(dir, f)))));
        if (s.kind === 'dce') {
          expect(s.components).toBe(7);
          const phases = new Set(headers.map((h) => h.intString('x00200100')));
          expect([...phases].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
          // Phase k is acquired (k − 1) × 60 s after the injection.
          expect(headers.map((h) => h.floatString('x00181060'))).toContain(360000);
        }
        if (s.kind === 'dwi') {
          const b = [...new Set(headers.map((h) => h.double('x00189087')))].sort((x, y) => x! - y!);
          expect(b).toEqual([0, center.bValues[1]]);
        }
        for (const h of headers) {
          for (const tag of ['x00080018', 'x0020000e', 'x0020000d', 'x00200052']) {
            expect(h.string(tag)).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
          }
          expect(h.string('x00080016')).toBe('1.2.840.10008.5.1.4.1.1.4');
          expect(h.string('x00020010')).toBe('1.2.840.10008.1.2.1');
          expect(h.floatString('x00180087')).toBe(center.fieldStrengthT);
        }
      }
    }
  }, 120_000);

  it('write masks on the image grid, and readers disagree with the reference at Dice 0.70–0.97 (median 0.80–0.92)', async () => {
    for (const p of manifest.cohort) {
      const dce = p.series.find((s) => s.kind === 'dce')!;
      for (const l of p.lesions) {
        for (const kind of ['reference', 'reader1', 'reader2']) {
          const img = readNrrd(
            new Uint8Array(readFileSync(path.join(first.folder, 'masks', `${p.code}_${l.code}_${kind}.nrrd`))),
          );
          expect(img.volume.size).toEqual(dce.size);
          for (let a = 0; a < 3; a++) {
            expect(img.volume.spacingMm[a]).toBeCloseTo(dce.spacingMm[a]!, 6);
            expect(img.volume.originMm[a]).toBeCloseTo(dce.originMm[a]!, 6);
          }
          let count = 0;
          for (const x of img.volume.data) count += x;
          expect(count).toBeGreaterThan(5);
        }
      }
    }
    const all = [...first.diceReader1, ...first.diceReader2];
    for (const d of all) {
      expect(d).toBeGreaterThan(0.7);
      expect(d).toBeLessThan(0.97);
    }
    const sorted = [...all].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    expect(median).toBeGreaterThan(0.8);
    expect(median).toBeLessThan(0.92);
  });
});

/**
 * TIC type of a mean lesion curve (Kuhl et al., Radiology 1999): the late signal (last phase)
 * relative to the early peak (max of phases 2–3, i.e. 60–120 s): > +10 % persistent (I),
 * < −10 % washout (III), otherwise plateau (II).
 */
function ticOf(curve: number[]): TicType {
  const early = Math.max(curve[1]!, curve[2]!);
  const change = (curve[curve.length - 1]! - early) / early;
  return change > 0.1 ? 'I' : change < -0.1 ? 'III' : 'II';
}

describe('demo DCE kinetics', () => {
  it('mean lesion curves follow the lesion’s TIC type (2 lesions per type)', () => {
    const cohort = generateCohort(SEED, 60);
    const want: Record<TicType, number> = { I: 2, II: 2, III: 2 };
    let checked = 0;
    cohort.forEach((patient, index) => {
      const l = patient.lesions[0]!;
      if (want[l.ticType] === 0) return;
      want[l.ticType]--;
      const images = generatePatientImages(SEED, index, patient);
      const dce = images.series.find((s) => s.kind === 'dce')!;
      const mask = images.lesions[0]!.masks.reference;
      const n = mask.length;
      const curve: number[] = [];
      for (let phase = 0; phase < dce.components; phase++) {
        let sum = 0;
        let count = 0;
        for (let v = 0; v < n; v++) {
          if (!mask[v]) continue;
          sum += dce.stored[phase * n + v]! * dce.rescaleSlope + dce.rescaleIntercept;
          count++;
        }
        curve.push(sum / count);
      }
      expect(curve[1]! / curve[0]!).toBeGreaterThan(1.3); // enhancing lesion
      expect(ticOf(curve), `${patient.code} curve ${curve.map((x) => x.toFixed(0)).join(' ')}`).toBe(l.ticType);
      checked++;
    });
    expect(checked).toBe(6);
  });

  it('the scanner ADC map agrees with the table’s lesion ADC (median relative error < 15 %)', () => {
    const cohort = generateCohort(SEED, 6);
    const errors: number[] = [];
    cohort.forEach((patient, index) => {
      const images = generatePatientImages(SEED, index, patient);
      const adc = images.series.find((s) => s.kind === 'adc')!;
      const g = images.geometry;
      const f = DEMO_CENTERS[patient.center]!.dwiFactor;
      images.lesions.forEach((l, li) => {
        // Mean of the ADC map over DWI voxels whose centre block is fully inside the reference mask.
        const mask = l.masks.reference;
        const [mx, my, mz] = adc.geometry.size;
        let sum = 0;
        let count = 0;
        for (let k = 0; k < mz; k++)
          for (let j = 0; j < my; j++)
            for (let i = 0; i < mx; i++) {
              let inside = true;
              for (let b = 0; b < f && inside; b++)
                for (let a = 0; a < f && inside; a++) inside = mask[i * f + a + g.size[0] * (j * f + b + g.size[1] * k)] === 1;
              if (!inside) continue;
              sum += adc.stored[i + mx * (j + my * k)]! / 1000;
              count++;
            }
        if (count >= 3) errors.push(Math.abs(sum / count - patient.lesions[li]!.adcMean) / patient.lesions[li]!.adcMean);
      });
    });
    expect(errors.length).toBeGreaterThanOrEqual(4);
    const sorted = [...errors].sort((a, b) => a - b);
    expect(sorted[sorted.length >> 1]).toBeLessThan(0.15);
  });
});
