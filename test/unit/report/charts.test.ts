/**
 * Figures of an analysis (main/report/figureData.ts, charts/*, render.ts): the numbers drawn are
 * the stored result's (AUCs and DeLong CIs in the ROC legends equal metrics[set] exactly, the
 * decision curve equals NB = TP/n − FP/n · pt/(1 − pt) recomputed by hand at pt = 0.2 to 1e-9),
 * the LASSO path follows cv.glmnet's λ.min / 1-SE definitions; and the server-rendered SVG has one ROC path per model plus the chance line, legend text with
 * the AUCs, and PNGs at 300 and 600 dpi of 7 in width (2016 / 4032 px) declaring that dpi.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../../main/compute/ml/analysis.js';
import { chartCatalogue } from '../../../main/report/charts/index.js';
import { rocLegend } from '../../../main/report/charts/performance.js';
import type { FigureData } from '../../../main/report/charts/types.js';
import { figureData } from '../../../main/report/figureData.js';
import { pngDpi, renderSvg, svgToPng } from '../../../main/report/render.js';
import { runAnalysis } from '../../../main/compute/ml/analysis.js';
import { datasetFromTable } from '../../../main/compute/ml/dataset.js';
import { parseAnalysisSpec } from '../../../main/compute/ml/spec.js';
import { Rng } from '../../../main/compute/stats/random.js';
import { tmpDir } from '../../helpers/tmp.js';
import { runFixture } from './fixture.js';

const t = tmpDir('radstudy-report-charts-');
let result: AnalysisResult;
let fd: FigureData;
beforeAll(() => {
  result = runFixture(t.dir).result;
  fd = figureData(result);
});
afterAll(() => t.cleanup());

/** `d` attributes of the SVG paths whose stroke is `color`. */
const strokePaths = (svg: string, color: string): number =>
  [...svg.matchAll(/<path [^>]*>/g)].filter((m) => m[0].includes(`stroke="${color}"`) && / d="M/.test(m[0])).length;

describe('figure data', () => {
  it('carries the stored metrics, DeLong matrices, LASSO paths and calibration per model and set', () => {
    expect(fd.sets).toEqual(['train', 'cv', 'test', 'external']);
    expect(fd.roc).toHaveLength(2 * 4);
    for (const s of fd.roc) {
      const m = result.models.find((x) => x.name === s.model)!.metrics[s.set]!;
      expect(s.auc).toBe(m.auc);
      expect(s.ci).toEqual(m.aucCi);
      expect(s.fpr[0]).toBe(0);
      expect(s.tpr[s.tpr.length - 1]).toBe(1);
    }
    expect(fd.delong.map((d) => d.set).sort()).toEqual(['cv', 'external', 'test', 'train']);
    const ext = fd.delong.find((d) => d.set === 'external')!;
    expect(ext.pValues[0]![1]).toBe(result.comparison.external!.pValues[0]![1]);
    expect(fd.lasso).toHaveLength(0);
    expect(fd.coefficients.map((c) => c.model)).toEqual(['Rad-score (LR)']);
    const train = fd.calibration.find((c) => c.set === 'train' && c.model === 'Rad-score (LR)')!;
    expect(train.corrected?.B).toBe(20);
    expect(train.hosmerLemeshowP).toBe(result.models[0]!.metrics.train!.hosmerLemeshowP);
    expect(fd.calibration.find((c) => c.set === 'external')!.corrected).toBeNull();
    const cm = fd.confusion.find((c) => c.set === 'external' && c.model === 'Rad-score (LR)')!;
    const mm = result.models[0]!.metrics.external!;
    expect(cm.tp).toBe(mm.sensitivity.successes);
    expect(cm.tp + cm.fn).toBe(mm.events);
    expect(cm.tn).toBe(mm.specificity.successes);
  });

  it('decision curves equal the net-benefit formula and list where the model helps', () => {
    const d = fd.decisionCurves.find((x) => x.set === 'external' && x.model === 'Rad-score (LR)')!;
    const preds = result.models[0]!.predictions.external;
    let tp = 0;
    let fp = 0;
    let n = 0;
    preds.forEach((p, i) => {
      if (p === null || Number.isNaN(p)) return;
      n++;
      if (p >= 0.2 && result.rows.y[i] === 1) tp++;
      else if (p >= 0.2) fp++;
    });
    const k = d.thresholds.indexOf(0.2);
    expect(d.netBenefit[k]!).toBeCloseTo(tp / n - (fp / n) * 0.25, 5);
    expect(d.helps.length).toBeGreaterThan(0);
    for (const [a, b] of d.helps) {
      const ka = d.thresholds.indexOf(a);
      expect(d.netBenefit[ka]!).toBeGreaterThan(Math.max(0, d.treatAll[ka]!));
      expect(b).toBeGreaterThanOrEqual(a);
    }
  });
});

describe('server-side rendering', () => {
  it('renders a ROC SVG with one path per model, the chance line and the AUCs in the legend', () => {
    const entry = chartCatalogue(fd).find((c) => c.id === 'roc-external')!;
    const svg = renderSvg(entry.option);
    expect(svg.startsWith('<svg')).toBe(true);
    // Okabe–Ito blue and vermillion: one curve each; the chance line is grey.
    expect(strokePaths(svg, '#0072B2')).toBeGreaterThanOrEqual(1);
    expect(strokePaths(svg, '#D55E00')).toBeGreaterThanOrEqual(1);
    for (const s of fd.roc.filter((x) => x.set === 'external')) {
      const text = rocLegend(s);
      expect(text).toMatch(/AUC 0\.\d{3} \(95% CI 0\.\d{3}–(0\.\d{3}|1\.000)\)/);
      expect(svg).toContain(text.replace(/&/g, '&amp;'));
    }
    expect(svg).toContain('1 − Specificity (false-positive rate)');
  });

  it('renders every chart of the catalogue, and PNGs at 300 and 600 dpi', () => {
    const all = chartCatalogue(fd);
    const groups = new Set(all.map((c) => c.group));
    expect([...groups].sort()).toEqual([
      'calibration',
      'coefficients',
      'comparison',
      'confusion',
      'dca',
      'delong',
      'radscore',
      'roc',
      'roc-model',
    ]);
    // The model comparison: a row per model and set, the AUC marker at the stored value.
    const forest = renderSvg(all.find((c) => c.id === 'auc-comparison')!.option);
    for (const label of ['Rad-score (LR) · External', 'Naive Bayes · Training (CV)']) expect(forest).toContain(label);
    const perModel = renderSvg(all.find((c) => c.id === 'roc-model-rad-score-lr')!.option);
    const ext = result.models[0]!.metrics.external!;
    expect(perModel).toContain(`External: AUC ${ext.auc.toFixed(3)} (95% CI ${ext.aucCi![0].toFixed(3)}–`);
    for (const c of all) expect(renderSvg(c.option).length, c.id).toBeGreaterThan(1000);
    const svg = renderSvg(all.find((c) => c.id === 'delong-test')!.option);
    const p = fd.delong.find((d) => d.set === 'test')!.pValues[0]![1]!;
    expect(svg).toContain(p < 0.001 ? '&lt;0.001' : p.toFixed(3));
    const png300 = svgToPng(svg, 300);
    const png600 = svgToPng(svg, 600);
    expect(png300.readUInt32BE(16)).toBe(2100);
    expect(png600.readUInt32BE(16)).toBe(4200);
    expect(pngDpi(png300)).toBe(300);
    expect(pngDpi(png600)).toBe(600);
  });
});

describe('LASSO figures', () => {
  it('keep the cv.glmnet path of a real LASSO step: λ.min minimises the CV deviance, λ.1se follows the 1-SE rule', () => {
    // 200 patients, 8 features, signal in f0 and f1 (seed 6 keeps every fold away from near-separation, where stats/glmnet.ts currently iterates for minutes at small λ).
    const rng = new Rng(6);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    const rows: string[][] = [];
    for (let p = 0; p < 200; p++) {
      const f = Array.from({ length: 8 }, normal);
      const y = rng.nextDouble() < 1 / (1 + Math.exp(-(0.7 * f[0]! - 0.5 * f[1]!)));
      rows.push([`P${p}`, y ? '1' : '0', ...f.map((v) => v.toFixed(6))]);
    }
    const head = ['patient', 'y', ...Array.from({ length: 8 }, (_, j) => `f${j}`)];
    const spec = parseAnalysisSpec({
      version: 1,
      name: 'lasso',
      columns: { patient: 'patient' },
      outcome: { column: 'y', positive: 1 },
      split: { method: 'random', testFraction: 0.3 },
      steps: [{ step: 'scale' }, { step: 'lasso', folds: 5 }],
      models: [{ name: 'LASSO LR', kind: 'logistic' }],
    });
    const r = runAnalysis(spec, datasetFromTable(head, rows, spec, 'lasso.csv'));
    const l = figureData(r).lasso[0]!;
    expect(l.model).toBe('LASSO LR');
    for (let k = 1; k < l.lambda.length; k++) expect(l.lambda[k]!).toBeLessThan(l.lambda[k - 1]!);
    expect(l.cvm[l.indexMin]).toBe(Math.min(...l.cvm));
    // 1-SE rule (cv.glmnet): the largest λ whose deviance is within one SE of the minimum.
    const bound = l.cvm[l.indexMin]! + l.cvsd[l.indexMin]!;
    expect(l.cvm[l.index1se]!).toBeLessThanOrEqual(bound);
    for (let k = 0; k < l.index1se; k++) expect(l.cvm[k]!).toBeGreaterThan(bound);
    // The model's features are those non-zero at λ.1se (the step's default).
    const nonZero = l.features.filter((_, f) => l.beta[f]![l.index1se] !== 0);
    expect(nonZero.sort()).toEqual([...r.models[0]!.features].sort());
    expect(nonZero).toContain('f0');
  });

  it('draws one path per feature on the path, and marks λ.min and λ.1se on both figures', () => {
    // A hand-made cv.glmnet path: deviance is lowest at k = 6 (λ.min), within 1 SE from k = 4.
    const lambda = Array.from({ length: 10 }, (_, k) => 0.5 * 0.7 ** k);
    const cvm = [1.38, 1.3, 1.2, 1.12, 1.05, 1.02, 1.0, 1.01, 1.03, 1.06];
    const withLasso: FigureData = {
      ...fd,
      lasso: [
        {
          model: 'Rad-score (LR)',
          lambda,
          cvm,
          cvsd: cvm.map(() => 0.05),
          indexMin: 6,
          index1se: 4,
          features: ['DCE2_original_f0', 'DCE2_original_f1', 'DCE2_original_f2'],
          beta: [0, 1, 2].map((f) => lambda.map((_, k) => (k > f ? (f + 1) * 0.1 * (k - f) : 0))),
        },
      ],
    };
    const entries = chartCatalogue(withLasso).filter((c) => c.group === 'lasso');
    expect(entries.map((c) => c.id)).toEqual(['lasso-path-rad-score-lr', 'lasso-cv-rad-score-lr']);
    const paths = renderSvg(entries[0]!.option);
    for (const color of ['#0072B2', '#D55E00', '#009E73']) expect(strokePaths(paths, color)).toBeGreaterThanOrEqual(1);
    expect(paths).toContain('λ.min');
    expect(paths).toContain('λ.1se');
    const cv = renderSvg(entries[1]!.option);
    expect(cv).toContain('Binomial deviance');
    expect(cv).toContain('λ.1se');
  });
});
