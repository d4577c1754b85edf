/**
 * Undo/redo of labelmap edits. Each step is a diff (api: grid.ts Edit), so 100 steps of brush
 * strokes on a 512×512×160 volume cost kilobytes, not 100 copies of 42 MB.
 */
import { applyEdit, type Edit } from './grid.js';

export const DEFAULT_UNDO_STEPS = 100;

export class EditHistory {
  private done: Edit[] = [];
  private undone: Edit[] = [];

  constructor(readonly capacity = DEFAULT_UNDO_STEPS) {
    if (capacity < 1) throw new Error('undo history needs room for at least one step');
  }

  /** Records an applied edit (empty edits are not a step); clears the redo stack. */
  push(edit: Edit): boolean {
    if (edit.indices.length === 0) return false;
    this.done.push(edit);
    if (this.done.length > this.capacity) this.done.shift();
    this.undone = [];
    return true;
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  get undoSteps(): number {
    return this.done.length;
  }

  /** Reverts the last edit in `data`; returns it with the change of labelled voxels, or null. */
  undo(data: Uint8Array): { edit: Edit; labelledDelta: number } | null {
    const e = this.done.pop();
    if (!e) return null;
    const labelledDelta = applyEdit(data, e, 'undo');
    this.undone.push(e);
    return { edit: e, labelledDelta };
  }

  redo(data: Uint8Array): { edit: Edit; labelledDelta: number } | null {
    const e = this.undone.pop();
    if (!e) return null;
    const labelledDelta = applyEdit(data, e, 'redo');
    this.done.push(e);
    return { edit: e, labelledDelta };
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }

  /** Bytes held by the history (indices + before + after of every step). */
  get bytes(): number {
    let n = 0;
    for (const e of [...this.done, ...this.undone]) n += e.indices.byteLength + e.before.byteLength + e.after.byteLength;
    return n;
  }
}
