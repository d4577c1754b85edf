/**
 * Segmentation agreement (Dice, Jaccard, volume difference, Hausdorff, HD95, symmetric mean
 * surface distance) against
 * - scipy 1.17 / numpy 2.4 (reference: test/fixtures/python/segmentation_metrics.json, written by
 *   test/fixtures/python/segmentation_metrics.py with the MONAI convention spelled out there):
 *   tolerance 1e-12 relative (same exact distances; only summation order differs);
 * - brute force over all surface-voxel pairs on small random masks: 1e-12 relative;
 * - analytic cases: cubes shifted by k voxels (Hausdorff = k·spacing, Dice = (s − k)/s,
 *   Jaccard = (s − k)/(s + k), exact to 1e-12), and spheres of radius 10 mm shifted by 3 mm
 *   (Hausdorff → 3 mm and Dice → V∩/V = (4R + d)(2R − d)²/(16R³) up to voxelization: 0.5 mm and
 *   0.01).
 */
import { describe, expect, it } from 'vitest';
import { segmentationAgreement, surfaceVoxels, type BinaryMask } from '../../../main/compute/stats/agreement/segmentation.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { StatsInputError } from '../../../main/compute/stats/common.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorTracker } from './fixtures.js';

interface Case {
  label: string;
  dims: [number, number, number];
  spacing: [number, number, number];
  a: number[];
  b: number[];
  dice: number;
  jaccard: number;
  volume_a: number;
  volume_b: number;
  surface_a: number;
  surface_b: number;
  hausdorff: number;
  hd95: number;
  hd95_ab: number;
  hd95_ba: number;
  mean_ab: number;
  mean_ba: number;
  assd: number;
}
const fx = JSON.parse(
  readFileSync(
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/python/segmentation_metrics.json'),
    'utf8',
  ),
) as { cases: Case[] };

function unRle(runs: number[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let k = 0;
  runs.forEach((len, r) => {
    if (r % 2 === 1) out.fill(1, k, k + len);
    k += len;
  });
  expect(k).toBe(n);
  return out;
}

function box(
  dims: [number, number, number],
  spacing: [number, number, number],
  pred: (x: number, y: number, z: number) => boolean,
): BinaryMask {
  const [nx, ny, nz] = dims;
  const data = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = pred(x, y, z) ? 1 : 0;
  return { data, dims, spacing };
}

describe('segmentation agreement metrics', () => {
  it('match the scipy reference (MONAI convention) within 1e-12', () => {
    const tr = new ErrorTracker();
    for (const c of fx.cases) {
      const n = c.dims[0] * c.dims[1] * c.dims[2];
      const r = segmentationAgreement(
        { data: unRle(c.a, n), dims: c.dims, spacing: c.spacing },
        { data: unRle(c.b, n), dims: c.dims, spacing: c.spacing },
      );
      expect(r.surfaceVoxels).toEqual({ reference: c.surface_a, test: c.surface_b });
      tr.add(r.dice, c.dice, `${c.label} dice`);
      tr.add(r.jaccard, c.jaccard, `${c.label} jaccard`);
      tr.add(r.volumeReference, c.volume_a, `${c.label} volume a`);
      tr.add(r.volumeTest, c.volume_b, `${c.label} volume b`);
      tr.add(r.volumeDifferenceAbsolute, Math.abs(c.volume_b - c.volume_a), `${c.label} |dV|`);
      tr.add(r.volumeDifferenceRelative, (c.volume_b - c.volume_a) / c.volume_a, `${c.label} dV/V`);
      tr.add(r.hausdorff, c.hausdorff, `${c.label} HD`);
      tr.add(r.hausdorff95, c.hd95, `${c.label} HD95`);
      tr.add(r.directed.refToTest.p95, c.hd95_ab, `${c.label} P95 a->b`);
      tr.add(r.directed.testToRef.p95, c.hd95_ba, `${c.label} P95 b->a`);
      tr.add(r.directed.refToTest.mean, c.mean_ab, `${c.label} mean a->b`);
      tr.add(r.directed.testToRef.mean, c.mean_ba, `${c.label} mean b->a`);
      tr.add(r.meanSurfaceDistance, c.assd, `${c.label} ASSD`);
    }
    console.info(`segmentation vs scipy: max rel err ${tr.max.toExponential(2)}`);
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-12);
  });

  it('equal brute-force surface distances on random masks within 1e-12', () => {
    const rng = new Rng(17);
    const tr = new ErrorTracker();
    for (let rep = 0; rep < 6; rep++) {
      const dims: [number, number, number] = rep === 5 ? [13, 11, 1] : [9, 8, 7];
      const spacing: [number, number, number] = [0.6 + rep * 0.1, 1.1, 2.0];
      const a = box(dims, spacing, (x, y, z) => rng.nextDouble() < 0.35 + 0.1 * Math.sin(x + y + z));
      const b = box(dims, spacing, () => rng.nextDouble() < 0.4);
      const sa = surfaceVoxels(a.data as Uint8Array, dims);
      const sb = surfaceVoxels(b.data as Uint8Array, dims);
      const coords = (s: Uint8Array): number[][] => {
        const out: number[][] = [];
        for (let i = 0; i < s.length; i++) {
          if (!s[i]) continue;
          const x = i % dims[0];
          const y = Math.floor(i / dims[0]) % dims[1];
          const z = Math.floor(i / (dims[0] * dims[1]));
          out.push([x * spacing[0], y * spacing[1], z * spacing[2]]);
        }
        return out;
      };
      const pa = coords(sa);
      const pb = coords(sb);
      const directed = (p: number[][], q: number[][]): number[] =>
        p.map((u) => Math.min(...q.map((w) => Math.hypot(u[0]! - w[0]!, u[1]! - w[1]!, u[2]! - w[2]!)))).sort((s, t) => s - t);
      const p95 = (d: number[]): number => {
        const h = (d.length - 1) * 0.95;
        const lo = Math.floor(h);
        return d[lo]! + (h - lo) * (d[Math.min(lo + 1, d.length - 1)]! - d[lo]!);
      };
      const dab = directed(pa, pb);
      const dba = directed(pb, pa);
      const r = segmentationAgreement(a, b);
      tr.add(r.hausdorff, Math.max(dab[dab.length - 1]!, dba[dba.length - 1]!), `rep ${rep} HD`);
      tr.add(r.hausdorff95, Math.max(p95(dab), p95(dba)), `rep ${rep} HD95`);
      const all = [...dab, ...dba];
      tr.add(r.meanSurfaceDistance, all.reduce((s, v) => s + v, 0) / all.length, `rep ${rep} ASSD`);
    }
    expect(tr.max, tr.worst).toBeLessThanOrEqual(1e-12);
  });

  it('cubes shifted by k voxels: Hausdorff = k·spacing, Dice and Jaccard exact', () => {
    const dims: [number, number, number] = [40, 30, 30];
    const spacing: [number, number, number] = [0.7, 1.0, 1.5];
    for (const k of [1, 3, 6]) {
      const a = box(dims, spacing, (x, y, z) => x >= 5 && x < 25 && y >= 5 && y < 25 && z >= 5 && z < 25);
      const b = box(dims, spacing, (x, y, z) => x >= 5 + k && x < 25 + k && y >= 5 && y < 25 && z >= 5 && z < 25);
      const r = segmentationAgreement(a, b);
      expect(Math.abs(r.hausdorff - k * 0.7)).toBeLessThan(1e-12);
      expect(Math.abs(r.dice - (20 - k) / 20)).toBeLessThan(1e-12);
      expect(Math.abs(r.jaccard - (20 - k) / (20 + k))).toBeLessThan(1e-12);
      expect(r.volumeDifferenceAbsolute).toBe(0);
      expect(r.hausdorff95).toBeLessThanOrEqual(r.hausdorff);
    }
  });

  it('spheres of radius 10 mm shifted by 3 mm: Hausdorff ≈ 3 mm, Dice ≈ analytic overlap', () => {
    const dims: [number, number, number] = [60, 60, 30];
    const spacing: [number, number, number] = [0.5, 0.5, 1.0];
    const R = 10;
    const d = 3;
    const sphere = (cx: number): BinaryMask =>
      box(dims, spacing, (x, y, z) => (x * 0.5 - cx) ** 2 + (y * 0.5 - 15) ** 2 + (z - 15) ** 2 <= R * R);
    const r = segmentationAgreement(sphere(13), sphere(13 + d));
    expect(Math.abs(r.hausdorff - d)).toBeLessThanOrEqual(0.5);
    const diceAnalytic = ((4 * R + d) * (2 * R - d) ** 2) / (16 * R ** 3);
    expect(Math.abs(r.dice - diceAnalytic)).toBeLessThan(0.01);
    expect(r.meanSurfaceDistance).toBeLessThan(d);
    expect(r.meanSurfaceDistance).toBeGreaterThan(0.5);
    const same = segmentationAgreement(sphere(13), sphere(13));
    expect(same.dice).toBe(1);
    expect(same.hausdorff).toBe(0);
    expect(same.hausdorff95).toBe(0);
    expect(same.meanSurfaceDistance).toBe(0);
  });

  it('empty or mismatched masks: clear errors', () => {
    const dims: [number, number, number] = [4, 4, 4];
    const s: [number, number, number] = [1, 1, 1];
    const empty = box(dims, s, () => false);
    const full = box(dims, s, (x) => x < 2);
    expect(() => segmentationAgreement(empty, full)).toThrow(/reference mask is empty/);
    expect(() => segmentationAgreement(full, empty)).toThrow(StatsInputError);
    expect(() => segmentationAgreement(full, { ...full, dims: [4, 4, 3] })).toThrow(/voxels for dimensions/);
    expect(() => segmentationAgreement(full, { ...full, spacing: [1, 1, 2] })).toThrow(/voxel spacing/);
  });
});
