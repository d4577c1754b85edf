/**
 * Multiple-testing adjustment as R's `p.adjust`: Bonferroni, Holm (1979), Hochberg (1988),
 * Benjamini–Hochberg (1995, "BH"/"fdr") and Benjamini–Yekutieli (2001, "BY"). NaN entries stay
 * NaN and do not count toward the number of tests (R's behaviour with NA).
 */
import { StatsInputError } from './common.js';

export type PAdjustMethod = 'bonferroni' | 'holm' | 'hochberg' | 'BH' | 'fdr' | 'BY' | 'none';

export function pAdjust(p: ArrayLike<number>, method: PAdjustMethod = 'holm'): Float64Array {
  const out = new Float64Array(p.length).fill(NaN);
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (Number.isNaN(v)) continue;
    if (v < 0 || v > 1) throw new StatsInputError(`p.adjust: p-value ${v} at position ${i + 1} is outside [0, 1]`);
    idx.push(i);
  }
  const n = idx.length;
  if (n === 0) return out;
  const pv = idx.map((i) => p[i] as number);
  const set = (k: number, v: number): void => {
    out[idx[k] as number] = Math.min(1, v);
  };
  switch (method) {
    case 'none':
      pv.forEach((v, k) => set(k, v));
      return out;
    case 'bonferroni':
      pv.forEach((v, k) => set(k, n * v));
      return out;
    case 'holm': {
      // Increasing order; adjusted = cummax((n − i + 1) p_(i)).
      const o = [...pv.keys()].sort((a, b) => (pv[a] as number) - (pv[b] as number) || a - b);
      let run = 0;
      o.forEach((k, i) => {
        run = Math.max(run, (n - i) * (pv[k] as number));
        set(k, run);
      });
      return out;
    }
    case 'hochberg':
    case 'BH':
    case 'fdr':
    case 'BY': {
      // Decreasing order; adjusted = cummin(f(i) p_(i)) with i = n..1.
      const o = [...pv.keys()].sort((a, b) => (pv[b] as number) - (pv[a] as number) || a - b);
      let q = 1;
      if (method === 'BY') {
        q = 0;
        for (let i = 1; i <= n; i++) q += 1 / i;
      }
      let run = Infinity;
      o.forEach((k, j) => {
        const i = n - j;
        const f = method === 'hochberg' ? n - i + 1 : (q * n) / i;
        run = Math.min(run, f * (pv[k] as number));
        set(k, run);
      });
      return out;
    }
    default:
      throw new StatsInputError(`p.adjust: unknown method '${String(method)}'`);
  }
}
