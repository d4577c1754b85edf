/**
 * The labelmap the editing tools work on: one byte per voxel on the series grid (volume.ts
 * order, i fastest: offset = i + nx·(j + ny·k)), 0 = background, 1…255 = labels. Every tool
 * changes it through an EditRecorder, which keeps only the voxels that changed (their value
 * before and after), so undo/redo stores diffs, never copies of the volume.
 */

export type Vec3 = [number, number, number];
/** The voxel axis held fixed by a 2D tool: 2 = k (axial slices of an axial acquisition). */
export type SliceAxis = 0 | 1 | 2;

export interface LabelGrid {
  size: Vec3;
  spacingMm: Vec3;
  data: Uint8Array;
}

/** Intensities on the same grid (for threshold-limited painting and region growing). */
export type Intensities = ArrayLike<number>;

export interface Edit {
  /** Changed voxel offsets, ascending. */
  indices: Uint32Array;
  before: Uint8Array;
  after: Uint8Array;
}

export function voxelCount(g: { size: Vec3 }): number {
  return g.size[0] * g.size[1] * g.size[2];
}

export function checkGrid(g: LabelGrid, image?: Intensities): void {
  if (g.data.length !== voxelCount(g))
    throw new Error(`labelmap has ${g.data.length} voxels, its grid ${g.size.join('×')} has ${voxelCount(g)}`);
  if (image && image.length !== g.data.length)
    throw new Error(`image has ${image.length} voxels, the labelmap ${g.data.length}: not the same grid`);
}

/** Collects the changes of one user action (a whole brush stroke, one fill) into one Edit. */
export class EditRecorder {
  private readonly before = new Map<number, number>();
  /** Net change of the number of labelled (non-zero) voxels, kept so views need not recount the volume. */
  labelledDelta = 0;
  constructor(readonly grid: LabelGrid) {}

  set(v: number, value: number): void {
    const d = this.grid.data;
    const old = d[v]!;
    if (old === value) return;
    if (!this.before.has(v)) this.before.set(v, old);
    if (old === 0) this.labelledDelta++;
    else if (value === 0) this.labelledDelta--;
    d[v] = value;
  }

  get changed(): number {
    return this.before.size;
  }

  /** The edit so far; voxels set back to their first value are dropped. */
  finish(): Edit {
    const d = this.grid.data;
    const keys = [...this.before.keys()].filter((v) => d[v] !== this.before.get(v)).sort((a, b) => a - b);
    const indices = new Uint32Array(keys);
    const before = new Uint8Array(keys.length);
    const after = new Uint8Array(keys.length);
    for (let n = 0; n < keys.length; n++) {
      before[n] = this.before.get(keys[n]!)!;
      after[n] = d[keys[n]!]!;
    }
    return { indices, before, after };
  }
}

/** Writes `after` (redo) or `before` (undo) of an edit into the labelmap; returns the change of labelled voxels. */
export function applyEdit(data: Uint8Array, edit: Edit, direction: 'undo' | 'redo'): number {
  const values = direction === 'undo' ? edit.before : edit.after;
  let delta = 0;
  for (let n = 0; n < edit.indices.length; n++) {
    const v = edit.indices[n]!;
    if (data[v] === 0 && values[n] !== 0) delta++;
    else if (data[v] !== 0 && values[n] === 0) delta--;
    data[v] = values[n]!;
  }
  return delta;
}

export function countLabel(data: Uint8Array, label?: number): number {
  let n = 0;
  for (let v = 0; v < data.length; v++) if (label === undefined ? data[v] !== 0 : data[v] === label) n++;
  return n;
}
