/**
 * Volume and surface area of the 3D convex hull of a point set on a grid, for IBSI's convex-hull
 * densities (R3ER: V / V_hull, 7T7F: A / A_hull).
 *
 * Incremental construction (Clarkson & Shor, 1989) with exact predicates: the points are integers
 * (mesh vertices in half-voxel units, |coordinate| < 2²⁰), so the orientation determinant is exact
 * in doubles. A face is "visible" from a new point when the point is on or above its plane; faces
 * coplanar with the point are thus re-triangulated instead of leaving the point out, which keeps
 * the hull correct on the many coplanar points of a voxel grid. Spacing (a positive axis scaling)
 * does not change which points are on the hull, so it is applied only to measure.
 */

/** Orientation of d relative to the plane (a, b, c): > 0 above, 0 on, < 0 below. Exact for small ints. */
function orient(p: Int32Array, a: number, b: number, c: number, d: number): number {
  const ax = p[a * 3]!,
    ay = p[a * 3 + 1]!,
    az = p[a * 3 + 2]!;
  const bx = p[b * 3]! - ax,
    by = p[b * 3 + 1]! - ay,
    bz = p[b * 3 + 2]! - az;
  const cx = p[c * 3]! - ax,
    cy = p[c * 3 + 1]! - ay,
    cz = p[c * 3 + 2]! - az;
  const dx = p[d * 3]! - ax,
    dy = p[d * 3 + 1]! - ay,
    dz = p[d * 3 + 2]! - az;
  return bx * (cy * dz - cz * dy) - by * (cx * dz - cz * dx) + bz * (cx * dy - cy * dx);
}

/**
 * Hull of integer points `p` (x, y, z triples), measured after scaling by `scale` (x, y, z).
 * Returns zeros for fewer than four non-coplanar points.
 */
export function convexHullMeasures(p: Int32Array, scale: readonly number[]): { volume: number; area: number } {
  const n = p.length / 3;
  // Initial tetrahedron: two distinct points, a third off their line, a fourth off their plane.
  const a = 0;
  let b = -1;
  for (let i = 1; i < n && b < 0; i++) if (p[i * 3] !== p[0] || p[i * 3 + 1] !== p[1] || p[i * 3 + 2] !== p[2]) b = i;
  if (b < 0) return { volume: 0, area: 0 };
  let c = -1;
  for (let i = 1; i < n && c < 0; i++) {
    const ux = p[b * 3]! - p[0]!,
      uy = p[b * 3 + 1]! - p[1]!,
      uz = p[b * 3 + 2]! - p[2]!;
    const vx = p[i * 3]! - p[0]!,
      vy = p[i * 3 + 1]! - p[1]!,
      vz = p[i * 3 + 2]! - p[2]!;
    if (uy * vz - uz * vy !== 0 || uz * vx - ux * vz !== 0 || ux * vy - uy * vx !== 0) c = i;
  }
  if (c < 0) return { volume: 0, area: 0 };
  let d = -1;
  for (let i = 1; i < n && d < 0; i++) if (orient(p, a, b, c, i) !== 0) d = i;
  if (d < 0) return { volume: 0, area: 0 };

  const faces: number[] = []; // triples, outward orientation (interior below every face)
  const alive: boolean[] = [];
  const edgeFace = new Map<number, number>(); // directed edge u→v (key u·n + v) → face
  const addFace = (u: number, v: number, w: number) => {
    const f = alive.length;
    faces.push(u, v, w);
    alive.push(true);
    edgeFace.set(u * n + v, f);
    edgeFace.set(v * n + w, f);
    edgeFace.set(w * n + u, f);
  };
  if (orient(p, a, b, c, d) > 0) {
    addFace(a, c, b);
    addFace(a, b, d);
    addFace(b, c, d);
    addFace(c, a, d);
  } else {
    addFace(a, b, c);
    addFace(a, d, b);
    addFace(b, d, c);
    addFace(c, d, a);
  }
  let liveCount = 4;
  // Drops dead faces so the scans stay proportional to the current hull.
  const compact = () => {
    const kept: number[] = [];
    for (let f = 0; f < alive.length; f++) if (alive[f]) kept.push(faces[f * 3]!, faces[f * 3 + 1]!, faces[f * 3 + 2]!);
    faces.length = 0;
    alive.length = 0;
    edgeFace.clear();
    for (let t = 0; t < kept.length; t += 3) addFace(kept[t]!, kept[t + 1]!, kept[t + 2]!);
  };
  const visible: number[] = [];
  const isVisible = new Uint8Array(16);
  let visFlags = isVisible;
  for (let q = 0; q < n; q++) {
    if (q === a || q === b || q === c || q === d) continue;
    visible.length = 0;
    for (let f = 0; f < alive.length; f++) {
      if (alive[f] && orient(p, faces[f * 3]!, faces[f * 3 + 1]!, faces[f * 3 + 2]!, q) >= 0) visible.push(f);
    }
    if (visible.length === 0) continue;
    // A point on the hull surface that sees only coplanar faces is skipped if it is a duplicate.
    if (visFlags.length < alive.length) {
      visFlags = new Uint8Array(alive.length * 2);
    } else visFlags.fill(0, 0, alive.length);
    for (const f of visible) visFlags[f] = 1;
    const horizon: number[] = [];
    for (const f of visible) {
      for (let e = 0; e < 3; e++) {
        const u = faces[f * 3 + e]!;
        const v = faces[f * 3 + ((e + 1) % 3)]!;
        const twin = edgeFace.get(v * n + u);
        if (twin === undefined || !visFlags[twin]) horizon.push(u, v);
      }
    }
    let duplicate = false;
    for (let h = 0; h < horizon.length && !duplicate; h++) {
      const v = horizon[h]!;
      if (p[v * 3] === p[q * 3] && p[v * 3 + 1] === p[q * 3 + 1] && p[v * 3 + 2] === p[q * 3 + 2]) duplicate = true;
    }
    if (duplicate) continue;
    for (const f of visible) {
      alive[f] = false;
      for (let e = 0; e < 3; e++) {
        const u = faces[f * 3 + e]!;
        const v = faces[f * 3 + ((e + 1) % 3)]!;
        if (edgeFace.get(u * n + v) === f) edgeFace.delete(u * n + v);
      }
    }
    for (let h = 0; h < horizon.length; h += 2) addFace(horizon[h]!, horizon[h + 1]!, q);
    liveCount += horizon.length / 2 - visible.length;
    if (alive.length > 4 * liveCount + 64) compact();
  }
  let volume = 0;
  let area = 0;
  const [sx, sy, sz] = scale as [number, number, number];
  for (let f = 0; f < alive.length; f++) {
    if (!alive[f]) continue;
    const i = faces[f * 3]!,
      j = faces[f * 3 + 1]!,
      k = faces[f * 3 + 2]!;
    const ax = p[i * 3]! * sx,
      ay = p[i * 3 + 1]! * sy,
      az = p[i * 3 + 2]! * sz;
    const bx = p[j * 3]! * sx,
      by = p[j * 3 + 1]! * sy,
      bz = p[j * 3 + 2]! * sz;
    const cx = p[k * 3]! * sx,
      cy = p[k * 3 + 1]! * sy,
      cz = p[k * 3 + 2]! * sz;
    volume += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
    const ux = bx - ax,
      uy = by - ay,
      uz = bz - az;
    const vx = cx - ax,
      vy = cy - ay,
      vz = cz - az;
    area += 0.5 * Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
  }
  return { volume: Math.abs(volume) / 6, area };
}
