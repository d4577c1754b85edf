/**
 * The labelmap's surfaces for the 3D view, one per label value: vtkImageMarchingCubes at
 * iso-value ½ on the mask of one label, cropped to the label's bounding box plus one voxel (marching cubes over a whole
 * 512×512×160 grid would take seconds; the box of a lesion takes milliseconds). vtk.js's filter
 * places points with origin and spacing only, so the points are mapped to LPS here with the
 * series direction (volume.ts: p = origin + D · (index · spacing)).
 */
// An import cannot load an ambient declaration file; both tsconfigs (renderer, unit tests) need it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./vtkShims.d.ts" />
// Explicit .js: this module is also compiled with Node's resolution (its unit test).
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray.js';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData.js';
import vtkImageMarchingCubes, { type MarchingCubesOutput } from '@kitware/vtk.js/Filters/General/ImageMarchingCubes.js';
import type { Geometry } from '../../../main/compute/imaging/volume.js';
import type { LabelGrid } from './tools/grid.js';

/** A vtkPolyData (triangles with point normals), ready for a vtkMapper. */
type PolyData = MarchingCubesOutput;

type Box = { lo: [number, number, number]; hi: [number, number, number] };

/** Inclusive voxel box of the voxels labelled `label`, or null when there are none. */
export function labelBox(grid: LabelGrid, label: number): Box | null {
  return labelBoxes(grid).get(label) ?? null;
}

/** Inclusive voxel box of every label value present (one pass over the grid), by value ascending. */
export function labelBoxes(grid: LabelGrid): Map<number, Box> {
  const [nx, ny, nz] = grid.size;
  const d = grid.data;
  const boxes = new Map<number, Box>();
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, o++) {
        const v = d[o]!;
        if (v === 0) continue;
        const b = boxes.get(v);
        if (!b) {
          boxes.set(v, { lo: [i, j, k], hi: [i, j, k] });
          continue;
        }
        if (i < b.lo[0]) b.lo[0] = i;
        if (i > b.hi[0]) b.hi[0] = i;
        if (j < b.lo[1]) b.lo[1] = j;
        if (j > b.hi[1]) b.hi[1] = j;
        // k only grows in voxel order.
        b.hi[2] = k;
      }
  return new Map([...boxes].sort((a, b) => a[0] - b[0]));
}

export interface LabelSurface {
  polyData: PolyData;
  triangles: number;
}

/** The surface of `label` in LPS millimetres, or null when no voxel has the label. */
export function labelSurface(
  grid: LabelGrid,
  geometry: Pick<Geometry, 'originMm' | 'direction'>,
  label = 1,
  knownBox?: Box,
): LabelSurface | null {
  const box = knownBox ?? labelBox(grid, label);
  if (!box) return null;
  // One background voxel around the box closes the surface at the grid's faces as well.
  const lo = box.lo.map((l) => l - 1);
  const dims = [0, 1, 2].map((a) => box.hi[a]! - box.lo[a]! + 3);
  const [nx, ny] = grid.size;
  const crop = new Uint8Array(dims[0]! * dims[1]! * dims[2]!);
  for (let k = 1; k < dims[2]! - 1; k++)
    for (let j = 1; j < dims[1]! - 1; j++) {
      const src = lo[0]! + 1 + nx * (lo[1]! + j + ny * (lo[2]! + k));
      const dst = 1 + dims[0]! * (j + dims[1]! * k);
      for (let i = 0; i < dims[0]! - 2; i++) crop[dst + i] = grid.data[src + i] === label ? 1 : 0;
    }
  // Structural type: vtk.js's ImageData typings lose their base class under Node's resolution.
  const image = vtkImageData.newInstance() as unknown as {
    setDimensions(d: number[]): void;
    setSpacing(s: number[]): void;
    setOrigin(o: number[]): void;
    getPointData(): { setScalars(a: unknown): void };
    delete(): void;
  };
  image.setDimensions(dims);
  image.setSpacing([...grid.spacingMm]);
  image.setOrigin([0, 0, 0]);
  image.getPointData().setScalars(vtkDataArray.newInstance({ name: 'mask', numberOfComponents: 1, values: crop }));
  const mc = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: true, mergePoints: true });
  mc.setInputData(image);
  const polyData = mc.getOutputData();
  mc.delete();
  image.delete();
  const points = polyData.getPoints().getData();
  const normals = polyData.getPointData().getNormals()?.getData();
  const D = geometry.direction;
  const s = grid.spacingMm;
  // The crop's origin is voxel lo of the grid: its offset in mm along each voxel axis.
  const off = [lo[0]! * s[0], lo[1]! * s[1], lo[2]! * s[2]];
  for (let p = 0; p < points.length; p += 3) {
    const x = points[p]! + off[0]!;
    const y = points[p + 1]! + off[1]!;
    const z = points[p + 2]! + off[2]!;
    points[p] = geometry.originMm[0] + D[0] * x + D[1] * y + D[2] * z;
    points[p + 1] = geometry.originMm[1] + D[3] * x + D[4] * y + D[5] * z;
    points[p + 2] = geometry.originMm[2] + D[6] * x + D[7] * y + D[8] * z;
    if (normals) {
      const a = normals[p]!;
      const b = normals[p + 1]!;
      const c = normals[p + 2]!;
      normals[p] = D[0] * a + D[1] * b + D[2] * c;
      normals[p + 1] = D[3] * a + D[4] * b + D[5] * c;
      normals[p + 2] = D[6] * a + D[7] * b + D[8] * c;
    }
  }
  polyData.getPoints().modified();
  polyData.modified();
  return { polyData, triangles: polyData.getPolys().getNumberOfCells() };
}

/**
 * One surface per label value present in the grid (ascending value), each from the voxels of
 * that label only — touching labels give two surfaces meeting at their shared face, not one
 * surface around their union.
 */
export function labelSurfaces(
  grid: LabelGrid,
  geometry: Pick<Geometry, 'originMm' | 'direction'>,
): { label: number; surface: LabelSurface }[] {
  const out: { label: number; surface: LabelSurface }[] = [];
  for (const [label, box] of labelBoxes(grid)) {
    const surface = labelSurface(grid, geometry, label, box);
    if (surface) out.push({ label, surface });
  }
  return out;
}
