/**
 * Discrimination, calibration and clinical-utility figures as ECharts options: ROC overlays,
 * calibration curves (apparent and bias-corrected) and decision curves, one figure per set with
 * one series per model.
 */
import type { CalibrationSeries, DecisionCurveSeries, FigureData, RocSeries, SetKey } from './types.js';
import { SET_LABELS } from './types.js';
import { colorOf, f3, frame, GREY, legend, pct, pText, REFERENCE_COLOR, valueAxis } from './style.js';

type Option = Record<string, unknown>;

const diagonal = (name: string): Option => ({
  name,
  type: 'line',
  data: [
    [0, 0],
    [1, 1],
  ],
  showSymbol: false,
  silent: true,
  lineStyle: { color: GREY, type: 'dashed', width: 1 },
  itemStyle: { color: GREY },
});

/** Legend text of a ROC series: model, AUC and its DeLong 95% CI. */
export function rocLegend(s: RocSeries): string {
  return `${s.model}: AUC ${f3(s.auc)}${s.ci ? ` (95% CI ${f3(s.ci[0])}–${f3(s.ci[1])})` : ''}`;
}

export function rocOption(fd: FigureData, set: SetKey): Option {
  const series = fd.roc.filter((s) => s.set === set);
  return frame(`ROC curves — ${SET_LABELS[set]}`, {
    xAxis: valueAxis('1 − Specificity (false-positive rate)', 0, 1),
    yAxis: valueAxis('Sensitivity (true-positive rate)', 0, 1, { nameGap: 40 }),
    legend: legend(),
    series: [
      ...series.map((s) => ({
        name: rocLegend(s),
        type: 'line',
        step: false,
        showSymbol: false,
        data: s.fpr.map((x, k) => [x, s.tpr[k]]),
        lineStyle: { width: 2, color: colorOf(fd.models.indexOf(s.model)) },
        itemStyle: { color: colorOf(fd.models.indexOf(s.model)) },
      })),
      diagonal('Chance'),
    ],
  });
}

export function calibrationLegend(c: CalibrationSeries): string {
  return `${c.model} (Hosmer–Lemeshow ${pText(c.hosmerLemeshowP)})`;
}

export function calibrationOption(fd: FigureData, set: SetKey): Option {
  const cal = fd.calibration.filter((c) => c.set === set);
  const series: Option[] = [];
  for (const c of cal) {
    const color = colorOf(fd.models.indexOf(c.model));
    series.push({
      name: calibrationLegend(c),
      type: 'line',
      showSymbol: false,
      smooth: false,
      data: c.apparent.predicted.map((x, k) => [x, c.apparent.observed[k]]),
      lineStyle: { width: 2, color },
      itemStyle: { color },
    });
    if (c.groups.length) {
      series.push({
        name: `${c.model}: observed by risk decile`,
        type: 'scatter',
        symbol: 'triangle',
        symbolSize: 7,
        data: c.groups.map((g) => [g.predicted, g.observed]),
        itemStyle: { color },
      });
    }
    if (c.corrected) {
      series.push({
        name: `${c.model}: bias-corrected (bootstrap B = ${c.corrected.B})`,
        type: 'line',
        showSymbol: false,
        data: c.corrected.predicted.map((x, k) => [x, c.corrected!.observed[k]]),
        lineStyle: { width: 2, type: 'dashed', color },
        itemStyle: { color },
      });
    }
  }
  series.push(diagonal('Ideal'));
  return frame(`Calibration — ${SET_LABELS[set]}`, {
    xAxis: valueAxis('Predicted probability', 0, 1),
    yAxis: valueAxis('Observed proportion', 0, 1, { nameGap: 40 }),
    legend: legend(),
    series,
  });
}

/** "helps at 5–62%" from a decision curve's ranges. */
export function helpsText(d: DecisionCurveSeries): string {
  if (d.helps.length === 0) return 'no threshold where it helps';
  return `helps at ${d.helps.map(([a, b]) => (a === b ? pct(a) : `${pct(a)}–${pct(b)}`)).join(', ')}`;
}

export function decisionCurveOption(fd: FigureData, set: SetKey): Option {
  const curves = fd.decisionCurves.filter((d) => d.set === set);
  const first = curves[0];
  let top = 0.05;
  for (const d of curves) for (const v of d.netBenefit) top = Math.max(top, v);
  if (first) top = Math.max(top, first.prevalence);
  const yMax = Math.ceil(top * 1.1 * 20) / 20;
  const yMin = -Math.min(0.1, yMax / 3);
  const clip = (v: number): number | null => (v < yMin ? null : v);
  const series: Option[] = curves.map((d) => {
    const color = colorOf(fd.models.indexOf(d.model));
    return {
      name: `${d.model} (${helpsText(d)})`,
      type: 'line',
      showSymbol: false,
      connectNulls: false,
      data: d.thresholds.map((t, k) => [t, clip(d.netBenefit[k] as number)]),
      lineStyle: { width: 2, color },
      itemStyle: { color },
    };
  });
  if (first) {
    series.push({
      name: 'Treat all',
      type: 'line',
      showSymbol: false,
      data: first.thresholds.map((t, k) => [t, clip(first.treatAll[k] as number)]),
      lineStyle: { width: 1, color: GREY },
      itemStyle: { color: GREY },
    });
    series.push({
      name: 'Treat none',
      type: 'line',
      showSymbol: false,
      data: [
        [0, 0],
        [1, 0],
      ],
      lineStyle: { width: 1, color: REFERENCE_COLOR },
      itemStyle: { color: REFERENCE_COLOR },
    });
  }
  return frame(`Decision curves — ${SET_LABELS[set]}`, {
    xAxis: valueAxis('Threshold probability', 0, 1),
    grid: { left: 64, right: 24, top: 40, bottom: 110 },
    yAxis: valueAxis('Net benefit', yMin, yMax, { nameGap: 44 }),
    legend: legend({ orient: 'horizontal', left: 'center', right: undefined, bottom: 8, width: 600 }),
    series,
  });
}

const SHORT_SET: Record<SetKey, string> = { train: 'Training', cv: 'Training (CV)', test: 'Internal test', external: 'External' };

/** One model's ROC curves on every set (training, CV, internal test, external) overlaid. */
export function rocByModelOption(fd: FigureData, model: string): Option {
  const series = fd.roc.filter((s) => s.model === model);
  return frame(`ROC curves — ${model}`, {
    xAxis: valueAxis('1 − Specificity (false-positive rate)', 0, 1),
    yAxis: valueAxis('Sensitivity (true-positive rate)', 0, 1, { nameGap: 40 }),
    legend: legend(),
    series: [
      ...series.map((s) => {
        const color = colorOf(fd.sets.indexOf(s.set));
        return {
          name: `${SHORT_SET[s.set]}: AUC ${f3(s.auc)}${s.ci ? ` (95% CI ${f3(s.ci[0])}–${f3(s.ci[1])})` : ''}`,
          type: 'line',
          showSymbol: false,
          data: s.fpr.map((x, k) => [x, s.tpr[k]]),
          lineStyle: { width: 2, color, type: s.set === 'cv' ? 'dashed' : 'solid' },
          itemStyle: { color },
        };
      }),
      diagonal('Chance'),
    ],
  });
}

/** Forest plot of AUC with its DeLong 95% CI, one row per model and set: the model comparison. */
export function aucForestOption(fd: FigureData): Option {
  const rows: { label: string; set: SetKey; s: RocSeries }[] = [];
  for (const m of fd.models)
    for (const set of fd.sets) {
      const s = fd.roc.find((x) => x.model === m && x.set === set);
      if (s) rows.push({ label: `${m} · ${SHORT_SET[set]}`, set, s });
    }
  rows.reverse(); // first model at the top
  const series: Option[] = [];
  fd.sets.forEach((set, k) => {
    const color = colorOf(k);
    const mine = rows.map((r, i) => ({ r, i })).filter((x) => x.r.set === set);
    series.push({
      name: SET_LABELS[set],
      type: 'line',
      showSymbol: false,
      connectNulls: false,
      data: mine.flatMap(({ r, i }) => (r.s.ci ? [[r.s.ci[0], i], [r.s.ci[1], i], '-'] : [])),
      lineStyle: { width: 2, color },
      itemStyle: { color },
      tooltip: { show: false },
    });
    series.push({
      name: SET_LABELS[set],
      type: 'scatter',
      symbol: 'rect',
      symbolSize: 9,
      data: mine.map(({ r, i }) => [r.s.auc, i]),
      itemStyle: { color },
    });
  });
  let lowest = 0.4;
  for (const r of rows) lowest = Math.min(lowest, r.s.ci?.[0] ?? r.s.auc, r.s.auc);
  return frame('Model comparison: AUC (95% CI)', {
    grid: { left: 230, right: 24, top: 64, bottom: 56 },
    xAxis: valueAxis('AUC (DeLong 95% CI)', Math.max(0, Math.floor(lowest * 10) / 10), 1),
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.label),
      axisLabel: { color: '#000', fontSize: 10 },
      axisTick: { show: false },
    },
    legend: legend({ orient: 'horizontal', top: 26, left: 'center', right: undefined, bottom: undefined }),
    series,
  });
}
