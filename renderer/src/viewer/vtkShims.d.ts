// vtk.js 37 ships no typings for its marching-cubes filter: the part labelSurface.ts uses. The
// output is typed structurally (vtk.js's own PolyData typings do not resolve under Node's
// module resolution, which the unit tests' type check uses).
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes.js' {
  export interface MarchingCubesOutput {
    getPoints(): { getData(): Float32Array; modified(): void };
    getPointData(): { getNormals(): { getData(): Float32Array } | null };
    getPolys(): { getNumberOfCells(): number };
    modified(): void;
  }
  interface vtkImageMarchingCubes {
    setInputData(image: unknown): void;
    getOutputData(): MarchingCubesOutput;
    delete(): void;
  }
  const factory: {
    newInstance(initial?: { contourValue?: number; computeNormals?: boolean; mergePoints?: boolean }): vtkImageMarchingCubes;
  };
  export default factory;
}
