/**
 * Drawing one slice of a filter-preview box on a 2D canvas: grey levels windowed to [min, max]
 * of the whole box (so scrolling keeps one window), one screen block of `zoom` × `zoom` pixels
 * per voxel, and the ROI outline along the voxel edges that separate ROI from background.
 * Row 0 (y = 0) is drawn at the top, as the viewer shows an axial slice.
 */

export const OUTLINE_RGBA: readonly [number, number, number, number] = [255, 200, 0, 255];

/** The RGBA pixels of slice `k` of a box of `size`, `zoom` screen pixels per voxel. */
export function slicePixels(
  data: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  size: readonly [number, number, number],
  k: number,
  min: number,
  max: number,
  zoom: number,
): { width: number; height: number; pixels: Uint8ClampedArray<ArrayBuffer> } {
  const [nx, ny] = size;
  const width = nx * zoom;
  const height = ny * zoom;
  const pixels = new Uint8ClampedArray(width * height * 4);
  const span = max > min ? max - min : 1;
  const base = k * nx * ny;
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const g = Math.round(((data[base + i + nx * j]! - min) / span) * 255);
      for (let y = j * zoom; y < (j + 1) * zoom; y++)
        for (let x = i * zoom; x < (i + 1) * zoom; x++) {
          const p = (y * width + x) * 4;
          pixels[p] = g;
          pixels[p + 1] = g;
          pixels[p + 2] = g;
          pixels[p + 3] = 255;
        }
    }
  if (mask) {
    const inside = (i: number, j: number): boolean => i >= 0 && j >= 0 && i < nx && j < ny && mask[base + i + nx * j] === 1;
    const paint = (x: number, y: number): void => {
      const p = (y * width + x) * 4;
      pixels.set(OUTLINE_RGBA, p);
    };
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!inside(i, j)) continue;
        // Each edge facing the background is drawn on the ROI voxel's own border pixels.
        if (!inside(i - 1, j)) for (let y = j * zoom; y < (j + 1) * zoom; y++) paint(i * zoom, y);
        if (!inside(i + 1, j)) for (let y = j * zoom; y < (j + 1) * zoom; y++) paint((i + 1) * zoom - 1, y);
        if (!inside(i, j - 1)) for (let x = i * zoom; x < (i + 1) * zoom; x++) paint(x, j * zoom);
        if (!inside(i, j + 1)) for (let x = i * zoom; x < (i + 1) * zoom; x++) paint(x, (j + 1) * zoom - 1);
      }
  }
  return { width, height, pixels };
}

/** Screen pixels per voxel so the larger side of the box is about `target` pixels. */
export function zoomFor(size: readonly [number, number, number], target = 280): number {
  return Math.max(1, Math.min(12, Math.floor(target / Math.max(size[0], size[1], 1))));
}
