/**
 * The label table of a labelmap: default names and colours, the next free value, validation
 * (values 1…255 distinct, names non-blank and distinct, colours #rrggbb) and the voxel value →
 * RGB table the overlay draws with.
 */
import type { SegmentLabel } from '../../../main/api/segmentation.js';
import { labelColour } from './labelOverlay.js';

export function hexOfColour(c: readonly [number, number, number]): string {
  return `#${c
    .map((x) =>
      Math.max(0, Math.min(255, Math.round(x)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

export function colourOfHex(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`"${hex}" is not a colour of the form #rrggbb.`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** "Label n" with the overlay palette's colour for n. */
export function defaultLabel(value: number): SegmentLabel {
  return { value, name: `Label ${value}`, colour: hexOfColour(labelColour(value)) };
}

/** The smallest value 1…255 not in the table. */
export function nextLabel(labels: readonly SegmentLabel[]): number {
  const used = new Set(labels.map((l) => l.value));
  for (let v = 1; v <= 255; v++) if (!used.has(v)) return v;
  throw new Error('All 255 label values are in use.');
}

/** Throws a message naming the offending label when the table is not valid. */
export function validateLabels(labels: readonly SegmentLabel[]): void {
  const values = new Set<number>();
  const names = new Set<string>();
  for (const l of labels) {
    if (!Number.isInteger(l.value) || l.value < 1 || l.value > 255)
      throw new Error(`Label "${l.name}": value ${l.value} is not an integer 1…255.`);
    if (values.has(l.value)) throw new Error(`Two labels have value ${l.value}.`);
    values.add(l.value);
    const name = l.name.trim();
    if (name.length === 0) throw new Error(`Label ${l.value}: the name is blank.`);
    if (name.length > 60) throw new Error(`Label ${l.value}: the name is longer than 60 characters.`);
    if (names.has(name.toLowerCase())) throw new Error(`Two labels are named "${name}".`);
    names.add(name.toLowerCase());
    colourOfHex(l.colour);
  }
}

/** RGB of voxel values 0…255 (3 bytes each); values not in the table get the palette colour. */
export function labelColourTable(labels: readonly SegmentLabel[]): Uint8Array {
  const t = new Uint8Array(256 * 3);
  for (let v = 1; v < 256; v++) t.set(labelColour(v), 3 * v);
  for (const l of labels) t.set(colourOfHex(l.colour), 3 * l.value);
  return t;
}
