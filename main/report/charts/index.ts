/**
 * The catalogue of an analysis's figures: every chart the dashboards show and the report exports,
 * with a stable id (used for file names and test ids), a group and its ECharts option.
 */
import type { FigureData } from './types.js';
import { SET_LABELS } from './types.js';
import { aucForestOption, calibrationOption, decisionCurveOption, rocByModelOption, rocOption } from './performance.js';
import {
  coefficientOption,
  confusionOption,
  delongOption,
  lassoCvOption,
  lassoPathOption,
  radScoreOption,
} from './comparison.js';

export type ChartGroup =
  | 'comparison'
  | 'roc'
  | 'roc-model'
  | 'delong'
  | 'calibration'
  | 'dca'
  | 'radscore'
  | 'coefficients'
  | 'lasso'
  | 'confusion'
  // Study figures (main/report/studyFigures.ts): they need the analysis's table or the cohort.
  | 'km'
  | 'correlation';

export interface ChartEntry {
  id: string;
  group: ChartGroup;
  title: string;
  option: Record<string, unknown>;
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'model';

export function chartCatalogue(fd: FigureData): ChartEntry[] {
  const out: ChartEntry[] = [
    { id: 'auc-comparison', group: 'comparison', title: 'Model comparison: AUC (95% CI)', option: aucForestOption(fd) },
  ];
  for (const set of fd.sets) {
    const label = SET_LABELS[set];
    out.push({ id: `roc-${set}`, group: 'roc', title: `ROC curves — ${label}`, option: rocOption(fd, set) });
    if (fd.delong.some((d) => d.set === set))
      out.push({ id: `delong-${set}`, group: 'delong', title: `DeLong p-values — ${label}`, option: delongOption(fd, set) });
    if (fd.calibration.some((c) => c.set === set))
      out.push({
        id: `calibration-${set}`,
        group: 'calibration',
        title: `Calibration — ${label}`,
        option: calibrationOption(fd, set),
      });
    out.push({ id: `dca-${set}`, group: 'dca', title: `Decision curves — ${label}`, option: decisionCurveOption(fd, set) });
  }
  fd.models.forEach((m) => {
    out.push({ id: `roc-model-${slug(m)}`, group: 'roc-model', title: `ROC curves — ${m}`, option: rocByModelOption(fd, m) });
    if (fd.radScore.some((r) => r.model === m))
      out.push({ id: `radscore-${slug(m)}`, group: 'radscore', title: `Score by class — ${m}`, option: radScoreOption(fd, m) });
  });
  for (const c of fd.coefficients) {
    if (c.terms.length === 0) continue;
    out.push({
      id: `coefficients-${slug(c.model)}`,
      group: 'coefficients',
      title: `Coefficients — ${c.model}`,
      option: coefficientOption(fd, c.model),
    });
  }
  for (const l of fd.lasso) {
    out.push({
      id: `lasso-path-${slug(l.model)}`,
      group: 'lasso',
      title: `LASSO paths — ${l.model}`,
      option: lassoPathOption(fd, l.model),
    });
    out.push({
      id: `lasso-cv-${slug(l.model)}`,
      group: 'lasso',
      title: `LASSO CV — ${l.model}`,
      option: lassoCvOption(fd, l.model),
    });
  }
  for (const c of fd.confusion) {
    out.push({
      id: `confusion-${slug(c.model)}-${c.set}`,
      group: 'confusion',
      title: `Confusion matrix — ${c.model}, ${SET_LABELS[c.set]}`,
      option: confusionOption(fd, c.model, c.set),
    });
  }
  return out;
}

export type { FigureData } from './types.js';
