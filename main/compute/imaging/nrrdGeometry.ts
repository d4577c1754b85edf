/**
 * NRRD per-axis geometry → Volume geometry (size, spacing, origin, direction in LPS).
 *
 * Definition: Teem NRRD format, "space directions", "space origin", "kinds", "spacings",
 * "space" (http://teem.sourceforge.net/nrrd/format.html).
 */
import { ImageFormatError } from './imageFormatError.js';
import type { NrrdHeader } from './nrrdHeader.js';
import { parseNrrdNumber, parseVectors, splitWords } from './nrrdHeader.js';
import type { Mat3, Vec3, Volume } from './volume.js';

export interface NrrdSpatialGeometry {
  size: Vec3;
  spacingMm: Vec3;
  originMm: Vec3;
  direction: Mat3;
  componentAxis: number | undefined;
}

/** Kinds that describe samples of space or time; every other kind is a component axis. */
const DOMAIN_KINDS = new Set(['domain', 'space', 'time', '???', 'none']);

/** Space names and the signs that take their coordinates to LPS. */
const SPACE_TO_LPS: Record<string, Vec3> = {
  'left-posterior-superior': [1, 1, 1],
  lps: [1, 1, 1],
  'right-anterior-superior': [-1, -1, 1],
  ras: [-1, -1, 1],
  'left-anterior-superior': [1, -1, 1],
  las: [1, -1, 1],
  // Scanner and generic right-handed spaces are taken as LPS, as ITK does.
  'scanner-xyz': [1, 1, 1],
  '3d-right-handed': [1, 1, 1],
};

export function spatialGeometry(
  header: NrrdHeader,
  sizes: readonly number[],
  kinds: readonly string[] | undefined,
  src: string | undefined,
): NrrdSpatialGeometry {
  const f = header.fields;
  const dim = sizes.length;
  const space = f.space?.toLowerCase();
  let spaceDim: number | undefined;
  if (space !== undefined) {
    if (!(space in SPACE_TO_LPS)) {
      throw new ImageFormatError(src, `NRRD "space: ${f.space}" is not supported (use an LPS, RAS or LAS 3D space)`);
    }
    spaceDim = 3;
  }
  if (f['space dimension'] !== undefined) {
    spaceDim = Number(f['space dimension']);
    if (!(spaceDim >= 1 && spaceDim <= 3)) {
      throw new ImageFormatError(src, `NRRD "space dimension: ${f['space dimension']}" is not supported (1 to 3 only)`);
    }
  }

  // Which axes are spatial: `none` in space directions marks a non-spatial axis; without
  // space directions, the kinds decide.
  let directions: (number[] | null)[] | undefined;
  if (f['space directions'] !== undefined) {
    if (spaceDim === undefined) {
      throw new ImageFormatError(src, 'NRRD has "space directions" but neither "space" nor "space dimension"');
    }
    directions = parseVectors(f['space directions'], 'space directions', src, spaceDim);
    if (directions.length !== dim) {
      throw new ImageFormatError(src, `NRRD "space directions" lists ${directions.length} axes but "dimension" is ${dim}`);
    }
  }
  const spatial: number[] = [];
  const other: number[] = [];
  for (let a = 0; a < dim; a++) {
    const isSpatial = directions ? directions[a] !== null : kinds ? DOMAIN_KINDS.has(kinds[a]!.toLowerCase()) : true;
    (isSpatial ? spatial : other).push(a);
  }
  // A 4D file with four domain axes and no directions (e.g. a time series) keeps the slowest
  // axis as components.
  if (!directions && spatial.length === 4 && other.length === 0) other.push(spatial.pop()!);
  const nonTrivialOther = other.filter((a) => sizes[a]! > 1);
  if (spatial.length > 3 || spatial.length === 0 || nonTrivialOther.length > 1) {
    throw new ImageFormatError(
      src,
      `NRRD has ${spatial.length} spatial and ${other.length} non-spatial axes (sizes ${sizes.join(' ')}); RadStudy reads 1–3 spatial axes and at most one list/vector axis`,
    );
  }
  const componentAxis = nonTrivialOther[0] ?? (other.length === 1 ? other[0] : undefined);

  const size: Vec3 = [1, 1, 1];
  const spacing: Vec3 = [1, 1, 1];
  const columns: Vec3[] = [];
  const spacings = f.spacings !== undefined ? splitWords(f.spacings).map((w) => parseNrrdNumber(w, 'spacings', src)) : undefined;
  spatial.forEach((axis, c) => {
    size[c] = sizes[axis]!;
    if (directions) {
      const v = directions[axis]!;
      const vec: Vec3 = [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0];
      const norm = Math.hypot(vec[0], vec[1], vec[2]);
      if (!(norm > 0) || !Number.isFinite(norm)) {
        throw new ImageFormatError(src, `NRRD "space directions" vector of axis ${axis} is zero or not finite`);
      }
      spacing[c] = norm;
      columns.push([vec[0] / norm, vec[1] / norm, vec[2] / norm]);
    } else {
      // Old-style per-axis spacing; NaN means unknown (spec) and is read as 1 mm.
      const s = spacings?.[axis];
      const unit: Vec3 = [c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0];
      if (s !== undefined && Number.isFinite(s) && s !== 0) {
        spacing[c] = Math.abs(s);
        if (s < 0) unit[c] = -1;
      }
      columns.push(unit);
    }
  });
  completeBasis(columns, src);
  // prettier-ignore
  const direction: Mat3 = [
    columns[0]![0], columns[1]![0], columns[2]![0],
    columns[0]![1], columns[1]![1], columns[2]![1],
    columns[0]![2], columns[1]![2], columns[2]![2],
  ];
  let origin: Vec3 = [0, 0, 0];
  if (f['space origin'] !== undefined) {
    const o = parseVectors(f['space origin'], 'space origin', src, spaceDim)[0];
    if (!o) throw new ImageFormatError(src, `NRRD "space origin: ${f['space origin']}" is not a vector`);
    if (o.some((x) => !Number.isFinite(x))) {
      throw new ImageFormatError(src, `NRRD "space origin: ${f['space origin']}" is not finite`);
    }
    origin = [o[0] ?? 0, o[1] ?? 0, o[2] ?? 0];
  }
  return { size, spacingMm: spacing, originMm: origin, direction, componentAxis };
}

/**
 * Fills missing direction columns for 1D/2D images with unit vectors orthogonal to the given
 * ones (right-handed), so that the Volume always has a full 3×3 direction.
 */
function completeBasis(columns: Vec3[], src: string | undefined): void {
  if (columns.length === 1) {
    const a = columns[0]!;
    // Pick the coordinate axis least aligned with a, then orthogonalise.
    const m = Math.abs(a[0]) <= Math.abs(a[1]) && Math.abs(a[0]) <= Math.abs(a[2]) ? 0 : Math.abs(a[1]) <= Math.abs(a[2]) ? 1 : 2;
    const e: Vec3 = [m === 0 ? 1 : 0, m === 1 ? 1 : 0, m === 2 ? 1 : 0];
    const dot = a[0] * e[0] + a[1] * e[1] + a[2] * e[2];
    const b: Vec3 = [e[0] - dot * a[0], e[1] - dot * a[1], e[2] - dot * a[2]];
    const n = Math.hypot(...b);
    columns.push([b[0] / n, b[1] / n, b[2] / n]);
  }
  if (columns.length === 2) {
    const [a, b] = columns as [Vec3, Vec3];
    const c: Vec3 = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    const n = Math.hypot(...c);
    if (!(n > 1e-12)) throw new ImageFormatError(src, 'NRRD "space directions" of the two spatial axes are parallel');
    columns.push([c[0] / n, c[1] / n, c[2] / n]);
  }
}

/** Converts a volume read in the file's `space` to LPS, in place (negates x and/or y). */
export function toVolumeSpace(volume: Volume, space: string | undefined, src: string | undefined): void {
  if (space === undefined) return;
  const signs = SPACE_TO_LPS[space.toLowerCase()];
  if (!signs) throw new ImageFormatError(src, `NRRD "space: ${space}" is not supported`);
  const d = volume.direction;
  for (let r = 0; r < 3; r++) {
    volume.originMm[r] = signs[r]! * volume.originMm[r]!;
    for (let c = 0; c < 3; c++) d[3 * r + c] = signs[r]! * d[3 * r + c]! + 0; // +0 avoids -0
  }
  volume.originMm[0] += 0;
  volume.originMm[1] += 0;
}
