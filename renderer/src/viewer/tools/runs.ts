/**
 * Run lengths of a binary mask in voxel order, background first: the form masks cross the API
 * in (segmentation.mask, segmentation.save), the same as maskRuns in compute/imaging/maskCodec.ts.
 */
export function runsOf(mask: Uint8Array): number[] {
  const runs: number[] = [];
  let current = 0;
  let run = 0;
  for (let v = 0; v < mask.length; v++) {
    const bit = mask[v] !== 0 ? 1 : 0;
    if (bit === current) run++;
    else {
      runs.push(run);
      current = bit;
      run = 1;
    }
  }
  runs.push(run);
  return runs;
}

export function maskOfRuns(runs: readonly number[], length: number, what: string): Uint8Array {
  const out = new Uint8Array(length);
  let v = 0;
  for (let r = 0; r < runs.length; r++) {
    if (v + runs[r]! > length) break;
    if (r % 2 === 1) out.fill(1, v, v + runs[r]!);
    v += runs[r]!;
  }
  const total = runs.reduce((a, b) => a + b, 0);
  if (total !== length)
    throw new Error(`${what} covers ${total} voxels, the series grid has ${length}: it belongs to another grid.`);
  return out;
}
