/**
 * Smooth random fields for synthetic anatomy: value noise (random values on a coarse lattice,
 * interpolated with C¹ smoothstep weights; Perlin, "An image synthesizer", SIGGRAPH 1985, in
 * its value-noise form), scaled to unit standard deviation over the grid.
 */
import type { Geometry } from '../imaging/volume.js';
import type { Rng } from './random.js';

/**
 * Fills `out` (one value per voxel of `g`) with zero-mean, unit-SD noise whose correlation
 * length is about `cellMm`. Returns `out`.
 */
export function valueNoise(rng: Rng, g: Pick<Geometry, 'size' | 'spacingMm'>, cellMm: number, out: Float32Array): Float32Array {
  const [nx, ny, nz] = g.size;
  const [sx, sy, sz] = g.spacingMm;
  const lx = Math.ceil(((nx - 1) * sx) / cellMm) + 2;
  const ly = Math.ceil(((ny - 1) * sy) / cellMm) + 2;
  const lz = Math.ceil(((nz - 1) * sz) / cellMm) + 2;
  const lattice = new Float32Array(lx * ly * lz);
  for (let i = 0; i < lattice.length; i++) lattice[i] = rng.normal();
  // Per-axis lattice cell and smoothstep weight of every voxel coordinate, computed once.
  const axis = (n: number, s: number): { cell: Int32Array; w: Float32Array } => {
    const cell = new Int32Array(n);
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = (i * s) / cellMm;
      const c = Math.floor(u);
      const f = u - c;
      cell[i] = c;
      w[i] = f * f * (3 - 2 * f);
    }
    return { cell, w };
  };
  const ax = axis(nx, sx);
  const ay = axis(ny, sy);
  const az = axis(nz, sz);
  let sum = 0;
  let sum2 = 0;
  let o = 0;
  for (let k = 0; k < nz; k++) {
    const cz = az.cell[k]!;
    const wz = az.w[k]!;
    for (let j = 0; j < ny; j++) {
      const cy = ay.cell[j]!;
      const wy = ay.w[j]!;
      const b00 = lx * (cy + ly * cz);
      const b10 = lx * (cy + 1 + ly * cz);
      const b01 = lx * (cy + ly * (cz + 1));
      const b11 = lx * (cy + 1 + ly * (cz + 1));
      for (let i = 0; i < nx; i++, o++) {
        const cx = ax.cell[i]!;
        const wx = ax.w[i]!;
        const x00 = lattice[b00 + cx]! + wx * (lattice[b00 + cx + 1]! - lattice[b00 + cx]!);
        const x10 = lattice[b10 + cx]! + wx * (lattice[b10 + cx + 1]! - lattice[b10 + cx]!);
        const x01 = lattice[b01 + cx]! + wx * (lattice[b01 + cx + 1]! - lattice[b01 + cx]!);
        const x11 = lattice[b11 + cx]! + wx * (lattice[b11 + cx + 1]! - lattice[b11 + cx]!);
        const y0 = x00 + wy * (x10 - x00);
        const y1 = x01 + wy * (x11 - x01);
        const v = y0 + wz * (y1 - y0);
        out[o] = v;
        sum += v;
        sum2 += v * v;
      }
    }
  }
  const n = nx * ny * nz;
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(sum2 / n - mean * mean, 1e-12));
  for (let i = 0; i < n; i++) out[i] = (out[i]! - mean) / sd;
  return out;
}
