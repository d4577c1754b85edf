/**
 * Multilayer perceptron classifier as scikit-learn's MLPClassifier defines it (binary case):
 * fully connected hidden layers (`hidden_layer_sizes`, default [100]) with `activation` relu
 * (default), tanh, logistic or identity; one logistic output unit; loss = mean log-loss +
 * alpha/(2·n) · Σ‖W‖² over the weight matrices (not the biases), n the rows of the batch;
 * Glorot-uniform initial weights and biases (bound √(6/(fan_in + fan_out)), √(2/(…)) for logistic).
 * Solvers: 'adam' (default; learning_rate_init 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8, batch_size
 * min(200, n), rows shuffled each epoch, stop when the epoch loss has not improved by `tol` for
 * n_iter_no_change epochs or after max_iter epochs) and 'lbfgs' (memory 10, backtracking Armijo
 * line search; stop when the projected gradient is below tol or after max_iter iterations).
 * The random stream is RadStudy's seeded generator, not numpy's: fits equal sklearn's in
 * definition and in distribution, not weight for weight. Features should be scaled first.
 */
import { StatsInputError } from '../../stats/common.js';
import { Rng } from '../../stats/random.js';
import type { DataMatrix, FittedClassifier, SavedClassifier } from '../types.js';
import { checkParams, choiceParam, intParam, numberParam } from './params.js';
import type { Params } from './params.js';

export type Activation = 'relu' | 'tanh' | 'logistic' | 'identity';

export interface MlpNet {
  /** Layer widths: inputs, hidden…, 1. */
  sizes: number[];
  activation: Activation;
  /** Flat parameters: for each layer l, W (sizes[l] × sizes[l+1], row-major) then b (sizes[l+1]). */
  theta: Float64Array;
}

/** Offsets of W and b of each layer in theta. */
export function layout(sizes: readonly number[]): { w: number; b: number; rows: number; cols: number }[] {
  const out: { w: number; b: number; rows: number; cols: number }[] = [];
  let o = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const rows = sizes[l]!;
    const cols = sizes[l + 1]!;
    out.push({ w: o, b: o + rows * cols, rows, cols });
    o += rows * cols + cols;
  }
  return out;
}

const act = (a: Activation, z: number): number =>
  a === 'relu' ? (z > 0 ? z : 0) : a === 'tanh' ? Math.tanh(z) : a === 'logistic' ? 1 / (1 + Math.exp(-z)) : z;
/** Derivative expressed through the activation value h = f(z), as sklearn's DERIVATIVES. */
const dact = (a: Activation, h: number): number =>
  a === 'relu' ? (h > 0 ? 1 : 0) : a === 'tanh' ? 1 - h * h : a === 'logistic' ? h * (1 - h) : 1;

/** Forward pass of rows → activations per layer (row-major, rows × width). */
function forward(net: MlpNet, X: Float64Array, rows: number): Float64Array[] {
  const L = layout(net.sizes);
  const acts: Float64Array[] = [X];
  for (let l = 0; l < L.length; l++) {
    const { w, b, rows: nin, cols: nout } = L[l]!;
    const input = acts[l]!;
    const out = new Float64Array(rows * nout);
    const last = l === L.length - 1;
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < nout; c++) {
        let z = net.theta[b + c]!;
        for (let r = 0; r < nin; r++) z += input[i * nin + r]! * net.theta[w + r * nout + c]!;
        out[i * nout + c] = last ? 1 / (1 + Math.exp(-z)) : act(net.activation, z);
      }
    }
    acts.push(out);
  }
  return acts;
}

/**
 * Loss (sklearn's: mean log-loss with probabilities clipped to [1e-15, 1 − 1e-15] would change
 * the gradient; like sklearn's backprop the gradient is of the unclipped loss) and its gradient.
 */
export function lossAndGradient(
  net: MlpNet,
  X: Float64Array,
  y: ArrayLike<number>,
  rows: number,
  alpha: number,
  grad: Float64Array,
): number {
  const L = layout(net.sizes);
  const acts = forward(net, X, rows);
  const out = acts[acts.length - 1]!;
  let loss = 0;
  for (let i = 0; i < rows; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, out[i]!));
    loss -= y[i]! * Math.log(p) + (1 - y[i]!) * Math.log(1 - p);
  }
  loss /= rows;
  let sq = 0;
  for (const { w, rows: nin, cols: nout } of L) for (let k = w; k < w + nin * nout; k++) sq += net.theta[k]! * net.theta[k]!;
  loss += (0.5 * alpha * sq) / rows;
  grad.fill(0);
  // δ of the output layer: (p − y) / n for logistic output with log-loss.
  let delta = new Float64Array(rows);
  for (let i = 0; i < rows; i++) delta[i] = (out[i]! - y[i]!) / rows;
  for (let l = L.length - 1; l >= 0; l--) {
    const { w, b, rows: nin, cols: nout } = L[l]!;
    const input = acts[l]!;
    for (let i = 0; i < rows; i++)
      for (let c = 0; c < nout; c++) {
        const d = delta[i * nout + c]!;
        if (d === 0) continue;
        grad[b + c] += d;
        for (let r = 0; r < nin; r++) grad[w + r * nout + c] += input[i * nin + r]! * d;
      }
    for (let k = w; k < w + nin * nout; k++) grad[k] += (alpha * net.theta[k]!) / rows;
    if (l === 0) break;
    const next = new Float64Array(rows * nin);
    for (let i = 0; i < rows; i++)
      for (let r = 0; r < nin; r++) {
        let s = 0;
        for (let c = 0; c < nout; c++) s += delta[i * nout + c]! * net.theta[w + r * nout + c]!;
        next[i * nin + r] = s * dact(net.activation, input[i * nin + r]!);
      }
    delta = next;
  }
  return loss;
}

function initNet(sizes: number[], activation: Activation, rng: Rng): MlpNet {
  const L = layout(sizes);
  const last = L[L.length - 1]!;
  const theta = new Float64Array(last.b + last.cols);
  for (const { w, b, rows, cols } of L) {
    const bound = Math.sqrt((activation === 'logistic' ? 2 : 6) / (rows + cols));
    for (let k = w; k < b + cols; k++) theta[k] = (2 * rng.nextDouble() - 1) * bound;
  }
  return { sizes, activation, theta };
}

interface TrainOptions {
  alpha: number;
  maxIter: number;
  tol: number;
  learningRate: number;
  batchSize: number;
  nIterNoChange: number;
}

function trainAdam(net: MlpNet, X: DataMatrix, y: Float64Array, o: TrainOptions, rng: Rng): { iterations: number; loss: number } {
  const n = X.nrow;
  const p = X.ncol;
  const m = new Float64Array(net.theta.length);
  const v = new Float64Array(net.theta.length);
  const g = new Float64Array(net.theta.length);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const bx = new Float64Array(o.batchSize * p);
  const by = new Float64Array(o.batchSize);
  let t = 0;
  let best = Infinity;
  let noChange = 0;
  let epoch = 0;
  let epochLoss = Infinity;
  for (epoch = 1; epoch <= o.maxIter; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    let accumulated = 0;
    for (let start = 0; start < n; start += o.batchSize) {
      const rows = Math.min(o.batchSize, n - start);
      for (let r = 0; r < rows; r++) {
        const src = order[start + r]!;
        for (let c = 0; c < p; c++) bx[r * p + c] = X.data[src * p + c]!;
        by[r] = y[src]!;
      }
      const loss = lossAndGradient(net, bx.subarray(0, rows * p), by, rows, o.alpha, g);
      accumulated += loss * rows;
      t++;
      const lr = (o.learningRate * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      for (let k = 0; k < g.length; k++) {
        m[k] = 0.9 * m[k]! + 0.1 * g[k]!;
        v[k] = 0.999 * v[k]! + 0.001 * g[k]! * g[k]!;
        net.theta[k] -= (lr * m[k]!) / (Math.sqrt(v[k]!) + 1e-8);
      }
    }
    epochLoss = accumulated / n;
    if (epochLoss > best - o.tol) noChange++;
    else noChange = 0;
    if (epochLoss < best) best = epochLoss;
    if (noChange > o.nIterNoChange) break;
  }
  return { iterations: Math.min(epoch, o.maxIter), loss: epochLoss };
}

function trainLbfgs(net: MlpNet, X: DataMatrix, y: Float64Array, o: TrainOptions): { iterations: number; loss: number } {
  const dim = net.theta.length;
  const memory = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const g = new Float64Array(dim);
  const gNew = new Float64Array(dim);
  let f = lossAndGradient(net, X.data, y, X.nrow, o.alpha, g);
  const dir = new Float64Array(dim);
  const alphaHist = new Float64Array(memory);
  let it = 0;
  for (it = 1; it <= o.maxIter; it++) {
    let gmax = 0;
    for (let k = 0; k < dim; k++) gmax = Math.max(gmax, Math.abs(g[k]!));
    if (gmax <= o.tol) break;
    // Two-loop recursion: dir = −H·g.
    for (let k = 0; k < dim; k++) dir[k] = -g[k]!;
    for (let h = S.length - 1; h >= 0; h--) {
      const s = S[h]!;
      const yy = Y[h]!;
      let sy = 0;
      let sd = 0;
      for (let k = 0; k < dim; k++) {
        sy += s[k]! * yy[k]!;
        sd += s[k]! * dir[k]!;
      }
      const a = sd / sy;
      alphaHist[h] = a;
      for (let k = 0; k < dim; k++) dir[k] -= a * yy[k]!;
    }
    if (S.length > 0) {
      const s = S[S.length - 1]!;
      const yy = Y[Y.length - 1]!;
      let sy = 0;
      let yy2 = 0;
      for (let k = 0; k < dim; k++) {
        sy += s[k]! * yy[k]!;
        yy2 += yy[k]! * yy[k]!;
      }
      const gamma = sy / yy2;
      for (let k = 0; k < dim; k++) dir[k] *= gamma;
    }
    for (let h = 0; h < S.length; h++) {
      const s = S[h]!;
      const yy = Y[h]!;
      let sy = 0;
      let yd = 0;
      for (let k = 0; k < dim; k++) {
        sy += s[k]! * yy[k]!;
        yd += yy[k]! * dir[k]!;
      }
      const b = yd / sy;
      for (let k = 0; k < dim; k++) dir[k] += s[k]! * (alphaHist[h]! - b);
    }
    let slope = 0;
    for (let k = 0; k < dim; k++) slope += g[k]! * dir[k]!;
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      for (let k = 0; k < dim; k++) dir[k] = -g[k]!;
      slope = 0;
      for (let k = 0; k < dim; k++) slope += g[k]! * dir[k]!;
    }
    const start = Float64Array.from(net.theta);
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let k = 0; k < dim; k++) net.theta[k] = start[k]! + step * dir[k]!;
      fNew = lossAndGradient(net, X.data, y, X.nrow, o.alpha, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) {
      net.theta.set(start);
      break;
    }
    const s = new Float64Array(dim);
    const yy = new Float64Array(dim);
    let sy = 0;
    for (let k = 0; k < dim; k++) {
      s[k] = net.theta[k]! - start[k]!;
      yy[k] = gNew[k]! - g[k]!;
      sy += s[k]! * yy[k]!;
    }
    if (sy > 1e-12) {
      S.push(s);
      Y.push(yy);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    const improvement = f - fNew;
    f = fNew;
    g.set(gNew);
    if (improvement <= 1e-15 * Math.max(1, Math.abs(f))) break;
  }
  return { iterations: Math.min(it, o.maxIter), loss: f };
}

interface MlpState {
  sizes: number[];
  activation: Activation;
  theta: number[];
  iterations: number;
  loss: number;
}

function restore(params: Record<string, unknown>, state: MlpState): FittedClassifier {
  const net: MlpNet = { sizes: state.sizes, activation: state.activation, theta: Float64Array.from(state.theta) };
  return {
    kind: 'mlp',
    predictProba(X: DataMatrix): Float64Array {
      if (X.ncol !== state.sizes[0])
        throw new StatsInputError(`MLP model: ${X.ncol} features given, fitted on ${state.sizes[0]}`);
      const acts = forward(net, Float64Array.from(X.data), X.nrow);
      return Float64Array.from(acts[acts.length - 1]!);
    },
    toJSON(): SavedClassifier {
      return { kind: 'mlp', params, state };
    },
  };
}

export function fitMlp(X: DataMatrix, y: Float64Array, params: Params, seed: number): FittedClassifier {
  const kind = 'mlp';
  checkParams(kind, params, [
    'hidden_layer_sizes',
    'activation',
    'solver',
    'alpha',
    'learning_rate_init',
    'max_iter',
    'tol',
    'batch_size',
    'n_iter_no_change',
  ]);
  const hidden = params.hidden_layer_sizes ?? [100];
  if (!Array.isArray(hidden) || hidden.length === 0 || hidden.some((h) => !Number.isInteger(h) || h < 1 || h > 4096))
    throw new StatsInputError(
      `model 'mlp': hidden_layer_sizes must be a list of whole numbers from 1 to 4096, e.g. [100] or [32, 16]`,
    );
  const activation = choiceParam<Activation>(kind, params, 'activation', 'relu', ['relu', 'tanh', 'logistic', 'identity']);
  const solver = choiceParam(kind, params, 'solver', 'adam', ['adam', 'lbfgs'] as const);
  if (X.nrow < 2) throw new StatsInputError(`model 'mlp': ${X.nrow} training row(s)`);
  const o: TrainOptions = {
    alpha: numberParam(kind, params, 'alpha', 1e-4, 0),
    learningRate: numberParam(kind, params, 'learning_rate_init', 1e-3, 1e-7, 10),
    maxIter: intParam(kind, params, 'max_iter', 200, 1, 100_000),
    tol: numberParam(kind, params, 'tol', 1e-4, 0),
    batchSize: Math.min(X.nrow, intParam(kind, params, 'batch_size', Math.min(200, X.nrow), 1)),
    nIterNoChange: intParam(kind, params, 'n_iter_no_change', 10, 1),
  };
  const rng = new Rng(seed);
  const net = initNet([X.ncol, ...(hidden as number[]), 1], activation, rng);
  const r = solver === 'adam' ? trainAdam(net, X, y, o, rng) : trainLbfgs(net, X, y, o);
  return restore(
    { ...params },
    { sizes: net.sizes, activation, theta: Array.from(net.theta), iterations: r.iterations, loss: r.loss },
  );
}

export function restoreMlp(saved: SavedClassifier): FittedClassifier {
  return restore(saved.params, saved.state as MlpState);
}
