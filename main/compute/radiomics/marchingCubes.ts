/**
 * Marching-cubes surface of a binary mask, as PyRadiomics' C extension builds it (cshape.c):
 * the isosurface at 0.5 of the 0/1 mask, so every vertex lies at the midpoint of a cube edge.
 *
 * The triangle table is the classic one (W. Lorensen & H. Cline, SIGGRAPH 1987, in the public-
 * domain tabulation by C. Bloyd / P. Bourke, 1994), first 128 cases only: a cube index ≥ 128 is
 * complemented (the surface is the same, orientation reversed, so its volume term changes sign).
 * Corner c of a cube at (z, y, x) sits at (z, y, x) + corner offset c (listed below); edge e's vertex at
 * (z, y, x) + EDGE_MIDPOINTS[e] (both in (z, y, x) order, as PyRadiomics' numpy arrays).
 *
 * Surface area: Σ ½‖(p2 − p1) × (p3 − p1)‖. Volume: divergence theorem, Σ p1 · (p2 × p3) / 6
 * over the oriented triangles (a closed surface, so the origin does not matter).
 */

/**
 * Corner c of the cube, (dz, dy, dx): 0 (0,0,0), 1 (0,0,1), 2 (0,1,1), 3 (0,1,0), 4 (1,0,0),
 * 5 (1,0,1), 6 (1,1,1), 7 (1,1,0); bit c of the cube index is set when that corner is in the ROI.
 */
const EDGE_MIDPOINTS = [
  [0, 0, 0.5],
  [0, 0.5, 1],
  [0, 1, 0.5],
  [0, 0.5, 0],
  [1, 0, 0.5],
  [1, 0.5, 1],
  [1, 1, 0.5],
  [1, 0.5, 0],
  [0.5, 0, 0],
  [0.5, 0, 1],
  [0.5, 1, 1],
  [0.5, 1, 0],
] as const;

/** Triangles per cube index 0…127; each hex digit is an edge number, three per triangle. */
const TRIANGLES_HEX = [
  '',
  '083',
  '019',
  '183981',
  '12a',
  '08312a',
  '92a029',
  '2832a8a98',
  '3b2',
  '0b28b0',
  '19023b',
  '1b219b98b',
  '3a1ba3',
  '0a108a8ba',
  '3903b9ba9',
  '98aa8b',
  '478',
  '430734',
  '019847',
  '419471731',
  '12a847',
  '34730412a',
  '92a902847',
  '2a9297273794',
  '8473b2',
  'b47b24204',
  '90184723b',
  '47b94b9b2921',
  '3a13ba784',
  '1ba14b1047b4',
  '47890b9bab03',
  '47b4b99ba',
  '954',
  '954083',
  '054150',
  '854835315',
  '12a954',
  '30812a495',
  '52a542402',
  '2a5325354348',
  '95423b',
  '0b208b495',
  '05401523b',
  '21525828b485',
  'a3ba13954',
  '4950818a18ba',
  '54050b5bab03',
  '54858aa8b',
  '978579',
  '930953573',
  '078017157',
  '153357',
  '978957a12',
  'a12950530573',
  '802825857a52',
  '2a5253357',
  '7957893b2',
  '95797292027b',
  '23b018178157',
  'b21b17715',
  '958857a13a3b',
  '5705097b010aba0',
  'ba0b03a50807570',
  'ba57b5',
  'a65',
  '0835a6',
  '9015a6',
  '1831985a6',
  '165261',
  '165126308',
  '965906026',
  '598582526328',
  '23ba65',
  'b08b20a65',
  '01923b5a6',
  '5a61929b298b',
  '63b653513',
  '08b0b50515b6',
  '3b6036065059',
  '65969bb98',
  '5a6478',
  '43047365a',
  '1905a6847',
  'a65197173794',
  '612651478',
  '125526304347',
  '847905065026',
  '739794329596269',
  '3b2784a65',
  '5a647242027b',
  '01947823b5a6',
  '9219b294b7b45a6',
  '8473b53515b6',
  '51b5b610b7b404b',
  '059065036b63847',
  '65969b4797b9',
  'a4964a',
  '4a649a083',
  'a01a60640',
  '83181686461a',
  '149124264',
  '308129249264',
  '024426',
  '832824426',
  'a49a64b23',
  '08228b49a4a6',
  '3b201606461a',
  '64161a48121b8b1',
  '964936913b63',
  '8b1810b61914641',
  '3b6360064',
  '648b68',
  '7a678a89a',
  '0730a709a67a',
  'a671a7178180',
  'a67a71173',
  '126168189867',
  '269291679093739',
  '780706602',
  '732672',
  '23ba68a89867',
  '20727b09767a9a7',
  '1801781a767a23b',
  'b21b17a61671',
  '896867916b63136',
  '091b67',
  '7807063b0b60',
  '7b6',
];

/** Flat edge lists per case, with offsets: TRI_START[c] … TRI_START[c + 1]. */
const TRI_START = new Int32Array(129);
const TRI_EDGES = (() => {
  const all: number[] = [];
  TRIANGLES_HEX.forEach((row, c) => {
    TRI_START[c] = all.length;
    for (const ch of row) all.push(parseInt(ch, 16));
  });
  TRI_START[128] = all.length;
  return Int8Array.from(all);
})();

export interface MeshMeasures {
  surfaceAreaMm2: number;
  volumeMm3: number;
}

/**
 * Where each x row of a mask holds ROI voxels: first[r] … last[r] (x indices) for row r = j + ny·k,
 * first[r] = −1 for an empty row. Lets meshMeasures skip the cubes that touch no ROI voxel.
 */
export interface RowExtents {
  first: Int32Array;
  last: Int32Array;
}

/**
 * Surface area and enclosed volume of the mask's marching-cubes mesh. `mask` is x-fastest with
 * size (nx, ny, nz) and must be 0 on its outer faces (pad it by one voxel); spacing is (x, y, z).
 * With `rows` (the mask's RowExtents), only the cubes that can touch the ROI are visited: the
 * others are empty (index 0) and add nothing, so the sums are the same as a full scan's.
 */
export function meshMeasures(
  mask: Uint8Array,
  size: readonly number[],
  spacingXyz: readonly number[],
  rows?: RowExtents,
): MeshMeasures {
  const [nx, ny, nz] = size as [number, number, number];
  const sz = spacingXyz[2]!;
  const sy = spacingXyz[1]!;
  const sx = spacingXyz[0]!;
  const t = caseTables(sz, sy, sx);
  const nxy = nx * ny;
  let area = 0;
  let volume = 0;
  for (let k = 0; k < nz - 1; k++)
    for (let j = 0; j < ny - 1; j++) {
      // Cubes i = from … to − 1 of this row: all of them, or those whose x span [i, i + 1] meets the
      // ROI voxels of the four mask rows they touch.
      let from = 0;
      let to = nx - 1;
      if (rows) {
        let lo = nx;
        let hi = -1;
        // The rows (j, k), (j + 1, k), (j, k + 1) and (j + 1, k + 1): q's bits step j and k.
        for (let q = 0; q < 4; q++) {
          const r = j + (q & 1) + ny * (k + (q >> 1));
          if (rows.first[r]! < 0) continue;
          if (rows.first[r]! < lo) lo = rows.first[r]!;
          if (rows.last[r]! > hi) hi = rows.last[r]!;
        }
        if (hi < 0) continue;
        from = Math.max(0, lo - 1);
        to = Math.min(nx - 1, hi + 1);
      }
      const row = nx * (j + ny * k) + from;
      // Corners (dz, dy, dx) of the cube's x = i face; the x = i + 1 face becomes the next one's.
      let prev =
        (mask[row]! ? 1 : 0) | (mask[row + nx]! ? 8 : 0) | (mask[row + nxy]! ? 16 : 0) | (mask[row + nxy + nx]! ? 128 : 0);
      const z0 = k * sz;
      const y0 = j * sy;
      for (let i = from; i < to; i++) {
        const o = row - from + i + 1;
        const next = (mask[o]! ? 2 : 0) | (mask[o + nx]! ? 4 : 0) | (mask[o + nxy]! ? 32 : 0) | (mask[o + nxy + nx]! ? 64 : 0);
        let cube = prev | next;
        // Corner bits 0/3/4/7 sit at dx = 0 and 1/2/5/6 at dx = 1: shift the new face to dx = 0.
        prev = ((next & 2) >> 1) | ((next & 4) << 1) | ((next & 32) >> 1) | ((next & 64) << 1);
        if (cube === 0 || cube === 0xff) continue;
        let sign = 1;
        if (cube & 0x80) {
          cube ^= 0xff;
          sign = -1;
        }
        // Triangles of the cube at o: Σ (a+o)·((b+o)×(c+o)) = Σ a·(b×c) + o·Σ(a×b + b×c + c×a).
        area += t.area[cube]!;
        volume += sign * (t.det[cube]! + z0 * t.nz[cube]! + y0 * t.ny[cube]! + i * sx * t.nx[cube]!);
      }
    }
  return { surfaceAreaMm2: area, volumeMm3: Math.abs(volume) / 6 };
}

interface CaseTables {
  area: Float64Array;
  det: Float64Array;
  nz: Float64Array;
  ny: Float64Array;
  nx: Float64Array;
}

let cachedTables: { key: string; tables: CaseTables } | null = null;

/**
 * Per cube case (0…127), for a cube at the origin in mm: the triangles' total area, Σ a·(b × c),
 * and Σ (a × b + b × c + c × a), which give any translated cube's signed volume term.
 */
function caseTables(sz: number, sy: number, sx: number): CaseTables {
  const key = `${sz},${sy},${sx}`;
  if (cachedTables?.key === key) return cachedTables.tables;
  const ev = EDGE_MIDPOINTS.map(([z, y, x]) => [z * sz, y * sy, x * sx] as const);
  const tables: CaseTables = {
    area: new Float64Array(128),
    det: new Float64Array(128),
    nz: new Float64Array(128),
    ny: new Float64Array(128),
    nx: new Float64Array(128),
  };
  const cross = (p: readonly number[], q: readonly number[]) => [
    p[1]! * q[2]! - p[2]! * q[1]!,
    p[2]! * q[0]! - p[0]! * q[2]!,
    p[0]! * q[1]! - p[1]! * q[0]!,
  ];
  for (let cube = 1; cube < 128; cube++) {
    for (let t = TRI_START[cube]!; t < TRI_START[cube + 1]!; t += 3) {
      const a = ev[TRI_EDGES[t]!]!;
      const b = ev[TRI_EDGES[t + 1]!]!;
      const c = ev[TRI_EDGES[t + 2]!]!;
      const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
      const n = cross(u, v);
      tables.area[cube]! += 0.5 * Math.sqrt(n[0]! * n[0]! + n[1]! * n[1]! + n[2]! * n[2]!);
      const bc = cross(b, c);
      tables.det[cube]! += a[0] * bc[0]! + a[1] * bc[1]! + a[2] * bc[2]!;
      const ab = cross(a, b);
      const ca = cross(c, a);
      tables.nz[cube]! += ab[0]! + bc[0]! + ca[0]!;
      tables.ny[cube]! += ab[1]! + bc[1]! + ca[1]!;
      tables.nx[cube]! += ab[2]! + bc[2]! + ca[2]!;
    }
  }
  cachedTables = { key, tables };
  return tables;
}
