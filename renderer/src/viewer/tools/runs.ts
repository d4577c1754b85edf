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

/**
 * The first index ≥ `v` where `mask` is not zero (mask.length if none): whole zero words are
 * skipped four voxels at a time, since a labelmap is mostly background (autosave encodes the
 * whole volume, 42 M voxels for 512×512×160, on the page's thread).
 */
function nextNonZero(mask: Uint8Array, words: Uint32Array | null, v: number): number {
  const n = mask.length;
  while (v < n && (v & 3) !== 0 && mask[v] === 0) v++;
  if (words && v < n && (v & 3) === 0 && mask[v] === 0) {
    let w = v >>> 2;
    while (w < words.length && words[w] === 0) w++;
    v = w << 2;
  }
  while (v < n && mask[v] === 0) v++;
  return v;
}

/** Four-byte words over `mask` when its offset allows (else null: bytes only). */
function wordsOf(mask: Uint8Array): Uint32Array | null {
  return mask.byteOffset % 4 === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >>> 2) : null;
}

/**
 * Runs and label values of a labelmap (several labels): as runsOf, with an empty background
 * run between touching labels and one value per labelled run (labelRuns in maskCodec.ts).
 */
export function labelRunsOf(mask: Uint8Array): { runs: number[]; values: number[] } {
  const runs: number[] = [];
  const values: number[] = [];
  const n = mask.length;
  const words = wordsOf(mask);
  let start = 0;
  let v = 0;
  for (;;) {
    // Background from `start`: find the next labelled voxel.
    v = nextNonZero(mask, words, v);
    runs.push(v - start);
    start = v;
    if (v >= n) break;
    // Labelled runs from v, possibly several labels touching.
    for (;;) {
      const l = mask[v]!;
      values.push(l);
      while (v < n && mask[v] === l) v++;
      runs.push(v - start);
      start = v;
      if (v >= n || mask[v] === 0) break;
      runs.push(0);
    }
    if (v >= n) break;
  }
  return { runs, values };
}

/** Inverse of labelRunsOf; without `values` every labelled run is label 1 (as maskOfRuns). */
export function maskOfLabelRuns(
  runs: readonly number[],
  values: readonly number[] | undefined,
  length: number,
  what: string,
): Uint8Array {
  if (!values) return maskOfRuns(runs, length, what);
  if (values.length !== Math.floor(runs.length / 2))
    throw new Error(`${what} has ${values.length} label values for ${Math.floor(runs.length / 2)} labelled runs.`);
  const total = runs.reduce((a, b) => a + b, 0);
  if (total !== length)
    throw new Error(`${what} covers ${total} voxels, the series grid has ${length}: it belongs to another grid.`);
  const out = new Uint8Array(length);
  let v = 0;
  for (let r = 0; r < runs.length; r++) {
    if (r % 2 === 1) out.fill(values[(r - 1) / 2]!, v, v + runs[r]!);
    v += runs[r]!;
  }
  return out;
}
