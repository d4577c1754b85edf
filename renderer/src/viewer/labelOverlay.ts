/**
 * The labelmap overlay of a slice view: a 2D canvas over the image canvas (useSliceView.ts) for
 * the slice the view shows only, holding that slice's raster at one pixel per voxel and placed
 * by a CSS transform. Painting then never touches WebGL: a brush dab re-rasterises the few rows
 * of the slice it can reach into a reused RGBA buffer and uploads that rectangle; zoom and pan
 * change only the transform (nearest neighbour, `image-rendering: pixelated`, so voxels stay
 * square blocks).
 */
import type { Geometry, Vec3 } from '../../../main/compute/imaging/volume.js';
import { axisVector, dot, ORIENTATIONS, screenRight, type ViewId } from './orientation.js';
import type { LabelGrid } from './tools/grid.js';

/** RGB (0…255) of labels 1…n; label 1 keeps the colour the vtk.js overlay used. */
const PALETTE: readonly [number, number, number][] = [
  [255, 64, 51],
  [64, 200, 90],
  [70, 130, 255],
  [255, 200, 40],
  [200, 80, 255],
  [40, 220, 220],
];

export function labelColour(label: number): [number, number, number] {
  return PALETTE[(label - 1) % PALETTE.length]!;
}

export interface OverlayStyle {
  /** Fill opacity 0…1 of labelled voxels. */
  opacity: number;
  /** Border voxels (a 4-neighbour in the slice has another label, or the grid edge) at full opacity. */
  outline: boolean;
  /** RGB of voxel values 0…255, 3 bytes each (the label table's colours); default: the palette. */
  colours?: Uint8Array | undefined;
}

/** The two in-plane voxel axes of a slice across `axis`, in ascending order: (x, y) of the slice raster. */
export function planeAxes(axis: 0 | 1 | 2): [0 | 1 | 2, 0 | 1 | 2] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

/** Inclusive rectangle of the slice raster, in its (x, y) pixels. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Writes the RGBA pixels of slice `slice` across `axis` of the labelmap into `rgba`
 * (width = size[u], height = size[v], row-major), inside `rect` only (default: all).
 */
export function rasterizeLabelSlice(
  grid: LabelGrid,
  axis: 0 | 1 | 2,
  slice: number,
  rgba: Uint8ClampedArray,
  style: OverlayStyle,
  rect?: Rect,
): void {
  const [u, v] = planeAxes(axis);
  const size = grid.size;
  const w = size[u]!;
  const h = size[v]!;
  if (rgba.length !== w * h * 4) throw new Error(`Overlay buffer holds ${rgba.length / 4} pixels, the slice has ${w * h}.`);
  const stride = [1, size[0], size[0] * size[1]];
  const su = stride[u]!;
  const sv = stride[v]!;
  const base = slice * stride[axis]!;
  const data = grid.data;
  const fill = Math.round(Math.min(1, Math.max(0, style.opacity)) * 255);
  const table = style.colours;
  const x0 = Math.max(0, rect?.x0 ?? 0);
  const x1 = Math.min(w - 1, rect?.x1 ?? w - 1);
  const y0 = Math.max(0, rect?.y0 ?? 0);
  const y1 = Math.min(h - 1, rect?.y1 ?? h - 1);
  for (let y = y0; y <= y1; y++) {
    let p = (y * w + x0) * 4;
    let o = base + y * sv + x0 * su;
    for (let x = x0; x <= x1; x++, p += 4, o += su) {
      const l = data[o]!;
      if (l === 0) {
        rgba[p + 3] = 0;
        continue;
      }
      if (table) {
        rgba[p] = table[3 * l]!;
        rgba[p + 1] = table[3 * l + 1]!;
        rgba[p + 2] = table[3 * l + 2]!;
      } else {
        const c = labelColour(l);
        rgba[p] = c[0];
        rgba[p + 1] = c[1];
        rgba[p + 2] = c[2];
      }
      let a = fill;
      if (style.outline) {
        const border =
          x === 0 ||
          y === 0 ||
          x === w - 1 ||
          y === h - 1 ||
          data[o - su] !== l ||
          data[o + su] !== l ||
          data[o - sv] !== l ||
          data[o + sv] !== l;
        if (border) a = 255;
      }
      rgba[p + 3] = a;
    }
  }
}

/** What the view shows: its camera (as the viewer store holds it) and size in CSS pixels. */
export interface OverlayView {
  focal: Vec3;
  /** Millimetres per CSS pixel (2 × parallel scale / height). */
  mmPerPx: number;
  width: number;
  height: number;
}

/**
 * The affine map from slice raster pixel (x, y) to view pixels, as canvas setTransform's
 * (a, b, c, d, e, f): screen = (a·x + c·y + e, b·x + d·y + f), where voxel centre (x, y) lies at
 * raster coordinate (x + ½, y + ½). Same projection as SliceView's crosshair and toWorld.
 */
export function sliceToScreen(
  g: Pick<Geometry, 'originMm' | 'spacingMm' | 'direction'>,
  viewId: ViewId,
  axis: 0 | 1 | 2,
  slice: number,
  view: OverlayView,
): [number, number, number, number, number, number] {
  const o = ORIENTATIONS[viewId];
  const right = screenRight(o);
  const up = o.viewUp;
  const [u, v] = planeAxes(axis);
  const du = axisVector(g, u).map((x) => x * g.spacingMm[u]!);
  const dv = axisVector(g, v).map((x) => x * g.spacingMm[v]!);
  const dn = axisVector(g, axis).map((x) => x * g.spacingMm[axis]!);
  const k = 1 / view.mmPerPx;
  // Raster (0, 0) is the corner half a voxel before voxel (0, 0) of the slice.
  const corner = [0, 1, 2].map((i) => g.originMm[i]! + dn[i]! * slice - 0.5 * (du[i]! + dv[i]!) - view.focal[i]!);
  return [
    dot(du, right) * k,
    -dot(du, up) * k,
    dot(dv, right) * k,
    -dot(dv, up) * k,
    view.width / 2 + dot(corner, right) * k,
    view.height / 2 - dot(corner, up) * k,
  ];
}

/**
 * A canvas for a slice raster (one pixel per voxel) that the compositor places over a view with
 * a CSS matrix transform (sliceToScreen), hidden until first placed; used for the slice image
 * (useSliceView.ts) and the label overlay. `rendering` 'auto' is the bilinear display,
 * 'pixelated' one block per voxel. Pointer events go to the view's host below.
 */
export function placedRasterCanvas(className: string, rendering: 'auto' | 'pixelated'): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = className;
  canvas.setAttribute('aria-hidden', 'true');
  Object.assign(canvas.style, {
    position: 'absolute',
    left: '0',
    top: '0',
    transformOrigin: '0 0',
    pointerEvents: 'none',
    visibility: 'hidden',
    imageRendering: rendering,
  });
  return canvas;
}

/**
 * One view's overlay canvas, which is the shown slice's raster (one pixel per voxel) placed over
 * the view by a CSS matrix transform, as the slice image below it: a brush dab uploads only the
 * rectangle it changed, and zoom or pan only changes the transform.
 */
export class LabelOverlay {
  private readonly ctx: CanvasRenderingContext2D;
  private raster: ImageData | null = null;
  private shown: { grid: LabelGrid; axis: 0 | 1 | 2; slice: number } | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser has no 2D canvas for the labelmap overlay.');
    this.ctx = ctx;
  }

  /** Shows `slice` of `grid` (re-rasterises the whole slice when it changed or `force`). */
  setSlice(grid: LabelGrid | null, axis: 0 | 1 | 2, slice: number, style: OverlayStyle, force = false): void {
    if (!grid) {
      this.shown = null;
      return;
    }
    const s = this.shown;
    if (!force && s && s.grid === grid && s.axis === axis && s.slice === slice) return;
    const [u, v] = planeAxes(axis);
    const w = grid.size[u]!;
    const h = grid.size[v]!;
    if (!this.raster || this.raster.width !== w || this.raster.height !== h) {
      this.raster = new ImageData(w, h);
      this.canvas.width = w;
      this.canvas.height = h;
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    this.shown = { grid, axis, slice };
    rasterizeLabelSlice(grid, axis, slice, this.raster.data, style);
    this.ctx.putImageData(this.raster, 0, 0);
  }

  /**
   * The voxels in the index box `lo…hi` (inclusive) may have changed: refreshes their part of
   * the raster if the box reaches the shown slice. Returns whether the overlay changed.
   */
  refreshBox(lo: Vec3, hi: Vec3, style: OverlayStyle): boolean {
    const s = this.shown;
    if (!s || !this.raster) return false;
    if (s.slice < lo[s.axis] || s.slice > hi[s.axis]) return false;
    const [u, v] = planeAxes(s.axis);
    // One voxel of margin: the outline of the neighbours of a changed voxel changes too.
    const rect: Rect = {
      x0: Math.floor(lo[u]) - 1,
      x1: Math.ceil(hi[u]) + 1,
      y0: Math.floor(lo[v]) - 1,
      y1: Math.ceil(hi[v]) + 1,
    };
    rect.x0 = Math.max(0, rect.x0);
    rect.y0 = Math.max(0, rect.y0);
    rect.x1 = Math.min(this.raster.width - 1, rect.x1);
    rect.y1 = Math.min(this.raster.height - 1, rect.y1);
    if (rect.x0 > rect.x1 || rect.y0 > rect.y1) return false;
    rasterizeLabelSlice(s.grid, s.axis, s.slice, this.raster.data, style, rect);
    this.ctx.putImageData(this.raster, 0, 0, rect.x0, rect.y0, rect.x1 - rect.x0 + 1, rect.y1 - rect.y0 + 1);
    return true;
  }

  /** Places the overlay for the view's camera; `visible` false hides it. */
  draw(geometry: Parameters<typeof sliceToScreen>[0], viewId: ViewId, view: OverlayView, visible: boolean): void {
    const s = this.shown;
    if (!visible || !s || !this.raster) {
      this.canvas.style.visibility = 'hidden';
      return;
    }
    this.canvas.style.transform = `matrix(${sliceToScreen(geometry, viewId, s.axis, s.slice, view).join(',')})`;
    this.canvas.style.visibility = 'visible';
  }
}
