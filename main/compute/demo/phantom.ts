/**
 * A synthetic prone bilateral breast phantom on one patient's image grid: two half-ellipsoid
 * breasts in front of the chest wall (fat with fibroglandular tissue of patient-specific
 * density and texture), presternal fat, pectoralis muscle and lung, and the patient's lesions
 * as soft-edged lobulated (optionally spiculated, necrotic) masses with peritumoral edema.
 *
 * Coordinates are LPS millimetres (volume.ts); axial slices with i → left, j → posterior,
 * k → superior, so the breasts point towards j = 0 (anterior).
 */
import type { Geometry, Vec3 } from '../imaging/volume.js';
import type { DemoLesion, DemoPatient } from './clinical.js';
import type { DemoCenter } from './centers.js';
import { valueNoise } from './fields.js';
import { Rng, clamp } from './random.js';

/** A lesion's placed shape: centre, radius, lobulation bumps and spicules. */
export interface LesionShape {
  centerMm: Vec3;
  radiusMm: number;
  aspect: Vec3;
  /** Unit vectors and weights of the lobulation bumps. */
  bumps: Float64Array;
  lobulation: number;
  /** Per spicule: unit direction (3), length mm, base radius mm, start radius mm (SPICULE_STRIDE values). */
  spicules: Float64Array;
  necrosis: number;
  edema: boolean;
}

/** Tissue fractions and lesion fields per voxel (all of length nx·ny·nz). */
export interface Phantom {
  geometry: Geometry;
  fat: Float32Array;
  fgt: Float32Array;
  muscle: Float32Array;
  lung: Float32Array;
  /** Lesion occupancy 0–1 (solid + necrotic) and which lesion (index + 1; 0 none). */
  lesion: Float32Array;
  lesionId: Uint8Array;
  necrosis: Float32Array;
  edema: Float32Array;
  /** Relative radial position inside the lesion (0 centre, 1 boundary), for rim enhancement. */
  radial: Float32Array;
  /** Zero-mean unit-SD texture fields (coarse and fine). */
  texture: Float32Array;
  textureFine: Float32Array;
  /** Multiplicative coil sensitivity (bias field). */
  bias: Float32Array;
  shapes: LesionShape[];
}

const BUMPS = 7;
export const SPICULE_STRIDE = 6;
/** Width of lobulation bumps on the unit sphere: exp(κ (u·b − 1)). */
const KAPPA = 4;

/** The patient's grid: the center's matrix and spacing, positioned with a small patient shift. */
export function patientGeometry(center: DemoCenter, rng: Rng): Geometry {
  const [nx, ny, nz] = center.size;
  const [sx, sy, sz] = center.spacingMm;
  return {
    size: [nx, ny, nz],
    spacingMm: [sx, sy, sz],
    // Chest wall near y = 0; the field of view extends ~70 % anterior of it.
    originMm: [
      Math.round((-((nx - 1) * sx) / 2 + rng.range(-4, 4)) * 100) / 100,
      Math.round((-0.72 * (ny - 1) * sy + rng.range(-3, 3)) * 100) / 100,
      Math.round((-((nz - 1) * sz) / 2 + rng.range(-5, 5)) * 100) / 100,
    ],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  };
}

interface BreastParams {
  centerX: number;
  halfWidth: number;
  depth: number;
  halfHeight: number;
}

function breasts(patient: DemoPatient, rng: Rng, g: Geometry): [BreastParams, BreastParams] {
  const s = patient.breastSize;
  const fovDepth = 0.72 * (g.size[1] - 1) * g.spacingMm[1];
  const make = (sign: number): BreastParams => ({
    centerX: sign * rng.range(72, 88),
    halfWidth: 62 * s * rng.range(0.95, 1.05),
    depth: Math.min(fovDepth - 8, 85 * s * rng.range(0.92, 1.08)),
    halfHeight: 75 * s,
  });
  // LPS: +x is the patient's left.
  return [make(1), make(-1)];
}

/** Shape of one lesion placed in its breast. */
function placeLesion(lesion: DemoLesion, b: BreastParams, g: Geometry, rng: Rng): LesionShape {
  const p = lesion.phenotype;
  const radiusMm = lesion.sizeMm / 2;
  const zMid = g.originMm[2] + ((g.size[2] - 1) * g.spacingMm[2]) / 2;
  const zRoom = Math.max(0, ((g.size[2] - 1) * g.spacingMm[2]) / 2 - 0.8 * radiusMm);
  const x = b.centerX + p.position[0] * 0.55 * b.halfWidth;
  const yMin = -b.depth + radiusMm + 4;
  const yMax = -radiusMm - 6;
  const y = yMin < yMax ? yMax - p.position[1] * (yMax - yMin) : (yMin + yMax) / 2;
  const z = zMid + clamp(p.position[2] * 30, -zRoom, zRoom);
  const bumps = new Float64Array(BUMPS * 4);
  for (let k = 0; k < BUMPS; k++) {
    const [ux, uy, uz] = randomUnit(rng);
    bumps.set([ux, uy, uz, rng.normal()], 4 * k);
  }
  const spicules = new Float64Array(p.spicules * SPICULE_STRIDE);
  for (let k = 0; k < p.spicules; k++) {
    const [ux, uy, uz] = randomUnit(rng);
    spicules.set([ux, uy, uz, p.spiculeLength * radiusMm * rng.range(0.6, 1.3), rng.range(0.8, 1.3), 0], SPICULE_STRIDE * k);
  }
  const shape: LesionShape = {
    centerMm: [x, y, z],
    radiusMm,
    aspect: p.aspect,
    bumps,
    lobulation: p.lobulation,
    spicules,
    necrosis: p.necrosis,
    edema: lesion.edema,
  };
  setSpiculeStarts(shape);
  return shape;
}

function randomUnit(rng: Rng): Vec3 {
  for (;;) {
    const x = rng.range(-1, 1);
    const y = rng.range(-1, 1);
    const z = rng.range(-1, 1);
    const r = Math.hypot(x, y, z);
    if (r > 0.1 && r <= 1) return [x / r, y / r, z / r];
  }
}

/** Caches where each spicule leaves the body (depends on the bumps, so call after changing them). */
export function setSpiculeStarts(s: LesionShape): void {
  const sp = s.spicules;
  for (let k = 0; k < sp.length; k += SPICULE_STRIDE) sp[k + 5] = boundaryRadius(s, sp[k]!, sp[k + 1]!, sp[k + 2]!) * 0.85;
}

/** Distances of the last shapeOccupancy call: scaled radius r of the point and boundary radius R there. */
export const lastShapeDistances = { r: 0, R: 0 };

/** Mean of exp(κ(u·b − 1)) over the unit sphere, subtracted so lobulation keeps the mean radius. */
const BUMP_MEAN = (1 - Math.exp(-2 * KAPPA)) / (2 * KAPPA);

/** Boundary radius (mm) of a shape in unit direction (ux, uy, uz), with optional extra bumps. */
export function boundaryRadius(s: LesionShape, ux: number, uy: number, uz: number): number {
  let sum = 0;
  const b = s.bumps;
  for (let k = 0; k < b.length; k += 4)
    sum += b[k + 3]! * (Math.exp(KAPPA * (ux * b[k]! + uy * b[k + 1]! + uz * b[k + 2]! - 1)) - BUMP_MEAN);
  return s.radiusMm * Math.max(0.45, 1 + s.lobulation * sum);
}

/**
 * Occupancy (0–1) of a shape at point d (mm from its centre), with a linear partial-volume ramp
 * of width `rampMm`; `scale` and `extra` let readers draw a slightly different boundary;
 * `spiculeReach` is the drawn fraction of each spicule's length.
 */
export function shapeOccupancy(
  s: LesionShape,
  dx: number,
  dy: number,
  dz: number,
  rampMm: number,
  scale = 1,
  spiculeReach = 1,
): number {
  const ex = dx / s.aspect[0];
  const ey = dy / s.aspect[1];
  const ez = dz / s.aspect[2];
  const r = Math.sqrt(ex * ex + ey * ey + ez * ez);
  let occ: number;
  let R = s.radiusMm * scale;
  if (r < 1e-9) occ = 1;
  else {
    R = boundaryRadius(s, ex / r, ey / r, ez / r) * scale;
    occ = clamp((R - r) / rampMm + 0.5, 0, 1);
  }
  lastShapeDistances.r = r;
  lastShapeDistances.R = R;
  const sp = s.spicules;
  for (let k = 0; k < sp.length && occ < 1; k += SPICULE_STRIDE) {
    const ux = sp[k]!;
    const uy = sp[k + 1]!;
    const uz = sp[k + 2]!;
    const base = sp[k + 5]!;
    const length = sp[k + 3]! * spiculeReach;
    // Distance from the point to the segment from base to base + length along u.
    const t = clamp((dx * ux + dy * uy + dz * uz - base) / length, 0, 1);
    const along = base + t * length;
    const px = dx - along * ux;
    const py = dy - along * uy;
    const pz = dz - along * uz;
    const dist = Math.sqrt(px * px + py * py + pz * pz);
    const radius = sp[k + 4]! * (1 - 0.8 * t);
    occ = Math.max(occ, clamp((radius - dist) / rampMm + 0.5, 0, 1));
  }
  return occ;
}

/** Half-extent (mm) of a box that holds the shape and its edema rim. */
export function shapeReachMm(s: LesionShape, marginMm = 16): number {
  let spicule = 0;
  for (let k = 3; k < s.spicules.length; k += SPICULE_STRIDE) spicule = Math.max(spicule, s.spicules[k]!);
  const aspect = Math.max(s.aspect[0], s.aspect[1], s.aspect[2]);
  return s.radiusMm * aspect * (1 + 2.5 * s.lobulation) + spicule + marginMm;
}

/** Index box [lo, hi] (inclusive) of the grid around a shape. */
export function shapeBox(s: LesionShape, g: Geometry, marginMm = 16): { lo: Vec3; hi: Vec3 } {
  const reach = shapeReachMm(s, marginMm);
  const lo: Vec3 = [0, 0, 0];
  const hi: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    lo[a] = clamp(Math.floor((s.centerMm[a]! - reach - g.originMm[a]!) / g.spacingMm[a]!), 0, g.size[a]! - 1);
    hi[a] = clamp(Math.ceil((s.centerMm[a]! + reach - g.originMm[a]!) / g.spacingMm[a]!), 0, g.size[a]! - 1);
  }
  return { lo, hi };
}

/** Builds the phantom of one patient (deterministic in seed and patient index). */
export function buildPhantom(seed: number, index: number, patient: DemoPatient, center: DemoCenter): Phantom {
  const rng = Rng.derive(seed, 'anatomy', index);
  const g = patientGeometry(center, rng);
  const [nx, ny, nz] = g.size;
  const [sx, sy, sz] = g.spacingMm;
  const n = nx * ny * nz;
  const ramp = Math.max(sx, sy);
  const f32 = (): Float32Array => new Float32Array(n);
  const ph: Phantom = {
    geometry: g,
    fat: f32(),
    fgt: f32(),
    muscle: f32(),
    lung: f32(),
    lesion: f32(),
    lesionId: new Uint8Array(n),
    necrosis: f32(),
    edema: f32(),
    radial: f32(),
    texture: valueNoise(rng, g, 7, f32()),
    textureFine: valueNoise(rng, g, 3.5, f32()),
    bias: f32(),
    shapes: [],
  };
  const fgtCoarse = valueNoise(rng, g, 14, f32());
  const fgtFine = ph.textureFine;
  const breastPair = breasts(patient, rng, g);
  const [left, right] = breastPair;
  const thoraxHalf = 150 + rng.range(-10, 10);
  const pectoral = 14 + rng.range(-3, 3);
  const presternal = 10 + rng.range(-3, 5);
  // Density → threshold of the fibroglandular field (higher density, lower threshold).
  const threshold = 1.1 - 2.2 * patient.fgtDensity;
  const biasTilt = center.fieldStrengthT > 2 ? 0.25 : 0.12;
  const zMid = g.originMm[2] + ((nz - 1) * sz) / 2;

  const biasX = new Float64Array(nx);
  for (let i = 0; i < nx; i++) biasX[i] = 0.05 * Math.sin((i / (nx - 1)) * Math.PI * 1.3 + 0.4);

  let o = 0;
  for (let k = 0; k < nz; k++) {
    const z = g.originMm[2] + k * sz - zMid;
    for (let j = 0; j < ny; j++) {
      const y = g.originMm[1] + j * sy;
      for (let i = 0; i < nx; i++, o++) {
        const x = g.originMm[0] + i * sx;
        let breastOcc = 0;
        let depthMm = 0;
        let central = 0;
        for (let bi = 0; bi < 2; bi++) {
          const b = breastPair[bi]!;
          if (y > 0) continue;
          const u = (x - b.centerX) / b.halfWidth;
          const v = -y / b.depth;
          const w = z / b.halfHeight;
          const rho = Math.sqrt(u * u + v * v + w * w);
          const scale = Math.min(b.halfWidth, b.depth);
          const occ = clamp(((1 - rho) * scale) / ramp + 0.5, 0, 1);
          if (occ > breastOcc) {
            breastOcc = occ;
            depthMm = (1 - rho) * scale;
            central = 1 - Math.min(1, Math.sqrt(u * u + w * w));
          }
        }
        let fat = 0;
        let muscle = 0;
        let lung = 0;
        let fgt = 0;
        if (Math.abs(x) < thoraxHalf) {
          if (y > pectoral) lung = clamp((y - pectoral) / ramp + 0.5, 0, 1);
          else if (y > 0) muscle = 1;
          else if (y > -presternal) fat = 1;
        }
        if (y <= 0 && breastOcc > 0) {
          // Fibroglandular tissue: away from the subcutaneous fat, denser centrally.
          const field = 0.75 * fgtCoarse[o]! + 0.35 * fgtFine[o]! + 1.2 * central - 0.4;
          const depthWeight = clamp((depthMm - 6) / 10, 0, 1);
          fgt = breastOcc * depthWeight * clamp((field - threshold) / 0.5 + 0.5, 0, 1);
          fat = Math.max(fat, breastOcc) - fgt;
        }
        if (lung > 0) muscle = 1 - lung;
        ph.fat[o] = fat;
        ph.fgt[o] = fgt;
        ph.muscle[o] = muscle;
        ph.lung[o] = lung;
        // Coil sensitivity: higher near the breast coil (anterior), varying left to right.
        ph.bias[o] = 1 + biasTilt * (0.5 - j / (ny - 1)) + biasX[i]!;
      }
    }
  }

  // Lesions: soft occupancy replaces the tissue underneath; edema rims add water signal.
  const lesionRng = Rng.derive(seed, 'lesions', index);
  patient.lesions.forEach((lesion, li) => {
    const b = lesion.side === 'left' ? left : right;
    const shape = placeLesion(lesion, b, g, lesionRng);
    if (li > 0) separate(shape, ph.shapes);
    ph.shapes.push(shape);
    const { lo, hi } = shapeBox(shape, g);
    for (let k = lo[2]; k <= hi[2]; k++) {
      const dz = g.originMm[2] + k * sz - shape.centerMm[2];
      for (let j = lo[1]; j <= hi[1]; j++) {
        const dy = g.originMm[1] + j * sy - shape.centerMm[1];
        for (let i = lo[0]; i <= hi[0]; i++) {
          const dx = g.originMm[0] + i * sx - shape.centerMm[0];
          const v = i + nx * (j + ny * k);
          const occ = shapeOccupancy(shape, dx, dy, dz, ramp);
          const { r, R } = lastShapeDistances;
          if (shape.edema && r > R)
            ph.edema[v] = Math.max(ph.edema[v]!, Math.exp(-(r - R) / 5) * 0.8 * (ph.fat[v]! + ph.fgt[v]!));
          if (occ <= ph.lesion[v]!) continue;
          ph.lesion[v] = occ;
          ph.lesionId[v] = li + 1;
          ph.radial[v] = Math.min(1, r / R);
          // Necrotic core with an irregular border (texture-modulated radius).
          const core = shape.necrosis * R * (1 + 0.25 * ph.texture[v]!);
          ph.necrosis[v] = shape.necrosis > 0 ? occ * clamp((core - r) / ramp + 0.5, 0, 1) : 0;
        }
      }
    }
  });
  return ph;
}

/** Moves a new shape (along x) until it no longer overlaps the shapes already placed. */
function separate(shape: LesionShape, placed: readonly LesionShape[]): void {
  for (const other of placed) {
    const need = (shape.radiusMm + other.radiusMm) * 1.35 + 6;
    const d = Math.hypot(
      shape.centerMm[0] - other.centerMm[0],
      shape.centerMm[1] - other.centerMm[1],
      shape.centerMm[2] - other.centerMm[2],
    );
    if (d < need) {
      const dir = shape.centerMm[0] >= other.centerMm[0] ? 1 : -1;
      const dyz = Math.hypot(shape.centerMm[1] - other.centerMm[1], shape.centerMm[2] - other.centerMm[2]);
      shape.centerMm[0] = other.centerMm[0] + dir * Math.sqrt(Math.max(0, need * need - dyz * dyz));
    }
  }
}
