/**
 * Exact Euclidean distance transform in physical units by the separable squared-distance
 * algorithm of Felzenszwalb & Huttenlocher ("Distance transforms of sampled functions", Theory
 * of Computing 8:415–428, 2012): one lower-envelope-of-parabolas pass per axis, O(voxels), with
 * the voxel spacing as the weight of each axis. What scipy.ndimage.distance_transform_edt(…,
 * sampling) computes, squared.
 */

/** Squared distance along one line: d[q] = min_p (w²(q − p)² + f[p]); Infinity entries are skipped. */
function transform1d(f: Float64Array, n: number, w2: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q] as number;
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    let s = 0;
    for (;;) {
      const vk = v[k] as number;
      s = (fq + w2 * q * q - ((f[vk] as number) + w2 * vk * vk)) / (2 * w2 * (q - vk));
      if (s <= (z[k] as number)) {
        k--;
        if (k < 0) break;
      } else break;
    }
    if (k < 0) {
      // Cannot happen (z[0] = −∞) but keep the envelope valid.
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) d[q] = Infinity;
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] as number) < q) k++;
    const vk = v[k] as number;
    d[q] = w2 * (q - vk) * (q - vk) + (f[vk] as number);
  }
}

/**
 * In place: `g` (nx·ny·nz, x fastest) holds 0 at feature voxels and Infinity elsewhere; on
 * return it holds the squared distance in mm² to the nearest feature voxel (Infinity if none).
 */
export function squaredDistanceTransform(
  g: Float64Array,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
): void {
  const [nx, ny, nz] = dims;
  const m = Math.max(nx, ny, nz);
  const f = new Float64Array(m);
  const d = new Float64Array(m);
  const v = new Int32Array(m);
  const z = new Float64Array(m + 1);
  const strides = [1, nx, nx * ny];
  const sizes = [nx, ny, nz];
  for (let axis = 0; axis < 3; axis++) {
    const n = sizes[axis] as number;
    if (n === 1) continue;
    const stride = strides[axis] as number;
    const w2 = (spacing[axis] as number) ** 2;
    // Iterate over every line along `axis`: the other two coordinates.
    const [a1, a2] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
    const n1 = sizes[a1] as number;
    const n2 = sizes[a2] as number;
    const s1 = strides[a1] as number;
    const s2 = strides[a2] as number;
    for (let i2 = 0; i2 < n2; i2++) {
      for (let i1 = 0; i1 < n1; i1++) {
        const base = i1 * s1 + i2 * s2;
        let any = false;
        for (let q = 0; q < n; q++) {
          const val = g[base + q * stride] as number;
          f[q] = val;
          if (val !== Infinity) any = true;
        }
        if (!any) continue;
        transform1d(f, n, w2, d, v, z);
        for (let q = 0; q < n; q++) g[base + q * stride] = d[q] as number;
      }
    }
  }
}
