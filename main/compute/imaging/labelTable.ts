/**
 * Label tables of imported labelmaps: which voxel values of a file are labels, their default
 * names and colours, and colour conversions (Slicer RGB 0…1, DICOM CIELab).
 *
 * The rule for a labelmap read without a chosen label (docs/segmentation.md, "Labels"):
 * - exactly one distinct non-zero value (a binary mask stored as 0/1, 0/255 or 0/1.0) → label 1;
 * - several distinct non-zero values, all integers 1…255 → those values are the labels;
 * - anything else (negative, fractional or above 255, e.g. a probability map) is refused.
 */
import { ImageFormatError } from './imageFormatError.js';
import type { Vec3, Volume } from './volume.js';
import { voxelCount } from './volume.js';

export interface ImportedLabel {
  value: number;
  name: string;
  /** #rrggbb */
  colour: string;
}

/**
 * RGB (0…255) of labels 1…n, the same palette as the viewer's overlay
 * (renderer/src/viewer/labelOverlay.ts; test/unit/imaging/labelImport.test.ts checks they agree).
 */
const PALETTE: readonly Vec3[] = [
  [255, 64, 51],
  [64, 200, 90],
  [70, 130, 255],
  [255, 200, 40],
  [200, 80, 255],
  [40, 220, 220],
];

export function hexOf(rgb: readonly number[]): string {
  return `#${rgb
    .map((x) =>
      Math.max(0, Math.min(255, Math.round(x)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** The palette colour of label `value` (1-based, cycling). */
export function paletteColour(value: number): string {
  return hexOf(PALETTE[(value - 1) % PALETTE.length]!);
}

export function defaultLabel(value: number): ImportedLabel {
  return { value, name: `Label ${value}`, colour: paletteColour(value) };
}

/** Slicer's `Segment<N>_Color` (RGB 0…1) as #rrggbb. */
export function hexOfUnitRgb(c: Vec3): string {
  return hexOf([c[0] * 255, c[1] * 255, c[2] * 255]);
}

/**
 * DICOM RecommendedDisplayCIELabValue (0062,000D): L*, a*, b* scaled to 0…65535 (PS3.3 C.10.7.1.1:
 * L* = v₀·100/65535, a* = v₁·255/65535 − 128, b* likewise), with the D50 white of the ICC
 * profile connection space. CIELab → XYZ (CIE 15:2004 §8.2.1 inverse), XYZ(D50) → linear sRGB by
 * the Bradford-adapted matrix (Lindbloom, "RGB/XYZ Matrices", sRGB D50), then the sRGB transfer
 * curve (IEC 61966-2-1). Out-of-gamut components are clipped.
 */
export function hexOfDicomLab(v: readonly number[]): string {
  const L = (v[0]! * 100) / 65535;
  const a = (v[1]! * 255) / 65535 - 128;
  const b = (v[2]! * 255) / 65535 - 128;
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const eps = 6 / 29;
  const finv = (t: number): number => (t > eps ? t * t * t : 3 * eps * eps * (t - 4 / 29));
  const X = 0.96422 * finv(fx);
  const Y = 1.0 * finv(fy);
  const Z = 0.82521 * finv(fz);
  const lin = [
    3.1338561 * X - 1.6168667 * Y - 0.4906146 * Z,
    -0.9787684 * X + 1.9161415 * Y + 0.033454 * Z,
    0.0719453 * X - 0.2289914 * Y + 1.4052427 * Z,
  ];
  const gamma = (c: number): number => {
    const x = Math.max(0, Math.min(1, c));
    return x <= 0.0031308 ? 12.92 * x : 1.055 * Math.pow(x, 1 / 2.4) - 0.055;
  };
  return hexOf(lin.map((c) => gamma(c) * 255));
}

/** Distinct non-zero values of the first component, in ascending order; stops after `limit` + 1 values. */
export function distinctNonZero(v: Volume, limit = 255): number[] {
  const nc = v.components ?? 1;
  const n = voxelCount(v);
  const d = v.data;
  const seen = new Set<number>();
  for (let i = 0, p = 0; i < n; i++, p += nc) {
    const x = d[p]!;
    if (x !== 0 && !seen.has(x)) {
      seen.add(x);
      if (seen.size > limit) break;
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/**
 * The labels of a labelmap read without a chosen label (rule above): the output mask (voxel
 * values 0…255) and the label table. `values` are distinctNonZero(v).
 */
export function labelmapLabels(
  v: Volume,
  values: readonly number[],
  source: string,
): { mask: Uint8Array; labels: ImportedLabel[]; binary: boolean } {
  const nc = v.components ?? 1;
  const n = voxelCount(v);
  const d = v.data;
  const out = new Uint8Array(n);
  if (values.length <= 1) {
    for (let i = 0, p = 0; i < n; i++, p += nc) out[i] = d[p] !== 0 ? 1 : 0;
    return { mask: out, labels: [], binary: true };
  }
  const bad = values.filter((x) => !Number.isInteger(x) || x < 1 || x > 255);
  if (values.length > 255 || bad.length > 0) {
    const shown = (values.length > 255 ? values.slice(0, 5) : bad.slice(0, 5)).map((x) => +x.toPrecision(6)).join(', ');
    throw new ImageFormatError(
      source,
      values.length > 255
        ? `holds more than 255 distinct non-zero values (${shown}, …); it is not a labelmap. Choose one value with --label N, or threshold it into a mask first`
        : `holds ${values.length} distinct non-zero values, some of which (${shown}) are not label values 1…255; it is not a labelmap. Choose one value with --label N, or threshold it into a mask first`,
    );
  }
  for (let i = 0, p = 0; i < n; i++, p += nc) out[i] = d[p]!;
  return { mask: out, labels: values.map(defaultLabel), binary: false };
}

/**
 * The table with names made storable (api/segmentation.ts SegmentLabelsSchema): trimmed, at most
 * 60 characters, never blank ("Label n"), distinct ignoring case (a repeat gets " (value)").
 */
export function storableLabels(labels: readonly ImportedLabel[]): ImportedLabel[] {
  const used = new Set<string>();
  return labels.map((l) => {
    let name = l.name.trim().slice(0, 60).trim();
    if (name.length === 0) name = `Label ${l.value}`;
    if (used.has(name.toLowerCase())) name = `${name.slice(0, 60 - ` (${l.value})`.length)} (${l.value})`;
    used.add(name.toLowerCase());
    return { value: l.value, name, colour: l.colour };
  });
}

/** #rrggbb → RGB 0…255. */
export function colourOfHex(hex: string): Vec3 {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`"${hex}" is not a colour of the form #rrggbb.`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}
