/**
 * Reader agreement per label on STORED two-label masks: two readers' masks saved through the
 * segmentation service (`segmentation.save`, with label tables), then `agreement.masks`. The
 * study is the synthetic one of seed.ts (16 × 16 × 6 grid, 0.8 × 0.8 × 2 mm voxels = 1.28 mm³).
 * References are hand counts: Dice = 2|A∩B| / (|A| + |B|), Jaccard = |A∩B| / |A∪B|; tolerance
 * 1e-12 (ratios of small integers).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaskAgreement } from '../../../main/api/readers.js';
import { labelRuns } from '../../../main/compute/imaging/maskCodec.js';
import { createServices, type Services } from '../../../main/services/index.js';
import { tmpDir } from '../../helpers/tmp.js';
import { GRID, seedCohort, type SeededLesion } from './seed.js';

let t: ReturnType<typeof tmpDir>;
let services: Services;
let lesion: SeededLesion;

async function call<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await services.router.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

const [nx, ny] = GRID.size;
const at = (x: number, y: number, z: number): number => x + nx * (y + ny * z);
/** Fills x0..x1 (inclusive) of row (y, z) with `value`. */
function row(m: Uint8Array, y: number, z: number, x0: number, x1: number, value: number): void {
  for (let x = x0; x <= x1; x++) m[at(x, y, z)] = value;
}

const labels = [
  { value: 1, name: 'Tumour', colour: '#ff4033' },
  { value: 2, name: 'Necrosis', colour: '#40c85a' },
];

beforeAll(async () => {
  t = tmpDir();
  services = createServices({ mode: 'test', configDir: t.dir });
  await call('study.create', { path: path.join(t.dir, 'labels.radstudy'), name: 'Labels' });
  [lesion] = seedCohort(services.study.requireHandle().db, { A: 1 });
  const n = GRID.size[0] * GRID.size[1] * GRID.size[2];
  // R1: label 1 = x 2..9 on row (y 5, z 2) (8 voxels); label 2 = x 2..5 on row (y 6, z 2) (4 voxels).
  const a = new Uint8Array(n);
  row(a, 5, 2, 2, 9, 1);
  row(a, 6, 2, 2, 5, 2);
  // R2: label 1 = x 4..9 on row (5, 2) (6 voxels, 6 shared with R1); label 2 = x 4..7 on row (6, 2)
  // (4 voxels, x 4..5 = 2 shared).
  const b = new Uint8Array(n);
  row(b, 5, 2, 4, 9, 1);
  row(b, 6, 2, 4, 7, 2);
  for (const [reader, m] of [
    ['R1', a],
    ['R2', b],
  ] as const) {
    const { runs, values } = labelRuns(m);
    await call('segmentation.save', {
      lesionId: lesion.lesionId,
      seriesId: lesion.seriesId,
      reader,
      parentId: null,
      status: 'done',
      timeSpentS: 60,
      runs,
      values,
      labels,
    });
  }
}, 60_000);
afterAll(async () => {
  await services.shutdown();
  t.cleanup();
});

describe('agreement.masks on stored two-label masks', () => {
  it('gives the whole-mask row and one row per label with hand-computed Dice, names from the label table', async () => {
    const r = await call<MaskAgreement>('agreement.masks', { readers: ['R1', 'R2'] });
    const mine = r.rows.filter((x) => x.lesionId === lesion.lesionId);
    expect(mine.map((x) => [x.label, x.labelName])).toEqual([
      [null, null],
      [1, 'Tumour'],
      [2, 'Necrosis'],
    ]);
    const [any, l1, l2] = mine as [(typeof mine)[0], (typeof mine)[0], (typeof mine)[0]];
    // Any label: A = 12 voxels, B = 10, A ∩ B = x 4..9 of row 5 (6) + x 4..5 of row 6 (2) = 8.
    // Dice = 16/22, Jaccard = 8/14.
    expect(Math.abs(any.dice - 16 / 22)).toBeLessThan(1e-12);
    expect(Math.abs(any.jaccard - 8 / 14)).toBeLessThan(1e-12);
    // Label 1: |A| = 8, |B| = 6, ∩ = 6: Dice = 12/14, Jaccard = 6/8.
    expect(Math.abs(l1.dice - 12 / 14)).toBeLessThan(1e-12);
    expect(Math.abs(l1.jaccard - 6 / 8)).toBeLessThan(1e-12);
    // Label 2: |A| = 4, |B| = 4, ∩ = 2: Dice = 4/8, Jaccard = 2/6.
    expect(Math.abs(l2.dice - 0.5)).toBeLessThan(1e-12);
    expect(Math.abs(l2.jaccard - 2 / 6)).toBeLessThan(1e-12);
    // Volumes: voxel 0.8 · 0.8 · 2 = 1.28 mm³.
    expect(l1.volumeAMm3).toBeCloseTo(8 * 1.28, 9);
    expect(l1.volumeBMm3).toBeCloseTo(6 * 1.28, 9);
    expect(l2.volumeAMm3).toBeCloseTo(4 * 1.28, 9);
    expect(l2.volumeBMm3).toBeCloseTo(4 * 1.28, 9);
  });
});
