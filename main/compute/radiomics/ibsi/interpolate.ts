/**
 * IBSI image interpolation (IBSI chapter 1, §2.4) for IBSI mode: the "align grid centres" grid —
 * the new grid keeps the direction, has ⌈n·s/s′⌉ voxels per axis and is centred on the original
 * grid, i.e. origin′ = origin + D·((s(n − 1) − s′(n′ − 1))/2) per axis. The image is interpolated
 * trilinearly (bilinearly when only in-plane spacing changes) or with a cubic B-spline (IBSI's
 * "tricubic spline", configuration E) and rounded to integers; the ROI is
 * interpolated as a 0/1 partial-volume map with the same interpolator and kept where ≥ 0.5.
 *
 * Positions are computed per axis in closed form, (shift + k·s′)/s in source index units, not by
 * accumulating steps: many new points fall exactly halfway between old ones (3 mm → 2 mm), where
 * the partial-volume ROI is exactly 0.5 and the ≥ 0.5 rule needs the exact value. Beyond the outer
 * voxel centres the nearest edge value is used (IBSI's recommendation).
 */
import type { Geometry, Vec3, Volume } from '../../imaging/volume.js';
import { resampleBSpline } from '../bspline.js';
import { RadiomicsInputError } from '../errors.js';

/** New spacing per axis (x, y, z); null keeps an axis as it is. */
export type IbsiSpacing = [number | null, number | null, number | null];

export function ibsiGrid(g: Geometry, spacing: IbsiSpacing): Geometry {
  const size: Vec3 = [0, 0, 0];
  const spacingMm: Vec3 = [0, 0, 0];
  const shift: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const s = g.spacingMm[a]!;
    const n = g.size[a]!;
    const s2 = spacing[a] ?? s;
    const n2 = spacing[a] === null ? n : Math.ceil((n * s) / s2);
    size[a] = n2;
    spacingMm[a] = s2;
    shift[a] = (s * (n - 1) - s2 * (n2 - 1)) / 2;
  }
  const d = g.direction;
  const originMm: Vec3 = [
    g.originMm[0] + d[0] * shift[0] + d[1] * shift[1] + d[2] * shift[2],
    g.originMm[1] + d[3] * shift[0] + d[4] * shift[1] + d[5] * shift[2],
    g.originMm[2] + d[6] * shift[0] + d[7] * shift[1] + d[8] * shift[2],
  ];
  return { size, spacingMm, originMm, direction: [...g.direction] };
}

/** Per-axis sample positions: lower source index and weight of the upper neighbour. */
function axisSamples(n: number, s: number, n2: number, s2: number, keep: boolean): { i0: Int32Array; f: Float64Array } {
  const i0 = new Int32Array(n2);
  const f = new Float64Array(n2);
  const shift = (s * (n - 1) - s2 * (n2 - 1)) / 2;
  for (let k = 0; k < n2; k++) {
    if (keep || n === 1) {
      i0[k] = keep ? k : 0;
      continue;
    }
    const c = Math.min(Math.max((shift + k * s2) / s, 0), n - 1);
    const lo = Math.min(Math.floor(c), n - 2);
    i0[k] = lo;
    f[k] = c - lo;
  }
  return { i0, f };
}

/** Trilinear interpolation of `data` (x-fastest, size n) at the separable sample positions. */
function trilinear(data: ArrayLike<number>, n: readonly number[], ax: { i0: Int32Array; f: Float64Array }[]): Float64Array {
  const [nx, ny] = n as [number, number, number];
  const [gx, gy, gz] = [ax[0]!.i0.length, ax[1]!.i0.length, ax[2]!.i0.length];
  const out = new Float64Array(gx * gy * gz);
  const dx = n[0]! > 1 ? 1 : 0;
  const dy = n[1]! > 1 ? nx : 0;
  const dz = n[2]! > 1 ? nx * ny : 0;
  for (let k = 0, o = 0; k < gz; k++) {
    const z0 = ax[2]!.i0[k]!;
    const fz = ax[2]!.f[k]!;
    for (let j = 0; j < gy; j++) {
      const y0 = ax[1]!.i0[j]!;
      const fy = ax[1]!.f[j]!;
      for (let i = 0; i < gx; i++, o++) {
        const x0 = ax[0]!.i0[i]!;
        const fx = ax[0]!.f[i]!;
        const p = x0 + nx * (y0 + ny * z0);
        const c00 = data[p]! * (1 - fx) + data[p + dx]! * fx;
        const c10 = data[p + dy]! * (1 - fx) + data[p + dy + dx]! * fx;
        const c01 = data[p + dz]! * (1 - fx) + data[p + dz + dx]! * fx;
        const c11 = data[p + dz + dy]! * (1 - fx) + data[p + dz + dy + dx]! * fx;
        out[o] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return out;
}

/**
 * Interpolates image and ROI (voxels equal to `label`) onto the IBSI grid, returning the part of
 * that grid within `marginMm` of the ROI (enough for the 1 cm³ local-intensity sphere). Image and
 * mask must share their geometry (as the IBSI phantoms do).
 */
export function ibsiInterpolate(
  image: Volume,
  mask: Volume,
  spacing: IbsiSpacing,
  label = 1,
  marginMm = 10,
  imageInterpolator: 'linear' | 'bspline' = 'linear',
): { image: Volume<Float64Array>; mask: Volume<Uint8Array> } {
  if ((mask.components ?? 1) !== 1 || (image.components ?? 1) !== 1) {
    throw new RadiomicsInputError('image', 'IBSI interpolation needs scalar image and mask volumes');
  }
  if (image.size.some((s, a) => s !== mask.size[a]) || image.spacingMm.some((s, a) => Math.abs(s - mask.spacingMm[a]!) > 1e-6)) {
    throw new RadiomicsInputError('mask', 'IBSI interpolation needs image and mask on the same grid');
  }
  const full = ibsiGrid(image, spacing);
  const fullAxes = [0, 1, 2].map((a) =>
    axisSamples(image.size[a]!, image.spacingMm[a]!, full.size[a]!, full.spacingMm[a]!, spacing[a] === null),
  );
  // Only the part of the new grid near the ROI is computed: new voxels whose interpolation
  // stencil lies within the ROI's bounding box widened by `marginMm` (the local-intensity sphere).
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const [mx, my] = mask.size;
  for (let o = mask.data.indexOf(label); o >= 0; o = mask.data.indexOf(label, o + 1)) {
    const idx = [o % mx, Math.floor(o / mx) % my, Math.floor(o / (mx * my))];
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, idx[a]!);
      hi[a] = Math.max(hi[a]!, idx[a]!);
    }
  }
  if (lo[0] === Infinity) throw new RadiomicsInputError('mask', `label ${label} is not present in the mask`);
  const first: number[] = [];
  const count: number[] = [];
  for (let a = 0; a < 3; a++) {
    const margin = Math.ceil(marginMm / image.spacingMm[a]!) + 1;
    const from = lo[a]! - margin;
    const to = hi[a]! + margin;
    const i0 = fullAxes[a]!.i0;
    let k0 = 0;
    while (k0 < i0.length - 1 && i0[k0]! + 1 < from) k0++;
    let k1 = i0.length - 1;
    while (k1 > k0 && i0[k1]! > to) k1--;
    first.push(k0);
    count.push(k1 - k0 + 1);
  }
  const axes = fullAxes.map((ax, a) => ({
    i0: ax.i0.subarray(first[a]!, first[a]! + count[a]!),
    f: ax.f.subarray(first[a]!, first[a]! + count[a]!),
  }));
  const d = full.direction;
  const off = first.map((k, a) => k * full.spacingMm[a]!);
  const grid: Geometry = {
    size: [count[0]!, count[1]!, count[2]!],
    spacingMm: [...full.spacingMm],
    originMm: [
      full.originMm[0] + d[0] * off[0]! + d[1] * off[1]! + d[2] * off[2]!,
      full.originMm[1] + d[3] * off[0]! + d[4] * off[1]! + d[5] * off[2]!,
      full.originMm[2] + d[6] * off[0]! + d[7] * off[1]! + d[8] * off[2]!,
    ],
    direction: [...full.direction],
  };
  const values = imageInterpolator === 'bspline' ? resampleBSpline(image, grid).data : trilinear(image.data, image.size, axes);
  for (let o = 0; o < values.length; o++) values[o] = Math.round(values[o]!);
  const binary = new Float64Array(mask.data.length);
  for (let o = mask.data.indexOf(label); o >= 0; o = mask.data.indexOf(label, o + 1)) binary[o] = 1;
  const partial = trilinear(binary, mask.size, axes);
  const m = new Uint8Array(partial.length);
  for (let o = 0; o < m.length; o++) m[o] = partial[o]! >= 0.5 ? 1 : 0;
  return { image: { ...grid, data: values }, mask: { ...grid, data: m } };
}
