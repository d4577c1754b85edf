/*
 * RadStudy native kernels: the hot loops of the radiomics texture matrices (GLCM co-occurrence
 * counts, GLRLM runs, GLSZM zones, the GLDM/NGTDM neighbourhood pass) and the GLCM MCC
 * eigenvalue problem. Each function is the twin of a TypeScript function in
 * main/compute/radiomics/ (named in its comment) and performs the same operations in the same
 * order, so the results are bit-identical: counts are exact, and the floating-point code is
 * compiled without contraction (-ffp-contract=off) so no multiply-add is fused. The unit tests
 * (test/unit/radiomics/native.test.ts) compare every function with its twin.
 *
 * Node-API (C, ABI-stable): the same binary loads in Node and in Electron of any version built
 * for the same platform. Arguments are typed arrays owned by the caller; nothing is allocated
 * on the JS heap here, and the typed arrays are only read or written within the call.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      napi_throw_error(env, NULL, "radstudy native: bad arguments to " __FILE__);                  \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

typedef struct {
  void *data;
  size_t length;
  napi_typedarray_type type;
} Typed;

/* Reads argument i as a typed array of the expected element type; throws a TypeError otherwise. */
static int typed_arg(napi_env env, napi_value v, napi_typedarray_type want, Typed *out, const char *what) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &offset) != napi_ok ||
      out->type != want) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  return 1;
}

static int int_arg(napi_env env, napi_value v, int32_t *out, const char *what) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  return 1;
}

#define ARGS(n)                                                                                    \
  size_t argc = n;                                                                                 \
  napi_value argv[n];                                                                              \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));                                     \
  if (argc < n) {                                                                                  \
    napi_throw_type_error(env, NULL, "radstudy native: too few arguments");                        \
    return NULL;                                                                                   \
  }

#define I32(k, name) Typed name; if (!typed_arg(env, argv[k], napi_int32_array, &name, #name " must be an Int32Array")) return NULL
#define F64(k, name) Typed name; if (!typed_arg(env, argv[k], napi_float64_array, &name, #name " must be a Float64Array")) return NULL
#define INT(k, name) int32_t name; if (!int_arg(env, argv[k], &name, #name " must be an integer")) return NULL

static napi_value make_int(napi_env env, int32_t v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

/*
 * glcm.ts computeGlcm, the counting pass: counts[a·ngp² + (c(o)−1)·ngp + c(o+off[a])−1]++ for
 * every ROI voxel o and angle a whose neighbour is in the ROI (compact index ≠ 0).
 * (compact, voxels, off, ngp, counts)
 */
static napi_value glcm_counts(napi_env env, napi_callback_info info) {
  ARGS(5);
  I32(0, compact); I32(1, voxels); I32(2, off); INT(3, ngp); F64(4, counts);
  const int32_t *cp = compact.data, *vx = voxels.data, *of = off.data;
  double *out = counts.data;
  const size_t na = off.length, nn = (size_t)ngp * (size_t)ngp;
  if (counts.length < na * nn) { napi_throw_range_error(env, NULL, "counts is too short"); return NULL; }
  for (size_t v = 0; v < voxels.length; v++) {
    const int32_t o = vx[v];
    const int64_t row = (int64_t)(cp[o] - 1) * ngp - 1;
    size_t base = 0;
    for (size_t a = 0; a < na; a++, base += nn) {
      const int32_t c = cp[o + of[a]];
      if (c != 0) out[(int64_t)base + row + c] += 1;
    }
  }
  return NULL;
}

/*
 * glrlm.ts computeGlrlm, the run pass of one angle: for each ROI voxel that starts a run along
 * `step` (its predecessor has another level), walk the run and count it at
 * counts[base + (c(o)−1)·maxRun + run]. Returns the longest run found with the bit 2^30 set when
 * some run is longer than 1 (multiElement). (level, compact, voxels, step, maxRun, base, counts)
 */
static napi_value glrlm_runs(napi_env env, napi_callback_info info) {
  ARGS(7);
  I32(0, level); I32(1, compact); I32(2, voxels); INT(3, step); INT(4, maxRun); INT(5, base); F64(6, counts);
  const int32_t *lv = level.data, *cp = compact.data, *vx = voxels.data;
  double *out = counts.data;
  int32_t longest = 1;
  int multi = 0;
  for (size_t v = 0; v < voxels.length; v++) {
    const int32_t o = vx[v];
    const int32_t g = lv[o];
    if (lv[o - step] == g) continue;
    int32_t run = 1;
    for (int32_t w = o + step; lv[w] == g; w += step) run++;
    if (run > 1) {
      multi = 1;
      if (run > longest) longest = run;
    }
    out[(int64_t)base + (int64_t)(cp[o] - 1) * maxRun + run] += 1;
  }
  return make_int(env, longest | (multi ? (1 << 30) : 0));
}

/*
 * glszm.ts computeGlszm, the zone pass: a depth-first flood fill of each zone over the offsets
 * `off`, zeroing `level` (a private copy) as voxels join; writes each zone's compact level and
 * size. Returns the number of zones; stats[0] = the largest zone.
 * (level, compact, voxels, off, stack, zoneLevel, zoneSize, stats)
 */
static int32_t uf_find(int32_t *parent, int32_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

static napi_value glszm_zones(napi_env env, napi_callback_info info) {
  ARGS(8);
  I32(0, level); I32(1, compact); I32(2, voxels); I32(3, off); I32(4, stack); I32(5, zoneLevel); I32(6, zoneSize); I32(7, stats);
  const int32_t *lv = level.data, *cp = compact.data, *vx = voxels.data, *of = off.data;
  int32_t *parent = stack.data, *zl = zoneLevel.data, *zs = zoneSize.data;
  const size_t na = off.length, n = voxels.length;
  if (stack.length < n || zoneLevel.length < n || zoneSize.length < n || stats.length < 1) {
    napi_throw_range_error(env, NULL, "glszm work arrays are too short");
    return NULL;
  }
  /*
   * The same zones as glszm.ts's flood fill (26-connected voxels of equal level), found by
   * union–find: the ROI voxels come in ascending padded offset, so each one only needs joining to
   * its neighbours at negative offsets, which are already placed (half the look-ups of a fill, and
   * the level map is only read). index[o] is the voxel number of padded offset o, written before
   * it is read: a neighbour of equal level (≥ 1) is an ROI voxel seen earlier.
   */
  int32_t *index = malloc(sizeof(int32_t) * (level.length > 0 ? level.length : 1));
  int32_t *back = malloc(sizeof(int32_t) * (na > 0 ? na : 1));
  if (!index || !back) {
    free(index);
    free(back);
    napi_throw_error(env, NULL, "glszm: out of memory");
    return NULL;
  }
  size_t nb = 0;
  for (size_t a = 0; a < na; a++)
    if (of[a] < 0) back[nb++] = of[a];
  for (size_t vi = 0; vi < n; vi++) {
    const int32_t v = vx[vi];
    const int32_t gl = lv[v];
    index[v] = (int32_t)vi;
    parent[vi] = (int32_t)vi;
    for (size_t b = 0; b < nb; b++) {
      const int32_t w = v + back[b];
      if (lv[w] != gl) continue;
      const int32_t ra = uf_find(parent, (int32_t)vi), rb = uf_find(parent, index[w]);
      /* The smaller voxel number is the root, so a zone is listed at its first voxel, like the fill. */
      if (ra < rb) parent[rb] = ra;
      else if (rb < ra) parent[ra] = rb;
    }
  }
  for (size_t vi = 0; vi < n; vi++) zs[vi] = 0;
  for (size_t vi = 0; vi < n; vi++) zs[uf_find(parent, (int32_t)vi)]++;
  int32_t zones = 0, maxZone = 0;
  for (size_t vi = 0; vi < n; vi++) {
    if (parent[vi] != (int32_t)vi) continue;
    const int32_t size = zs[vi];
    zl[zones] = cp[vx[vi]] - 1;
    zs[zones] = size;
    zones++;
    if (size > maxZone) maxZone = size;
  }
  free(index);
  free(back);
  ((int32_t *)stats.data)[0] = maxZone;
  return make_int(env, zones);
}

/*
 * neighbourhood.ts neighbourCounts, the shared GLDM (α = 0) / NGTDM pass.
 * (level, compact, voxels, off, nd, dependence, n, sums)
 */
static napi_value neighbour_counts(napi_env env, napi_callback_info info) {
  ARGS(8);
  I32(0, level); I32(1, compact); I32(2, voxels); I32(3, off); INT(4, nd); F64(5, dependence); F64(6, nArr); F64(7, sumsArr);
  const int32_t *lv = level.data, *cp = compact.data, *vx = voxels.data, *of = off.data;
  double *dep_out = dependence.data, *n = nArr.data, *sums = sumsArr.data;
  const size_t na = off.length;
  for (size_t v = 0; v < voxels.length; v++) {
    const int32_t o = vx[v];
    const int32_t g = lv[o];
    int32_t dep = 0, count = 0;
    double sum = 0;
    for (size_t a = 0; a < na; a++) {
      const int32_t w = lv[o + of[a]];
      if (w == g) dep++;
      if (w != 0) count++;
      sum += w;
    }
    const int32_t c = cp[o] - 1;
    dep_out[(int64_t)c * nd + dep] += 1;
    n[c] += 1;
    sums[c] += count == 0 ? 0 : fabs(g - sum / count);
  }
  return NULL;
}

/* ---- linalg.ts twins (used by the MCC below) ---- */

static const double EPS = 2.220446049250313e-16;

/* linalg.ts tridiagonalize: Householder on the lower triangle of a (n × n, overwritten). */
static void tridiagonalize(double *a, int n, double *d, double *e, double *v, double *w) {
  for (int k = 0; k < n - 2; k++) {
    double norm2 = 0;
    for (int i = k + 1; i < n; i++) norm2 += a[i * n + k] * a[i * n + k];
    const double x0 = a[(k + 1) * n + k];
    if (norm2 == 0) continue;
    const double alpha = x0 > 0 ? -sqrt(norm2) : sqrt(norm2);
    double vv = 0;
    for (int i = k + 1; i < n; i++) {
      v[i] = i == k + 1 ? x0 - alpha : a[i * n + k];
      vv += v[i] * v[i];
    }
    if (vv == 0) continue;
    const double beta = 2 / vv;
    for (int i = k + 1; i < n; i++) w[i] = 0;
    /* Four rows at a time: four independent dot products instead of one dependency chain, with
       every sum and every w[j] update in the order of the row-by-row loop below (for each j, the
       rows' contributions still arrive in ascending row order), so the result is bit-identical. */
    int i0 = k + 1;
    for (; i0 + 3 < n; i0 += 4) {
      const double *r0 = a + (size_t)i0 * n, *r1 = r0 + n, *r2 = r1 + n, *r3 = r2 + n;
      const double vi0 = v[i0], vi1 = v[i0 + 1], vi2 = v[i0 + 2], vi3 = v[i0 + 3];
      double s0 = w[i0], s1 = w[i0 + 1], s2 = w[i0 + 2], s3 = w[i0 + 3];
      for (int j = k + 1; j < i0; j++) {
        const double x0 = r0[j], x1 = r1[j], x2 = r2[j], x3 = r3[j], vj = v[j];
        s0 += x0 * vj;
        s1 += x1 * vj;
        s2 += x2 * vj;
        s3 += x3 * vj;
        double t = w[j] + x0 * vi0;
        t = t + x1 * vi1;
        t = t + x2 * vi2;
        w[j] = t + x3 * vi3;
      }
      double sr[4] = {s0, s1, s2, s3};
      const double vr[4] = {vi0, vi1, vi2, vi3};
      const double *rr[4] = {r0, r1, r2, r3};
      for (int r = 0; r < 4; r++) {
        const int ii = i0 + r;
        for (int j = i0; j < ii; j++) {
          const double x = rr[r][j];
          sr[r] += x * v[j];
          w[j] = w[j] + x * vr[r];
        }
        w[ii] = sr[r] + rr[r][ii] * vr[r];
      }
    }
    for (int i = i0; i < n; i++) {
      const int row = i * n;
      const double vi = v[i];
      double s = w[i];
      for (int j = k + 1; j < i; j++) {
        const double x = a[row + j];
        s += x * v[j];
        w[j] = w[j] + x * vi;
      }
      w[i] = s + a[row + i] * vi;
    }
    double vp = 0;
    for (int i = k + 1; i < n; i++) {
      w[i] = beta * w[i];
      vp += v[i] * w[i];
    }
    const double kk = (beta / 2) * vp;
    for (int i = k + 1; i < n; i++) w[i] = w[i] - kk * v[i];
    for (int i = k + 1; i < n; i++) {
      const int row = i * n;
      const double vi = v[i];
      const double wi = w[i];
      for (int j = k + 1; j <= i; j++) a[row + j] = a[row + j] - v[j] * wi - w[j] * vi;
    }
    a[(k + 1) * n + k] = alpha;
  }
  for (int i = 0; i < n; i++) d[i] = a[i * n + i];
  for (int i = 0; i < n - 1; i++) e[i] = a[(i + 1) * n + i];
  e[n - 1] = 0;
}

static double dmax(double a, double b) { return a > b ? a : b; }
static double dmin(double a, double b) { return a < b ? a : b; }

/* linalg.ts EigenChain: the root-finding state for one eigenvalue. */
typedef struct {
  int k, cLo, cHi, done;
  double lo, hi, x, result;
} EigenChain;

/* linalg.ts chainBracketClosed. */
static int chain_bracket_closed(EigenChain *c, double pivmin) {
  if (c->done) return 1;
  if (!(c->hi - c->lo > 2 * EPS * dmax(fabs(c->lo), fabs(c->hi)) + pivmin)) {
    c->done = 1;
    c->result = 0.5 * (c->lo + c->hi);
  }
  return c->done;
}

/* linalg.ts chainStep (Laguerre inside the bracket once it isolates rank k, else bisection). */
static void chain_step(EigenChain *c, int below, double g, double h, int n, double pivmin) {
  if (below > c->k) {
    c->hi = c->x;
    c->cHi = below;
  } else {
    c->lo = c->x;
    c->cLo = below;
  }
  const double mid = 0.5 * (c->lo + c->hi);
  double next = mid;
  if (c->cLo == c->k && c->cHi == c->k + 1) {
    const double disc = sqrt(dmax(0, (double)(n - 1) * ((double)n * h - g * g)));
    const double step = (double)n / (g >= 0 ? g + disc : g - disc);
    const double t = c->x - step;
    if (isfinite(step) && fabs(step) <= 2 * EPS * fabs(c->x) + pivmin && t >= c->lo && t <= c->hi) {
      c->done = 1;
      c->result = t;
      return;
    }
    if (isfinite(step) && t > c->lo && t < c->hi) next = t;
  }
  if (next == c->lo || next == c->hi) {
    c->done = 1;
    c->result = mid;
    return;
  }
  c->x = next;
}

/*
 * linalg.ts tridiagonalEigenvalue for two ranks k0 and k1 in one loop: the two chains are
 * independent, so their pivot recurrences (a chain of divisions each, linalg.ts sturmStep) run side
 * by side; each chain does exactly the steps it does alone (it stops at its own test), so both
 * results are the same as two separate calls.
 */
static void tridiagonal_eigenvalue_pair(const double *d, const double *e, int n, int k0, int k1, double *out0, double *out1) {
  double lo = INFINITY, hi = -INFINITY, e2max = 0;
  double *e2 = malloc(sizeof(double) * (n > 1 ? n - 1 : 1));
  for (int i = 0; i < n; i++) {
    const double r = (i > 0 ? fabs(e[i - 1]) : 0) + (i < n - 1 ? fabs(e[i]) : 0);
    lo = dmin(lo, d[i] - r);
    hi = dmax(hi, d[i] + r);
    if (i < n - 1) {
      e2[i] = e[i] * e[i];
      e2max = dmax(e2max, e2[i]);
    }
  }
  const double pivmin = 2.2250738585072014e-308 * dmax(1, e2max);
  const double width = dmax(fabs(lo), fabs(hi));
  lo = lo - (2 * EPS * width + pivmin);
  hi = hi + (2 * EPS * width + pivmin);
  EigenChain a = {k0, 0, n, 0, lo, hi, 0.5 * (lo + hi), 0}, b = {k1, 0, n, 0, lo, hi, 0.5 * (lo + hi), 0};
  for (int iter = 0; iter < 200; iter++) {
    const int closedA = chain_bracket_closed(&a, pivmin), closedB = chain_bracket_closed(&b, pivmin);
    if (closedA && closedB) break;
    const double xa = a.x, xb = b.x;
    int ba = 0, bb = 0;
    double qa = d[0] - xa, qb = d[0] - xb;
    if (fabs(qa) < pivmin) qa = -pivmin;
    if (fabs(qb) < pivmin) qb = -pivmin;
    if (qa < 0) ba++;
    if (qb < 0) bb++;
    double ia = 1 / qa, ib = 1 / qb;
    double ra = -ia, rb = -ib, ua = 0, ub = 0;
    double ga = ra, gb = rb, ha = ra * ra - ua, hb = rb * rb - ub;
    for (int i = 1; i < n; i++) {
      const double ta = e2[i - 1] * ia, tb = e2[i - 1] * ib;
      const double dqa = -1 + ta * ra, dqb = -1 + tb * rb;
      const double ddqa = ta * (ua - 2 * ra * ra), ddqb = tb * (ub - 2 * rb * rb);
      qa = d[i] - xa - ta;
      qb = d[i] - xb - tb;
      if (fabs(qa) < pivmin) qa = -pivmin;
      if (fabs(qb) < pivmin) qb = -pivmin;
      if (qa < 0) ba++;
      if (qb < 0) bb++;
      ia = 1 / qa;
      ib = 1 / qb;
      ra = dqa * ia;
      rb = dqb * ib;
      ua = ddqa * ia;
      ub = ddqb * ib;
      ga += ra;
      gb += rb;
      ha += ra * ra - ua;
      hb += rb * rb - ub;
    }
    if (!a.done) chain_step(&a, ba, ga, ha, n, pivmin);
    if (!b.done) chain_step(&b, bb, gb, hb, n, pivmin);
  }
  free(e2);
  *out0 = a.done ? a.result : 0.5 * (a.lo + a.hi);
  *out1 = b.done ? b.result : 0.5 * (b.lo + b.hi);
}

static double pythag(double a, double b) {
  const double m = dmax(fabs(a), fabs(b));
  return m < 1e150 && m > 1e-150 ? sqrt(a * a + b * b) : hypot(a, b);
}

/* linalg.ts tridiagonalQl. */
static void tridiagonal_ql(double *d, double *e, int n) {
  for (int l = 0; l < n; l++) {
    for (int iter = 0; iter < 60; iter++) {
      int m = l;
      for (; m < n - 1; m++) {
        const double dd = fabs(d[m]) + fabs(d[m + 1]);
        if (fabs(e[m]) <= EPS * dd) break;
      }
      if (m == l) break;
      double g = (d[l + 1] - d[l]) / (2 * e[l]);
      double r = pythag(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      double s = 1, c = 1, p = 0;
      int i = m - 1;
      int underflow = 0;
      for (; i >= l; i--) {
        const double f = s * e[i];
        const double b = c * e[i];
        r = pythag(f, g);
        e[i + 1] = r;
        if (r == 0) {
          d[i + 1] = d[i + 1] - p;
          e[m] = 0;
          underflow = 1;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l] = d[l] - p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

static int cmp_double(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/*
 * glcm.ts symmetricMcc: MCC of one symmetrical normalised GLCM p[off…off+n²) with marginal px.
 * (p, off, n, px) → number
 */
static napi_value symmetric_mcc(napi_env env, napi_callback_info info) {
  ARGS(4);
  F64(0, pArr); INT(1, off); INT(2, n); F64(3, pxArr);
  const double *p = (const double *)pArr.data + off, *px = pxArr.data;
  if (n < 0 || pxArr.length < (size_t)n || pArr.length < (size_t)off + (size_t)n * (size_t)n) {
    napi_throw_range_error(env, NULL, "symmetricMcc: arrays are too short");
    return NULL;
  }
  napi_value result;
  int *rows = malloc(sizeof(int) * (n > 0 ? n : 1));
  int m = 0;
  for (int i = 0; i < n; i++) if (px[i] > 0) rows[m++] = i;
  if (m < 2) {
    free(rows);
    napi_create_double(env, 0, &result);
    return result;
  }
  double *work = calloc((size_t)m * m + 5 * (size_t)m, sizeof(double));
  double *w = work, *inv = work + (size_t)m * m, *d = inv + m, *e = d + m, *tv = e + m, *tw = tv + m;
  for (int a = 0; a < m; a++) inv[a] = 1 / sqrt(px[rows[a]]);
  for (int a = 0; a < m; a++) {
    const double *src = p + (size_t)rows[a] * n;
    for (int b = 0; b <= a; b++) w[a * m + b] = src[rows[b]] * inv[a] * inv[b];
  }
  tridiagonalize(w, m, d, e, tv, tw);
  double upper, lower;
  if (m < 10) {
    tridiagonal_ql(d, e, m);
    qsort(d, m, sizeof(double), cmp_double);
    upper = d[m - 2];
    lower = d[0];
  } else {
    tridiagonal_eigenvalue_pair(d, e, m, m - 2, 0, &upper, &lower);
  }
  const double second = dmax(upper * upper, lower * lower);
  free(work);
  free(rows);
  napi_create_double(env, sqrt(second), &result);
  return result;
}

/* ---- shape.ts twins: the maximum 3D and 2D diameters ---- */

static _Thread_local const double *sort_key; /* qsort has no context argument; one per worker thread */
static int cmp_decreasing(const void *x, const void *y) {
  const double a = sort_key[*(const int32_t *)x], b = sort_key[*(const int32_t *)y];
  return a > b ? -1 : a < b ? 1 : 0;
}

/* shape.ts maxDistance: exact largest pairwise distance among points from…to−1 (pruned). */
static double max_distance(const double *px, const double *py, const double *pz, int from, int to, double *r, int32_t *order) {
  const int m = to - from;
  if (m < 2) return 0;
  double cx = 0, cy = 0, cz = 0;
  for (int v = from; v < to; v++) {
    cx += px[v];
    cy += py[v];
    cz += pz[v];
  }
  cx /= m;
  cy /= m;
  cz /= m;
  for (int v = from; v < to; v++) {
    const double dx = px[v] - cx, dy = py[v] - cy, dz = pz[v] - cz;
    r[v] = sqrt(dx * dx + dy * dy + dz * dz);
  }
  int far = from;
  for (int v = from + 1; v < to; v++) if (r[v] > r[far]) far = v;
  const double rMax = r[far];
  double best2 = 0;
  for (int v = from; v < to; v++) {
    const double dx = px[v] - px[far], dy = py[v] - py[far], dz = pz[v] - pz[far];
    const double d2 = dx * dx + dy * dy + dz * dz;
    if (d2 > best2) best2 = d2;
  }
  const double keep = (sqrt(best2) - rMax) * (1 - 1e-9) - 1e-9 * rMax;
  int mc = 0;
  for (int v = from; v < to; v++) if (r[v] >= keep) order[mc++] = v;
  /* Any order by decreasing r gives the same exact maximum (ties only change which pair is seen first). */
  sort_key = r;
  qsort(order, mc, sizeof(int32_t), cmp_decreasing);
  for (int a = 0; a < mc; a++) {
    const int va = order[a];
    const double ra = r[va];
    if (2 * ra * (2 * ra) <= best2) break;
    const double ax = px[va], ay = py[va], az = pz[va];
    for (int b = a + 1; b < mc; b++) {
      const int vb = order[b];
      const double bound = ra + r[vb];
      if (bound * bound <= best2) break;
      const double dx = ax - px[vb], dy = ay - py[vb], dz = az - pz[vb];
      const double d2 = dx * dx + dy * dy + dz * dz;
      if (d2 > best2) best2 = d2;
    }
  }
  return sqrt(best2);
}

/*
 * shape.ts planeMaxDistance: exact largest distance among m points of one plane (doubled index
 * units U, V sorted by V then U, mm = U·½·su, V·½·sv) from the vertices of their convex hull
 * (Andrew's monotone chain, exact integer turns).
 */
static double plane_max_distance(const int32_t *pu, const int32_t *pv, int m, double su, double sv, int32_t *hull) {
  if (m < 2) return 0;
#define TURN(o, a, b) ((int64_t)(pv[a] - pv[o]) * (pu[b] - pu[o]) - (int64_t)(pu[a] - pu[o]) * (pv[b] - pv[o]))
  int k = 0;
  for (int i = 0; i < m; i++) {
    while (k >= 2 && TURN(hull[k - 2], hull[k - 1], i) <= 0) k--;
    hull[k++] = i;
  }
  for (int i = m - 2, lower = k + 1; i >= 0; i--) {
    while (k >= lower && TURN(hull[k - 2], hull[k - 1], i) <= 0) k--;
    hull[k++] = i;
  }
#undef TURN
  const int h = k - 1;
  double best2 = 0;
  for (int a = 0; a < h; a++) {
    const double ua = pu[hull[a]] * 0.5 * su, va = pv[hull[a]] * 0.5 * sv;
    for (int b = a + 1; b < h; b++) {
      const double du = ua - pu[hull[b]] * 0.5 * su, dv = va - pv[hull[b]] * 0.5 * sv;
      const double d2 = du * du + dv * dv;
      if (d2 > best2) best2 = d2;
    }
  }
  return sqrt(best2);
}

static inline void line_add(int32_t *lo, int32_t *hi, int key, int32_t x) {
  if (lo[key] == -1) {
    lo[key] = x;
    hi[key] = x;
  } else if (x < lo[key]) lo[key] = x;
  else if (x > hi[key]) hi[key] = x;
}

/*
 * shape.ts planeEnds: the ends of the lines of one plane (line keys outer + stride·Z for Z < NZ,
 * lo = -1 for no line) into pu (the end) and pv (Z), sorted by Z then end; returns their count.
 */
static int plane_ends(const int32_t *lo, const int32_t *hi, int outer, int stride, int NZ, int32_t *pu, int32_t *pv) {
  int c = 0;
  for (int Z = 0; Z < NZ; Z++) {
    const int key = outer + stride * Z;
    if (lo[key] == -1) continue;
    pu[c] = lo[key];
    pv[c++] = Z;
    if (hi[key] != lo[key]) {
      pu[c] = hi[key];
      pv[c++] = Z;
    }
  }
  return c;
}

/*
 * shape.ts diameters: (mask (padded, Uint8Array), nx, ny, nz, [sx, sy, sz] Float64Array, out Float64Array(4))
 * writes out = [max3d, slice, column, row].
 */
static napi_value shape_diameters(napi_env env, napi_callback_info info) {
  ARGS(8);
  Typed maskArr;
  if (!typed_arg(env, argv[0], napi_uint8_array, &maskArr, "mask must be a Uint8Array")) return NULL;
  INT(1, nx); INT(2, ny); INT(3, nz); F64(4, spacing); F64(5, outArr); I32(6, firstArr); I32(7, lastArr);
  if (nx < 1 || ny < 1 || nz < 1 || maskArr.length < (size_t)nx * ny * nz || spacing.length < 3 || outArr.length < 4 ||
      firstArr.length < (size_t)ny * nz || lastArr.length < (size_t)ny * nz) {
    napi_throw_range_error(env, NULL, "diameters: arrays are too short");
    return NULL;
  }
  const uint8_t *mask = maskArr.data;
  const double sx = ((double *)spacing.data)[0], sy = ((double *)spacing.data)[1], sz = ((double *)spacing.data)[2];
  const int NX = 2 * nx, NY = 2 * ny, NZ = 2 * nz;
  const size_t nkx = (size_t)NY * NZ, nky = (size_t)NX * NZ;
  const size_t cap = 2 * (nkx > nky ? nkx : nky);
  int32_t *ints = malloc(sizeof(int32_t) * (2 * nkx + 2 * nky + cap + 2 * cap + (2 * cap + 1)));
  double *dbl = malloc(sizeof(double) * 4 * cap);
  if (!ints || !dbl) {
    free(ints);
    free(dbl);
    napi_throw_error(env, NULL, "diameters: out of memory");
    return NULL;
  }
  int32_t *xLo = ints, *xHi = xLo + nkx, *yLo = xHi + nkx, *yHi = yLo + nky, *order = yHi + nky;
  int32_t *pu = order + cap, *pv = pu + cap, *hull = pv + cap;
  double *px = dbl, *py = px + cap, *pz = py + cap, *r = pz + cap;
  for (size_t i = 0; i < nkx; i++) xLo[i] = -1, xHi[i] = 0;
  for (size_t i = 0; i < nky; i++) yLo[i] = -1, yHi[i] = 0;
  const size_t nxy = (size_t)nx * ny;
#define ADD(X, Y, Z) do { line_add(xLo, xHi, (Y) + NY * (Z), (X)); line_add(yLo, yHi, (X) + NX * (Z), (Y)); } while (0)
  const int32_t *rowFirst = firstArr.data, *rowLast = lastArr.data;
  for (int k = 0; k < nz; k++)
    for (int j = 0; j < ny; j++) {
      /* shape.ts: only from one before the first to the last ROI voxel of this row and its +y, +z rows. */
      const int r0 = j + ny * k;
      const int rs[3] = {r0, j + 1 < ny ? r0 + 1 : -1, k + 1 < nz ? r0 + ny : -1};
      int lo = nx, hi = -1;
      for (int q = 0; q < 3; q++) {
        const int rr = rs[q];
        if (rr < 0 || rowFirst[rr] < 0) continue;
        if (rowFirst[rr] < lo) lo = rowFirst[rr];
        if (rowLast[rr] > hi) hi = rowLast[rr];
      }
      if (hi >= nx) hi = nx - 1;
      const int i0 = lo - 1 > 0 ? lo - 1 : 0;
      size_t o = (size_t)nx * r0 + i0;
      for (int i = i0; i <= hi; i++, o++) {
        const uint8_t m = mask[o];
        if (i + 1 < nx && mask[o + 1] != m) ADD(2 * i + 1, 2 * j, 2 * k);
        if (j + 1 < ny && mask[o + nx] != m) ADD(2 * i, 2 * j + 1, 2 * k);
        if (k + 1 < nz && mask[o + nxy] != m) ADD(2 * i, 2 * j, 2 * k + 1);
      }
    }
#undef ADD
  int m = 0;
  double slice = 0;
  for (int Z = 0; Z < NZ; Z++) {
    const int from = m;
    for (int Y = 0; Y < NY; Y++) {
      const int kx = Y + NY * Z;
      if (xLo[kx] == -1) continue;
      const int32_t ends[2] = {xLo[kx], xHi[kx]};
      for (int e = 0; e < (xHi[kx] != xLo[kx] ? 2 : 1); e++) {
        px[m] = ends[e] * 0.5 * sx;
        py[m] = Y * 0.5 * sy;
        pz[m] = Z * 0.5 * sz;
        pu[m - from] = ends[e];
        pv[m - from] = Y;
        m++;
      }
    }
    slice = dmax(slice, plane_max_distance(pu, pv, m - from, sx, sy, hull));
  }
  const double max3d = max_distance(px, py, pz, 0, m, r, order);
  /* Columns: the ends along x grouped by Y (U = X, V = Z); rows: the ends along y grouped by X (U = Y, V = Z). */
  double column = 0;
  for (int Y = 0; Y < NY; Y++)
    column = dmax(column, plane_max_distance(pu, pv, plane_ends(xLo, xHi, Y, NY, NZ, pu, pv), sx, sz, hull));
  double row = 0;
  for (int X = 0; X < NX; X++)
    row = dmax(row, plane_max_distance(pu, pv, plane_ends(yLo, yHi, X, NX, NZ, pu, pv), sy, sz, hull));
  double *out = outArr.data;
  out[0] = max3d;
  out[1] = slice;
  out[2] = column;
  out[3] = row;
  free(ints);
  free(dbl);
  return NULL;
}

/*
 * neighbourhood.ts paddedRoi, the fill: (levels, mask Uint8Array, nx, ny, nz, pad, idx, level,
 * compact, voxels) → the number of ROI voxels written to `voxels`. `level` and `compact` are the
 * zeroed padded arrays, idx maps a grey level to its compact index + 1.
 */
static napi_value padded_fill(napi_env env, napi_callback_info info) {
  ARGS(10);
  I32(0, levels);
  Typed maskArr;
  if (!typed_arg(env, argv[1], napi_uint8_array, &maskArr, "mask must be a Uint8Array")) return NULL;
  INT(2, nx); INT(3, ny); INT(4, nz); INT(5, pad); I32(6, idx); I32(7, level); I32(8, compact); I32(9, voxels);
  const size_t px = (size_t)nx + 2 * pad, py = (size_t)ny + 2 * pad, pz = (size_t)nz + 2 * pad;
  const size_t n = (size_t)nx * ny * nz;
  if (nx < 1 || ny < 1 || nz < 1 || pad < 0 || levels.length < n || maskArr.length < n || level.length < px * py * pz ||
      compact.length < px * py * pz) {
    napi_throw_range_error(env, NULL, "paddedRoi: arrays are too short");
    return NULL;
  }
  const int32_t *lv = levels.data, *ix = idx.data;
  const uint8_t *mask = maskArr.data;
  int32_t *outLevel = level.data, *outCompact = compact.data, *vx = voxels.data;
  int32_t count = 0;
  size_t o = 0;
  for (int k = 0; k < nz; k++)
    for (int j = 0; j < ny; j++) {
      size_t p = pad + px * (j + pad + py * (k + pad));
      for (int i = 0; i < nx; i++, o++, p++) {
        if (!mask[o]) continue;
        const int32_t g = lv[o];
        if (g < 0 || (size_t)g >= idx.length || (size_t)count >= voxels.length) {
          napi_throw_range_error(env, NULL, "paddedRoi: a grey level is outside the index map or voxels is too short");
          return NULL;
        }
        outLevel[p] = g;
        outCompact[p] = ix[g];
        vx[count++] = (int32_t)p;
      }
    }
  return make_int(env, count);
}

/*
 * caseDiagnostics.ts integerStats: minimum, maximum and sum of an integer typed array, the sum
 * exact (int64; the twin's block sums are exact integers too while below 2^53).
 * (data Int8…Uint32Array, out Float64Array(3)) writes out = [min, max, sum].
 */
#define STATS(T)                                                                                   \
  do {                                                                                             \
    const T *x = (const T *)data.data;                                                             \
    int64_t mn = x[0], mx = x[0], sum = 0;                                                         \
    for (size_t i = 0; i < data.length; i++) {                                                     \
      const int64_t v = x[i];                                                                      \
      if (v < mn) mn = v;                                                                          \
      if (v > mx) mx = v;                                                                          \
      sum += v;                                                                                    \
    }                                                                                              \
    out[0] = (double)mn;                                                                           \
    out[1] = (double)mx;                                                                           \
    out[2] = (double)sum;                                                                          \
  } while (0)

static napi_value integer_stats(napi_env env, napi_callback_info info) {
  ARGS(2);
  bool is = false;
  Typed data;
  napi_value buffer;
  size_t offset;
  if (napi_is_typedarray(env, argv[0], &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, argv[0], &data.type, &data.length, &data.data, &buffer, &offset) != napi_ok) {
    napi_throw_type_error(env, NULL, "data must be an integer typed array");
    return NULL;
  }
  F64(1, outArr);
  if (data.length == 0 || outArr.length < 3) {
    napi_throw_range_error(env, NULL, "integerStats: empty data or out too short");
    return NULL;
  }
  double *out = outArr.data;
  switch (data.type) {
    case napi_int8_array: STATS(int8_t); break;
    case napi_uint8_array: STATS(uint8_t); break;
    case napi_int16_array: STATS(int16_t); break;
    case napi_uint16_array: STATS(uint16_t); break;
    case napi_int32_array: STATS(int32_t); break;
    case napi_uint32_array: STATS(uint32_t); break;
    default:
      napi_throw_type_error(env, NULL, "data must be an integer typed array");
      return NULL;
  }
  return NULL;
}

/*
 * preprocess.ts cropRoi without normalisation: values[o] = image voxel, mask[o] = 1 where the
 * label map's channel equals `label`, voxels[] = the ROI's crop offsets in order. Returns the ROI
 * voxel count, or −1 − o for the first ROI voxel o whose intensity is not finite (the caller
 * names it). Image and label map may be any numeric typed array; each voxel is read as a double,
 * as the TypeScript reads it.
 * (data, labels, components, channel, label, nx, ny, lower Int32Array[3], size Int32Array[3], values, mask, voxels)
 */
static int typed_any(napi_env env, napi_value v, Typed *out, const char *what) {
  bool is = false;
  napi_value buffer;
  size_t offset;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &offset) != napi_ok ||
      out->type == napi_bigint64_array || out->type == napi_biguint64_array) {
    napi_throw_type_error(env, NULL, what);
    return 0;
  }
  return 1;
}

/* One row of the image into out[0…n): a loop per element type, so the type switch runs once per row. */
static void typed_row(const Typed *t, size_t from, int n, double *out) {
#define ROW(T)                                                                                     \
  do {                                                                                             \
    const T *src = (const T *)t->data + from;                                                      \
    for (int i = 0; i < n; i++) out[i] = src[i];                                                   \
  } while (0)
  switch (t->type) {
    case napi_int8_array: ROW(int8_t); break;
    case napi_uint8_array:
    case napi_uint8_clamped_array: ROW(uint8_t); break;
    case napi_int16_array: ROW(int16_t); break;
    case napi_uint16_array: ROW(uint16_t); break;
    case napi_int32_array: ROW(int32_t); break;
    case napi_uint32_array: ROW(uint32_t); break;
    case napi_float32_array: ROW(float); break;
    default: ROW(double); break;
  }
#undef ROW
}

/* One row of a label map: mask[i] = 1 and out[·] = o0 + i where element from + i·stride equals label; the count. */
static int32_t label_row(const Typed *t, size_t from, int stride, int n, double label, int32_t o0, uint8_t *mask, int32_t *out) {
  int32_t c = 0;
#define LROW(T)                                                                                    \
  do {                                                                                             \
    const T *src = (const T *)t->data + from;                                                      \
    for (int i = 0; i < n; i++)                                                                    \
      if ((double)src[(size_t)i * stride] == label) {                                              \
        mask[i] = 1;                                                                               \
        out[c++] = o0 + i;                                                                         \
      }                                                                                            \
  } while (0)
  switch (t->type) {
    case napi_int8_array: LROW(int8_t); break;
    case napi_uint8_array:
    case napi_uint8_clamped_array: LROW(uint8_t); break;
    case napi_int16_array: LROW(int16_t); break;
    case napi_uint16_array: LROW(uint16_t); break;
    case napi_int32_array: LROW(int32_t); break;
    case napi_uint32_array: LROW(uint32_t); break;
    case napi_float32_array: LROW(float); break;
    default: LROW(double); break;
  }
#undef LROW
  return c;
}

static napi_value crop_roi(napi_env env, napi_callback_info info) {
  ARGS(12);
  Typed data, labels, maskArr;
  if (!typed_any(env, argv[0], &data, "data must be a numeric typed array")) return NULL;
  if (!typed_any(env, argv[1], &labels, "labels must be a numeric typed array")) return NULL;
  INT(2, comps); INT(3, channel);
  double label;
  if (napi_get_value_double(env, argv[4], &label) != napi_ok) {
    napi_throw_type_error(env, NULL, "label must be a number");
    return NULL;
  }
  INT(5, nx); INT(6, ny); I32(7, lowerArr); I32(8, sizeArr); F64(9, values);
  if (!typed_arg(env, argv[10], napi_uint8_array, &maskArr, "mask must be a Uint8Array")) return NULL;
  I32(11, voxels);
  if (lowerArr.length < 3 || sizeArr.length < 3 || comps < 1 || channel < 0 || channel >= comps || nx < 1 || ny < 1) {
    napi_throw_range_error(env, NULL, "cropRoi: bad box or channel");
    return NULL;
  }
  const int32_t *lo = lowerArr.data, *sz = sizeArr.data;
  const size_t n = (size_t)sz[0] * sz[1] * sz[2];
  const size_t lastVoxel = (size_t)(lo[0] + sz[0] - 1) + (size_t)nx * ((size_t)(lo[1] + sz[1] - 1) + (size_t)ny * (lo[2] + sz[2] - 1));
  if (lo[0] < 0 || lo[1] < 0 || lo[2] < 0 || sz[0] < 1 || sz[1] < 1 || sz[2] < 1 || lo[0] + sz[0] > nx ||
      lo[1] + sz[1] > ny || values.length < n || maskArr.length < n || voxels.length < n || data.length <= lastVoxel ||
      labels.length <= lastVoxel * comps + channel) {
    napi_throw_range_error(env, NULL, "cropRoi: arrays are too short for the box");
    return NULL;
  }
  double *val = values.data;
  uint8_t *mask = maskArr.data;
  int32_t *vx = voxels.data;
  int32_t count = 0;
  size_t o = 0;
  for (int k = 0; k < sz[2]; k++)
    for (int j = 0; j < sz[1]; j++) {
      const size_t row = (size_t)lo[0] + (size_t)nx * ((size_t)lo[1] + j + (size_t)ny * ((size_t)lo[2] + k));
      typed_row(&data, row, sz[0], val + o);
      const int32_t before = count;
      count = label_row(&labels, row * comps + channel, comps, sz[0], label, (int32_t)o, mask + o, vx + count) + before;
      for (int32_t c = before; c < count; c++)
        if (!isfinite(val[vx[c]])) return make_int(env, -1 - vx[c]);
      o += sz[0];
    }
  return make_int(env, count);
}

/*
 * glcm.ts computeGlcm after the counts, unweighted: symmetrise each angle's matrix (if asked), drop
 * the empty ones (when there are several), normalise the kept ones to sum 1, compacting them in
 * place. (counts Float64Array(na·ngp²), na, ngp, symmetric 0/1) → number of matrices kept.
 */
static napi_value glcm_finish(napi_env env, napi_callback_info info) {
  ARGS(4);
  F64(0, countsArr); INT(1, na); INT(2, ngp); INT(3, symmetric);
  const size_t nn = (size_t)ngp * ngp;
  if (na < 0 || ngp < 0 || countsArr.length < (size_t)na * nn) {
    napi_throw_range_error(env, NULL, "glcmFinish: counts is too short");
    return NULL;
  }
  double *c = countsArr.data;
  if (symmetric)
    for (int a = 0; a < na; a++) {
      double *m = c + (size_t)a * nn;
      for (int r = 0; r < ngp; r++)
        for (int q = r; q < ngp; q++) {
          const double v = m[(size_t)r * ngp + q] + m[(size_t)q * ngp + r];
          m[(size_t)r * ngp + q] = v;
          m[(size_t)q * ngp + r] = v;
        }
    }
  int kept = 0;
  for (int a = 0; a < na; a++) {
    const double *m = c + (size_t)a * nn;
    double sum = 0;
    for (size_t e = 0; e < nn; e++) sum += m[e];
    if (sum == 0 && na > 1) continue;
    const double div = sum == 0 ? NAN : sum;
    double *out = c + (size_t)kept * nn;
    for (size_t e = 0; e < nn; e++) out[e] = m[e] / div;
    kept++;
  }
  return make_int(env, kept);
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor fns[] = {
      {"glcmCounts", NULL, glcm_counts, NULL, NULL, NULL, napi_enumerable, NULL},
      {"glrlmRuns", NULL, glrlm_runs, NULL, NULL, NULL, napi_enumerable, NULL},
      {"glszmZones", NULL, glszm_zones, NULL, NULL, NULL, napi_enumerable, NULL},
      {"neighbourCounts", NULL, neighbour_counts, NULL, NULL, NULL, napi_enumerable, NULL},
      {"symmetricMcc", NULL, symmetric_mcc, NULL, NULL, NULL, napi_enumerable, NULL},
      {"paddedFill", NULL, padded_fill, NULL, NULL, NULL, napi_enumerable, NULL},
      {"integerStats", NULL, integer_stats, NULL, NULL, NULL, napi_enumerable, NULL},
      {"shapeDiameters", NULL, shape_diameters, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cropRoi", NULL, crop_roi, NULL, NULL, NULL, napi_enumerable, NULL},
      {"glcmFinish", NULL, glcm_finish, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof(fns) / sizeof(fns[0]), fns);
  return exports;
}
