/**
 * Brush and eraser: a disk (in one slice) or a sphere of radius `radiusMm` in physical
 * millimetres around a continuous voxel position. With anisotropic spacing the shape is an
 * ellipse/ellipsoid in voxels: voxel (i, j, k) is inside when
 *   Σ_axes ((index − centre) · spacing)² ≤ radius²
 * (direction cosines are orthonormal, so distances along voxel axes are physical distances).
 * A threshold range limits painting to voxels whose intensity lies in [min, max].
 */
import { checkGrid, type EditRecorder, type Intensities, type SliceAxis, type Vec3 } from './grid.js';

export interface BrushOptions {
  /** Continuous voxel index of the brush centre. */
  centre: Vec3;
  radiusMm: number;
  /** '2d': the disk in the slice through the centre across `axis`; '3d': the sphere. */
  mode: '2d' | '3d';
  axis: SliceAxis;
  /** Label written (0 erases). */
  value: number;
  /** Only voxels with min ≤ intensity ≤ max are changed. */
  threshold?: { image: Intensities; min: number; max: number } | undefined;
  /** Eraser limited to one label: only voxels of this label are cleared (default: any label). */
  eraseOnly?: number | undefined;
}

export function paintBrush(rec: EditRecorder, o: BrushOptions): void {
  const g = rec.grid;
  checkGrid(g, o.threshold?.image);
  const [nx, ny] = g.size;
  const r2 = o.radiusMm * o.radiusMm;
  const lo: number[] = [];
  const hi: number[] = [];
  for (let a = 0; a < 3; a++) {
    const n = g.size[a]!;
    if (o.mode === '2d' && a === o.axis) {
      const s = Math.round(o.centre[a]!);
      lo.push(s);
      hi.push(s);
    } else {
      const reach = o.radiusMm / g.spacingMm[a]!;
      lo.push(Math.max(0, Math.ceil(o.centre[a]! - reach - 1e-9)));
      hi.push(Math.min(n - 1, Math.floor(o.centre[a]! + reach + 1e-9)));
    }
  }
  if (lo.some((l, a) => l > hi[a]! || l >= g.size[a]! || hi[a]! < 0)) return;
  const [sx, sy, sz] = g.spacingMm;
  const [cx, cy, cz] = o.centre;
  const th = o.threshold;
  for (let k = lo[2]!; k <= hi[2]!; k++) {
    const dz = o.mode === '2d' && o.axis === 2 ? 0 : (k - cz) * sz;
    for (let j = lo[1]!; j <= hi[1]!; j++) {
      const dy = o.mode === '2d' && o.axis === 1 ? 0 : (j - cy) * sy;
      const base = nx * (j + ny * k);
      for (let i = lo[0]!; i <= hi[0]!; i++) {
        const dx = o.mode === '2d' && o.axis === 0 ? 0 : (i - cx) * sx;
        // A small tolerance keeps voxels exactly on the radius inside despite rounding of mm values.
        if (dx * dx + dy * dy + dz * dz > r2 * (1 + 1e-9)) continue;
        const v = base + i;
        if (th) {
          const x = th.image[v]!;
          if (x < th.min || x > th.max) continue;
        }
        if (o.value === 0 && o.eraseOnly !== undefined && g.data[v] !== o.eraseOnly) continue;
        rec.set(v, o.value);
      }
    }
  }
}

/**
 * A stroke from one brush position to the next: dabs every half radius along the segment,
 * so a fast mouse drag leaves a continuous band, not a dotted line.
 */
export function paintStroke(rec: EditRecorder, from: Vec3, to: Vec3, o: Omit<BrushOptions, 'centre'>): void {
  const g = rec.grid;
  const d = [0, 1, 2].map((a) => (to[a]! - from[a]!) * g.spacingMm[a]!);
  const lengthMm = Math.hypot(d[0]!, d[1]!, d[2]!);
  const step = Math.max(o.radiusMm / 2, Math.min(...g.spacingMm) / 2);
  const n = Math.max(1, Math.ceil(lengthMm / step));
  for (let s = 0; s <= n; s++) {
    const t = s / n;
    paintBrush(rec, {
      ...o,
      centre: [from[0] + t * (to[0] - from[0]), from[1] + t * (to[1] - from[1]), from[2] + t * (to[2] - from[2])],
    });
  }
}
