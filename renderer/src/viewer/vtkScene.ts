/**
 * vtk.js objects shared by every view of one volume: the image and labelmap as vtkImageData
 * with the series geometry (origin, spacing, LPS direction), wrapping the typed arrays the
 * stores hold (no copies). A view adds its own mappers and actors on top.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import type { LoadedVolume } from '../stores/viewer.js';
import type { LabelGrid } from './tools/grid.js';
import { vtkDirection } from './orientation.js';

type ImageData = ReturnType<typeof vtkImageData.newInstance>;

const images = new WeakMap<object, ImageData>();

function wrap(volume: LoadedVolume, values: LoadedVolume['data'] | Uint8Array, name: string): ImageData {
  const image = vtkImageData.newInstance();
  image.setDimensions([...volume.geometry.size]);
  image.setSpacing([...volume.geometry.spacingMm]);
  image.setOrigin([...volume.geometry.originMm]);
  // vtk.js copies the nine values into its own Float64Array; the cast only satisfies its mat3 typing.
  image.setDirection(Float64Array.from(vtkDirection(volume.geometry)) as unknown as Float32Array);
  image.getPointData().setScalars(vtkDataArray.newInstance({ name, numberOfComponents: 1, values }));
  return image;
}

export function imageDataOf(volume: LoadedVolume): ImageData {
  let image = images.get(volume);
  if (!image) {
    image = wrap(volume, volume.data, 'intensity');
    images.set(volume, image);
  }
  return image;
}

export function labelDataOf(volume: LoadedVolume, grid: LabelGrid): ImageData {
  let image = images.get(grid);
  if (!image) {
    image = wrap(volume, grid.data, 'label');
    images.set(grid, image);
  }
  return image;
}

/** After the labelmap's voxels changed: the mappers re-upload the slice they show. */
export function labelChanged(image: ImageData): void {
  image.getPointData().getScalars().modified();
  image.modified();
}
