/**
 * Quantile inversion shared by all continuous distributions.
 *
 * Each distribution is parameterised by a variable u on the whole real line (x itself for the
 * normal, log x for positive support, logit x for (0,1)), in which the log of the relevant
 * tail probability is close to linear in the far tails. Newton's method on
 *   h(u) = log F(x(u)) − log p        (lower tail), or
 *   h(u) = log p − log S(x(u))        (upper tail),
 * both increasing in u, converges in a handful of steps; a bracket of signs found along the way
 * guards each step with bisection, so the iteration cannot run away from a bad start.
 */

export interface TailEval {
  /** The tail probability being matched (lower or upper, per the solve call), at x(u). */
  tail: number;
  /** d tail / du in absolute value: density(x) · |dx/du|. */
  slope: number;
}

/**
 * Find u with tail(u) = p. `evalAt(u)` returns the tail probability and |d tail/du|.
 * `lowerTail` says whether the tail increases (lower) or decreases (upper) with u.
 */
export function solveTail(evalAt: (u: number) => TailEval, p: number, lowerTail: boolean, u0: number): number {
  const logP = Math.log(p);
  let lo = -Infinity;
  let hi = Infinity;
  let u = u0;
  let step = 1;
  for (let iter = 0; iter < 300; iter++) {
    const { tail, slope } = evalAt(u);
    let h: number;
    let dh: number;
    if (tail <= 0) {
      // Far beyond double range for this tail: move toward the centre.
      h = lowerTail ? -Infinity : Infinity;
      dh = 1;
    } else if (lowerTail) {
      h = Math.log(tail) - logP;
      dh = slope / tail;
    } else {
      h = logP - Math.log(tail);
      dh = slope / tail;
    }
    if (h === 0) return u;
    if (h < 0) lo = u;
    else hi = u;
    let next: number;
    if (Number.isFinite(h) && dh > 0 && Number.isFinite(dh)) {
      next = u - h / dh;
    } else {
      next = NaN;
    }
    if (!(next > lo && next < hi)) {
      if (Number.isFinite(lo) && Number.isFinite(hi)) next = 0.5 * (lo + hi);
      else {
        // Expand geometrically toward the unknown side.
        step *= 2;
        next = h < 0 ? u + step : u - step;
      }
    }
    const du = next - u;
    u = next;
    if (Math.abs(du) <= 2e-16 * Math.max(1, Math.abs(u))) return u;
    if (Number.isFinite(lo) && Number.isFinite(hi) && hi - lo <= 4e-16 * Math.max(1, Math.abs(u))) return u;
  }
  return u;
}

/** Validate a probability argument; returns true when the answer is an endpoint. */
export function checkProbability(p: number, name: string): void {
  if (Number.isNaN(p)) return;
  if (p < 0 || p > 1) throw new RangeError(`${name}: probability ${p} is outside [0, 1]`);
}
